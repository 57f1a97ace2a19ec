import type { CdrDisposition, CdrRecord } from '../../../src-shared/domain/pbx.js';
import type { ZoneClock } from '../../../src-shared/time-zones.js';
import type { CdrFetch } from '../adapter.js';
import { DayClock } from './sark-day-clock.js';

/*
 * Master.csv rows (vendors/sark.md §7) as the app's CDRs. cdr_csv writes, in order: accountcode,
 * src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration,
 * billsec, disposition, amaflags, then uniqueid and userfield when cdr.conf turns them on (SARK's
 * does). Times are the PBX's local wall clock. There is no linkedid or sequence, and one channel can
 * write several rows with its uniqueid (each Dial of a follow-on, a transfer), so a row's key is its
 * uniqueid with its start and destination, plus an occurrence count for rows equal even in those.
 */

const DISPOSITIONS: Record<string, CdrDisposition> = { ANSWERED: 'answered', 'NO ANSWER': 'no-answer', BUSY: 'busy', FAILED: 'failed', CONGESTION: 'congestion' };

/** Asterisk's uniqueid: `<epoch>.<seq>`, prefixed with `<systemname>-` when one is set. */
const UNIQUEID = /^(?:[\w.-]+-)?\d+\.\d+$/;

/** The name in `"Alice" <1001>`; the whole text when it has no `<number>`. */
function nameOfCallerId(clid: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$/.exec(clid);
  return (m ? m[1] : clid).trim();
}

function seconds(text: string): number {
  return /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : 0;
}

export interface CsvCdr {
  record: Omit<CdrRecord, 'key'>;
  /** What tells this row from another of the same uniqueid, before the occurrence count. */
  identity: string;
}

/** One row, or null when it is not a CDR row this adapter can read (wrong column count, no start time). */
export function cdrOfCsv(row: readonly string[], clock: Pick<ZoneClock, 'toUtc'>): CsvCdr | null {
  if (row.length < 16 || row.length > 18) return null;
  const [, src, dst, dcontext, clid, channel, dstChannel, lastApp, , start, answer, end, duration, billsec, disposition] = row;
  // With 17 columns the last is the uniqueid or the userfield, depending on cdr.conf.
  const uniqueid = row.length === 18 || (row.length === 17 && UNIQUEID.test(row[16])) ? row[16] : '';
  const startedAt = clock.toUtc(start);
  if (startedAt === null) return null;
  const record = {
    uniqueid,
    linkedid: null,
    startedAt,
    answeredAt: answer === '' ? null : clock.toUtc(answer),
    endedAt: end === '' ? null : clock.toUtc(end),
    src,
    dst,
    callerName: nameOfCallerId(clid),
    context: dcontext,
    channel,
    dstChannel,
    lastApp,
    durationS: seconds(duration),
    billS: seconds(billsec),
    disposition: DISPOSITIONS[disposition] ?? 'unknown',
    recordingFile: null,
  };
  // Without a uniqueid column, the source channel (unique per call leg) stands in for it.
  return { record, identity: `${uniqueid || channel}|${startedAt}|${dst}|${dstChannel}` };
}

/**
 * cdr_csv appends a row when its call ends, so Master.csv is in order of end, not start. How far a
 * streamed file covers by start time is therefore only known with an assumption: no call lasts
 * longer than this (the sync re-reads the same span each time for the same reason).
 */
export const LATE_ROW_MS = 6 * 3_600_000;
/** Rows an identity is remembered for, at least (a call writes its rows well within this). */
const RECENT = 20_000;
/** Coverage is reported at least this often (in file time), with an empty batch if need be. */
const PROGRESS_STEP_MS = 3_600_000;

/**
 * Rows in, batches of the window's CDRs out, oldest first, each with how far it covers: a record
 * is held until the file has reached calls ending `LATE_ROW_MS` after it began, so every batch is
 * sorted, holds nothing beyond what it says it covers, and coverage only moves forward. Every row
 * of the file counts towards the occurrence of its identity, in or out of the window, so a key does
 * not depend on the window asked for.
 */
export class CdrBatcher {
  /** Held records, sorted by start (inserted from the back: the file is nearly in order). */
  private held: CdrRecord[] = [];
  private readonly clock: DayClock;
  /** Occurrences of recent identities, in two generations so that each is kept for at least `RECENT` rows. */
  private seen = new Map<string, number>();
  private seenBefore = new Map<string, number>();
  private deliveredCount = 0;
  /** The latest call end the file has shown so far. */
  private reached = Number.NEGATIVE_INFINITY;
  private coveredTo: number;

  constructor(
    clock: ZoneClock,
    private readonly fetch: CdrFetch,
    private readonly size = 500,
  ) {
    this.clock = new DayClock(clock);
    this.coveredTo = fetch.window.from - 1;
  }

  get delivered(): number {
    return this.deliveredCount;
  }

  async add(rows: readonly string[][]): Promise<void> {
    const { from, to } = this.fetch.window;
    for (const row of rows) {
      const cdr = cdrOfCsv(row, this.clock);
      if (!cdr) continue;
      const n = this.occurrence(cdr.identity);
      const { startedAt } = cdr.record;
      this.reached = Math.max(this.reached, cdr.record.endedAt ?? startedAt);
      if (startedAt < from || startedAt > to) continue;
      this.hold({ key: n === 1 ? cdr.identity : `${cdr.identity}|${n}`, ...cdr.record });
    }
    const limit = Math.min(this.reached - LATE_ROW_MS, to);
    const ready = this.readyCount(limit);
    if (ready >= this.size || (limit - this.coveredTo >= PROGRESS_STEP_MS && limit >= from)) await this.release(ready, limit);
  }

  /** The end of the file: everything held goes, and the whole window is covered. */
  async finish(): Promise<void> {
    await this.release(this.held.length, this.fetch.window.to);
  }

  private hold(record: CdrRecord): void {
    let at = this.held.length;
    while (at > 0 && this.held[at - 1].startedAt > record.startedAt) at--;
    this.held.splice(at, 0, record);
  }

  private readyCount(limit: number): number {
    let n = 0;
    while (n < this.held.length && this.held[n].startedAt <= limit) n++;
    return n;
  }

  private async release(count: number, limit: number): Promise<void> {
    const ready = this.held.splice(0, count);
    for (let i = 0; i < ready.length || i === 0; i += this.size) {
      const batch = ready.slice(i, i + this.size);
      const next = ready[i + this.size];
      // Records sharing a start time may straddle two batches: the earlier one covers up to just before it.
      const coveredTo = next === undefined ? limit : Math.min(limit, next.startedAt - 1);
      await this.fetch.onBatch(batch, coveredTo);
      this.deliveredCount += batch.length;
      this.coveredTo = Math.max(this.coveredTo, coveredTo);
    }
  }

  /** Rows sharing an identity are written within one call's lifetime: the recent rows are enough. */
  private occurrence(identity: string): number {
    const n = (this.seen.get(identity) ?? this.seenBefore.get(identity) ?? 0) + 1;
    this.seen.set(identity, n);
    if (this.seen.size >= RECENT) {
      this.seenBefore = this.seen;
      this.seen = new Map();
    }
    return n;
  }
}
