import type { LinkTarget } from '../../src-shared/domain/site.js';
import type { SiteInput } from '../../src-shared/schemas/site.js';
import type { StoredSite } from '../settings/stored-site.js';

/** Where a target's secret goes: the address and the user it authenticates as. */
function endpointOf(site: Pick<StoredSite, 'api' | 'ami'> | SiteInput, target: LinkTarget): string {
  if (target === 'api') return site.api ? JSON.stringify([site.api.baseUrl, site.api.username]) : '';
  return site.ami ? JSON.stringify([site.ami.host, site.ami.port, site.ami.username]) : '';
}

/**
 * Whether the form still points a target at the address and user its stored secret was entered
 * for. A stored secret never travels anywhere else: change the host and it must be typed again.
 */
export function sameEndpoint(stored: StoredSite, input: SiteInput, target: LinkTarget): boolean {
  return endpointOf(stored, target) === endpointOf(input, target);
}

/** Whether the input reaches the PBX differently from the stored profile (address, user, secret, trust). */
export function connectionChanged(stored: StoredSite, input: SiteInput): boolean {
  return (
    input.api?.secret !== undefined ||
    input.ami?.secret !== undefined ||
    !sameEndpoint(stored, input, 'api') ||
    !sameEndpoint(stored, input, 'ami') ||
    stored.tls.pinnedFingerprint256 !== input.tls.pinnedFingerprint256
  );
}
