import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EventFrame } from '../../src-shared/contract.js';
import { MAX_REQUEST_BYTES } from '../../src-shared/limits.js';
import type { EventBus } from '../core/event-bus.js';
import type { Dispatch } from '../ipc/dispatcher.js';
import type { Logger } from '../logging/logger.js';

export const WS_PATH = '/ws';

/**
 * Frames above the contract's limit still arrive whole so they can be answered with VALIDATION;
 * only frames beyond this hard ceiling close the connection (1009) to protect memory.
 */
const HARD_FRAME_LIMIT = 8 * MAX_REQUEST_BYTES;

export interface WsTransportOptions {
  token: string;
  /** The only page origin allowed to connect, e.g. `http://127.0.0.1:5173`. */
  allowedOrigin: () => string;
  dispatch: Dispatch;
  bus: EventBus;
  log: Logger;
}

/**
 * The host-mode transport: the contract over a WebSocket. An upgrade without the per-run token or
 * from another origin (a web page the user happens to visit) is refused before the handshake.
 */
export class WsTransport {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT });
  private readonly unsubscribe: () => void;
  private refusals = 0;

  constructor(private readonly options: WsTransportOptions) {
    this.wss.on('connection', (socket) => this.serve(socket));
    this.unsubscribe = options.bus.subscribe((event, payload) => {
      const frame = JSON.stringify({ event, payload } satisfies EventFrame);
      for (const client of this.wss.clients) if (client.readyState === client.OPEN) client.send(frame);
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = this.refusal(req);
    if (refusal) {
      // A tab left open from an earlier run retries every few seconds: say it once, not forever.
      const level = this.refusals++ === 0 ? 'warn' : 'debug';
      this.options.log[level]('websocket refused', { reason: refusal, origin: req.headers.origin ?? null });
      socket.end(`HTTP/1.1 ${refusal === 'origin' ? '403 Forbidden' : '401 Unauthorized'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  close(): void {
    this.unsubscribe();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private refusal(req: IncomingMessage): 'path' | 'origin' | 'token' | null {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return 'path';
    if (req.headers.origin !== this.options.allowedOrigin()) return 'origin';
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const expected = Buffer.from(this.options.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'token';
    return null;
  }

  private serve(socket: WebSocket): void {
    socket.on('message', (data: RawData, isBinary: boolean) => {
      void this.answer(socket, data, isBinary);
    });
    socket.on('error', (err) => this.options.log.warn('websocket error', { message: err.message }));
  }

  private async answer(socket: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const bytes = rawLength(data);
    let frame: { id?: unknown; name?: unknown; params?: unknown } = {};
    // Oversized text frames (up to HARD_FRAME_LIMIT) are parsed too, only to learn their id: the
    // dispatcher refuses them by size, and an answer without the id would leave the page waiting.
    if (!isBinary) {
      try {
        const parsed: unknown = JSON.parse(rawText(data));
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) frame = parsed as typeof frame;
      } catch {
        // Not JSON: answered below as an unknown request with no id.
      }
    }
    const id = typeof frame.id === 'number' && Number.isSafeInteger(frame.id) ? frame.id : null;
    const envelope = await this.options.dispatch(frame.name, frame.params, bytes);
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id, ...envelope }));
  }
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
