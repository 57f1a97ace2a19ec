import { describe, expect, it } from 'vitest';
import type { AmiEvent } from '../../../src-main/live/ami-event.js';
import { LiveBoard } from '../../../src-main/live/live-board.js';
import { selectCalls, selectPresence } from '../../../src-main/live/selectors.js';
import { SiteLive } from '../../../src-main/live/site-live.js';
import { emptyLiveState } from '../../../src-main/live/live-state.js';
import { reduce } from '../../../src-main/live/reducer.js';
import { parseRecordedStream } from '../../../src-main/ami/ami-connection.js';
import { CallEngine } from '../../../src-main/sim/ami/calls.js';
import { Clock } from '../../../src-main/sim/ami/clock.js';
import { resolveConfig } from '../../../src-main/sim/ami/config.js';
import { PbxModel } from '../../../src-main/sim/ami/model.js';
import { Random } from '../../../src-main/sim/random.js';
import { TrafficGenerator } from '../../../src-main/sim/ami/traffic.js';
import { formatMessage } from '../../../src-main/sim/ami/wire.js';
import { recordedEvents, recordedScenarios } from '../../support/ami-transcripts.js';
import { header, is, Replay } from '../../support/live-replay.js';

/*
 * The pushes a site's board gets. The board rebuilds only what each update touched, so unchanged
 * calls are neither rebuilt nor re-sent; it must never show a stale call, so at every step of
 * every recording it must agree with selecting from scratch.
 */

function agreeAtEveryStep(r: Replay): void {
  const board = new LiveBoard();
  for (const step of r.steps) {
    board.update(step.state);
    const fresh = { calls: selectCalls(step.state), presence: selectPresence(step.state) };
    const shown = { calls: board.calls, presence: board.presence };
    // Compared as JSON first: toEqual on every one of thousands of steps is slow; on a difference it shows it.
    if (JSON.stringify(shown) !== JSON.stringify(fresh)) expect(shown).toEqual(fresh);
  }
}

/** Phones known only as registered peers: presence then comes from their legs. */
const HINT_EVENTS: ReadonlySet<unknown> = new Set(['ExtensionStatus', 'DeviceStateChange']);
const withoutHints = emptyLiveState('site-1');
const registeredPeers = ['100', '101', '102', '103', '104'].reduce(
  (state, ext, i) => reduce(state, { event: 'PeerStatus', peer: `PJSIP/${ext}`, peerstatus: 'Reachable' } as AmiEvent, i),
  withoutHints,
);

describe('the incremental board', () => {
  it.each(recordedScenarios())('agree with a fresh selection after every event of %s', (scenario) => {
    agreeAtEveryStep(new Replay(recordedEvents(scenario)));
  });

  it.each(recordedScenarios())('agree with a fresh selection on a PBX without hints, after every event of %s', (scenario) => {
    const events = recordedEvents(scenario).filter((m) => !HINT_EVENTS.has(m.message.event));
    agreeAtEveryStep(new Replay(events, registeredPeers));
  });
});

/** AMI events of a few minutes of the demo PBX's synthetic traffic, through the real parser. */
async function syntheticEvents(seed: number): Promise<AmiEvent[]> {
  const clock = new Clock({ mode: 'manual', startMs: 1_800_000_000_000 });
  const frames: string[] = [];
  const model = new PbxModel(resolveConfig({ extensions: 30, trunk: true }), clock, new Random(seed), (_class, headers) => frames.push(formatMessage(headers)));
  const traffic = new TrafficGenerator(model, new CallEngine(model, clock), clock, { rate: 2, ringMs: [500, 4_000], talkMs: [2_000, 20_000] }, seed);
  traffic.start();
  for (let t = 0; t < 90_000; t += 250) clock.advance(250);
  traffic.stop();
  const events: AmiEvent[] = [];
  await parseRecordedStream(Buffer.from(frames.join(''), 'latin1'), (message) => events.push(message));
  return events;
}

describe('the incremental board under synthetic traffic', () => {
  it.each([1, 2, 3])('agrees with a fresh selection after every event (seed %i)', async (seed) => {
    const events = await syntheticEvents(seed);
    // Transfers, parks, queues and ring groups all take part.
    expect(events.filter((e) => e.event === 'BlindTransfer' || e.event === 'AttendedTransfer').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.event === 'ParkedCall').length).toBeGreaterThan(0);
    agreeAtEveryStep(new Replay(events.map((message, i) => ({ t: 1_800_000_000_000 + i, conn: 1, message }))));
  }, 30_000);
});

describe('SiteLive deltas', () => {
  // 06: 101 originates to 102; 08 brings two unrelated calls up at once.
  const r = new Replay(recordedEvents('06-originate-bridged-101-102'));
  const bridgedAt = r.indexOf(is('BridgeEnter', { bridgenumchannels: '2' }));
  const leg101 = r.message(is('Newchannel', { channel: /^PJSIP\/101-/ }));

  function liveAt(index: number): SiteLive {
    const live = new SiteLive('site-1', emptyLiveState('site-1'));
    r.steps.slice(0, index + 1).forEach((step) => live.apply(step.message, step.t));
    return live;
  }

  it('sends the whole board once as a reset, then nothing while nothing changes', () => {
    const live = liveAt(bridgedAt);
    const first = live.takeDelta();
    expect(first).toMatchObject({ reset: true, removeCalls: [] });
    expect(first?.upsertCalls.map((c) => c.id)).toEqual([header(leg101, 'uniqueid')]);
    expect(live.takeDelta()).toBeNull();
    // An event about nobody on the board changes nothing a person could see.
    live.apply({ event: 'VarSet', channel: header(leg101, 'channel'), uniqueid: header(leg101, 'uniqueid'), variable: 'X', value: '1' } as AmiEvent, 1);
    expect(live.takeDelta()).toBeNull();
  });

  it('sends only the call an event changed, and its removal when it ends', () => {
    const live = liveAt(bridgedAt);
    live.takeDelta();
    const second = { event: 'Newchannel', channel: 'PJSIP/104-000000aa', uniqueid: '1999999999.1', linkedid: '1999999999.1', channelstate: '4', channelstatedesc: 'Ring', calleridnum: '104', calleridname: 'Dave', exten: '103', context: 'internal' } as AmiEvent;
    live.apply(second, 2);
    const added = live.takeDelta();
    expect(added?.upsertCalls.map((c) => c.id)).toEqual(['1999999999.1']);
    expect(added?.reset).toBe(false);

    live.apply({ event: 'Hold', channel: header(leg101, 'channel'), uniqueid: header(leg101, 'uniqueid'), linkedid: header(leg101, 'uniqueid') } as AmiEvent, 3);
    const held = live.takeDelta();
    expect(held?.upsertCalls).toMatchObject([{ id: header(leg101, 'uniqueid'), state: 'on-hold' }]);

    live.apply({ event: 'Hangup', channel: 'PJSIP/104-000000aa', uniqueid: '1999999999.1', linkedid: '1999999999.1', cause: '16' } as AmiEvent, 4);
    const ended = live.takeDelta();
    expect(ended).toMatchObject({ upsertCalls: [], removeCalls: ['1999999999.1'] });
  });
});
