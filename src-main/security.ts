import type { App, Event, Session, WebContents } from 'electron';

/**
 * The one security module of the desktop shell: the hardening decisions as plain data and pure
 * functions, and the function that wires them into Electron. It only imports Electron's types, so
 * tests check both the policy and its wiring in plain Node.
 */


export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    spellcheck: false,
    navigateOnDragDrop: false,
  } as const;
}

/**
 * Permissions a feature needs; every other request is denied. Copy diagnostics writes the
 * clipboard; incoming calls to the operator's own extension raise a desktop notification.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'notifications']);

export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/** The renderer never navigates away from itself; links to the web are not followed in-app. */
export function isNavigationAllowed(currentUrl: string, targetUrl: string): boolean {
  return isSameDocument(currentUrl, targetUrl);
}

/** Every `window.open` and `target=_blank` is refused. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** Requests only count when they come from the app's own renderer document. */
export function isTrustedSender(senderUrl: string | undefined, rendererUrl: string): boolean {
  return senderUrl !== undefined && isSameDocument(senderUrl, rendererUrl);
}

/** Same scheme, host, port and path; the query and fragment (the app's routes) may differ. */
function isSameDocument(a: string, b: string): boolean {
  try {
    const left = new URL(a);
    const right = new URL(b);
    return left.protocol === right.protocol && left.host === right.host && left.pathname === right.pathname;
  } catch {
    return false;
  }
}

/** The parts of Electron the restrictions are applied to (passed in by `index.ts`). */
export interface SecurityShell {
  app: Pick<App, 'on'>;
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
}

/** Applies the policy to the default session and to every web contents ever created. */
export function applySecurityRestrictions(shell: SecurityShell): void {
  shell.session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  shell.session.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));

  shell.app.on('web-contents-created', (_event: Event, contents: WebContents) => {
    contents.setWindowOpenHandler(windowOpenDecision);
    const guard = (event: Event, url: string) => {
      if (!isNavigationAllowed(contents.getURL(), url)) event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
