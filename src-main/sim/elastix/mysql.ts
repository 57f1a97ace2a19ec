/*
 * The bits of MySQL 5 (non-strict mode, utf8_general_ci, PDO in silent mode) that decide what the
 * elastix-api's string-built SQL does with a client's values. The PHP code pastes raw form values
 * between quotes, so a value is read back the way MySQL's lexer reads a quoted literal: `\n`, `\\`,
 * `''` are unescaped, and a lone `'` ends the literal early, which (short of a deliberate injection,
 * not modelled) is a syntax error: the statement does nothing and nobody is told. Unquoted values
 * must lex as numbers. Comparisons ignore case, accents and trailing spaces; too-long strings are
 * cut to the column's width without complaint.
 */

/** The value MySQL stores for `'<raw>'`, or null when the SQL around it no longer parses. */
export function sqlString(raw: string | undefined): string | null {
  const text = raw ?? '';
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[++i];
      if (next === undefined) return null; // the closing quote got escaped
      out += ({ '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '%': '\\%', _: '\\_' } as Record<string, string>)[next] ?? next;
    } else if (c === "'") {
      if (text[i + 1] !== "'") return null;
      out += "'";
      i++;
    } else out += c;
  }
  return out;
}

export type SqlNumber = { value: string | null } | null;

/**
 * An unquoted value pasted into SQL as a number for an integer column: `{value}` when it lexes
 * (decimals rounded, `NULL` kept as null), null when the statement would fail.
 */
export function sqlInteger(raw: string | undefined, range: readonly [number, number]): SqlNumber {
  const text = (raw ?? '').trim();
  if (/^null$/i.test(text)) return { value: null };
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) return null;
  const n = Number(text);
  const rounded = Math.sign(n) * Math.round(Math.abs(n));
  return { value: String(Math.min(range[1], Math.max(range[0], rounded === 0 ? 0 : rounded))) };
}

export const SMALLINT: readonly [number, number] = [-32768, 32767];
export const INT: readonly [number, number] = [-2147483648, 2147483647];

/** utf8_general_ci folding: case and accents ignored. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** `a = b` on VARCHAR columns: case, accents and trailing spaces do not count. */
export function sqlEquals(a: string, b: string): boolean {
  return fold(a.replace(/ +$/, '')) === fold(b.replace(/ +$/, ''));
}

/** Non-strict mode: a string longer than the column is silently cut. */
export function truncate(value: string, width: number): string {
  return value.length > width ? value.slice(0, width) : value;
}

/** `column LIKE pattern` (case- and accent-insensitive, `%`, `_`, backslash escapes). */
export function likeMatcher(pattern: string): (value: string) => boolean {
  let source = '';
  const folded = fold(pattern);
  for (let i = 0; i < folded.length; i++) {
    const c = folded[i]!;
    if (c === '\\' && i + 1 < folded.length) source += escapeRegex(folded[++i]!);
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += escapeRegex(c);
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(fold(value));
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function pad(n: string, width = 2): string {
  return n.padStart(width, '0');
}

/**
 * A string constant compared with a DATETIME column, as MySQL converts it: `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM[:SS]`, any punctuation as delimiter, `T` between date and time, digits-only
 * forms; trailing garbage (a `Z`, an offset) is dropped with a warning, so an ISO UTC time is read
 * as PBX local time. Undefined when no date can be read (the comparison then falls back to strings).
 */
export function sqlDatetime(text: string): string | undefined {
  const t = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?/.exec(t);
  const delimited = /^(\d{4}|\d{2})[^\d\s](\d{1,2})[^\d\s](\d{1,2})(?:[T\s]+(\d{1,2})[^\d\s](\d{1,2})(?:[^\d\s](\d{1,2}))?)?/.exec(t);
  const m = delimited ?? compact;
  if (!m) return undefined;
  let year = m[1]!;
  if (year.length === 2) year = String(Number(year) < 70 ? 2000 + Number(year) : 1900 + Number(year));
  const [month, day, hour, minute, second] = [m[2]!, m[3]!, m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'];
  if (Number(month) > 12 || Number(day) > 31 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  return `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
}
