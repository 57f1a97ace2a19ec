import type { Locator, Page } from 'playwright-core';

/** The frame around every screen: navigation, headings, status bar. */
export class ShellPage {
  constructor(readonly page: Page) {}

  async load(url: string): Promise<void> {
    await this.page.goto(url);
    await this.heading().waitFor();
  }

  heading(): Locator {
    return this.page.locator('main h1');
  }

  navLink(label: string): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: false });
  }

  async goTo(label: string): Promise<void> {
    await this.navLink(label).click();
    await this.page.waitForFunction((text) => document.querySelector('main h1')?.textContent === text, label);
  }

  /** Alt+1 … Alt+8, the page shortcuts. */
  async pressShortcut(digit: number): Promise<void> {
    await this.page.keyboard.press(`Alt+${digit}`);
  }

  statusOf(siteName: string): Locator {
    return this.page.locator(`footer .site-status[data-site="${siteName}"]`);
  }

  focusedText(): Promise<string> {
    return this.page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
  }

  /** The outline drawn around the focused element, e.g. `3px solid rgb(…)`, or `none`. */
  focusRing(): Promise<string> {
    return this.page.evaluate(() => {
      const element = document.activeElement;
      if (!element) return 'none';
      const style = getComputedStyle(element);
      return style.outlineStyle === 'none' || style.outlineWidth === '0px' ? 'none' : `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`;
    });
  }

  /** The banner that says Switchboard itself cannot be reached. */
  connectionBanner(): Locator {
    return this.page.getByTestId('connection-banner');
  }

  /** A link's text in the status bar, e.g. `AMI: failed, checked 9:41 AM GMT+9`. */
  linkStatus(siteName: string, target: 'api' | 'ami'): Locator {
    return this.statusOf(siteName).locator(`[data-target="${target}"]`);
  }
}
