import type { ConnectionTestReport, TargetTestResult, TestSummary } from '../../src-shared/domain/site.js';
import { AppError } from '../../src-shared/errors.js';
import type { SiteInput } from '../../src-shared/schemas/site.js';
import type { AmiProbeResult, AmiProbeTarget } from '../ami/ami-probe.js';
import type { Logger } from '../logging/logger.js';
import type { HttpProbeResult, HttpProbeTarget } from '../net/http-probe.js';
import type { PbxAdapter } from '../pbx/adapter.js';
import type { AdapterTarget } from '../pbx/create-adapter.js';
import { apiSecretRequired } from '../../src-shared/vendors.js';
import { connectionChanged } from './endpoint.js';
import type { SiteService } from './site-service.js';
import type { SiteStatusBoard } from './site-status-board.js';

export interface Probes {
  ami(target: AmiProbeTarget): Promise<AmiProbeResult>;
  http(target: HttpProbeTarget): Promise<HttpProbeResult>;
  /** The vendor adapter for the form as typed, to log in with; null when none speaks its API. */
  adapter(target: AdapterTarget, secret: string | undefined): PbxAdapter | null;
}

/** "Test connection": the API and AMI probes of a site as typed in the form, run side by side. */
export class ConnectionTester {
  constructor(
    private readonly deps: {
      sites: SiteService;
      board: SiteStatusBoard;
      probes: Probes;
      log: Logger;
      now?: () => number;
    },
  ) {}

  async test(siteId: string | undefined, input: SiteInput): Promise<ConnectionTestReport> {
    if (siteId !== undefined) this.deps.sites.find(siteId);
    const [api, ami] = await Promise.all([this.testApi(input, siteId), this.testAmi(input, siteId)]);
    const testedAt = (this.deps.now ?? Date.now)();
    // Only a test of the profile as saved now (it may have been edited or removed while the probes
    // ran) says something about the saved site's status.
    const saved = siteId === undefined ? undefined : this.deps.sites.lookup(siteId);
    if (saved && !connectionChanged(saved, input)) {
      if (api) this.deps.board.record(saved, 'api', api, testedAt);
      if (ami) this.deps.board.record(saved, 'ami', ami, testedAt);
    }
    return { api, ami, testedAt };
  }

  private async testApi(input: SiteInput, siteId: string | undefined): Promise<TargetTestResult | null> {
    const api = input.api;
    if (!api) return null;
    return this.attempt('api', async () => {
      const probe = await this.deps.probes.http({ baseUrl: api.baseUrl, pinnedFingerprint256: input.tls.pinnedFingerprint256 });
      // Reachable; now the credentials, by logging in as the adapter will.
      const adapter = this.deps.probes.adapter(input, this.apiSecret(input, siteId));
      const identity = adapter ? await adapter.connect() : null;
      return {
        latencyMs: probe.latencyMs,
        summary: { kind: 'http' as const, status: probe.status, tls: probe.tls, login: adapter ? ('ok' as const) : ('unchecked' as const), identity },
      };
    });
  }

  /** The API secret to test with; vendors that may run without one (SARK 6) get none rather than an error. */
  private apiSecret(input: SiteInput, siteId: string | undefined): string | undefined {
    if (apiSecretRequired(input.vendor)) return this.deps.sites.secretFor(input, siteId, 'api');
    try {
      return this.deps.sites.secretFor(input, siteId, 'api');
    } catch {
      return undefined;
    }
  }

  private async testAmi(input: SiteInput, siteId: string | undefined): Promise<TargetTestResult | null> {
    const ami = input.ami;
    if (!ami) return null;
    return this.attempt('ami', async () => {
      const secret = this.deps.sites.secretFor(input, siteId, 'ami');
      const result = await this.deps.probes.ami({ host: ami.host, port: ami.port, username: ami.username, secret });
      return { latencyMs: result.latencyMs, summary: { kind: 'ami' as const, banner: result.banner } };
    });
  }

  private async attempt(
    target: 'api' | 'ami',
    run: () => Promise<{ latencyMs: number; summary: TestSummary }>,
  ): Promise<TargetTestResult> {
    const started = performance.now();
    try {
      const result = await run();
      this.deps.log.info('connection test passed', { target, ms: Math.round(result.latencyMs) });
      return { ok: true, ...result };
    } catch (err) {
      const error =
        err instanceof AppError ? err.toShape() : { code: 'INTERNAL' as const, message: 'Connection test crashed; see the log' };
      if (!(err instanceof AppError)) this.deps.log.error('connection test crashed', { target, message: String(err) });
      else this.deps.log.info('connection test failed', { target, code: err.code, message: err.message });
      return { ok: false, latencyMs: performance.now() - started, error };
    }
  }
}
