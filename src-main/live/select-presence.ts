import type { LiveCall, LiveParty, Presence, PresenceState } from '../../src-shared/domain/live.js';
import { astdbDnd, astdbForward } from './astdb.js';
import type { ExtensionRecord, LiveState } from './live-state.js';
import { partyState, selectCalls } from './select-calls.js';

/*
 * Presence per extension. The sources disagree in freshness, so they are ranked: the hint
 * (ExtensionStatus, what Asterisk itself aggregates for BLF), then the phone's device state, then
 * what its live legs show, then the endpoint list read at resync. DND from AstDB or FreePBX's
 * Custom:DND device turns an idle (or DND-busy) phone into 'dnd'; a phone that rings or talks keeps
 * showing that, with `dnd` still true.
 */

/** Whether the PBX told us anything that makes this a phone worth a tile. */
function listed(r: ExtensionRecord): boolean {
  return (
    r.hintHasPhone ||
    r.deviceState !== null ||
    r.endpointState !== null ||
    r.registered !== null ||
    r.dndDevice !== null ||
    Object.keys(r.astdb).length > 0
  );
}

/** What the extension's own legs show, for PBXs without hints: ringing beats hold beats talking. */
function fromLegs(state: LiveState): Map<string, PresenceState> {
  const rank: Partial<Record<PresenceState, number>> = { ringing: 3, 'on-hold': 2, 'in-use': 1 };
  const out = new Map<string, PresenceState>();
  state.channels.forEach((ch) => {
    // A Local half named after 101 (a ring group member) is not 101's phone: only its own legs count.
    if (ch.extension === null || ch.local !== null) return;
    const ps = partyState(ch);
    const p: PresenceState | null = ps === 'ringing' ? 'ringing' : ps === 'on-hold' ? 'on-hold' : ps === 'down' ? null : 'in-use';
    if (p === null) return;
    const seen = out.get(ch.extension);
    if (seen === undefined || (rank[p] ?? 0) > (rank[seen] ?? 0)) out.set(ch.extension, p);
  });
  return out;
}

function label(party: LiveParty): string | null {
  return party.extension ?? (party.number || party.name || null);
}

/** For each extension on a call: who is at the other end (the caller's peers are every target). */
function talkingTo(calls: readonly LiveCall[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (ext: string | null, other: string | null) => {
    if (ext === null || other === null || other === ext) return;
    const list = out.get(ext);
    if (!list) out.set(ext, [other]);
    else if (!list.includes(other)) list.push(other);
  };
  for (const call of calls) {
    const fromLabel = label(call.from);
    for (const party of call.to) {
      add(call.from.extension, label(party));
      add(party.extension, fromLabel);
    }
  }
  return out;
}

/** Call states in an endpoint list are as old as the last resync: without a leg now, the call is over. */
const CALL_STATES: ReadonlySet<PresenceState> = new Set(['ringing', 'in-use', 'on-hold']);

function baseState(r: ExtensionRecord, legs: ReadonlyMap<string, PresenceState>): PresenceState {
  if (r.hintState !== null) return r.hintState;
  if (r.deviceState !== null) return r.deviceState;
  const live = legs.get(r.extension);
  if (live !== undefined) return live;
  if (r.endpointState !== null) return CALL_STATES.has(r.endpointState) ? 'idle' : r.endpointState;
  // Registered and on no call (we would see its legs): idle.
  if (r.registered !== null) return r.registered ? 'idle' : 'unavailable';
  return 'unknown';
}

const DND_OVERRIDES: ReadonlySet<PresenceState> = new Set(['idle', 'busy', 'unknown']);

function byExtension(a: Presence, b: Presence): number {
  return a.extension.length - b.extension.length || (a.extension < b.extension ? -1 : a.extension > b.extension ? 1 : 0);
}

/** `calls` may be passed when the caller has just selected them, to spare a second grouping pass. */
export function selectPresence(state: LiveState, calls: LiveCall[] = selectCalls(state)): Presence[] {
  const legs = fromLegs(state);
  const talks = talkingTo(calls);
  const out: Presence[] = [];
  state.extensions.forEach((r) => {
    if (!listed(r)) return;
    const base = baseState(r, legs);
    // Either source of DND counts: the app may have changed AstDB without touching the device state.
    const dnd = r.dndDevice === true || astdbDnd(r.astdb) === true;
    out.push({
      siteId: state.siteId,
      extension: r.extension,
      name: r.name,
      state: dnd && DND_OVERRIDES.has(base) ? 'dnd' : base,
      dnd,
      forward: astdbForward(r.astdb),
      registered: r.registered,
      latencyMs: r.latencyMs,
      talkingTo: talks.get(r.extension) ?? [],
    });
  });
  return out.sort(byExtension);
}
