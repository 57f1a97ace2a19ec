import type { LiveCall, LiveParty, Presence, PresenceState } from '../../src-shared/domain/live.js';
import { astdbDnd, astdbForward } from './astdb.js';
import type { ExtensionRecord, LiveChannel, LiveState } from './live-state.js';
import { partyState, selectCalls } from './select-calls.js';

/*
 * Presence per extension. The sources disagree in freshness, so they are ranked: the hint
 * (ExtensionStatus, what Asterisk itself aggregates for BLF), then the phone's device state, then
 * what its live legs show, then the endpoint list read at resync. DND from AstDB or FreePBX's
 * Custom:DND device turns an idle (or DND-busy) phone into 'dnd'; a phone that rings or talks keeps
 * showing that, with `dnd` still true.
 */

/** Whether the PBX told us anything that makes this a phone worth a tile. */
export function listed(r: ExtensionRecord): boolean {
  return (
    r.hintHasPhone ||
    r.deviceState !== null ||
    r.endpointState !== null ||
    r.registered !== null ||
    r.dndDevice !== null ||
    Object.keys(r.astdb).length > 0
  );
}

/** A leg of the phone itself. A Local half named after 101 (a ring group member) is not 101's phone. */
export function isOwnLeg(ch: LiveChannel): ch is LiveChannel & { extension: string } {
  return ch.extension !== null && ch.local === null;
}

const LEG_RANK: Partial<Record<PresenceState, number>> = { ringing: 3, 'on-hold': 2, 'in-use': 1 };

/**
 * What a phone's legs show, for PBXs without hints, folded one leg at a time: ringing beats hold
 * beats talking, and a leg that is down shows nothing.
 */
export function withLeg(seen: PresenceState | undefined, ch: LiveChannel): PresenceState | undefined {
  const ps = partyState(ch);
  const p: PresenceState | null = ps === 'ringing' ? 'ringing' : ps === 'on-hold' ? 'on-hold' : ps === 'down' ? null : 'in-use';
  if (p === null) return seen;
  return seen === undefined || (LEG_RANK[p] ?? 0) > (LEG_RANK[seen] ?? 0) ? p : seen;
}

function label(party: LiveParty): string | null {
  return party.extension ?? (party.number || party.name || null);
}

/** Each (extension, who it talks to) pair of a call: the caller's peers are every target. */
export function eachPartnership(call: LiveCall, add: (ext: string, other: string) => void): void {
  const fromLabel = label(call.from);
  for (const party of call.to) {
    const other = label(party);
    if (call.from.extension !== null && other !== null && other !== call.from.extension) add(call.from.extension, other);
    if (party.extension !== null && fromLabel !== null && fromLabel !== party.extension) add(party.extension, fromLabel);
  }
}

function addOnce(list: string[], other: string): void {
  if (!list.includes(other)) list.push(other);
}

/** Call states in an endpoint list are as old as the last resync: without a leg now, the call is over. */
const CALL_STATES: ReadonlySet<PresenceState> = new Set(['ringing', 'in-use', 'on-hold']);

function baseState(r: ExtensionRecord, live: PresenceState | undefined): PresenceState {
  if (r.hintState !== null) return r.hintState;
  if (r.deviceState !== null) return r.deviceState;
  if (live !== undefined) return live;
  if (r.endpointState !== null) return CALL_STATES.has(r.endpointState) ? 'idle' : r.endpointState;
  // Registered and on no call (we would see its legs): idle.
  if (r.registered !== null) return r.registered ? 'idle' : 'unavailable';
  return 'unknown';
}

const DND_OVERRIDES: ReadonlySet<PresenceState> = new Set(['idle', 'busy', 'unknown']);

export function byExtension(a: Presence, b: Presence): number {
  return a.extension.length - b.extension.length || (a.extension < b.extension ? -1 : a.extension > b.extension ? 1 : 0);
}

/**
 * One extension's presence from its record, what its own legs show (see withLeg) and who it talks
 * to (see eachPartnership).
 */
export function buildPresence(siteId: string, r: ExtensionRecord, live: PresenceState | undefined, talkingTo: string[]): Presence {
  const base = baseState(r, live);
  // Either source of DND counts: the app may have changed AstDB without touching the device state.
  const dnd = r.dndDevice === true || astdbDnd(r.astdb) === true;
  return {
    siteId,
    extension: r.extension,
    name: r.name,
    state: dnd && DND_OVERRIDES.has(base) ? 'dnd' : base,
    dnd,
    forward: astdbForward(r.astdb),
    registered: r.registered,
    latencyMs: r.latencyMs,
    talkingTo,
  };
}

/** `calls` may be passed when the caller has just selected them, to spare a second grouping pass. */
export function selectPresence(state: LiveState, calls: readonly LiveCall[] = selectCalls(state)): Presence[] {
  const legs = new Map<string, PresenceState>();
  state.channels.forEach((ch) => {
    if (!isOwnLeg(ch)) return;
    const shown = withLeg(legs.get(ch.extension), ch);
    if (shown !== undefined) legs.set(ch.extension, shown);
  });
  const talks = new Map<string, string[]>();
  for (const call of calls) {
    eachPartnership(call, (ext, other) => {
      const list = talks.get(ext);
      if (list) addOnce(list, other);
      else talks.set(ext, [other]);
    });
  }
  const out: Presence[] = [];
  state.extensions.forEach((r) => {
    if (listed(r)) out.push(buildPresence(state.siteId, r, legs.get(r.extension), talks.get(r.extension) ?? []));
  });
  return out.sort(byExtension);
}
