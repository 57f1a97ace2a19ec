import type { AppInfo } from '../../src-shared/domain/app.js';
import { collectDiagnostics } from '../diagnostics/diagnostics.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionTester } from '../sites/connection-tester.js';
import type { SiteService } from '../sites/site-service.js';
import type { Handlers } from './handlers.js';

export interface HandlerServices {
  info: AppInfo;
  sites: SiteService;
  tester: ConnectionTester;
  log: Logger;
  versions: Record<string, string | undefined>;
}

/** The complete handler map: params arrive already validated by the dispatcher. */
export function createHandlers(services: HandlerServices): Handlers {
  const { sites, tester } = services;
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
  };
}
