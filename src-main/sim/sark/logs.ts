import type { SimResponse } from '../http/http-sim.js';
import { magic, type SarkAction, type SarkCall, unprocessable, validationContext } from './context.js';
import { json, phpNotice } from './laravel.js';
import { validate } from './validation.js';

/*
 * LogController: the CDRs are a file download of Asterisk's Master.csv, whole, no filters, no header.
 * Any `limit` (path or query) reaches `tail -n $limit` with `$limit` never defined: a PHP notice, so
 * a 500. The file goes out through Symfony's BinaryFileResponse (`Response::download`), which honours
 * a single `Range: bytes=` request (206) and sets Last-Modified to the moment the temporary copy was
 * written, so an `If-Range` from an earlier download never matches and the whole file comes back.
 */

export const index: SarkAction = () => json(200, { Log: 'Master.csv' });

/** `(int) $text` in PHP: leading digits, else 0. */
function phpInt(text: string): number {
  const m = /^\s*[+-]?\d+/.exec(text);
  return m ? Number(m[0]) : 0;
}

function download(call: SarkCall): SimResponse {
  const file = call.box.masterCsv();
  const now = new Date();
  const headers: Record<string, string> = {
    'Content-Type': 'text/csv; charset=UTF-8',
    'Content-Disposition': `attachment; filename=Master.${Math.floor(now.getTime() / 1000)}.csv`,
    'Cache-Control': 'public',
    'Last-Modified': now.toUTCString(),
    'Accept-Ranges': 'bytes',
  };
  const range = String(call.request.headers.range ?? '');
  const size = file.length;
  if (call.request.method === 'GET' && range.startsWith('bytes=') && call.request.headers['if-range'] === undefined) {
    const [rawStart = '', rawEnd = ''] = range.slice(6).split(/-(.*)/s);
    let end = rawEnd === '' ? size - 1 : phpInt(rawEnd);
    let start: number;
    if (rawStart === '') {
      start = size - end;
      end = size - 1;
    } else {
      start = phpInt(rawStart);
    }
    if (start <= end) {
      end = Math.min(end, size - 1);
      if (start < 0 || start > end) return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: '' };
      if (end - start < size - 1) return { status: 206, headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` }, body: file.subarray(start, end + 1) };
    }
  }
  return { status: 200, headers, body: file };
}

export function showCdr(limitVariable: string): SarkAction {
  return (call) => {
    const errors = validate(call.input.all, [['limit', ['numeric']]], validationContext(call));
    if (!errors.isEmpty) return unprocessable(errors);
    const limit = magic(call, 'limit');
    if (limit !== undefined && limit !== null) throw phpNotice(limitVariable, '/opt/sark6api/app/Http/Controllers/LogController.php', 46);
    return download(call);
  };
}
