import { describe, expect, it } from 'vitest';
import { SitesPage } from './pages/sites-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { addDemoSite, startDemoPbx } from './support/demo-pbx.js';
import { useE2eSession } from './support/session.js';

describe('What a site can do', () => {
  const session = useE2eSession();

  it('shows an AMI-only site doing live work over AMI and saying why configuration is out of reach', async () => {
    const pbx = await startDemoPbx();
    try {
      const sites = new SitesPage(session.page);
      await sites.load(session.host.url);
      await addDemoSite(session.page, pbx, 'Plain Asterisk');
      await sites.capability('calls.live').waitFor();
      expect(await sites.apiIdentity().textContent()).toContain('No web API configured');
      expect(await sites.capability('calls.live').getAttribute('data-via')).toBe('ami');
      expect(await sites.capability('calls.transfer').getAttribute('data-via')).toBe('ami');
      expect(await sites.capability('ringGroups.write').getAttribute('data-via')).toBe('none');
      expect(await sites.capabilityNote('ringGroups.write').textContent()).toContain('Plain Asterisk keeps this in configuration files');
      expect(await sites.capability('extensions.list').getAttribute('data-via')).toBe('none');
      expect(await seriousA11yViolations(session.page)).toEqual([]);
    } finally {
      await pbx.close();
    }
  });
});
