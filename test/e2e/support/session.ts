import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchBrowser, newPage, screenshotOnFailure } from './browser.js';
import { startHost, type RunningHost } from './host-process.js';

export interface E2eSession {
  browser: Browser;
  page: Page;
  host: RunningHost;
  dataDir: string;
  /** Stops host mode and starts it again on the same data folder, then reopens the page. */
  restartHost(): Promise<void>;
}

/** One Chromium per file; a fresh host process, data folder and page per test. */
export function useE2eSession(): E2eSession {
  const session = {} as E2eSession;

  beforeAll(async () => {
    session.browser = await launchBrowser();
  });
  afterAll(async () => {
    await session.browser?.close();
  });

  beforeEach(async () => {
    session.dataDir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
    session.host = await startHost(session.dataDir);
    session.page = await newPage(session.browser);
    session.restartHost = async () => {
      await session.host.stop();
      session.host = await startHost(session.dataDir);
      await session.page.goto(session.host.url);
    };
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotOnFailure(session.page, ctx.task.name);
    await session.page?.context().close();
    await session.host?.stop();
    rmSync(session.dataDir, { recursive: true, force: true });
  });

  return session;
}
