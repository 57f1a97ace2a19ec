import { describe, expect, it } from 'vitest';
import type { LiveCall } from '../../../src-shared/domain/live.js';
import type { AmiEvent } from '../../../src-main/live/ami-event.js';
import { emptyLiveState, type LiveState } from '../../../src-main/live/live-state.js';
import { reduce } from '../../../src-main/live/reducer.js';
import { applySnapshot, stateFromSnapshot, type ResyncSnapshot } from '../../../src-main/live/resync.js';
import { selectCalls, selectPresence } from '../../../src-main/live/selectors.js';
import { recordedMessages, recordedScenarios, type RecordedMessage } from '../../support/ami-transcripts.js';
import { header, is, Replay } from '../../support/live-replay.js';

/*
 * The resync against the recorded streams: wherever a scenario asked CoreShowChannels mid-call,
 * the state rebuilt from the lists alone must show the same calls as the state built from events,
 * and a resync on top of the event-built state must not lose what only events know.
 */

/** The items of the list answered under `response` (matched by ActionID). */
function itemsOf(messages: readonly RecordedMessage[], response: AmiEvent, event: string): AmiEvent[] {
  const id = header(response, 'actionid');
  return messages.filter((m) => m.message.event === event && header(m.message, 'actionid') === id).map((m) => m.message);
}

const recorded = new Map<string, RecordedMessage[]>();

/** One parse per scenario, so messages can be found again by identity. */
function messagesOf(scenario: string): RecordedMessage[] {
  let messages = recorded.get(scenario);
  if (!messages) recorded.set(scenario, (messages = recordedMessages(scenario, 1)));
  return messages;
}

interface SnapshotPoint {
  scenario: string;
  t: number;
  response: AmiEvent;
  channels: AmiEvent[];
  /** BridgeList and Status answered right after it, when the scenario asked for them. */
  bridges?: AmiEvent[];
  status?: AmiEvent[];
}

function snapshotPoints(scenario: string): SnapshotPoint[] {
  const messages = messagesOf(scenario);
  const responses = messages.filter((m) => typeof m.message.response === 'string');
  const points: SnapshotPoint[] = [];
  responses.forEach((r, i) => {
    if (header(r.message, 'message') !== 'Channels will follow') return;
    const point: SnapshotPoint = { scenario, t: r.t, response: r.message, channels: itemsOf(messages, r.message, 'CoreShowChannel') };
    for (const next of responses.slice(i + 1, i + 3)) {
      if (header(next.message, 'message') === 'Bridge listing will follow') point.bridges = itemsOf(messages, next.message, 'BridgeListItem');
      if (header(next.message, 'message') === 'Channel status will follow') point.status = itemsOf(messages, next.message, 'Status');
    }
    points.push(point);
  });
  return points;
}

const POINTS = recordedScenarios().flatMap(snapshotPoints);
const MID_CALL = POINTS.filter((p) => p.channels.length > 0);

/** Calls without their times: a list knows durations to the second, events to the millisecond. */
function timeless(calls: LiveCall[]): unknown[] {
  return calls.map(({ startedAt: _s, answeredAt, ...rest }) => ({ ...rest, answered: answeredAt !== null }));
}

function eventStateAt(point: SnapshotPoint): LiveState {
  return new Replay(messagesOf(point.scenario)).before((m) => m === point.response);
}

describe('stateFromSnapshot against the recorded CoreShowChannels', () => {
  it('has mid-call snapshots to compare (05, 06 and 10 ask during calls)', () => {
    expect(new Set(MID_CALL.map((p) => p.scenario))).toEqual(
      new Set(['05-originate-3-concurrent', '06-originate-bridged-101-102', '10-blind-transfer-redirect']),
    );
    expect(MID_CALL.find((p) => p.scenario.startsWith('05'))?.bridges).toHaveLength(1);
    expect(MID_CALL.find((p) => p.scenario.startsWith('05'))?.status).toHaveLength(5);
  });

  it.each(POINTS.map((p) => [`${p.scenario} @${p.t}ms (${p.channels.length} legs)`, p] as const))(
    '%s: the lists alone show the calls the events built',
    (_name, point) => {
      const fromEvents = eventStateAt(point);
      const rebuilt = stateFromSnapshot('site-1', { channels: point.channels, bridges: point.bridges }, point.t);
      expect(rebuilt.channels.keys().sort()).toEqual(fromEvents.channels.keys().sort());
      expect(timeless(selectCalls(rebuilt))).toEqual(timeless(selectCalls(fromEvents)));
    },
  );

  it('rebuilds the same calls from the Status action as from CoreShowChannels (05)', () => {
    const point = MID_CALL.find((p) => p.status !== undefined);
    if (!point?.status) throw new Error('05 has a Status list');
    const fromStatus = stateFromSnapshot('site-1', { channels: point.status, bridges: point.bridges }, point.t);
    expect(timeless(selectCalls(fromStatus))).toEqual(timeless(selectCalls(eventStateAt(point))));
  });

  it('dates legs back by their reported duration and counts up legs as answered', () => {
    const point = MID_CALL.find((p) => p.scenario.startsWith('06'));
    if (!point) throw new Error('06 has a mid-call snapshot');
    const [call] = selectCalls(stateFromSnapshot('site-1', { channels: point.channels }, point.t));
    // 06 lists PJSIP/101 with Duration 00:00:04, PJSIP/102 with 00:00:02.
    expect(call.startedAt).toBe(point.t - 4000);
    expect(call.answeredAt).not.toBeNull();
    expect(call.answeredAt).toBeGreaterThanOrEqual(call.startedAt);
  });
});

describe('applySnapshot on top of the event-built state', () => {
  it.each(MID_CALL.map((p) => [`${p.scenario} @${p.t}ms`, p] as const))('%s: keeps what only events know, times included', (_name, point) => {
    const fromEvents = eventStateAt(point);
    const resynced = applySnapshot(fromEvents, { channels: point.channels, bridges: point.bridges }, point.t);
    expect(selectCalls(resynced)).toEqual(selectCalls(fromEvents));
    expect(selectPresence(resynced)).toEqual(selectPresence(fromEvents));
  });

  it('drops a ghost call the link never saw end, and restores a call it never saw start', () => {
    const point = MID_CALL.find((p) => p.scenario.startsWith('06'));
    if (!point) throw new Error('06 has a mid-call snapshot');
    // A ringing 103 left over from scenario 08 (its Hangup lost with the connection).
    const ghost = new Replay(recordedMessages('08-originate-no-answer-103', 1)).before(is('OriginateResponse'));
    expect(selectCalls(ghost)).toHaveLength(1);
    const resynced = applySnapshot(ghost, { channels: point.channels }, point.t);
    const calls = selectCalls(resynced);
    expect(calls).toHaveLength(1);
    expect(calls[0].from.extension).toBe('101');
    expect(calls[0].to.map((p) => p.extension)).toEqual(['102']);
    expect(calls[0].state).toBe('up');
  });

  it('an empty CoreShowChannels clears every call; an absent list keeps them', () => {
    const point = MID_CALL.find((p) => p.scenario.startsWith('06'));
    if (!point) throw new Error('06 has a mid-call snapshot');
    const live = eventStateAt(point);
    expect(selectCalls(applySnapshot(live, { channels: [] }, point.t))).toEqual([]);
    expect(applySnapshot(live, {}, point.t)).toBe(live);
  });

  it('lets the lists win on state, caller ID and bridge, while keeping exact start times', () => {
    const point = MID_CALL.find((p) => p.scenario.startsWith('10'));
    if (!point) throw new Error('10 has a mid-call snapshot');
    const live = eventStateAt(point);
    const changed = point.channels.map((item) => ({ ...item, calleridname: 'Renamed', bridgeid: '' }));
    const resynced = applySnapshot(live, { channels: changed }, point.t);
    expect(resynced.bridges.size).toBe(0);
    for (const ch of resynced.channels.values()) {
      expect(ch.callerName).toBe('Renamed');
      expect(ch.bridgeId).toBeNull();
      expect(ch.startedAt).toBe(live.channels.get(ch.uniqueid)?.startedAt);
    }
  });
});

/**
 * What AmiLink and SiteLive do with the events held during a resync: the lists first, then the held
 * events through the reducer, in order.
 */
function afterResync(previous: LiveState, snapshot: ResyncSnapshot, held: readonly RecordedMessage[], now: number): LiveState {
  return held.reduce((s, m) => reduce(s, m.message, m.t), applySnapshot(previous, snapshot, now));
}

describe('events that arrive while the lists are collected', () => {
  const point = MID_CALL.find((p) => p.scenario.startsWith('10') && p.t < 5000);
  if (!point) throw new Error('10 has a snapshot before the transfer');
  const messages = messagesOf(point.scenario);
  const at = messages.findIndex((m) => m.message === point.response);

  it('are applied after the lists, so a call that started meanwhile is not lost', () => {
    // A ringing 103 (scenario 08) starts while 10's lists are being collected.
    const other = recordedMessages('08-originate-no-answer-103', 1);
    const meanwhile = other.slice(0, other.findIndex((m) => m.message.event === 'OriginateResponse'));
    const live = meanwhile.reduce((s, m) => reduce(s, m.message, m.t), eventStateAt(point));
    expect(selectCalls(live)).toHaveLength(2);
    expect(selectCalls(applySnapshot(live, { channels: point.channels }, point.t))).toHaveLength(1);
    const resynced = afterResync(live, { channels: point.channels }, meanwhile, point.t);
    expect(selectCalls(resynced).map((c) => c.from.extension).sort()).toEqual(['100', '103']);
    // …and its later events still apply.
    const ended = other.slice(other.findIndex((m) => m.message.event === 'OriginateResponse')).reduce((s, m) => reduce(s, m.message, m.t), resynced);
    expect(selectCalls(ended).map((c) => c.from.extension)).toEqual(['100']);
  });

  it.each([
    ['from well before the list, through the transfer', 40, 'BridgeEnter'],
    ['from just before the list, through the transfer', 3, 'BridgeEnter'],
    ['from just before the list, to the end', 3, 'Hangup'],
  ] as const)('applied %s: the board the events alone give', (_name, back, until) => {
    const lastIndex = messages.map((m) => m.message.event).lastIndexOf(until);
    const resynced = afterResync(emptyLiveState('site-1'), { channels: point.channels }, messages.slice(at - back, lastIndex + 1), point.t);
    const fromEvents = new Replay(messages).steps[lastIndex].state;
    expect(timeless(selectCalls(resynced))).toEqual(timeless(selectCalls(fromEvents)));
  });
});

describe('presence and AstDB at resync', () => {
  /** 14's list items, grouped as a resync would collect them. */
  function lists14(): ResyncSnapshot {
    const items = recordedMessages('14-state-lists', 1).map((m) => m.message);
    const named = (...events: string[]) => items.filter((m) => events.includes(String(m.event)));
    return {
      extensionStates: named('ExtensionStatus'),
      deviceStates: named('DeviceStateChange'),
      endpoints: named('EndpointList', 'EndpointDetail', 'ContactStatusDetail'),
    };
  }

  it('builds the same presence from the lists as the events did (14)', () => {
    const fromEvents = new Replay(recordedMessages('14-state-lists', 1)).final;
    expect(selectPresence(stateFromSnapshot('site-1', lists14(), 0))).toEqual(selectPresence(fromEvents));
  });

  it('replaces stale presence wholesale: a hint that changed while disconnected, an endpoint gone', () => {
    let stale = emptyLiveState('site-1');
    stale = reduce(stale, { event: 'ExtensionStatus', exten: '105', status: '0', statustext: 'Idle', hint: 'PJSIP/105' }, 0);
    stale = reduce(stale, { event: 'EndpointList', objectname: '106', devicestate: 'Not in use', contacts: '106/sip:106@10.0.0.6,' }, 0);
    const fresh = applySnapshot(stale, lists14(), 1);
    expect(selectPresence(fresh).find((p) => p.extension === '105')?.state).toBe('unavailable');
    expect(selectPresence(fresh).find((p) => p.extension === '106')).toBeUndefined();
  });

  it('refreshes one AstDB family: a deleted forward disappears, other families stay (15)', () => {
    const withForward = new Replay(recordedMessages('15-astdb-callforward', 1)).after(is('DBGetTreeResponse'));
    const dnd = reduce(withForward, { event: 'DBGetTreeResponse', key: '/DND/101', val: 'YES' }, 0);
    const forward = (s: LiveState) => selectPresence(s).find((p) => p.extension === '101');
    expect(forward(dnd)).toMatchObject({ forward: { always: '104' }, dnd: true, state: 'dnd' });
    // 15 then runs DBDel CF/101: a DBGetTree of CF answers nothing.
    const cleared = applySnapshot(dnd, { astdb: { families: ['CF'], items: [] } }, 1);
    expect(forward(cleared)).toMatchObject({ forward: { always: null, busy: null, noAnswer: null }, dnd: true });
    // Items of families not read are not taken: they might be stale.
    const stray = applySnapshot(cleared, { astdb: { families: ['CFB'], items: [{ event: 'DBGetTreeResponse', key: '/CF/101', val: '555' }] } }, 2);
    expect(forward(stray)?.forward.always).toBeNull();
  });

  it('takes the whole AstDB picture of a resync, FreePBX and SARK families alike', () => {
    const state = stateFromSnapshot(
      'site-1',
      {
        astdb: {
          families: ['DND', 'CF', 'CFB', 'CFU', 'cfim', 'cfbs'],
          items: [
            { event: 'DBGetTreeResponse', key: '/CFB/201', val: '300' },
            { event: 'DBGetTreeResponse', key: '/CFU/201', val: '0612345678' },
            { event: 'DBGetTreeResponse', key: '/cfim/202', val: '203' },
            { event: 'DBGetTreeResponse', key: '/cfbs/202', val: '204' },
            { event: 'DBGetResponse', family: 'DND', key: '203', val: 'YES' },
            { event: 'DBGetTreeResponse', key: '/AMPUSER/201/cidname', val: 'not a forward' },
          ],
        },
      },
      0,
    );
    const presence = selectPresence(state);
    expect(presence.map((p) => [p.extension, p.forward, p.dnd])).toEqual([
      ['201', { always: null, busy: '300', noAnswer: '0612345678' }, false],
      ['202', { always: '203', busy: '204', noAnswer: null }, false],
      ['203', { always: null, busy: null, noAnswer: null }, true],
    ]);
  });
});

describe('parking and queues at resync', () => {
  const parkee = { event: 'CoreShowChannel', channel: 'PJSIP/trunk-00000010', uniqueid: '1795447800.1', linkedid: '1795447800.1', channelstatedesc: 'Up', calleridnum: '0612345678', application: 'Park', duration: '00:00:30', bridgeid: 'park-lot-1' };

  it('shows a call parked at the space the ParkedCalls list reports', () => {
    const parked = { event: 'ParkedCall', parkeeuniqueid: '1795447800.1', parkeechannel: 'PJSIP/trunk-00000010', parkingspace: '701', parkinglot: 'default' };
    const state = stateFromSnapshot('site-1', { channels: [parkee], parked: [parked] }, 60_000);
    expect(selectCalls(state)).toMatchObject([{ state: 'parked', parkedAt: '701', startedAt: 30_000, from: { number: '0612345678', state: 'parked' } }]);
    // A later ParkedCalls list without it: retrieved.
    expect(selectCalls(applySnapshot(state, { parked: [] }, 61_000))).toMatchObject([{ state: 'up', parkedAt: null }]);
  });

  it('keeps a queue wait known from events only while the leg still runs Queue()', () => {
    const caller = { event: 'CoreShowChannel', channel: 'PJSIP/100-00000015', uniqueid: '1795447714.29', linkedid: '1795447714.29', channelstatedesc: 'Up', application: 'Queue', duration: '00:00:05', bridgeid: '' };
    let live = stateFromSnapshot('site-1', { channels: [caller] }, 5000);
    live = reduce(live, { event: 'QueueCallerJoin', channel: caller.channel, uniqueid: caller.uniqueid, queue: 'support' }, 5001);
    expect(selectCalls(applySnapshot(live, { channels: [caller] }, 6000))[0]).toMatchObject({ state: 'in-queue', queue: 'support' });
    const answered = { ...caller, application: 'AppQueue' };
    expect(selectCalls(applySnapshot(live, { channels: [answered] }, 6000))[0]).toMatchObject({ state: 'up', queue: 'support' });
    const entry = { event: 'QueueEntry', queue: 'support', channel: caller.channel, uniqueid: caller.uniqueid };
    expect(selectCalls(applySnapshot(live, { channels: [answered], queueEntries: [entry] }, 6000))[0].state).toBe('in-queue');
  });
});
