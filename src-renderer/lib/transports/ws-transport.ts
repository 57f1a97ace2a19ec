import type { EventName, EventPayloads, RequestFrame } from '../../../src-shared/contract.js';
import type { Envelope } from '../../../src-shared/errors.js';
import type { Transport, TransportState } from './transport.js';

type Listener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;

const unreachable = (message: string): Envelope<unknown> => ({ error: { code: 'UNREACHABLE', message } });

/**
 * Host mode's transport: one WebSocket to the page's own origin, authenticated by the per-run token.
 * If it drops (laptop sleep, a frame refused for its size), pending requests fail at once with
 * UNREACHABLE, the state says `closed`, and it reconnects with the same token, backing off from 0.5 s
 * to 5 s; a request made meanwhile fails at once too. Events missed while closed are not replayed:
 * listeners of the state reload what they show when it is `open` again.
 */
export function webSocketTransport(token: string): Transport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const eventListeners = new Set<Listener>();
  const stateListeners = new Set<(state: TransportState) => void>();
  let state: TransportState = token === '' ? 'no-token' : 'connecting';
  let socket: WebSocket | null = null;
  let retryMs = FIRST_RETRY_MS;
  let nextId = 1;
  // Settles when the first attempt opens or fails, so a request made while connecting never hangs.
  let firstAttempt: Promise<void> = Promise.resolve();

  const setState = (next: TransportState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };

  const onMessage = (message: MessageEvent<string>) => {
    let frame: { id?: number | null; event?: EventName; payload?: unknown } & Partial<Envelope<unknown>>;
    try {
      frame = JSON.parse(message.data) as typeof frame;
    } catch {
      return;
    }
    if (frame.event !== undefined) {
      for (const listener of eventListeners) listener(frame.event, frame.payload as EventPayloads[EventName]);
      return;
    }
    if (typeof frame.id !== 'number') return;
    const resolve = pending.get(frame.id);
    pending.delete(frame.id);
    resolve?.(frame.error ? { error: frame.error } : { result: frame.result });
  };

  const connect = (): Promise<void> => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener('message', onMessage);
    return new Promise<void>((settle) => {
      ws.addEventListener('open', () => {
        retryMs = FIRST_RETRY_MS;
        setState('open');
        settle();
      });
      ws.addEventListener('close', () => {
        socket = null;
        setState('closed');
        for (const resolve of pending.values()) resolve(unreachable('The connection to Switchboard was lost'));
        pending.clear();
        settle();
        const delay = retryMs;
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        setTimeout(() => void connect(), delay);
      });
    });
  };

  if (state === 'connecting') firstAttempt = connect();

  return {
    kind: 'websocket',
    async invoke(name, params) {
      if (state === 'connecting') await firstAttempt;
      const ws = socket;
      if (ws === null || ws.readyState !== WebSocket.OPEN) return unreachable('Not connected to Switchboard');
      const id = nextId++;
      const frame: RequestFrame = { id, name, params };
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify(frame));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
  };
}
