import { randomBytes } from 'node:crypto';
import { type HttpSimServer, startHttpSim } from '../http/http-sim.js';
import { Random } from '../random.js';
import type { ResolvedOptions } from './context.js';
import { createRouter } from './router.js';
import { type AmiMode, type IssabelGeneration, type IssabelState, seedState } from './state.js';

/*
 * The demo Issabel: pbxapi over HTTP(S) on 127.0.0.1, one of three generations of its code
 * (vendors/issabel.md): A, the 2018-19 API the seed README describes (flat fields, bare error
 * codes); B, the 2019 rewrite (JSON error envelopes, nested fields, PJSIP from 2022); C, B with a
 * per-install JWT secret instead of the key every older box shares.
 */

export interface IssabelSimOptions {
  /** Seed of the office (people from pbx-data, follow-me, CF/DND, ring groups). Default 1. */
  seed?: number;
  /** Default 'C', the current code. */
  generation?: IssabelGeneration;
  /**
   * Gen A only: 'flat' (default) is the seed-era controller (`ringtimer`, `voicemail: novm|default`,
   * `recording_in_external`); 'nested' is the 4f248ae sub-variant that already took Gen B's nested names.
   */
  genAFieldNames?: 'flat' | 'nested';
  /** amiadminpwd from /etc/issabel.conf: the only password `POST /authenticate` accepts (user `admin`). */
  adminPassword?: string;
  /** JWT_EXPIRES. Default 3600. */
  tokenLifetimeS?: number;
  /** Number of people with phones. Default 200. */
  extensions?: number;
  /** Default 100. */
  firstExtension?: number;
  /** Ring groups 600, 601, … Default 2. */
  ringGroups?: number;
  /** The PBX's clock (tokens' iat/exp, call durations). Default Date.now. */
  nowMs?: () => number;
  /** How long apply-changes (`amportal a r`) holds the HTTP call that triggered it. Default 10 ms (seconds on a real box). */
  reloadDelayMs?: number;
  /** How long a phone rings before it answers a manager/originate. Default 50 ms. */
  originateAnswerMs?: number;
  /** Gen A: /var/www/db/extlimit. Default 500. */
  extensionLimit?: number;
  /**
   * Gen C: pbxapijwtsecret (base64, at least 32 bytes once decoded). Default: a random one per
   * simulator. null or too short: index.php throws and every request is a 500.
   */
  jwtSecret?: string | null;
  tls?: { key: string; cert: string };
  port?: number;
}

export interface IssabelSimulator extends HttpSimServer {
  /** The PBX's own truth: extensions, follow-me rows, ring groups, AstDB, reload count, originates, live channels. */
  readonly state: IssabelState;
  readonly generation: IssabelGeneration;
  /** `${url}/pbxapi`. */
  readonly apiUrl: string;
  /** The AMI behind the API: 'down' refuses connections, 'auth' refuses the login. */
  setAmi(mode: AmiMode): void;
}

/** Gen A/B's hard-coded JWT key: the same on every install (so a token from one box opens another). */
const SHARED_KEY = Buffer.from('issabel-pbxapi-shared-jwt-key-of-every-install');

function jwtKey(generation: IssabelGeneration, secret: string | null | undefined): Buffer | null {
  if (generation !== 'C') return SHARED_KEY;
  if (secret === undefined) return randomBytes(32);
  if (secret === null) return null;
  const key = Buffer.from(secret, 'base64');
  return key.length >= 32 ? key : null;
}

export async function startIssabelSimulator(options: IssabelSimOptions = {}): Promise<IssabelSimulator> {
  const generation = options.generation ?? 'C';
  const seed = options.seed ?? 1;
  const resolved: ResolvedOptions = {
    generation,
    genAFieldNames: options.genAFieldNames ?? 'flat',
    adminPassword: options.adminPassword ?? 'amp111',
    tokenLifetimeS: options.tokenLifetimeS ?? 3600,
    reloadDelayMs: options.reloadDelayMs ?? 10,
    originateAnswerMs: options.originateAnswerMs ?? 50,
    extensionLimit: options.extensionLimit ?? 500,
    nowMs: options.nowMs ?? Date.now,
    jwtKey: jwtKey(generation, options.jwtSecret),
  };
  const state = seedState({
    generation,
    seed,
    extensions: options.extensions ?? 200,
    firstExtension: options.firstExtension ?? 100,
    ringGroups: options.ringGroups ?? 2,
  });
  const reload = async () => {
    await new Promise((resolve) => setTimeout(resolve, resolved.reloadDelayMs));
    state.reloads++;
    state.pendingChanges = false;
  };
  const random = new Random(seed ^ 0x1ab);
  const server = await startHttpSim({ handle: createRouter(state, resolved, random, options.tls !== undefined, reload), tls: options.tls, port: options.port });
  return {
    url: server.url,
    port: server.port,
    faults: server.faults,
    requests: server.requests,
    close: () => server.close(),
    state,
    generation,
    apiUrl: `${server.url}/pbxapi`,
    setAmi(mode) {
      state.ami = mode;
    },
  };
}
