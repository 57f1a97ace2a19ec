import { AppError } from '../../../src-shared/errors.js';
import type { HttpClient, HttpMethod, HttpResponse } from '../../net/http-client.js';
import { isRecord, parseJsonBody, type JsonRecord } from '../vendor-json.js';
import { failureOf, generationOf, saysExpired, type FailureContext, type IssabelGeneration } from './issabel-answers.js';
import type { IssabelSession } from './issabel-session.js';

/*
 * pbxapi's transport: the Bearer token on every request, the token's expiry (answered as a 200!)
 * and refusal handled by one renewal or login and one resend, the generation learnt from whatever
 * the API answers, every non-2xx turned into a typed error. Resending after `expired` or 403 is
 * safe even for writes: the API checks the token before the controller runs, so a request refused
 * that way did nothing. Writes are otherwise never sent twice (each reloads the PBX).
 */

export interface IssabelCall extends FailureContext {
  method: HttpMethod;
  /** Below the base URL: `/extensions/1001`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON (Content-Type exactly application/json, which the ring-group controller insists on). */
  json?: unknown;
  /** Reads may be retried after a network failure; writes never are. */
  read: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Writes run apply-changes synchronously (`amportal a r`: seconds on a real box). */
export const WRITE_TIMEOUT_MS = 120_000;

export class IssabelApi {
  /** Learnt from the first answer that tells it; null until then. */
  generation: IssabelGeneration | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly session: IssabelSession,
  ) {}

  private once(call: IssabelCall, token: string): Promise<HttpResponse> {
    return this.http.request({
      method: call.method,
      path: call.path,
      query: call.query,
      headers: { Authorization: `Bearer ${token}` },
      body: call.json === undefined ? undefined : { json: call.json },
      idempotent: call.read,
      timeoutMs: call.timeoutMs ?? (call.read ? undefined : WRITE_TIMEOUT_MS),
      signal: call.signal,
    });
  }

  /** The answer to `call`, 2xx only; anything else is thrown as a typed error. */
  async send(call: IssabelCall): Promise<HttpResponse> {
    let token = await this.session.token(call.signal);
    let response = await this.once(call, token);
    if (saysExpired(response)) {
      token = await this.session.afterExpired(token);
      response = await this.once(call, token);
    } else if (response.status === 403) {
      token = await this.session.afterRefused(token);
      response = await this.once(call, token);
    }
    if (saysExpired(response)) {
      throw new AppError('PBX_ERROR', 'The Issabel API refuses as expired a token it has just issued (check its clock and its token lifetime)', { what: call.what });
    }
    this.generation = generationOf(response) ?? this.generation;
    if (response.status < 200 || response.status >= 300) throw failureOf(response, call);
    return response;
  }

  /** `results` of a resource read (an array, or an object for a few controllers). */
  async results(call: IssabelCall): Promise<unknown> {
    const body = parseJsonBody((await this.send(call)).body, call.what);
    if (!isRecord(body) || !('results' in body)) throw new AppError('PBX_ERROR', `The Issabel API answered ${call.what} without results`, { what: call.what });
    return body.results;
  }

  /**
   * A `manager/{action}` answer: hand-built JSON outside the envelope, always HTTP 200, with
   * `{"status":"error","reason":…}` when the API cannot reach AMI.
   */
  async manager(action: string, query: Record<string, string>, read: boolean): Promise<unknown> {
    const what = `manager/${action}`;
    const body = parseJsonBody((await this.send({ method: 'GET', path: `/manager/${action}`, query, read, what })).body, what);
    if (isRecord(body) && body.status === 'error' && 'reason' in body) throw amiDown(body);
    return body;
  }
}

export function amiDown(body: JsonRecord): AppError {
  const reason = typeof body.reason === 'string' ? body.reason : 'no reason given';
  return new AppError('PBX_ERROR', `The Issabel API cannot reach its Asterisk manager (AMI): ${reason}`, { ami: true });
}
