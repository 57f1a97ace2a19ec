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

  /** The "Live calls" preferences form. */
  livePreferences(): Locator {
    return this.page.getByTestId('live-preferences');
  }

  async setRole(role: 'Receptionist' | 'Supervisor'): Promise<void> {
    await this.page.getByLabel('Role').selectOption({ label: role });
  }

  operatorExtension(siteName: string): Locator {
    return this.page.getByLabel(`My extension on ${siteName}`);
  }

  notificationsCheckbox(): Locator {
    return this.page.getByLabel('Show a desktop notification when a call rings my extension');
  }

  /** Saves the live preferences and waits for the confirmation. */
  async saveLivePreferences(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save live settings' }).click();
    await this.livePreferences().getByRole('status').filter({ hasText: 'Live settings saved.' }).waitFor();
  }

  /** Copies diagnostics and returns what landed on the clipboard. */
  async copyDiagnostics(): Promise<string> {
    await this.page.getByRole('button', { name: 'Copy diagnostics' }).click();
    await this.page.getByRole('status').filter({ hasText: 'Diagnostics copied' }).waitFor();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }
}
