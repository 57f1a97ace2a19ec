import type { LiveCall, Presence } from '../../src-shared/domain/live.js';
import { t, type MessageKey } from '../i18n/index.js';
import { liveState } from '../stores/live.svelte.js';
import { preferencesState } from '../stores/preferences.svelte.js';
import { sitesState } from '../stores/sites.svelte.js';
import { answeringParty, otherParty, ringingParty } from './call-parties.js';
import { partyText } from './live-format.js';

/*
 * Every action of the Live screen in one place: its label, its shortcut, when it applies and what it
 * does. The toolbar, the context menu, the shortcut help and the key handler all read from here, so
 * they cannot disagree.
 */

export type CallActionId =
  | 'hangup'
  | 'transfer'
  | 'attended'
  | 'park'
  | 'pickup'
  | 'recordStart'
  | 'recordStop'
  | 'listen'
  | 'whisper'
  | 'barge';
export type ExtensionActionId = 'dial' | 'transferHere' | 'dnd' | 'forward';
export type ActionId = CallActionId | ExtensionActionId;

/** In the order menus and toolbars list them. */
export const CALL_ACTIONS: readonly CallActionId[] = [
  'hangup',
  'transfer',
  'attended',
  'park',
  'pickup',
  'recordStart',
  'recordStop',
  'listen',
  'whisper',
  'barge',
];
export const EXTENSION_ACTIONS: readonly ExtensionActionId[] = ['dial', 'transferHere', 'dnd', 'forward'];
const SUPERVISOR_ACTIONS = new Set<ActionId>(['listen', 'whisper', 'barge']);

/** Single keys, pressed without Ctrl, Alt or Meta; `shift` where it matters. */
const SHORTCUTS: Record<ActionId, { key: string; shift: boolean }> = {
  hangup: { key: 'h', shift: false },
  transfer: { key: 't', shift: false },
  attended: { key: 'a', shift: false },
  park: { key: 'p', shift: false },
  pickup: { key: 'u', shift: false },
  recordStart: { key: 'r', shift: false },
  recordStop: { key: 'r', shift: true },
  listen: { key: 'l', shift: false },
  whisper: { key: 'w', shift: false },
  barge: { key: 'b', shift: false },
  dial: { key: 'c', shift: false },
  transferHere: { key: 't', shift: false },
  dnd: { key: 'd', shift: false },
  forward: { key: 'f', shift: false },
};

const LABELS: Record<Exclude<ActionId, 'dnd'>, MessageKey> = {
  hangup: 'live.action.hangup',
  transfer: 'live.action.transfer',
  attended: 'live.action.attended',
  park: 'live.action.park',
  pickup: 'live.action.pickup',
  recordStart: 'live.action.recordStart',
  recordStop: 'live.action.recordStop',
  listen: 'live.action.listen',
  whisper: 'live.action.whisper',
  barge: 'live.action.barge',
  dial: 'live.action.dial',
  transferHere: 'live.action.transferHere',
  forward: 'live.action.forward',
};

export function isCallAction(id: ActionId): id is CallActionId {
  return (CALL_ACTIONS as readonly string[]).includes(id);
}

/** Supervisor actions are not even shown to receptionists (main refuses them too). */
export function visibleActions<A extends ActionId>(ids: readonly A[]): A[] {
  return preferencesState.isSupervisor ? [...ids] : ids.filter((id) => !SUPERVISOR_ACTIONS.has(id));
}

export function actionLabel(id: ActionId, presence?: Presence): string {
  if (id === 'dnd') return t(presence?.dnd ? 'live.action.dndOff' : 'live.action.dndOn');
  return t(LABELS[id]);
}

/** As aria-keyshortcuts spells it (never translated), e.g. `H`, `Shift+R`. */
export function shortcutAria(id: ActionId): string {
  const { key, shift } = SHORTCUTS[id];
  return shift ? `Shift+${key.toUpperCase()}` : key.toUpperCase();
}

/** As a person reads it on a key cap, e.g. `H`, `Shift+R`. */
export function shortcutText(id: ActionId): string {
  const { key, shift } = SHORTCUTS[id];
  return shift ? t('live.keys.shift', { key: key.toUpperCase() }) : key.toUpperCase();
}

/** The action a key press asks for, or null. T is a call action; the view routes it to an extension as needed. */
export function actionForKey(event: KeyboardEvent): CallActionId | Exclude<ExtensionActionId, 'transferHere'> | null {
  if (event.ctrlKey || event.altKey || event.metaKey || event.key.length !== 1) return null;
  const key = event.key.toLowerCase();
  for (const id of [...CALL_ACTIONS, 'dial', 'dnd', 'forward'] as const) {
    const shortcut = SHORTCUTS[id];
    if (shortcut.key === key && shortcut.shift === event.shiftKey) return id;
  }
  return null;
}

/** Why an action cannot run now: a catalogue text, or null when it can. */
export type Unavailable = { key: MessageKey; params?: Record<string, string> } | null;

function ownExtensionMissing(siteId: string): Unavailable {
  if (preferencesState.extensionOn(siteId) !== null) return null;
  return { key: 'live.why.noOwnExtension', params: { site: sitesState.byId(siteId)?.name ?? siteId } };
}

export function callActionUnavailable(id: CallActionId, call: LiveCall | undefined): Unavailable {
  if (!call) return { key: 'live.why.noCall' };
  if (call.state === 'ending') return { key: 'live.why.ending' };
  switch (id) {
    case 'hangup':
    case 'transfer':
      return null;
    case 'attended':
    case 'park':
    case 'recordStart':
    case 'recordStop':
      return call.state === 'up' || call.state === 'on-hold' ? null : { key: 'live.why.notAnswered' };
    case 'pickup':
      if (call.state === 'parked' ? call.parkedAt === null : !(call.state === 'ringing' && ringingParty(call))) {
        return { key: 'live.why.notRinging' };
      }
      return ownExtensionMissing(call.siteId);
    case 'listen':
    case 'whisper':
    case 'barge':
      if (!preferencesState.isSupervisor) return { key: 'live.why.supervisor' };
      return call.state === 'up' ? ownExtensionMissing(call.siteId) : { key: 'live.why.notAnswered' };
  }
}

export function extensionActionUnavailable(id: ExtensionActionId, presence: Presence | undefined, call: LiveCall | undefined): Unavailable {
  if (!presence) return { key: 'live.why.noExtension' };
  switch (id) {
    case 'dial': {
      const own = preferencesState.extensionOn(presence.siteId);
      if (own === presence.extension) return { key: 'live.why.ownExtension' };
      return ownExtensionMissing(presence.siteId);
    }
    case 'transferHere':
      if (!call) return { key: 'live.why.noCall' };
      if (call.siteId !== presence.siteId) return { key: 'live.why.otherSite' };
      return call.state === 'ending' ? { key: 'live.why.ending' } : null;
    case 'dnd':
    case 'forward':
      return null;
  }
}

export function unavailableText(why: NonNullable<Unavailable>): string {
  return t(why.key, why.params);
}

/** Runs a call action that needs no more input; answers the sentence that reports it. */
export async function runCallAction(id: Exclude<CallActionId, 'transfer' | 'attended'>, call: LiveCall): Promise<string> {
  const own = preferencesState.extensionOn(call.siteId);
  const caller = partyText(otherParty(call, own));
  switch (id) {
    case 'hangup':
      await liveState.hangup(call.siteId, call.from.channel);
      return t('live.done.hangup', { caller });
    case 'park': {
      const { space } = await liveState.park(call.siteId, otherParty(call, own).channel);
      return t('live.done.park', { caller, space });
    }
    case 'pickup': {
      const extension = own ?? '';
      if (call.state === 'parked' && call.parkedAt !== null) {
        return dialText(extension, call.parkedAt, await liveState.originate(call.siteId, extension, call.parkedAt));
      }
      await liveState.pickup(call.siteId, ringingParty(call)?.channel ?? call.from.channel, extension);
      return t('live.done.pickup', { caller, extension });
    }
    case 'recordStart':
    case 'recordStop':
      await liveState.record(call.siteId, call.from.channel, id === 'recordStart');
      return t(id === 'recordStart' ? 'live.done.recordStart' : 'live.done.recordStop', { caller });
    case 'listen':
    case 'whisper':
    case 'barge': {
      const extension = own ?? '';
      await liveState.spy(call.siteId, answeringParty(call, null).channel, extension, id);
      return t(`live.done.${id}`, { caller, extension });
    }
  }
}

/** Blind or attended transfer of the call to a number. */
export async function transferCall(call: LiveCall, to: string, mode: 'blind' | 'attended'): Promise<string> {
  const own = preferencesState.extensionOn(call.siteId);
  const party = mode === 'blind' ? otherParty(call, own) : answeringParty(call, own);
  await liveState.transfer(call.siteId, party.channel, to, mode);
  const caller = partyText(otherParty(call, own));
  return t(mode === 'blind' ? 'live.done.transfer' : 'live.done.attended', { caller, target: to });
}

/** Click-to-dial: the operator's own phone rings first, then dials `to`. */
export async function dialNumber(siteId: string, to: string): Promise<string> {
  const from = preferencesState.extensionOn(siteId);
  if (from === null) throw new MissingExtensionError(siteId);
  return dialText(from, to, await liveState.originate(siteId, from, to));
}

/** Asterisk's originate reason codes, as a person reads them. */
const ORIGINATE_REASONS: Record<string, MessageKey> = {
  '0': 'live.originateReason.failed',
  '1': 'live.originateReason.hungUp',
  '3': 'live.originateReason.noAnswer',
  '5': 'live.originateReason.busy',
  '8': 'live.originateReason.congestion',
};

function dialText(from: string, to: string, outcome: { answered: boolean; reason: string }): string {
  if (outcome.answered) return t('live.done.dial', { from, to });
  const reason = t(ORIGINATE_REASONS[outcome.reason] ?? 'live.originateReason.other');
  return t('live.done.dialNotAnswered', { from, to, reason });
}

export async function toggleDnd(presence: Presence): Promise<string> {
  const on = !presence.dnd;
  await liveState.setDnd(presence.siteId, presence.extension, on);
  return t(on ? 'live.done.dndOn' : 'live.done.dndOff', { extension: presence.extension });
}

export type ForwardChange = { kind: 'always' | 'busy' | 'noAnswer'; to: string | null };

/** Sets or clears each changed forward, one request each, stopping at the first refusal. */
export async function saveForward(presence: Presence, changes: readonly ForwardChange[]): Promise<string> {
  for (const change of changes) await liveState.setForward(presence.siteId, presence.extension, change.kind, change.to);
  if (changes.length === 0) return t('live.done.forwardUnchanged', { extension: presence.extension });
  const anySet = Object.values({ ...presence.forward, ...Object.fromEntries(changes.map((c) => [c.kind, c.to])) }).some((to) => to !== null);
  return t(anySet ? 'live.done.forwardSaved' : 'live.done.forwardCleared', { extension: presence.extension });
}

/** Dialling without an extension of one's own on the site: the Settings page says where to set it. */
export class MissingExtensionError extends Error {
  constructor(readonly siteId: string) {
    super('no operator extension on this site');
  }
}
