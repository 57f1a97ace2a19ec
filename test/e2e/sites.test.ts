import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SitesPage } from './pages/sites-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { useE2eSession } from './support/session.js';

/** Every file below the data folder, as text, to prove a secret is stored nowhere in clear. */
function allDataText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path).toString('latin1'))
    .join('\n');
}

describe('Sites screen', () => {
  const session = useE2eSession();

  it('adds a site, finds it again after a restart with its secret set but never shown', async () => {
    const secret = 'S3cret-Issabel-Pw!';
    const received: string[] = [];
    session.page.on('websocket', (ws) => ws.on('framereceived', (frame) => received.push(String(frame.payload))));

    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    expect(await sites.page.getByText('No sites yet.').isVisible()).toBe(true);
    await sites.startNewSite();
    await sites.fill({
      name: 'Head office',
      vendor: 'Issabel',
      timeZone: 'Europe/Madrid',
      baseUrl: 'https://127.0.0.1:1/pbxapi/',
      apiUsername: 'admin',
      apiSecret: secret,
    });
    await sites.save();
    await sites.savedNotice().waitFor();
    expect(await sites.siteNames()).toEqual(['Head office']);

    await session.restartHost();
    await sites.heading().waitFor();
    await sites.open();
    await sites.page.locator('.site-list .site-item').first().waitFor();
    expect(await sites.siteNames()).toEqual(['Head office']);
    await sites.select('Head office');

    expect(await sites.input('site-zone').inputValue()).toBe('Europe/Madrid');
    expect(await sites.input('api-username').inputValue()).toBe('admin');
    expect(await sites.input('api-secret').inputValue()).toBe('');
    expect(await sites.fieldHelp('api-secret').textContent()).toContain('A secret is stored');
    expect(await sites.page.content()).not.toContain(secret);
    expect(received.length).toBeGreaterThan(0);
    expect(received.join('\n')).not.toContain(secret);
    expect(allDataText(session.dataDir)).not.toContain(secret);
    expect(await seriousA11yViolations(sites.page)).toEqual([]);
  });

  it('shows what is wrong field by field and saves nothing', async () => {
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    await sites.fill({ name: '', baseUrl: 'ftp://pbx', ami: { host: 'pbx .example', port: '70000', username: '' } });
    await sites.save();

    await expect.poll(() => sites.fieldError('site-name').textContent()).toBe('Required.');
    expect(await sites.fieldError('api-base-url').textContent()).toContain('http:// or https://');
    expect(await sites.fieldError('ami-host').textContent()).toContain('host name or IP address');
    expect(await sites.fieldError('ami-port').textContent()).toBe('Enter a port from 1 to 65535.');
    expect(await sites.input('site-name').getAttribute('aria-invalid')).toBe('true');
    // Focus goes to the first field in error so a keyboard user can fix it at once.
    expect(await sites.page.evaluate(() => document.activeElement?.id)).toBe('site-name');
    expect(await seriousA11yViolations(sites.page)).toEqual([]);

    await session.restartHost();
    await sites.open();
    expect(await sites.page.getByText('No sites yet.').isVisible()).toBe(true);
  });

  it('refuses a second site with the same name, as reported by main', async () => {
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    for (const name of ['Branch', 'branch']) {
      await sites.startNewSite();
      await sites.fill({ name, vendor: 'Asterisk (AMI only)', ami: { host: '127.0.0.1', port: '5038', username: 'admin', secret: 'x1234' } });
      await sites.save();
      if (name === 'Branch') await sites.savedNotice().waitFor();
    }
    await expect.poll(() => sites.fieldError('site-name').textContent()).toBe('Another site already has this name.');
    expect(await sites.siteNames()).toEqual(['Branch']);
  });

  it('removes a site only after confirmation', async () => {
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    await sites.fill({ name: 'Warehouse', vendor: 'Asterisk (AMI only)', ami: { host: '127.0.0.1', port: '5038', username: 'ops', secret: 'abcd1' } });
    await sites.save();
    await sites.savedNotice().waitFor();
    // The first save replaces the new-site form with the site's own: focus lands on its heading, not on <body>.
    await expect.poll(() => sites.focusedText()).toBe('Edit Warehouse');

    await sites.page.getByRole('button', { name: 'Remove site' }).click();
    await sites.page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await sites.siteNames()).toEqual(['Warehouse']);

    await sites.removeSelected();
    await sites.page.getByRole('status').filter({ hasText: 'Site Warehouse removed.' }).waitFor();
    expect(await sites.siteNames()).toEqual([]);
    // The form is gone; focus goes to the message that says what happened.
    await expect.poll(() => sites.focusedText()).toBe('Site Warehouse removed.');
    expect(allDataText(session.dataDir)).not.toContain('Warehouse"');
  });
});
