import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAmiSimulator, type AmiSimulator } from '../../src-main/sim/ami/index.js';
import { SitesPage } from './pages/sites-page.js';
import { useE2eSession } from './support/session.js';

describe('Testing an AMI connection from the Sites screen', () => {
  const session = useE2eSession();
  let ami: AmiSimulator;

  beforeEach(async () => {
    ami = await startAmiSimulator({ users: { switchboard: 'right-secret' } });
  });
  afterEach(async () => {
    await ami.close();
  });

  it('reports AUTH_FAILED from a real login exchange with a wrong secret, then succeeds with the right one', async () => {
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    await sites.fill({
      name: 'Lab Asterisk',
      vendor: 'Asterisk (AMI only)',
      ami: { host: '127.0.0.1', port: String(ami.port), username: 'switchboard', secret: 'wrong-secret' },
    });
    await sites.save();
    await sites.savedNotice().waitFor();

    await sites.testConnection();
    const result = sites.testResult('ami');
    await expect.poll(() => result.getAttribute('data-code')).toBe('AUTH_FAILED');
    expect(await result.textContent()).toContain('refused the user name or secret');
    // The saved site's live link was refused too, and the status bar says so.
    await expect.poll(() => sites.statusOf('Lab Asterisk').textContent()).toContain('AMI: login refused');
    // The simulator saw real Logins with the typed user: the live link's and the test's.
    const logins = ami.received.filter((a) => a.headers.some(([k, v]) => k.toLowerCase() === 'username' && v === 'switchboard'));
    expect(logins.length).toBeGreaterThanOrEqual(2);

    await sites.fill({ ami: { host: '127.0.0.1', port: String(ami.port), username: 'switchboard', secret: 'right-secret' } });
    await sites.testConnection();
    await expect.poll(() => result.getAttribute('data-code')).toBe('OK');
    expect(await result.textContent()).toContain('Asterisk Call Manager/11.0.0');
    // Tested with an unsaved secret: the saved site's status must not claim success yet.
    expect(await sites.statusOf('Lab Asterisk').textContent()).toContain('AMI: login refused');
    await sites.save();
    await sites.savedNotice().waitFor();
    // Saved with the right secret, the live link logs in at once.
    await expect.poll(() => sites.statusOf('Lab Asterisk').textContent()).toContain('AMI: live');
  });

  it('tells an unreachable AMI port apart from a refused login', async () => {
    const port = ami.port;
    await ami.close();
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    await sites.fill({
      name: 'Gone',
      vendor: 'Asterisk (AMI only)',
      ami: { host: '127.0.0.1', port: String(port), username: 'switchboard', secret: 'right-secret' },
    });
    // One live region says the test is running, then shows its report.
    const announced = await sites.testConnectionAnnounced();
    expect(announced).toContain('Testing the connection…');
    expect(announced.at(-1)).toContain('Connection test');
    // The button was busy meanwhile but kept the focus.
    expect(await sites.focusedText()).toBe('Test connection');
    await expect.poll(() => sites.testResult('ami').getAttribute('data-code')).toBe('UNREACHABLE');
    ami = await startAmiSimulator({ users: {} });
  });
});
