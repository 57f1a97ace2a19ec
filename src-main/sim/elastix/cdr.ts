import { generateCdrs, type SimPerson } from '../pbx-data.js';
import { Random } from '../random.js';
import { fold, likeMatcher, sqlDatetime, sqlEquals, sqlString } from './mysql.js';

/*
 * `asteriskcdrdb.cdr` (FreePBX 2.11 columns, every value a string) and `cmd=cdrreport`, which builds
 *
 *   SELECT * FROM cdr WHERE [(calldate BETWEEN '<start>' AND '<end>') AND]
 *     [(<field_name> LIKE '%<field_pattern>%') AND] (disposition ...) AND dst != 's' <custom>
 *   ORDER BY calldate DESC LIMIT <limit>
 *
 * by pasting form values into the SQL. Each part applies only when PHP saw the fields (both dates;
 * both field name and pattern), `field_name` is any column, `limit` defaults to 100 and is pasted raw
 * (so MySQL's `LIMIT a,b` works too), `custom` is appended raw. Whatever would be an SQL error (a
 * quote, an unknown column, `limit=`) silently answers `[]`. Rows are kept oldest first, so a date
 * window is two binary searches and the newest-first walk stops once the limit is reached.
 */

export const CDR_COLUMNS = [
  'calldate', 'clid', 'src', 'dst', 'dcontext', 'channel', 'dstchannel', 'lastapp', 'lastdata', 'duration', 'billsec',
  'disposition', 'amaflags', 'accountcode', 'uniqueid', 'userfield', 'recordingfile', 'cnum', 'cnam', 'outbound_cnum',
  'outbound_cnam', 'dst_cnam', 'did',
] as const;
export type CdrColumn = (typeof CDR_COLUMNS)[number];
/** One `cdr` row exactly as `SELECT *` returns it: these 23 columns, all strings. */
export type ElastixCdr = Record<CdrColumn, string>;

const NUMERIC = new Set<CdrColumn>(['duration', 'billsec', 'amaflags']);

export interface CdrSeed {
  seed: number;
  count: number;
  people: readonly SimPerson[];
  trunks: readonly string[];
  endMs: number;
  days: number;
  utcOffsetMinutes: number;
}

/** The call history, oldest first: the shared generator's calls on this box's trunks, plus IVR legs (`dst = 's'`). */
export function seedCdrs(options: CdrSeed): ElastixCdr[] {
  const random = new Random(options.seed ^ 0xe1a5);
  const trunk = (n: number) => options.trunks[n % Math.max(1, options.trunks.length)] ?? 'trunk';
  const rows = generateCdrs({ seed: options.seed, count: options.count, people: options.people, endMs: options.endMs, days: options.days, utcOffsetMinutes: options.utcOffsetMinutes });
  return rows.map((call, i) => {
    const name = trunk(i);
    const row: ElastixCdr = {
      calldate: call.calldate,
      clid: call.clid,
      src: call.src,
      dst: call.dst,
      dcontext: call.dcontext,
      channel: call.channel.replace('SIP/trunk-', `SIP/${name}-`),
      dstchannel: call.dstchannel.replace('SIP/trunk-', `SIP/${name}-`),
      lastapp: call.lastapp,
      lastdata: call.lastdata.replace('SIP/trunk/', `SIP/${name}/`),
      duration: call.duration,
      billsec: call.billsec,
      disposition: call.disposition,
      amaflags: call.amaflags,
      accountcode: call.accountcode,
      uniqueid: call.uniqueid,
      userfield: call.userfield,
      recordingfile: call.recordingfile,
      cnum: call.cnum,
      cnam: call.cnam,
      outbound_cnum: call.outbound_cnum,
      outbound_cnam: call.outbound_cnam,
      dst_cnam: call.dst_cnam,
      did: call.did,
    };
    // Some outside callers reach the IVR first: that leg is logged with `dst = 's'`.
    if (call.dcontext === 'from-trunk' && random.chance(0.08)) {
      const seconds = random.int(4, 40);
      Object.assign(row, {
        dst: 's', dcontext: `ivr-${random.int(1, 4)}`, dstchannel: '', lastapp: 'WaitExten', lastdata: '10,',
        duration: String(seconds), billsec: String(seconds), disposition: 'ANSWERED', recordingfile: '', dst_cnam: '',
      });
    }
    return row;
  });
}

interface Condition {
  join: 'and' | 'or';
  test: (row: ElastixCdr) => boolean;
}

function column(name: string): CdrColumn | undefined {
  const clean = name.trim().replace(/^`(.*)`$/, '$1').replace(/^cdr\./i, '').toLowerCase();
  return (CDR_COLUMNS as readonly string[]).includes(clean) ? (clean as CdrColumn) : undefined;
}

function compare(col: CdrColumn, value: string, literal: { text: string; quoted: boolean }): number {
  if (NUMERIC.has(col) || !literal.quoted) return (Number.parseFloat(value) || 0) - (Number.parseFloat(literal.text) || 0);
  if (col === 'calldate') {
    const other = sqlDatetime(literal.text) ?? literal.text;
    return value < other ? -1 : value > other ? 1 : 0;
  }
  const [a, b] = [fold(value.replace(/ +$/, '')), fold(literal.text.replace(/ +$/, ''))];
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `custom`, appended raw after `dst != 's'`: only `AND|OR <column> <op> <literal>` chains are
 * understood (`=`, `!=`, `<>`, `<`, `>`, `<=`, `>=`, `[NOT] LIKE`, `IS [NOT] NULL`); anything else is
 * taken as the SQL error it most likely is. undefined: error.
 */
function parseCustom(custom: string): Condition[] | undefined {
  const conditions: Condition[] = [];
  const token = /\s*(and|or)\s+(`?[a-z_.]+`?)\s*(?:(is\s+not\s+null|is\s+null)|(not\s+like|like|<=|>=|<>|!=|=|<|>)\s*(?:'((?:[^'\\]|\\.|'')*)'|(-?\d+(?:\.\d+)?)))/iy;
  let rest = custom;
  while (rest.trim() !== '') {
    token.lastIndex = 0;
    const m = token.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(token.lastIndex);
    const col = column(m[2]!);
    if (!col) return undefined;
    const join = m[1]!.toLowerCase() as 'and' | 'or';
    if (m[3]) {
      const isNull = !/not/i.test(m[3]);
      conditions.push({ join, test: () => !isNull });
      continue;
    }
    const op = m[4]!.toLowerCase().replace(/\s+/g, ' ');
    const quoted = m[5] !== undefined;
    const text = quoted ? sqlString(m[5]) : m[6]!;
    if (text === null) return undefined;
    const literal = { text, quoted };
    let test: (row: ElastixCdr) => boolean;
    if (op === 'like' || op === 'not like') {
      const match = likeMatcher(text);
      test = op === 'like' ? (row) => match(row[col]) : (row) => !match(row[col]);
    } else {
      const want = { '=': (c: number) => c === 0, '!=': (c: number) => c !== 0, '<>': (c: number) => c !== 0, '<': (c: number) => c < 0, '>': (c: number) => c > 0, '<=': (c: number) => c <= 0, '>=': (c: number) => c >= 0 }[op]!;
      test = (row) => want(compare(col, row[col], literal));
    }
    conditions.push({ join, test });
  }
  return conditions;
}

/** `LIMIT <raw>`: `n`, `offset,n` or `n OFFSET offset`; undefined when MySQL would refuse it. */
function parseLimit(raw: string): { offset: number; count: number } | undefined {
  let m = /^\s*(\d+)\s*$/.exec(raw);
  if (m) return { offset: 0, count: Number(m[1]) };
  m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(raw);
  if (m) return { offset: Number(m[1]), count: Number(m[2]) };
  m = /^\s*(\d+)\s+offset\s+(\d+)\s*$/i.exec(raw);
  if (m) return { offset: Number(m[2]), count: Number(m[1]) };
  return undefined;
}

/** First index whose calldate is >= (or > when `after`) the bound, rows being sorted by calldate. */
function lowerBound(rows: readonly ElastixCdr[], bound: string, after: boolean): number {
  let [lo, hi] = [0, rows.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = rows[mid]!.calldate;
    if (c < bound || (after && c === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What `cmd=cdrreport` answers for these `$_POST` fields. */
export function cdrReport(rows: readonly ElastixCdr[], post: ReadonlyMap<string, string>): ElastixCdr[] {
  const filters: Array<(row: ElastixCdr) => boolean> = [];
  let [from, to] = [0, rows.length];

  const start = post.get('start_date');
  const end = post.get('end_date');
  if (start !== undefined && end !== undefined) {
    const [lo, hi] = [sqlString(start), sqlString(end)];
    if (lo === null || hi === null) return [];
    const [a, b] = [sqlDatetime(lo) ?? lo, sqlDatetime(hi) ?? hi];
    from = lowerBound(rows, a, false);
    to = lowerBound(rows, b, true);
    filters.push((row) => row.calldate >= a && row.calldate <= b);
  }

  const fieldName = post.get('field_name');
  const fieldPattern = post.get('field_pattern');
  if (fieldName !== undefined && fieldPattern !== undefined) {
    const col = column(fieldName);
    const pattern = sqlString(fieldPattern);
    if (!col || pattern === null) return [];
    const match = likeMatcher(`%${pattern}%`);
    filters.push((row) => match(row[col]));
  }

  const status = post.get('status');
  if (status !== undefined && status !== '' && status !== 'ALL') {
    const wanted = sqlString(status);
    if (wanted === null) return [];
    filters.push((row) => sqlEquals(row.disposition, wanted));
  } else {
    filters.push((row) => ['ANSWERED', 'BUSY', 'FAILED', 'NO ANSWER'].includes(row.disposition));
  }
  filters.push((row) => !sqlEquals(row.dst, 's'));

  const custom = parseCustom(post.get('custom') ?? '');
  if (!custom) return [];
  const limit = parseLimit(post.get('limit') ?? '100');
  if (!limit) return [];

  // AND binds tighter than OR: (base AND c1 AND c2) OR (c3 AND c4) ...
  const groups: Array<Array<(row: ElastixCdr) => boolean>> = [filters];
  for (const condition of custom) {
    if (condition.join === 'or') groups.push([condition.test]);
    else groups[groups.length - 1]!.push(condition.test);
  }
  if (groups.length > 1) [from, to] = [0, rows.length];
  const matches = (row: ElastixCdr) => groups.some((group) => group.every((test) => test(row)));

  const out: ElastixCdr[] = [];
  let skip = limit.offset;
  for (let i = to - 1; i >= from && out.length < limit.count; i--) {
    const row = rows[i]!;
    if (!matches(row)) continue;
    if (skip > 0) skip--;
    else out.push(row);
  }
  return out;
}
