import { randomUUID } from 'node:crypto';
import type { LinkTarget, SiteStatus, SiteView } from '../../src-shared/domain/site.js';
import { AppError, type FieldIssue } from '../../src-shared/errors.js';
import type { SiteInput } from '../../src-shared/schemas/site.js';
import { apiSecretRequired } from '../../src-shared/vendors.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redactor.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { StoredSite } from '../settings/stored-site.js';
import { siteSecretKey } from './site-secrets.js';
import { connectionChanged, sameEndpoint } from './endpoint.js';
import type { SiteStatusBoard } from './site-status-board.js';

export interface SiteServiceDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  statuses: SiteStatusBoard;
  bus: EventBus;
  log: Logger;
  /** Learns secrets typed for a test but never stored, so they are scrubbed from the log too. */
  redactor: Redactor;
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
    const site = this.lookup(id);
    if (!site) throw new AppError('NOT_FOUND', `No site with id ${id}`, { id });
    return site;
  }

  lookup(id: string): StoredSite | undefined {
    return this.stored().find((candidate) => candidate.id === id);
  }

  create(input: SiteInput, options: { demo?: boolean } = {}): SiteView {
    const id = randomUUID();
    this.checkInput(input, null);
    const at = this.now();
    const site = { ...toStored(id, input, at, at), demo: options.demo ?? false };
    this.writeSecrets(id, input);
    this.deps.settings.set('sites', [...this.stored(), site]);
    this.deps.log.info('site created', { id, vendor: site.vendor });
    this.changed();
    this.deps.bus.emit('sites:status', this.deps.statuses.statusOf(site));
    return this.view(site);
  }

  update(id: string, input: SiteInput): SiteView {
    const existing = this.find(id);
    this.checkInput(input, id);
    const site = { ...toStored(id, input, existing.createdAt, this.now()), demo: existing.demo };
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

  /**
   * The secret to authenticate a target with: the one typed in the form, else the stored one, but
   * only while the form still points at the address and user it was stored for.
   */
  secretFor(input: SiteInput, siteId: string | undefined, target: LinkTarget): string {
    const typed = input[target]?.secret;
    if (typed !== undefined) {
      this.deps.redactor.remember(typed);
      return typed;
    }
    const stored = siteId === undefined ? undefined : this.find(siteId);
    const issue = stored ? this.storedSecretIssue(stored, input, target) : 'validation.required';
    if (issue !== null) {
      throw new AppError('VALIDATION', `No usable ${target} secret for this site`, { issues: [{ path: `${target}.secret`, message: issue }] });
    }
    return this.deps.secrets.get(siteSecretKey(stored!.id, target))!;
  }

  private checkInput(input: SiteInput, id: string | null): void {
    const issues: FieldIssue[] = [];
    const name = input.name.toLocaleLowerCase();
    if (this.stored().some((site) => site.id !== id && site.name.toLocaleLowerCase() === name)) {
      issues.push({ path: 'name', message: 'validation.duplicateName' });
    }
    const stored = id === null ? undefined : this.find(id);
    for (const target of ['api', 'ami'] as const) {
      if (!input[target] || input[target].secret !== undefined) continue;
      const required = target === 'ami' || apiSecretRequired(input.vendor);
      const issue = stored ? this.storedSecretIssue(stored, input, target) : 'validation.required';
      const storedExists = stored !== undefined && this.deps.secrets.has(siteSecretKey(stored.id, target));
      if (issue !== null && (required || storedExists)) issues.push({ path: `${target}.secret`, message: issue });
    }
    if (issues.length > 0) {
      throw new AppError('VALIDATION', `Invalid site: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    }
  }

  /** The stored secret of a saved site's target, for the services that connect to it. */
  storedSecret(siteId: string, target: LinkTarget): string | undefined {
    return this.deps.secrets.has(siteSecretKey(siteId, target)) ? this.deps.secrets.get(siteSecretKey(siteId, target)) : undefined;
  }

  /** Why the stored secret cannot serve this input, or null when it can. */
  private storedSecretIssue(stored: StoredSite, input: SiteInput, target: LinkTarget): string | null {
    if (!this.deps.secrets.has(siteSecretKey(stored.id, target))) return 'validation.required';
    return sameEndpoint(stored, input, target) ? null : 'validation.secretAgain';
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
      demo: site.demo,
      createdAt: site.createdAt,
      updatedAt: site.updatedAt,
    };
  }

  private changed(): void {
    this.deps.bus.emit('sites:changed', this.list());
  }
}

function toStored(id: string, input: SiteInput, createdAt: number, updatedAt: number): Omit<StoredSite, 'demo'> {
  return {
    id,
    name: input.name,
    vendor: input.vendor,
    timeZone: input.timeZone,
    api: input.api ? { baseUrl: input.api.baseUrl, username: input.api.username } : null,
    ami: input.ami ? { host: input.ami.host, port: input.ami.port, username: input.ami.username, context: input.ami.context } : null,
    tls: { pinnedFingerprint256: input.tls.pinnedFingerprint256 },
    createdAt,
    updatedAt,
  };
}
