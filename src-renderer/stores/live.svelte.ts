import type { CallState, LiveCall, LiveDelta, LiveLinkStatus, LiveSnapshot, OriginateOutcome, Presence } from '../../src-shared/domain/live.js';
import { onEvent, request } from '../lib/api.js';

/** A call's key across sites: Linkedids are only unique on their own PBX. Site ids never hold a space. */
export function callKey(call: Pick<LiveCall, 'siteId' | 'id'>): string {
  return `${call.siteId} ${call.id}`;
}

export function presenceKey(presence: Pick<Presence, 'siteId' | 'extension'>): string {
  return `${presence.siteId} ${presence.extension}`;
}

/** Calls that need someone first: ringing, then waiting, then the rest; oldest first within each. */
const STATE_RANK: Record<CallState, number> = { ringing: 0, 'in-queue': 1, parked: 2, 'on-hold': 3, up: 4, ending: 5 };
const collator = new Intl.Collator('en', { numeric: true });

function compareCalls(a: LiveCall, b: LiveCall): number {
  return STATE_RANK[a.state] - STATE_RANK[b.state] || a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function comparePresence(a: Presence, b: Presence): number {
  return collator.compare(a.siteId, b.siteId) || collator.compare(a.extension, b.extension);
}

/** What a delta changed, for listeners such as the desktop notifier. */
export interface LiveChange {
  siteId: string;
  upserted: readonly LiveCall[];
  /** Keys of calls that are gone (removed, or dropped by a reset). */
  removed: readonly string[];
}

/**
 * Live calls, presence and link states across every site: a snapshot from 'live:get-snapshot', then
 * 'live:delta' applied per site (reset, upsert, remove) and 'live:link' per site.
 *
 * Built for a board of a thousand calls: the calls live in plain maps (no deep reactive proxies), a
 * delta costs O(changes) to apply, and the sorted lists the screen reads are rebuilt once per batch of
 * deltas (one microtask), not once per call.
 */
class LiveState {
  /** Every call, in the order the board shows them. Replaced (never mutated) when anything changes. */
  calls = $state.raw<readonly LiveCall[]>([]);
  /** Every extension's presence, by site then extension number. */
  presence = $state.raw<readonly Presence[]>([]);
  /** The live link of each site with AMI, by site id. */
  links = $state.raw<Readonly<Record<string, LiveLinkStatus>>>({});
  loaded = $state(false);

  readonly #calls = new Map<string, Map<string, LiveCall>>();
  readonly #presence = new Map<string, Map<string, Presence>>();
  readonly #listeners = new Set<(change: LiveChange) => void>();
  #callsDirty = false;
  #presenceDirty = false;
  #flushQueued = false;
  /** Originates sent from here lately, so the notifier can leave the operator's own calls alone. */
  #originated: Array<{ siteId: string; to: string; at: number }> = [];

  constructor() {
    onEvent('live:delta', (delta) => this.apply(delta));
    onEvent('live:link', (status) => {
      this.links = { ...this.links, [status.siteId]: status };
    });
  }

  /** Loads the whole picture; at start-up and again after the connection comes back. */
  async load(): Promise<void> {
    const snapshot = await request('live:get-snapshot', {});
    this.replace(snapshot);
  }

  /** Replaces everything with a snapshot (deltas that follow it apply on top). */
  replace(snapshot: LiveSnapshot): void {
    const gone = [...this.#calls.values()].flatMap((site) => [...site.values()].map(callKey));
    this.#calls.clear();
    this.#presence.clear();
    for (const call of snapshot.calls) this.#siteCalls(call.siteId).set(call.id, call);
    for (const presence of snapshot.presence) this.#sitePresence(presence.siteId).set(presence.extension, presence);
    this.links = Object.fromEntries(snapshot.links.map((link) => [link.siteId, link]));
    this.#callsDirty = true;
    this.#presenceDirty = true;
    this.#flush();
    this.loaded = true;
    // A snapshot is not news: nothing in it is announced as new, but what vanished is gone.
    const present = new Set(snapshot.calls.map(callKey));
    const removed = gone.filter((key) => !present.has(key));
    if (removed.length > 0) this.#emit({ siteId: '', upserted: [], removed });
  }

  /** Applies one site's delta: reset drops the site's calls and presence first. */
  apply(delta: LiveDelta): void {
    const removed: string[] = [];
    let calls = this.#calls.get(delta.siteId);
    if (delta.reset) {
      if (calls) for (const id of calls.keys()) removed.push(`${delta.siteId} ${id}`);
      this.#calls.delete(delta.siteId);
      this.#presence.delete(delta.siteId);
      calls = undefined;
      this.#callsDirty = true;
      this.#presenceDirty = true;
    }
    if (delta.upsertCalls.length > 0 || delta.removeCalls.length > 0) {
      calls ??= this.#siteCalls(delta.siteId);
      for (const call of delta.upsertCalls) calls.set(call.id, call);
      for (const id of delta.removeCalls) {
        if (calls.delete(id)) removed.push(`${delta.siteId} ${id}`);
      }
      this.#callsDirty = true;
    }
    if (delta.upsertPresence.length > 0 || delta.removePresence.length > 0) {
      const presence = this.#sitePresence(delta.siteId);
      for (const item of delta.upsertPresence) presence.set(item.extension, item);
      for (const extension of delta.removePresence) presence.delete(extension);
      this.#presenceDirty = true;
    }
    this.#queueFlush();
    this.#emit({ siteId: delta.siteId, upserted: delta.upsertCalls, removed });
  }

  // The lookups below read the sorted list first so that, in a reactive context, they re-run when it changes.

  callByKey(key: string | null): LiveCall | undefined {
    void this.calls;
    if (key === null) return undefined;
    const space = key.indexOf(' ');
    return this.#calls.get(key.slice(0, space))?.get(key.slice(space + 1));
  }

  presenceByKey(key: string | null): Presence | undefined {
    void this.presence;
    if (key === null) return undefined;
    const space = key.indexOf(' ');
    return this.#presence.get(key.slice(0, space))?.get(key.slice(space + 1));
  }

  presenceOf(siteId: string, extension: string | null): Presence | undefined {
    void this.presence;
    return extension === null ? undefined : this.#presence.get(siteId)?.get(extension);
  }

  /** The calls an extension is on (ringing or talking), newest last. O(calls of its site). */
  callsOfExtension(siteId: string, extension: string): LiveCall[] {
    const calls = this.#calls.get(siteId);
    if (!calls) return [];
    return [...calls.values()].filter(
      (call) => call.from.extension === extension || call.to.some((party) => party.extension === extension),
    );
  }

  /** Hears every applied delta (not snapshots); returns the function that stops listening. */
  onChange(listener: (change: LiveChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether this window asked the site to dial `number` in the last `withinMs`. */
  originatedRecently(siteId: string, number: string, withinMs = 60_000): boolean {
    const since = Date.now() - withinMs;
    return this.#originated.some((entry) => entry.siteId === siteId && entry.to === number && entry.at >= since);
  }

  // Call control. Each answers what main answered, or throws its typed error.

  hangup(siteId: string, channel: string) {
    return request('live:hangup', { siteId, channel });
  }

  transfer(siteId: string, channel: string, to: string, mode: 'blind' | 'attended') {
    return request('live:transfer', { siteId, channel, to, mode });
  }

  originate(siteId: string, from: string, to: string): Promise<OriginateOutcome> {
    const now = Date.now();
    this.#originated = [...this.#originated.filter((entry) => entry.at >= now - 60_000), { siteId, to, at: now }];
    return request('live:originate', { siteId, from, to });
  }

  park(siteId: string, channel: string) {
    return request('live:park', { siteId, channel });
  }

  pickup(siteId: string, channel: string, extension: string) {
    return request('live:pickup', { siteId, channel, extension });
  }

  spy(siteId: string, channel: string, extension: string, mode: 'listen' | 'whisper' | 'barge') {
    return request('live:spy', { siteId, channel, extension, mode });
  }

  record(siteId: string, channel: string, on: boolean) {
    return request('live:record', { siteId, channel, on });
  }

  setDnd(siteId: string, extension: string, on: boolean) {
    return request('presence:set-dnd', { siteId, extension, on });
  }

  setForward(siteId: string, extension: string, kind: 'always' | 'busy' | 'noAnswer', to: string | null) {
    return request('presence:set-forward', { siteId, extension, kind, to });
  }

  #siteCalls(siteId: string): Map<string, LiveCall> {
    let calls = this.#calls.get(siteId);
    if (!calls) this.#calls.set(siteId, (calls = new Map()));
    return calls;
  }

  #sitePresence(siteId: string): Map<string, Presence> {
    let presence = this.#presence.get(siteId);
    if (!presence) this.#presence.set(siteId, (presence = new Map()));
    return presence;
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  /** Rebuilds the sorted lists that changed: O(n log n) once per batch. */
  #flush(): void {
    this.#flushQueued = false;
    if (this.#callsDirty) {
      this.#callsDirty = false;
      const all: LiveCall[] = [];
      for (const site of this.#calls.values()) for (const call of site.values()) all.push(call);
      this.calls = all.sort(compareCalls);
    }
    if (this.#presenceDirty) {
      this.#presenceDirty = false;
      const all: Presence[] = [];
      for (const site of this.#presence.values()) for (const item of site.values()) all.push(item);
      this.presence = all.sort(comparePresence);
    }
  }

  #emit(change: LiveChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

export const liveState = new LiveState();
