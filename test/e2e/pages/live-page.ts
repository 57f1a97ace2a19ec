import type { Locator, Page } from 'playwright-core';
import { ShellPage } from './shell-page.js';

/** The Live screen: link states, the calls list, the presence grid, and every way to act on them. */
export class LivePage extends ShellPage {
  constructor(page: Page) {
    super(page);
  }

  async open(): Promise<void> {
    await this.goTo('Live');
  }

  /** Shown when no site has AMI. */
  emptyState(): Locator {
    return this.page.getByTestId('live-empty');
  }

  /** Shown in place of the calls list when there is no call (or none matches). */
  callsEmpty(): Locator {
    return this.page.getByTestId('calls-empty');
  }

  linkState(siteName: string): Locator {
    return this.page.locator(`.link-states li[data-site="${siteName}"]`);
  }

  async waitForLink(siteName: string, state: 'connected' | 'reconnecting' | 'failed' | 'connecting', timeout = 15_000): Promise<void> {
    await this.linkState(siteName).and(this.page.locator(`[data-state="${state}"]`)).waitFor({ timeout });
  }

  callsList(): Locator {
    return this.page.getByRole('grid', { name: /^Calls/ });
  }

  /** Rows in view (the list only keeps the rows near the visible ones in the page). */
  callRows(): Locator {
    return this.page.locator('tr.call-row');
  }

  /** The row of the call whose text contains `text` (a caller number, a name). */
  callRow(text: string): Locator {
    return this.callRows().filter({ hasText: text });
  }

  presenceGrid(): Locator {
    return this.page.getByRole('listbox', { name: /^Extensions/ });
  }

  tile(extension: string): Locator {
    return this.page.locator(`li.tile[data-extension="${extension}"]`);
  }

  async selectCall(text: string): Promise<void> {
    await this.callRow(text).click();
    await this.callRow(text).and(this.page.locator('[aria-selected="true"]')).waitFor();
  }

  async selectExtension(extension: string): Promise<void> {
    await this.tile(extension).click();
  }

  /** What the call actions will act on, as the screen says it. */
  selectedCall(): Locator {
    return this.page.getByTestId('selected-call');
  }

  selectedExtension(): Locator {
    return this.page.getByTestId('selected-extension');
  }

  /** The toolbar button of an action (by its data-action id, e.g. `hangup`). */
  actionButton(id: string): Locator {
    return this.page.locator(`.action-bar button[data-action="${id}"]`);
  }

  notice(): Locator {
    return this.page.getByTestId('live-notice');
  }

  error(): Locator {
    return this.page.getByTestId('live-error');
  }

  filter(): Locator {
    return this.page.getByLabel('Filter', { exact: true });
  }

  contextMenu(): Locator {
    return this.page.getByRole('menu');
  }

  async menuItems(): Promise<string[]> {
    return this.contextMenu().getByRole('menuitem').evaluateAll((items) => items.map((item) => item.getAttribute('data-action') ?? ''));
  }

  /** Opens the context menu of the focused call or extension from the keyboard. */
  async openMenuFromKeyboard(): Promise<void> {
    await this.page.keyboard.press('Shift+F10');
    await this.contextMenu().waitFor();
  }

  palette(): Locator {
    return this.page.getByTestId('command-palette');
  }

  paletteInput(): Locator {
    return this.page.getByRole('combobox', { name: 'Name or number' });
  }

  paletteOptions(): Locator {
    return this.palette().getByRole('option');
  }

  async openPalette(): Promise<void> {
    await this.page.keyboard.press('Control+k');
    await this.paletteInput().waitFor();
  }

  shortcutHelp(): Locator {
    return this.page.getByTestId('shortcut-help');
  }

  transferDialog(): Locator {
    return this.page.getByTestId('transfer-dialog');
  }

  forwardDialog(): Locator {
    return this.page.getByTestId('forward-dialog');
  }

  /** T on the selected call, type the target, choose the mode, confirm. */
  async transferSelected(to: string, mode: 'blind' | 'attended' = 'blind'): Promise<void> {
    await this.page.keyboard.press(mode === 'blind' ? 't' : 'a');
    await this.transferDialog().waitFor();
    await this.page.getByLabel('Extension or number').fill(to);
    await this.transferDialog().getByRole('button', { name: 'Transfer', exact: true }).click();
    await this.transferDialog().waitFor({ state: 'detached' });
  }

  async dragCallToExtension(callText: string, extension: string): Promise<void> {
    await this.callRow(callText).dragTo(this.tile(extension));
  }

  /** Presses Tab until `target` has the focus; fails after `limit` presses. */
  async tabTo(target: Locator, limit = 60): Promise<void> {
    for (let i = 0; i < limit; i++) {
      if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
      await this.page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${target.toString()}`);
  }

  /** Presses Tab until a call row has the focus. */
  async tabToCalls(limit = 60): Promise<void> {
    for (let i = 0; i < limit; i++) {
      if (await this.page.evaluate(() => !!document.activeElement?.closest('tr.call-row'))) return;
      await this.page.keyboard.press('Tab');
    }
    throw new Error('Tab never reached the calls list');
  }
}
