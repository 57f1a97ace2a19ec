import { describe, expect, it } from 'vitest';
import { LivePage } from './pages/live-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { addDemoSite, startDemoPbx } from './support/demo-pbx.js';
import { useE2eSession } from './support/session.js';

describe('The embedded demo PBX', () => {
  const session = useE2eSession();

  it('opens in one click on a first start, shows calls moving, and comes back after a restart', async () => {
    const live = new LivePage(session.page);
    await live.load(session.host.url);
    await live.emptyState().waitFor();
    await session.page.getByRole('button', { name: 'Open the demo PBX' }).click();

    // Its calls come and go on their own.
    await expect.poll(() => live.callRows().count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => live.statusOf('Demo PBX').textContent(), { timeout: 10_000 }).toContain('AMI: live');
    await expect.poll(() => live.tile('101').count()).toBe(1);
    expect(await seriousA11yViolations(session.page)).toEqual([]);

    await session.restartHost();
    await expect.poll(() => live.statusOf('Demo PBX').textContent(), { timeout: 15_000 }).toContain('AMI: live');
    await expect.poll(() => live.callRows().count(), { timeout: 20_000 }).toBeGreaterThan(0);
  });
});

describe('Calls of a site whose link is down', () => {
  const session = useE2eSession();

  it('stay listed but say they are as last seen, until the link is back', async () => {
    const pbx = await startDemoPbx();
    try {
      const live = new LivePage(session.page);
      await live.load(session.host.url);
      await addDemoSite(session.page, pbx);
      await live.open();
      pbx.placeCall({ from: '102', to: '103' });
      const row = live.callRows().first();
      await row.waitFor();
      expect(await row.textContent()).not.toContain('link to this site is down');

      await pbx.stopListening();
      await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('when last seen: the link to this site is down');
      expect(await seriousA11yViolations(session.page)).toEqual([]);
      await pbx.startListening();
      await expect.poll(() => live.statusOf('Demo PBX').textContent(), { timeout: 10_000 }).toContain('AMI: live');
      await expect.poll(async () => (await live.callRows().count()) === 0 || !(await row.textContent())?.includes('last seen'), { timeout: 10_000 }).toBe(true);
    } finally {
      await pbx.close();
    }
  });
});
