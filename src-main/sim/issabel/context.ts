import type { SimRequest } from '../http/http-sim.js';
import type { Random } from '../random.js';
import { type Flat, looseEqualsOne, parseStr } from './php.js';
import type { IssabelGeneration, IssabelState } from './state.js';

/*
 * What a controller gets for one request: the PBX, the options that shape it, Fat-Free's view of the
 * request (PARAMS.id url-decoded, REALM with the full request URI, REQUEST = query + form body) and
 * rest::applyChanges.
 */

export interface ResolvedOptions {
  generation: IssabelGeneration;
  genAFieldNames: 'flat' | 'nested';
  adminPassword: string;
  tokenLifetimeS: number;
  reloadDelayMs: number;
  originateAnswerMs: number;
  extensionLimit: number;
  nowMs: () => number;
  /** The HS256 key, or null when Gen C has no usable pbxapijwtsecret. */
  jwtKey: Buffer | null;
}

export interface Ctx {
  readonly state: IssabelState;
  readonly options: ResolvedOptions;
  readonly gen: IssabelGeneration;
  readonly random: Random;
  readonly request: SimRequest;
  /** The verb, HEAD served as GET. */
  readonly verb: string;
  /** F3 PARAMS.id, url-decoded; '' when the path has none. */
  readonly id: string;
  /** REALM: `scheme://host[:port]` plus the request URI, query string included. */
  readonly realm: string;
  /** F3 REQUEST: a form-body field, else a query parameter. */
  param(name: string): string | undefined;
  /** rest::applyChanges: runs apply-changes unless `input.reload` says otherwise. */
  applyChanges(input: Flat | null): Promise<void>;
}

/** Reload unless `reload` is set to something that is neither `== 1` nor `== 'true'` (null counts as unset). */
export function wantsReload(input: Flat | null): boolean {
  if (!input || !('reload' in input) || input.reload === null || input.reload === undefined) return true;
  const value = input.reload;
  return looseEqualsOne(value) || value === 'true' || value === true;
}

export function makeCtx(
  state: IssabelState,
  options: ResolvedOptions,
  random: Random,
  request: SimRequest,
  id: string,
  realm: string,
  reload: () => Promise<void>,
): Ctx {
  const type = String(request.headers['content-type'] ?? '');
  const form = type.startsWith('application/x-www-form-urlencoded') ? parseStr(request.body.toString('latin1')) : {};
  return {
    state,
    options,
    gen: options.generation,
    random,
    request,
    verb: request.method === 'HEAD' ? 'GET' : request.method,
    id,
    realm,
    param(name) {
      // $_REQUEST with PHP's request_order "GP": a form field overrides the query parameter.
      const value = form[name];
      if (typeof value === 'string') return value;
      return request.query.get(name) ?? undefined;
    },
    async applyChanges(input) {
      if (!wantsReload(input)) {
        state.pendingChanges = true;
        return;
      }
      await reload();
    },
  };
}
