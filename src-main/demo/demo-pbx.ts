import { randomBytes } from 'node:crypto';
import type { SiteView } from '../../src-shared/domain/site.js';
import type { SiteInput } from '../../src-shared/schemas/site.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { StoredSite } from '../settings/stored-site.js';
import { startAmiSimulator, type AmiSimulator } from '../sim/ami/index.js';
import type { SiteService } from '../sites/site-service.js';

const DEMO_USER = 'switchboard-demo';
/** The simulator's dialplan context for phones, as in the recorded peer's extensions.conf. */
const DEMO_CONTEXT = 'internal';

/**
 * The embedded demo PBX: the AMI simulator on 127.0.0.1 with lively synthetic traffic, and a site
 * pointing at it. A newcomer with no PBX opens it in one click; it comes back at every start for
 * as long as the site exists (on a fresh port and secret, which the site is updated with).
 */
export class DemoPbx {
  private sim: AmiSimulator | null = null;
  private starting: Promise<SiteView> | null = null;

  constructor(private readonly deps: { sites: SiteService; bus: EventBus; log: Logger; extensions?: number; callsPerSecond?: number }) {
    // Removing the demo site stops its PBX: no traffic runs for a site nobody can see.
    deps.bus.subscribe((event) => {
      if (event === 'sites:changed' && this.sim && !this.starting && !this.demoSite()) void this.stop();
    });
  }

  /** Starts the demo if a demo site exists (at app start). */
  async resume(): Promise<void> {
    if (this.demoSite()) await this.open();
  }

  /** Starts the simulator and creates (or refreshes) the demo site; answers with the site. */
  open(): Promise<SiteView> {
    this.starting ??= this.start().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    const sim = this.sim;
    this.sim = null;
    await sim?.close();
  }

  private async start(): Promise<SiteView> {
    const existing = this.demoSite();
    if (this.sim && existing) return this.deps.sites.get(existing.id);
    // A simulator left from a demo site that was removed meanwhile: replace it, never leak it.
    await this.stop();
    const secret = randomBytes(18).toString('base64url');
    this.sim = await startAmiSimulator({
      users: { [DEMO_USER]: secret },
      seed: Date.now() % 100_000,
      pbx: { extensions: this.deps.extensions ?? 12, trunk: true },
      traffic: { rate: this.deps.callsPerSecond ?? 0.4, maxConcurrent: 8 },
      onError: (err) => this.deps.log.error('demo PBX step failed', { message: String(err) }),
    });
    const input: SiteInput = {
      name: existing?.name ?? 'Demo PBX',
      vendor: 'asterisk',
      timeZone: existing?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      api: null,
      ami: { host: '127.0.0.1', port: this.sim.port, username: DEMO_USER, secret, context: DEMO_CONTEXT },
      tls: { pinnedFingerprint256: null },
    };
    this.deps.log.info('demo PBX running', { port: this.sim.port });
    return existing ? this.deps.sites.update(existing.id, input) : this.deps.sites.create(input, { demo: true });
  }

  private demoSite(): StoredSite | undefined {
    return this.deps.sites
      .list()
      .map((view) => this.deps.sites.find(view.id))
      .find((site) => site.demo);
  }
}
