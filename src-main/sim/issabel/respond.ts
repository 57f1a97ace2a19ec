import type { SimResponse } from '../http/http-sim.js';
import { phpJsonEncode, stringLeaves } from './php.js';
import type { IssabelGeneration } from './state.js';

/*
 * What goes on the wire, per generation. Gen B/C (rest.php): success `{"status":"success","results"}`
 * with every leaf a string, errors `{"status":"fail"|"error","errors":[…]}` whose HTTP status is the
 * one distinct error status (400 when they differ), reason phrases from pbxapi's own table (typo
 * included). Gen A: `{"results"}` and bare status codes with empty bodies. Writes answer with no
 * body. Outside the controllers: Fat-Free's HTML error page (JSON for XMLHttpRequest callers) and
 * Apache's own 404 for paths outside /pbxapi.
 */

export const JSON_UTF8 = 'application/json;charset=utf-8';
/** PHP's default when a script echoes without setting a type. */
export const PHP_HTML = 'text/html; charset=UTF-8';

/** rest.php's $http_errors: the phrase PHP sends on the status line. */
const REST_REASONS: Record<string, string> = {
  '400': 'Bad Request',
  '404': 'Not Found',
  '405': 'Method Not Allowed',
  '409': 'Conflict',
  '422': 'Unprocessabel Entity',
  '500': 'Internal Server Error',
  '502': 'Bad Gateway',
  '503': 'Service Unavailable',
  '507': 'Insufficient Storage',
};

const STANDARD_REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  507: 'Insufficient Storage',
};

export interface ApiError {
  status: string;
  source?: string;
  detail: string;
  code?: number;
  /** asteriskmanager::connect puts `host,user,secret` here when the AMI login is refused. */
  verbose?: string;
}

/** Thrown by controller code to end the request, like PHP's die() after header(). */
export class Halt {
  constructor(readonly response: SimResponse) {}
}

export function success(gen: IssabelGeneration, results: unknown): SimResponse {
  const body = gen === 'A' ? { results: stringLeaves(results) } : { status: 'success', results: stringLeaves(results) };
  return { status: 200, headers: { 'Content-Type': JSON_UTF8 }, body: phpJsonEncode(body) };
}

/** dieWithErrors (B/C), or the bare status code Gen A sent for the same failure (`genAStatus`, default the error's own). */
export function failure(gen: IssabelGeneration, errors: ApiError[], genAStatus?: number): SimResponse {
  const statuses = new Set(errors.map((e) => e.status));
  const status = statuses.size > 1 ? '400' : [...statuses][0]!;
  if (gen === 'A') {
    const code = genAStatus ?? Number(status);
    return { status: code, statusText: STANDARD_REASONS[code], headers: { 'Content-Type': PHP_HTML }, body: '' };
  }
  const body = { status: errors.some((e) => e.status === '500') ? 'error' : 'fail', errors };
  return { status: Number(status), statusText: REST_REASONS[status], headers: { 'Content-Type': JSON_UTF8 }, body: phpJsonEncode(body) };
}

export function fail(gen: IssabelGeneration, status: number, detail: string, extra: Partial<ApiError> = {}, genAStatus?: number): SimResponse {
  return failure(gen, [{ status: String(status), ...extra, detail }], genAStatus);
}

/** A write that worked: status only, no body (PHP still labels it text/html). */
export function empty(status: number, headers: Record<string, string> = {}, statusText?: string): SimResponse {
  return { status, statusText, headers: { 'Content-Type': PHP_HTML, ...headers }, body: '' };
}

/** Text echoed by hand-built JSON (`echo "{\"status\": \"expired\"}"`), under whatever type the code set. */
export function raw(text: string, contentType = PHP_HTML): SimResponse {
  return { status: 200, headers: { 'Content-Type': contentType }, body: text };
}

/** Fat-Free's error page (DEBUG=255, so with a trace); JSON when the caller sent X-Requested-With: XMLHttpRequest. */
export function f3Error(code: number, verb: string, path: string, ajax: boolean, text?: string): SimResponse {
  const header = STANDARD_REASONS[code] ?? 'Error';
  const message = text ?? `HTTP ${code} (${verb} ${path})`;
  const trace = '[index.php:28] Base->run()';
  if (ajax) {
    return { status: code, statusText: header, headers: { 'Content-Type': PHP_HTML }, body: phpJsonEncode({ status: header, code, text: message, trace, level: 0 }) };
  }
  const escaped = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = `<!DOCTYPE html>\n<html>\n<head><title>${code} ${header}</title></head>\n<body>\n<h1>${header}</h1>\n<p>${escaped}</p>\n<pre>${trace}\n</pre>\n</body>\n</html>`;
  return { status: code, statusText: header, headers: { 'Content-Type': PHP_HTML }, body };
}

export function apacheNotFound(path: string): SimResponse {
  const body = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL ${path} was not found on this server.</p>\n</body></html>\n`;
  return { status: 404, headers: { 'Content-Type': 'text/html; charset=iso-8859-1' }, body };
}
