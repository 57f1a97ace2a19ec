import { type HttpSimServer, type SimRequest, type SimResponse, startHttpSim } from '../http/http-sim.js';
import { Random } from '../random.js';
import { Asterisk } from './asterisk.js';
import * as astamis from './astamis.js';
import { authenticate, bearerToken, healthPage, login, logout, tokenIsAdmin, whoami, type Authenticated } from './auth.js';
import { Calls } from './calls.js';
import { renderMasterCsv } from './cdr-csv.js';
import type { SarkAction, SarkBox, SarkSettings } from './context.js';
import * as extensions from './extensions.js';
import { expectsJson, json, ModelNotFound, PhpException, readInput, renderException, type Generation } from './laravel.js';
import * as logs from './logs.js';
import * as ringGroups from './ring-groups.js';
import { Router } from './routes.js';
import { createState, type SarkState } from './state.js';
import * as system from './system.js';
import { Throttle } from './throttle.js';

/*
 * The SARK V6 API on 127.0.0.1, as `https://<sark>:44300/api/…` answers: the Laravel 7 `sark6api`
 * (no authentication at all) or its Laravel 11 successor `sark6api_L11` (Sanctum bearer tokens from
 * `POST /api/auth/login`). Ground truth is vendors/sark.md and its fixtures; where the framework
 * decides (routing, validation, exceptions, the throttle) the framework's own behaviour is followed.
 * This module is the kernel: Apache's trailing-slash redirect, web vs api routes, the route table
 * per request (L11 registers its business routes only for admin tokens), the middleware order
 * (auth, then `throttle:60,1`, then bindings) and how each throwable is rendered.
 */

export interface SarkSimOptions {
  /** Seed of the office, the history and the calls. Default 1. */
  seed?: number;
  /** `L7` (default): sark6api, no authentication. `L11`: sark6api_L11, Sanctum tokens. */
  generation?: Generation;
  /** L11 login email → password. Default `{ 'operator@example.com': 'secret-pass' }`. */
  users?: Record<string, string>;
  /** L11 users whose role is not `isAdmin` (their tokens see only the auth routes). */
  nonAdminUsers?: string[];
  /** Extensions seeded. Default 200. */
  extensions?: number;
  /** Default 1001. */
  firstExtension?: number;
  /** Master.csv rows. Default 20000. */
  cdrs?: number;
  /** Days of history. Default 90. */
  cdrDays?: number;
  /** The history ends here. Default: now. */
  nowMs?: number;
  /** The PBX's local time (CDR and CoreStatus times). Default 0. */
  utcOffsetMinutes?: number;
  /** Laravel's throttle:60,1. Default 60; 0 turns the throttle off (a simulator convenience). */
  throttlePerMinute?: number;
  /** PHP's AMI stream timeout: every `/astamis` read waits this long. Default 3000. */
  astamisDelayMs?: number;
  /** Calls in progress at start (two channels each). Default 2. */
  liveCalls?: number;
  /** Asterisk behind SARK: 16 (Debian 10, default) or 13 (Ubuntu 18.04). */
  asteriskVersion?: 13 | 16;
  /** APP_DEBUG, on in SARK's install guide: exception JSON carries exception/file/line/trace. Default true. */
  appDebug?: boolean;
  /**
   * L11 only: behave as sark6api_L11's code reads (commit a7fa257) where vendors/sark.md says
   * otherwise: business routes exist only for an admin token (no or bad token → fallback 404
   * `Unauthorised/Page Not Found`), no throttle, CDRs at `logs/cdrs{limit}`, Laravel 11's own 404
   * for unknown models, `syscommands/start|stop`, no `SIPshowpeer`. Default false.
   */
  l11Source?: boolean;
  tls?: { key: string; cert: string };
  port?: number;
}

export interface SarkSimulator extends HttpSimServer {
  /** The box's truth: extensions, ring groups, AstDB (runtime call forwarding), calls, CDR rows, originates and AMI actions received. */
  readonly state: SarkState;
}

const ROUTING = '/opt/sark6api/vendor/laravel/framework/src/Illuminate/Routing';

interface RouteSpec {
  run: SarkAction;
  /** `auth:sanctum` (L11). */
  auth?: boolean;
}

const fallbackMessage = (settings: SarkSettings) =>
  settings.generation === 'L11' && settings.l11Source ? 'Unauthorised/Page Not Found' : 'Page Not Found. Check your URI for correctness';

function businessRoutes(router: Router<RouteSpec>, settings: SarkSettings): void {
  const auth = settings.generation === 'L11';
  const source = auth && settings.l11Source;
  const add = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', uri: string, run: SarkAction) => router.add(method, uri, { run, auth });
  add('GET', 'astamis', astamis.index);
  add('GET', 'astamis/CoreSettings', astamis.coreSettings);
  add('GET', 'astamis/CoreStatus', astamis.coreStatus);
  add('GET', 'astamis/DBget/{id}/{key}', astamis.dbGet);
  add('GET', 'astamis/ExtensionState/{id}', astamis.extensionState);
  add('GET', 'astamis/MailboxCount/{id}', astamis.mailboxCount);
  add('GET', 'astamis/MailboxStatus/{id}', astamis.mailboxStatus);
  add('GET', 'astamis/QueueStatus/{id}', astamis.queueStatus);
  add('GET', 'astamis/QueueSummary/{id}', astamis.queueSummary);
  add('GET', 'astamis/Reload', astamis.reload);
  if (!source) add('GET', 'astamis/SIPshowpeer/{id}', astamis.sipShowPeer);
  add('POST', 'astamis/originate', astamis.originate);
  add('PUT', 'astamis/DBput/{id}/{key}/{value}', astamis.dbPut);
  add('DELETE', 'astamis/DBdel/{id}/{key}', astamis.dbDel);
  add('DELETE', 'astamis/Hangup/{id}/{key}', astamis.hangup);
  add('GET', 'astamis/{action}/{id?}', astamis.list);
  add('GET', 'destinations', system.destinations);
  add('GET', 'extensions', extensions.index);
  add('GET', 'extensions/{extension}', extensions.show);
  add('GET', 'extensions/{extension}/runtime', extensions.showRuntime);
  add('POST', 'extensions/mailbox', extensions.mailbox);
  add('POST', 'extensions/provisioned', extensions.provisioned);
  add('POST', 'extensions/vxt', extensions.vxt);
  add('POST', 'extensions/unprovisioned', extensions.unprovisioned);
  add('POST', 'extensions/webrtc', extensions.webrtc);
  add('PUT', 'extensions/{extension}', extensions.update);
  add('PUT', 'extensions/{extension}/runtime', extensions.updateRuntime);
  add('DELETE', 'extensions/{extension}', extensions.destroy);
  add('GET', 'logs', logs.index);
  add('GET', source ? 'logs/cdrs{limit}' : 'logs/cdrs/{limit?}', logs.showCdr(settings.generation === 'L11' ? 'Undefined variable $limit' : 'Undefined variable: limit'));
  add('GET', 'queues', system.queues);
  add('GET', 'queues/{queue}', system.queue);
  add('GET', 'ringgroups', ringGroups.index);
  add('GET', 'ringgroups/{ringgroup}', ringGroups.show);
  add('POST', 'ringgroups', ringGroups.save);
  add('PUT', 'ringgroups/{ringgroup}', ringGroups.update);
  add('DELETE', 'ringgroups/{ringgroup}', ringGroups.destroy);
  add('GET', 'syscommands', system.syscommands);
  add('GET', 'syscommands/commit', system.commit);
  add('GET', 'syscommands/reboot', system.reboot);
  add('GET', 'syscommands/pbxrunstate', system.pbxRunState);
  add('GET', source ? 'syscommands/start' : 'syscommands/pbxstart', system.pbxStart);
  add('GET', source ? 'syscommands/stop' : 'syscommands/pbxstop', system.pbxStop);
  add('GET', 'trunks', system.trunks);
  add('GET', 'trunks/{trunk}', system.trunk);
}

/** routes/api.php as it loads for this request. */
function buildRouter(box: SarkBox, request: SimRequest, auth: Authenticated | undefined): Router<RouteSpec> {
  const { settings, state } = box;
  const router = new Router<RouteSpec>();
  let business = true;
  if (settings.generation === 'L11') {
    const token = bearerToken(request);
    const admin = settings.l11Source ? tokenIsAdmin(state, token) : auth?.token.abilities.includes('admin:isAdmin') === true;
    router.add('POST', 'auth/login', { run: login });
    router.add('GET', 'auth/logout', { run: logout, auth: true });
    router.add('GET', 'auth/myuser', { run: whoami, auth: true });
    if (!settings.l11Source) router.add('GET', 'auth/whoami', { run: whoami, auth: true });
    if (admin) router.add('GET', 'auth/users/whoami', { run: whoami, auth: true });
    router.add('PUT', 'astamis/DBput/srktwin/{key}/{value}', { run: astamis.dbPut, auth: true });
    router.add('DELETE', 'astamis/DBdel/srktwin/{key}', { run: astamis.dbDel, auth: true });
    // vendors/sark.md: a missing or bad token meets auth:sanctum (401); only a valid non-admin token finds no route.
    business = settings.l11Source ? admin : auth === undefined || admin;
  }
  if (business) businessRoutes(router, settings);
  router.fallback({ run: () => json(404, { message: fallbackMessage(settings) }) });
  return router;
}

/** rawurldecode(), tolerant of malformed escapes. */
function decodePath(path: string): string {
  return path.replace(/(%[0-9a-fA-F]{2})+/g, (seq) => {
    try {
      return decodeURIComponent(seq);
    } catch {
      return seq;
    }
  });
}

function notFound(request: SimRequest, box: SarkBox): SimResponse {
  const error = new PhpException('', 'Symfony\\Component\\HttpKernel\\Exception\\NotFoundHttpException', 404, {}, `${ROUTING}/RouteCollection.php`, 179);
  return renderException(request, error, box.settings.debug);
}

function render(request: SimRequest, box: SarkBox, error: unknown): SimResponse {
  const { settings } = box;
  if (error instanceof ModelNotFound) {
    if (settings.generation === 'L11' && settings.l11Source) return renderException(request, new PhpException(error.message, 'Symfony\\Component\\HttpKernel\\Exception\\NotFoundHttpException', 404), settings.debug);
    return json(404, { reason: 'Not Found!' });
  }
  if (error instanceof PhpException) return renderException(request, error, settings.debug);
  throw error;
}

function unauthenticated(request: SimRequest, box: SarkBox): SimResponse {
  if (expectsJson(request)) return json(401, { message: 'Unauthenticated.' });
  // Authenticate::redirectTo() asks for route('login'), which the API does not define.
  return renderException(request, new PhpException('Route [login] not defined.', 'Symfony\\Component\\Routing\\Exception\\RouteNotFoundException', 500), box.settings.debug);
}

function withHeaders(response: SimResponse, headers: Record<string, string>): SimResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

async function handle(box: SarkBox, throttle: Throttle | undefined, scheme: string, request: SimRequest): Promise<SimResponse> {
  const { settings, state } = box;
  const path = request.path;
  if (path.length > 1 && path.endsWith('/')) {
    // public/.htaccess: "Redirect Trailing Slashes If Not A Folder".
    const query = request.query.toString();
    const location = `${scheme}://${String(request.headers.host ?? '127.0.0.1')}${path.replace(/\/+$/, '')}${query ? `?${query}` : ''}`;
    return { status: 301, headers: { Location: location, 'Content-Type': 'text/html; charset=iso-8859-1' }, body: `<html><body><p>The document has moved <a href="${location}">here</a>.</p></body></html>\n` };
  }
  if (!path.startsWith('/api/')) {
    if (settings.generation === 'L11' && path === '/up' && (request.method === 'GET' || request.method === 'HEAD')) return healthPage();
    if (path === '/' && (request.method === 'GET' || request.method === 'HEAD')) return { status: 200, headers: { 'Content-Type': 'text/html; charset=UTF-8' }, body: '<!DOCTYPE html>\n<html><head><title>Laravel</title></head><body><div class="title">Laravel</div></body></html>\n' };
    return notFound(request, box);
  }
  const auth = settings.generation === 'L11' ? authenticate(state, bearerToken(request)) : undefined;
  let router: Router<RouteSpec>;
  try {
    router = buildRouter(box, request, auth);
  } catch (error) {
    return render(request, box, error);
  }
  const match = router.match(request.method, decodePath(path.slice('/api/'.length)));
  if (match.kind === 'methodNotAllowed') {
    if (match.allowed.length === 0) return notFound(request, box);
    if (request.method === 'OPTIONS') return { status: 200, headers: { Allow: match.allowed.join(','), 'Content-Type': 'text/html; charset=UTF-8' }, body: '' };
    const message = `The ${request.method} method is not supported for this route. Supported methods: ${match.allowed.join(', ')}.`;
    return render(request, box, new PhpException(message, 'Symfony\\Component\\HttpKernel\\Exception\\MethodNotAllowedHttpException', 405, { Allow: match.allowed.join(', ') }, `${ROUTING}/RouteCollection.php`, 256));
  }
  const spec = match.action;
  // Middleware priority: Authenticate, then ThrottleRequests, then SubstituteBindings and the controller.
  if (spec.auth && !auth) return unauthenticated(request, box);
  let limitHeaders: Record<string, string> = {};
  if (throttle) {
    const result = throttle.hit();
    if (!result.allowed) return render(request, box, new PhpException('Too Many Attempts.', 'Illuminate\\Http\\Exceptions\\ThrottleRequestsException', 429, result.headers, `${ROUTING}/Middleware/ThrottleRequests.php`, 146));
    limitHeaders = result.headers;
  }
  let response: SimResponse;
  try {
    response = await spec.run({ box, request, input: readInput(request), params: match.params, ...(auth ? { user: auth.user, token: auth.token } : {}) });
  } catch (error) {
    response = render(request, box, error);
  }
  return withHeaders(response, limitHeaders);
}

export async function startSarkSimulator(options: SarkSimOptions = {}): Promise<SarkSimulator> {
  const generation = options.generation ?? 'L7';
  const seed = options.seed ?? 1;
  const nowMs = options.nowMs ?? Date.now();
  const settings: SarkSettings = {
    generation,
    debug: options.appDebug ?? true,
    astamisDelayMs: options.astamisDelayMs ?? 3000,
    asteriskVersion: options.asteriskVersion ?? 16,
    utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
    l11Source: generation === 'L11' && (options.l11Source ?? false),
  };
  const state = createState({
    seed,
    generation,
    extensions: options.extensions ?? 200,
    firstExtension: options.firstExtension ?? 1001,
    cdrs: options.cdrs ?? 20_000,
    cdrDays: options.cdrDays ?? 90,
    nowMs,
    utcOffsetMinutes: settings.utcOffsetMinutes,
    users: options.users ?? { 'operator@example.com': 'secret-pass' },
    nonAdminUsers: options.nonAdminUsers ?? [],
  });
  const random = new Random(seed ^ 0xca11);
  const calls = new Calls(state, random);
  calls.seed(options.liveCalls ?? 2, Date.now());
  const asterisk = new Asterisk(state, calls, { version: settings.asteriskVersion, utcOffsetMinutes: settings.utcOffsetMinutes });
  let csv: Buffer | undefined;
  const box: SarkBox = { state, settings, asterisk, calls, random, masterCsv: () => (csv ??= renderMasterCsv(state.cdrs, settings.utcOffsetMinutes)) };
  const perMinute = options.throttlePerMinute ?? 60;
  const throttled = perMinute > 0 && !(generation === 'L11' && settings.l11Source);
  const throttle = throttled ? new Throttle(perMinute) : undefined;
  const scheme = options.tls ? 'https' : 'http';
  const server = await startHttpSim({ handle: (request) => handle(box, throttle, scheme, request), ...(options.tls ? { tls: options.tls } : {}), ...(options.port !== undefined ? { port: options.port } : {}) });
  return Object.assign(server, { state });
}
