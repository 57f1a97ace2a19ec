/*
 * Replay: after a successful login the session receives a recorded server stream (a transcript's
 * bytes after its login response), as recorded, optionally throttled. Responses to the client's own
 * actions wait for a message boundary so they never land inside a recorded frame.
 */

import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';

export interface ReplayOptions {
  /** A `.ami` transcript (server→client bytes). */
  file?: string;
  /** Or the bytes themselves. */
  data?: Buffer | string;
  /** Bytes per write; default 64 KiB. */
  bytesPerChunk?: number;
  /** Pause between writes; default 0 (as fast as the socket drains). */
  delayMs?: number;
  /** Play the stream this many times; default 1. */
  repeat?: number;
  /** Close the connection after the stream; default: when the stream ends with `Response: Goodbye`. */
  closeAtEnd?: boolean;
}

const BANNER = /^Asterisk Call Manager\/[^\r\n]*\r\n/;

/** The part of a recorded stream that follows the banner and the login response. */
export function replayBytes(options: ReplayOptions): Buffer {
  const raw = options.data !== undefined ? Buffer.from(options.data as string) : readFileSync(options.file ?? '');
  let text = raw.toString('latin1');
  text = text.replace(BANNER, '');
  const first = text.indexOf('\r\n\r\n');
  if (first >= 0 && /^Response: (Success|Error)\r\n(?:ActionID: [^\r\n]*\r\n)?Message: Authentication accepted\r\n\r\n/.test(text.slice(0, first + 4))) {
    text = text.slice(first + 4);
  }
  return Buffer.from(text, 'latin1');
}

export class ReplayWriter {
  private offset = 0;
  private round = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly chunk: number;
  private readonly rounds: number;
  /** Whether everything written so far ends at a message boundary. */
  atBoundary = true;
  private tail = '\r\n\r\n';
  done = false;

  constructor(
    private readonly socket: Socket,
    private readonly bytes: Buffer,
    private readonly options: ReplayOptions,
    private readonly onBoundary: () => void,
    private readonly onDone: (close: boolean) => void,
  ) {
    this.chunk = Math.max(1, options.bytesPerChunk ?? 64 * 1024);
    this.rounds = Math.max(1, options.repeat ?? 1);
  }

  start(): void {
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private pump(): void {
    if (this.stopped || this.socket.destroyed) return;
    if (this.offset >= this.bytes.length) {
      this.round++;
      this.offset = 0;
      if (this.round >= this.rounds || this.bytes.length === 0) {
        this.done = true;
        this.atBoundary = true;
        this.onBoundary();
        const close = this.options.closeAtEnd ?? /Response: Goodbye\r\n(?:[^\r\n]*\r\n)*\r\n$/.test(this.bytes.subarray(-200).toString('latin1'));
        this.onDone(close);
        return;
      }
    }
    const piece = this.bytes.subarray(this.offset, this.offset + this.chunk);
    this.offset += piece.length;
    const drained = this.socket.write(piece);
    this.tail = (this.tail + piece.subarray(-4).toString('latin1')).slice(-4);
    this.atBoundary = this.tail === '\r\n\r\n';
    if (this.atBoundary) this.onBoundary();
    const next = () => {
      if (this.options.delayMs && this.options.delayMs > 0) this.timer = setTimeout(() => this.pump(), this.options.delayMs);
      else setImmediate(() => this.pump());
    };
    if (drained) next();
    else this.socket.once('drain', next);
  }
}
