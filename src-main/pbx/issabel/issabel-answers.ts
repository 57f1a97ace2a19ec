import { AppError, type FieldIssue } from '../../../src-shared/errors.js';
import type { HttpResponse } from '../../net/http-client.js';
import { isRecord, text } from '../vendor-json.js';

/*
 * Reading pbxapi's answers (vendors/issabel.md §2–3): generations B/C wrap data in
 * `{"status":"success","results"}` and errors in `{"status":"fail"|"error","errors":[…]}`;
 * generation A sends `{"results"}` and bare status codes with empty bodies; an expired token is a
 * 200 whose body says `{"status": "expired"}`; Fat-Free and Apache answer unknown paths with HTML.
 * Error objects are copied field by field: on a refused AMI login the API puts the AMI password in
 * `verbose`, which must never reach a message, a log or the renderer.
 */

export type IssabelGeneration = 'A' | 'B/C';

export interface PbxFieldError {
  status: string;
  source: string | null;
  detail: string;
}

function json(response: HttpResponse): unknown {
  if (response.body.length === 0 || response.body.length > 1_000_000) return undefined;
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The PBX checked the token before anything else and found it expired: nothing was done. */
export function saysExpired(response: HttpResponse): boolean {
  if (response.status !== 200 || response.body.length > 200) return false;
  const body = json(response);
  return isRecord(body) && body.status === 'expired';
}

/** B/C's error list, reduced to what may be shown; null when the body is not that envelope. */
export function errorsOf(response: HttpResponse): PbxFieldError[] | null {
  const body = json(response);
  if (!isRecord(body) || (body.status !== 'fail' && body.status !== 'error') || !Array.isArray(body.errors)) return null;
  return body.errors.filter(isRecord).map((e) => ({ status: text(e, 'status'), source: text(e, 'source') || null, detail: text(e, 'detail') }));
}

/** Statuses only rest.php sends bare: an empty body with one of them is generation A's way of failing. */
const GEN_A_BARE = new Set([400, 404, 405, 409, 422, 502, 507]);

/** What an answer tells about the generation, or null when it tells nothing (403s and HTML pages look alike in all). */
export function generationOf(response: HttpResponse): IssabelGeneration | null {
  if (response.status >= 200 && response.status < 300) {
    const body = json(response);
    if (!isRecord(body) || !('results' in body)) return null;
    return body.status === 'success' ? 'B/C' : 'A';
  }
  if (errorsOf(response)) return 'B/C';
  return response.body.length === 0 && GEN_A_BARE.has(response.status) ? 'A' : null;
}

function looksHtml(response: HttpResponse): boolean {
  return /^\s*</.test(response.body.toString('latin1', 0, 64));
}

function excerpt(response: HttpResponse): string {
  const flat = response.body.toString('utf8').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

export interface FailureContext {
  /** What was asked, for messages: "extension 1001", "ring group 600". */
  what: string;
  /** The app's name for a field the PBX refused (`ring_time` → `ringSeconds`). */
  pathOf?: (source: string) => string;
}

/** A non-2xx answer as the typed error a person can act on. */
export function failureOf(response: HttpResponse, context: FailureContext): AppError {
  const status = response.status;
  const errors = errorsOf(response);
  const said = errors?.map((e) => (e.source ? `${e.source}: ${e.detail}` : e.detail)).join('; ') ?? '';
  const details = { status, what: context.what, ...(errors ? { pbx: errors } : {}) };
  if (status === 403) return new AppError('AUTH_FAILED', 'The Issabel API refused the login token', details);
  if (errors?.some((e) => e.source === 'Asterisk Manager') || (status === 502 && response.body.length === 0)) {
    return new AppError('PBX_ERROR', `The Issabel API cannot reach its Asterisk manager (AMI)${said ? `: ${said}` : ''}`, { ...details, ami: true });
  }
  if (status === 404 && !errors && looksHtml(response)) {
    // No `what`: this is not about the thing asked for, and must not read as "it does not exist".
    return new AppError('NOT_FOUND', 'No Issabel API answers at this address (check that the URL ends in /pbxapi)', { status, noApi: true });
  }
  if (status === 404) return new AppError('NOT_FOUND', `The PBX has no ${context.what}${said ? ` (${said})` : ''}`, details);
  if (status === 409) return new AppError('CONFLICT', `The PBX refused ${context.what}: ${said || 'the number is already in use'}`, details);
  if (status === 400 || status === 422) {
    const issues: FieldIssue[] = (errors ?? []).map((e) => ({ path: e.source ? (context.pathOf?.(e.source) ?? e.source) : '', message: 'validation.invalid' }));
    return new AppError('VALIDATION', `The PBX refused ${context.what}${said ? `: ${said}` : ' (HTTP ' + status + ')'}`, { ...details, issues });
  }
  if (status === 507) return new AppError('PBX_ERROR', 'The PBX has reached its limit of extensions', details);
  const shown = said || excerpt(response);
  return new AppError('PBX_ERROR', `The Issabel API failed with HTTP ${status} on ${context.what}${shown ? `: "${shown}"` : ''}`, details);
}
