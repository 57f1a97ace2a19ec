import type { LinkTarget } from '../../src-shared/domain/site.js';

/** The SecretStore key of a site's API or AMI secret. */
export function siteSecretKey(siteId: string, target: LinkTarget): string {
  return `site/${siteId}/${target}`;
}
