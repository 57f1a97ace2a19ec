import type { Locator, Page } from 'playwright-core';
import { ShellPage } from './shell-page.js';

/** The Extensions screen: a site's extensions as its PBX has them. */
export class ExtensionsPage extends ShellPage {
  constructor(page: Page) {
    super(page);
  }

  async open(): Promise<void> {
    await this.goTo('Extensions');
  }

  async chooseSite(name: string): Promise<void> {
    await this.page.getByLabel('Site', { exact: true }).selectOption({ label: name });
  }

  async find(text: string): Promise<void> {
    await this.page.getByLabel('Find', { exact: true }).fill(text);
  }

  rows(): Locator {
    return this.page.locator('.extensions-table tbody tr');
  }

  row(number: string): Locator {
    return this.page.locator(`.extensions-table tr[data-extension="${number}"]`);
  }

  count(): Locator {
    return this.page.locator('.extensions-page > [role="status"]');
  }

  failure(): Locator {
    return this.page.locator('.extensions-page [role="alert"]');
  }
}
