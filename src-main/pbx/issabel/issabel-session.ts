import { AppError } from '../../../src-shared/errors.js';
import type { HttpClient } from '../../net/http-client.js';
import { isRecord, text } from '../vendor-json.js';
import { failureOf } from './issabel-answers.js';

/*
 * pbxapi's JWT login (vendors/issabel.md §2): `POST /authenticate` with the user `admin` and the
 * AMI admin password, a 1-hour access token and a refresh token, renewed with both tokens in the
 * query of `GET /authenticate/renewtoken`. Lifetimes are measured on this computer's clock from
 * when a token was asked for, never compared with the PBX's clock, so a PBX whose clock is off
 * does not make us send tokens it thinks are stale. The token is renewed once 5/6 of its life is
 * gone; a refresh token the PBX no longer takes means a fresh login.
 */

interface Tokens {
  access: string;
  refresh: string;
  renewAt: number;
  refreshExpiresAt: number;
}

export interface IssabelCredentials {
  user: string;
  password: string;
}

/** The JWT's own lifetime (exp − iat, clock-independent), or null when the payload is not readable. */
function lifetimeS(jwt: string): number | null {
  try {
    const payload: unknown = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isRecord(payload) || typeof payload.exp !== 'number' || typeof payload.iat !== 'number') return null;
    return payload.exp > payload.iat ? payload.exp - payload.iat : null;
  } catch {
    return null;
  }
}

export class IssabelSession {
  private tokens: Tokens | null = null;
  private pending: Promise<Tokens> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: IssabelCredentials,
    private readonly now: () => number,
  ) {}

  /** A token fit to send: logs in, or renews one close to expiry, first. */
  async token(signal?: AbortSignal): Promise<string> {
    const held = this.tokens;
    if (held && this.now() < held.renewAt) return held.access;
    return (await this.serialised(() => (held && this.now() < held.refreshExpiresAt ? this.renewOrLogin(held, signal) : this.login(signal)))).access;
  }

  /** The PBX said `used` expired: renew (or log in if it will not renew), unless a concurrent call already did. */
  async afterExpired(used: string): Promise<string> {
    const held = this.tokens;
    if (held && held.access !== used) return held.access;
    return (await this.serialised(() => (held && this.now() < held.refreshExpiresAt ? this.renewOrLogin(held) : this.login()))).access;
  }

  /** The PBX refused `used` outright (a key changed on its side): a fresh login, unless a concurrent call already did. */
  async afterRefused(used: string): Promise<string> {
    const held = this.tokens;
    if (held && held.access !== used) return held.access;
    return (await this.serialised(() => this.login())).access;
  }

  /** A login now, whatever is held (connect proves the credentials as they are today). */
  async fresh(signal?: AbortSignal): Promise<void> {
    await this.serialised(() => this.login(signal));
  }

  private async serialised(get: () => Promise<Tokens>): Promise<Tokens> {
    if (!this.pending) {
      this.pending = get()
        .then((tokens) => (this.tokens = tokens))
        .finally(() => {
          this.pending = null;
        });
    }
    return this.pending;
  }

  private issued(body: unknown, asked: number, what: string): Tokens {
    if (!isRecord(body) || !text(body, 'access_token') || !text(body, 'refresh_token')) {
      throw new AppError('PBX_ERROR', `The Issabel API answered ${what} without tokens`, { what });
    }
    const access = text(body, 'access_token');
    const refresh = text(body, 'refresh_token');
    const stated = Number(text(body, 'expires_in'));
    const life = Number.isFinite(stated) && stated > 0 ? stated : (lifetimeS(access) ?? 3600);
    return {
      access,
      refresh,
      renewAt: asked + (life * 1000 * 5) / 6,
      // Login's refresh token lives twice the access token, renewal's 24 times: read it from the token.
      refreshExpiresAt: asked + (lifetimeS(refresh) ?? life) * 1000,
    };
  }

  private async login(signal?: AbortSignal): Promise<Tokens> {
    const asked = this.now();
    // Form-encoded: every generation reads it; JSON logins only exist since 2022.
    const response = await this.http.request({
      method: 'POST',
      path: '/authenticate',
      body: { form: { user: this.credentials.user || 'admin', password: this.credentials.password } },
      // A login changes nothing on the PBX: safe to send again after a network failure.
      idempotent: true,
      signal,
    });
    if (response.status === 403) {
      throw new AppError('AUTH_FAILED', 'The Issabel API refused the login: it takes only the user "admin" with the AMI admin password (amiadminpwd in /etc/issabel.conf)', {
        user: this.credentials.user || 'admin',
      });
    }
    if (response.status !== 200) throw failureOf(response, { what: 'the login' });
    return this.issued(parseBody(response.body), asked, 'the login');
  }

  private async renewOrLogin(held: Tokens, signal?: AbortSignal): Promise<Tokens> {
    const asked = this.now();
    const response = await this.http.request({
      method: 'GET',
      path: '/authenticate/renewtoken',
      query: { refresh_token: held.refresh, access_token: held.access },
      signal,
    });
    if (response.status !== 200) throw failureOf(response, { what: 'the token renewal' });
    const body = parseBody(response.body);
    // `expired` (refresh token too old) and `unauthorized` (access token long dead) both mean: log in again.
    if (isRecord(body) && body.status !== 'authorized') return this.login(signal);
    return this.issued(body, asked, 'the token renewal');
  }
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}
