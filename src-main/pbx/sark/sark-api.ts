import type { Writable } from 'node:stream';
import { AppError } from '../../../src-shared/errors.js';
import type { HttpClient, HttpMethod, HttpRequest, HttpResponse } from '../../net/http-client.js';
import { isRecord, parseJsonBody } from '../vendor-json.js';
import { answerError, isLoginFallback, type FieldMap } from './sark-errors.js';

/*
 * sark6api's transport (vendors/sark.md §1–3). Every route lives under Laravel's `api` prefix, which
 * the site's base URL carries (`https://<sark>:44300/api`). `Accept: application/json` goes out on
 * every request: without it Laravel renders its errors as HTML pages, and L11 answers a missing token
 * with a 500 (a redirect to a login route that does not exist) instead of a 401.
 *
 * The Laravel 7 API has no authentication; its Laravel 11 successor wants a Sanctum bearer token
 * from `POST /auth/login`. Which one this is shows on the first answer: a 401 means L11 (or the
 * fallback 404 of the L11 code that hides its routes from requests without a token). A login
 * deletes every other token of the same user, so it happens only when a 401 asks for it, at most
 * once at a time (concurrent requests that meet the same stale token share that one login), and a
 * request refused with 401 is sent again with the new token: the auth middleware refused it before
 * any controller ran.
 */

export type SarkGeneration = 'L7' | 'L11';

export interface SarkCredentials {
  /** L11 logs in with an e-mail address. */
  email: string;
  password: string;
}

export interface SarkCall {
  method?: HttpMethod;
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON (Laravel maps it into `$request->post()`). */
  body?: unknown;
  /** What is asked, for messages: "extension 1001". */
  what: string;
  /** The PBX's field names in a 422 → the app's. */
  fields?: FieldMap;
  /** Default: the HTTP client's rule (GET, PUT, DELETE). */
  idempotent?: boolean;
  timeoutMs?: number;
  sink?: Writable;
  /** Which answers go to `sink` (default: any 2xx). */
  streamIf?: HttpRequest['streamIf'];
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const NO_FIELDS: FieldMap = {};

export class SarkApi {
  private token: string | null = null;
  private pendingLogin: Promise<string> | null = null;
  private detected: SarkGeneration | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: SarkCredentials | null,
  ) {}

  /** Null until an answer has shown it. */
  get generation(): SarkGeneration | null {
    return this.detected;
  }

  /**
   * The raw answer to a request (after a re-login on 401). Throws only what the transport throws
   * (UNREACHABLE, TIMEOUT, a cut body…) or AUTH_FAILED: the caller decides what an answer means.
   */
  async send(call: SarkCall): Promise<HttpResponse> {
    const token = this.token;
    const response = await this.once(call, token);
    if (response.status !== 401 && !(token === null && isLoginFallback(response))) {
      if (token === null && response.status < 400) this.detected ??= 'L7';
      return response;
    }
    this.detected = 'L11';
    if (!this.credentials) throw new AppError('AUTH_FAILED', 'This SARK (Laravel 11 API) needs a login: enter the e-mail address and password of a SARK administrator', { generation: 'L11' });
    const fresh = await this.freshToken(token);
    const again = await this.once(call, fresh);
    if (again.status === 401) throw new AppError('AUTH_FAILED', 'SARK refused the token it had just issued', { generation: 'L11' });
    return again;
  }

  /** The answer, or the typed error a non-2xx answer means. */
  async expect(call: SarkCall): Promise<HttpResponse> {
    const response = await this.send(call);
    if (response.status >= 200 && response.status < 300) return response;
    throw this.failure(response, call);
  }

  /** The typed error for a non-2xx answer to `call`. */
  failure(response: HttpResponse, call: SarkCall): AppError {
    return answerError(response, call.what, call.fields ?? NO_FIELDS, this.token !== null);
  }

  async json(call: SarkCall): Promise<unknown> {
    return parseJsonBody((await this.expect(call)).body, call.what);
  }

  private once(call: SarkCall, token: string | null): Promise<HttpResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', ...call.headers };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    return this.http.request({
      method: call.method ?? 'GET',
      path: call.path,
      query: call.query,
      headers,
      body: call.body === undefined ? undefined : { json: call.body },
      idempotent: call.idempotent,
      timeoutMs: call.timeoutMs,
      sink: call.sink,
      streamIf: call.streamIf,
      signal: call.signal,
    });
  }

  /** A token newer than `stale`: one someone else already fetched, the login under way, or a new one. */
  private freshToken(stale: string | null): Promise<string> {
    if (this.token !== null && this.token !== stale) return Promise.resolve(this.token);
    this.pendingLogin ??= this.login().finally(() => {
      this.pendingLogin = null;
    });
    return this.pendingLogin;
  }

  private async login(): Promise<string> {
    const { email, password } = this.credentials!;
    const call: SarkCall = {
      method: 'POST',
      path: '/auth/login',
      body: { email, password },
      what: 'the login',
      fields: { email: { path: 'api.username', message: 'validation.sark.loginEmail' }, password: { path: 'api.secret', message: 'validation.required' } },
    };
    this.token = null;
    const response = await this.once(call, null);
    if (response.status === 401) throw new AppError('AUTH_FAILED', 'SARK refused the e-mail address or password', { generation: 'L11' });
    if (response.status < 200 || response.status >= 300) throw answerError(response, call.what, call.fields!, false);
    const body = parseJsonBody(response.body, call.what);
    const token = isRecord(body) && typeof body.accessToken === 'string' ? body.accessToken : '';
    if (token === '') throw new AppError('PBX_ERROR', 'SARK answered the login without a token');
    this.token = token;
    return token;
  }
}
