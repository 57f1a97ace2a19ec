import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientActions, eventName, FIXTURES, fixture, type Frame, frames, get, isBroadcast, parse, recordedEvents, simulators, START } from './raw-ami.js';

/*
 * The demo PBX against the recordings of a real Asterisk 22 (shared/fixtures/ami): the same client
 * actions get the same bytes back, and a synthetic call of a recorded scenario produces the same
 * events, with the same header names in the same order. Time runs on the simulator's manual clock,
 * so a 12-second call takes milliseconds.
 */

const { setup } = simulators({ loginFailureDelayMs: 10, clock: { mode: 'manual', startMs: START } });

/** The recorded answer to one action: its response and list frames, raw (broadcasts excluded). */
function recordedAnswer(stream: string, id: string): string[] {
  return frames(stream).filter((f) => {
    const headers = parse(f);
    return get(headers, 'ActionID') === id && !isBroadcast(headers);
  });
}

/** Replays a capture's actions (minus the login) and expects the recorded bytes back for each. */
async function replayCapture(name: string, options: { skip?: (action: string) => boolean; loose?: (action: string) => boolean } = {}): Promise<number> {
  const { client } = await setup();
  const recorded = fixture(`${name}.ami`);
  let compared = 0;
  for (const action of clientActions(`${name}.client.ami`).slice(1)) {
    if (action.action.toLowerCase() === 'logoff' || options.skip?.(action.action)) continue;
    const expected = recordedAnswer(recorded, action.id);
    await client.write(action.text);
    await client.until((c) => frames(c.received).filter((f) => get(parse(f), 'ActionID') === action.id && !isBroadcast(parse(f))).length >= expected.length);
    const got = frames(client.received).filter((f) => get(parse(f), 'ActionID') === action.id && !isBroadcast(parse(f)));
    if (options.loose?.(action.action)) {
      expect(got.map((f) => parse(f).map(([k]) => k))).toEqual(expected.map((f) => parse(f).map(([k]) => k)));
    } else {
      expect(got, `${name}: ${action.action}`).toEqual(expected);
    }
    compared++;
  }
  return compared;
}

/** Ids, channel counters, bridge ids and clock values of a frame replaced by their order of appearance. */
function normaliser() {
  const seen = new Map<string, string>();
  const alias = (kind: string, value: string) => {
    const key = `${kind}:${value}`;
    if (!seen.has(key)) seen.set(key, `${kind}${seen.size}`);
    return seen.get(key)!;
  };
  return (frame: Frame): string[] =>
    frame.map(([k, v]) => {
      let value = v
        .replace(/\b\d{10}\.\d+\b/g, (id) => alias('U', id))
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => alias('B', id))
        .replace(/(PJSIP|Local)(\/[^\s;]*?)-([0-9a-f]{8})/g, (_m, tech: string, rest: string, n: string) => `${tech}${rest}-${alias(tech, n)}`)
        .replace(/\d{8}-\d{6}/g, 'STAMP')
        .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, 'TIME');
      if (['LoginTime', 'Duration', 'BillableSeconds', 'ActionID', 'Uptime', 'LastReload'].includes(k)) value = '*';
      return `${k}: ${value}`;
    });
}

describe('the demo PBX answers like the recorded Asterisk 22', () => {
  it('gives capture 03 its error responses byte for byte', async () => {
    // FooBar, Originate without Channel, Hangup/Redirect of a missing channel, DBGet of a missing key,
    // an unknown CLI command and a sync Originate to an endpoint without contact.
    expect(await replayCapture('03-errors-unknown-action')).toBe(7);
  });

  it('gives capture 04 its idle lists and `core show channels` byte for byte', async () => {
    expect(await replayCapture('04-coreshowchannels-idle')).toBe(3);
  });

  it('gives capture 14 its state lists byte for byte, the bare LF of PJSIPShowContacts included', async () => {
    const compared = await replayCapture('14-state-lists', {
      // Endpoint details and contact tables are not modelled; CoreStatus carries clock values.
      skip: (action) => action === 'PJSIPShowEndpoint',
      loose: (action) => action === 'CoreStatus',
    });
    expect(compared).toBeGreaterThanOrEqual(8);
  });

  it('gives capture 15 its AstDB answers byte for byte', async () => {
    const { client } = await setup();
    const recorded = fixture('15-astdb-callforward.ami');
    const actions = clientActions('15-astdb-callforward.client.ami').filter((a) => a.action.startsWith('DB'));
    expect(actions.map((a) => a.action)).toEqual(['DBPut', 'DBGet', 'DBGet', 'DBGetTree', 'DBDel', 'DBGet']);
    for (const action of actions) {
      const expected = recordedAnswer(recorded, action.id);
      await client.write(action.text);
      await client.until((c) => frames(c.received).filter((f) => get(parse(f), 'ActionID') === action.id).length >= expected.length);
      expect(frames(client.received).filter((f) => get(parse(f), 'ActionID') === action.id)).toEqual(expected);
    }
  });

  it('answers CoreSettings as capture 01 does', async () => {
    const { client } = await setup();
    const recorded = fixture('01-login-ping-logoff.ami');
    const settings = clientActions('01-login-ping-logoff.client.ami').find((a) => a.action === 'CoreSettings');
    await client.write(settings!.text);
    await client.until((c) => frames(c.received).some((f) => f.includes(settings!.id)));
    expect(frames(client.received).filter((f) => f.includes(settings!.id))).toEqual(recordedAnswer(recorded, settings!.id));
  });

  it('plays a click-to-dial 101 → 102 with the event sequence of capture 06, header for header', async () => {
    const { sim, client } = await setup();
    const [, originate] = clientActions('06-originate-bridged-101-102.client.ami');
    await client.write(originate!.text);
    await client.until((c) => c.frames().some((f) => get(f, 'Message') === 'Originate successfully queued'));
    // The recorded phones: 101 answers after 2 s, 102 after 1 s and hangs up 8 s later.
    for (let i = 0; i < 14; i++) await sim.advance(1000);
    await client.until((c) => c.events().some((f) => eventName(f) === 'Cdr'));

    const recorded = recordedEvents('06-originate-bridged-101-102.ami');
    const got = client.events();
    expect(got.map(eventName)).toEqual(recorded.map(eventName));
    const normaliseRecorded = normaliser();
    const normaliseGot = normaliser();
    expect(got.map(normaliseGot)).toEqual(recorded.map(normaliseRecorded));
    expect(sim.truth().calls).toEqual([]);
  });

  it('plays phone 100 calling 102 (capture 07) and an unanswered call to 103 (capture 09) with the recorded call events', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: '100', to: '102', plan: { answer: { '102': 1000 }, steps: [{ afterMs: 8000, action: 'hangup', by: 'callee' }] } });
    for (let i = 0; i < 12; i++) await sim.advance(1000);
    await client.until((c) => c.events().some((f) => eventName(f) === 'Cdr'));
    const n07 = normaliser();
    const r07 = normaliser();
    expect(client.events({ presence: false }).map(n07)).toEqual(recordedEvents('07-phone-100-calls-102.ami', { presence: false }).map(r07));

    const before = client.events().length;
    sim.placeCall({ from: '100', to: '103' });
    for (let i = 0; i < 12; i++) await sim.advance(1000);
    await client.until((c) => c.events().filter((f) => eventName(f) === 'Cdr').length >= 3);
    const n09 = normaliser();
    const r09 = normaliser();
    const got09 = client.events().slice(before).filter((f) => !['ExtensionStatus', 'DeviceStateChange', 'QueueMemberStatus'].includes(eventName(f)!));
    expect(got09.map(n09)).toEqual(recordedEvents('09-phone-100-calls-103-no-answer.ami', { presence: false }).map(r09));
  });

  it('answers an Originate that nobody picks up with the OriginateResponse of capture 08', async () => {
    const { sim, client } = await setup();
    const [, originate] = clientActions('08-originate-no-answer-103.client.ami');
    await client.write(originate!.text);
    for (let i = 0; i < 7; i++) await sim.advance(1000);
    await client.until((c) => c.events().some((f) => eventName(f) === 'Cdr'));
    const recorded = recordedEvents('08-originate-no-answer-103.ami', { presence: false });
    const got = client.events({ presence: false });
    expect(got.map(normaliser())).toEqual(recorded.map(normaliser()));
    const failure = got.find((f) => eventName(f) === 'OriginateResponse')!;
    expect(get(failure, 'Response')).toBe('Failure');
    expect(get(failure, 'Channel')).toBe('PJSIP/103');
    expect(get(failure, 'Uniqueid')).toBe('<unknown>');
    expect(get(failure, 'ActionID')).toBe(originate!.id);
  });

  it('redirects a bridged caller like capture 10: the peer leaves, the caller dials 104 on the same Linkedid', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: '100', to: '101', plan: { answer: { '101': 2000, '104': 1000 }, steps: [{ afterMs: 60000, action: 'hangup', by: 'caller' }, { afterMs: 9000, action: 'hangup', by: 'caller' }] } });
    for (let i = 0; i < 4; i++) await sim.advance(1000);
    const caller = sim.truth().calls[0]!.channels.find((c) => c.name.startsWith('PJSIP/100-'))!;
    const answer = await client.action({ Action: 'Redirect', Channel: caller.name, Context: 'internal', Exten: '104', Priority: '1' });
    expect(answer.map((f) => get(f, 'Message'))).toEqual(['Redirect successful']);
    for (let i = 0; i < 12; i++) await sim.advance(1000);
    await client.until((c) => c.events().filter((f) => eventName(f) === 'Cdr').length >= 2);
    const recorded = recordedEvents('10-blind-transfer-redirect.ami', { presence: false });
    expect(client.events({ presence: false }).map(normaliser())).toEqual(recorded.map(normaliser()));
  });

  it('rings the ring group over Local channel pairs as capture 12, with LocalBridge and Local optimisation', async () => {
    const { sim, client } = await setup();
    sim.placeCall({ from: '100', to: '600', plan: { answer: { '101': null, '102': 1000, '103': null }, steps: [{ afterMs: 8000, action: 'hangup', by: 'callee' }] } });
    await sim.advance(500);
    // While it rings: one call of ten channels (the caller, three Local pairs, three phones).
    const ringing = sim.truth().calls;
    expect(ringing).toHaveLength(1);
    expect(ringing[0]!.channels.map((c) => c.name.replace(/-[0-9a-f]{8}/, '')).sort()).toEqual(
      ['PJSIP/100', ...['101', '102', '103'].flatMap((x) => [`Local/${x}@rg;1`, `Local/${x}@rg;2`, `PJSIP/${x}`])].sort(),
    );
    for (let i = 0; i < 11; i++) await sim.advance(1000);
    await client.until((c) => c.events().filter((f) => eventName(f) === 'Cdr').length >= 4);
    // Asterisk's threads interleave the members differently from run to run; per event, and per
    // channel in order, the flow is the recorded one.
    const byChannel = (list: Frame[]) => {
      const groups = new Map<string, string[]>();
      for (const f of list) {
        const who = (get(f, 'Channel') ?? get(f, 'DestChannel') ?? get(f, 'LocalOneChannel') ?? 'bridge').replace(/-[0-9a-f]{8}/, '');
        groups.set(who, [...(groups.get(who) ?? []), eventName(f)!]);
      }
      return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)));
    };
    const recorded = recordedEvents('12-ring-group-local-channels.ami', { presence: false });
    const got = client.events({ presence: false });
    expect(got.map(eventName).sort()).toEqual(recorded.map(eventName).sort());
    expect(byChannel(got)).toEqual(byChannel(recorded));
    // The end result: PJSIP/100 talks to PJSIP/102 in a native_rtp bridge, the Local pair is gone.
    const leave = got.filter((f) => eventName(f) === 'BridgeLeave').at(-1)!;
    expect(get(leave, 'BridgeTechnology')).toBe('native_rtp');
    expect(sim.truth().calls).toEqual([]);
  });

  it('forwards a call with CF/<ext> in AstDB, as in capture 15', async () => {
    const { sim, client } = await setup();
    expect((await client.action({ Action: 'DBPut', Family: 'CF', Key: '101', Val: '104' })).map((f) => get(f, 'Message'))).toEqual(['Updated database successfully']);
    sim.placeCall({ from: '100', to: '101' });
    await sim.advance(100);
    const call = sim.truth().calls[0]!;
    expect(call.channels.map((c) => c.name.replace(/-[0-9a-f]{8}/, ''))).toEqual(['PJSIP/100', 'PJSIP/104']);
    expect(sim.truth().extensions.find((e) => e.exten === '101')!.callForward).toBe('104');
    await client.until((c) => c.events().some((f) => eventName(f) === 'DialBegin'));
    expect(get(client.events().find((f) => eventName(f) === 'MixMonitorStart')!, 'Exten')).toBe('104');
  });
});

describe('event-sequences.txt agrees', () => {
  it('has the AMI Hangup of capture 11 as MusicOnHoldStop → SoftHangupRequest → Hangup, which the simulator sends', async () => {
    const text = readFileSync(new URL('event-sequences.txt', FIXTURES), 'utf8');
    const section = text.slice(text.indexOf('### 11-ami-hangup'), text.indexOf('### 12-'));
    const afterHangup = section.slice(section.indexOf('message="Channel Hungup"')).split('\n').slice(1);
    const recorded = afterHangup
      .map((line) => /^\s+\d+ c\d (\S+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined && !name.startsWith('Response:'))
      .filter((name) => !['ExtensionStatus', 'DeviceStateChange', 'CoreShowChannel', 'CoreShowChannelsComplete'].includes(name));

    const { sim, client } = await setup();
    await client.action({ Action: 'Originate', Channel: 'PJSIP/104', Context: 'internal', Exten: '803', Priority: '1', Async: 'true', Callerid: 'MOH <803>' });
    for (let i = 0; i < 3; i++) await sim.advance(1000);
    const channel = sim.truth().calls[0]!.channels[0]!;
    expect(channel.application).toBe('MusicOnHold');
    const before = client.events({ presence: false }).length;
    expect((await client.action({ Action: 'Hangup', Channel: channel.name })).map((f) => get(f, 'Message'))).toEqual(['Channel Hungup']);
    await client.until((c) => c.events().slice(before).some((f) => eventName(f) === 'Cdr'));
    const got = client.events({ presence: false }).slice(before).map(eventName);
    expect(got).toEqual(recorded);
  });
});
