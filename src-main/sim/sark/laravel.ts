import type { SimRequest, SimResponse } from '../http/http-sim.js';
import { formBody, jsonBody } from '../http/http-sim.js';

/*
 * What the Laravel framework under sark6api does to every request and answer, independent of SARK's
 * own controllers: the input a controller sees (global TrimStrings and ConvertEmptyStringsToNull
 * middleware, JSON bodies mapped into `post()`, the query merged into `all()`), the JSON a PHP
 * JsonResponse writes (json_encode with no flags: `/` written as `\/`, non-ASCII as `\uXXXX`),
 * `expectsJson()` deciding between a JSON error and an HTML page, and exceptions rendered the way
 * Illuminate's Handler does with APP_DEBUG=true (what SARK's install guide sets).
 */

export type Generation = 'L7' | 'L11';

/** A PHP value as a controller holds it: decoded JSON or form strings. */
export type PhpValue = string | number | boolean | null | PhpValue[] | { [key: string]: PhpValue };
export type PhpArray = Record<string, PhpValue>;

export interface RequestInput {
  /** `$request->all()`: body first, then query keys the body lacks. */
  all: PhpArray;
  /** `$request->post()`: the body only (JSON payload or form fields). */
  post: PhpArray;
}

/** Laravel 7 keeps `password*` untrimmed; Laravel 11 adds `current_password`. */
const UNTRIMMED = new Set(['password', 'password_confirmation', 'current_password']);

/** The characters PHP's trim() strips: space, \t, \n, \r, NUL and vertical tab. */
const TRIMMED = new Set([' ', '\t', '\n', '\r', '\0', '\v']);

function phpTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && TRIMMED.has(value[start]!)) start++;
  while (end > start && TRIMMED.has(value[end - 1]!)) end--;
  return value.slice(start, end);
}

/** TrimStrings then ConvertEmptyStringsToNull, recursively, as the global middleware stack does. */
function clean(value: PhpValue, key: string): PhpValue {
  if (typeof value === 'string') {
    const trimmed = UNTRIMMED.has(key) ? value : phpTrim(value);
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map((item, i) => clean(item, String(i)));
  if (value !== null && typeof value === 'object') {
    const out: PhpArray = {};
    for (const [k, v] of Object.entries(value)) out[k] = clean(v, k);
    return out;
  }
  return value;
}

/** PHP's parse_str for the shapes a client sends: `k=v` (last wins) and `k[]=v` (a list). */
function parseForm(params: URLSearchParams): PhpArray {
  const out: PhpArray = {};
  for (const [rawKey, value] of params) {
    if (rawKey.endsWith('[]')) {
      const key = rawKey.slice(0, -2);
      const list = Array.isArray(out[key]) ? (out[key] as PhpValue[]) : [];
      list.push(value);
      out[key] = list;
    } else {
      out[rawKey] = value;
    }
  }
  return out;
}

function isJsonRequest(request: SimRequest): boolean {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  return type.includes('/json') || type.includes('+json');
}

export function readInput(request: SimRequest): RequestInput {
  const query = clean(parseForm(request.query), '') as PhpArray;
  let body: PhpArray = {};
  if (isJsonRequest(request)) {
    const decoded = jsonBody(request) as PhpValue | undefined;
    if (Array.isArray(decoded)) body = Object.fromEntries(decoded.map((v, i) => [String(i), v]));
    else if (decoded !== null && typeof decoded === 'object') body = decoded;
  } else if (request.method !== 'GET' && request.method !== 'HEAD') {
    body = parseForm(formBody(request));
  }
  body = clean(body, '') as PhpArray;
  const all: PhpArray = { ...body };
  for (const [k, v] of Object.entries(query)) if (!(k in all)) all[k] = v;
  return { all, post: body };
}

interface AcceptItem {
  type: string;
  q: number;
}

function acceptable(request: SimRequest): string[] {
  const header = String(request.headers.accept ?? '').trim();
  if (header === '') return [];
  const items: AcceptItem[] = header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    return { type: (type ?? '').toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
  });
  // Symfony's AcceptHeader sorts by quality, keeping the written order among equals.
  return items
    .map((item, index) => ({ ...item, index }))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((item) => item.type)
    .filter((type) => type !== '');
}

/** `Request::expectsJson()`: an XHR accepting anything, or a first acceptable type that is JSON. */
export function expectsJson(request: SimRequest): boolean {
  const types = acceptable(request);
  const first = types[0];
  const wantsJson = first !== undefined && (first.includes('/json') || first.includes('+json'));
  const ajax = String(request.headers['x-requested-with'] ?? '') === 'XMLHttpRequest';
  const pjax = String(request.headers['x-pjax'] ?? '') === 'true';
  const acceptsAny = types.length === 0 || first === '*/*' || first === '*';
  return (ajax && !pjax && acceptsAny) || wantsJson;
}

/** json_encode($value) with no flags, as Laravel's JsonResponse calls it. */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value ?? {})
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' } as const;

/** `response()->json($value, $status)`; a 204 loses its body and Content-Type in Symfony's prepare(). */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  if (status === 204 || status === 304) return { status, headers: { 'Cache-Control': 'no-cache, private', ...headers } };
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: phpJsonEncode(value) };
}

/** A PHP array with keys in insertion order: json_encode writes a list when the keys are exactly 0..n-1. */
export function phpAssoc(entries: ReadonlyArray<readonly [string, unknown]>): unknown {
  const sequential = entries.every(([key], i) => key === String(i));
  return sequential ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

/** A PHP throwable on its way to Illuminate's exception handler. */
export class PhpException extends Error {
  constructor(
    message: string,
    readonly exceptionClass: string,
    readonly status = 500,
    readonly headers: Record<string, string> = {},
    readonly file = '/opt/sark6api/vendor/laravel/framework/src/Illuminate/Foundation/Bootstrap/HandleExceptions.php',
    readonly line = 126,
  ) {
    super(message);
  }

  /** Symfony HttpExceptions keep their message when APP_DEBUG is off; anything else says "Server Error". */
  get isHttp(): boolean {
    return this.exceptionClass.startsWith('Symfony\\Component\\HttpKernel\\Exception\\') || this.exceptionClass.startsWith('Illuminate\\Http\\Exceptions\\');
  }
}

/** A PHP notice/warning: Laravel's HandleExceptions turns every one into an ErrorException (a 500). */
export function phpNotice(message: string, file: string, line: number): PhpException {
  return new PhpException(message, 'ErrorException', 500, {}, file, line);
}

/** Route-model binding found no row (`Extension $extension` with an unknown pkey). */
export class ModelNotFound extends Error {
  constructor(
    readonly model: string,
    readonly id: string,
  ) {
    super(`No query results for model [${model}] ${id}`);
  }
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  419: 'Page Expired',
  429: 'Too Many Requests',
  500: 'Server Error',
  503: 'Service Unavailable',
};

/** The framework's minimal error page (non-JSON clients); with debug on, Ignition's page says the message. */
export function htmlError(status: number, message: string, debug: boolean): SimResponse {
  const title = STATUS_TEXT[status] ?? 'Error';
  const detail = debug && message !== '' ? message : title;
  const body = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(detail)}</title>\n</head>\n<body>\n<div class="code">${status}</div>\n<div class="message">${escapeHtml(detail)}</div>\n</body>\n</html>\n`;
  return { status, headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-cache, private' }, body };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Handler::render for a throwable: JSON when the client expects it (with file/line/trace under APP_DEBUG), HTML otherwise. */
export function renderException(request: SimRequest, error: PhpException, debug: boolean): SimResponse {
  if (!expectsJson(request)) {
    const page = htmlError(error.status, error.message, debug);
    return { ...page, headers: { ...page.headers, ...error.headers } };
  }
  const body = debug
    ? {
        message: error.message,
        exception: error.exceptionClass,
        file: error.file,
        line: error.line,
        trace: [
          { file: '/opt/sark6api/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php', line: 167, function: 'handle', class: 'Illuminate\\Routing\\Pipeline', type: '->' },
          { file: '/opt/sark6api/public/index.php', line: 55, function: 'handle', class: 'Illuminate\\Foundation\\Http\\Kernel', type: '->' },
        ],
      }
    : { message: error.isHttp ? error.message : 'Server Error' };
  return json(error.status, body, error.headers);
}
