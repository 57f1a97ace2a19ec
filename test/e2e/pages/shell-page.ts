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
}
