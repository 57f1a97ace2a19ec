import type { Logger } from '../logging/logger.js';
import { HttpClient } from '../net/http-client.js';
import type { StoredSite } from '../settings/stored-site.js';
import type { PbxAdapter } from './adapter.js';
import { ElastixAdapter } from './elastix/elastix-adapter.js';
import { IssabelAdapter } from './issabel/issabel-adapter.js';
import { SarkAdapter } from './sark/sark-adapter.js';

/** What an adapter is built from: a saved site, or the form as typed when testing it. */
export type AdapterTarget = Pick<StoredSite, 'vendor' | 'timeZone' | 'tls'> & { api: { baseUrl: string; username?: string } | null };

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
    case 'issabel':
      return new IssabelAdapter({ http: http(), user: site.api.username ?? '', password: secret ?? '' });
    case 'sark': {
      // SARK 6 (L7) takes no login; its L11 successor takes a user's e-mail and password.
      const email = site.api.username ?? '';
      const credentials = email !== '' || secret ? { email, password: secret ?? '' } : null;
      // Laravel's throttle:60,1 counts per client IP: staying under it costs less than a 429's wait.
      return new SarkAdapter({ http: http({ ratePerMinute: 60 }), credentials, timeZone: site.timeZone });
    }
    default:
      return null;
  }
}
