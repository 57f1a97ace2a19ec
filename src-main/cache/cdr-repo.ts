import type { Database, Statement } from 'better-sqlite3';
import type { CdrRecord } from '../../src-shared/domain/pbx.js';

/** Where a site's history comes from: its zone, and what identifies its PBX (vendor, address, zone). */
export interface CdrSource {
  timeZone: string;
  source: string;
}

/**
 * Call history legs and each site's sync mark; the only SQL about them. Writes are idempotent
 * upserts on (site, key): a sync that is interrupted and run again, or whose windows overlap,
 * never duplicates a leg, and a leg the PBX rewrote (a late answer time) is updated in place.
 */
export class CdrRepo {
  private readonly upsert: Statement;
  private readonly mark: Statement;
  private readonly readMark: Statement;
  private readonly countSite: Statement;
  private readonly removeSite: Statement[];
  private readonly marked: Statement;

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(`
      INSERT INTO cdr (site_id, key, uniqueid, linkedid, started_at, time_zone, answered_at, ended_at, src, dst, caller_name, context,
                       channel, dst_channel, last_app, duration_s, bill_s, disposition, recording_file)
      VALUES (@siteId, @key, @uniqueid, @linkedid, @startedAt, @timeZone, @answeredAt, @endedAt, @src, @dst, @callerName, @context,
              @channel, @dstChannel, @lastApp, @durationS, @billS, @disposition, @recordingFile)
      ON CONFLICT (site_id, key) DO UPDATE SET
        uniqueid = excluded.uniqueid, linkedid = excluded.linkedid, started_at = excluded.started_at, time_zone = excluded.time_zone,
        answered_at = excluded.answered_at, ended_at = excluded.ended_at, src = excluded.src, dst = excluded.dst,
        caller_name = excluded.caller_name, context = excluded.context, channel = excluded.channel,
        dst_channel = excluded.dst_channel, last_app = excluded.last_app, duration_s = excluded.duration_s,
        bill_s = excluded.bill_s, disposition = excluded.disposition, recording_file = excluded.recording_file`);
    // The mark only moves forward for the same source; a new source replaces it.
    this.mark = db.prepare(`
      INSERT INTO cdr_sync (site_id, source, synced_to, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (site_id) DO UPDATE SET
        synced_to = CASE WHEN source = excluded.source THEN max(synced_to, excluded.synced_to) ELSE excluded.synced_to END,
        source = excluded.source, updated_at = excluded.updated_at`);
    this.readMark = db.prepare('SELECT source, synced_to FROM cdr_sync WHERE site_id = ?');
    // Every stored leg was written with its site's mark (same transaction): the marks list the sites.
    this.marked = db.prepare('SELECT site_id FROM cdr_sync');
    this.removeSite = [db.prepare('DELETE FROM cdr WHERE site_id = ?'), db.prepare('DELETE FROM cdr_sync WHERE site_id = ?')];
    this.countSite = db.prepare('SELECT count(*) AS n FROM cdr WHERE site_id = ?');
  }

  /**
   * Stores a batch and moves the site's mark to `syncedTo` in the same transaction, so a sync
   * stopped at any point resumes from what is really stored.
   */
  store(siteId: string, from: CdrSource, records: readonly CdrRecord[], syncedTo: number, now: number): void {
    this.db.transaction(() => {
      for (const r of records) this.upsert.run({ siteId, timeZone: from.timeZone, ...r });
      this.mark.run(siteId, from.source, syncedTo, now);
    })();
  }

  /**
   * Everything before this (UTC epoch ms) has been fetched from `source`; null before the first
   * sync, or when the site now points at another PBX (its history must be read from the start).
   */
  syncedTo(siteId: string, source: string): number | null {
    const row = this.readMark.get(siteId) as { source: string; synced_to: number } | undefined;
    return row && row.source === source ? row.synced_to : null;
  }

  count(siteId: string): number {
    return (this.countSite.get(siteId) as { n: number }).n;
  }

  /** The sites that have history in the cache. */
  siteIds(): string[] {
    return (this.marked.all() as Array<{ site_id: string }>).map((row) => row.site_id);
  }

  /** A removed site's history goes with it. */
  forgetSite(siteId: string): void {
    this.db.transaction(() => {
      for (const statement of this.removeSite) statement.run(siteId);
    })();
  }
}
