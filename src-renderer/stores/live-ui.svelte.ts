import type { LiveCall, Presence } from '../../src-shared/domain/live.js';
import { t } from '../i18n/index.js';
import { errorText } from '../lib/error-text.js';
import {
  actionLabel,
  callActionUnavailable,
  dialNumber,
  extensionActionUnavailable,
  isCallAction,
  MissingExtensionError,
  runCallAction,
  toggleDnd,
  transferCall,
  unavailableText,
  type ActionId,
} from '../lib/live-actions.js';
import { liveState } from './live.svelte.js';
import { liveSelection } from './live-selection.svelte.js';
import { sitesState } from './sites.svelte.js';

export type LiveDialog =
  | { kind: 'transfer'; callKey: string; mode: 'blind' | 'attended'; number: string }
  | { kind: 'forward'; presenceKey: string }
  | { kind: 'palette' }
  | { kind: 'help' };

export type MenuTarget = { kind: 'call'; key: string } | { kind: 'extension'; key: string };

export interface MenuState {
  target: MenuTarget;
  /** Where it opens: the pointer, or the row or tile it is about. */
  x: number;
  y: number;
  /** Gets the focus back when the menu closes. */
  returnFocus: HTMLElement | null;
}

/**
 * What the Live screen is doing besides showing data: the open dialog or menu, the last action's
 * outcome, and the one place every action is started from (key, button, menu, drop, palette).
 */
class LiveUi {
  /** The last action's success or progress, for the polite status region. */
  notice = $state('');
  /** The last action's failure, for the alert region. */
  error = $state('');
  dialog = $state<LiveDialog | null>(null);
  menu = $state<MenuState | null>(null);

  get selectedCall(): LiveCall | undefined {
    return liveState.callByKey(liveSelection.callKey);
  }

  get selectedPresence(): Presence | undefined {
    return liveState.presenceByKey(liveSelection.extensionKey);
  }

  open(dialog: LiveDialog): void {
    this.menu = null;
    this.dialog = dialog;
  }

  close(): void {
    this.dialog = null;
  }

  say(text: string): void {
    this.error = '';
    this.notice = text;
  }

  /** Adds to what the status says (the outcome of the last action stays readable). */
  sayAlso(text: string): void {
    this.error = '';
    this.notice = this.notice ? `${this.notice} ${text}` : text;
  }

  complain(text: string): void {
    this.notice = '';
    this.error = text;
  }

  /** Starts an action on the current selection (or on `presence` for an extension's menu). */
  trigger(id: ActionId, presence: Presence | undefined = this.selectedPresence): void {
    const call = this.selectedCall;
    if (isCallAction(id)) {
      const why = callActionUnavailable(id, call);
      if (why || !call) return this.complain(unavailableText(why ?? { key: 'live.why.noCall' }));
      if (id === 'transfer' || id === 'attended') return this.#openTransfer(call, id === 'transfer' ? 'blind' : 'attended', presence);
      void this.run(actionLabel(id), () => runCallAction(id, call));
      return;
    }
    if (id === 'dial' && !presence) return this.open({ kind: 'palette' });
    const why = extensionActionUnavailable(id, presence, call);
    if (why || !presence) return this.complain(unavailableText(why ?? { key: 'live.why.noExtension' }));
    switch (id) {
      case 'dial':
        void this.run(actionLabel(id), () => dialNumber(presence.siteId, presence.extension));
        break;
      case 'transferHere':
        void this.run(actionLabel(id), () => transferCall(call!, presence.extension, 'blind'));
        break;
      case 'dnd':
        void this.run(actionLabel(id, presence), () => toggleDnd(presence));
        break;
      case 'forward':
        this.open({ kind: 'forward', presenceKey: `${presence.siteId} ${presence.extension}` });
        break;
    }
  }

  /** A call dragged onto an extension: it becomes the selected call, then moves there (a blind transfer). */
  dropCall(callKey: string, presence: Presence): void {
    if (!liveState.callByKey(callKey)) return this.complain(t('live.why.callGone'));
    liveSelection.selectCall(callKey);
    this.trigger('transferHere', presence);
  }

  /** Runs one request, saying that it is under way, then how it went. */
  async run(label: string, work: () => Promise<string>): Promise<void> {
    this.say(t('live.working', { action: label }));
    try {
      this.say(await work());
    } catch (err) {
      if (err instanceof MissingExtensionError) {
        this.complain(t('live.why.noOwnExtension', { site: sitesState.byId(err.siteId)?.name ?? err.siteId }));
      } else {
        this.complain(t('live.failed', { action: label, error: errorText(err) }));
      }
    }
  }

  #openTransfer(call: LiveCall, mode: 'blind' | 'attended', presence: Presence | undefined): void {
    // The selected extension is the likely target (the keyboard way of dragging the call onto it).
    const number = presence && presence.siteId === call.siteId ? presence.extension : '';
    this.open({ kind: 'transfer', callKey: `${call.siteId} ${call.id}`, mode, number });
  }
}

export const liveUi = new LiveUi();
