import type { SiteStatus, SiteView } from '../../src-shared/domain/site.js';
import type { SiteInput } from '../../src-shared/schemas/site.js';
import { onEvent, request } from '../lib/api.js';

/** The sites and their last known status, kept current by push events. */
class SitesState {
  list = $state<SiteView[]>([]);
  statuses = $state<Record<string, SiteStatus>>({});
  loaded = $state(false);

  async load(): Promise<void> {
    onEvent('sites:changed', (sites) => {
      this.list = sites;
    });
    onEvent('sites:status', (status) => {
      this.statuses = { ...this.statuses, [status.siteId]: status };
    });
    const [sites, statuses] = await Promise.all([request('sites:list', {}), request('sites:statuses', {})]);
    this.list = sites;
    this.statuses = Object.fromEntries(statuses.map((status) => [status.siteId, status]));
    this.loaded = true;
  }

  byId(id: string | null): SiteView | undefined {
    return this.list.find((site) => site.id === id);
  }

  create(input: SiteInput): Promise<SiteView> {
    return request('sites:create', input);
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
