import type { LiveCall, LiveDelta, Presence } from '../../src-shared/domain/live.js';
import type { AmiEvent } from './ami-event.js';
import type { LiveState } from './live-state.js';
import { reduce } from './reducer.js';
import { applySnapshot, type ResyncSnapshot } from './resync.js';
import { selectCalls, selectPresence } from './selectors.js';

/**
 * One site's live state and what the renderer has already been told about it. Events update the
 * state at once; `takeDelta` turns everything since the last push into one delta, so a burst of a
 * thousand events costs one diff, not a thousand pushes.
 */
export class SiteLive {
  private state: LiveState;
  private sentCalls = new Map<string, string>();
  private sentPresence = new Map<string, string>();
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

  calls(): LiveCall[] {
    return selectCalls(this.state);
  }

  presence(): Presence[] {
    return selectPresence(this.state);
  }

  /** What changed since the last delta, or null when nothing did. */
  takeDelta(): LiveDelta | null {
    if (!this.dirty) return null;
    this.dirty = false;
    const reset = this.pendingReset;
    this.pendingReset = false;
    const calls = this.calls();
    const presence = this.presence();
    const nextCalls = new Map<string, string>();
    const upsertCalls: LiveCall[] = [];
    for (const call of calls) {
      const json = JSON.stringify(call);
      nextCalls.set(call.id, json);
      if (reset || this.sentCalls.get(call.id) !== json) upsertCalls.push(call);
    }
    const removeCalls = reset ? [] : [...this.sentCalls.keys()].filter((id) => !nextCalls.has(id));
    const nextPresence = new Map<string, string>();
    const upsertPresence: Presence[] = [];
    for (const entry of presence) {
      const json = JSON.stringify(entry);
      nextPresence.set(entry.extension, json);
      if (reset || this.sentPresence.get(entry.extension) !== json) upsertPresence.push(entry);
    }
    this.sentCalls = nextCalls;
    this.sentPresence = nextPresence;
    if (!reset && upsertCalls.length === 0 && removeCalls.length === 0 && upsertPresence.length === 0) return null;
    return { siteId: this.siteId, reset, upsertCalls, removeCalls, upsertPresence };
  }
}
