import type { EventName, EventPayloads } from './contract.js';
import type { Envelope } from './errors.js';

/**
 * What the preload exposes as `window.switchboard`, and nothing more: one way to send a request
 * and one way to hear push events.
 */
export interface SwitchboardBridge {
  invoke(name: string, params: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: <E extends EventName>(event: E, payload: EventPayloads[E]) => void): () => void;
}

export const BRIDGE_GLOBAL = 'switchboard';

/**
 * Channel names on Electron IPC. They live here, apart from the contract's schemas, because the
 * sandboxed preload can require nothing but `electron`: it must not pull zod in.
 */
export const IPC_REQUEST_CHANNEL = 'contract:request';
export const IPC_EVENT_CHANNEL = 'contract:event';
