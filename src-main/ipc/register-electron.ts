import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../../src-shared/bridge.js';
import { utf8Length } from '../../src-shared/limits.js';
import type { Core } from '../core/create-core.js';
import { isTrustedSender } from '../security.js';

/** The desktop transport: the contract over Electron IPC, answered by the same dispatcher as host mode. */
export function registerElectronIpc(core: Core, window: BrowserWindow, rendererUrl: () => string): () => void {
  ipcMain.handle(IPC_REQUEST_CHANNEL, (event, name: unknown, params: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, rendererUrl())) {
      core.log.warn('ipc request from an untrusted frame refused', { url: event.senderFrame?.url ?? null });
      return { error: { code: 'VALIDATION', message: 'Request from an untrusted frame' } };
    }
    let size: number;
    try {
      size = utf8Length(JSON.stringify(params) ?? '');
    } catch {
      size = Number.POSITIVE_INFINITY;
    }
    return core.dispatch(name, params, size);
  });
  const unsubscribe = core.bus.subscribe((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_REQUEST_CHANNEL);
  };
}
