import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsPage } from './pages/settings-page.js';
import { SitesPage } from './pages/sites-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { useE2eSession } from './support/session.js';

/**
 * A careless AMI peer that quotes the secret back in its refusal: the text lands in the log, so only
 * redaction keeps it out of the diagnostics a person pastes into a ticket.
 */
function startEchoingAmi(): Promise<Server> {
  const server = createServer((socket) => {
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      if (!buffer.includes('\r\n\r\n')) return;
      const id = /ActionID: (.*)\r\n/i.exec(buffer)?.[1] ?? '';
      const secret = /Secret: (.*)\r\n/i.exec(buffer)?.[1] ?? '';
      socket.end(`Response: Error\r\nActionID: ${id}\r\nMessage: Authentication failed for secret ${secret}\r\n\r\n`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('Settings', () => {
  const session = useE2eSession();
  let peer: Server;

  beforeEach(async () => {
    peer = await startEchoingAmi();
  });
  afterEach(() => {
    peer.close();
  });

  it('labels host-mode secret storage as weaker and copies diagnostics without secrets', async () => {
    const secret = 'diag-secret-9876';
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    const port = String((peer.address() as AddressInfo).port);
    await sites.fill({ name: 'Diag site', vendor: 'Asterisk (AMI only)', ami: { host: '127.0.0.1', port, username: 'ops', secret } });
    await sites.save();
    await sites.savedNotice().waitFor();
    await sites.testConnection();
    await expect.poll(() => sites.testResult('ami').getAttribute('data-code')).toBe('AUTH_FAILED');

    const settings = new SettingsPage(session.page);
    await settings.open();
    expect(await settings.secretProtection().textContent()).toContain('weaker');
    const text = await settings.copyDiagnostics();
    expect(text).toContain('Diag site [asterisk]');
    expect(text).toContain('secret set');
    // The peer's words reached the log, with the secret scrubbed out of them.
    expect(text).toContain('Authentication failed for secret [redacted]');
    expect(text).not.toContain(secret);
    expect(await seriousA11yViolations(settings.page)).toEqual([]);
  });
});
