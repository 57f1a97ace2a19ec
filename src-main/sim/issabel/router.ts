import type { SimHandler, SimRequest, SimResponse } from '../http/http-sim.js';
import type { Random } from '../random.js';
import { authenticateController, authorize } from './auth.js';
import { type ResolvedOptions, makeCtx } from './context.js';
import { extensionsController, extensionsSearch } from './extensions.js';
import { managerController } from './manager.js';
import { EMPTY_CONTROLLERS, readOnlyController } from './resources.js';
import { apacheNotFound, f3Error, fail, failure, PHP_HTML } from './respond.js';
import { ringGroupsController, ringGroupsSearch } from './ring-groups.js';
import type { IssabelState } from './state.js';

/*
 * index.php and Fat-Free's routing: everything under /pbxapi (anything else is Apache's 404),
 * `GET /` the help page, `/@controller[/@id]` to the controller's method named after the verb
 * (another verb is F3's 405 page), `GET /@controller/search/@term`, an unknown controller F3's 404
 * page. Every controller but `authenticate` checks the token first, then (for those that need it)
 * connects to AMI, failing with a 500 envelope (Gen A: a bare 502). Gen C refuses everything with a
 * 500 when /etc/issabel.conf has no usable pbxapijwtsecret.
 */

const BASE = '/pbxapi';
const VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
/** Controllers whose constructor logs in to AMI (manager reports its own failure). */
const NEEDS_AMI = new Set(['extensions', 'ringgroups', 'queues', 'alldestinations']);
const CONTROLLERS = new Set(['authenticate', 'extensions', 'ringgroups', 'manager', 'alldestinations', 'queues', 'trunks', 'recordings', ...EMPTY_CONTROLLERS]);

const HELP = `<!DOCTYPE html>\n<html><head><title>Issabel PBX API</title></head><body>\n<h1>Issabel PBX API</h1>\n<p>Send GET/POST/PUT and DELETE requests to /pbxapi/resource. Authenticate first with POST /pbxapi/authenticate.</p>\n</body></html>\n`;

/** REALM: scheme, SERVER_NAME and a non-default port from the Host header, then the request URI with its query. */
function realmOf(request: SimRequest, tls: boolean): string {
  const host = String(request.headers.host ?? '127.0.0.1');
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const name = match?.[1] ?? host;
  const port = match?.[2];
  const shownPort = port && port !== '80' && port !== '443' ? `:${port}` : '';
  const query = request.query.toString();
  return `${tls ? 'https' : 'http'}://${name}${shownPort}${request.path}${query ? `?${query}` : ''}`;
}

function amiDown(state: IssabelState, options: ResolvedOptions): SimResponse {
  if (options.generation === 'A') return failure('A', [{ status: '502', detail: '' }]);
  if (state.ami === 'down') {
    return fail(options.generation, 500, 'Unable to connect to manager localhost:5038 (111): Connection refused', { source: 'Asterisk Manager' });
  }
  // A refused login: the error carries the AMI credentials in clear.
  return fail(options.generation, 500, 'Authentication failed', { source: 'Asterisk Manager', verbose: `localhost,admin,${options.adminPassword}` });
}

export function createRouter(state: IssabelState, options: ResolvedOptions, random: Random, tls: boolean, reload: () => Promise<void>): SimHandler {
  return async (request) => {
    if (options.jwtKey === null) return { status: 500, headers: { 'Content-Type': PHP_HTML }, body: '' };
    const path = request.path;
    if (path !== BASE && !path.startsWith(`${BASE}/`)) return apacheNotFound(path);
    const route = path.slice(BASE.length).replace(/\/+$/, '') || '/';
    const verb = request.method === 'HEAD' ? 'GET' : request.method;
    const ajax = request.headers['x-requested-with'] === 'XMLHttpRequest';
    if (!VERBS.has(verb)) return f3Error(405, request.method, route, ajax);
    if (route === '/') return verb === 'GET' ? { status: 200, headers: { 'Content-Type': PHP_HTML }, body: HELP } : f3Error(405, verb, route, ajax);

    const segments = route.slice(1).split('/').map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const controller = segments[0]!.toLowerCase();
    if (!CONTROLLERS.has(controller)) return f3Error(404, verb, route, ajax);
    const search = segments.length === 3 && segments[1] === 'search';
    if (segments.length > 2 && !search) return f3Error(404, verb, route, ajax);
    if (search && verb !== 'GET') return f3Error(405, verb, route, ajax);
    if (segments.some((s) => s === '')) return f3Error(404, verb, route, ajax);

    const ctx = makeCtx(state, options, random, request, search ? '' : (segments[1] ?? ''), realmOf(request, tls), reload);
    if (controller === 'authenticate') return search ? f3Error(404, verb, route, ajax) : authenticateController(ctx);

    const denied = authorize(ctx);
    if (denied) return denied;
    if (controller === 'manager') return search ? f3Error(404, verb, route, ajax) : managerController(ctx);
    if (NEEDS_AMI.has(controller) && state.ami !== 'up') return amiDown(state, options);

    if (search) {
      if (controller === 'extensions') return extensionsSearch(ctx, segments[2]!);
      if (controller === 'ringgroups') return ringGroupsSearch(ctx, segments[2]!);
      return f3Error(404, verb, route, ajax);
    }
    if (controller === 'extensions') return extensionsController(ctx);
    if (controller === 'ringgroups') return ringGroupsController(ctx);
    return readOnlyController(ctx, controller) ?? f3Error(404, verb, route, ajax);
  };
}
