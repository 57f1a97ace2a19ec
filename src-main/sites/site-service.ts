import { randomUUID } from 'node:crypto';
import type { SiteStatus, SiteView } from '../../src-shared/domain/site.js';
import { AppError, type FieldIssue } from '../../src-shared/errors.js';
import type { SiteInput } from '../../src-shared/schemas/site.js';
import { apiSecretRequired } from '../../src-shared/vendors.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { StoredSite } from '../settings/stored-site.js';
import { siteSecretKey } from './site-secrets.js';
import type { SiteStatusBoard } from './site-status-board.js';

export interface SiteServiceDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  statuses: SiteStatusBoard;
  bus: EventBus;
  log: Logger;
  now?: () => number;
}

/** Site profiles: settings for what is plain, the SecretStore for what is not. */
export class SiteService {
  private readonly now: () => number;

  constructor(private readonly deps: SiteServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  list(): SiteView[] {
    return this.stored()
      .map((site) => this.view(site))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(id: string): SiteView {
    return this.view(this.find(id));
  }

  /** The stored profile, for services that connect to the site. */
  find(id: string): StoredSite {
    const site = this.stored().find((candidate) => candidate.id === id);
    if (!site) throw new AppError('NOT_FOUND', `No site with id ${id}`, { id });
    return site;
  }

  create(input: SiteInput): SiteView {
    const id = randomUUID();
    this.checkInput(input, null);
    const at = this.now();
    const site = toStored(id, input, at, at);
    this.writeSecrets(id, input);
    this.deps.settings.set('sites', [...this.stored(), site]);
    this.deps.log.info('site created', { id, vendor: site.vendor });
    this.changed();
    return this.view(site);
  }

  update(id: string, input: SiteInput): SiteView {
    const existing = this.find(id);
    this.checkInput(input, id);
    const site = toStored(id, input, existing.createdAt, this.now());
    this.writeSecrets(id, input);
    this.deps.settings.set(
      'sites',
      this.stored().map((candidate) => (candidate.id === id ? site : candidate)),
    );
    // A test of the old address or credentials says nothing about the new ones.
    if (connectionChanged(existing, input)) {
      this.deps.statuses.forget(id);
      this.deps.bus.emit('sites:status', this.deps.statuses.statusOf(site));
    }
    this.deps.log.info('site updated', { id, vendor: site.vendor });
    this.changed();
    return this.view(site);
  }

  remove(id: string): { id: string } {
    this.find(id);
    this.deps.settings.set(
      'sites',
      this.stored().filter((candidate) => candidate.id !== id),
    );
    this.deps.secrets.delete(siteSecretKey(id, 'api'));
    this.deps.secrets.delete(siteSecretKey(id, 'ami'));
    this.deps.statuses.forget(id);
    this.deps.log.info('site removed', { id });
    this.changed();
    return { id };
  }

  statuses(): SiteStatus[] {
    return this.stored().map((site) => this.deps.statuses.statusOf(site));
  }

  /** The secret for a target: the one typed in the form, else the stored one for that site. */
  secretFor(input: SiteInput, siteId: string | undefined, target: 'api' | 'ami'): string | undefined {
    const typed = target === 'api' ? input.api?.secret : input.ami?.secret;
    if (typed !== undefined) return typed;
    return siteId === undefined ? undefined : this.deps.secrets.get(siteSecretKey(siteId, target));
  }

  private checkInput(input: SiteInput, id: string | null): void {
    const issues: FieldIssue[] = [];
    const name = input.name.toLocaleLowerCase();
    if (this.stored().some((site) => site.id !== id && site.name.toLocaleLowerCase() === name)) {
      issues.push({ path: 'name', message: 'validation.duplicateName' });
    }
    const hasStored = (target: 'api' | 'ami') => id !== null && this.deps.secrets.has(siteSecretKey(id, target));
    if (input.api && apiSecretRequired(input.vendor) && input.api.secret === undefined && !hasStored('api')) {
      issues.push({ path: 'api.secret', message: 'validation.required' });
    }
    if (input.ami && input.ami.secret === undefined && !hasStored('ami')) {
      issues.push({ path: 'ami.secret', message: 'validation.required' });
    }
    if (issues.length > 0) {
      throw new AppError('VALIDATION', `Invalid site: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    }
  }

  private writeSecrets(id: string, input: SiteInput): void {
    for (const target of ['api', 'ami'] as const) {
      const settings = input[target];
      const key = siteSecretKey(id, target);
      if (settings === null) this.deps.secrets.delete(key);
      else if (settings.secret !== undefined) this.deps.secrets.set(key, settings.secret);
    }
  }

  private stored(): StoredSite[] {
    return this.deps.settings.get('sites');
  }

  private view(site: StoredSite): SiteView {
    const secretSet = (target: 'api' | 'ami') => this.deps.secrets.has(siteSecretKey(site.id, target));
    return {
      id: site.id,
      name: site.name,
      vendor: site.vendor,
      timeZone: site.timeZone,
      api: site.api ? { ...site.api, secretSet: secretSet('api') } : null,
      ami: site.ami ? { ...site.ami, secretSet: secretSet('ami') } : null,
      tls: { ...site.tls },
      createdAt: site.createdAt,
      updatedAt: site.updatedAt,
    };
  }

  private changed(): void {
    this.deps.bus.emit('sites:changed', this.list());
  }
}

function toStored(id: string, input: SiteInput, createdAt: number, updatedAt: number): StoredSite {
  return {
    id,
    name: input.name,
    vendor: input.vendor,
    timeZone: input.timeZone,
    api: input.api ? { baseUrl: input.api.baseUrl, username: input.api.username } : null,
    ami: input.ami ? { host: input.ami.host, port: input.ami.port, username: input.ami.username } : null,
    tls: { pinnedFingerprint256: input.tls.pinnedFingerprint256 },
    createdAt,
    updatedAt,
  };
}

/** Whether the input reaches the PBX differently from the stored profile (address, user, secret, trust). */
export function connectionChanged(stored: StoredSite, input: SiteInput): boolean {
  const next = toStored(stored.id, input, stored.createdAt, stored.updatedAt);
  return (
    input.api?.secret !== undefined ||
    input.ami?.secret !== undefined ||
    JSON.stringify([stored.api, stored.ami, stored.tls]) !== JSON.stringify([next.api, next.ami, next.tls])
  );
}
