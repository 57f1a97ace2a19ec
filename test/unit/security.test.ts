import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applySecurityRestrictions,
  isNavigationAllowed,
  isPermissionAllowed,
  isTrustedSender,
  secureWebPreferences,
  windowOpenDecision,
} from '../../src-main/security.js';

const RENDERER = 'http://localhost:5173/';
const FILE_RENDERER = 'file:///opt/Switchboard/resources/app.asar/out/renderer/index.html';

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs');

  it('isolates and sandboxes the renderer, with the given preload', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'openExternal', 'midi', 'clipboard-read', 'fullscreen', 'pointerLock', 'unknown', ''])(
    'denies %j',
    (permission) => {
      expect(isPermissionAllowed(permission)).toBe(false);
    },
  );

  it('allows writing sanitized text to the clipboard (Copy diagnostics)', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
  });

  it('allows desktop notifications (incoming calls to the operator)', () => {
    expect(isPermissionAllowed('notifications')).toBe(true);
  });

  it('does not match permissions loosely', () => {
    expect(isPermissionAllowed('Clipboard-Sanitized-Write')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write ')).toBe(false);
  });
});

describe('navigation', () => {
  it('allows the same page (hash and query changes included)', () => {
    expect(isNavigationAllowed(RENDERER, RENDERER)).toBe(true);
    expect(isNavigationAllowed(RENDERER, `${RENDERER}#/sites`)).toBe(true);
    expect(isNavigationAllowed(FILE_RENDERER, `${FILE_RENDERER}#/live`)).toBe(true);
  });

  it.each([
    'https://evil.example/',
    'http://localhost:5174/',
    'https://localhost:5173/',
    'http://127.0.0.1:5173/',
    'http://localhost:5173/other.html',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'not a url',
  ])('denies navigation from the app to %s', (target) => {
    expect(isNavigationAllowed(RENDERER, target)).toBe(false);
  });

  it('denies a file:// renderer moving to another local file', () => {
    expect(isNavigationAllowed(FILE_RENDERER, 'file:///opt/Switchboard/resources/app.asar/out/renderer/other.html')).toBe(false);
    expect(isNavigationAllowed(FILE_RENDERER, 'file:///home/user/Downloads/evil.html')).toBe(false);
  });

  it('denies every window.open', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });
});

/**
 * Electron cannot run here, so its objects are stood in for by event emitters that record what the
 * restrictions register: this checks the wiring, the tests above check the decisions.
 */
describe('applySecurityRestrictions wiring', () => {
  function wire() {
    const app = new EventEmitter();
    type RequestHandler = (contents: object, permission: string, callback: (allowed: boolean) => void) => void;
    type CheckHandler = (contents: object, permission: string) => boolean;
    const handlers: { request?: RequestHandler; check?: CheckHandler } = {};
    const session = {
      setPermissionRequestHandler: (handler: RequestHandler) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: CheckHandler) => (handlers.check = handler),
    };
    applySecurityRestrictions({ app, session } as unknown as Parameters<typeof applySecurityRestrictions>[0]);
    const contents = Object.assign(new EventEmitter(), {
      openHandler: undefined as ((details: { url: string }) => unknown) | undefined,
      setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
        this.openHandler = handler;
      },
      getURL: () => FILE_RENDERER,
    });
    app.emit('web-contents-created', {}, contents);
    return { handlers, contents };
  }

  function fire(contents: EventEmitter, name: string, url?: string): boolean {
    let prevented = false;
    contents.emit(name, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }

  it('answers permission requests and checks through the policy', () => {
    const { handlers } = wire();
    const answers: boolean[] = [];
    handlers.request!({}, 'media', (allowed: boolean) => answers.push(allowed));
    handlers.request!({}, 'clipboard-sanitized-write', (allowed: boolean) => answers.push(allowed));
    expect(answers).toEqual([false, true]);
    expect(handlers.check!({}, 'geolocation')).toBe(false);
  });

  it('stops navigation and redirects away from the app, webviews, and window.open in every new web contents', () => {
    const { contents } = wire();
    expect(fire(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(fire(contents, 'will-navigate', `${FILE_RENDERER}#/sites`)).toBe(false);
    expect(fire(contents, 'will-attach-webview')).toBe(true);
    expect(contents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});

describe('isTrustedSender', () => {
  it('trusts only the app’s own document', () => {
    expect(isTrustedSender(RENDERER, RENDERER)).toBe(true);
    expect(isTrustedSender(`${RENDERER}#/sites`, RENDERER)).toBe(true);
    expect(isTrustedSender(FILE_RENDERER, FILE_RENDERER)).toBe(true);
  });

  it.each([undefined, '', 'https://evil.example/', 'http://localhost:5173/iframe.html', 'http://localhost:1/', 'about:blank', 'garbage'])(
    'refuses a sender at %j',
    (sender) => {
      expect(isTrustedSender(sender, RENDERER)).toBe(false);
    },
  );
});

describe('Content-Security-Policy of src-renderer/index.html', () => {
  const html = readFileSync(new URL('../../src-renderer/index.html', import.meta.url), 'utf8');
  const metas = [...html.matchAll(/<meta\b[^>]*>/gis)].map((m) => m[0]);
  const cspMetas = metas.filter((tag) => /http-equiv\s*=\s*["']Content-Security-Policy["']/i.test(tag));

  function directives(): Map<string, string[]> {
    const content = /content\s*=\s*"([^"]*)"/i.exec(cspMetas[0] ?? '')?.[1] ?? '';
    const map = new Map<string, string[]>();
    for (const part of content.split(';')) {
      const [name, ...values] = part.trim().split(/\s+/);
      if (name) map.set(name.toLowerCase(), values);
    }
    return map;
  }

  it('has exactly one CSP meta tag, placed before any script', () => {
    expect(cspMetas).toHaveLength(1);
    expect(html.indexOf(cspMetas[0]!)).toBeLessThan(html.search(/<script\b/i));
  });

  it("defaults to 'none'", () => {
    expect(directives().get('default-src')).toEqual(["'none'"]);
  });

  it("allows scripts from 'self' only: no inline, no eval, no other host", () => {
    const script = directives().get('script-src');
    expect(script).toEqual(["'self'"]);
    expect(script).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
  });

  it("forbids plugins and <base>", () => {
    expect(directives().get('object-src')).toEqual(["'none'"]);
    expect(directives().get('base-uri')).toEqual(["'none'"]);
  });

  it('allows no wildcard or remote source in any directive', () => {
    for (const [name, values] of directives()) {
      for (const value of values) {
        expect({ name, value, ok: !/^\*|^https?:|^ws:|^wss:|unsafe/.test(value) }).toEqual({ name, value, ok: true });
      }
    }
  });

  it('has no inline script in the page', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc\s*=/);
      expect(body!.trim()).toBe('');
    }
  });
});
