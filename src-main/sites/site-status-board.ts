import type { LinkStatus, LinkTarget, SiteStatus } from '../../src-shared/domain/site.js';
import type { ErrorCode } from '../../src-shared/errors.js';
import type { ConnectionTestsRepo } from '../cache/connection-tests-repo.js';
import type { EventBus } from '../core/event-bus.js';
import type { StoredSite } from '../settings/stored-site.js';

export type LinkOutcome = { ok: true; latencyMs: number } | { ok: false; latencyMs: number; error: { code: ErrorCode } };

/**
 * What the status bar shows per site. Until live links exist it is the latest connection test,
 * kept in the cache so it survives restarts (and in memory only when the cache is unavailable).
 */
export class SiteStatusBoard {
  private readonly memory = new Map<string, LinkStatus>();

  constructor(
    private readonly repo: ConnectionTestsRepo | null,
    private readonly bus: EventBus,
  ) {}

  statusOf(site: StoredSite): SiteStatus {
    return {
      siteId: site.id,
      api: site.api ? this.latest(site.id, 'api') : { state: 'not-configured' },
      ami: site.ami ? this.latest(site.id, 'ami') : { state: 'not-configured' },
    };
  }

  /** A connection test's result, or any other proof of the link working or failing (a login). */
  record(site: StoredSite, target: LinkTarget, result: LinkOutcome, at: number): void {
    const status: LinkStatus = result.ok
      ? { state: 'ok', at, latencyMs: Math.round(result.latencyMs) }
      : { state: 'failed', at, code: result.error.code };
    this.memory.set(memoryKey(site.id, target), status);
    this.repo?.record({
      siteId: site.id,
      target,
      testedAt: at,
      ok: result.ok,
      code: result.ok ? null : result.error.code,
      latencyMs: result.latencyMs,
    });
    this.bus.emit('sites:status', this.statusOf(site));
  }

  forget(siteId: string): void {
    this.memory.delete(memoryKey(siteId, 'api'));
    this.memory.delete(memoryKey(siteId, 'ami'));
    this.repo?.forgetSite(siteId);
  }

  private latest(siteId: string, target: LinkTarget): LinkStatus {
    return this.memory.get(memoryKey(siteId, target)) ?? this.repo?.latestStatus(siteId, target) ?? { state: 'untested' };
  }
}

function memoryKey(siteId: string, target: LinkTarget): string {
  return `${siteId}/${target}`;
}
