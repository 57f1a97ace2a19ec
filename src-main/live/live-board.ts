import type { LiveCall, Presence, PresenceState } from '../../src-shared/domain/live.js';
import type { LiveChannel, LiveState } from './live-state.js';
import { buildCall, byAge, byStart } from './select-calls.js';
import { buildPresence, byExtension, eachPartnership, isOwnLeg, listed, withLeg } from './select-presence.js';

/*
 * What one site's board shows, kept up to date as the state changes. Selecting from scratch
 * (selectCalls, selectPresence) walks every channel and extension: about 10 ms at 500 calls and
 * 1,000 phones, twenty times a second, which stalls the main process. The board diffs each new
 * state against the last one it saw instead (the state is persistent, so the diff skips every
 * shared subtree and costs what changed), rebuilds only the calls and extensions the changes
 * touch, and keeps every other LiveCall and Presence object as it was, so a consumer can tell
 * unchanged items by identity. It always equals selecting from scratch; a test holds it to that.
 */

type Index<V> = Map<string, Map<string, V>>;

function addTo<V>(index: Index<V>, key: string, id: string, value: V): void {
  const group = index.get(key);
  if (group) group.set(id, value);
  else index.set(key, new Map([[id, value]]));
}

function removeFrom<V>(index: Index<V>, key: string, id: string): void {
  const group = index.get(key);
  if (!group) return;
  group.delete(id);
  if (group.size === 0) index.delete(key);
}

function partyExtensions(call: LiveCall): string[] {
  const out: string[] = [];
  for (const party of [call.from, ...call.to]) if (party.extension !== null) out.push(party.extension);
  return out;
}

export class LiveBoard {
  private seen: LiveState | null = null;
  /** Legs by the call (Linkedid) they belong to. */
  private readonly legsByCall: Index<LiveChannel> = new Map();
  /** A phone's own legs, by extension (see isOwnLeg). */
  private readonly legsByExtension: Index<LiveChannel> = new Map();
  private readonly callById = new Map<string, LiveCall>();
  /** The calls each extension is a party of. */
  private readonly callsByExtension: Index<LiveCall> = new Map();
  private readonly presenceByExtension = new Map<string, Presence>();
  private sortedCalls: readonly LiveCall[] = [];
  private sortedPresence: readonly Presence[] = [];

  /** Every live call of the site, oldest first, as of the last update. */
  get calls(): readonly LiveCall[] {
    return this.sortedCalls;
  }

  /** Presence of every listed extension, by number, as of the last update. */
  get presence(): readonly Presence[] {
    return this.sortedPresence;
  }

  update(state: LiveState): void {
    if (state === this.seen) return;
    const before = this.seen !== null && this.seen.siteId === state.siteId ? this.seen : null;
    if (before === null) this.clear();
    const dirtyCalls = new Set<string>();
    const dirtyExtensions = new Set<string>();

    const onChannel = (uniqueid: string, was: LiveChannel | undefined, now: LiveChannel | undefined) => {
      for (const [ch, present] of [
        [was, false],
        [now, true],
      ] as const) {
        if (ch === undefined) continue;
        dirtyCalls.add(ch.linkedid);
        if (present) addTo(this.legsByCall, ch.linkedid, uniqueid, ch);
        else removeFrom(this.legsByCall, ch.linkedid, uniqueid);
        if (!isOwnLeg(ch)) continue;
        dirtyExtensions.add(ch.extension);
        if (present) addTo(this.legsByExtension, ch.extension, uniqueid, ch);
        else removeFrom(this.legsByExtension, ch.extension, uniqueid);
      }
    };
    if (before === null) {
      state.channels.forEach((ch, uniqueid) => onChannel(uniqueid, undefined, ch));
      state.extensions.forEach((_record, extension) => dirtyExtensions.add(extension));
    } else {
      // Bridges need no diff of their own: a leg entering or leaving one is a change to the leg.
      state.channels.diff(before.channels, onChannel);
      state.extensions.diff(before.extensions, (extension) => dirtyExtensions.add(extension));
    }

    for (const id of dirtyCalls) this.rebuildCall(state, id, dirtyExtensions);
    if (dirtyCalls.size > 0) this.sortedCalls = [...this.callById.values()].sort(byStart);
    for (const extension of dirtyExtensions) this.rebuildPresence(state, extension);
    if (dirtyExtensions.size > 0) this.sortedPresence = [...this.presenceByExtension.values()].sort(byExtension);
    this.seen = state;
  }

  private clear(): void {
    this.legsByCall.clear();
    this.legsByExtension.clear();
    this.callById.clear();
    this.callsByExtension.clear();
    this.presenceByExtension.clear();
    this.sortedCalls = [];
    this.sortedPresence = [];
  }

  /** Rebuilds one call; the extensions on it before and after are marked, their partners changed. */
  private rebuildCall(state: LiveState, id: string, dirtyExtensions: Set<string>): void {
    const old = this.callById.get(id);
    if (old) {
      for (const extension of partyExtensions(old)) {
        removeFrom(this.callsByExtension, extension, id);
        dirtyExtensions.add(extension);
      }
    }
    const legs = this.legsByCall.get(id);
    if (!legs) {
      this.callById.delete(id);
      return;
    }
    const call = buildCall(state, id, [...legs.values()].sort(byAge));
    this.callById.set(id, call);
    for (const extension of partyExtensions(call)) {
      addTo(this.callsByExtension, extension, id, call);
      dirtyExtensions.add(extension);
    }
  }

  private rebuildPresence(state: LiveState, extension: string): void {
    const record = state.extensions.get(extension);
    if (!record || !listed(record)) {
      this.presenceByExtension.delete(extension);
      return;
    }
    let live: PresenceState | undefined;
    for (const ch of this.legsByExtension.get(extension)?.values() ?? []) live = withLeg(live, ch);
    const partners: string[] = [];
    const calls = [...(this.callsByExtension.get(extension)?.values() ?? [])].sort(byStart);
    for (const call of calls) {
      eachPartnership(call, (ext, other) => {
        if (ext === extension && !partners.includes(other)) partners.push(other);
      });
    }
    this.presenceByExtension.set(extension, buildPresence(state.siteId, record, live, partners));
  }
}
