import { describe, expect, it } from 'vitest';
import { ShellPage } from './pages/shell-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { useE2eSession } from './support/session.js';

const PAGES = ['Live', 'Extensions', 'Follow-me', 'Ring groups', 'Call history', 'Recordings', 'Sites', 'Settings'];

describe('The shell', () => {
  const session = useE2eSession();

  it('reaches every page from the keyboard alone and moves focus to its heading', async () => {
    const shell = new ShellPage(session.page);
    await shell.load(session.host.url);
    expect(await shell.heading().textContent()).toBe('Live');
    for (const [index, title] of PAGES.entries()) {
      await shell.pressShortcut(index + 1);
      await expect.poll(() => shell.heading().textContent()).toBe(title);
      await expect.poll(() => shell.focusedText()).toBe(title);
      // The focused heading shows it: a keyboard user sees where they landed.
      expect(await shell.focusRing(), title).not.toBe('none');
    }
    // The first Tab stop is the skip link, which takes keyboard users straight to the page.
    await shell.page.reload();
    await shell.heading().waitFor();
    await shell.page.keyboard.press('Tab');
    expect(await shell.focusedText()).toBe('Skip to content');
    await shell.page.keyboard.press('Enter');
    await expect.poll(() => shell.focusedText()).toBe('Settings');
  });

  it('has no serious accessibility violations on any page, in light and dark themes', async () => {
    const shell = new ShellPage(session.page);
    await shell.load(session.host.url);
    for (const scheme of ['light', 'dark'] as const) {
      await shell.page.emulateMedia({ colorScheme: scheme });
      for (const title of PAGES) {
        await shell.goTo(title);
        const violations = await seriousA11yViolations(shell.page);
        expect(violations, `${title} (${scheme})`).toEqual([]);
      }
    }
  });

  it('follows the OS theme', async () => {
    const shell = new ShellPage(session.page);
    await shell.load(session.host.url);
    const background = () => shell.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await shell.page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await shell.page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(light).not.toBe(dark);
  });

  it('holds its layout at 1024 px wide without sideways scrolling', async () => {
    await session.page.setViewportSize({ width: 1024, height: 700 });
    const shell = new ShellPage(session.page);
    await shell.load(session.host.url);
    for (const title of PAGES) {
      await shell.goTo(title);
      const overflow = await shell.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, title).toBeLessThanOrEqual(0);
    }
  });

  it('refuses the page without the token and says which address to open instead', async () => {
    const shell = new ShellPage(session.page);
    await session.page.goto(session.host.origin + '/');
    await shell.heading().waitFor();
    await shell.connectionBanner().waitFor();
    const text = await shell.connectionBanner().textContent();
    expect(text).toContain('Open the address that “npm run host” printed');
    expect(text).toContain('access token of this run');
    expect(text).not.toContain('connection to Switchboard was lost');
    expect(await session.page.locator('.banner-error').count()).toBe(1);
  });
});
