import { app, dialog, session, type BrowserWindow } from 'electron';
import ElectronStore from 'electron-store';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from './core/create-core.js';
import { registerElectronIpc } from './ipc/register-electron.js';
import { createDesktopCipher } from './secrets/electron-cipher.js';
import { applySecurityRestrictions } from './security.js';
import { createMainWindow } from './window.js';
import pkg from '../package.json' with { type: 'json' };

/** The desktop shell: Electron owns the window and the keychain; everything else is the shared core. */
let core: Core | undefined;
let window: BrowserWindow | undefined;

// A second instance must not touch the cache or settings the first one holds.
if (!app.requestSingleInstanceLock()) {
  app.exit(0);
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.whenReady().then(start, (err: unknown) => fatal(err));
}

app.on('window-all-closed', () => {
  core?.close();
  app.quit();
});

function start(): void {
  applySecurityRestrictions({ app, session: session.defaultSession });
  try {
    core = createCore({
      dataDir: app.getPath('userData'),
      mode: 'desktop',
      version: pkg.version,
      versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
      createCipher: createDesktopCipher,
      settingsFactory: (options) => new ElectronStore(options),
      nativeBinding: electronSqliteBinding(),
    });
  } catch (err) {
    fatal(err);
    return;
  }
  // Only a development run may load the renderer from a dev server; a packaged app ignores it.
  const devServer = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const rendererFile = join(import.meta.dirname, '../renderer/index.html');
  window = createMainWindow({
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    renderer: devServer ? { url: devServer } : { file: rendererFile },
  });
  registerElectronIpc(core, window, () => devServer ?? pathToFileURL(rendererFile).href);
}

/**
 * better-sqlite3 built for this Electron's ABI (`npm start` builds it; `npm run rebuild:electron`
 * by hand). Without it the cache reports itself unavailable and the rest of the app works.
 */
function electronSqliteBinding(): string | undefined {
  const name = `better_sqlite3-abi${process.versions.modules}.node`;
  const candidates = [join(process.resourcesPath ?? '', 'native', name), join(app.getAppPath(), 'resources', 'native', name)];
  return candidates.find((file) => existsSync(file));
}

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  dialog.showErrorBox('Switchboard cannot start', message);
  app.exit(1);
}
