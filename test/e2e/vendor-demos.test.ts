import { describe, expect, it } from 'vitest';
import { ExtensionsPage } from './pages/extensions-page.js';
import { SitesPage } from './pages/sites-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { useE2eSession } from './support/session.js';

/*
 * The demo sites of PBXs with a web API, as a newcomer meets them: one click on the Sites page
 * starts the vendor's simulator and its AMI traffic, the site says what it can do through which
 * channel, and its extensions are listed from the vendor's API.
 */

const VENDORS = [
  { vendor: 'Elastix', site: 'Demo Elastix', generation: 'single API generation' },
  { vendor: 'Issabel', site: 'Demo Issabel', generation: 'generation B/C' },
  { vendor: 'SARK', site: 'Demo SARK', generation: 'generation L7' },
];

describe.each(VENDORS)('The $vendor demo site', ({ vendor, site, generation }) => {
  const session = useE2eSession();

  it('opens in one click, shows its capabilities and lists its extensions', async () => {
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await session.page.getByRole('button', { name: `Demo ${vendor}` }).click();
    await sites.select(site);

    await expect.poll(() => sites.apiIdentity().textContent(), { timeout: 15_000 }).toContain(generation);
    expect(await sites.capability('extensions.list').getAttribute('data-via')).toBe('api');
    expect(await sites.capability('calls.live').getAttribute('data-via')).toBe('ami');
    expect(await seriousA11yViolations(session.page)).toEqual([]);

    const extensions = new ExtensionsPage(session.page);
    await extensions.open();
    await extensions.chooseSite(site);
    // The demo office: twelve people from 100, named by the simulators' shared seed data.
    await expect.poll(() => extensions.rows().count(), { timeout: 15_000 }).toBe(12);
    const names = await extensions.rows().locator('td:nth-child(2)').allTextContents();
    expect(names.every((name) => name.trim().length > 0)).toBe(true);
    expect(await extensions.rows().locator('th').allTextContents()).toEqual(Array.from({ length: 12 }, (_, i) => String(100 + i)));

    const someone = names[3].split(' ')[0];
    await extensions.find(someone.toLowerCase());
    expect(await extensions.rows().count()).toBeGreaterThan(0);
    expect(await extensions.rows().count()).toBeLessThan(12);
    expect(await extensions.count().textContent()).toMatch(/of 12 extensions/);
    expect(await seriousA11yViolations(session.page)).toEqual([]);
  });
});
