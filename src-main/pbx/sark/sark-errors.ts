import { AppError, type FieldIssue } from '../../../src-shared/errors.js';
import type { HttpResponse } from '../../net/http-client.js';
import { isRecord } from '../vendor-json.js';

/*
 * What sark6api's error answers mean (vendors/sark.md §3). Its controllers answer a validation
 * failure with Laravel's bare MessageBag (`{"pkey": ["…"]}`, no `{message, errors}` wrapper except
 * on the L11 login), a duplicate key either as a 422 `save` entry or as a 409 whose text is the SQL
 * insert with every value pasted in (the generated SIP password too, so it is never repeated), and
 * a 404 in several flavours that mean different things to a caller.
 */

/** A PBX field as the app names it: the path in the app's own input, and an i18n `validation.*` key. */
export interface AppField {
  path: string;
  message: string;
}

/** The PBX's field names (as in a 422) → the app's. Unknown fields become `fields.<name>`. */
export type FieldMap = Readonly<Record<string, AppField>>;

/** Why a 404 came back: no such row, an AMI list with nothing in it, or no such route at all. */
export type NotFoundKind = 'model' | 'empty' | 'route';

function bodyJson(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return null;
  }
}

function messageOf(body: unknown): string {
  return isRecord(body) && typeof body.message === 'string' ? body.message : '';
}

/** The field → messages map of a 422, bare or inside the L11 login's `errors`. */
function messageBag(body: unknown): Record<string, string[]> {
  const bag = isRecord(body) && isRecord(body.errors) && typeof body.message === 'string' ? body.errors : body;
  if (!isRecord(bag)) return {};
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(bag)) out[key] = Array.isArray(value) ? value.filter((m): m is string => typeof m === 'string') : [String(value)];
  return out;
}

export function validationError(response: HttpResponse, what: string, fields: FieldMap): AppError {
  const bag = messageBag(bodyJson(response));
  if ((bag.save ?? []).some((m) => m.startsWith('Duplicate Key'))) return new AppError('CONFLICT', `${what} already exists on the PBX`, { what });
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(bag)) {
    const field = fields[key] ?? { path: `fields.${key}`, message: 'validation.invalid' };
    if (!issues.some((i) => i.path === field.path)) issues.push({ path: field.path, message: field.message });
  }
  if (issues.length === 0) issues.push({ path: '', message: 'validation.invalid' });
  // Field names only: SARK's texts repeat values sent (and a MAC or a destination is not for the log).
  return new AppError('VALIDATION', `SARK refused ${what} (fields: ${Object.keys(bag).join(', ') || 'none named'})`, { issues });
}

/**
 * sark6api_L11 as its later code reads registers the business routes only for an admin token,
 * so a request without one meets this fallback instead of a 401.
 */
export function isLoginFallback(response: HttpResponse): boolean {
  return response.status === 404 && messageOf(bodyJson(response)) === 'Unauthorised/Page Not Found';
}

/** The kind of a 404, from its body (HTML when the path is outside Laravel's `api` routes). */
export function notFoundKind(response: HttpResponse): NotFoundKind {
  const body = bodyJson(response);
  if (isRecord(body) && body.reason === 'Not Found!') return 'model';
  const message = messageOf(body);
  // Laravel 11 renders a missed route-model binding with the framework's own text.
  if (message.startsWith('No query results for model')) return 'model';
  if (message === 'Empty Object set returned from AMI') return 'empty';
  return 'route';
}

/**
 * The typed error for an answer that is not a success. `tokenHeld`: the request carried an L11
 * token, so a missing route means the token is not an administrator's (L11 registers the business
 * routes only for admin tokens, and everyone else meets the fallback).
 */
export function answerError(response: HttpResponse, what: string, fields: FieldMap, tokenHeld: boolean): AppError {
  const status = response.status;
  if (status === 422) return validationError(response, what, fields);
  if (status === 409) return new AppError('CONFLICT', `SARK refused ${what}: a record with this key already exists`, { what, status });
  if (status === 404 || status === 405) {
    const kind = status === 405 ? 'route' : notFoundKind(response);
    if (kind === 'route' && tokenHeld) {
      return new AppError('FORBIDDEN', 'The SARK user is not an administrator: SARK hides its API from other users', { what, status });
    }
    if (kind === 'route') return new AppError('NOT_FOUND', `No SARK API for ${what} at this address (it should end in :44300/api)`, { what, status, kind });
    return new AppError('NOT_FOUND', `${what} does not exist on the PBX`, { what, status, kind });
  }
  if (status === 401) return new AppError('AUTH_FAILED', 'SARK refused the login token', { status });
  if (status >= 500) {
    const text = response.body.toString('utf8');
    // AMI failures are sent with ->send() and the code runs on, so a second body may follow the first.
    if (text.includes('PBX not running')) return new AppError('PBX_ERROR', `SARK answers, but its Asterisk is not running (${what})`, { what, status, pbxRunning: false });
    if (status === 503 || status === 599) return new AppError('PBX_ERROR', `SARK could not reach its Asterisk for ${what}`, { what, status });
    // Never quoted: with APP_DEBUG (SARK's install guide sets it) a query exception's text is the SQL
    // with its bindings pasted in, the generated SIP password among them.
    const kind = response.body.toString('utf8').trimStart().startsWith('<') ? ' (an HTML error page)' : '';
    return new AppError('PBX_ERROR', `SARK failed with HTTP ${status} on ${what}${kind}`, { what, status });
  }
  return new AppError('PBX_ERROR', `SARK answered HTTP ${status} to ${what}`, { what, status });
}
