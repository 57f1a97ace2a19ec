import { randomBytes } from 'node:crypto';
import type { SiteView } from '../../src-shared/domain/site.js';
import { AppError } from '../../src-shared/errors.js';
import type { SiteInput } from '../../src-shared/schemas/site.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { StoredSite } from '../settings/stored-site.js';
import { seedPeople } from '../sim/pbx-data.js';
import { startAmiSimulator, type AmiSimulator } from '../sim/ami/index.js';
import type { SiteService } from '../sites/site-service.js';
import type { DemoVendor } from '../../src-shared/vendors.js';
import { DEMO_APIS, type DemoApi } from './vendor-demos.js';

const DEMO_USER = 'switchboard-demo';
/** The simulator's dialplan context for phones, as in the recorded peer's extensions.conf. */
const DEMO_CONTEXT = 'internal';

const DEMO_NAMES: Record<DemoVendor, string> = {
  asterisk: 'Demo PBX',
  elastix: 'Demo Elastix',
  issabel: 'Demo Issabel',
  sark: 'Demo SARK',
};

interface Running {
  ami: AmiSimulator;
  api: DemoApi | null;
}

/**
 * The embedded demo sites: for each vendor, the AMI simulator with lively synthetic traffic, the
 * vendor's web API simulator where it has one, and a site pointing at them. A newcomer with no PBX
 * opens one in one click; each comes back at every start for as long as its site exists (on fresh
 * ports and secrets, which the site is updated with).
 */
export class DemoSites {
  private readonly running = new Map<DemoVendor, Running>();
  private readonly starting = new Map<DemoVendor, Promise<SiteView>>();

  constructor(
    private readonly deps: { sites: SiteService; bus: EventBus; log: Logger; extensions?: number; callsPerSecond?: number; seed?: number },
  ) {
    // Removing a demo site stops its PBX: no traffic runs for a site nobody can see.
    deps.bus.subscribe((event) => {
      if (event !== 'sites:changed') return;
      for (const vendor of this.running.keys()) {
        if (!this.starting.has(vendor) && !this.demoSite(vendor)) this.stopOne(vendor).catch((err: unknown) => deps.log.warn('demo PBX did not stop cleanly', { vendor, message: String(err) }));
      }
    });
  }

  /** Starts the demos whose sites exist (at app start). */
  async resume(): Promise<void> {
    const vendors = new Set(this.demoSites().map((site) => site.vendor as DemoVendor));
    await Promise.all([...vendors].map((vendor) => this.open(vendor)));
  }

  /** Starts the vendor's demo and creates (or refreshes) its site; answers with the site. */
  open(vendor: DemoVendor = 'asterisk'): Promise<SiteView> {
    let pending = this.starting.get(vendor);
    if (!pending) {
      pending = this.start(vendor).finally(() => this.starting.delete(vendor));
      this.starting.set(vendor, pending);
    }
    return pending;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.keys()].map((vendor) => this.stopOne(vendor)));
  }

  private async stopOne(vendor: DemoVendor): Promise<void> {
    const running = this.running.get(vendor);
    this.running.delete(vendor);
    await Promise.all([running?.ami.close(), running?.api?.close()]);
  }

  private async start(vendor: DemoVendor): Promise<SiteView> {
    const existing = this.demoSite(vendor);
    if (this.running.has(vendor) && existing) return this.deps.sites.get(existing.id);
    // A simulator left from a demo site that was removed meanwhile: replace it, never leak it.
    await this.stopOne(vendor);
    const seed = this.deps.seed ?? Date.now() % 100_000;
    const office = { seed, extensions: this.deps.extensions ?? 12, firstExtension: 100 };
    const secret = randomBytes(18).toString('base64url');
    // The API's office and the AMI traffic's phones are the same people on the same numbers.
    const phones = vendor === 'asterisk' ? office.extensions : seedPeople(seed, office.extensions, office.firstExtension).map((p) => ({ exten: p.extension, name: p.name }));
    const ami = await startAmiSimulator({
      users: { [DEMO_USER]: secret },
      seed,
      pbx: { extensions: phones, trunk: true },
      traffic: { rate: this.deps.callsPerSecond ?? 0.4, maxConcurrent: 8 },
      onError: (err) => this.deps.log.error('demo PBX step failed', { vendor, message: String(err) }),
    });
    let api: DemoApi | null = null;
    try {
      api = vendor === 'asterisk' ? null : await DEMO_APIS[vendor](office);
    } catch (err) {
      await ami.close();
      throw err;
    }
    this.running.set(vendor, { ami, api });
    try {
      if (existing && !this.demoSite(vendor)) throw new AppError('NOT_FOUND', 'The demo site was removed while its PBX was starting');
      return this.saveSite(vendor, ami, api, secret);
    } catch (err) {
      // The site went away meanwhile (or would not save): no simulator may outlive it.
      await this.stopOne(vendor);
      throw err;
    }
  }

  private saveSite(vendor: DemoVendor, ami: AmiSimulator, api: DemoApi | null, secret: string): SiteView {
    const existing = this.demoSite(vendor);
    const input: SiteInput = {
      name: existing?.name ?? DEMO_NAMES[vendor],
      vendor,
      // The vendor simulators date their calls in UTC; the AMI-only demo has no dates of its own.
      timeZone: existing?.timeZone ?? (vendor === 'asterisk' ? Intl.DateTimeFormat().resolvedOptions().timeZone : 'UTC'),
      api: api ? { baseUrl: api.baseUrl, username: api.username, secret: api.secret || undefined } : null,
      ami: { host: '127.0.0.1', port: ami.port, username: DEMO_USER, secret, context: DEMO_CONTEXT },
      tls: { pinnedFingerprint256: null },
    };
    this.deps.log.info('demo PBX running', { vendor, ami: ami.port, api: api?.baseUrl ?? null });
    return existing ? this.deps.sites.update(existing.id, input) : this.deps.sites.create(input, { demo: true });
  }

  private demoSites(): StoredSite[] {
    return this.deps.sites
      .list()
      .map((view) => this.deps.sites.find(view.id))
      .filter((site) => site.demo);
  }

  private demoSite(vendor: DemoVendor): StoredSite | undefined {
    return this.demoSites().find((site) => site.vendor === vendor);
  }
}
