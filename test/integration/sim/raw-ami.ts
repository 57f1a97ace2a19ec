import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { type AmiSimulator, type AmiSimulatorOptions, startAmiSimulator } from '../../../src-main/sim/ami/index.js';

/*
 * A raw-socket AMI client for the simulator's own tests. It is deliberately not the app's client
 * (src-main/ami): the simulator is checked against the recordings, not against the code it plays
 * against. Frames are split on CRLF CRLF and headers on the first `: `, nothing more. Also the
 * simulators and clients a test file starts (`simulators`), closed after each test.
 */

export type Frame = Array<[string, string]>;

export const TRANSCRIPTS = new URL('../../../../shared/fixtures/ami/transcripts/', import.meta.url);
export const FIXTURES = new URL('../../../../shared/fixtures/ami/', import.meta.url);
export const fixture = (name: string): string => readFileSync(new URL(name, TRANSCRIPTS), 'latin1');

/** The client actions of a capture, as separate raw frames (with their blank line) and their ActionID. */
export function clientActions(name: string): Array<{ text: string; id: string; action: string }> {
  return fixture(name)
    .split('\r\n\r\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const headers = parse(frame);
      return { text: `${frame}\r\n\r\n`, id: get(headers, 'ActionID') ?? '', action: get(headers, 'Action') ?? '' };
    });
}

/** The frames of a server stream (banner line removed), raw, without their blank line. */
export function frames(stream: string): string[] {
  const body = stream.startsWith('Asterisk Call Manager/') ? stream.slice(stream.indexOf('\r\n') + 2) : stream;
  const parts = body.split('\r\n\r\n');
  parts.pop();
  return parts;
}

export function parse(frame: string): Frame {
  return frame.split('\r\n').map((line) => {
    const colon = line.indexOf(': ');
    return colon < 0 ? [line.replace(/:$/, ''), ''] : [line.slice(0, colon), line.slice(colon + 2)];
  });
}

export const get = (frame: Frame, key: string): string | undefined => frame.find(([k]) => k === key)?.[1];
export const eventName = (frame: Frame): string | undefined => get(frame, 'Event');
/** Broadcast events carry `Privilege: <class>,all`; list items do not (Status items say `Privilege: Call`). */
export const isBroadcast = (frame: Frame): boolean => frame[0]?.[0] === 'Event' && frame[1]?.[0] === 'Privilege' && frame[1][1].endsWith(',all');

/** Events a console can do without when comparing call flows: dialplan noise and RTCP. */
export const NOISE = new Set(['VarSet', 'Newexten', 'RTCPSent', 'RTCPReceived']);
/** Presence events, whose interleaving with call events depends on Asterisk's threads. */
export const PRESENCE = new Set(['ExtensionStatus', 'DeviceStateChange', 'QueueMemberStatus']);

/** The account RawAmi.login() uses. */
export const USERS = { operator: 'op3r4tor' };
/** The recorded PBX's date, for manual clocks: timestamps then look like the captures'. */
export const START = Date.UTC(2026, 10, 23, 15, 26, 50);

export class RawAmi {
  readonly socket: Socket;
  received = '';
  closed = false;
  error: NodeJS.ErrnoException | null = null;
  private readonly opened: Promise<void>;
  private nextId = 1;

  constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => (this.received += chunk));
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', (err) => (this.error = err));
    this.opened = new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  async write(text: string): Promise<void> {
    await this.opened;
    await new Promise<void>((resolve, reject) => this.socket.write(text, 'latin1', (err) => (err ? reject(err) : resolve())));
  }

  /** Resolves once `check` holds for what has arrived so far. */
  async until(check: (client: RawAmi) => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check(this)) {
      if (Date.now() > deadline) throw new Error(`timed out; received so far:\n${this.received.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  frames(): Frame[] {
    return frames(this.received).map(parse);
  }

  /** Complete messages received so far, not counting the banner line. */
  messageCount(): number {
    return frames(this.received).length;
  }

  /** Logs in as the one account every simulator of these tests has (USERS). */
  async login(events = 'on'): Promise<void> {
    await this.write(`Action: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\nEvents: ${events}\r\nActionID: login\r\n\r\n`);
    await this.until((c) => c.frames().some((f) => get(f, 'ActionID') === 'login'));
  }

  /**
   * Sends an action with a fresh ActionID and waits for its answer: the response, or for a list the
   * response, the items and the `…Complete` event. Returns those frames.
   */
  async action(headers: Record<string, string>, id = `t-${this.nextId++}`): Promise<Frame[]> {
    let text = '';
    for (const [key, value] of Object.entries(headers)) text += `${key}: ${value}\r\n`;
    await this.write(`${text}ActionID: ${id}\r\n\r\n`);
    const mine = () => this.frames().filter((f) => get(f, 'ActionID') === id && !isBroadcast(f));
    await this.until(() => {
      const got = mine();
      if (got.length === 0) return false;
      if (get(got[0]!, 'EventList') !== 'start') return true;
      return got.some((f) => get(f, 'EventList') === 'Complete');
    });
    return mine();
  }

  /** Broadcast events received so far (optionally without noise and presence). */
  events(options: { noise?: boolean; presence?: boolean } = {}): Frame[] {
    return this.frames().filter(
      (f) =>
        isBroadcast(f) &&
        (options.noise || !NOISE.has(eventName(f)!)) &&
        (options.presence !== false || !PRESENCE.has(eventName(f)!)) &&
        !['FullyBooted', 'SuccessfulAuth'].includes(eventName(f)!),
    );
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The broadcast call events of a recorded stream, noise removed. */
export function recordedEvents(file: string, options: { presence?: boolean } = {}): Frame[] {
  return frames(fixture(file))
    .map(parse)
    .filter(
      (f) =>
        isBroadcast(f) &&
        !NOISE.has(eventName(f)!) &&
        (options.presence !== false || !PRESENCE.has(eventName(f)!)) &&
        !['FullyBooted', 'SuccessfulAuth'].includes(eventName(f)!),
    );
}

/**
 * Simulators and raw clients for the tests of one file, all closed after each test so a failing
 * test leaks no socket or timer into the next. `defaults` are the file's simulator options; each
 * start() may add to them.
 */
export function simulators(defaults: Partial<AmiSimulatorOptions> = {}) {
  let sims: AmiSimulator[] = [];
  let clients: RawAmi[] = [];
  afterEach(async () => {
    for (const c of clients) c.destroy();
    for (const s of sims) await s.close();
    sims = [];
    clients = [];
  });

  /** A simulator started some other way (the command line), closed like the others. */
  const adopt = (sim: AmiSimulator): AmiSimulator => {
    sims.push(sim);
    return sim;
  };
  const start = async (options: Partial<AmiSimulatorOptions> = {}): Promise<AmiSimulator> =>
    adopt(await startAmiSimulator({ users: USERS, ...defaults, ...options }));
  /** A connection that has not logged in. */
  const newClient = (sim: AmiSimulator): RawAmi => {
    const client = new RawAmi(sim.port);
    clients.push(client);
    return client;
  };
  const loggedIn = async (sim: AmiSimulator, events = 'on'): Promise<RawAmi> => {
    const client = newClient(sim);
    await client.login(events);
    return client;
  };
  /** A simulator and one client logged in to it. */
  const setup = async (options: Partial<AmiSimulatorOptions> = {}, events = 'on'): Promise<{ sim: AmiSimulator; client: RawAmi }> => {
    const sim = await start(options);
    return { sim, client: await loggedIn(sim, events) };
  };
  return { adopt, start, newClient, loggedIn, setup };
}
