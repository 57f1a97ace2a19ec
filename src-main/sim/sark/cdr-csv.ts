import { localDateTime, type SimCdr } from '../pbx-data.js';

/*
 * /var/log/asterisk/cdr-csv/Master.csv as Asterisk's cdr_csv writes it with SARK's cdr.conf
 * (loguniqueid and loguserfield on, local time): no header row, every field in double quotes with
 * inner quotes doubled, except duration and billsec which are bare integers; an unanswered call has
 * an empty answer time (`""`); amaflags spelled out (`DOCUMENTATION`); one `\n` per row. Columns:
 * accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end,
 * duration, billsec, disposition, amaflags, uniqueid, userfield.
 */

const AMA: Record<string, string> = { '1': 'OMIT', '2': 'BILLING', '3': 'DOCUMENTATION' };

function quote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** SARK's own dialplan context for internal calls is `internal`. */
function context(dcontext: string): string {
  return dcontext === 'from-internal' ? 'internal' : dcontext;
}

/** The shared history names its trunk `trunk`; SARK's seeded trunk is `trunk1`. */
function trunk(text: string): string {
  return text.replace(/^SIP\/trunk(?=[-/])/, 'SIP/trunk1');
}

export function csvRow(cdr: SimCdr, utcOffsetMinutes: number): string {
  const startMs = cdr.startMs - (cdr.startMs % 1000);
  const duration = Number(cdr.duration);
  const billsec = Number(cdr.billsec);
  const answered = cdr.disposition === 'ANSWERED';
  const answer = answered ? localDateTime(startMs + (duration - billsec) * 1000, utcOffsetMinutes) : '';
  const end = localDateTime(startMs + duration * 1000, utcOffsetMinutes);
  return [
    quote(cdr.accountcode),
    quote(cdr.src),
    quote(cdr.dst),
    quote(context(cdr.dcontext)),
    quote(cdr.clid),
    quote(trunk(cdr.channel)),
    quote(trunk(cdr.dstchannel)),
    quote(cdr.lastapp),
    quote(trunk(cdr.lastdata)),
    quote(cdr.calldate),
    quote(answer),
    quote(end),
    String(duration),
    String(billsec),
    quote(cdr.disposition),
    quote(AMA[cdr.amaflags] ?? 'Unknown'),
    quote(cdr.uniqueid),
    quote(cdr.userfield),
  ].join(',');
}

/** The whole file. 50,000 rows take a few tens of milliseconds. */
export function renderMasterCsv(cdrs: readonly SimCdr[], utcOffsetMinutes: number): Buffer {
  const rows = new Array<string>(cdrs.length);
  for (let i = 0; i < cdrs.length; i++) rows[i] = csvRow(cdrs[i]!, utcOffsetMinutes);
  return Buffer.from(rows.length === 0 ? '' : `${rows.join('\n')}\n`, 'utf8');
}
