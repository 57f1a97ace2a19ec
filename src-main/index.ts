import { app, dialog, type BrowserWindow } from 'electron';
import ElectronStore from 'electron-store';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from './core/create-core.js';
import { registerElectronIpc } from './ipc/register-electron.js';
import { ElectronSafeStorageCipher } from './secrets/electron-cipher.js';
import { applySecurityRestrictions } from './security.js';
import { createMainWindow } from './window.js';
import pkg from '../package.json' with { type: 'json' };

/** The desktop shell: Electron owns the window and the keychain; everything else is the shared core. */
let core: Core | undefined;
let window: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) app.quit();

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app.whenReady().then(start, (err: unknown) => fatal(err));

app.on('window-all-closed', () => {
  core?.close();
  app.quit();
});

function start(): void {
  applySecurityRestrictions();
  try {
    core = createCore({
      dataDir: app.getPath('userData'),
      mode: 'desktop',
      version: pkg.version,
      versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
      createCipher: () => new ElectronSafeStorageCipher(),
      settingsFactory: (options) => new ElectronStore(options),
      nativeBinding: electronSqliteBinding(),
    });
  } catch (err) {
    fatal(err);
    return;
  }
  const devServer = process.env.ELECTRON_RENDERER_URL;
  const rendererFile = join(import.meta.dirname, '../renderer/index.html');
  window = createMainWindow({
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    renderer: devServer ? { url: devServer } : { file: rendererFile },
  });
  registerElectronIpc(core, window, () => devServer ?? pathToFileURL(rendererFile).href);
}

/** better-sqlite3 built for Electron's ABI by `npm run rebuild:electron`; without it the cache reports itself unavailable. */
function electronSqliteBinding(): string | undefined {
  const candidates = [
    join(process.resourcesPath ?? '', 'native', 'better_sqlite3.node'),
    join(app.getAppPath(), 'resources', 'native', 'better_sqlite3.node'),
  ];
  return candidates.find((file) => existsSync(file));
}

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  dialog.showErrorBox('Switchboard cannot start', message);
  app.exit(1);
}
