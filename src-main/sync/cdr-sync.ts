import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HistorySyncProgress } from '../../src-shared/domain/pbx-views.js';
import type { CdrRecord } from '../../src-shared/domain/pbx.js';
import { AppError } from '../../src-shared/errors.js';
import type { CdrRepo, CdrSource } from '../cache/cdr-repo.js';
import type { Logger } from '../logging/logger.js';
import type { PbxAdapter } from '../pbx/adapter.js';
import type { StoredSite } from '../settings/stored-site.js';

/*
 * Brings a site's call history into the cache: from its high-water mark (or a year back on the
 * first run) to now, batch by batch as the adapter delivers them, each stored together with the
 * mark it reaches so an interrupted sync resumes exactly there. Writes go in small chunks with a
 * turn of the event loop between them: a million-row import must not stall live calls.
 */

/** A CDR row is written when its call ends, dated when it began: re-read this far back each time. */
const OVERLAP_MS = 6 * 3_600_000;
const FIRST_SYNC_MS = 365 * 86_400_000;
const CHUNK = 500;


/** A site's history source: a new vendor, address or zone means its history is read anew. */
export function cdrSourceOf(site: StoredSite): CdrSource {
  return { timeZone: site.timeZone, source: JSON.stringify([site.vendor, site.api?.baseUrl ?? null, site.timeZone]) };
}

export interface CdrSyncDeps {
  repo: CdrRepo;
  /** The site's adapter for `cdr.fetch`, or NOT_SUPPORTED with the reason. */
  adapterFor(siteId: string): PbxAdapter;
  /** The site's zone and the identity of its PBX. */
  sourceOf(siteId: string): CdrSource;
  log: Logger;
  now?: () => number;
}

export class CdrSync {
  private readonly running = new Map<string, Promise<HistorySyncProgress>>();

  constructor(private readonly deps: CdrSyncDeps) {}

  /** Syncs one site; a second call while one runs joins it rather than fetching twice. */
  sync(siteId: string, options: { signal?: AbortSignal; onProgress?: (progress: HistorySyncProgress) => void } = {}): Promise<HistorySyncProgress> {
    let run = this.running.get(siteId);
    if (!run) {
      run = this.run(siteId, options).finally(() => this.running.delete(siteId));
      this.running.set(siteId, run);
    }
    return run;
  }

  private async run(siteId: string, options: { signal?: AbortSignal; onProgress?: (progress: HistorySyncProgress) => void }): Promise<HistorySyncProgress> {
    const adapter = this.deps.adapterFor(siteId);
    const source = this.deps.sourceOf(siteId);
    const now = (this.deps.now ?? Date.now)();
    const mark = this.deps.repo.syncedTo(siteId, source.source);
    const from = mark === null ? now - FIRST_SYNC_MS : Math.max(0, mark - OVERLAP_MS);
    const progress: HistorySyncProgress = { siteId, stored: 0, syncedTo: mark ?? from, from, to: now };
    const started = performance.now();
    await adapter.fetchCdrs({
      window: { from, to: now },
      signal: options.signal,
      onBatch: async (records, coveredTo) => {
        await this.store(siteId, source, records, Math.min(coveredTo, now), progress, options.signal);
        options.onProgress?.({ ...progress });
      },
    });
    this.deps.log.info('cdr sync done', { siteId, stored: progress.stored, ms: Math.round(performance.now() - started) });
    return progress;
  }

  private async store(siteId: string, source: CdrSource, records: readonly CdrRecord[], coveredTo: number, progress: HistorySyncProgress, signal?: AbortSignal): Promise<void> {
    for (let i = 0; i < records.length || i === 0; i += CHUNK) {
      if (signal?.aborted) throw new AppError('CANCELLED', 'Call history sync cancelled');
      const chunk = records.slice(i, i + CHUNK);
      // Only the batch's last chunk moves the mark: before it, the batch is not all stored.
      const last = i + CHUNK >= records.length;
      this.deps.repo.store(siteId, source, chunk, last ? coveredTo : progress.syncedTo, (this.deps.now ?? Date.now)());
      progress.stored += chunk.length;
      if (last) progress.syncedTo = Math.max(progress.syncedTo, coveredTo);
      await nextTurn();
    }
  }
}
