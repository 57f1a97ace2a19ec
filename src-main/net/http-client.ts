import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Writable } from 'node:stream';
import { AppError } from '../../src-shared/errors.js';
import type { Logger } from '../logging/logger.js';
import { RateLimiter } from './rate-limiter.js';
import { socketError } from './socket-errors.js';
import { connectVerified } from './tls-trust.js';

/*
 * The one HTTP client every vendor adapter uses. Built on node:http(s) rather than fetch for two
 * reasons the vendors force on us: TLS must be decided per site before a byte is sent (a CA-valid
 * chain, or exactly the certificate pinned for this site; nothing disabled globally), and header
 * names must go out as written (Elastix reads `Authorization` case-sensitively; fetch lower-cases).
 *
 * Each request gets a deadline, idempotent requests are retried on network failures and 5xx,
 * every request waits for the site's rate limit when the vendor throttles, a 429 is waited out
 * (Retry-After) whatever the method since the server did not act on it, and every exchange is
 * logged at debug level with its timing and no secret.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type HttpBody = { form: Record<string, string> } | { json: unknown } | { text: string; contentType: string };

export interface HttpRequest {
  method: HttpMethod;
  /** Appended to the base URL's path. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: HttpBody;
  /** Default: the client's. Originates that block until a phone answers need long ones. */
  timeoutMs?: number;
  /** Safe to send twice. Default: true for GET, HEAD, PUT and DELETE. */
  idempotent?: boolean;
  /**
   * Write the body here instead of buffering it (downloads); the response's `body` is then empty.
   * Only answers `streamIf` accepts are streamed (default: any 2xx); others are buffered as usual,
   * so an error page never lands in the file.
   */
  sink?: Writable;
  streamIf?: (status: number, headers: IncomingHttpHeaders) => boolean;
  /** Bodies larger than this are refused (buffered responses only). Default 64 MiB. */
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Bytes received (also for sunk bodies). */
  bytes: number;
  /** The body went to the request's sink (`body` is then empty). */
  streamed: boolean;
}

export interface HttpClientOptions {
  /** `https://pbx.example:8443/pbxapi` */
  baseUrl: string;
  pinnedFingerprint256: string | null;
  logger: Logger;
  /** Default per-request deadline. Default 15 s. */
  timeoutMs?: number;
  /** Extra attempts for idempotent requests. Default 2. */
  retries?: number;
  /** The vendor's throttle, e.g. SARK's 60 requests a minute. */
  ratePerMinute?: number;
  /** How many 429s to wait out before giving up. Default 3. */
  maxThrottleWaits?: number;
  /** Backoff base between retries, ms. Default 250. */
  retryDelayMs?: number;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const SECRET_QUERY = /token|key|secret|pass|auth/i;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(): AppError {
  return new AppError('CANCELLED', 'The request was cancelled');
}

function encodeBody(body: HttpBody | undefined): { bytes: Buffer | null; contentType: string | null } {
  if (!body) return { bytes: null, contentType: null };
  if ('form' in body) return { bytes: Buffer.from(new URLSearchParams(body.form).toString(), 'utf8'), contentType: 'application/x-www-form-urlencoded' };
  if ('json' in body) return { bytes: Buffer.from(JSON.stringify(body.json), 'utf8'), contentType: 'application/json' };
  return { bytes: Buffer.from(body.text, 'utf8'), contentType: body.contentType };
}

/** Retry-After in seconds or as an HTTP date; a missing or odd value means one second. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return 1000;
  if (/^\d+$/.test(text.trim())) return Math.min(Number(text) * 1000, 120_000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? 1000 : Math.min(Math.max(0, at - now), 120_000);
}

/** Retried because the server may not have seen it, or failed on its side before acting. */
class Retryable extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

export class HttpClient {
  private readonly base: URL;
  private readonly host: string;
  private readonly port: number;
  private readonly where: string;
  private readonly limiter: RateLimiter | null;
  private readonly cookies = new Map<string, string>();

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.baseUrl);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new AppError('VALIDATION', `Unsupported URL scheme ${this.base.protocol}`);
    }
    this.host = this.base.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(this.base.port || (this.base.protocol === 'https:' ? 443 : 80));
    this.where = `${this.host}:${this.port}`;
    this.limiter = options.ratePerMinute ? new RateLimiter(options.ratePerMinute, 60_000) : null;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const idempotent = req.idempotent ?? IDEMPOTENT.has(req.method);
    const retries = idempotent && !req.sink ? (this.options.retries ?? 2) : 0;
    let throttled = 0;
    for (let attempt = 0; ; attempt++) {
      if (this.limiter) await sleep(this.limiter.reserve(), req.signal);
      try {
        const response = await this.once(req);
        if (response.status === 429 && throttled < (this.options.maxThrottleWaits ?? 3)) {
          throttled++;
          attempt--;
          await sleep(retryAfterMs(response.headers['retry-after']), req.signal);
          continue;
        }
        if (response.status === 429) throw new AppError('RATE_LIMITED', `${this.where} keeps refusing requests as too many; try again in a minute`, { where: this.where });
        if (response.status >= 500 && idempotent && attempt < retries) throw new Retryable(new AppError('PBX_ERROR', `HTTP ${response.status}`));
        return response;
      } catch (err) {
        if (!(err instanceof Retryable) || attempt >= retries) throw err instanceof Retryable ? err.error : err;
        await sleep((this.options.retryDelayMs ?? 250) * 2 ** attempt, req.signal);
      }
    }
  }

  /** The path and query for logs: values of anything that looks like a credential are hidden. */
  private describe(req: HttpRequest): string {
    const query = Object.entries(req.query ?? {})
      .map(([k, v]) => `${k}=${SECRET_QUERY.test(k) ? '***' : v}`)
      .join('&');
    return `${req.method} ${this.base.pathname.replace(/\/$/, '')}${req.path}${query ? `?${query}` : ''}`;
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs ?? 15_000;
    const deadline = started + timeoutMs;
    const path = `${this.base.pathname.replace(/\/$/, '')}${req.path}${req.query ? `?${new URLSearchParams(req.query).toString()}` : ''}`;
    const { bytes, contentType } = encodeBody(req.body);
    const headers: Record<string, string> = { 'User-Agent': 'Switchboard', Accept: 'application/json, text/plain, */*', ...req.headers };
    if (contentType && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = contentType;
    if (bytes) headers['Content-Length'] = String(bytes.length);
    if (this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const label = this.describe(req);

    let request: ClientRequest;
    let socket: TLSSocket | null = null;
    try {
      if (this.base.protocol === 'https:') {
        ({ socket } = await connectVerified({ host: this.host, port: this.port, pinnedFingerprint256: this.options.pinnedFingerprint256, timeoutMs }));
        const verified = socket;
        // No agent: with one, Node would ignore createConnection and open a CA-verified socket of its own.
        request = httpsRequest({ method: req.method, path, headers, host: this.host, port: this.port, createConnection: () => verified });
      } else {
        request = httpRequest({ method: req.method, path, headers, host: this.host, port: this.port, agent: false });
      }
    } catch (err) {
      socket?.destroy();
      // A header Node refuses to send (a CR/LF or a character outside Latin-1 in a credential).
      if ((err as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR' || (err as NodeJS.ErrnoException).code === 'ERR_INVALID_HTTP_TOKEN') {
        throw new AppError('VALIDATION', 'A credential or value of this site cannot be sent in an HTTP header', { where: this.where });
      }
      const error = socketError(err, this.where);
      this.options.logger.debug('http failed', { request: label, code: error.code, ms: Math.round(performance.now() - started) });
      // A refused connection never reached the server (the request's own retry budget decides); distrust is final.
      throw error.code === 'TLS_UNTRUSTED' ? error : new Retryable(error);
    }

    try {
      const response = await this.exchange(request, bytes, req, deadline, timeoutMs);
      this.keepCookies(response.headers['set-cookie']);
      this.options.logger.debug('http', { request: label, status: response.status, bytes: response.bytes, ms: Math.round(performance.now() - started) });
      return response;
    } catch (err) {
      const error = err instanceof Retryable ? err.error : socketError(err, this.where);
      this.options.logger.debug('http failed', { request: label, code: error.code, ms: Math.round(performance.now() - started) });
      // Network trouble may pass; a typed refusal (too large, cancelled, a failing sink) will not.
      if (err instanceof Retryable || err instanceof AppError) throw err;
      throw new Retryable(error);
    }
  }

  private exchange(request: ClientRequest, body: Buffer | null, req: HttpRequest, deadline: number, timeoutMs: number): Promise<HttpResponse> {
    const limit = req.maxBodyBytes ?? 64 * 1024 * 1024;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const fail = (error: AppError | Retryable) => finish(() => {
        request.destroy();
        reject(error);
      });
      const timedOut = () => fail(new Retryable(new AppError('TIMEOUT', `${this.where} did not answer within ${timeoutMs} ms`, { where: this.where, timeoutMs })));
      let timer = setTimeout(timedOut, Math.max(1, deadline - performance.now()));
      const onAbort = () => fail(cancelled());
      if (req.signal?.aborted) {
        onAbort();
        return;
      }
      req.signal?.addEventListener('abort', onAbort, { once: true });

      request.once('error', (err) => fail(new Retryable(socketError(err, this.where))));
      request.once('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let received = 0;
        const status = res.statusCode ?? 0;
        const accept = req.streamIf ?? ((code: number) => code >= 200 && code < 300);
        const sink = req.sink && accept(status, res.headers) ? req.sink : undefined;
        if (sink) {
          const broken = () => fail(new AppError('STORAGE', 'The download could not be written', { where: this.where, received }));
          sink.once('error', broken);
          sink.once('close', () => {
            if (!settled) broken();
          });
        }
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (sink) {
            // A long download is fine as long as it keeps moving: the deadline becomes an idle limit.
            clearTimeout(timer);
            timer = setTimeout(timedOut, timeoutMs);
            if (!sink.write(chunk)) {
              res.pause();
              sink.once('drain', () => res.resume());
            }
            return;
          }
          if (received > limit) {
            fail(new AppError('PBX_ERROR', `${this.where} sent more than ${limit} bytes`, { where: this.where, limit }));
            return;
          }
          chunks.push(chunk);
        });
        res.once('aborted', () => fail(new Retryable(new AppError('PBX_ERROR', `${this.where} closed the connection in the middle of a response`, { where: this.where, received }))));
        res.once('error', (err) => fail(new Retryable(new AppError('PBX_ERROR', `${this.where} closed the connection in the middle of a response`, { where: this.where, received, cause: (err as NodeJS.ErrnoException).code ?? 'unknown' }))));
        res.once('end', () => {
          const expected = Number(res.headers['content-length']);
          if (!res.complete || (Number.isFinite(expected) && res.headers['content-length'] !== undefined && req.method !== 'HEAD' && received !== expected)) {
            fail(new Retryable(new AppError('PBX_ERROR', `${this.where} closed the connection in the middle of a response`, { where: this.where, received, expected })));
            return;
          }
          finish(() =>
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks), bytes: received, streamed: sink !== undefined }),
          );
        });
      });
      request.end(body ?? undefined);
    });
  }

  private keepCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const pair = line.split(';', 1)[0] ?? '';
      const at = pair.indexOf('=');
      if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }
}
