import type { Locator, Page } from 'playwright-core';
import { ShellPage } from './shell-page.js';

export interface SiteFormValues {
  name?: string;
  vendor?: string;
  timeZone?: string;
  baseUrl?: string;
  apiUsername?: string;
  apiSecret?: string;
  ami?: { host: string; port: string; username: string; secret?: string; context?: string };
}

/** The Sites screen: list, form, connection test, certificate trust. */
export class SitesPage extends ShellPage {
  constructor(page: Page) {
    super(page);
  }

  async open(): Promise<void> {
    await this.goTo('Sites');
  }

  async startNewSite(): Promise<void> {
    await this.page.getByRole('button', { name: 'Add site' }).click();
    await this.page.getByRole('heading', { name: 'New site' }).waitFor();
  }

  async fill(values: SiteFormValues): Promise<void> {
    const p = this.page;
    if (values.name !== undefined) await p.getByLabel('Name', { exact: true }).fill(values.name);
    if (values.vendor !== undefined) await p.getByLabel('PBX type').selectOption({ label: values.vendor });
    if (values.timeZone !== undefined) await p.getByLabel('Site time zone').selectOption(values.timeZone);
    if (values.baseUrl !== undefined) await p.getByLabel('API base URL').fill(values.baseUrl);
    if (values.apiUsername !== undefined) await p.locator('#api-username').fill(values.apiUsername);
    if (values.apiSecret !== undefined) await p.locator('#api-secret').fill(values.apiSecret);
    if (values.ami) {
      const enable = p.getByLabel('Connect over AMI');
      if ((await enable.count()) > 0 && !(await enable.isChecked())) await enable.check();
      await p.getByLabel('AMI host').fill(values.ami.host);
      await p.getByLabel('AMI port').fill(values.ami.port);
      await p.getByLabel('AMI user name').fill(values.ami.username);
      if (values.ami.secret !== undefined) await p.getByLabel('AMI secret').fill(values.ami.secret);
      if (values.ami.context !== undefined) await p.getByLabel('Dialplan context').fill(values.ami.context);
    }
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save', exact: true }).click();
  }

  savedNotice(): Locator {
    return this.page.getByRole('status').filter({ hasText: 'Site saved.' });
  }

  async testConnection(): Promise<void> {
    await this.page.getByRole('button', { name: 'Test connection' }).click();
    await this.page.locator('.test-report').waitFor();
  }

  /**
   * Runs a connection test and returns every text the form's live region held along the way. The
   * region is watched from before the click, so this also proves it is one element that stays.
   */
  async testConnectionAnnounced(): Promise<string[]> {
    const region = this.page.getByTestId('test-live');
    await region.evaluate((element) => {
      const seen: string[] = [];
      (window as unknown as { announced: string[] }).announced = seen;
      new MutationObserver(() => seen.push(element.textContent?.trim() ?? '')).observe(element, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    await this.page.getByRole('button', { name: 'Test connection' }).click();
    await region.locator('.test-report').waitFor();
    return this.page.evaluate(() => (window as unknown as { announced: string[] }).announced);
  }

  certificateValidity(): Locator {
    return this.page.getByTestId('certificate-validity');
  }

  testResult(target: 'api' | 'ami'): Locator {
    return this.page.locator(`.test-report li[data-target="${target}"]`);
  }

  presentedFingerprint(): Locator {
    return this.page.getByTestId('fingerprint');
  }

  async trustPresentedCertificate(): Promise<void> {
    await this.page.getByRole('button', { name: 'Trust this certificate for this site' }).click();
  }

  pinnedFingerprint(): Locator {
    return this.page.getByTestId('pinned-fingerprint');
  }

  /** One feature in the capability table (e.g. `calls.live`); its `data-via` says how the site does it. */
  capability(key: string): Locator {
    return this.page.locator(`.capability-table li[data-capability="${key}"]`);
  }

  /** The note or reason given for a feature (shared by the features done the same way). */
  capabilityNote(key: string): Locator {
    return this.page.locator('.capability-table tbody tr', { has: this.page.locator(`li[data-capability="${key}"]`) }).locator('.capability-note');
  }

  /** The line saying which API generation and version was detected. */
  apiIdentity(): Locator {
    return this.page.getByTestId('api-identity');
  }

  siteNames(): Promise<string[]> {
    return this.page.locator('.site-list .site-item .site-name').allTextContents();
  }

  async select(name: string): Promise<void> {
    await this.page.locator('.site-list .site-item', { hasText: name }).click();
    await this.page.getByRole('heading', { name: `Edit ${name}` }).waitFor();
  }

  statusMessage(): Locator {
    return this.page.locator('.sites-page > [role="status"]');
  }

  fieldError(inputId: string): Locator {
    return this.page.locator(`#${inputId}-error`);
  }

  fieldHelp(inputId: string): Locator {
    return this.page.locator(`#${inputId}-help`);
  }

  input(inputId: string): Locator {
    return this.page.locator(`#${inputId}`);
  }

  async removeSelected(): Promise<void> {
    await this.page.getByRole('button', { name: 'Remove site' }).click();
    await this.page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
  }
}
