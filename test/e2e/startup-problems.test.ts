import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SitesPage } from './pages/sites-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { useE2eSession } from './support/session.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('Start-up with damaged files', () => {
  const session = useE2eSession();

  it('reports a corrupt cache and a hand-broken settings file, keeps both, and still works', async () => {
    const cache = join(session.dataDir, 'cache.sqlite');
    const settings = join(session.dataDir, 'settings.json');
    await session.host.stop();
    writeFileSync(cache, 'this is not a database, but someone cares about it');
    writeFileSync(settings, '{"sites": [ {"name": "half-typed" ');
    const cacheHash = sha256(cache);
    const brokenSettings = readFileSync(settings, 'utf8');
    await session.restartHost();

    const sites = new SitesPage(session.page);
    const banner = session.page.getByRole('alert').filter({ hasText: 'Switchboard started with a problem' });
    await banner.waitFor();
    const text = await banner.textContent();
    expect(text).toContain('The local cache file could not be opened');
    expect(text).toContain(cache);
    expect(text).toContain('The settings file was not valid');
    expect(await seriousA11yViolations(session.page)).toEqual([]);

    // Nothing was replaced or deleted: the cache is byte-identical, the settings were set aside.
    expect(sha256(cache)).toBe(cacheHash);
    const backups = readdirSync(session.dataDir).filter((name) => name.startsWith('settings.json.invalid-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(session.dataDir, backups[0]), 'utf8')).toBe(brokenSettings);

    // The app still works without its cache.
    await sites.open();
    await sites.startNewSite();
    await sites.fill({ name: 'Still works', vendor: 'Asterisk (AMI only)', ami: { host: '127.0.0.1', port: '5038', username: 'a', secret: 'abcd' } });
    await sites.save();
    await sites.savedNotice().waitFor();
    await session.page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await banner.count()).toBe(0);
  });
});
