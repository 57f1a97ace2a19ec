import type { Database, Statement } from 'better-sqlite3';
import type { ErrorCode } from '../../src-shared/errors.js';
import type { LinkStatus, LinkTarget } from '../../src-shared/domain/site.js';

export interface ConnectionTestRow {
  siteId: string;
  target: LinkTarget;
  testedAt: number;
  ok: boolean;
  code: ErrorCode | null;
  latencyMs: number;
}

/** How many results per site and target are kept; older ones only clutter the file. */
const KEEP_PER_TARGET = 20;

/** The history of "Test connection" results; the only SQL about them. */
export class ConnectionTestsRepo {
  private readonly insert: Statement;
  private readonly prune: Statement;
  private readonly latest: Statement;
  private readonly removeSite: Statement;

  constructor(private readonly db: Database) {
    this.insert = db.prepare(
      'INSERT INTO connection_tests (site_id, target, tested_at, ok, code, latency_ms) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.prune = db.prepare(
      `DELETE FROM connection_tests WHERE site_id = ? AND target = ? AND id NOT IN (
         SELECT id FROM connection_tests WHERE site_id = ? AND target = ? ORDER BY tested_at DESC, id DESC LIMIT ${KEEP_PER_TARGET})`,
    );
    this.latest = db.prepare(
      'SELECT ok, code, tested_at, latency_ms FROM connection_tests WHERE site_id = ? AND target = ? ORDER BY tested_at DESC, id DESC LIMIT 1',
    );
    this.removeSite = db.prepare('DELETE FROM connection_tests WHERE site_id = ?');
  }

  record(row: ConnectionTestRow): void {
    this.db.transaction(() => {
      this.insert.run(row.siteId, row.target, row.testedAt, row.ok ? 1 : 0, row.code, Math.round(row.latencyMs));
      this.prune.run(row.siteId, row.target, row.siteId, row.target);
    })();
  }

  /** The newest result as a link status, or `untested`. */
  latestStatus(siteId: string, target: LinkTarget): LinkStatus {
    const row = this.latest.get(siteId, target) as
      | { ok: number; code: ErrorCode | null; tested_at: number; latency_ms: number }
      | undefined;
    if (!row) return { state: 'untested' };
    return row.ok
      ? { state: 'ok', at: row.tested_at, latencyMs: row.latency_ms }
      : { state: 'failed', at: row.tested_at, code: row.code ?? 'INTERNAL' };
  }

  forgetSite(siteId: string): void {
    this.removeSite.run(siteId);
  }
}
