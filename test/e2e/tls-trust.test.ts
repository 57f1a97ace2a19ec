import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSelfSignedHttps, type SelfSignedHttps } from '../support/self-signed-https.js';
import { SitesPage } from './pages/sites-page.js';
import { emulateTimeZone } from './support/browser.js';
import { useE2eSession } from './support/session.js';

describe('Trusting a self-signed PBX certificate', () => {
  const session = useE2eSession();
  let pbx: SelfSignedHttps;

  beforeEach(async () => {
    pbx = await startSelfSignedHttps(401);
  });
  afterEach(async () => {
    await pbx.close();
  });

  it('shows the fingerprint, pins it for this site only, and then connects', async () => {
    const sites = new SitesPage(session.page);
    await emulateTimeZone(session.page, 'Asia/Tokyo');
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    await sites.fill({ name: 'Self-signed PBX', vendor: 'XiVO', baseUrl: pbx.url, apiUsername: 'admin', apiSecret: 'xivo-pass' });
    await sites.testConnection();

    await expect.poll(() => sites.testResult('api').getAttribute('data-code')).toBe('TLS_UNTRUSTED');
    expect(await sites.presentedFingerprint().textContent()).toBe(pbx.fingerprint256);
    // Validity in the viewer's zone, with the zone named, not OpenSSL's raw text.
    const stamp = String.raw`[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s[AP]M GMT\+9`;
    expect((await sites.certificateValidity().textContent())?.trim()).toMatch(new RegExp(`^${stamp} – ${stamp}$`));
    expect(pbx.requests).toBe(0);

    await sites.trustPresentedCertificate();
    expect(await sites.pinnedFingerprint().textContent()).toBe(pbx.fingerprint256);
    await sites.testConnection();
    await expect.poll(() => sites.testResult('api').getAttribute('data-code')).toBe('OK');
    expect(await sites.testResult('api').textContent()).toContain('HTTP 401');
    expect(await sites.testResult('api').textContent()).toContain('Pinned self-signed certificate matched');

    await sites.save();
    await sites.savedNotice().waitFor();

    // Another site pointing at the same server does not inherit the pin.
    await sites.startNewSite();
    await sites.fill({ name: 'Other', vendor: 'XiVO', baseUrl: pbx.url, apiUsername: 'admin', apiSecret: 'x' });
    await sites.testConnection();
    await expect.poll(() => sites.testResult('api').getAttribute('data-code')).toBe('TLS_UNTRUSTED');

    await session.restartHost();
    await sites.open();
    await sites.select('Self-signed PBX');
    expect(await sites.pinnedFingerprint().textContent()).toBe(pbx.fingerprint256);
  });
});
