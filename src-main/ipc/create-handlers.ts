import type { AppInfo } from '../../src-shared/domain/app.js';
import { collectDiagnostics } from '../diagnostics/diagnostics.js';
import type { Logger } from '../logging/logger.js';
import type { DemoSites } from '../demo/demo-sites.js';
import type { LiveService } from '../live/live-service.js';
import type { PbxService } from '../pbx/pbx-service.js';
import type { CdrSync } from '../sync/cdr-sync.js';
import type { EventBus } from '../core/event-bus.js';
import { AppError } from '../../src-shared/errors.js';
import type { PreferencesService } from '../settings/preferences-service.js';
import type { ConnectionTester } from '../sites/connection-tester.js';
import type { SiteService } from '../sites/site-service.js';
import type { Handlers } from './handlers.js';

export interface HandlerServices {
  info: AppInfo;
  sites: SiteService;
  tester: ConnectionTester;
  live: LiveService;
  pbx: PbxService;
  /** Null when the cache could not be opened: there is nowhere to keep history. */
  history: CdrSync | null;
  demo: DemoSites;
  preferences: PreferencesService;
  bus: EventBus;
  log: Logger;
  versions: Record<string, string | undefined>;
}

/** The complete handler map: params arrive already validated by the dispatcher. */
export function createHandlers(services: HandlerServices): Handlers {
  const { sites, tester, live, preferences } = services;
  const done = { done: true } as const;
  return {
    'app:get-info': () => services.info,
    'app:ping': ({ echo }) => ({ echo }),
    'diagnostics:collect': () => ({
      text: collectDiagnostics({
        info: services.info,
        versions: services.versions,
        platform: `${process.platform} ${process.arch}`,
        sites: sites.list(),
        statuses: sites.statuses(),
        log: services.log,
        now: new Date(),
      }),
    }),
    'sites:list': () => sites.list(),
    'sites:get': ({ id }) => sites.get(id),
    'sites:create': (input) => sites.create(input),
    'sites:update': ({ id, site }) => sites.update(id, site),
    'sites:remove': ({ id }) => sites.remove(id),
    'sites:test': ({ siteId, site }) => tester.test(siteId, site),
    'sites:list-statuses': () => sites.statuses(),
    'sites:get-capabilities': ({ id, recheck }) => services.pbx.capabilities(id, recheck ?? false),
    'extensions:list': ({ id }) => services.pbx.listExtensions(id),
    'history:sync': ({ id }) => {
      if (!services.history) throw new AppError('STORAGE', 'The cache is unavailable, so call history cannot be kept');
      sites.find(id);
      return services.history.sync(id, { onProgress: (progress) => services.bus.emit('history:progress', progress) });
    },
    'demo:open': ({ vendor }) => services.demo.open(vendor),
    'preferences:get': () => preferences.get(),
    'preferences:update': (next) => preferences.update(next),
    'live:get-snapshot': () => live.snapshot(),
    'live:hangup': async ({ siteId, channel }) => (await live.hangup(siteId, channel), done),
    'live:transfer': async ({ siteId, channel, to, mode }) => (await live.transfer(siteId, channel, to, mode), done),
    'live:originate': ({ siteId, from, to }) => live.originate(siteId, from, to),
    'live:park': ({ siteId, channel }) => live.park(siteId, channel),
    'live:pickup': async ({ siteId, channel, extension }) => (await live.pickup(siteId, channel, extension), done),
    'live:spy': async ({ siteId, channel, extension, mode }) => (await live.spy(siteId, channel, extension, mode), done),
    'live:record': async ({ siteId, channel, on }) => (await live.record(siteId, channel, on), done),
    'presence:set-dnd': async ({ siteId, extension, on }) => (await live.setAstdb(siteId, 'dnd', extension, on ? 'YES' : null), done),
    'presence:set-forward': async ({ siteId, extension, kind, to }) => (await live.setAstdb(siteId, kind, extension, to), done),
  };
}
