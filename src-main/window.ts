import { BrowserWindow } from 'electron';
import { secureWebPreferences } from './security.js';

export interface MainWindowOptions {
  preloadPath: string;
  /** The dev server URL in development, else the built index.html. */
  renderer: { url: string } | { file: string };
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 600,
    show: false,
    title: 'Switchboard',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  if ('url' in options.renderer) void window.loadURL(options.renderer.url);
  else void window.loadFile(options.renderer.file);
  return window;
}
