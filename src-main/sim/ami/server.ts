import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { type ActionContext, type ActionHandler, createActionHandlers } from './actions.js';
import { CallEngine } from './calls.js';
import { Clock, type ClockOptions } from './clock.js';
import { type PbxOptions, resolveConfig } from './config.js';
import { type AmiFaults, createFaults } from './faults.js';
import type { Headers } from './headers.js';
import { type CallPlan, type EventClass, PbxModel, type SimTruth } from './model.js';
import { Random } from '../random.js';
import { type ReplayOptions, replayBytes, ReplayWriter } from './replay.js';
import { type Scenario, TrafficGenerator, type TrafficOptions, type TrafficStats } from './traffic.js';
import { ActionReader, type ClientAction, eventTime, formatMessage, formatResponse, pingTimestamp, type WireHeaders } from './wire.js';

/*
 * The demo PBX: an Asterisk Manager Interface on 127.0.0.1 that behaves like the recorded Asterisk 22
 * (shared/fixtures/ami). Sessions, login and event masks live here; the PBX itself (model, call
 * flows, actions, synthetic traffic) lives beside it. Faithful where a client can tell the difference:
 * the banner line without a blank line after it, response header order, ActionID echoed only when
 * sent, `Events: off` (and only that spelling) silencing events, a refused login answered after a
 * delay and then hung up, list framing, and the exact error texts. Behaviour the captures do not show
 * follows Asterisk's manager.c *(from source, not captured)*: `Permission denied` before login,
 * `Missing action in request`, `Already authenticated`, `Invalid event mask`, `Too large AMI message`,
 * user names matched case-insensitively, and slow readers dropped once their output piles up.
 */

export interface AmiSimulatorOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** username → secret */
  users: Record<string, string>;
  /** Asterisk sleeps a second before answering a refused login; tests may shorten it. */
  loginFailureDelayMs?: number;
  banner?: string;
  /** Phones, ring group, queue, parking, AstDB. Default: the recorded peer (100–105). */
  pbx?: PbxOptions;
  /** Seed of everything random (bridge ids, synthetic traffic). Default 1. */
  seed?: number;
  /** Virtual clock: `{ mode: 'manual' }` makes time move only with `advance()`. */
  clock?: ClockOptions;
  /** Synthetic traffic, started at once. */
  traffic?: TrafficOptions;
  /** Every session that logs in receives this recorded stream instead of live events. */
  replay?: ReplayOptions;
  /** A session whose unread output exceeds this is dropped (Asterisk's write timeout). Default 16 MiB. */
  maxQueuedBytes?: number;
  /** Errors inside PBX steps (a bug, not a client's doing); default: ignored. */
  onError?: (err: unknown) => void;
}

/** Every action the simulator read off the wire, processed or not, for tests to inspect. */
export interface ReceivedAction {
  connection: number;
  headers: WireHeaders;
}

export interface PlaceCallOptions {
  /** A phone (`101`) or `trunk`. */
  from: string;
  to: string;
  callerNum?: string;
  callerName?: string;
  plan?: CallPlan;
}

export interface AmiSimulator {
  readonly port: number;
  readonly host: string;
  /** Actions in arrival order across all connections. */
  readonly received: readonly ReceivedAction[];
  /** Open connections. */
  readonly connections: number;
  close(): Promise<void>;
  /** The PBX's own state: calls by Linkedid, channels, bridges, extension states, parked calls, AstDB. */
  truth(): SimTruth;
  /** Virtual epoch milliseconds. */
  now(): number;
  /** Manual clock: moves time forward, running what falls due; resolves once the output is written. */
  advance(ms: number): Promise<void>;
  startTraffic(options?: TrafficOptions): void;
  stopTraffic(): void;
  readonly traffic: TrafficStats | null;
  /** A phone (or the trunk) dials now; returns the caller's Uniqueid. */
  placeCall(call: PlaceCallOptions): string;
  /** One synthetic call of this scenario now; false if no phone was free for it. */
  placeScenario(scenario: Scenario): boolean;
  readonly faults: AmiFaults;
  /** Stops accepting connections (and drops the open ones): the PBX is gone. */
  stopListening(options?: { drop?: 'rst' | 'fin' }): Promise<void>;
  /** Listens again on the same port. */
  startListening(): Promise<void>;
  /** stopListening, wait `downMs`, startListening. `resetCalls` ends every call, as a real restart does. */
  restart(options?: { downMs?: number; drop?: 'rst' | 'fin'; resetCalls?: boolean }): Promise<void>;
  /** Every broadcast event as it is written (name and raw text); returns an unsubscribe function. */
  onEvent(listener: (name: string, message: string) => void): () => void;
  /** Broadcast events so far. */
  readonly eventCount: number;
}

const DEFAULT_BANNER = 'Asterisk Call Manager/11.0.0';
const DEFAULT_LOGIN_FAILURE_DELAY_MS = 1000;

/** Event classes of manager.c's `perms[]` table, as bits. */
const EVENT_CLASSES: Record<string, number> = {
  system: 1 << 0,
  call: 1 << 1,
  log: 1 << 2,
  verbose: 1 << 3,
  command: 1 << 4,
  agent: 1 << 5,
  user: 1 << 6,
  config: 1 << 7,
  dtmf: 1 << 8,
  reporting: 1 << 9,
  cdr: 1 << 10,
  dialplan: 1 << 11,
  originate: 1 << 12,
  agi: 1 << 13,
  cc: 1 << 14,
  aoc: 1 << 15,
  test: 1 << 16,
  security: 1 << 17,
  message: 1 << 18,
};
const ALL_EVENTS = 0x7fffffff;
const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', '1', 'on']);
const FALSE_WORDS = new Set(['no', 'false', 'n', 'f', '0', 'off']);

/** manager.c `strings_to_mask`: digits are a raw mask, yes/no words are all/none, else a class list; '' = -1 (unchanged). */
function eventMask(text: string): number {
  if (text === '') return -1;
  if (/^\d+$/.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (FALSE_WORDS.has(lower)) return 0;
  if (TRUE_WORDS.has(lower)) return ALL_EVENTS;
  let mask = 0;
  for (const part of lower.split(',')) {
    const name = part.trim();
    if (name === 'all') mask |= ALL_EVENTS;
    else mask |= EVENT_CLASSES[name] ?? 0;
  }
  return mask;
}

interface Session {
  id: number;
  socket: Socket;
  reader: ActionReader;
  /** Set when the session must not process anything more (refused login pending, logoff). */
  closing: boolean;
  authenticated: boolean;
  username: string;
  sendEvents: number;
  sessionId: string;
  startedAt: Date;
  /** Output not yet handed to the socket. */
  out: string[];
  /** A sync Originate is running: later actions wait, as on Asterisk's session thread. */
  held: number;
  waiting: Array<{ action: ClientAction; headerLoss: boolean }>;
  replay: ReplayWriter | null;
  /** Replies that wait for the replay to reach a message boundary. */
  replayReplies: string[];
  flush(): void;
}

export async function startAmiSimulator(options: AmiSimulatorOptions): Promise<AmiSimulator> {
  const banner = options.banner ?? DEFAULT_BANNER;
  const host = options.host ?? '127.0.0.1';
  const failureDelayMs = options.loginFailureDelayMs ?? DEFAULT_LOGIN_FAILURE_DELAY_MS;
  const maxQueued = options.maxQueuedBytes ?? 16 * 1024 * 1024;
  // manager.c looks users up with strcasecmp; the secret is compared exactly.
  const users = new Map(Object.entries(options.users).map(([name, secret]) => [name.toLowerCase(), secret]));
  const seed = options.seed ?? 1;
  const clock = new Clock(options.clock);
  const bootedAt = clock.now();
  const sessions = new Set<Session>();
  const timers = new Set<NodeJS.Timeout>();
  const received: ReceivedAction[] = [];
  const listeners = new Set<(name: string, message: string) => void>();
  const replayData = options.replay ? replayBytes(options.replay) : null;
  let nextConnection = 1;
  let listenPort = options.port ?? 0;
  let eventCount = 0;
  let closed = false;
  const faults = createFaults(() => sessions);

  // ---------------------------------------------------------------- output

  const pendingFlush = new Set<Session>();
  let flushScheduled = false;
  const flushAll = () => {
    flushScheduled = false;
    for (const session of pendingFlush) session.flush();
    pendingFlush.clear();
  };
  const send = (session: Session, text: string) => {
    if (session.socket.destroyed || faults.isSilent()) return;
    if (session.replay && !session.replay.done) {
      session.replayReplies.push(text);
      return;
    }
    session.out.push(text);
    pendingFlush.add(session);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  };
  const endSession = (session: Session) => {
    session.flush();
    session.socket.end();
  };

  // ---------------------------------------------------------------- the PBX

  const traffic0 = options.traffic;
  const config = resolveConfig({ ...options.pbx, trunk: options.pbx?.trunk ?? (traffic0 ? (traffic0.externalShare ?? 0.5) > 0 : false) });

  /** An event goes to every logged-in session whose event mask includes its class. */
  const broadcast = (eventClass: EventClass | 'security', headers: Headers | WireHeaders) => {
    const bit = EVENT_CLASSES[eventClass]!;
    const text = formatMessage(headers);
    eventCount++;
    for (const session of sessions) {
      if (session.authenticated && !session.closing && !session.replay && (session.sendEvents & bit) !== 0) send(session, text);
    }
    if (listeners.size > 0) for (const listener of listeners) listener(headers[0]![1], text);
  };

  const model = new PbxModel(config, clock, new Random(seed), broadcast);
  const engine = new CallEngine(model, clock);
  const handlers: Map<string, ActionHandler> = createActionHandlers(model, engine);
  let traffic: TrafficGenerator | null = null;
  clock.onError = (err) => options.onError?.(err);
  clock.onIdle = flushAll;

  // ---------------------------------------------------------------- login

  /** The common head of a security event (Privilege … EventVersion), then its own fields. */
  const securityEvent = (event: string, severity: string, version: string, fields: WireHeaders): WireHeaders => [
    ['Event', event],
    ['Privilege', 'security,all'],
    ['EventTV', eventTime(new Date())],
    ['Severity', severity],
    ['Service', 'AMI'],
    ['EventVersion', version],
    ...fields,
  ];
  const addresses = (session: Session): WireHeaders => [
    ['SessionID', session.sessionId],
    ['LocalAddress', `IPV4/TCP/127.0.0.1/${listenPort}`],
    ['RemoteAddress', `IPV4/TCP/127.0.0.1/${session.socket.remotePort ?? 0}`],
  ];

  const refuseLogin = (session: Session, actionId: string, event: 'InvalidPassword' | 'InvalidAccountID', account: string) => {
    session.closing = true;
    // Asterisk raises it at once (other sessions see it) and only then sleeps before answering.
    broadcast(
      'security',
      securityEvent(event, 'Error', event === 'InvalidPassword' ? '2' : '1', [
        ['AccountID', account],
        ...addresses(session),
        ['SessionTV', eventTime(new Date(0))],
      ]),
    );
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(session, formatResponse('Error', actionId, [['Message', 'Authentication failed']]));
      endSession(session);
    }, failureDelayMs);
    timers.add(timer);
  };

  const login = (session: Session, action: ClientAction, actionId: string) => {
    if (session.authenticated) {
      send(session, formatResponse('Success', actionId, [['Message', 'Already authenticated']]));
      return;
    }
    const username = action.get('Username');
    const secret = action.get('Secret');
    const expected = users.get(username.toLowerCase());
    if (username === '' || expected === undefined) {
      refuseLogin(session, actionId, 'InvalidAccountID', username);
      return;
    }
    if (secret === '' || secret !== expected || faults.isRefusing()) {
      refuseLogin(session, actionId, 'InvalidPassword', username);
      return;
    }
    session.authenticated = true;
    session.username = username;
    const mask = eventMask(action.get('Events'));
    if (mask >= 0) session.sendEvents = mask;
    send(session, formatResponse('Success', actionId, [['Message', 'Authentication accepted']]));
    if (replayData) {
      startReplay(session);
      return;
    }
    if (session.sendEvents & EVENT_CLASSES.system!) {
      const uptime = String(Math.floor((clock.now() - bootedAt) / 1000));
      send(
        session,
        formatMessage([
          ['Event', 'FullyBooted'],
          ['Privilege', 'system,all'],
          ['Uptime', uptime],
          ['LastReload', uptime],
          ['Status', 'Fully Booted'],
        ]),
      );
    }
    broadcast(
      'security',
      securityEvent('SuccessfulAuth', 'Informational', '1', [
        ['AccountID', username],
        ...addresses(session),
        ['UsingPassword', '0'],
        ['SessionTV', eventTime(session.startedAt)],
      ]),
    );
  };

  const startReplay = (session: Session) => {
    session.flush();
    const writer = new ReplayWriter(
      session.socket,
      replayData!,
      options.replay!,
      () => {
        if (session.replayReplies.length > 0 && !session.socket.destroyed) session.socket.write(session.replayReplies.splice(0).join(''));
      },
      (close) => {
        if (close) {
          session.closing = true;
          session.socket.end();
        }
      },
    );
    session.replay = writer;
    writer.start();
  };

  // ---------------------------------------------------------------- actions

  const handle = (session: Session, action: ClientAction, headerLoss: boolean) => {
    if (session.held > 0) {
      session.waiting.push({ action, headerLoss });
      return;
    }
    const name = action.action;
    const actionId = action.get('ActionID');
    const verb = name.toLowerCase();
    if (headerLoss) {
      send(session, formatResponse('Error', actionId, [['Message', 'Too large AMI message']]));
      return;
    }
    if (name === '') {
      send(session, formatResponse('Error', actionId, [['Message', 'Missing action in request']]));
      return;
    }
    if (!session.authenticated && verb !== 'login' && verb !== 'logoff' && verb !== 'challenge') {
      send(session, formatResponse('Error', actionId, [['Message', 'Permission denied']]));
      return;
    }
    switch (verb) {
      case 'login':
        login(session, action, actionId);
        return;
      case 'logoff':
        session.closing = true;
        send(session, formatResponse('Goodbye', actionId, [['Message', 'Thanks for all the fish.']]));
        endSession(session);
        return;
      case 'ping':
        send(session, formatResponse('Success', actionId, [['Ping', 'Pong'], ['Timestamp', pingTimestamp(Date.now())]]));
        return;
      case 'events': {
        const mask = eventMask(action.get('EventMask'));
        if (mask < 0) {
          send(session, formatResponse('Error', actionId, [['Message', 'Invalid event mask']]));
          return;
        }
        session.sendEvents = mask;
        send(session, formatResponse('Success', actionId, [['Events', mask > 0 ? 'On' : 'Off']]));
        return;
      }
    }
    const handler = handlers.get(verb);
    if (handler) {
      const deferred: Array<() => void> = [];
      const ctx: ActionContext = {
        action,
        actionId,
        send: (text) => send(session, text),
        defer: (fn) => deferred.push(fn),
        hold: () => {
          session.held++;
          let released = false;
          return () => {
            if (released) return;
            released = true;
            session.held--;
            if (session.held === 0) drainWaiting(session);
          };
        },
      };
      handler(ctx);
      // The response is queued first; the events of the change follow it.
      for (const fn of deferred) engine.step(fn);
      return;
    }
    send(
      session,
      formatResponse('Error', actionId, [['Message', `Invalid/unknown command: ${name}. Use Action: ListCommands to show available commands.`]]),
    );
    broadcast(
      'security',
      securityEvent('RequestBadFormat', 'Error', '1', [
        ...addresses(session),
        ['RequestType', `Action: ${name}`],
        ['SessionTV', eventTime(session.startedAt)],
        ['AccountID', session.username],
      ]),
    );
  };

  const drainWaiting = (session: Session) => {
    while (session.held === 0 && session.waiting.length > 0 && !session.closing) {
      const next = session.waiting.shift()!;
      handle(session, next.action, next.headerLoss);
    }
  };

  // ---------------------------------------------------------------- connections

  const accept = (socket: Socket) => {
    const session: Session = {
      id: nextConnection++,
      socket,
      reader: new ActionReader(),
      closing: false,
      authenticated: false,
      username: '',
      sendEvents: ALL_EVENTS,
      sessionId: `0x${randomBytes(6).toString('hex')}`,
      startedAt: new Date(),
      out: [],
      held: 0,
      waiting: [],
      replay: null,
      replayReplies: [],
      flush() {
        if (this.out.length === 0) return;
        const text = this.out.length === 1 ? this.out[0]! : this.out.join('');
        this.out = [];
        if (this.socket.destroyed || !this.socket.writable) return;
        this.socket.write(text);
        // A reader that does not keep up is dropped, as Asterisk's write timeout does.
        if (this.socket.writableLength > maxQueued) this.socket.destroy();
      },
    };
    sessions.add(session);
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      for (const item of session.reader.push(chunk)) {
        if (item.kind === 'overflow') {
          session.closing = true;
          socket.destroy();
          return;
        }
        received.push({ connection: session.id, headers: item.action.headers });
        if (!session.closing && !faults.isSilent()) handle(session, item.action, item.headerLoss);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      session.closing = true;
      session.replay?.stop();
      sessions.delete(session);
      pendingFlush.delete(session);
    });
    if (!faults.isSilent()) socket.write(`${banner}\r\n`);
  };

  let server: Server | null = null;
  const listen = async () => {
    const s = createServer(accept);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(listenPort, host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    listenPort = (s.address() as AddressInfo).port;
    server = s;
  };
  const dropAll = (how: 'rst' | 'fin') => {
    for (const session of sessions) {
      session.closing = true;
      session.replay?.stop();
      if (how === 'rst') session.socket.resetAndDestroy();
      else session.socket.destroy();
    }
  };
  const stopListening = async (how: 'rst' | 'fin' = 'fin') => {
    const s = server;
    server = null;
    dropAll(how);
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();

  if (options.traffic) {
    traffic = new TrafficGenerator(model, engine, clock, options.traffic, seed);
    traffic.start();
  }

  const api: AmiSimulator = {
    get port() {
      return listenPort;
    },
    host,
    received,
    get connections() {
      return sessions.size;
    },
    get traffic() {
      return traffic?.stats ?? null;
    },
    get eventCount() {
      return eventCount;
    },
    faults,
    truth: () => model.truth(),
    now: () => clock.now(),
    advance: async (ms) => {
      clock.advance(ms);
      flushAll();
      await new Promise((resolve) => setImmediate(resolve));
    },
    startTraffic: (trafficOptions) => {
      traffic?.stop();
      traffic = new TrafficGenerator(model, engine, clock, trafficOptions ?? options.traffic ?? { rate: 1 }, seed);
      traffic.start();
    },
    stopTraffic: () => traffic?.stop(),
    placeCall: (call) => {
      let id = '';
      engine.step(() => {
        id = engine.inbound(call).uniqueid;
      });
      flushAll();
      return id;
    },
    placeScenario: (scenario) => {
      traffic ??= new TrafficGenerator(model, engine, clock, options.traffic ?? { rate: 0 }, seed);
      let placed = false;
      engine.step(() => {
        placed = traffic!.arrive(scenario);
      });
      flushAll();
      return placed;
    },
    stopListening: async (opts) => stopListening(opts?.drop ?? 'fin'),
    startListening: async () => {
      if (!server && !closed) await listen();
    },
    restart: async (opts = {}) => {
      await stopListening(opts.drop ?? 'fin');
      if (opts.resetCalls) {
        engine.step(() => {
          for (const ch of [...model.channels.values()]) engine.hangupChannel(ch, { request: 'none', cause: 16 });
        });
      }
      if (opts.downMs) await new Promise((resolve) => setTimeout(resolve, opts.downMs));
      if (!closed) await listen();
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      closed = true;
      traffic?.stop();
      clock.stop();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await stopListening('fin');
    },
  };
  return api;
}
