import type { SimResponse } from '../http/http-sim.js';
import type { Ctx } from './context.js';
import { decodeJwt, encodeJwt, type JwtPayload } from './jwt.js';
import { looseStringEquals, phpJsonDecode } from './php.js';
import { empty, f3Error, raw } from './respond.js';

/*
 * models/jwtauth.php and models/authorize.php. Login is user `admin` with the AMI admin password
 * (amiadminpwd), nothing else. Access tokens live tokenLifetime, refresh tokens twice that when
 * issued by login but 24 times when issued by renewal. A request's token is the second word of the
 * Authorization header, scheme unchecked; an expired token is answered 200 `{"status": "expired"}`
 * as text/html (or a 500 page once it is more than 720000 s past expiry), anything else wrong is a
 * 403 with no body. Renewal swallows a bad refresh token unless the failure is expiry, so the access
 * token alone renews. Access and refresh tokens are interchangeable as Bearer tokens: authorize()
 * looks at nothing but signature and time.
 */

const RENEW_LEEWAY_S = 720_000;

function nowS(ctx: Ctx): number {
  return Math.floor(ctx.options.nowMs() / 1000);
}

function key(ctx: Ctx): Buffer {
  if (!ctx.options.jwtKey) throw new Error('no JWT key');
  return ctx.options.jwtKey;
}

function tokenPair(ctx: Ctx, data: unknown, refreshFactor: number): { access: string; refresh: string } {
  const iat = nowS(ctx);
  const lifetime = ctx.options.tokenLifetimeS;
  const access: JwtPayload = { iat, exp: iat + lifetime, data };
  const refresh: JwtPayload = { iat, exp: iat + lifetime * refreshFactor, data: [] };
  return { access: encodeJwt(access, key(ctx)), refresh: encodeJwt(refresh, key(ctx)) };
}

/** authorize::authorized: null when the request may go on, else the answer that ends it. */
export function authorize(ctx: Ctx): SimResponse | null {
  const header = ctx.request.headers.authorization;
  if (header === undefined) return empty(403, {}, 'Unauthorized');
  // list(,$jwt) = preg_split("/ /", …): the scheme is never checked, a double space leaves ''.
  const token = header.split(' ')[1];
  const first = decodeJwt(token, key(ctx), nowS(ctx));
  if (first.ok) return null;
  if (first.error === 'Expired token') {
    const lenient = decodeJwt(token, key(ctx), nowS(ctx), RENEW_LEEWAY_S);
    if (!lenient.ok) return f3Error(500, ctx.verb, ctx.request.path, false, lenient.error);
    return raw('{"status": "expired"}');
  }
  return empty(403, {}, 'Unauthorized');
}

function loginFields(ctx: Ctx): Record<string, unknown> {
  const type = String(ctx.request.headers['content-type'] ?? '');
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(ctx.request.body.toString('latin1')));
  // JSON logins are accepted since e8b3628 (2022-05), i.e. by the later Gen B builds and Gen C.
  if (ctx.gen !== 'A' && type.startsWith('application/json')) {
    const decoded = phpJsonDecode(ctx.request.body);
    if (decoded.ok && decoded.value !== null && typeof decoded.value === 'object') return decoded.value as Record<string, unknown>;
  }
  return {};
}

async function login(ctx: Ctx): Promise<SimResponse> {
  const fields = loginFields(ctx);
  const user = fields.user ?? fields.username;
  const password = fields.password;
  if (user !== 'admin' || typeof password !== 'string' || !looseStringEquals(password, ctx.options.adminPassword)) return empty(403, {}, 'Forbidden');
  const { access, refresh } = tokenPair(ctx, { name: 'admin' }, 2);
  return raw(`{"access_token":"${access}","expires_in":${ctx.options.tokenLifetimeS},"refresh_token":"${refresh}","token_type":"Bearer"}`, 'application/json');
}

function renew(ctx: Ctx): SimResponse {
  const refresh = decodeJwt(ctx.request.query.get('refresh_token') ?? undefined, key(ctx), nowS(ctx));
  if (!refresh.ok && refresh.error === 'Expired token') return raw('{"status": "expired", "type": "refresh"}');
  // Any other refresh-token failure is swallowed: the access token alone decides.
  const access = decodeJwt(ctx.request.query.get('access_token') ?? undefined, key(ctx), nowS(ctx), RENEW_LEEWAY_S);
  if (!access.ok) return raw('{"status": "unauthorized"}');
  const pair = tokenPair(ctx, access.payload.data, 24);
  return raw(
    `{"access_token":"${pair.access}","expires_in":${ctx.options.tokenLifetimeS},"refresh_token":"${pair.refresh}","token_type":"Bearer","status":"authorized"}`,
  );
}

/** The `authenticate` controller (no token needed). */
export async function authenticateController(ctx: Ctx): Promise<SimResponse> {
  switch (ctx.verb) {
    case 'POST':
      return login(ctx);
    case 'PUT':
      return empty(403, {}, 'Forbidden');
    case 'GET':
      // Without an id: the tokens of the web UI's PHP session, which a remote client never has.
      if (ctx.id === '') return raw('{"status":"unauthorized"}', 'application/json');
      return renew(ctx);
    default:
      return f3Error(405, ctx.verb, ctx.request.path.replace(/^\/pbxapi/, ''), false);
  }
}
