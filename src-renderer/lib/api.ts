import { BRIDGE_GLOBAL, type SwitchboardBridge } from '../../src-shared/bridge.js';
import type { EventName, EventPayloads, RequestName, RequestParams, RequestResult } from '../../src-shared/contract.js';
import type { AppErrorShape, ErrorCode, ErrorDetails } from '../../src-shared/errors.js';
import { bridgeTransport } from './transports/bridge-transport.js';
import type { Transport, TransportState } from './transports/transport.js';
import { webSocketTransport } from './transports/ws-transport.js';

/** A typed error from main, as the renderer receives it. */
export class RequestError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.code = shape.code;
    this.details = shape.details;
  }
}

const TOKEN_KEY = 'switchboard.token';

/**
 * The only module that knows about transports. In the app the preload bridge is there; in a
 * browser (host mode) the token arrives in the address fragment once, is kept for reloads in
 * session storage, and is removed from the address bar.
 */
function pickTransport(): Transport {
  const bridge = (window as unknown as Record<string, SwitchboardBridge | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return bridgeTransport(bridge);
  const match = /^#token=([0-9a-f]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', `${location.pathname}#/live`);
  }
  return webSocketTransport(sessionStorage.getItem(TOKEN_KEY) ?? '');
}

const transport = pickTransport();

export const transportKind = transport.kind;

export async function request<N extends RequestName>(name: N, params: RequestParams<N>): Promise<RequestResult<N>> {
  const envelope = await transport.invoke(name, params);
  if (envelope.error) throw new RequestError(envelope.error);
  return envelope.result as RequestResult<N>;
}

export function onEvent<E extends EventName>(name: E, handler: (payload: EventPayloads[E]) => void): () => void {
  return transport.onEvent((event, payload) => {
    if ((event as EventName) === name) handler(payload as EventPayloads[E]);
  });
}

export function onTransportState(listener: (state: TransportState) => void): () => void {
  return transport.onState(listener);
}
