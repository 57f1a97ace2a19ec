import type { SiteStatus, SiteView } from '../../src-shared/domain/site.js';
import type { SiteInput } from '../../src-shared/schemas/site.js';
import type { DemoVendor } from '../../src-shared/vendors.js';
import { onEvent, request } from '../lib/api.js';

/** The sites and their last known status, kept current by push events. */
class SitesState {
  list = $state<SiteView[]>([]);
  statuses = $state<Record<string, SiteStatus>>({});
  loaded = $state(false);

  // How many events have arrived, so a snapshot requested before the latest event does not undo it.
  #listEvents = 0;
  #statusEvents = 0;
  /** For each site, the value of #statusEvents when its last status event arrived. */
  #statusEventAt = new Map<string, number>();

  constructor() {
    onEvent('sites:changed', (sites) => {
      this.#listEvents += 1;
      this.list = sites;
    });
    onEvent('sites:status', (status) => {
      this.#statusEvents += 1;
      this.#statusEventAt.set(status.siteId, this.#statusEvents);
      this.statuses = { ...this.statuses, [status.siteId]: status };
    });
  }

  /** Loads the whole picture; at start-up and again after the connection comes back. */
  async load(): Promise<void> {
    const listEventsBefore = this.#listEvents;
    const statusEventsBefore = this.#statusEvents;
    const [sites, statuses] = await Promise.all([request('sites:list', {}), request('sites:list-statuses', {})]);
    // An event that arrived after the requests were sent is at least as new as their answers.
    if (this.#listEvents === listEventsBefore) this.list = sites;
    const next: Record<string, SiteStatus> = Object.fromEntries(statuses.map((status) => [status.siteId, status]));
    for (const [siteId, at] of this.#statusEventAt) {
      if (at > statusEventsBefore && this.statuses[siteId]) next[siteId] = this.statuses[siteId];
    }
    this.statuses = next;
    this.loaded = true;
  }

  /** The site's status; one main has not sent yet (a site just added) is untested. */
  statusOf(site: SiteView): SiteStatus {
    return (
      this.statuses[site.id] ?? {
        siteId: site.id,
        api: site.api ? { state: 'untested' } : { state: 'not-configured' },
        ami: site.ami ? { state: 'untested' } : { state: 'not-configured' },
      }
    );
  }

  byId(id: string | null): SiteView | undefined {
    return this.list.find((site) => site.id === id);
  }

  /** Starts an embedded demo PBX and its site (or finds them already there). */
  async openDemo(vendor: DemoVendor = 'asterisk'): Promise<SiteView> {
    const site = await request('demo:open', { vendor });
    if (!this.byId(site.id)) this.list = [...this.list, site];
    return site;
  }

  async create(input: SiteInput): Promise<SiteView> {
    const site = await request('sites:create', input);
    // The form opens the new site at once, whether or not 'sites:changed' has arrived yet.
    if (!this.byId(site.id)) this.list = [...this.list, site];
    return site;
  }

  update(id: string, input: SiteInput): Promise<SiteView> {
    return request('sites:update', { id, site: input });
  }

  remove(id: string): Promise<{ id: string }> {
    return request('sites:remove', { id });
  }

  test(siteId: string | undefined, input: SiteInput) {
    return request('sites:test', siteId === undefined ? { site: input } : { siteId, site: input });
  }
}

export const sitesState = new SitesState();
