import type { EventName, EventPayloads } from '../../../src-shared/contract.js';
import type { Envelope } from '../../../src-shared/errors.js';

/**
 * `closed`: the connection dropped (or never opened) and is being retried; `no-token`: host mode was
 * opened without its access token, so there is nothing to connect with.
 */
export type TransportState = 'connecting' | 'open' | 'closed' | 'no-token';

/** How requests and events travel: the preload bridge in the app, a WebSocket in host mode. */
export interface Transport {
  readonly kind: 'bridge' | 'websocket';
  invoke(name: string, params: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: <E extends EventName>(event: E, payload: EventPayloads[E]) => void): () => void;
  onState(listener: (state: TransportState) => void): () => void;
}
