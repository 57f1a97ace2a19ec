import { describe, expect, it } from 'vitest';
import type { LiveCall, LiveParty, Presence } from '../../../src-shared/domain/live.js';
import type { LiveState } from '../../../src-main/live/live-state.js';
import { selectCalls, selectPresence } from '../../../src-main/live/selectors.js';
import { condensedSequence, recordedEvents, recordedScenarios } from '../../support/ami-transcripts.js';
import { header, is, Replay } from '../../support/live-replay.js';

/*
 * Every recorded scenario through the reducer, checked at the moments a receptionist would look,
 * against what NOTES.md §5 says happened on the real PBX (extensions 100 operator, 101 Alice,
 * 102 Bob, 103 Carol rings forever, 104 Dave, 105 Eve unregistered; 600 ring group; 700 queue).
 * Ids are read from the recorded Newchannel events, never from the reducer's output.
 */

function replay(scenario: string, conn?: number): Replay {
  return new Replay(recordedEvents(scenario, conn));
}

/** The Uniqueid of the first Newchannel whose name starts with `prefix`: for a leg that starts a call, its Linkedid. */
function uniqueidOf(r: Replay, prefix: string): string {
  return header(r.message(is('Newchannel', { channel: new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`) })), 'uniqueid');
}

function exts(parties: readonly LiveParty[]): Array<string | null> {
  return parties.map((p) => p.extension).sort();
}

function onlyCall(state: LiveState): LiveCall {
  const calls = selectCalls(state);
  expect(calls).toHaveLength(1);
  return calls[0];
}

function presenceOf(state: LiveState, extension: string): Presence {
  const entry = selectPresence(state).find((p) => p.extension === extension);
  if (!entry) throw new Error(`no presence for ${extension}`);
  return entry;
}

function everyStep(r: Replay, check: (state: LiveState) => void): void {
  for (const step of r.steps) check(step.state);
}

describe('06 click-to-dial: Originate PJSIP/101 → 102', () => {
  const r = replay('06-originate-bridged-101-102');
  const L = uniqueidOf(r, 'PJSIP/101-');

  it('rings the operator phone 101 first, as the call of Linkedid = its Uniqueid', () => {
    const call = onlyCall(r.after(is('Newstate', { channel: /^PJSIP\/101-/, channelstatedesc: 'Ringing' })));
    expect(call).toMatchObject({ id: L, state: 'ringing', answeredAt: null, to: [] });
    expect(call.from).toMatchObject({ extension: '101', state: 'ringing' });
    expect(presenceOf(r.after(is('ExtensionStatus', { exten: '101', statustext: 'Ringing' })), '101').state).toBe('ringing');
  });

  it('then rings 102 from 101', () => {
    const call = onlyCall(r.after(is('Newstate', { channel: /^PJSIP\/102-/, channelstatedesc: 'Ringing' })));
    expect(call).toMatchObject({ id: L, state: 'ringing', answeredAt: null });
    expect(call.from).toMatchObject({ extension: '101', state: 'up' });
    expect(call.to).toMatchObject([{ extension: '102', state: 'ringing' }]);
  });

  it('is one call 101 ↔ 102, up, answered when Dial answered, once both are bridged', () => {
    const dialAnswered = r.tOf(is('DialEnd', { destchannel: /^PJSIP\/102-/, dialstatus: 'ANSWER' }));
    const call = onlyCall(r.after(is('BridgeEnter', { bridgenumchannels: '2' })));
    expect(call).toMatchObject({ id: L, state: 'up', answeredAt: dialAnswered, queue: null, parkedAt: null });
    expect(call.from).toMatchObject({ extension: '101', state: 'up', channel: expect.stringMatching(/^PJSIP\/101-/) });
    expect(call.to).toMatchObject([{ extension: '102', state: 'up', channel: expect.stringMatching(/^PJSIP\/102-/) }]);
    expect(call.startedAt).toBe(r.tOf(is('Newchannel', { uniqueid: L })));
  });

  it('shows 101 and 102 in use and talking to each other', () => {
    const state = r.after(is('ExtensionStatus', { exten: '102', statustext: 'InUse' }));
    expect(presenceOf(state, '101')).toMatchObject({ state: 'in-use', talkingTo: ['102'], name: 'Alice' });
    expect(presenceOf(state, '102')).toMatchObject({ state: 'in-use', talkingTo: ['101'], name: 'Bob' });
  });

  it('is ending once 102 hangs up, and gone after both Hangups; both phones idle', () => {
    expect(onlyCall(r.after(is('HangupRequest', { channel: /^PJSIP\/102-/ }))).state).toBe('ending');
    expect(selectCalls(r.after(is('Hangup'), 2))).toEqual([]);
    expect(presenceOf(r.final, '101')).toMatchObject({ state: 'idle', talkingTo: [] });
    expect(presenceOf(r.final, '102')).toMatchObject({ state: 'idle', talkingTo: [] });
  });

  it('never shows more than this one call', () => {
    everyStep(r, (state) => expect(selectCalls(state).every((c) => c.id === L)).toBe(true));
  });
});

describe('07 phone 100 calls 102', () => {
  const r = replay('07-phone-100-calls-102');
  const L = uniqueidOf(r, 'PJSIP/100-');

  it('while 102 rings: 100 dialing, 102 ringing, 100 in use', () => {
    const state = r.after(is('ExtensionStatus', { exten: '100', statustext: 'InUse' }));
    const call = onlyCall(state);
    expect(call).toMatchObject({ id: L, state: 'ringing', answeredAt: null });
    expect(call.from).toMatchObject({ extension: '100', state: 'dialing' });
    expect(call.to).toMatchObject([{ extension: '102', state: 'ringing' }]);
    expect(presenceOf(state, '100').state).toBe('in-use');
    expect(presenceOf(state, '102')).toMatchObject({ state: 'ringing', talkingTo: ['100'] });
  });

  it('bridged: 100 ↔ 102 up, answered at the DialEnd ANSWER', () => {
    const call = onlyCall(r.after(is('BridgeEnter', { bridgenumchannels: '2' })));
    expect(call).toMatchObject({ id: L, state: 'up', answeredAt: r.tOf(is('DialEnd', { dialstatus: 'ANSWER' })) });
    expect([call.from.extension, ...exts(call.to)]).toEqual(['100', '102']);
  });

  it('ends with no call and both phones idle', () => {
    expect(selectCalls(r.final)).toEqual([]);
    expect(presenceOf(r.final, '100').state).toBe('idle');
    expect(presenceOf(r.final, '102').state).toBe('idle');
  });
});

describe('08 originate to 103, not answered', () => {
  const r = replay('08-originate-no-answer-103');

  it('shows 103 ringing, unanswered, until its Hangup', () => {
    for (const state of [r.after(is('DialState', { dialstatus: 'RINGING' })), r.after(is('OriginateResponse'))]) {
      const call = onlyCall(state);
      expect(call).toMatchObject({ id: uniqueidOf(r, 'PJSIP/103-'), state: 'ringing', answeredAt: null, to: [] });
      expect(call.from).toMatchObject({ extension: '103', state: 'ringing' });
    }
    expect(presenceOf(r.after(is('ExtensionStatus', { exten: '103', statustext: 'Ringing' })), '103').state).toBe('ringing');
  });

  it('then nothing, and 103 idle', () => {
    expect(selectCalls(r.after(is('Hangup')))).toEqual([]);
    expect(presenceOf(r.final, '103').state).toBe('idle');
  });
});

describe('09 phone 100 calls 103, no answer', () => {
  const r = replay('09-phone-100-calls-103-no-answer');

  it('rings 103 from 100', () => {
    const call = onlyCall(r.after(is('DialState', { dialstatus: 'RINGING' })));
    expect(call).toMatchObject({ id: uniqueidOf(r, 'PJSIP/100-'), state: 'ringing', answeredAt: null });
    expect(call.from.extension).toBe('100');
    expect(call.to).toMatchObject([{ extension: '103', state: 'ringing' }]);
  });

  it('after NOANSWER and 103 hung up, 100 alone is ending; then nothing', () => {
    const call = onlyCall(r.after(is('SoftHangupRequest', { channel: /^PJSIP\/100-/ })));
    expect(call).toMatchObject({ state: 'ending', to: [], answeredAt: null });
    expect(selectCalls(r.final)).toEqual([]);
    expect(presenceOf(r.final, '103').state).toBe('idle');
  });
});

describe('10 blind transfer with Redirect: 100 ↔ 101, then 100 → 104', () => {
  const r = replay('10-blind-transfer-redirect');
  const L = uniqueidOf(r, 'PJSIP/100-');
  const answered = r.tOf(is('DialEnd', { destchannel: /^PJSIP\/101-/, dialstatus: 'ANSWER' }));

  it('starts as 100 ↔ 101, up', () => {
    const call = onlyCall(r.after(is('BridgeEnter', { bridgenumchannels: '2' })));
    expect(call).toMatchObject({ id: L, state: 'up', answeredAt: answered });
    expect([call.from.extension, ...exts(call.to)]).toEqual(['100', '101']);
  });

  it('keeps the call while 101 drops out and 104 rings, answered time unchanged', () => {
    const alone = onlyCall(r.after(is('Hangup', { channel: /^PJSIP\/101-/ })));
    expect(alone).toMatchObject({ id: L, to: [], answeredAt: answered });
    expect(alone.from.extension).toBe('100');
    const ringing = onlyCall(r.after(is('Newstate', { channel: /^PJSIP\/104-/, channelstatedesc: 'Ringing' })));
    expect(ringing).toMatchObject({ id: L, state: 'ringing', answeredAt: answered });
    expect(ringing.to).toMatchObject([{ extension: '104', state: 'ringing' }]);
  });

  it('ends the transfer as 100 ↔ 104 under the same Linkedid', () => {
    const call = onlyCall(r.after(is('BridgeEnter', { bridgenumchannels: '2' }), 2));
    expect(call).toMatchObject({ id: L, state: 'up', answeredAt: answered });
    expect([call.from.extension, ...exts(call.to)]).toEqual(['100', '104']);
    everyStep(r, (state) => expect(selectCalls(state).every((c) => c.id === L)).toBe(true));
    expect(selectCalls(r.final)).toEqual([]);
  });
});

describe('10b blind transfer with the BlindTransfer action (condensed sequence)', () => {
  const r = new Replay(condensedSequence('10b-blind-transfer-action'));
  const L = uniqueidOf(r, 'PJSIP/100-');

  it('survives the transfer events and ends 100 ↔ 104 under the same Linkedid', () => {
    expect(onlyCall(r.after(is('BlindTransfer'))).id).toBe(L);
    const call = onlyCall(r.after(is('BridgeEnter', { bridgenumchannels: '2' }), 2));
    expect(call).toMatchObject({ id: L, state: 'up' });
    expect([call.from.extension, ...exts(call.to)]).toEqual(['100', '104']);
    expect(call.to[0].state).toBe('up');
    expect(selectCalls(r.final)).toEqual([]);
  });
});

describe('11 AMI Hangup of an originate playing music (condensed sequence)', () => {
  const r = new Replay(condensedSequence('11-ami-hangup'));

  it('shows 104 up in the MusicOnHold application (not on hold), then nothing', () => {
    const call = onlyCall(r.after(is('MusicOnHoldStart')));
    expect(call).toMatchObject({ state: 'up', to: [] });
    expect(call.from).toMatchObject({ extension: '104', state: 'up' });
    expect(onlyCall(r.after(is('SoftHangupRequest'))).state).toBe('ending');
    expect(selectCalls(r.final)).toEqual([]);
  });
});

describe('12 ring group 600 over Local channels', () => {
  const r = replay('12-ring-group-local-channels');
  const L = uniqueidOf(r, 'PJSIP/100-');
  const ringing = r.before(is('Newstate', { channel: /^PJSIP\/102-/, channelstatedesc: 'Up' }));

  it('while ringing: ONE call from 100 ringing 101, 102 and 103, with no Local channel as a party', () => {
    const call = onlyCall(ringing);
    expect(call).toMatchObject({ id: L, state: 'ringing', answeredAt: null });
    expect(call.from.extension).toBe('100');
    expect(exts(call.to)).toEqual(['101', '102', '103']);
    expect(call.to.every((p) => p.state === 'ringing')).toBe(true);
    expect([call.from, ...call.to].some((p) => p.channel.startsWith('Local/'))).toBe(false);
  });

  it('while ringing: 101, 102, 103 ringing on the presence grid, each with the caller', () => {
    for (const ext of ['101', '102', '103']) expect(presenceOf(ringing, ext)).toMatchObject({ state: 'ringing', talkingTo: ['100'] });
    expect([...presenceOf(ringing, '100').talkingTo].sort()).toEqual(['101', '102', '103']);
  });

  it('never splits into several calls, from the first Local channel to the last Hangup', () => {
    everyStep(r, (state) => expect(selectCalls(state).length).toBeLessThanOrEqual(1));
  });

  it('before the phone legs exist, shows the members the Local channels dial', () => {
    const call = onlyCall(r.after(is('LocalBridge'), 3));
    expect(exts(call.to)).toEqual(['101', '102', '103']);
  });

  it('after the Local optimisation: one call 100 ↔ 102, up, in one bridge', () => {
    // The Local pair's own bridge goes last (NOTES §5 12: "Result: one bridge PJSIP/100 ↔ PJSIP/102").
    const state = r.after(is('BridgeDestroy'));
    expect(state.channels.values().some((ch) => ch.local !== null)).toBe(false);
    const call = onlyCall(state);
    expect(call).toMatchObject({ id: L, state: 'up', answeredAt: expect.any(Number) });
    expect([call.from.extension, ...exts(call.to)]).toEqual(['100', '102']);
    expect([call.from, ...call.to].some((p) => p.channel.startsWith('Local/'))).toBe(false);
    const bridges = state.bridges.values();
    expect(bridges).toHaveLength(1);
    expect([...bridges[0].members].sort()).toEqual([L, uniqueidOf(r, 'PJSIP/102-')].sort());
  });

  it('ends with no call and every member idle', () => {
    expect(selectCalls(r.final)).toEqual([]);
    for (const ext of ['100', '101', '102', '103']) expect(presenceOf(r.final, ext).state).toBe('idle');
  });
});

describe('13 queue 700 (condensed sequence)', () => {
  const r = new Replay(condensedSequence('13-queue'));

  it('waiting in the queue while both members ring', () => {
    const joined = onlyCall(r.after(is('QueueCallerJoin')));
    expect(joined).toMatchObject({ state: 'in-queue', queue: 'support', answeredAt: null });
    expect(joined.from).toMatchObject({ extension: '100', state: 'in-queue' });
    const call = onlyCall(r.after(is('DialState', { dialstatus: 'RINGING' }), 2));
    expect(call.state).toBe('in-queue');
    expect(exts(call.to)).toEqual(['101', '102']);
    expect(call.to.every((p) => p.state === 'ringing')).toBe(true);
  });

  it('answered by Bob: 100 ↔ 102 up, still showing the queue', () => {
    const call = onlyCall(r.after(is('BridgeEnter', { bridgenumchannels: '2' })));
    expect(call).toMatchObject({ state: 'up', queue: 'support', answeredAt: r.tOf(is('DialEnd', { dialstatus: 'ANSWER' })) });
    expect([call.from.extension, ...exts(call.to)]).toEqual(['100', '102']);
    expect(selectCalls(r.final)).toEqual([]);
  });
});

describe('05 three concurrent originates', () => {
  const r = replay('05-originate-3-concurrent');
  const atSnapshot = r.before(is('CoreShowChannel'));

  it('shows three calls: the Local talker with 104, 102 in MusicOnHold, 101 in Echo', () => {
    const calls = selectCalls(atSnapshot);
    expect(calls).toHaveLength(3);
    const talker = calls.find((c) => c.id === uniqueidOf(r, 'Local/talker@apps-'));
    expect(talker?.from).toMatchObject({ extension: null, channel: expect.stringMatching(/^Local\/talker@apps-.*;1$/) });
    expect(talker?.to).toMatchObject([{ extension: '104', state: 'up' }]);
    expect(talker?.state).toBe('up');
    const moh = calls.find((c) => c.id === uniqueidOf(r, 'PJSIP/102-'));
    expect(moh).toMatchObject({ state: 'up', to: [], from: { extension: '102', state: 'up' } });
    const echo = calls.find((c) => c.id === uniqueidOf(r, 'PJSIP/101-'));
    expect(echo).toMatchObject({ state: 'up', to: [], from: { extension: '101', state: 'up' } });
  });

  it('ends with no call', () => {
    expect(selectCalls(r.final)).toEqual([]);
  });
});

describe('14 state lists', () => {
  const r = replay('14-state-lists');

  it('shows 105 unavailable and unregistered, the others idle and registered', () => {
    const presence = selectPresence(r.final);
    expect(presence.map((p) => p.extension)).toEqual(['100', '101', '102', '103', '104', '105']);
    expect(presenceOf(r.final, '105')).toMatchObject({ state: 'unavailable', registered: false, dnd: false });
    for (const ext of ['100', '101', '102', '103', '104']) expect(presenceOf(r.final, ext)).toMatchObject({ state: 'idle', registered: true });
    // ContactStatusDetail: NonQualified, RoundtripUsec N/A: reachable but not measured.
    expect(presenceOf(r.final, '101')).toMatchObject({ latencyMs: null, name: 'Alice' });
    expect(selectCalls(r.final)).toEqual([]);
  });
});

describe('15 AstDB call forward', () => {
  const r = replay('15-astdb-callforward');

  it('shows CF/101 = 104 as an unconditional forward of 101', () => {
    const state = r.after(is('DBGetTreeResponse'));
    expect(presenceOf(state, '101')).toMatchObject({ dnd: false, forward: { always: '104', busy: null, noAnswer: null } });
  });

  it('shows the forwarded originate as the Local talker with 104, then nothing', () => {
    const call = onlyCall(r.after(is('BridgeEnter', { bridgenumchannels: '2' })));
    expect(call.state).toBe('up');
    expect(call.from.channel).toMatch(/^Local\/talker@apps-.*;1$/);
    expect(call.to).toMatchObject([{ extension: '104', state: 'up' }]);
    expect(selectCalls(r.final)).toEqual([]);
  });
});

describe('17 Local/wait originate (the asterisk-manager connection)', () => {
  const r = replay('17-raw-events-off', 2);

  it('shows the Local pair running Wait() as one call of one party, then nothing', () => {
    const call = onlyCall(r.after(is('DialEnd', { dialstatus: 'ANSWER' })));
    expect(call).toMatchObject({ state: 'up', to: [] });
    expect(call.from.channel).toMatch(/^Local\/wait@apps-.*;1$/);
    expect(selectCalls(r.final)).toEqual([]);
  });
});

describe('every recorded stream', () => {
  const withLists = recordedScenarios().filter((scenario) => recordedEvents(scenario).some((m) => m.message.event === 'CoreShowChannelsComplete'));

  it('includes every call scenario', () => {
    expect(withLists).toEqual(expect.arrayContaining(['05-originate-3-concurrent', '06-originate-bridged-101-102', '12-ring-group-local-channels', '15-astdb-callforward']));
  });

  it.each(withLists)('%s: the legs are exactly those of every CoreShowChannels the PBX answered (NOTES §6)', (scenario) => {
    const r = replay(scenario);
    for (const step of r.steps) {
      if (step.message.event !== 'CoreShowChannelsComplete') continue;
      const id = header(step.message, 'actionid');
      const items = r.steps.filter((s) => s.message.event === 'CoreShowChannel' && header(s.message, 'actionid') === id);
      // The list describes the moment before its first item (or before Complete when empty).
      const at = r.before((m) => m === (items[0] ?? step).message);
      expect(at.channels.keys().sort()).toEqual(items.map((s) => header(s.message, 'uniqueid')).sort());
    }
  });

  it.each(['01-login-ping-logoff', '02-login-failed', '03-errors-unknown-action', '04-coreshowchannels-idle', '16-reconnect'])(
    '%s: no call at any point',
    (scenario) => {
      const r = replay(scenario);
      everyStep(r, (state) => expect(selectCalls(state)).toEqual([]));
    },
  );
});
