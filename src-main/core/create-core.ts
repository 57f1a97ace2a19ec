import type { Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import type { AppInfo, RunMode, StartupProblem } from '../../src-shared/domain/app.js';
import { AppError } from '../../src-shared/errors.js';
import { probeAmi } from '../ami/ami-probe.js';
import { CdrRepo } from '../cache/cdr-repo.js';
import { ConnectionTestsRepo } from '../cache/connection-tests-repo.js';
import { openCache } from '../cache/database.js';
import { createHandlers } from '../ipc/create-handlers.js';
import { createDispatcher, type Dispatch } from '../ipc/dispatcher.js';
import { FileLogger, type Logger, type LogLevel } from '../logging/logger.js';
import { Redactor } from '../logging/redactor.js';
import { probeHttp } from '../net/http-probe.js';
import { EncryptedFileSecretStore, type SecretCipher } from '../secrets/secret-store.js';
import { ConfSettingsStore, type ConfFactory } from '../settings/conf-settings-store.js';
import { ConnectionTester } from '../sites/connection-tester.js';
import { SiteService } from '../sites/site-service.js';
import { DemoSites } from '../demo/demo-sites.js';
import { LiveService, type LiveServiceDeps } from '../live/live-service.js';
import { createAdapter } from '../pbx/create-adapter.js';
import { PbxService } from '../pbx/pbx-service.js';
import { PreferencesService } from '../settings/preferences-service.js';
import { SiteStatusBoard } from '../sites/site-status-board.js';
import { CdrSync, cdrSourceOf } from '../sync/cdr-sync.js';
import { dataPaths } from './data-paths.js';
import { EventBus } from './event-bus.js';

export interface CoreOptions {
  dataDir: string;
  mode: RunMode;
  version: string;
  versions: Record<string, string | undefined>;
  /** Built once the data folder exists (host mode's key file lives in it). */
  createCipher: (dataDir: string) => SecretCipher;
  settingsFactory: ConfFactory;
  nativeBinding?: string;
  logLevel?: LogLevel;
  logEcho?: boolean;
  /** Live link retry and keep-alive timings; tests that restart PBXs shorten them. */
  linkTimings?: LiveServiceDeps['linkTimings'];
}

export interface Core {
  dispatch: Dispatch;
  bus: EventBus;
  log: Logger;
  info: AppInfo;
  close(): void;
}

/**
 * The composition root shared by the desktop app and host mode: every service is built here from
 * plain dependencies, so nothing below imports Electron.
 */
export function createCore(options: CoreOptions): Core {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const paths = dataPaths(options.dataDir);
  const redactor = new Redactor();
  const log = new FileLogger({ file: paths.log, redactor, level: options.logLevel ?? 'info', echo: options.logEcho ?? false });
  log.info('starting', { version: options.version, mode: options.mode });

  const problems: StartupProblem[] = [];
  const settings = new ConfSettingsStore(options.dataDir, options.settingsFactory, log);
  problems.push(...settings.problems);
  const secrets = new EncryptedFileSecretStore(paths.secrets, options.createCipher(options.dataDir), redactor);

  let db: Database | null = null;
  try {
    db = openCache({ file: paths.cache, log, nativeBinding: options.nativeBinding });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const reason = err instanceof AppError ? String(err.details?.reason ?? '') : '';
    log.error('cache unavailable; running without it', { detail });
    problems.push({
      kind: 'cache-unavailable',
      messageKey: reason === 'newer-schema' ? 'problems.cacheNewer' : 'problems.cacheUnreadable',
      path: paths.cache,
      detail,
    });
  }

  const bus = new EventBus();
  const board = new SiteStatusBoard(db ? new ConnectionTestsRepo(db) : null, bus);
  const sites = new SiteService({ settings, secrets, statuses: board, bus, log, redactor });
  const tester = new ConnectionTester({ sites, board, log, probes: { ami: probeAmi, http: probeHttp, adapter: (target, secret) => createAdapter(target, secret, log) } });
  const preferences = new PreferencesService(settings, bus);
  const live = new LiveService({ sites, preferences, bus, log, linkTimings: options.linkTimings });
  live.syncSites();
  const pbx = new PbxService({ sites, board, bus, log });
  const cdrRepo = db ? new CdrRepo(db) : null;
  const history = cdrRepo
    ? new CdrSync({ repo: cdrRepo, adapterFor: (id) => pbx.adapterFor(id, 'cdr.fetch'), sourceOf: (id) => cdrSourceOf(sites.find(id)), log })
    : null;
  // A removed site's call history goes with it (the confirmation says so).
  bus.subscribe((event) => {
    if (event !== 'sites:changed' || !cdrRepo) return;
    const known = new Set(sites.list().map((site) => site.id));
    for (const id of cdrRepo.siteIds()) if (!known.has(id)) cdrRepo.forgetSite(id);
  });
  const demo = new DemoSites({ sites, bus, log });
  demo.resume().catch((err: unknown) => log.error('demo PBX did not start', { message: String(err) }));
  const info: AppInfo = {
    version: options.version,
    mode: options.mode,
    secretProtection: secrets.protection,
    dataDir: options.dataDir,
    problems,
  };
  const dispatch = createDispatcher(createHandlers({ info, sites, tester, live, pbx, history, demo, preferences, bus, log, versions: options.versions }), log);

  return {
    dispatch,
    bus,
    log,
    info,
    close() {
      live.stop();
      void demo.stop();
      db?.close();
      log.info('stopped');
    },
  };
}
