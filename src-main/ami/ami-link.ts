import type { LinkState, LiveLinkStatus } from '../../src-shared/domain/live.js';
import { AppError, toAppError } from '../../src-shared/errors.js';
import type { AmiEvent } from '../live/ami-event.js';
import type { Logger } from '../logging/logger.js';
import { AmiConnection, type AmiCredentials, type AmiListResult, type AmiRequest } from './ami-connection.js';

export interface AmiLinkOptions extends AmiCredentials {
  siteId: string;
  log: Logger;
  /**
   * Runs after every login, before events reach listeners: the resync. Events that arrive while it
   * runs are held and delivered after it, in order.
   */
  onConnected: (link: AmiLink) => Promise<void>;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** First retry delay, doubled on each failure up to `maxRetryMs`. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** After a refused login, retry this rarely: hammering a PBX with bad credentials gets us banned. */
  authRetryMs?: number;
  loginTimeoutMs?: number;
  actionTimeoutMs?: number;
  now?: () => number;
}

/**
 * A site's AMI link, kept up for as long as it runs: logs in, resyncs, pings to notice a dead or
 * half-open socket, and reconnects with backoff (0.5 s doubling to 5 s) after any failure. Its
 * status (with the last error) is pushed to whoever listens.
 */
export class AmiLink {
  private connection: AmiConnection | null = null;
  private running = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private held: AmiEvent[] | null = null;
  private readonly eventListeners = new Set<(event: AmiEvent) => void>();
  private readonly statusListeners = new Set<(status: LiveLinkStatus) => void>();
  private current: LiveLinkStatus;
  private readonly now: () => number;
  private generation = 0;

  constructor(private readonly options: AmiLinkOptions) {
    this.now = options.now ?? Date.now;
    this.current = { siteId: options.siteId, state: 'stopped', lastError: null, retryAt: null, connectedAt: null };
  }

  get status(): LiveLinkStatus {
    return this.current;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.generation += 1;
    this.clearTimers();
    this.connection?.close();
    this.connection = null;
    this.setStatus({ state: 'stopped', retryAt: null, connectedAt: null });
  }

  onEvent(listener: (event: AmiEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: (status: LiveLinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  action(request: AmiRequest): Promise<AmiEvent> {
    return this.use((connection) => connection.action(request));
  }

  list(request: AmiRequest): Promise<AmiListResult> {
    return this.use((connection) => connection.list(request));
  }

  originate(request: AmiRequest): Promise<AmiEvent> {
    return this.use((connection) => connection.originate(request));
  }

  private use<T>(run: (connection: AmiConnection) => Promise<T>): Promise<T> {
    const connection = this.connection;
    if (!connection?.isOpen) {
      return Promise.reject(new AppError('UNREACHABLE', 'The site is not connected (AMI)', { siteId: this.options.siteId }));
    }
    return run(connection);
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.setStatus({ state: this.attempt === 0 ? 'connecting' : 'reconnecting', retryAt: null });
    let connection: AmiConnection;
    try {
      connection = await AmiConnection.open({
        host: this.options.host,
        port: this.options.port,
        username: this.options.username,
        secret: this.options.secret,
        actionIdPrefix: `sb-${generation}`,
        loginTimeoutMs: this.options.loginTimeoutMs,
        actionTimeoutMs: this.options.actionTimeoutMs,
      });
    } catch (err) {
      if (generation === this.generation) this.failed(toAppError(err));
      return;
    }
    if (generation !== this.generation || !this.running) {
      connection.close();
      return;
    }
    this.connection = connection;
    this.held = [];
    connection.onEvent((event) => {
      if (this.held) this.held.push(event);
      else this.deliver(event);
    });
    connection.onClose((reason) => {
      if (this.connection !== connection) return;
      this.connection = null;
      this.clearTimers();
      if (this.running) this.failed(reason);
    });
    this.setStatus({ state: 'resyncing' });
    try {
      await this.options.onConnected(this);
    } catch (err) {
      if (this.connection === connection) {
        this.options.log.warn('AMI resync failed; reconnecting', { siteId: this.options.siteId, message: toAppError(err).message });
        connection.close();
      }
      return;
    }
    if (this.connection !== connection) return;
    const held = this.held ?? [];
    this.held = null;
    for (const event of held) this.deliver(event);
    this.attempt = 0;
    this.setStatus({ state: 'connected', lastError: null, connectedAt: this.now() });
    this.options.log.info('AMI link up', { siteId: this.options.siteId, host: this.options.host, port: this.options.port });
    this.schedulePing(connection);
  }

  private deliver(event: AmiEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  /** A Ping that goes unanswered means a dead or half-open socket, which TCP alone may not notice for hours. */
  private schedulePing(connection: AmiConnection): void {
    this.pingTimer = setTimeout(() => {
      connection.action({ action: 'Ping', timeoutMs: this.options.pingTimeoutMs ?? 5000 }).then(
        () => {
          if (this.connection === connection) this.schedulePing(connection);
        },
        (err: AppError) => {
          if (this.connection !== connection) return;
          this.options.log.warn('AMI link did not answer Ping; reconnecting', { siteId: this.options.siteId, code: err.code });
          connection.close();
        },
      );
    }, this.options.pingIntervalMs ?? 10_000);
  }

  private failed(error: AppError): void {
    this.attempt += 1;
    const refused = error.code === 'AUTH_FAILED';
    const first = this.options.firstRetryMs ?? 500;
    const max = this.options.maxRetryMs ?? 5000;
    const delay = refused ? (this.options.authRetryMs ?? 60_000) : Math.min(max, first * 2 ** (this.attempt - 1));
    this.options.log.warn('AMI link down', { siteId: this.options.siteId, code: error.code, message: error.message, retryInMs: delay });
    this.setStatus({
      state: refused ? 'failed' : 'reconnecting',
      lastError: { code: error.code, message: error.message },
      retryAt: this.now() + delay,
      connectedAt: null,
    });
    this.clearTimers();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) void this.connect();
    }, delay);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  private setStatus(patch: Partial<LiveLinkStatus> & { state: LinkState }): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.statusListeners) listener(this.current);
  }
}
