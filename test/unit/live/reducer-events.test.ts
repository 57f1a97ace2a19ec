import { describe, expect, it } from 'vitest';
import type { AmiEvent } from '../../../src-main/live/ami-event.js';
import { emptyLiveState, type LiveState } from '../../../src-main/live/live-state.js';
import { HANDLED_EVENTS, reduce } from '../../../src-main/live/reducer.js';
import { selectCalls, selectPresence } from '../../../src-main/live/selectors.js';
import { recordedEvents } from '../../support/ami-transcripts.js';
import { header, is, Replay } from '../../support/live-replay.js';

/*
 * Events the recordings do not contain (hold, parking, attended transfer, peers…), written from
 * the Asterisk 22 AMI event documentation (header names lower-cased as asterisk-manager delivers
 * them), on top of a real recorded call where one helps.
 */

function apply(state: LiveState, ...events: AmiEvent[]): LiveState {
  return events.reduce((s, e, i) => reduce(s, e, 100_000 + i), state);
}

/** 06 at the moment 101 and 102 are bridged (NOTES §5). */
const r06 = new Replay(recordedEvents('06-originate-bridged-101-102'));
const bridged = r06.after(is('BridgeEnter', { bridgenumchannels: '2' }));
const leg101 = r06.message(is('Newchannel', { channel: /^PJSIP\/101-/ }));
const leg102 = r06.message(is('Newchannel', { channel: /^PJSIP\/102-/ }));
const own = (leg: AmiEvent) => ({ channel: header(leg, 'channel'), uniqueid: header(leg, 'uniqueid'), linkedid: header(leg101, 'uniqueid') });

function presence(state: LiveState, ext: string) {
  return selectPresence(state).find((p) => p.extension === ext);
}

describe('hold and music on hold', () => {
  it('Hold on the phone that pressed it puts the call on hold until Unhold', () => {
    const held = apply(bridged, { event: 'Hold', ...own(leg101), channelstatedesc: 'Up' });
    expect(selectCalls(held)[0]).toMatchObject({ state: 'on-hold', from: { extension: '101', state: 'on-hold' } });
    const back = apply(held, { event: 'Unhold', ...own(leg101) });
    expect(selectCalls(back)[0]).toMatchObject({ state: 'up', from: { state: 'up' } });
  });

  it('music to a bridged leg means it is being held; music in an application does not', () => {
    const moh = apply(bridged, { event: 'MusicOnHoldStart', ...own(leg102), class: 'default' });
    expect(selectCalls(moh)[0]).toMatchObject({ state: 'on-hold', to: [{ extension: '102', state: 'on-hold' }] });
    expect(selectCalls(apply(moh, { event: 'MusicOnHoldStop', ...own(leg102) }))[0].state).toBe('up');
  });

  it('takes hold from the hint too (Status 16, 17 InUse&Hold)', () => {
    const s = apply(bridged, { event: 'ExtensionStatus', exten: '101', status: '17', statustext: 'InUse&Hold', hint: 'PJSIP/101' });
    expect(presence(s, '101')?.state).toBe('on-hold');
  });
});

describe('parking', () => {
  const parkee = { parkeechannel: header(leg102, 'channel'), parkeeuniqueid: header(leg102, 'uniqueid'), parkeelinkedid: header(leg101, 'uniqueid') };

  it.each(['UnParkedCall', 'ParkedCallGiveUp', 'ParkedCallTimeOut'])('ParkedCall shows the space until %s', (leaving) => {
    const parked = apply(bridged, { event: 'ParkedCall', ...parkee, parkeechannelstatedesc: 'Up', parkinglot: 'default', parkingspace: '701', parkingtimeout: '45' });
    const call = selectCalls(parked)[0];
    expect(call).toMatchObject({ state: 'parked', parkedAt: '701' });
    expect(call.to).toMatchObject([{ extension: '102', state: 'parked' }]);
    expect(selectCalls(apply(parked, { event: leaving, ...parkee, parkingspace: '701' }))[0]).toMatchObject({ parkedAt: null });
  });

  it('does not merge calls parked in the same lot (a holding bridge is not a conversation)', () => {
    let s = emptyLiveState('site-1');
    for (const n of [1, 2]) {
      const id = `1795447900.${n}`;
      s = apply(
        s,
        { event: 'Newchannel', channel: `PJSIP/trunk-0000000${n}`, uniqueid: id, linkedid: id, channelstatedesc: 'Up' },
        { event: 'BridgeEnter', bridgeuniqueid: 'lot', bridgetype: 'parking', bridgetechnology: 'holding_bridge', channel: `PJSIP/trunk-0000000${n}`, uniqueid: id, linkedid: id },
        { event: 'ParkedCall', parkeechannel: `PJSIP/trunk-0000000${n}`, parkeeuniqueid: id, parkingspace: `70${n}` },
      );
    }
    expect(selectCalls(s).map((c) => [c.id, c.parkedAt])).toEqual([
      ['1795447900.1', '701'],
      ['1795447900.2', '702'],
    ]);
  });
});

describe('attended transfer', () => {
  // Alice (100) talks to Bob (101) in call L1, calls Carol (102) in call L2, then transfers Bob to Carol.
  const L1 = '1795448000.1';
  const L2 = '1795448010.3';
  const leg = (name: string, uniqueid: string, linkedid: string): AmiEvent => ({ channel: name, uniqueid, linkedid, channelstatedesc: 'Up' });
  const a1 = leg('PJSIP/100-00000001', L1, L1);
  const b = leg('PJSIP/101-00000002', '1795448000.2', L1);
  const a2 = leg('PJSIP/100-00000003', L2, L2);
  const c = leg('PJSIP/102-00000004', '1795448010.4', L2);
  const enter = (bridge: string, l: AmiEvent): AmiEvent => ({ event: 'BridgeEnter', bridgeuniqueid: bridge, bridgetype: 'basic', ...l });
  const before = apply(
    emptyLiveState('site-1'),
    ...[a1, b, a2, c].map((l) => ({ event: 'Newchannel', ...l })),
    { event: 'BridgeCreate', bridgeuniqueid: 'B1', bridgetype: 'basic' },
    enter('B1', b),
    enter('B1', a1),
    { event: 'BridgeCreate', bridgeuniqueid: 'B2', bridgetype: 'basic' },
    enter('B2', c),
    enter('B2', a2),
  );

  it('starts as two calls', () => {
    expect(selectCalls(before).map((call) => call.id)).toEqual([L1, L2]);
  });

  it('ends as one call Bob ↔ Carol under the older Linkedid, as Asterisk relinks bridged legs', () => {
    const after = apply(
      before,
      {
        event: 'AttendedTransfer',
        result: 'Success',
        origtransfererchannel: header(a1, 'channel'),
        origtransfereruniqueid: L1,
        secondtransfererchannel: header(a2, 'channel'),
        secondtransfereruniqueid: L2,
        desttype: 'Bridge',
        destbridgeuniqueid: 'B2',
      },
      { event: 'BridgeLeave', bridgeuniqueid: 'B1', ...a1 },
      { event: 'BridgeLeave', bridgeuniqueid: 'B2', ...a2 },
      { event: 'BridgeLeave', bridgeuniqueid: 'B1', ...b },
      // Bob enters Carol's bridge; nothing tells us Carol's Linkedid changed: the reducer must know.
      enter('B2', b),
      { event: 'Hangup', ...a1 },
      { event: 'Hangup', ...a2 },
      { event: 'BridgeDestroy', bridgeuniqueid: 'B1' },
    );
    const calls = selectCalls(after);
    expect(calls).toHaveLength(1);
    expect(calls[0].id).toBe(L1);
    expect([calls[0].from.extension, ...calls[0].to.map((p) => p.extension)].sort()).toEqual(['101', '102']);
  });

  it('BridgeMerge moves every leg of one bridge into the other', () => {
    const merged = apply(before, { event: 'BridgeMerge', tobridgeuniqueid: 'B1', tobridgetype: 'basic', frombridgeuniqueid: 'B2' });
    expect(merged.bridges.keys()).toEqual(['B1']);
    expect([...(merged.bridges.get('B1')?.members ?? [])].sort()).toEqual([L1, '1795448000.2', L2, '1795448010.4'].sort());
    expect(selectCalls(merged)).toHaveLength(1);
  });
});

describe('legs', () => {
  it('Rename follows the new name, its extension included', () => {
    const s = apply(bridged, { event: 'Rename', channel: header(leg102, 'channel'), newname: 'PJSIP/104-00000099', uniqueid: header(leg102, 'uniqueid') });
    expect(selectCalls(s)[0].to).toMatchObject([{ channel: 'PJSIP/104-00000099', extension: '104' }]);
  });

  it('a DialEnd BUSY shows the dialled leg busy', () => {
    const ringing = r06.after(is('Newstate', { channel: /^PJSIP\/102-/, channelstatedesc: 'Ringing' }));
    const busy = apply(ringing, { event: 'DialEnd', ...own(leg101), destchannel: header(leg102, 'channel'), destuniqueid: header(leg102, 'uniqueid'), dialstatus: 'BUSY' });
    expect(selectCalls(busy)[0].to).toMatchObject([{ extension: '102', state: 'busy' }]);
  });

  it('QueueCallerAbandon ends the wait', () => {
    const id = '1795448100.1';
    const s = apply(
      emptyLiveState('site-1'),
      { event: 'Newchannel', channel: 'PJSIP/trunk-00000001', uniqueid: id, linkedid: id, channelstatedesc: 'Up' },
      { event: 'QueueCallerJoin', channel: 'PJSIP/trunk-00000001', uniqueid: id, queue: 'sales', position: '1', count: '1' },
    );
    expect(selectCalls(s)[0]).toMatchObject({ state: 'in-queue', queue: 'sales' });
    expect(selectCalls(apply(s, { event: 'QueueCallerAbandon', uniqueid: id, queue: 'sales' }))[0]).toMatchObject({ state: 'up', queue: 'sales' });
  });

  it('Shutdown empties the board', () => {
    expect(selectCalls(apply(bridged, { event: 'Shutdown', shutdown: 'Uncleanly', restart: 'False' }))).toEqual([]);
  });

  it('never invents a leg from an event about a channel it has not seen created', () => {
    const ghost: AmiEvent = { channel: 'PJSIP/109-000000ff', uniqueid: '1795449999.9', linkedid: '1795449999.9', channelstatedesc: 'Up' };
    for (const event of ['Newstate', 'NewCallerid', 'Newexten', 'Hold', 'HangupRequest', 'BridgeEnter', 'DialEnd', 'Hangup']) {
      expect(reduce(bridged, { event, bridgeuniqueid: 'x', ...ghost }, 1).channels).toBe(bridged.channels);
    }
  });
});

describe('returns the very same state when nothing changes', () => {
  it.each(['VarSet', 'Cdr', 'RTCPSent', 'QueueMemberStatus', 'OriginateResponse', 'SomethingNew', ''])('%s', (event) => {
    expect(reduce(bridged, { event, ...own(leg101), variable: 'x', value: 'y' }, 1)).toBe(bridged);
  });

  it('for a repeated snapshot, hint, device state or AstDB value', () => {
    for (const event of [
      { event: 'Newstate', ...own(leg101), channelstatedesc: 'Up' },
      { event: 'ExtensionStatus', exten: '101', status: '1', statustext: 'InUse', hint: 'PJSIP/101' },
      { event: 'DeviceStateChange', device: 'PJSIP/101', state: 'INUSE' },
      { event: 'DBGetTreeResponse', key: '/CF/101', val: '104' },
    ]) {
      const once = reduce(bridged, event, 1);
      expect(reduce(once, event, 2)).toBe(once);
    }
  });

  it('for any event it handles but that names nothing (Shutdown aside, which needs no name)', () => {
    for (const event of HANDLED_EVENTS.filter((e) => e !== 'Shutdown')) expect(reduce(bridged, { event }, 1)).toBe(bridged);
  });
});

describe('presence sources', () => {
  const base = apply(emptyLiveState('site-1'), { event: 'ExtensionStatus', exten: '201', status: '0', statustext: 'Idle', hint: 'SIP/201&Custom:DND201' });

  it('maps every hint status', () => {
    const cases: Array<[string, string]> = [
      ['0', 'idle'],
      ['1', 'in-use'],
      ['2', 'busy'],
      ['4', 'unavailable'],
      ['8', 'ringing'],
      ['9', 'ringing'],
      ['16', 'on-hold'],
      ['-1', 'unknown'],
    ];
    for (const [status, want] of cases) expect(presence(apply(base, { event: 'ExtensionStatus', exten: '201', status }), '201')?.state).toBe(want);
  });

  it('forgets a removed hint (-2)', () => {
    expect(presence(apply(base, { event: 'ExtensionStatus', exten: '201', status: '-2', statustext: 'Removed' }), '201')).toBeUndefined();
  });

  it("shows FreePBX's Custom:DND device as DND over an idle or DND-busy phone, not over a call", () => {
    const dnd = apply(base, { event: 'DeviceStateChange', device: 'Custom:DND201', state: 'BUSY' }, { event: 'ExtensionStatus', exten: '201', status: '2' });
    expect(presence(dnd, '201')).toMatchObject({ state: 'dnd', dnd: true });
    expect(presence(apply(dnd, { event: 'ExtensionStatus', exten: '201', status: '8' }), '201')).toMatchObject({ state: 'ringing', dnd: true });
    expect(presence(apply(dnd, { event: 'DeviceStateChange', device: 'Custom:DND201', state: 'NOT_INUSE' }), '201')?.dnd).toBe(false);
  });

  it('takes registration and latency from chan_sip peers', () => {
    const peers = apply(
      emptyLiveState('site-1'),
      { event: 'PeerEntry', channeltype: 'SIP', objectname: '301', ipaddress: '10.0.0.31', status: 'OK (12 ms)' },
      { event: 'PeerEntry', channeltype: 'SIP', objectname: '302', ipaddress: '-none-', status: 'UNKNOWN' },
      { event: 'PeerEntry', channeltype: 'SIP', objectname: 'provider', ipaddress: '192.0.2.1', status: 'OK (30 ms)' },
    );
    expect(selectPresence(peers).map((p) => [p.extension, p.state, p.registered, p.latencyMs])).toEqual([
      ['301', 'idle', true, 12],
      ['302', 'unavailable', false, null],
    ]);
    const lagged = apply(peers, { event: 'PeerStatus', channeltype: 'SIP', peer: 'SIP/302', peerstatus: 'Reachable', time: '250' });
    expect(presence(lagged, '302')).toMatchObject({ registered: true, latencyMs: 250 });
  });

  it('takes registration and round trip from PJSIP contact events', () => {
    const s = apply(
      emptyLiveState('site-1'),
      { event: 'ContactStatus', uri: 'sip:401@10.0.0.41', contactstatus: 'Reachable', aor: '401', endpointname: '401', roundtripusec: '15320' },
    );
    expect(presence(s, '401')).toMatchObject({ registered: true, latencyMs: 15.3 });
    expect(presence(apply(s, { event: 'ContactStatus', aor: '401', endpointname: '401', contactstatus: 'Unreachable', roundtripusec: '0' }), '401')).toMatchObject({
      registered: false,
      state: 'unavailable',
    });
  });

  it('shows what the legs show for a phone without hint or device state', () => {
    // 06 as a PBX without hints would send it, and an AstDB entry that puts 102 on the grid.
    const noHints = new Replay(recordedEvents('06-originate-bridged-101-102').filter((m) => m.message.event !== 'ExtensionStatus' && m.message.event !== 'DeviceStateChange'));
    const ringing = apply(
      noHints.after(is('Newstate', { channel: /^PJSIP\/102-/, channelstatedesc: 'Ringing' })),
      { event: 'DBGetTreeResponse', key: '/CFU/102', val: '0612345678' },
    );
    expect(presence(ringing, '102')).toMatchObject({ state: 'ringing', talkingTo: ['101'], forward: { noAnswer: '0612345678' } });
    const after = apply(noHints.final, { event: 'DBGetTreeResponse', key: '/CFU/102', val: '0612345678' });
    expect(presence(after, '102')?.state).toBe('unknown');
  });
});
