import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CdrRepo } from '../../../src-main/cache/cdr-repo.js';
import { openCache } from '../../../src-main/cache/database.js';
import { HttpClient } from '../../../src-main/net/http-client.js';
import { ElastixAdapter } from '../../../src-main/pbx/elastix/elastix-adapter.js';
import { startElastixSimulator, type ElastixSimulator } from '../../../src-main/sim/elastix/index.js';
import { CdrSync } from '../../../src-main/sync/cdr-sync.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';
import { tempDir } from '../../support/temp-dir.js';

/*
 * A site's call history into a real cache file from the Elastix simulator: complete, never twice,
 * resumable from wherever it stopped (cancelled, or the PBX gone mid-sync), and incremental.
 */

const NOW = Date.parse('2026-11-20T12:00:00Z');
const SITE = 'site-elastix';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(cdrs = 2000) {
  const dir = tempDir('switchboard-sync-');
  const sim: ElastixSimulator = await startElastixSimulator({ seed: 5, extensions: 15, cdrs, cdrDays: 30, nowMs: NOW, recordings: 0 });
  const db: Database = openCache({ file: join(dir, 'cache.sqlite'), log: new MemoryLogger() });
  cleanups.push(
    () => sim.close(),
    () => {
      db.close();
    },
  );
  const http = new HttpClient({ baseUrl: `${sim.url}/api/api.php`, pinnedFingerprint256: null, logger: new MemoryLogger(), retries: 1, retryDelayMs: 5 });
  const adapter = new ElastixAdapter({ http, key: sim.key, timeZone: 'UTC', cdrLimit: 200 });
  const repo = new CdrRepo(db);
  let now = NOW;
  let source = { timeZone: 'UTC', source: 'elastix at the simulator' };
  const sync = new CdrSync({ repo, adapterFor: () => adapter, sourceOf: () => source, log: new MemoryLogger(), now: () => now });
  const truth = () => sim.state.cdrs.filter((row) => row.dst !== 's');
  const mark = () => repo.syncedTo(SITE, source.source);
  return { sim, db, repo, sync, truth, mark, setNow: (ms: number) => (now = ms), setSource: (next: string) => (source = { ...source, source: next }) };
}

describe('Call history sync', () => {
  it('stores every leg of the last year once and marks the site synced to now', async () => {
    const w = await world();
    const progress: number[] = [];
    const result = await w.sync.sync(SITE, { onProgress: (p) => progress.push(p.stored) });
    expect(w.repo.count(SITE)).toBe(w.truth().length);
    expect(result).toMatchObject({ stored: w.truth().length, syncedTo: NOW });
    expect(w.mark()).toBe(NOW);
    // Progress was reported as it went, never backwards.
    expect(progress.length).toBeGreaterThan(5);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('resumes a cancelled sync from what it stored, without a gap or a duplicate', async () => {
    const w = await world();
    const abort = new AbortController();
    // Stopped a few batches into the month that has calls (the eleven months before it are empty).
    let batches = 0;
    const error = await rejection(w.sync.sync(SITE, { signal: abort.signal, onProgress: (p) => p.stored > 0 && ++batches === 4 && abort.abort() }));
    expect(error.code).toBe('CANCELLED');
    const partial = w.repo.count(SITE);
    const mark = w.mark()!;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(w.truth().length);
    expect(mark).toBeLessThan(NOW);

    const resumed = await w.sync.sync(SITE);
    // From the mark (less the overlap for late-written calls), not from a year back.
    expect(resumed.from).toBe(mark - 6 * 3_600_000);
    expect(w.repo.count(SITE)).toBe(w.truth().length);
  });

  it('keeps what it stored when the PBX disappears mid-sync, and finishes once it is back', async () => {
    const w = await world();
    let batches = 0;
    const gone = await rejection(
      w.sync.sync(SITE, {
        onProgress: (p) => {
          // A few answers into the calls, every connection is dropped: the PBX is gone.
          if (p.stored > 0 && ++batches === 4) w.sim.faults.dropConnections(1_000);
        },
      }),
    );
    expect(gone.code).toBe('UNREACHABLE');
    const kept = w.repo.count(SITE);
    expect(kept).toBeGreaterThan(0);
    w.sim.faults.clear();
    await w.sync.sync(SITE);
    expect(w.repo.count(SITE)).toBe(w.truth().length);
  });

  it('picks up only what is new on the next run, re-reading a few hours back for calls that ended late', async () => {
    const w = await world(500);
    await w.sync.sync(SITE);
    const requestsBefore = w.sim.requests.length;
    // A call that started before the mark but was written after it (it ended later), and a new one.
    const late = { ...w.sim.state.cdrs.at(-1)!, uniqueid: '1795000000.901', calldate: '2026-11-20 11:00:00', dst: '104' };
    const fresh = { ...w.sim.state.cdrs.at(-1)!, uniqueid: '1795000000.902', calldate: '2026-11-20 12:30:00', dst: '105' };
    // The simulator keeps its table in date order (it searches it by date).
    w.sim.state.cdrs.push(late, fresh);
    w.sim.state.cdrs.sort((a, b) => (a.calldate < b.calldate ? -1 : a.calldate > b.calldate ? 1 : 0));
    w.setNow(NOW + 3_600_000);
    await w.sync.sync(SITE);
    expect(w.repo.count(SITE)).toBe(w.truth().length);
    // Incremental: a handful of requests, not a year of windows again.
    expect(w.sim.requests.length - requestsBefore).toBeLessThan(5);
    expect(w.mark()).toBe(NOW + 3_600_000);
  });

  it('reads the history anew when the site points at another PBX, keeping what it has', async () => {
    const w = await world(300);
    const first = await w.sync.sync(SITE);
    expect(first.from).toBe(NOW - 365 * 86_400_000);
    w.setNow(NOW + 60_000);
    expect((await w.sync.sync(SITE)).from).toBe(NOW - 6 * 3_600_000);
    w.setSource('elastix at another address');
    const again = await w.sync.sync(SITE);
    expect(again.from).toBe(NOW + 60_000 - 365 * 86_400_000);
    expect(w.repo.count(SITE)).toBe(w.truth().length);
  });

  it('runs one sync per site at a time: a second call joins the first', async () => {
    const w = await world(300);
    const [a, b] = await Promise.all([w.sync.sync(SITE), w.sync.sync(SITE)]);
    expect(a).toBe(b);
    expect(w.repo.count(SITE)).toBe(w.truth().length);
  });
});
