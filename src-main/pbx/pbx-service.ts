import { createHash } from 'node:crypto';
import type { ApiIdentity, CapabilityKey, PbxExtension } from '../../src-shared/domain/pbx.js';
import type { ExtensionView, SiteCapabilities } from '../../src-shared/domain/pbx-views.js';
import { AppError, toAppError } from '../../src-shared/errors.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { StoredSite } from '../settings/stored-site.js';
import type { SiteService } from '../sites/site-service.js';
import type { SiteStatusBoard } from '../sites/site-status-board.js';
import type { PbxAdapter } from './adapter.js';
import { createAdapter } from './create-adapter.js';
import { siteCapabilities } from './site-capabilities.js';

/** How long the Sites page waits for a login before showing the table without the API's identity. */
const LOGIN_CHECK_MS = 10_000;

interface SiteAdapter {
  /** What the adapter was built with; a change of address, trust or secret builds a new one. */
  key: string;
  adapter: PbxAdapter | null;
  identity: ApiIdentity | null;
}

/**
 * Each site's vendor adapter, built on first use and rebuilt when the site's API settings change.
 * Every operation checks the site's capabilities first, so main refuses what the UI hides.
 */
export class PbxService {
  private readonly adapters = new Map<string, SiteAdapter>();

  constructor(private readonly deps: { sites: SiteService; board: SiteStatusBoard; bus: EventBus; log: Logger; create?: typeof createAdapter }) {
    deps.bus.subscribe((event) => {
      if (event !== 'sites:changed') return;
      const known = new Set(deps.sites.list().map((site) => site.id));
      for (const id of this.adapters.keys()) if (!known.has(id)) this.adapters.delete(id);
    });
  }

  private entry(site: StoredSite): SiteAdapter {
    const secret = this.deps.sites.storedSecret(site.id, 'api');
    const key = JSON.stringify([site.vendor, site.api?.baseUrl, site.api?.username, site.tls.pinnedFingerprint256, site.timeZone, createHash('sha256').update(secret ?? '').digest('hex')]);
    const known = this.adapters.get(site.id);
    if (known?.key === key) return known;
    const entry = { key, adapter: (this.deps.create ?? createAdapter)(site, secret, this.deps.log), identity: null };
    this.adapters.set(site.id, entry);
    return entry;
  }

  /**
   * The site's capability table, and its API's generation and version (a login finds them out,
   * once, or again when `recheck` asks). The login is bounded: the table itself needs no network.
   */
  async capabilities(siteId: string, recheck = false): Promise<SiteCapabilities> {
    const site = this.deps.sites.find(siteId);
    const entry = this.entry(site);
    let identityError: SiteCapabilities['identityError'] = null;
    if (entry.adapter && (!entry.identity || recheck)) {
      const started = performance.now();
      try {
        entry.identity = await entry.adapter.connect(AbortSignal.timeout(LOGIN_CHECK_MS));
      } catch (err) {
        entry.identity = null;
        const error = toAppError(err);
        identityError = error.code === 'CANCELLED' ? { code: 'TIMEOUT', message: `No answer from the API within ${LOGIN_CHECK_MS / 1000} s` } : error.toShape();
      }
      // A login is as good a test of the API as "Test connection": the status bar says so.
      const latencyMs = performance.now() - started;
      // Unless the site was changed (or removed) meanwhile: this says nothing about its new address.
      const saved = this.deps.sites.lookup(siteId);
      if (saved && this.entry(saved) === entry) {
        this.deps.board.record(saved, 'api', identityError ? { ok: false, latencyMs, error: identityError } : { ok: true, latencyMs }, Date.now());
      }
    }
    return {
      siteId,
      apiSupported: site.api === null || entry.adapter !== null,
      capabilities: siteCapabilities(entry.adapter?.capabilities() ?? null, site.ami !== null, site.api !== null),
      identity: entry.identity,
      identityError,
    };
  }

  /** The adapter for an operation the site does through its API; NOT_SUPPORTED with the reason otherwise. */
  adapterFor(siteId: string, capability: CapabilityKey): PbxAdapter {
    const site = this.deps.sites.find(siteId);
    const entry = this.entry(site);
    const can = siteCapabilities(entry.adapter?.capabilities() ?? null, site.ami !== null, site.api !== null)[capability];
    if (can.via !== 'api' || !entry.adapter) {
      throw new AppError('NOT_SUPPORTED', `${capability} is not available for this site`, { capability, reason: can.via === 'none' ? can.reason : 'capability.reason.viaAmi' });
    }
    return entry.adapter;
  }

  async listExtensions(siteId: string): Promise<ExtensionView[]> {
    const extensions = await this.adapterFor(siteId, 'extensions.list').listExtensions();
    return extensions.map((extension) => toView(siteId, extension));
  }
}

/** Vendor fields that hold a credential (secret, md5secret, password, voicemail pin, vmpwd, tokens, keys) never leave main. */
const SECRET_FIELD = /secret|pass|pin|pwd|token|key/i;

/** An extension as the renderer sees it: its secret replaced by whether it has one. */
function toView(siteId: string, extension: PbxExtension): ExtensionView {
  const { secret, fields, ...rest } = extension;
  const shown = Object.fromEntries(Object.entries(fields).filter(([name]) => !SECRET_FIELD.test(name)));
  return { ...rest, siteId, secretSet: secret !== null && secret !== '', fields: shown };
}
