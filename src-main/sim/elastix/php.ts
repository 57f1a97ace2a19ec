import { posix } from 'node:path';
import { phpJson, type SimRequest, type SimResponse } from '../http/http-sim.js';

/*
 * The request and response as PHP 5 under Apache 2.2 (Elastix 2.5 on CentOS) handles them, for the
 * elastix-api scripts: `$_GET` and `$_POST` with PHP's rules (a repeated name keeps its last value;
 * `$_POST` is filled only for a POST with a form body, url-encoded or multipart, never from JSON),
 * `apache_request_headers()` whose array keys are the header names as the client wrote them (Apache
 * merges repeated headers under the first spelling), `echo` text served as `text/html`, and
 * `json_encode`'s escaping (`\/`, `\u00e9`). Paths that are not the script get Apache's own 404 page.
 */

export const SERVER = 'Apache/2.2.3 (CentOS)';
export const POWERED_BY = 'PHP/5.1.6';

/** PHP's view of one request: the superglobals the elastix-api code reads. */
export interface PhpRequest {
  readonly get: ReadonlyMap<string, string>;
  readonly post: ReadonlyMap<string, string>;
  /** `apache_request_headers()["Authorization"]`, undefined when that exact key is absent. */
  readonly authorization: string | undefined;
}

function lastWins(entries: Iterable<[string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of entries) map.set(name, value);
  return map;
}

/** The value of a multipart parameter such as `boundary=...` (quoted or not). */
function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(header);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** Fields of a multipart/form-data body that PHP puts in `$_POST` (file parts go to `$_FILES`). */
function multipartFields(body: Buffer, boundary: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  for (const part of text.split(delimiter).slice(1)) {
    if (part.startsWith('--')) break;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = headerParam(disposition, 'name');
    if (name === undefined || headerParam(disposition, 'filename') !== undefined) continue;
    const value = part.slice(headerEnd + 4).replace(/\r\n$/, '');
    fields.push([name, Buffer.from(value, 'latin1').toString('utf8')]);
  }
  return fields;
}

function postFields(request: SimRequest): Map<string, string> {
  if (request.method !== 'POST') return new Map();
  const type = String(request.headers['content-type'] ?? '');
  // PHP lower-cases the media type before matching it.
  const media = type.split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-www-form-urlencoded') return lastWins(new URLSearchParams(request.body.toString('utf8')));
  if (media === 'multipart/form-data') {
    const boundary = headerParam(type, 'boundary');
    return boundary ? lastWins(multipartFields(request.body, boundary)) : new Map();
  }
  return new Map();
}

/**
 * `apache_request_headers()[name]`: Apache keeps one entry per header, case-insensitively, under the
 * spelling it met first (repeated headers joined with `, `); PHP's array lookup is case-sensitive.
 */
function apacheHeader(request: SimRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  let spelling: string | undefined;
  const values: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const raw = request.rawHeaders[i]!;
    if (raw.toLowerCase() !== lower) continue;
    spelling ??= raw;
    values.push(request.rawHeaders[i + 1]!);
  }
  return spelling === name ? values.join(', ') : undefined;
}

export function phpRequest(request: SimRequest): PhpRequest {
  return { get: lastWins(request.query), post: postFields(request), authorization: apacheHeader(request, 'Authorization') };
}

/** Whether Apache maps the path to `/var/www/html/api/api.php` (PATH_INFO after it is accepted). */
export function isApiScript(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  if (decoded.includes('\0')) return false;
  const normal = posix.normalize(decoded);
  return normal === '/api/api.php' || normal.startsWith('/api/api.php/');
}

/** What `echo` sends when the script set no Content-Type (PHP 5.1 adds no charset). */
export function phpText(body: string, status = 200): SimResponse {
  return { status, headers: { 'Content-Type': 'text/html', 'X-Powered-By': POWERED_BY, Server: SERVER }, body };
}

/** `echo` of a literal JSON string after `header('Content-Type: application/json')`. */
export function phpRawJson(body: string): SimResponse {
  return { status: 200, headers: { 'Content-Type': 'application/json', 'X-Powered-By': POWERED_BY, Server: SERVER }, body };
}

/** `echo json_encode($value)`: `/` escaped as `\/` and every non-ASCII character as `\uXXXX`. */
export function phpJsonEncode(value: unknown): SimResponse {
  const response = phpJson(200, value, { 'X-Powered-By': POWERED_BY, Server: SERVER });
  const body = String(response.body).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return { ...response, body };
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Apache's own 404 page for anything that is not the API script. */
export function apacheNotFound(request: SimRequest): SimResponse {
  const host = String(request.headers.host ?? '127.0.0.1');
  const colon = host.lastIndexOf(':');
  const name = colon > 0 && !host.endsWith(']') ? host.slice(0, colon) : host;
  const port = colon > 0 && !host.endsWith(']') ? host.slice(colon + 1) : '80';
  const body =
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n' +
    `<p>The requested URL ${htmlEscape(request.path)} was not found on this server.</p>\n<hr>\n` +
    `<address>${SERVER} Server at ${htmlEscape(name)} Port ${htmlEscape(port)}</address>\n</body></html>\n`;
  return { status: 404, headers: { 'Content-Type': 'text/html; charset=iso-8859-1', Server: SERVER }, body };
}
