import type { Logger } from '../logging/logger.js';
import { HttpClient } from '../net/http-client.js';
import type { StoredSite } from '../settings/stored-site.js';
import type { PbxAdapter } from './adapter.js';
import { ElastixAdapter } from './elastix/elastix-adapter.js';

/** What an adapter is built from: a saved site, or the form as typed when testing it. */
export type AdapterTarget = Pick<StoredSite, 'vendor' | 'timeZone' | 'tls'> & { api: { baseUrl: string } | null };

/**
 * The adapter for a site's vendor API, over a client with the site's TLS trust; null when the site
 * has no API configured or Switchboard does not speak its vendor's API.
 */
export function createAdapter(site: AdapterTarget, secret: string | undefined, log: Logger): PbxAdapter | null {
  if (!site.api) return null;
  const http = (options: { ratePerMinute?: number } = {}) =>
    new HttpClient({ baseUrl: site.api!.baseUrl, pinnedFingerprint256: site.tls.pinnedFingerprint256, logger: log, ...options });
  switch (site.vendor) {
    case 'elastix':
      return new ElastixAdapter({ http: http(), key: secret ?? '', timeZone: site.timeZone });
    default:
      return null;
  }
}
