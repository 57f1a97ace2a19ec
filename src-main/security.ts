import { app, session, type WebContents } from 'electron';
import { isNavigationAllowed, isPermissionAllowed, windowOpenDecision } from './security-policy.js';

/** Applies the hardening policy to the default session and to every web contents ever created. */
export function applySecurityRestrictions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(windowOpenDecision);
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(contents.getURL(), url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isNavigationAllowed(contents.getURL(), url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
