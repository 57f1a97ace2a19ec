import type { LiveCall, LiveDelta, Presence } from '../../src-shared/domain/live.js';
import type { AmiEvent } from './ami-event.js';
import type { LiveState } from './live-state.js';
import { reduce } from './reducer.js';
import { applySnapshot, type ResyncSnapshot } from './resync.js';
import { LiveBoard } from './live-board.js';

/**
 * One site's live state and what the renderer has already been told about it. Events update the
 * state at once; `takeDelta` turns everything since the last push into one delta, so a burst of a
 * thousand events costs one diff, not a thousand pushes.
 */
export class SiteLive {
  private state: LiveState;
  private readonly board = new LiveBoard();
  private sentCalls = new Map<string, Sent<LiveCall>>();
  private sentPresence = new Map<string, Sent<Presence>>();
  private pendingReset = true;
  private dirty = true;

  constructor(
    readonly siteId: string,
    initial: LiveState,
  ) {
    this.state = initial;
  }

  get current(): LiveState {
    return this.state;
  }

  /** Applies one event; true when it changed anything. */
  apply(event: AmiEvent, now: number): boolean {
    const next = reduce(this.state, event, now);
    if (next === this.state) return false;
    this.state = next;
    this.dirty = true;
    return true;
  }

  /**
   * Applies what a resync (or a partial re-read, e.g. one AstDB family) collected. A full resync
   * is pushed as a reset so the renderer drops anything it still holds from before.
   */
  resync(snapshot: ResyncSnapshot, now: number, full: boolean): void {
    const next = applySnapshot(this.state, snapshot, now);
    if (!full && next === this.state) return;
    this.state = next;
    this.pendingReset ||= full;
    this.dirty = true;
  }

  get hasChanges(): boolean {
    return this.dirty;
  }

  calls(): readonly LiveCall[] {
    this.board.update(this.state);
    return this.board.calls;
  }

  presence(): readonly Presence[] {
    this.board.update(this.state);
    return this.board.presence;
  }

  /** What changed since the last delta, or null when nothing did. */
  takeDelta(): LiveDelta | null {
    if (!this.dirty) return null;
    this.dirty = false;
    const reset = this.pendingReset;
    this.pendingReset = false;
    const calls = unsent(this.calls(), (call) => call.id, this.sentCalls, reset);
    const presence = unsent(this.presence(), (entry) => entry.extension, this.sentPresence, reset);
    const removeCalls = reset ? [] : [...this.sentCalls.keys()].filter((id) => !calls.sent.has(id));
    const removePresence = reset ? [] : [...this.sentPresence.keys()].filter((id) => !presence.sent.has(id));
    this.sentCalls = calls.sent;
    this.sentPresence = presence.sent;
    const changed = calls.upserts.length + removeCalls.length + presence.upserts.length + removePresence.length > 0;
    if (!reset && !changed) return null;
    return { siteId: this.siteId, reset, upsertCalls: calls.upserts, removeCalls, upsertPresence: presence.upserts, removePresence };
  }
}

interface Sent<T> {
  readonly item: T;
  readonly json: string;
}

/**
 * The items that differ from what the renderer was last sent (all of them on a reset), and the new
 * record of what it holds, by id. The board hands back the very object it did before for anything
 * it did not rebuild, so identity settles most items; a rebuilt one is compared as JSON, since a
 * rebuild does not mean a change the renderer can see.
 */
function unsent<T>(items: readonly T[], idOf: (item: T) => string, sent: ReadonlyMap<string, Sent<T>>, reset: boolean): { upserts: T[]; sent: Map<string, Sent<T>> } {
  const next = new Map<string, Sent<T>>();
  const upserts: T[] = [];
  for (const item of items) {
    const id = idOf(item);
    const last = sent.get(id);
    if (last?.item === item) {
      next.set(id, last);
      if (reset) upserts.push(item);
      continue;
    }
    const json = JSON.stringify(item);
    next.set(id, { item, json });
    if (reset || last?.json !== json) upserts.push(item);
  }
  return { upserts, sent: next };
}
