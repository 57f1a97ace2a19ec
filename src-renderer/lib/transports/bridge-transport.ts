import type { SwitchboardBridge } from '../../../src-shared/bridge.js';
import type { Transport } from './transport.js';

/** The desktop app's transport: the preload bridge, which is always connected. */
export function bridgeTransport(bridge: SwitchboardBridge): Transport {
  return {
    kind: 'bridge',
    invoke: (name, params) => bridge.invoke(name, params),
    onEvent: (listener) => bridge.onEvent(listener),
    onState(listener) {
      listener('open');
      return () => {};
    },
  };
}
