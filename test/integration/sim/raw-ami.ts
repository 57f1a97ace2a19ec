import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/*
 * A raw-socket AMI client for the simulator's own tests. It is deliberately not the app's client
 * (src-main/ami): the simulator is checked against the recordings, not against the code it plays
 * against. Frames are split on CRLF CRLF and headers on the first `: `, nothing more.
 */

export type Frame = Array<[string, string]>;

export const TRANSCRIPTS = new URL('../../../../shared/fixtures/ami/transcripts/', import.meta.url);
export const FIXTURES = new URL('../../../../shared/fixtures/ami/', import.meta.url);
export const fixture = (name: string): string => readFileSync(new URL(name, TRANSCRIPTS), 'latin1');

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
