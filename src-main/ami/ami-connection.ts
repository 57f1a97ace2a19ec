import AsteriskManager from 'asterisk-manager';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { AppError } from '../../src-shared/errors.js';
import { text, type AmiEvent } from '../live/ami-event.js';
import { assertSafeHeader } from './frame-writer.js';

export interface AmiCredentials {
  host: string;
  port: number;
  username: string;
  secret: string;
}

export interface AmiConnectionOptions extends AmiCredentials {
  /** Prefix of every ActionID this connection sends, so answers can be told from others' traffic. */
  actionIdPrefix: string;
  loginTimeoutMs?: number;
  actionTimeoutMs?: number;
  /** The event mask set after login (`on`, `off`, or classes like `call,system`). */
  eventMask?: string;
}

/** An action as Switchboard sends it: plain headers, plus channel variables as `Variable: k=v` lines. */
export interface AmiRequest {
  action: string;
  fields?: Readonly<Record<string, string | number | boolean>>;
  variables?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

export interface AmiListResult {
  response: AmiEvent;
  items: AmiEvent[];
}

type Pending = {
  resolve: (message: AmiEvent) => void;
  reject: (err: AppError) => void;
  timer: NodeJS.Timeout;
  list?: { items: AmiEvent[]; complete: (message: AmiEvent) => boolean; response?: AmiEvent };
  /** Async originate: the answer that counts is the later OriginateResponse event. */
  originate?: boolean;
};

type Manager = ReturnType<typeof AsteriskManager>;

/**
 * A real AMI message is a few KiB at most (a CoreShowChannel with every variable); this much data
 * without a complete message is a broken or hostile peer, and the package would buffer it forever.
 */
const MAX_UNTERMINATED_BYTES = 1024 * 1024;

// The package creates its socket through the CommonJS `net` module and never shows it. Borrowing
// that module object for the one synchronous call lets us see the socket: to bound what it buffers
// and to destroy a connection that hangs half-open or mid-connect, which its disconnect() cannot.
const cjsNet = createRequire(import.meta.url)('node:net') as typeof import('node:net');

function captureSocket(connect: () => void): Socket | undefined {
  const original = cjsNet.createConnection;
  let socket: Socket | undefined;
  cjsNet.createConnection = ((...args: Parameters<typeof original>) => {
    socket = original(...args);
    return socket;
  }) as typeof original;
  try {
    connect();
  } finally {
    cjsNet.createConnection = original;
  }
  return socket;
}

/**
 * One logged-in AMI session over asterisk-manager, fixing what the package gets wrong against a
 * real Asterisk (fixtures/ami/NOTES.md §10):
 * - a failed login reaches the caller as AUTH_FAILED (the package loses it);
 * - an action while the socket is down fails at once with UNREACHABLE (the package drops it);
 * - every action has a timeout (the package waits forever);
 * - the event mask is set with a real `Events` action after login (the package sends `Event:`,
 *   which Asterisk ignores);
 * - async `OriginateResponse` events complete the originate they answer, by ActionID (the package
 *   reports them as responses to nobody);
 * - every header is checked for CR/LF before it is written (the package would send it, letting
 *   typed text inject headers or whole actions);
 * - ActionIDs are our own sequence, not timestamps.
 * It never reconnects by itself: AmiLink owns the retry policy and builds a new connection.
 */
export class AmiConnection {
  private readonly manager: Manager;
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(event: AmiEvent) => void>();
  private readonly closeListeners = new Set<(reason: AppError) => void>();
  private sequence = 0;
  private open = false;
  private closed = false;
  private socket: Socket | undefined;
  private unterminatedBytes = 0;
  /** Events that arrive before anyone listens (e.g. in the same read as the Events answer). */
  private early: AmiEvent[] | null = [];

  private constructor(private readonly options: AmiConnectionOptions) {
    for (const [key, value] of [
      ['Username', options.username],
      ['Secret', options.secret],
    ] as const) {
      assertSafeHeader(key, value);
    }
    // No port: the package must not connect and log in on its own (it would lose the login result).
    this.manager = AsteriskManager(undefined, options.host, options.username, options.secret, true);
    this.manager.on('managerevent', (message) => this.route(message));
    this.manager.on('rawevent', (message) => this.checkFrame(message));
    // The package's default 'error' listener swallows socket errors; the close that follows is ours.
    this.manager.on('error', (err) => {
      this.lastSocketError = err;
    });
    this.manager.on('close', () => this.shutDown(this.closeReason()));
  }

  private lastSocketError: Error | undefined;

  /** Connects and logs in; resolves once the event mask is set. Rejects with a typed error. */
  static async open(options: AmiConnectionOptions): Promise<AmiConnection> {
    const connection = new AmiConnection(options);
    try {
      await connection.login();
      return connection;
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  get isOpen(): boolean {
    return this.open && !this.closed;
  }

  /** Every event that is not an answer to one of this connection's own actions. */
  onEvent(listener: (event: AmiEvent) => void): () => void {
    this.eventListeners.add(listener);
    const early = this.early ?? [];
    this.early = null;
    for (const event of early) listener(event);
    return () => this.eventListeners.delete(listener);
  }

  /** Called once when the session ends, for whatever reason. */
  onClose(listener: (reason: AppError) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Sends an action and resolves with its response; `Response: Error` rejects with PBX_ERROR. */
  action(request: AmiRequest): Promise<AmiEvent> {
    return this.send(request, undefined, false);
  }

  /**
   * Sends an action that answers with an event list and resolves once the list is complete,
   * with every item that carried this action's ActionID, whatever else arrived in between.
   */
  async list(request: AmiRequest): Promise<AmiListResult> {
    const list: NonNullable<Pending['list']> = {
      items: [],
      complete: (message) => text(message, 'eventlist').toLowerCase() === 'complete',
    };
    const complete = await this.send(request, list, false);
    return { response: list.response ?? complete, items: list.items };
  }

  /** An async Originate: resolves with the OriginateResponse event (Success or Failure). */
  originate(request: AmiRequest): Promise<AmiEvent> {
    return this.send({ ...request, fields: { ...request.fields, Async: 'true' } }, undefined, true);
  }

  /** Ends the session politely if it is up; always releases everything. */
  close(): void {
    if (this.open && !this.closed) {
      try {
        this.manager.action({ action: 'Logoff', actionid: this.nextId() });
      } catch {
        // Closing anyway.
      }
    }
    this.shutDown(new AppError('UNREACHABLE', 'The AMI connection was closed'));
    this.manager.disconnect();
    // disconnect() only ends an open socket; a connecting or half-open one must be destroyed.
    this.socket?.destroy();
  }

  private login(): Promise<void> {
    const where = `${this.options.host}:${this.options.port}`;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: AppError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopClose();
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new AppError('TIMEOUT', `${where} did not answer the AMI login in time`, { where })),
        this.options.loginTimeoutMs ?? 8000,
      );
      const stopClose = this.onClose((reason) => finish(reason));
      this.socket = captureSocket(() => this.manager.connect(this.options.port, this.options.host, () => this.afterConnect(finish)));
      this.socket?.on('data', (chunk: Buffer | string) => this.countBytes(chunk.length));
    });
  }

  private afterConnect(finish: (err?: AppError) => void): void {
    const where = `${this.options.host}:${this.options.port}`;
    this.manager.login((err) => {
      if (err) {
        const message = text(err, 'message');
        finish(
          /authentication/i.test(message)
            ? new AppError('AUTH_FAILED', `${where} refused the AMI login`, { where })
            : new AppError('PBX_ERROR', `${where} refused the AMI login: ${message}`, { where }),
        );
        return;
      }
      this.open = true;
      // The package's login sent `Event:`, which Asterisk ignores; set the mask for real.
      this.action({ action: 'Events', fields: { EventMask: this.options.eventMask ?? 'on' } }).then(
        () => finish(),
        (maskErr: AppError) => finish(maskErr),
      );
    });
  }

  private countBytes(bytes: number): void {
    this.unterminatedBytes += bytes;
    if (this.unterminatedBytes > MAX_UNTERMINATED_BYTES && !this.closed) {
      this.fail(new AppError('PBX_ERROR', `The PBX sent more than ${MAX_UNTERMINATED_BYTES} bytes without ending a message`));
    }
  }

  /**
   * Every complete message resets the byte budget. A broadcast event carries `Privilege` exactly
   * once, so a repeated one means two events ran together (one lost its blank line): the package
   * keeps only the first `Event`, the second is gone and the board cannot be trusted without a
   * resync. (`Event` itself is no tell: the package has already cut it down to its first value.)
   */
  private checkFrame(message: AmiEvent): void {
    this.unterminatedBytes = 0;
    if (Array.isArray(message.privilege)) {
      this.fail(new AppError('PBX_ERROR', 'The PBX sent two AMI messages run together; resynchronising'));
    }
  }

  private fail(reason: AppError): void {
    this.shutDown(reason);
    this.manager.disconnect();
    this.socket?.destroy();
  }

  private send(request: AmiRequest, list: Pending['list'], originate: boolean): Promise<AmiEvent> {
    if (!this.isOpen) {
      return Promise.reject(new AppError('UNREACHABLE', 'Not connected to the PBX (AMI)', { action: request.action }));
    }
    let message: Record<string, string>;
    try {
      message = this.buildAction(request);
    } catch (err) {
      return Promise.reject(err as AppError);
    }
    const id = message.actionid;
    return new Promise<AmiEvent>((resolve, reject) => {
      const timeoutMs = request.timeoutMs ?? this.options.actionTimeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('TIMEOUT', `The PBX did not answer ${request.action} within ${timeoutMs} ms`, { action: request.action }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, list, originate });
      this.manager.action(message, (err, response) => this.onResponse(id, err, response));
    });
  }

  private buildAction(request: AmiRequest): Record<string, string> {
    assertSafeHeader('Action', request.action);
    const message: Record<string, string> = { action: request.action, actionid: this.nextId() };
    for (const [key, raw] of Object.entries(request.fields ?? {})) {
      const value = String(raw);
      assertSafeHeader(key, value);
      message[key] = value;
    }
    if (request.variables) {
      for (const [key, value] of Object.entries(request.variables)) assertSafeHeader('Variable', `${key}=${value}`);
      // The package writes an object value as one `Variable: k=v` line per entry.
      (message as Record<string, unknown>).variable = { ...request.variables };
    }
    return message;
  }

  private nextId(): string {
    this.sequence += 1;
    return `${this.options.actionIdPrefix}-${this.sequence}`;
  }

  private onResponse(id: string, err: AmiEvent | undefined, response: AmiEvent): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    if (err) {
      this.settle(id, new AppError('PBX_ERROR', text(err, 'message') || 'The PBX refused the action', { response: text(err, 'message') }));
      return;
    }
    if (pending.list) {
      pending.list.response = response;
      // Some lists (e.g. an empty one) complete in the response itself.
      if (text(response, 'eventlist').toLowerCase() === 'complete') this.settle(id, null, response);
      return;
    }
    if (pending.originate) return;
    this.settle(id, null, response);
  }

  private route(message: AmiEvent): void {
    const id = text(message, 'actionid');
    const pending = id ? this.pending.get(id) : undefined;
    if (pending) {
      const event = text(message, 'event');
      if (pending.originate && event === 'OriginateResponse') {
        this.settle(id, null, message);
        return;
      }
      if (pending.list) {
        if (pending.list.complete(message)) this.settle(id, null, message);
        else pending.list.items.push(message);
        return;
      }
    }
    if (this.early) this.early.push(message);
    else for (const listener of this.eventListeners) listener(message);
  }

  private settle(id: string, err: AppError | null, message?: AmiEvent): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (err) pending.reject(err);
    else pending.resolve(message!);
  }

  private closeReason(): AppError {
    const where = `${this.options.host}:${this.options.port}`;
    const code = (this.lastSocketError as NodeJS.ErrnoException | undefined)?.code;
    return new AppError('UNREACHABLE', code ? `${where}: ${code}` : `${where} closed the AMI connection`, { where, cause: code ?? null });
  }

  private shutDown(reason: AppError): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(reason);
    }
    for (const listener of this.closeListeners) listener(reason);
    this.manager.removeAllListeners();
    // Keep swallowing late socket errors: an unhandled 'error' would crash the process.
    this.manager.on('error', () => undefined);
  }
}

/**
 * Parses a recorded AMI byte stream with the same parser the live link uses (asterisk-manager),
 * by serving the bytes on a loopback socket: the package only parses what arrives on its own
 * socket. No login is sent; every message is handed over in order, events and responses alike.
 */
export async function parseRecordedStream(bytes: Buffer | Buffer[], onMessage: (message: AmiEvent) => void): Promise<number> {
  // Several buffers are written one by one with a pause between, so they arrive as separate reads.
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const parts = Array.isArray(bytes) ? [...bytes] : [bytes];
    const next = () => {
      const part = parts.shift();
      if (part === undefined) socket.end();
      else socket.write(part, () => setTimeout(next, parts.length > 0 ? 2 : 0));
    };
    next();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const manager = AsteriskManager(undefined, '127.0.0.1');
  let count = 0;
  // 'rawevent' is every parsed message, before the package routes responses and events apart.
  manager.on('rawevent', (message) => {
    count += 1;
    onMessage(message);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      manager.on('error', reject);
      manager.on('close', () => resolve());
      manager.connect(port, '127.0.0.1');
    });
    // The package defers its emits by a tick; let the last ones through.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    manager.disconnect();
    server.close();
  }
  return count;
}
