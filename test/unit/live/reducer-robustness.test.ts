import { describe, expect, it } from 'vitest';
import type { AmiEvent } from '../../../src-main/live/ami-event.js';
import { MAX_TEXT } from '../../../src-main/live/fields.js';
import { emptyLiveState, type LiveState } from '../../../src-main/live/live-state.js';
import { HANDLED_EVENTS, reduce, reduceUnguarded } from '../../../src-main/live/reducer.js';
import { applySnapshot } from '../../../src-main/live/resync.js';
import { selectCalls, selectPresence } from '../../../src-main/live/selectors.js';
import { recordedEvents, recordedScenarios } from '../../support/ami-transcripts.js';
import { prng } from '../../support/prng.js';

/*
 * Property-style checks: whatever arrives (garbage, real events shuffled, cut short or stripped of
 * headers), reduce never throws, never changes the state it was given, keeps text bounded, and the
 * selectors still produce JSON. Seeded, so a failure replays the same way.
 */

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

const HEADERS = [
  'event', 'channel', 'uniqueid', 'linkedid', 'channelstatedesc', 'channelstate', 'calleridnum', 'calleridname', 'connectedlinenum',
  'connectedlinename', 'context', 'exten', 'application', 'appdata', 'newname', 'destchannel', 'destuniqueid', 'destlinkedid',
  'destchannelstatedesc', 'dialstatus', 'bridgeuniqueid', 'bridgetype', 'bridgetechnology', 'tobridgeuniqueid', 'frombridgeuniqueid',
  'localoneuniqueid', 'localtwouniqueid', 'parkeeuniqueid', 'parkingspace', 'parkinglot', 'queue', 'status', 'statustext', 'hint',
  'device', 'state', 'objectname', 'contacts', 'devicestate', 'endpointname', 'aor', 'roundtripusec', 'contactstatus', 'peer',
  'peerstatus', 'time', 'ipaddress', 'family', 'key', 'val', 'duration', 'seconds', 'bridgeid', 'callerid', 'transfereeuniqueid',
];

const HUGE = 'x'.repeat(1_000_000);

function garbageValue(rand: () => number): unknown {
  switch (Math.floor(rand() * 14)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return Math.floor(rand() * 1e9) - 5e8;
    case 3:
      return HUGE;
    case 4:
      return [pick(rand, ['1795447000.1', 'Up', '']), 'second'];
    case 5:
      return { nested: 'object' };
    case 6:
      return [];
    case 7:
      return '<unknown>';
    case 8:
      return pick(rand, ['-2', '-1', '0', '9', '17', '999999999999', 'NaN', '99:99:99', '00:00:01', 'N/A', '(5 ms)']);
    case 9:
      return pick(rand, ['PJSIP/101-00000001', 'Local/101@rg-00000001;1', 'Local/101@rg-00000001;2', 'DAHDI/1-1', 'Custom:DND101', '/CF/101', 'PJSIP/101']);
    case 10:
      return pick(rand, ['Up', 'Ringing', 'Ring', 'Down', 'Busy', 'BUSY', 'INUSE', 'NOT_INUSE', 'basic', 'parking', 'ANSWER', 'Reachable']);
    default:
      // A small pool of ids, so events keep hitting the same legs and bridges.
      return `1795447000.${Math.floor(rand() * 6)}`;
  }
}

function garbageEvent(rand: () => number): unknown {
  const roll = rand();
  if (roll < 0.03) return pick(rand, [null, undefined, 42, 'Event: Newchannel', [], true]);
  const out: Record<string, unknown> = { event: rand() < 0.85 ? pick(rand, HANDLED_EVENTS) : garbageValue(rand) };
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) out[pick(rand, HEADERS)] = garbageValue(rand);
  return out;
}

/** Everything a reduce must leave alone, as text: the maps serialise with their nodes. */
function fingerprint(state: LiveState): string {
  return JSON.stringify(state);
}

function checkTextBounded(state: LiveState): void {
  state.channels.forEach((ch) => {
    for (const value of Object.values(ch)) if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(MAX_TEXT + 4);
  });
}

function checkSelectors(state: LiveState): void {
  expect(() => JSON.stringify(selectCalls(state))).not.toThrow();
  expect(() => JSON.stringify(selectPresence(state))).not.toThrow();
}

const CALL_EVENTS: AmiEvent[] = recordedScenarios().flatMap((s) => recordedEvents(s).map((m) => m.message));

describe('reduce on garbage', () => {
  it.each([1, 2, 3, 4])('seed %i: 3,000 random events never throw nor change the state they were given', (seed) => {
    const rand = prng(seed);
    let state = emptyLiveState('site-1');
    for (let i = 0; i < 3000; i++) {
      const event = garbageEvent(rand) as AmiEvent;
      const before = i % 100 === 0 ? fingerprint(state) : null;
      // Objects only: `reduce` alone takes non-objects (its guard); the handlers must cope without it.
      const next =
        typeof event === 'object' && event !== null
          ? reduceUnguarded(state, event, rand() < 0.05 ? Number.NaN : i)
          : reduce(state, event, i);
      if (before !== null) expect(fingerprint(state)).toBe(before);
      state = next;
      if (i % 500 === 0) checkSelectors(state);
    }
    checkSelectors(state);
    checkTextBounded(state);
  });

  it('survives garbage resync lists too', () => {
    const rand = prng(9);
    const list = () => [null, 42, 'x', [], ...Array.from({ length: 50 }, () => garbageEvent(rand))] as unknown as AmiEvent[];
    const state = applySnapshot(
      emptyLiveState('site-1'),
      {
        channels: list(),
        bridges: list(),
        extensionStates: list(),
        deviceStates: list(),
        endpoints: list(),
        astdb: { families: ['CF', 'nope', ''], items: list() },
        parked: list(),
        queueEntries: list(),
      },
      0,
    );
    checkSelectors(state);
    checkTextBounded(state);
  });
});

describe('reduce on real events out of order', () => {
  it.each([11, 12, 13])('seed %i: the recorded events shuffled, stripped and cut short', (seed) => {
    const rand = prng(seed);
    const events = [...CALL_EVENTS];
    for (let i = events.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [events[i], events[j]] = [events[j], events[i]];
    }
    let state = emptyLiveState('site-1');
    for (let i = 0; i < events.length; i++) {
      const original = events[i];
      const damaged: Record<string, unknown> = { ...original };
      for (const key of Object.keys(damaged)) {
        const roll = rand();
        if (roll < 0.1 && key !== 'event') delete damaged[key];
        else if (roll < 0.15 && typeof damaged[key] === 'string') damaged[key] = (damaged[key] as string).slice(0, Math.floor(rand() * 6));
      }
      const before = i % 200 === 0 ? fingerprint(state) : null;
      const next = reduceUnguarded(state, damaged as AmiEvent, i);
      if (before !== null) expect(fingerprint(state)).toBe(before);
      state = next;
    }
    checkSelectors(state);
  });

  it('every recorded stream in order, then backwards, leaves a board the selectors can show', () => {
    let state = emptyLiveState('site-1');
    for (const event of CALL_EVENTS) state = reduce(state, event, 1);
    expect(selectCalls(state)).toEqual([]);
    for (const event of [...CALL_EVENTS].reverse()) state = reduce(state, event, 2);
    checkSelectors(state);
  });
});
