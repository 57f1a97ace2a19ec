import type { AppInfo } from '../../src-shared/domain/app.js';
import type { SiteStatus, SiteView } from '../../src-shared/domain/site.js';
import type { Logger } from '../logging/logger.js';

export interface DiagnosticsSources {
  info: AppInfo;
  versions: Record<string, string | undefined>;
  platform: string;
  sites: SiteView[];
  statuses: SiteStatus[];
  log: Logger;
  now: Date;
}

const LOG_LINES = 200;

/**
 * The text a person pastes into a support ticket: versions, sites without any secret (a site view
 * only knows whether a secret is set), their last status, start-up problems and recent log lines,
 * which the logger has already redacted.
 */
export function collectDiagnostics(src: DiagnosticsSources): string {
  const lines: string[] = [];
  lines.push(`Switchboard ${src.info.version} diagnostics, ${src.now.toISOString()}`);
  lines.push(`mode: ${src.info.mode}; secrets: ${src.info.secretProtection}; platform: ${src.platform}`);
  lines.push(
    `versions: ${Object.entries(src.versions)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  lines.push(`data folder: ${src.info.dataDir}`);
  lines.push('');
  lines.push(`problems at start-up: ${src.info.problems.length === 0 ? 'none' : ''}`);
  for (const problem of src.info.problems) lines.push(`  - ${problem.kind}: ${problem.path}: ${problem.detail}`);
  lines.push('');
  lines.push(`sites: ${src.sites.length}`);
  for (const site of src.sites) {
    const status = src.statuses.find((s) => s.siteId === site.id);
    lines.push(`  - ${site.name} [${site.vendor}] zone ${site.timeZone}`);
    if (site.api) {
      lines.push(
        `      api ${site.api.baseUrl} user ${site.api.username ? 'set' : 'none'} secret ${site.api.secretSet ? 'set' : 'not set'}` +
          ` pin ${site.tls.pinnedFingerprint256 ?? 'none'} status ${describe(status?.api)}`,
      );
    }
    if (site.ami) {
      lines.push(
        `      ami ${site.ami.host}:${site.ami.port} secret ${site.ami.secretSet ? 'set' : 'not set'} status ${describe(status?.ami)}`,
      );
    }
  }
  lines.push('');
  lines.push(`recent log (${LOG_LINES} lines at most):`);
  lines.push(...src.log.recent(LOG_LINES));
  return lines.join('\n');
}

function describe(status: SiteStatus['api'] | undefined): string {
  if (!status) return 'unknown';
  if (status.state === 'ok') return `ok at ${new Date(status.at).toISOString()}`;
  if (status.state === 'failed') return `${status.code} at ${new Date(status.at).toISOString()}`;
  return status.state;
}
