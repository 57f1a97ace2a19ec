import { describe, expect, it } from 'vitest';
import type { AmiSimulator } from '../../../src-main/sim/ami/index.js';
import { eventName, fixture, type Frame, frames, get, parse, recordedEvents, simulators, START } from './raw-ami.js';

/*
 * The demo PBX's model-backed actions over real TCP: list framing against its own truth(), and the
 * actions that change calls (Hangup, Redirect, BlindTransfer, Atxfer, Originate, Park, ChanSpy,
 * MixMonitor) with their responses and the events that follow. Manual clock throughout.
 */

const { setup, newClient } = simulators({ loginFailureDelayMs: 10, clock: { mode: 'manual', startMs: START } });

async function advance(sim: AmiSimulator, ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) await sim.advance(Math.min(step, ms - t));
}

const message = (answer: Frame[]) => get(answer[0]!, 'Message');
const response = (answer: Frame[]) => get(answer[0]!, 'Response');
const named = (list: Frame[], name: string) => list.filter((f) => eventName(f) === name);
/** A bridged call from 100 to `to`, with phones that do nothing more unless told. */
const talking = { answer: { '101': 1000, '102': 1000, '103': 1000, '104': 1000 }, steps: [{ afterMs: 600000, action: 'hangup' as const, by: 'callee' as const }] };

describe('lists answer from the model with Asterisk framing', () => {
  it('CoreShowChannels: Success + EventList start, one item per channel with the recorded fields, Complete with ListItems', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: '100', to: '102', plan: talking });
    sim.placeCall({ from: '104', to: '103', plan: { answer: { '103': null }, steps: [] } });
    await advance(sim, 3000);
    const list = await client.action({ Action: 'CoreShowChannels' }, 'csc-1');
    const [head, ...rest] = list;
    expect(head).toEqual([
      ['Response', 'Success'],
      ['ActionID', 'csc-1'],
      ['EventList', 'start'],
      ['Message', 'Channels will follow'],
    ]);
    const items = rest.filter((f) => eventName(f) === 'CoreShowChannel');
    const complete = rest.at(-1)!;
    expect(complete).toEqual([
      ['Event', 'CoreShowChannelsComplete'],
      ['ActionID', 'csc-1'],
      ['EventList', 'Complete'],
      ['ListItems', String(items.length)],
    ]);
    // The same header names, in the same order, as the recorded items (capture 06).
    const recordedItem = frames(fixture('06-originate-bridged-101-102.ami'))
      .map(parse)
      .find((f) => eventName(f) === 'CoreShowChannel')!;
    for (const item of items) expect(item.map(([k]) => k)).toEqual(recordedItem.map(([k]) => k));

    const truth = sim.truth();
    const channels = truth.calls.flatMap((c) => c.channels);
    expect(items).toHaveLength(channels.length);
    expect(items).toHaveLength(4);
    for (const ch of channels) {
      const item = items.find((i) => get(i, 'Uniqueid') === ch.uniqueid)!;
      expect(item, ch.name).toBeDefined();
      expect(get(item, 'ActionID')).toBe('csc-1');
      expect(get(item, 'Channel')).toBe(ch.name);
      expect(get(item, 'Linkedid')).toBe(ch.linkedid);
      expect(get(item, 'ChannelState')).toBe(String(ch.state));
      expect(get(item, 'ChannelStateDesc')).toBe(ch.stateDesc);
      expect(get(item, 'BridgeId')).toBe(ch.bridgeId ?? '');
      expect(get(item, 'Application')).toBe(ch.application);
      expect(get(item, 'ApplicationData')).toBe(ch.applicationData);
      expect(get(item, 'Duration')).toMatch(/^\d\d:\d\d:\d\d$/);
      expect(ch.uniqueid).toMatch(/^\d{10}\.\d+$/);
      expect(ch.name).toMatch(/^PJSIP\/10\d-[0-9a-f]{8}$/);
    }
    // Two calls by Linkedid; the bridged one has both channels in one bridge.
    expect(truth.calls).toHaveLength(2);
    const bridged = truth.calls.find((c) => c.channels.some((x) => x.bridgeId))!;
    expect(new Set(bridged.channels.map((x) => x.bridgeId)).size).toBe(1);
    expect(bridged.channels.every((x) => x.linkedid === bridged.linkedid)).toBe(true);
    const ringing = truth.calls.find((c) => c !== bridged)!;
    expect(ringing.channels.map((x) => x.stateDesc).sort()).toEqual(['Ring', 'Ringing']);
    expect(get(items.find((i) => get(i, 'ChannelStateDesc') === 'Up' && get(i, 'Channel')!.startsWith('PJSIP/100-'))!, 'Duration')).toBe('00:00:03');
  });

  it('BridgeList, Status, ExtensionStateList and DeviceStateList follow calls', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: '100', to: '102', plan: talking });
    await advance(sim, 2000);
    const bridges = await client.action({ Action: 'BridgeList' });
    expect(message(bridges)).toBe('Bridge listing will follow');
    expect(named(bridges, 'BridgeListItem').map((f) => [get(f, 'BridgeUniqueid'), get(f, 'BridgeNumChannels')])).toEqual(
      sim.truth().bridges.map((b) => [b.id, String(b.channels.length)]),
    );
    const status = await client.action({ Action: 'Status' });
    expect(named(status, 'Status')).toHaveLength(2);
    expect(named(status, 'Status').every((f) => get(f, 'Privilege') === 'Call' && f.at(-1)![0] === 'ActionID')).toBe(true);
    expect(get(status.at(-1)!, 'Items')).toBe('2');
    const hints = await client.action({ Action: 'ExtensionStateList' });
    const hint = (exten: string) => named(hints, 'ExtensionStatus').find((f) => get(f, 'Exten') === exten)!;
    expect([get(hint('100'), 'StatusText'), get(hint('102'), 'StatusText'), get(hint('103'), 'StatusText'), get(hint('105'), 'StatusText')]).toEqual([
      'InUse',
      'InUse',
      'Idle',
      'Unavailable',
    ]);
    expect(sim.truth().extensions.map((e) => [e.exten, e.status])).toEqual(named(hints, 'ExtensionStatus').map((f) => [get(f, 'Exten'), Number(get(f, 'Status'))]).sort());
    const devices = await client.action({ Action: 'DeviceStateList' });
    expect(get(named(devices, 'DeviceStateChange').find((f) => get(f, 'Device') === 'PJSIP/102')!, 'State')).toBe('INUSE');
    expect(get(named(devices, 'DeviceStateChange').find((f) => get(f, 'Device') === 'Queue:support_avail')!, 'State')).toBe('NOT_INUSE');
  });
});

describe('call control', () => {
  it('Hangup: errors as recorded, a channel name, and a /regex/ answered with a ChannelHungup list', async () => {
    const { sim, client } = await setup();
    expect(message(await client.action({ Action: 'Hangup' }))).toBe('No channel specified');
    expect(message(await client.action({ Action: 'Hangup', Channel: 'PJSIP/999-00000000' }))).toBe('No such channel');
    sim.placeCall({ from: '100', to: '102', plan: talking });
    sim.placeCall({ from: '103', to: '104', plan: talking });
    await advance(sim, 2000);
    const [first, second] = sim.truth().calls;
    const callee = first!.channels.find((c) => c.name.startsWith('PJSIP/102-'))!;
    const before = client.events({ presence: false }).length;
    expect(message(await client.action({ Action: 'Hangup', Channel: callee.name }))).toBe('Channel Hungup');
    await client.until((c) => named(c.events().slice(before), 'Cdr').length === 1);
    // AMI Hangup of the answering side: SoftHangupRequest, the bridge dissolves, the caller's Dial ends.
    const short = (f: Frame) => `${eventName(f)} ${(get(f, 'Channel') ?? '').replace(/-[0-9a-f]{8}/, '')}`;
    expect(client.events({ presence: false }).slice(before).map(short)).toEqual([
      'SoftHangupRequest PJSIP/102',
      'BridgeLeave PJSIP/102',
      'BridgeLeave PJSIP/100',
      'BridgeDestroy ',
      'SoftHangupRequest PJSIP/100',
      'Hangup PJSIP/102',
      'Hangup PJSIP/100',
      'Cdr PJSIP/100',
    ]);
    expect(sim.truth().calls.map((c) => c.linkedid)).toEqual([second!.linkedid]);

    const list = await client.action({ Action: 'Hangup', Channel: '/^PJSIP\\//' }, 'rx-1');
    expect(list[0]).toEqual([
      ['Response', 'Success'],
      ['ActionID', 'rx-1'],
      ['EventList', 'start'],
      ['Message', 'Channels hung up will follow'],
    ]);
    expect(named(list, 'ChannelHungup').map((f) => f.map(([k]) => k))).toEqual([
      ['Event', 'Channel', 'ActionID'],
      ['Event', 'Channel', 'ActionID'],
    ]);
    expect(get(list.at(-1)!, 'Event')).toBe('ChannelsHungupListComplete');
    expect(get(list.at(-1)!, 'ListItems')).toBe('2');
    await advance(sim, 100);
    expect(sim.truth().calls).toEqual([]);
  });

  it('Originate: async success and failure correlated by ActionID, sync waits for the answer', async () => {
    const { sim, client } = await setup();
    expect(message(await client.action({ Action: 'Originate', Exten: '101' }))).toBe('Channel not specified');
    expect(message(await client.action({ Action: 'Originate', Channel: 'PJSIP/105', Context: 'internal', Exten: '101', Priority: '1' }))).toBe('Originate failed');

    const queued = await client.action({ Action: 'Originate', Channel: 'PJSIP/104', Context: 'internal', Exten: '102', Priority: '1', Async: 'true', Callerid: 'Reception <100>' }, 'o-ok');
    expect(message(queued)).toBe('Originate successfully queued');
    const unreachable = await client.action({ Action: 'Originate', Channel: 'PJSIP/105', Context: 'internal', Exten: '101', Priority: '1', Async: 'true' }, 'o-105');
    expect(message(unreachable)).toBe('Originate successfully queued');
    await advance(sim, 2000);
    const responses = named(client.events(), 'OriginateResponse');
    const ok = responses.find((f) => get(f, 'ActionID') === 'o-ok')!;
    expect([get(ok, 'Response'), get(ok, 'Reason'), get(ok, 'Exten'), get(ok, 'CallerIDNum'), get(ok, 'CallerIDName')]).toEqual(['Success', '4', '102', '100', 'Reception']);
    expect(get(ok, 'Uniqueid')).toBe(sim.truth().calls[0]!.linkedid);
    const failed = responses.find((f) => get(f, 'ActionID') === 'o-105')!;
    expect([get(failed, 'Response'), get(failed, 'Channel'), get(failed, 'Uniqueid')]).toEqual(['Failure', 'PJSIP/105', '<unknown>']);
    // Click-to-dial: the first leg rang and answered before the extension was dialled.
    const started = client.events({ presence: false }).map((f) => `${eventName(f)} ${(get(f, 'Channel') ?? get(f, 'DestChannel') ?? '').replace(/-[0-9a-f]{8}/, '')}`);
    expect(started.indexOf('DialEnd PJSIP/104')).toBeLessThan(started.indexOf('Newchannel PJSIP/102'));

    // Sync: the response waits for the answer (101 answers after 2 s), and so do later actions.
    await client.write('Action: Originate\r\nActionID: o-sync\r\nChannel: PJSIP/101\r\nApplication: Wait\r\nData: 30\r\n\r\nAction: Ping\r\nActionID: p-after\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(client.frames().some((f) => get(f, 'ActionID') === 'o-sync' || get(f, 'ActionID') === 'p-after')).toBe(false);
    await advance(sim, 2000);
    await client.until((c) => c.frames().some((f) => get(f, 'ActionID') === 'p-after'));
    const order = client.frames().filter((f) => ['o-sync', 'p-after'].includes(get(f, 'ActionID') ?? '') && !get(f, 'Privilege'));
    expect(order.map((f) => [get(f, 'ActionID'), get(f, 'Response'), get(f, 'Message') ?? get(f, 'Ping')])).toEqual([
      ['o-sync', 'Success', 'Originate successfully queued'],
      ['p-after', 'Success', 'Pong'],
    ]);
  });

  it('Redirect of a parked call gives its space up (ParkedCallGiveUp) and sends it to the new extension', async () => {
    const { sim, client } = await setup();
    expect(message(await client.action({ Action: 'Redirect', Context: 'internal', Exten: '101', Priority: '1' }))).toBe('Channel not specified');
    sim.placeCall({ from: 'trunk', callerNum: '0612345678', to: '102', plan: talking });
    await advance(sim, 2000);
    const caller = sim.truth().calls[0]!.channels.find((c) => c.name.startsWith('PJSIP/trunk-'))!;
    expect([caller.callerIdNum, caller.extension]).toEqual(['0612345678', null]);
    expect(message(await client.action({ Action: 'Park', Channel: caller.name }))).toBe('Park successful');
    await advance(sim, 250);
    expect(sim.truth().parked.map((p) => p.uniqueid)).toEqual([caller.uniqueid]);
    expect(message(await client.action({ Action: 'Redirect', Channel: caller.name, Context: 'internal', Exten: '104', Priority: '1' }))).toBe('Redirect successful');
    await advance(sim, 2000);
    expect(named(client.events(), 'ParkedCallGiveUp').map((f) => get(f, 'ParkingSpace'))).toEqual(['701']);
    const call = sim.truth().calls[0]!;
    expect(sim.truth().parked).toEqual([]);
    expect(call.channels.map((c) => [c.name.slice(0, 10), c.stateDesc])).toEqual([
      ['PJSIP/trun', 'Up'],
      ['PJSIP/104-', 'Up'],
    ]);
  });

  it('BlindTransfer: "Transfer succeeded", the BlindTransfer event, then the transferee dials the target (capture 10b)', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: '100', to: '101', plan: { ...talking, steps: [...talking.steps, ...talking.steps] } });
    await advance(sim, 2000);
    const transferer = sim.truth().calls[0]!.channels.find((c) => c.name.startsWith('PJSIP/101-'))!;
    expect(message(await client.action({ Action: 'BlindTransfer', Channel: 'PJSIP/999-00000000', Exten: '104' }))).toBe('Channel specified does not exist');
    const before = client.events({ presence: false }).length;
    const answer = await client.action({ Action: 'BlindTransfer', Channel: transferer.name, Context: 'internal', Exten: '104' });
    expect([response(answer), message(answer)]).toEqual(['Success', 'Transfer succeeded']);
    await advance(sim, 2000);
    const after = client.events({ presence: false }).slice(before);
    expect(after.slice(0, 5).map(eventName)).toEqual(['Unhold', 'BlindTransfer', 'BridgeLeave', 'BridgeLeave', 'BridgeDestroy']);
    const blind = after[1]!;
    expect([get(blind, 'Result'), get(blind, 'TransfererChannel'), get(blind, 'TransfereeChannel')?.slice(0, 10), get(blind, 'Extension'), get(blind, 'IsExternal')]).toEqual([
      'Success',
      transferer.name,
      'PJSIP/100-',
      '104',
      'Yes',
    ]);
    // Recorded 10b: after the bridge goes, the same call-level events as the Redirect of capture 10.
    const recorded10 = recordedEvents('10-blind-transfer-redirect.ami', { presence: false }).map(eventName);
    const fromLeave = recorded10.slice(recorded10.lastIndexOf('BridgeDestroy', recorded10.indexOf('MixMonitorStart', 5)) + 1, recorded10.lastIndexOf('HangupRequest'));
    expect(after.slice(5, 5 + fromLeave.length).map(eventName)).toEqual(fromLeave);
    const call = sim.truth().calls[0]!;
    expect(call.channels.map((c) => c.name.slice(0, 10)).sort()).toEqual(['PJSIP/100-', 'PJSIP/104-']);
    expect(call.channels.every((c) => c.bridgeId !== null && c.linkedid === call.linkedid)).toBe(true);
  });

  it('Atxfer: the transferee waits on hold, the transferer consults the target, hanging up completes the transfer', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: '100', to: '101', plan: talking });
    await advance(sim, 2000);
    const transferer = sim.truth().calls[0]!.channels.find((c) => c.name.startsWith('PJSIP/101-'))!;
    const queued = await client.action({ Action: 'Atxfer', Channel: transferer.name, Exten: '104', Context: 'internal' });
    expect(message(queued)).toBe('Atxfer successfully queued');
    await advance(sim, 2000);
    let truth = sim.truth();
    const channels = truth.calls.flatMap((c) => c.channels);
    expect(channels.find((c) => c.name.startsWith('PJSIP/100-'))!.held).toBe(true);
    expect(truth.extensions.find((e) => e.exten === '100')!.statusText).toBe('Hold');
    const consult = channels.find((c) => c.name.startsWith('PJSIP/104-'))!;
    expect(consult.bridgeId).toBe(channels.find((c) => c.name === transferer.name)!.bridgeId);
    expect(message(await client.action({ Action: 'Hangup', Channel: transferer.name }))).toBe('Channel Hungup');
    await advance(sim, 500);
    const done = named(client.events(), 'AttendedTransfer');
    expect(done).toHaveLength(1);
    expect([get(done[0]!, 'Result'), get(done[0]!, 'TransfereeChannel')?.slice(0, 10), get(done[0]!, 'TransferTargetChannel')?.slice(0, 10)]).toEqual(['Success', 'PJSIP/100-', 'PJSIP/104-']);
    truth = sim.truth();
    expect(truth.calls).toHaveLength(1);
    expect(truth.calls[0]!.channels.map((c) => [c.name.slice(0, 10), c.held])).toEqual([
      ['PJSIP/100-', false],
      ['PJSIP/104-', false],
    ]);
    expect(new Set(truth.calls[0]!.channels.map((c) => c.bridgeId)).size).toBe(1);
  });

  it('Park: ParkedCall on 701, UnParkedCall when an Originate dials the space, ParkedCallTimeOut otherwise', async () => {
    const { sim, client } = await setup({ pbx: { parking: { timeoutMs: 5000 } } });
    sim.placeCall({ from: 'trunk', callerNum: '0612345678', to: '102', plan: talking });
    sim.placeCall({ from: '100', to: '101', plan: talking });
    await advance(sim, 2000);
    const internal = sim.truth().calls.find((c) => c.channels.some((x) => x.name.startsWith('PJSIP/100-')))!;
    const caller100 = internal.channels.find((c) => c.name.startsWith('PJSIP/100-'))!;
    expect(message(await client.action({ Action: 'Park', Channel: 'PJSIP/999-00000000' }))).toBe('Channel does not exist: PJSIP/999-00000000');
    expect(message(await client.action({ Action: 'Park', Channel: caller100.name }))).toBe('Park successful');
    await advance(sim, 250);
    const parked = named(client.events(), 'ParkedCall')[0]!;
    expect([get(parked, 'ParkeeChannel'), get(parked, 'ParkingSpace'), get(parked, 'Parkinglot'), get(parked, 'ParkerDialString')]).toEqual([
      caller100.name,
      '701',
      'default',
      'PJSIP/101',
    ]);
    expect(sim.truth().parked.map((p) => [p.space, p.channel])).toEqual([[701, caller100.name]]);
    expect(sim.truth().extensions.find((e) => e.exten === '101')!.statusText).toBe('Idle');
    const list = await client.action({ Action: 'ParkedCalls' });
    expect(named(list, 'ParkedCall').map((f) => get(f, 'ParkingSpace'))).toEqual(['701']);

    // 104 picks it up by dialling the space.
    await client.action({ Action: 'Originate', Channel: 'PJSIP/104', Context: 'parkedcalls', Exten: '701', Priority: '1', Async: 'true' });
    await advance(sim, 1500);
    const unparked = named(client.events(), 'UnParkedCall')[0]!;
    expect([get(unparked, 'ParkeeChannel'), get(unparked, 'ParkingSpace'), get(unparked, 'RetrieverChannel')?.slice(0, 10)]).toEqual([caller100.name, '701', 'PJSIP/104-']);
    const call = sim.truth().calls.find((c) => c.channels.some((x) => x.name === caller100.name))!;
    // Bridging propagates the oldest Linkedid: the retriever joins the parked call.
    expect(call.channels.map((c) => c.name.slice(0, 10)).sort()).toEqual(['PJSIP/100-', 'PJSIP/104-']);
    expect(sim.truth().parked).toEqual([]);

    // Park the external caller and let it time out: it rings the phone that parked it (102).
    const ext = sim.truth().calls.find((c) => c.channels.some((x) => x.name.startsWith('PJSIP/trunk-')))!;
    const trunkChannel = ext.channels.find((c) => c.name.startsWith('PJSIP/trunk-'))!;
    expect(message(await client.action({ Action: 'Park', Channel: trunkChannel.name, Timeout: '3000' }))).toBe('Park successful');
    await advance(sim, 3500);
    const timeout = named(client.events(), 'ParkedCallTimeOut')[0]!;
    expect([get(timeout, 'ParkeeChannel'), get(timeout, 'ParkerDialString')]).toEqual([trunkChannel.name, 'PJSIP/102']);
    expect(sim.truth().calls.flatMap((c) => c.channels).some((c) => c.name.startsWith('PJSIP/102-') && c.stateDesc === 'Ringing')).toBe(true);
  });

  it('ChanSpy via Originate: a supervisor listens, whispers or barges (ChanSpyStart/Stop)', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: '100', to: '102', plan: talking });
    await advance(sim, 2000);
    const queued = await client.action({ Action: 'Originate', Channel: 'PJSIP/104', Application: 'ChanSpy', Data: 'PJSIP/102,qB', Async: 'true' }, 'spy');
    expect(message(queued)).toBe('Originate successfully queued');
    await advance(sim, 1500);
    const start = named(client.events(), 'ChanSpyStart')[0]!;
    expect(get(start, 'SpyerChannel')?.slice(0, 10)).toBe('PJSIP/104-');
    expect(get(start, 'SpyeeChannel')?.slice(0, 10)).toBe('PJSIP/102-');
    const spyer = sim.truth().calls.flatMap((c) => c.channels).find((c) => c.name.startsWith('PJSIP/104-'))!;
    expect([spyer.application, spyer.applicationData, spyer.spying?.mode]).toEqual(['ChanSpy', 'PJSIP/102,qB', 'barge']);
    expect(spyer.spying?.spyee).toBe(sim.truth().calls.flatMap((c) => c.channels).find((c) => c.name === get(start, 'SpyeeChannel'))!.uniqueid);
    const spyee = get(start, 'SpyeeChannel')!;
    await client.action({ Action: 'Hangup', Channel: spyee });
    await advance(sim, 250);
    expect(get(named(client.events(), 'ChanSpyStop')[0]!, 'SpyeeChannel')).toBe(spyee);
  });

  it('MixMonitor and StopMixMonitor answer with a bare Success and send MixMonitorStart/Stop', async () => {
    const { sim, client } = await setup();
    expect(message(await client.action({ Action: 'MixMonitor', Channel: 'PJSIP/999-00000000', File: 'x.wav' }))).toBe('No such channel');
    sim.placeCall({ from: '100', to: '102', plan: talking });
    await advance(sim, 2000);
    const callee = sim.truth().calls[0]!.channels.find((c) => c.name.startsWith('PJSIP/102-'))!;
    expect(message(await client.action({ Action: 'StopMixMonitor', Channel: callee.name }))).toBe('Could not stop monitoring channel');
    const start = await client.action({ Action: 'MixMonitor', Channel: callee.name, File: 'call.wav' }, 'mm');
    expect(start).toEqual([
      [
        ['Response', 'Success'],
        ['ActionID', 'mm'],
      ],
    ]);
    expect(sim.truth().calls[0]!.channels.find((c) => c.name === callee.name)!.recording).toBe(true);
    const stop = await client.action({ Action: 'StopMixMonitor', Channel: callee.name }, 'smm');
    expect(stop[0]).toEqual([
      ['Response', 'Success'],
      ['ActionID', 'smm'],
    ]);
    await client.until((c) => named(c.events(), 'MixMonitorStop').length === 1);
    expect(sim.truth().calls[0]!.channels.find((c) => c.name === callee.name)!.recording).toBe(false);
    expect(named(client.events(), 'MixMonitorStart').some((f) => get(f, 'Channel') === callee.name)).toBe(true);
  });
});

describe('event masks', () => {
  it('a session that logged in with Events: off gets answers but no events, until it asks for them', async () => {
    const { sim, client } = await setup({}, 'off');
    const watcher = newClient(sim);
    await watcher.login('on');
    sim.placeCall({ from: '100', to: '102', plan: talking });
    await advance(sim, 2000);
    expect((await client.action({ Action: 'Ping' }))[0]![0]).toEqual(['Response', 'Success']);
    await watcher.until((c) => named(c.events(), 'BridgeEnter').length === 2);
    expect(client.frames().filter((f) => f[0]![0] === 'Event')).toEqual([]);

    expect(await client.action({ Action: 'Events', EventMask: 'call' }, 'ev')).toEqual([
      [
        ['Response', 'Success'],
        ['ActionID', 'ev'],
        ['Events', 'On'],
      ],
    ]);
    const call = sim.truth().calls[0]!;
    await client.action({ Action: 'Hangup', Channel: call.channels[0]!.name });
    await client.until((c) => named(c.events(), 'Hangup').length === 2);
    // Only the call class: no Cdr (cdr), no QueueMemberStatus (agent).
    expect(client.events().some((f) => ['Cdr', 'QueueMemberStatus'].includes(eventName(f)!))).toBe(false);
    expect(watcher.events().some((f) => eventName(f) === 'Cdr')).toBe(true);
  });
});

describe('scripted calls', () => {
  it('a caller who hangs up before anyone answers abandons the call', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: 'trunk', to: '103', callerNum: '0699999999', plan: { answer: { '103': null }, steps: [{ afterMs: 1500, action: 'hangup', by: 'caller' }] } });
    await advance(sim, 1000);
    expect(sim.truth().calls[0]!.channels.map((c) => c.stateDesc)).toEqual(['Ring', 'Ringing']);
    await advance(sim, 1000);
    expect(sim.truth().calls).toEqual([]);
    const short = client.events({ presence: false }).map((f) => `${eventName(f)} ${(get(f, 'Channel') ?? get(f, 'DestChannel') ?? '').replace(/-[0-9a-f]{8}/, '')} ${get(f, 'DialStatus') ?? ''}`.trim());
    expect(short.slice(-5)).toEqual(['HangupRequest PJSIP/trunk', 'DialEnd PJSIP/trunk CANCEL', 'Hangup PJSIP/103', 'Hangup PJSIP/trunk', 'Cdr PJSIP/trunk']);
  });
});
