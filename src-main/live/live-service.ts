import { createHash } from 'node:crypto';
import type { LiveLinkStatus, LiveSnapshot, OriginateOutcome } from '../../src-shared/domain/live.js';
import { AppError } from '../../src-shared/errors.js';
import { AmiLink } from '../ami/ami-link.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { PreferencesService } from '../settings/preferences-service.js';
import type { StoredSite } from '../settings/stored-site.js';
import type { SiteService } from '../sites/site-service.js';
import * as control from './ami-call-control.js';
import { emptyLiveState } from './live-state.js';
import { ASTDB_FAMILIES } from './astdb.js';
import { collectSnapshot, readAstdbFamily } from './ami-resync.js';
import { SiteLive } from './site-live.js';

/** Pushes to the renderer are coalesced: at most one delta per site this often. */
const PUSH_INTERVAL_MS = 50;

export interface LiveServiceDeps {
  sites: SiteService;
  preferences: PreferencesService;
  bus: EventBus;
  log: Logger;
  now?: () => number;
  /** Link timings; tests shorten them. */
  linkTimings?: Partial<Pick<ConstructorParameters<typeof AmiLink>[0], 'pingIntervalMs' | 'pingTimeoutMs' | 'firstRetryMs' | 'maxRetryMs' | 'authRetryMs'>>;
}

interface Running {
  site: StoredSite;
  /** What the link was started with; a change restarts it. */
  key: string;
  link: AmiLink;
  live: SiteLive;
}

/**
 * Live calls and presence of every site with AMI: one link per site, its events through the pure
 * reducer, a full resync after every (re)connect, and coalesced deltas to the renderer.
 */
export class LiveService {
  private readonly running = new Map<string, Running>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: LiveServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.unsubscribe = deps.bus.subscribe((event) => {
      if (event === 'sites:changed') this.syncSites();
    });
  }

  /** Starts (or restarts, or stops) links so they match the saved sites. */
  syncSites(): void {
    const sites = this.deps.sites.list().map((view) => this.deps.sites.find(view.id));
    const wanted = new Map(sites.filter((site) => site.ami).map((site) => [site.id, site]));
    for (const [id, running] of this.running) {
      const site = wanted.get(id);
      // A restarted link starts from an empty board too: nothing from the old address may linger.
      if (!site || this.linkKey(site) !== running.key) this.stopSite(id, true);
    }
    for (const site of wanted.values()) {
      if (!this.running.has(site.id)) this.startSite(site);
      else this.running.get(site.id)!.site = site;
    }
  }

  snapshot(): LiveSnapshot {
    const runs = [...this.running.values()];
    return {
      calls: runs.flatMap((run) => run.live.calls()),
      presence: runs.flatMap((run) => run.live.presence()),
      links: runs.map((run) => run.link.status),
    };
  }

  stop(): void {
    this.unsubscribe();
    for (const id of [...this.running.keys()]) this.stopSite(id, false);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  hangup(siteId: string, channel: string): Promise<void> {
    return control.hangup(this.linkOf(siteId), channel);
  }

  transfer(siteId: string, channel: string, to: string, mode: 'blind' | 'attended'): Promise<void> {
    const { link, site } = this.controlOf(siteId);
    return mode === 'blind' ? control.blindTransfer(link, site, channel, to) : control.attendedTransfer(link, site, channel, to);
  }

  originate(siteId: string, from: string, to: string): Promise<OriginateOutcome> {
    const { link, site } = this.controlOf(siteId);
    return control.originate(link, site, from, to);
  }

  /** Parks the channel and answers with the space the PBX chose, as its ParkedCall event says. */
  async park(siteId: string, channel: string): Promise<{ space: string }> {
    const run = this.runOf(siteId);
    await control.park(run.link, channel);
    const space = await this.waitFor(run, () => run.live.calls().find((call) => hasChannel(call, channel))?.parkedAt ?? null, 3000);
    if (space === null) throw new AppError('PBX_ERROR', 'The PBX accepted Park but reported no parking space', { channel });
    return { space };
  }

  pickup(siteId: string, channel: string, extension: string): Promise<void> {
    const { link, site } = this.controlOf(siteId);
    return control.pickup(link, site, channel, extension);
  }

  /** Listen, whisper or barge: supervisors only, refused here whatever the renderer shows. */
  spy(siteId: string, channel: string, extension: string, mode: 'listen' | 'whisper' | 'barge'): Promise<void> {
    if (this.deps.preferences.get().role !== 'supervisor') {
      throw new AppError('FORBIDDEN', 'Listening in is for supervisors only', { action: 'spy' });
    }
    const { link, site } = this.controlOf(siteId);
    return control.spy(link, site, channel, extension, mode);
  }

  record(siteId: string, channel: string, on: boolean): Promise<void> {
    return control.record(this.linkOf(siteId), channel, on, this.now());
  }

  async setAstdb(siteId: string, kind: 'dnd' | 'always' | 'busy' | 'noAnswer', extension: string, value: string | null): Promise<void> {
    const run = this.runOf(siteId);
    const family = await control.setAstdb(run.link, amiSite(run.site), kind, extension, value);
    // AstDB changes raise no event: read the family back so presence shows the new value at once.
    const items = await readAstdbFamily(run.link, family);
    if (items === null) return;
    run.live.resync({ astdb: { families: [family], items } }, this.now(), false);
    this.scheduleFlush();
  }

  private startSite(site: StoredSite): void {
    const ami = site.ami!;
    const secret = this.deps.sites.storedSecret(site.id, 'ami');
    const live = new SiteLive(site.id, emptyLiveState(site.id));
    const link = new AmiLink({
      siteId: site.id,
      host: ami.host,
      port: ami.port,
      username: ami.username,
      secret: secret ?? '',
      log: this.deps.log,
      ...this.deps.linkTimings,
      onConnected: async (connected) => {
        live.resync(await collectSnapshot(connected, ASTDB_FAMILIES), this.now(), true);
        this.scheduleFlush();
      },
    });
    link.onEvent((event) => {
      if (live.apply(event, this.now())) this.scheduleFlush();
    });
    link.onStatus((status: LiveLinkStatus) => this.deps.bus.emit('live:link', status));
    this.running.set(site.id, { site, key: this.linkKey(site), link, live });
    link.start();
  }

  private stopSite(siteId: string, removed: boolean): void {
    const run = this.running.get(siteId);
    if (!run) return;
    run.link.stop();
    this.running.delete(siteId);
    if (removed) {
      this.deps.bus.emit('live:delta', { siteId, reset: true, upsertCalls: [], removeCalls: [], upsertPresence: [], removePresence: [] });
    }
  }

  /** What the link connects with; a rename or a time-zone change does not restart it, a new secret does. */
  private linkKey(site: StoredSite): string {
    const secret = this.deps.sites.storedSecret(site.id, 'ami') ?? '';
    const fingerprint = createHash('sha256').update(secret).digest('hex');
    return JSON.stringify([site.ami?.host, site.ami?.port, site.ami?.username, fingerprint]);
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      for (const run of this.running.values()) {
        const delta = run.live.takeDelta();
        if (delta) this.deps.bus.emit('live:delta', delta);
      }
    }, PUSH_INTERVAL_MS);
  }

  private waitFor<T>(run: Running, probe: () => T | null, timeoutMs: number): Promise<T | null> {
    const until = this.now() + timeoutMs;
    return new Promise((resolve) => {
      const check = () => {
        const value = probe();
        if (value !== null || this.now() >= until) resolve(value);
        else setTimeout(check, 25);
      };
      check();
    });
  }

  private runOf(siteId: string): Running {
    const run = this.running.get(siteId);
    if (!run) throw new AppError('NOT_SUPPORTED', 'This site has no AMI connection configured', { siteId });
    return run;
  }

  private linkOf(siteId: string): AmiLink {
    return this.runOf(siteId).link;
  }

  private controlOf(siteId: string): { link: AmiLink; site: control.AmiSite } {
    const run = this.runOf(siteId);
    return { link: run.link, site: amiSite(run.site) };
  }
}

function amiSite(site: StoredSite): control.AmiSite {
  return { vendor: site.vendor, context: site.ami?.context ?? 'from-internal' };
}


function hasChannel(call: { from: { channel: string }; to: Array<{ channel: string }> }, channel: string): boolean {
  return call.from.channel === channel || call.to.some((party) => party.channel === channel);
}
