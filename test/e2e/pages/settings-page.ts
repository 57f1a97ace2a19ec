import type { Locator, Page } from 'playwright-core';
import { ShellPage } from './shell-page.js';

export class SettingsPage extends ShellPage {
  constructor(page: Page) {
    super(page);
  }

  async open(): Promise<void> {
    await this.goTo('Settings');
  }

  secretProtection(): Locator {
    return this.page.getByTestId('secret-protection');
  }

  /** Copies diagnostics and returns what landed on the clipboard. */
  async copyDiagnostics(): Promise<string> {
    await this.page.getByRole('button', { name: 'Copy diagnostics' }).click();
    await this.page.getByRole('status').filter({ hasText: 'Diagnostics copied' }).waitFor();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }
}
