import type { WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SitesPage } from './pages/sites-page.js';
import { newPage } from './support/browser.js';
import { useE2eSession } from './support/session.js';

describe('Losing the connection to host mode while it still runs', () => {
  const session = useE2eSession();

  it('says so, reconnects by itself with the same token, and catches up on what changed meanwhile', async () => {
    // Every socket of the page passes through here, so the test can drop it and mute its events.
    let socket: WebSocketRoute | undefined;
    let muted = false;
    let connections = 0;
    await session.page.routeWebSocket(/\/ws\?token=/, (ws) => {
      connections += 1;
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (!muted) ws.send(message);
      });
      socket = ws;
    });

    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    expect(await sites.page.getByText('No sites yet.').isVisible()).toBe(true);

    // Another window adds a site while this page hears nothing (as during a laptop's sleep).
    muted = true;
    const other = await newPage(session.browser);
    try {
      const elsewhere = new SitesPage(other);
      await elsewhere.load(session.host.url);
      await elsewhere.open();
      await elsewhere.startNewSite();
      await elsewhere.fill({ name: 'Added elsewhere', vendor: 'Asterisk (AMI only)', ami: { host: '127.0.0.1', port: '5038', username: 'a', secret: 'abcd' } });
      await elsewhere.save();
      await elsewhere.savedNotice().waitFor();
    } finally {
      await other.context().close();
    }
    expect(await sites.siteNames()).toEqual([]);

    // Then the socket drops.
    muted = false;
    await socket!.close({ code: 1001, reason: 'gone to sleep' });
    await sites.connectionBanner().waitFor();
    expect(await sites.connectionBanner().textContent()).toContain('The connection to Switchboard was lost');

    // It comes back on its own and reloads the list.
    await sites.connectionBanner().waitFor({ state: 'detached' });
    expect(connections).toBe(2);
    await expect.poll(() => sites.siteNames()).toEqual(['Added elsewhere']);
    await expect.poll(() => sites.statusOf('Added elsewhere').textContent()).toMatch(/AMI: (connecting|reconnecting|loading calls|live)/);
  });
});
