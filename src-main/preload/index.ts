import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type SwitchboardBridge } from '../../src-shared/bridge.js';
import type { EventName, EventPayloads } from '../../src-shared/contract.js';
import type { Envelope } from '../../src-shared/errors.js';

// The only thing the renderer can reach: a request function and an event subscription. No
// ipcRenderer, no Node, no arbitrary channels.
const bridge: SwitchboardBridge = {
  invoke: (name, params) => ipcRenderer.invoke(IPC_REQUEST_CHANNEL, name, params) as Promise<Envelope<unknown>>,
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, name: EventName, payload: EventPayloads[EventName]) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
