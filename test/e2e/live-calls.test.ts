import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmiSimulator } from '../../src-main/sim/ami/index.js';
import { LivePage } from './pages/live-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { seriousA11yViolations } from './support/browser.js';
import { addDemoSite, DEMO_CONTEXT, sentActions, startDemoPbx } from './support/demo-pbx.js';
import { useE2eSession } from './support/session.js';

/*
 * Against the demo PBX (src-main/sim): phones 100 Operator, 101 Alice (answers after 2 s, never hangs
 * up), 102 Bob, 103 Carol (rings until the caller gives up), 104 Dave (answers after 1 s), 105 Eve
 * (unavailable), and a trunk for outside callers.
 */
describe('The Live screen against the demo PBX', () => {
  const session = useE2eSession();
  let pbx: AmiSimulator;

  beforeEach(async () => {
    pbx = await startDemoPbx();
  });
  afterEach(async () => {
    await pbx?.close();
  });

  async function openLive(): Promise<LivePage> {
    const live = new LivePage(session.page);
    await live.load(session.host.url);
    await addDemoSite(session.page, pbx);
    await live.open();
    await live.waitForLink('Demo PBX', 'connected');
    return live;
  }

  async function setOperator(extension: string, role: 'Receptionist' | 'Supervisor' = 'Receptionist'): Promise<void> {
    const settings = new SettingsPage(session.page);
    await settings.open();
    await settings.operatorExtension('Demo PBX').fill(extension);
    await settings.setRole(role);
    await settings.saveLivePreferences();
  }

  it('shows presence, then calls as they ring, are answered and end', async () => {
    const live = await openLive();
    await live.tile('101').waitFor();
    expect(await live.tile('101').textContent()).toContain('Free');
    await live.callsEmpty().waitFor();
    expect(await live.callsEmpty().textContent()).toContain('No calls right now');

    pbx.placeCall({ from: 'trunk', to: '101', callerNum: '0612345678', callerName: 'ACME' });
    await live.callRow('0612345678').waitFor();
    await expect.poll(() => live.callRow('0612345678').textContent()).toContain('Ringing');
    // Colour and text: the tile says the state in words.
    await expect.poll(() => live.tile('101').textContent()).toContain('Ringing');
    await expect.poll(() => live.callRow('0612345678').textContent(), { timeout: 10_000 }).toContain('Talking');
    await expect.poll(() => live.tile('101').textContent()).toContain('On a call');
    // The duration ticks.
    const first = await live.callRow('0612345678').locator('td.duration').textContent();
    await expect.poll(() => live.callRow('0612345678').locator('td.duration').textContent(), { timeout: 4000 }).not.toBe(first);

    for (const scheme of ['light', 'dark'] as const) {
      await live.page.emulateMedia({ colorScheme: scheme });
      expect(await seriousA11yViolations(live.page), scheme).toEqual([]);
    }

    // A call that ends leaves the board.
    pbx.placeCall({ from: 'trunk', to: '103', callerNum: '0699999999', plan: { answer: { '103': null }, steps: [{ afterMs: 1500, action: 'hangup', by: 'caller' }] } });
    await live.callRow('0699999999').waitFor();
    await live.callRow('0699999999').waitFor({ state: 'detached', timeout: 10_000 });

    // Filter as you type, over calls and extensions.
    await live.filter().fill('acme');
    await expect.poll(() => live.callRows().count()).toBe(1);
    await live.filter().fill('103');
    await live.callsEmpty().waitFor();
    await expect.poll(() => live.page.locator('li.tile').count()).toBe(1);

    // Names come from the PBX (the endpoints' caller ID): tiles and the filter use them.
    await live.filter().fill('Carol');
    await expect.poll(() => live.page.locator('li.tile').count()).toBe(1);
    expect(await live.tile('103').textContent()).toContain('Carol');
  });

  it('hangs up the selected call from the keyboard, and nothing without a selection', async () => {
    const live = await openLive();
    pbx.placeCall({ from: 'trunk', to: '101', callerNum: '0611111111' });
    await expect.poll(() => live.callRow('0611111111').textContent(), { timeout: 10_000 }).toContain('Talking');

    // H with nothing selected does nothing but say why.
    await live.page.locator('main h1').focus();
    await live.page.keyboard.press('h');
    await expect.poll(() => live.error().textContent()).toContain('Select a call first');
    expect(sentActions(pbx, 'Hangup')).toEqual([]);

    await live.tabToCalls();
    await live.page.keyboard.press('Space');
    await expect.poll(() => live.selectedCall().textContent()).toContain('0611111111');
    await live.page.keyboard.press('h');
    await expect.poll(() => live.notice().textContent()).toContain('Hung up');
    await live.callRow('0611111111').waitFor({ state: 'detached', timeout: 10_000 });
    expect(sentActions(pbx, 'Hangup').length).toBe(1);
    // The selection went with the call: another H does not end anything else.
    await expect.poll(() => live.selectedCall().textContent()).toContain('No call selected');
  });

  it('transfers a call by typing the target (T), and by dragging it onto an extension', async () => {
    const live = await openLive();
    pbx.placeCall({ from: 'trunk', to: '101', callerNum: '0622222222' });
    await expect.poll(() => live.callRow('0622222222').textContent(), { timeout: 10_000 }).toContain('Talking');
    await live.selectCall('0622222222');
    await live.transferSelected('104');
    await expect.poll(() => live.notice().textContent()).toContain('Transferred');
    const redirect = sentActions(pbx, 'Redirect').at(-1);
    expect(redirect?.exten).toBe('104');
    expect(redirect?.context).toBe(DEMO_CONTEXT);
    await expect.poll(() => live.callRow('0622222222').textContent(), { timeout: 10_000 }).toContain('104');

    pbx.placeCall({ from: 'trunk', to: '101', callerNum: '0633333333' });
    await expect.poll(() => live.callRow('0633333333').textContent(), { timeout: 10_000 }).toContain('Talking');
    await live.dragCallToExtension('0633333333', '102');
    await expect.poll(() => sentActions(pbx, 'Redirect').at(-1)?.exten).toBe('102');
  });

  it('reaches every call and extension action from the keyboard: toolbar, context menu, palette', async () => {
    await openLive();
    await setOperator('100', 'Supervisor');
    const live = new LivePage(session.page);
    await live.open();
    pbx.placeCall({ from: 'trunk', to: '101', callerNum: '0644444444' });
    await expect.poll(() => live.callRow('0644444444').textContent(), { timeout: 10_000 }).toContain('Talking');

    // Select the call with the keyboard.
    await live.tabToCalls();
    await live.page.keyboard.press('Space');
    // Its menu offers every call action that applies to an answered call, each with its key.
    await live.openMenuFromKeyboard();
    expect(await live.menuItems()).toEqual(['hangup', 'transfer', 'attended', 'park', 'recordStart', 'recordStop', 'listen', 'whisper', 'barge']);
    expect(await live.contextMenu().getByRole('menuitem', { name: /Hang up/ }).getAttribute('aria-keyshortcuts')).toBe('H');
    await live.page.keyboard.press('ArrowDown');
    await live.page.keyboard.press('Escape');
    await live.contextMenu().waitFor({ state: 'detached' });
    // Focus went back to the row.
    expect(await live.page.evaluate(() => !!document.activeElement?.closest('tr.call-row'))).toBe(true);

    // Every toolbar button is a Tab stop with its shortcut.
    for (const id of ['hangup', 'transfer', 'attended', 'park', 'pickup', 'recordStart', 'recordStop', 'listen', 'whisper', 'barge', 'dial', 'dnd', 'forward']) {
      const button = live.actionButton(id);
      expect(await button.getAttribute('aria-keyshortcuts'), id).toBeTruthy();
      await live.tabTo(button);
      expect(await live.focusRing(), id).not.toBe('none');
    }

    // Record from the keyboard, on the selected call.
    await live.page.locator('main h1').focus();
    await live.page.keyboard.press('r');
    await expect.poll(() => sentActions(pbx, 'MixMonitor').length).toBe(1);

    // Extensions: arrow keys move, D toggles do-not-disturb, F opens the forward dialog.
    await live.tile('100').focus();
    await live.page.keyboard.press('ArrowRight');
    await expect.poll(() => live.selectedExtension().textContent()).toContain('101');
    await live.page.keyboard.press('d');
    await expect.poll(() => sentActions(pbx, 'DBPut').some((action) => action.family === 'DND' && action.key === '101')).toBe(true);
    await live.page.keyboard.press('f');
    await live.forwardDialog().waitFor();
    await live.page.getByLabel('Always forward to').fill('104');
    await live.page.keyboard.press('Enter');
    await expect.poll(() => sentActions(pbx, 'DBPut').some((action) => action.family === 'CF' && action.val === '104')).toBe(true);
    await live.openMenuFromKeyboard();
    expect(await live.menuItems()).toEqual(['dial', 'transferHere', 'dnd', 'forward']);
    await live.page.keyboard.press('Escape');

    // The palette: type a number (or a name), Enter transfers the selected call to the best match.
    await live.openPalette();
    expect(await seriousA11yViolations(live.page)).toEqual([]);
    await live.page.keyboard.type('104');
    await expect.poll(() => live.paletteOptions().first().textContent()).toContain('104');
    await live.page.keyboard.press('Enter');
    await live.palette().waitFor({ state: 'detached' });
    await expect.poll(() => sentActions(pbx, 'Redirect').at(-1)?.exten).toBe('104');

    // Alt+Enter dials from the operator's own extension.
    await live.openPalette();
    await live.page.keyboard.type('103');
    await live.page.keyboard.press('Alt+Enter');
    await expect.poll(() => sentActions(pbx, 'Originate').some((action) => action.exten === '103' && action.channel === `Local/100@${DEMO_CONTEXT}`)).toBe(true);
  });

  it('parks a call and says on which space', async () => {
    const live = await openLive();
    pbx.placeCall({ from: 'trunk', to: '101', callerNum: '0655555555' });
    await expect.poll(() => live.callRow('0655555555').textContent(), { timeout: 10_000 }).toContain('Talking');
    await live.selectCall('0655555555');
    await live.page.keyboard.press('p');
    await expect.poll(() => live.notice().textContent(), { timeout: 10_000 }).toMatch(/Parked .* on space 7\d\d/);
    await expect.poll(() => live.callRow('0655555555').textContent()).toMatch(/Parked on 7\d\d/);
  });

  it('notifies about calls ringing the operator’s extension, not about calls the operator places', async () => {
    await session.page.context().grantPermissions(['notifications']);
    // Records notifications instead of showing them.
    await session.page.addInitScript(() => {
      const shown: string[] = [];
      (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
      class RecordingNotification {
        static permission = 'granted';
        static requestPermission = () => Promise.resolve('granted');
        onclick: (() => void) | null = null;
        constructor(title: string) {
          shown.push(title);
        }
        close() {}
      }
      (window as unknown as { Notification: unknown }).Notification = RecordingNotification;
    });
    await openLive();
    await setOperator('100');
    const live = new LivePage(session.page);
    await live.open();
    const shown = () => live.page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications);

    pbx.placeCall({ from: 'trunk', to: '100', callerNum: '0666666666', callerName: 'Big Client', plan: { answer: { '100': null }, steps: [] } });
    await expect.poll(shown, { timeout: 10_000 }).toEqual(['Call from Big Client (0666666666)']);

    // Click-to-dial rings the operator first: no notification for that.
    await live.selectExtension('103');
    await live.page.keyboard.press('c');
    await expect.poll(() => sentActions(pbx, 'Originate').length).toBe(1);
    await live.page.waitForTimeout(3000);
    expect(await shown()).toHaveLength(1);
  });
});
