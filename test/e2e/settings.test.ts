import { describe, expect, it } from 'vitest';
import { SettingsPage } from './pages/settings-page.js';
import { SitesPage } from './pages/sites-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { useE2eSession } from './support/session.js';

describe('Settings', () => {
  const session = useE2eSession();

  it('labels host-mode secret storage as weaker and copies diagnostics without secrets', async () => {
    const secret = 'diag-secret-9876';
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    await sites.fill({ name: 'Diag site', vendor: 'Elastix', baseUrl: 'http://127.0.0.1:1/api.php', apiSecret: secret });
    await sites.save();
    await sites.savedNotice().waitFor();
    await sites.testConnection();

    const settings = new SettingsPage(session.page);
    await settings.open();
    expect(await settings.secretProtection().textContent()).toContain('weaker');
    const text = await settings.copyDiagnostics();
    expect(text).toContain('Diag site [elastix]');
    expect(text).toContain('secret set');
    expect(text).toContain('connection test failed');
    expect(text).not.toContain(secret);
    expect(await seriousA11yViolations(settings.page)).toEqual([]);
  });
});
