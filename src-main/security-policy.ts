/**
 * The hardening decisions of the desktop shell, as plain data and pure functions so a test can
 * assert every one of them without Electron. `security.ts` applies them.
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

/** Permissions a feature needs; every other request is denied. Copy diagnostics writes the clipboard. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

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
