import { PersistentMap } from './persistent-map.js';
import type { AmiEvent } from './ami-event.js';
import { BRIDGE_HANDLERS } from './bridge-events.js';
import { CHANNEL_HANDLERS, type Handler } from './channel-events.js';
import type { LiveState } from './live-state.js';
import { PRESENCE_HANDLERS } from './presence-events.js';

/**
 * Shutdown: Asterisk is going down and every call with it; the link will drop and resync later,
 * but the board should not show calls that cannot exist any more in the meantime.
 */
const shutdown: Handler = (s) =>
  s.channels.size === 0 && s.bridges.size === 0 ? s : { ...s, channels: PersistentMap.empty(), bridges: PersistentMap.empty() };

/**
 * Event name → handler. Names are matched exactly as Asterisk spells them (CamelCase, which
 * asterisk-manager keeps in the `event` value); everything else, VarSet and Cdr first of all (the
 * bulk of the traffic), is not a state change and costs one failed lookup.
 */
const HANDLERS: ReadonlyMap<string, Handler> = new Map([...CHANNEL_HANDLERS, ...BRIDGE_HANDLERS, ...PRESENCE_HANDLERS, ['Shutdown', shutdown]]);

/** The event names the reducer acts on, for tests and diagnostics. */
export const HANDLED_EVENTS: readonly string[] = [...HANDLERS.keys()];

/**
 * The reducer without its safety net: throws if a handler has a bug. Tests use it to prove the
 * handlers cope with any input by themselves; everything else uses `reduce`.
 */
export function reduceUnguarded(state: LiveState, event: AmiEvent, now: number): LiveState {
  const name = event.event;
  if (typeof name !== 'string') return state;
  const handler = HANDLERS.get(name);
  return handler === undefined ? state : handler(state, event, Number.isFinite(now) ? now : 0);
}

/**
 * The live state after one AMI event, as asterisk-manager parses it (lower-cased keys). Pure: the
 * input state is never changed, and when the event changes nothing the very same state object is
 * returned, so a caller can skip a push with `next === state`. It never throws: an event it does
 * not know, or one with missing or garbage headers, leaves the state as it was.
 */
export function reduce(state: LiveState, event: AmiEvent, now: number): LiveState {
  try {
    return reduceUnguarded(state, event, now);
  } catch {
    // Only a bug can get here (handlers read defensively, and tests run them unguarded on garbage);
    // a broken event must not stop the board.
    return state;
  }
}
