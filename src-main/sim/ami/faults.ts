/*
 * Faults on request, for tests of the client's robustness: connections dropped (RST or FIN), a
 * server that goes silent but keeps the socket open (half-open), garbage bytes, an oversized frame
 * (headers that never end), and refused logins.
 */

import type { Socket } from 'node:net';

export interface FaultSession {
  readonly socket: Socket;
  readonly authenticated: boolean;
  /** Writes whatever the session has queued (so a fault lands after it). */
  flush(): void;
}

export interface AmiFaults {
  /** Drops every connection now: `rst` resets (ECONNRESET on the client), `fin` closes politely. */
  dropAll(how?: 'rst' | 'fin'): number;
  /** Stops answering and sending on every connection, current and new, keeping the sockets open. */
  silence(): void;
  /** Ends `silence()`: the sessions answer again (what happened meanwhile is lost). */
  resume(): void;
  readonly silent: boolean;
  /** Writes bytes that are not AMI to every logged-in connection. */
  garbage(bytes?: Buffer | string): number;
  /** Writes one frame of `size` bytes of headers with no blank line (default 2 MiB) to every logged-in connection. */
  oversized(size?: number, options?: { terminate?: boolean }): number;
  /** Answers every login as a wrong secret (delay, `Authentication failed`, close). */
  refuseLogins(refuse?: boolean): void;
  readonly refusingLogins: boolean;
}

export const DEFAULT_GARBAGE = Buffer.concat([
  Buffer.from([0x00, 0xff, 0xfe, 0x1b]),
  Buffer.from('[31mthis is not AMI\r\nno colon on this line\r\n\r\n:starts with a colon\r\nEvent\r\n\r\n', 'latin1'),
  Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x0a, 0x0d]),
]);

export function createFaults(sessions: () => Iterable<FaultSession>): AmiFaults & { isSilent(): boolean; isRefusing(): boolean } {
  let silent = false;
  let refusing = false;
  const loggedIn = () => [...sessions()].filter((s) => s.authenticated && !s.socket.destroyed);
  return {
    dropAll(how = 'rst') {
      let n = 0;
      for (const session of sessions()) {
        if (session.socket.destroyed) continue;
        n++;
        if (how === 'rst') session.socket.resetAndDestroy();
        else {
          session.flush();
          session.socket.destroySoon();
        }
      }
      return n;
    },
    silence() {
      silent = true;
    },
    resume() {
      silent = false;
    },
    get silent() {
      return silent;
    },
    garbage(bytes = DEFAULT_GARBAGE) {
      const targets = loggedIn();
      for (const session of targets) {
        session.flush();
        session.socket.write(bytes);
      }
      return targets.length;
    },
    oversized(size = 2 * 1024 * 1024, options = {}) {
      const line = `X-Filler: ${'x'.repeat(1000)}\r\n`;
      const lines = Math.max(1, Math.ceil((size - 30) / line.length));
      const frame = `Event: Oversized\r\nPrivilege: call,all\r\n${line.repeat(lines)}${options.terminate ? '\r\n' : ''}`;
      const targets = loggedIn();
      for (const session of targets) {
        session.flush();
        session.socket.write(frame);
      }
      return targets.length;
    },
    refuseLogins(refuse = true) {
      refusing = refuse;
    },
    get refusingLogins() {
      return refusing;
    },
    isSilent: () => silent,
    isRefusing: () => refusing,
  };
}
