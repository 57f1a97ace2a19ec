import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import {
  ActionReader,
  type ClientAction,
  eventTime,
  formatMessage,
  formatResponse,
  pingTimestamp,
  type WireHeaders,
} from './ami-wire.js';

/*
 * A minimal Asterisk Manager Interface on 127.0.0.1, faithful to the Asterisk 22 captures in
 * `shared/fixtures/ami/` where a client can tell the difference: the banner line without a blank line
 * after it, response header order, ActionID echoed only when sent, `Events: off` (and only that
 * spelling) silencing FullyBooted, a refused login answered after a delay and then hung up, and the
 * exact error texts. It grows into the demo PBX later; today it knows Login, Logoff, Ping and Events.
 * Behaviour the captures do not show follows Asterisk's manager.c *(from source, not captured)*:
 * `Permission denied` before login, `Missing action in request`, `Already authenticated`,
 * `Invalid event mask`, `Too large AMI message`, user names matched case-insensitively.
 */

export interface AmiSimulatorOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  /** username → secret */
  users: Record<string, string>;
  /** Asterisk sleeps a second before answering a refused login; tests may shorten it. */
  loginFailureDelayMs?: number;
  banner?: string;
}

/** Every action the simulator read off the wire, processed or not, for tests to inspect. */
export interface ReceivedAction {
  connection: number;
  headers: WireHeaders;
}

export interface AmiSimulator {
  port: number;
  /** Actions in arrival order across all connections. */
  readonly received: readonly ReceivedAction[];
  close(): Promise<void>;
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
}

export async function startAmiSimulator(options: AmiSimulatorOptions): Promise<AmiSimulator> {
  const banner = options.banner ?? DEFAULT_BANNER;
  const failureDelayMs = options.loginFailureDelayMs ?? DEFAULT_LOGIN_FAILURE_DELAY_MS;
  // manager.c looks users up with strcasecmp; the secret is compared exactly.
  const users = new Map(Object.entries(options.users).map(([name, secret]) => [name.toLowerCase(), secret]));
  const bootedAt = Date.now();
  const sessions = new Set<Session>();
  const timers = new Set<NodeJS.Timeout>();
  const received: ReceivedAction[] = [];
  let nextConnection = 1;
  let listenPort = 0;

  const send = (session: Session, text: string) => {
    if (!session.socket.destroyed && session.socket.writable) session.socket.write(text);
  };

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

  /** An event goes to every logged-in session whose event mask includes its class. */
  const broadcast = (eventClass: keyof typeof EVENT_CLASSES, headers: WireHeaders) => {
    const bit = EVENT_CLASSES[eventClass]!;
    const text = formatMessage(headers);
    for (const session of sessions) {
      if (session.authenticated && !session.closing && (session.sendEvents & bit) !== 0) send(session, text);
    }
  };

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
      session.socket.end();
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
    if (secret === '' || secret !== expected) {
      refuseLogin(session, actionId, 'InvalidPassword', username);
      return;
    }
    session.authenticated = true;
    session.username = username;
    const mask = eventMask(action.get('Events'));
    if (mask >= 0) session.sendEvents = mask;
    send(session, formatResponse('Success', actionId, [['Message', 'Authentication accepted']]));
    if (session.sendEvents & EVENT_CLASSES.system!) {
      const uptime = String(Math.floor((Date.now() - bootedAt) / 1000));
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

  const handle = (session: Session, action: ClientAction, headerLoss: boolean) => {
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
        session.socket.end();
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
      default:
        send(
          session,
          formatResponse('Error', actionId, [
            ['Message', `Invalid/unknown command: ${name}. Use Action: ListCommands to show available commands.`],
          ]),
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
    }
  };

  const server = createServer((socket) => {
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
        if (!session.closing) handle(session, item.action, item.headerLoss);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      session.closing = true;
      sessions.delete(session);
    });
    socket.write(`${banner}\r\n`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  listenPort = (server.address() as AddressInfo).port;

  return {
    port: listenPort,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const session of sessions) session.socket.destroy();
        server.close(() => resolve());
      }),
  };
}
