import type { EventName, EventPayloads, RequestFrame } from '../../../src-shared/contract.js';
import type { Envelope } from '../../../src-shared/errors.js';
import type { Transport, TransportState } from './transport.js';

type Listener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

/**
 * Host mode's transport: one WebSocket to the page's own origin, authenticated by the per-run token.
 * If it drops, pending requests fail with UNREACHABLE (nothing hangs) and the state says so; the
 * token of a stopped host is useless, so there is nothing to reconnect to.
 */
export function webSocketTransport(token: string): Transport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url);
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const eventListeners = new Set<Listener>();
  const stateListeners = new Set<(state: TransportState) => void>();
  let state: TransportState = 'connecting';
  let nextId = 1;
  // Settles on open or on close, so a request made while connecting never hangs.
  const settled = new Promise<void>((resolve) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('close', () => resolve(), { once: true });
  });

  const setState = (next: TransportState) => {
    state = next;
    for (const listener of stateListeners) listener(next);
  };

  socket.addEventListener('open', () => setState('open'));
  socket.addEventListener('close', () => {
    setState('closed');
    for (const resolve of pending.values()) {
      resolve({ error: { code: 'UNREACHABLE', message: 'The connection to Switchboard was lost' } });
    }
    pending.clear();
  });
  socket.addEventListener('message', (message: MessageEvent<string>) => {
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
  });

  return {
    kind: 'websocket',
    async invoke(name, params) {
      await settled;
      if (socket.readyState !== WebSocket.OPEN) {
        return { error: { code: 'UNREACHABLE', message: 'Not connected to Switchboard' } };
      }
      const id = nextId++;
      const frame: RequestFrame = { id, name, params };
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify(frame));
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
