/*
 * The PHP behaviour pbxapi inherits and a client can see: json_encode's defaults (`/` and every
 * non-ASCII character escaped), outputSuccess's strval walk (every leaf a string, true → "1",
 * false/null → ""), json_decode's error codes, parse_str for form bodies, loose `==`, and the
 * flatten/unflatten pair that turns `{"followme":{"enabled":"yes"}}` into `followme.enabled` and back.
 * Kept apart so the controllers read like the PHP they imitate.
 */

export type Flat = Record<string, unknown>;

/** json_encode with PHP's default flags: `\/` and `\uXXXX` for everything outside ASCII. */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** PHP's strval on a scalar leaf. */
export function strval(value: unknown): string {
  if (value === true) return '1';
  if (value === false || value === null || value === undefined) return '';
  return String(value);
}

/** outputSuccess's array_walk_recursive(strval): arrays and objects stay, every scalar leaf becomes a string. */
export function stringLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringLeaves);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = stringLeaves(inner);
    return out;
  }
  return strval(value);
}

export type JsonDecoded = { ok: true; value: unknown } | { ok: false; code: number };

/**
 * json_decode($body, true) as PHP ≥ 7 does it: an empty body is a syntax error (code 4), invalid
 * UTF-8 is code 5, a top-level scalar or `null` is fine.
 */
export function phpJsonDecode(body: Buffer): JsonDecoded {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, code: 5 };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, code: 4 };
  }
}

/** parse_str: `a=1&b[]=2&b[]=3&c[d]=4` → `{a:'1', b:['2','3'], c:{d:'4'}}` (one level of brackets). */
export function parseStr(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const bracket = /^([^[\]]+)\[([^\]]*)\]$/.exec(rawKey);
    if (!bracket) {
      out[rawKey] = value;
      continue;
    }
    const [, key, sub] = bracket as unknown as [string, string, string];
    if (sub === '') {
      const list = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
      list.push(value);
      out[key] = list;
    } else {
      const map = out[key] !== null && typeof out[key] === 'object' && !Array.isArray(out[key]) ? (out[key] as Record<string, unknown>) : {};
      map[sub] = value;
      out[key] = map;
    }
  }
  return out;
}

const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** `$a == $b` between two strings: numeric strings compare as numbers ("1e3" == "1000"). */
export function looseStringEquals(a: string, b: string): boolean {
  if (NUMERIC.test(a) && NUMERIC.test(b)) return Number(a) === Number(b);
  return a === b;
}

/** `$value == 1` for a decoded JSON value. */
export function looseEqualsOne(value: unknown): boolean {
  if (value === true || value === 1) return true;
  return typeof value === 'string' && NUMERIC.test(value) && Number(value) === 1;
}

/** The `1|"1"|"yes"|"on"` test pbxapi uses for checkboxes (`checked`, `fenabled`). */
export function isCheckedFlag(value: unknown): boolean {
  return looseEqualsOne(value) || value === 'yes' || value === 'on';
}

/** `$value == 'yes'` as the extension transforms write it (true == 'yes' in PHP). */
export function isYes(value: unknown): boolean {
  return value === 'yes' || value === true;
}

/**
 * rest::flatten: nested objects and arrays become dotted keys (`followme.extension_list.0`); an empty
 * array or object stays as an empty array under its own key.
 */
export function flatten(value: unknown, prefix = ''): Flat {
  const out: Flat = {};
  if (value === null || typeof value !== 'object') return out;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    if (inner !== null && typeof inner === 'object') {
      const size = Array.isArray(inner) ? inner.length : Object.keys(inner).length;
      if (size === 0) out[prefix + key] = [];
      else Object.assign(out, flatten(inner, `${prefix}${key}.`));
    } else {
      out[prefix + key] = inner;
    }
  }
  return out;
}

/**
 * transformValues' first pass: flattened list items (`x.0`, `x.1`) are gathered back into one array
 * under `x`, in order, so a transform (or the database layer) sees the list.
 */
export function regroupLists(input: Flat): Flat {
  const out: Flat = {};
  for (const [key, value] of Object.entries(input)) {
    const item = /^(.*)\.\d+$/.exec(key);
    if (!item) {
      out[key] = value;
      continue;
    }
    const root = item[1]!;
    const list = Array.isArray(out[root]) ? (out[root] as unknown[]) : [];
    list.push(value);
    out[root] = list;
  }
  return out;
}

/** rest::unflatten: dotted keys back into nested objects, first appearance deciding the order. */
export function unflatten(flat: Flat): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}

/** A value as a PDO bind stores it: F3's exec() reads a list as `[value, PDO type]`, so only its first item lands. */
export function dbValue(value: unknown): string {
  if (Array.isArray(value)) return value.length > 0 ? strval(value[0]) : '';
  return strval(value);
}

/** A value interpolated into an Asterisk CLI command string (`"Array"` for a list, as PHP prints it). */
export function cliValue(value: unknown): string {
  if (Array.isArray(value)) return 'Array';
  return strval(value);
}

/** MySQL `LIKE '%term%'` under utf8_general_ci: case- and accent-insensitive, `%` and `_` wildcards. */
export function mysqlLike(haystack: string, term: string): boolean {
  const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const pattern = fold(term)
    .split('')
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(pattern, 's').test(fold(haystack));
}
