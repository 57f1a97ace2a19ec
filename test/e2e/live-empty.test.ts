import { describe, expect, it } from 'vitest';
import { LivePage } from './pages/live-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { SitesPage } from './pages/sites-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { useE2eSession } from './support/session.js';

describe('The Live screen without live data', () => {
  const session = useE2eSession();

  it('says where live calls come from and links to Sites, with no serious accessibility violations in light and dark', async () => {
    const live = new LivePage(session.page);
    await live.load(session.host.url);
    await live.emptyState().waitFor();
    expect(await live.emptyState().textContent()).toContain('Asterisk Manager Interface (AMI)');
    for (const scheme of ['light', 'dark'] as const) {
      await live.page.emulateMedia({ colorScheme: scheme });
      expect(await seriousA11yViolations(live.page), scheme).toEqual([]);
    }
    // From the keyboard alone: the link to Sites is reachable and works.
    const link = live.page.getByRole('link', { name: 'Set up AMI on the Sites page' });
    await live.tabTo(link);
    expect(await live.focusRing()).not.toBe('none');
    await live.page.keyboard.press('Enter');
    await expect.poll(() => live.heading().textContent()).toBe('Sites');
  });

  it('shows a site whose AMI cannot be reached as reconnecting, with the reason, and no calls', async () => {
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    // A port nothing listens on.
    await sites.fill({ name: 'Nowhere', vendor: 'Asterisk (AMI only)', ami: { host: '127.0.0.1', port: '9', username: 'a', secret: 'abcd' } });
    await sites.save();
    await sites.savedNotice().waitFor();

    const live = new LivePage(session.page);
    await live.open();
    await live.callsEmpty().waitFor();
    await expect.poll(() => live.linkState('Nowhere').getAttribute('data-state'), { timeout: 15_000 }).toMatch(/reconnecting|failed/);
    expect(await live.linkState('Nowhere').textContent()).toContain('The PBX cannot be reached');
    expect(await live.callsEmpty().textContent()).toContain('Not connected yet');
    for (const scheme of ['light', 'dark'] as const) {
      await live.page.emulateMedia({ colorScheme: scheme });
      expect(await seriousA11yViolations(live.page), scheme).toEqual([]);
    }
    // The shortcut help opens on '?', lists every action with its key, and closes on Escape.
    await live.page.locator('main h1').focus();
    await live.page.keyboard.press('?');
    await live.shortcutHelp().waitFor();
    const help = await live.shortcutHelp().textContent();
    for (const text of ['Hang up', 'Transfer', 'Attended transfer', 'Park', 'Pick up', 'Record', 'Stop recording', 'Call', 'Call forward', 'Ctrl+K', 'Shift+F10']) {
      expect(help).toContain(text);
    }
    expect(help).not.toContain('Barge in');
    expect(await seriousA11yViolations(live.page)).toEqual([]);
    await live.page.keyboard.press('Escape');
    await live.shortcutHelp().waitFor({ state: 'detached' });
  });

  it('keeps the live preferences: role, notifications and the operator extension, checked field by field', async () => {
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    await sites.fill({ name: 'Front desk', vendor: 'Asterisk (AMI only)', ami: { host: '127.0.0.1', port: '9', username: 'a', secret: 'abcd' } });
    await sites.save();
    await sites.savedNotice().waitFor();

    const settings = new SettingsPage(session.page);
    await settings.open();
    await settings.operatorExtension('Front desk').fill('12 34');
    await settings.page.getByRole('button', { name: 'Save live settings' }).click();
    // The shared schema's message, next to the field, and the field has the focus.
    await expect.poll(() => settings.operatorExtension('Front desk').getAttribute('aria-invalid')).toBe('true');
    expect(await settings.page.locator('.field-error').first().textContent()).toContain('Enter a number to dial');
    expect(await settings.operatorExtension('Front desk').evaluate((el) => el === document.activeElement)).toBe(true);

    await settings.operatorExtension('Front desk').fill('100');
    await settings.setRole('Supervisor');
    await settings.saveLivePreferences();
    await session.page.reload();
    await settings.heading().waitFor();
    await expect.poll(() => settings.operatorExtension('Front desk').inputValue()).toBe('100');
    expect(await settings.page.getByLabel('Role').inputValue()).toBe('supervisor');
    expect(await seriousA11yViolations(settings.page)).toEqual([]);

    // A supervisor sees listen, whisper and barge on the Live screen.
    const live = new LivePage(session.page);
    await live.open();
    await live.actionButton('listen').waitFor();
    expect(await live.actionButton('barge').count()).toBe(1);
  });

  it('asks for the dialplan context of an AMI site, defaulting to from-internal, and checks it', async () => {
    const sites = new SitesPage(session.page);
    await sites.load(session.host.url);
    await sites.open();
    await sites.startNewSite();
    await sites.fill({ name: 'Ctx', vendor: 'Asterisk (AMI only)', ami: { host: '127.0.0.1', port: '5038', username: 'a', secret: 'abcd' } });
    expect(await sites.input('ami-context').inputValue()).toBe('from-internal');
    expect(await sites.fieldHelp('ami-context').textContent()).toContain('FreePBX-family PBXs');
    await sites.fill({ ami: { host: '127.0.0.1', port: '5038', username: 'a', context: 'bad context!' } });
    await sites.save();
    await sites.fieldError('ami-context').waitFor();
    expect(await sites.fieldError('ami-context').textContent()).toContain('Enter a dialplan context');
    await sites.fill({ ami: { host: '127.0.0.1', port: '5038', username: 'a', context: 'ext-local' } });
    await sites.save();
    await sites.savedNotice().waitFor();
    await session.page.reload();
    await sites.heading().waitFor();
    await sites.select('Ctx');
    expect(await sites.input('ami-context').inputValue()).toBe('ext-local');
  });
});
