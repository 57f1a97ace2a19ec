import type { AmiEvent } from '../../src-main/live/ami-event.js';
import { emptyLiveState, type LiveState } from '../../src-main/live/live-state.js';
import { reduce } from '../../src-main/live/reducer.js';
import type { RecordedMessage } from './ami-transcripts.js';

/*
 * Runs recorded messages through the live-state reducer and keeps the state after every one (the
 * states are persistent, so keeping them all costs little), so a test can look at "the board right
 * after the second BridgeEnter" without replaying by hand. Each message's arrival offset is the
 * reducer's clock.
 */

export type Matcher = (message: AmiEvent) => boolean;

/**
 * Matches an event by name and header values: a string must be equal, a RegExp must match.
 * `is('BridgeEnter', { channel: /^PJSIP\/101-/, bridgenumchannels: '2' })`.
 */
export function is(event: string, fields: Record<string, string | RegExp> = {}): Matcher {
  return (m) => {
    if (m.event !== event) return false;
    for (const [key, want] of Object.entries(fields)) {
      const value = m[key];
      if (typeof value !== 'string') return false;
      if (typeof want === 'string' ? value !== want : !want.test(value)) return false;
    }
    return true;
  };
}

export interface Step {
  t: number;
  message: AmiEvent;
  /** The state after this message. */
  state: LiveState;
}

export class Replay {
  readonly steps: Step[] = [];
  readonly initial: LiveState;

  constructor(messages: readonly RecordedMessage[], initial: LiveState = emptyLiveState('site-1')) {
    this.initial = initial;
    let state = initial;
    for (const { t, message } of messages) {
      state = reduce(state, message, t);
      this.steps.push({ t, message, state });
    }
  }

  get final(): LiveState {
    return this.steps.at(-1)?.state ?? this.initial;
  }

  /** Index of the nth (1-based) message matching, or an error naming what was looked for. */
  indexOf(match: Matcher, nth = 1): number {
    let seen = 0;
    for (let i = 0; i < this.steps.length; i++) {
      if (match(this.steps[i].message) && ++seen === nth) return i;
    }
    throw new Error(`no message #${nth} matching ${match.toString()}`);
  }

  /** The state right after the nth matching message. */
  after(match: Matcher, nth = 1): LiveState {
    return this.steps[this.indexOf(match, nth)].state;
  }

  /** The state right before the nth matching message. */
  before(match: Matcher, nth = 1): LiveState {
    const i = this.indexOf(match, nth);
    return i === 0 ? this.initial : this.steps[i - 1].state;
  }

  message(match: Matcher, nth = 1): AmiEvent {
    return this.steps[this.indexOf(match, nth)].message;
  }

  /** When the nth matching message arrived. */
  tOf(match: Matcher, nth = 1): number {
    return this.steps[this.indexOf(match, nth)].t;
  }
}

/** A header of a message as text ('' when absent): for picking ids out of recorded events. */
export function header(message: AmiEvent, key: string): string {
  const value = message[key];
  return typeof value === 'string' ? value : '';
}
