import type { Writable } from 'node:stream';
import { AppError } from '../../../src-shared/errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../net/http-client.js';
import { parseJsonBody } from '../vendor-json.js';

/*
 * elastix-api's transport (vendors/elastix.md §1–3): every command is `api.php?cmd=<cmd>`, its
 * parameters form-encoded in a POST (the code reads `$_POST`), the key in a header that must be
 * spelled `Authorization` exactly, and every auth or routing failure an HTTP 200 with a plain-text
 * body. Those bodies are told apart here so the adapter only ever sees data or a typed error.
 */

const PLAIN_ANSWERS: Record<string, () => AppError> = {
  'key not found': () => new AppError('AUTH_FAILED', 'The Elastix API did not receive an API key'),
  'key not matched': () => new AppError('AUTH_FAILED', 'The Elastix API refused the API key'),
  'cmd not matched': () => new AppError('NOT_SUPPORTED', 'This Elastix API does not know the command (an older elastix-api?)'),
  test: () => new AppError('PBX_ERROR', 'The Elastix API did not receive the command'),
};

export interface ElastixCall {
  form?: Record<string, string>;
  query?: Record<string, string>;
  /** Reads may be retried; writes never are (every write reloads the PBX). */
  read: boolean;
  timeoutMs?: number;
  sink?: Writable;
  /** Which answers go to the sink; others are buffered and checked like any answer. */
  streamIf?: HttpRequest['streamIf'];
  signal?: AbortSignal;
}

export class ElastixApi {
  constructor(
    private readonly http: HttpClient,
    private readonly key: string,
  ) {}

  async call(cmd: string, options: ElastixCall): Promise<HttpResponse> {
    const response = await this.http.request({
      method: 'POST',
      path: '',
      query: { cmd, ...options.query },
      headers: { Authorization: this.key },
      body: options.form ? { form: options.form } : undefined,
      idempotent: options.read,
      timeoutMs: options.timeoutMs,
      sink: options.sink,
      streamIf: options.streamIf,
      signal: options.signal,
    });
    if (response.status >= 500) throw new AppError('PBX_ERROR', `The Elastix API failed with HTTP ${response.status} on ${cmd}`, { status: response.status, cmd });
    if (response.status === 404 && !response.headers['content-type']?.includes('json')) {
      throw new AppError('NOT_FOUND', 'No Elastix API at this address (check the URL ends in /api/api.php)', { status: 404 });
    }
    const plain = PLAIN_ANSWERS[response.body.toString('latin1').trim()];
    if (plain && response.body.length < 32) throw plain();
    return response;
  }

  /** A command whose answer is JSON. */
  async json(cmd: string, options: ElastixCall): Promise<unknown> {
    return parseJsonBody((await this.call(cmd, options)).body, cmd);
  }

  /** A write: the API answers a fixed OK whatever happened, so the caller must read back to know. */
  async write(cmd: string, form: Record<string, string>): Promise<void> {
    // addextension and follow-me writes reload the PBX synchronously: allow for it.
    await this.json(cmd, { form, read: false, timeoutMs: 60_000 });
  }
}
