import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, parseArgs } from '../../../src-main/sim/ami/cli.js';
import { eventName, fixture, frames, get, parse, simulators, START, TRANSCRIPTS } from './raw-ami.js';

/*
 * The demo PBX misbehaving on request (dropped, silent, garbage, oversized, refusing, restarting),
 * replaying a recorded stream, generating repeatable synthetic traffic, and its command line.
 */

const { start, newClient, loggedIn, adopt } = simulators({ loginFailureDelayMs: 20 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults on request', () => {
  it('dropAll(rst) resets every connection, dropAll(fin) closes them', async () => {
    const sim = await start();
    const a = await loggedIn(sim);
    const b = await loggedIn(sim);
    expect(sim.connections).toBe(2);
    expect(sim.faults.dropAll('rst')).toBe(2);
    await a.until((c) => c.closed);
    await b.until((c) => c.closed);
    expect(a.error?.code).toBe('ECONNRESET');
    const c = await loggedIn(sim);
    sim.faults.dropAll('fin');
    await c.until((x) => x.closed);
    expect(c.error).toBeNull();
  });

  it('silence() keeps the socket open but answers and sends nothing (half-open); resume() ends it', async () => {
    const sim = await start({ clock: { mode: 'manual', startMs: START } });
    const client = await loggedIn(sim);
    sim.faults.silence();
    const before = client.received.length;
    await client.write('Action: Ping\r\nActionID: p1\r\n\r\n');
    sim.placeCall({ from: '100', to: '102' });
    await sim.advance(3000);
    await sleep(150);
    expect(client.received.length).toBe(before);
    expect(client.closed).toBe(false);
    expect(sim.connections).toBe(1);
    // A new connection gets no banner either.
    const fresh = newClient(sim);
    await sleep(100);
    expect(fresh.received).toBe('');
    expect(fresh.closed).toBe(false);
    sim.faults.resume();
    await client.write('Action: Ping\r\nActionID: p2\r\n\r\n');
    await client.until((c) => c.frames().some((f) => get(f, 'ActionID') === 'p2'));
    expect(client.frames().some((f) => get(f, 'ActionID') === 'p1')).toBe(false);
  });

  it('sends garbage bytes and a 2 MiB frame of headers with no blank line', async () => {
    const sim = await start();
    const client = await loggedIn(sim, 'off');
    const before = client.received.length;
    expect(sim.faults.garbage()).toBe(1);
    await client.until((c) => c.received.length > before);
    expect(client.received.slice(before)).toContain('this is not AMI');
    const mark = client.received.length;
    expect(sim.faults.oversized()).toBe(1);
    await client.until((c) => c.received.length - mark >= 2 * 1024 * 1024, 5000);
    const tail = client.received.slice(mark);
    expect(tail.startsWith('Event: Oversized\r\n')).toBe(true);
    expect(tail.includes('\r\n\r\n')).toBe(false);
    expect(client.closed).toBe(false);
  });

  it('refuseLogins() answers every login as a wrong secret after the delay, then hangs up', async () => {
    const sim = await start();
    sim.faults.refuseLogins();
    const client = newClient(sim);
    await client.write('Action: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\nActionID: l\r\n\r\n');
    await client.until((c) => c.closed);
    expect(frames(client.received)).toEqual(['Response: Error\r\nActionID: l\r\nMessage: Authentication failed']);
    sim.faults.refuseLogins(false);
    await loggedIn(sim);
  });

  it('stops listening and listens again on the same port; calls live on for the resync', async () => {
    const sim = await start({ clock: { mode: 'manual', startMs: START } });
    const port = sim.port;
    const client = await loggedIn(sim);
    sim.placeCall({ from: '100', to: '102', plan: { answer: { '102': 500 }, steps: [] } });
    await sim.advance(1000);
    await sim.stopListening();
    await client.until((c) => c.closed);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
    });
    expect(refused).toBe('ECONNREFUSED');
    await sim.startListening();
    expect(sim.port).toBe(port);
    const again = await loggedIn(sim);
    const list = await again.action({ Action: 'CoreShowChannels' });
    expect(list.filter((f) => eventName(f) === 'CoreShowChannel').map((f) => get(f, 'Uniqueid')).sort()).toEqual(
      sim.truth().calls.flatMap((c) => c.channels.map((x) => x.uniqueid)).sort(),
    );
    await sim.restart({ downMs: 20, resetCalls: true });
    expect(sim.port).toBe(port);
    expect(sim.truth().calls).toEqual([]);
    await loggedIn(sim);
  });
});

describe('replay', () => {
  it('writes a recorded stream after the login response, as recorded, even one byte at a time', async () => {
    const file = fileURLToPath(new URL('06-originate-bridged-101-102.ami', TRANSCRIPTS));
    const sim = await start({ replay: { file, bytesPerChunk: 97 } });
    const client = newClient(sim);
    await client.write('Action: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\nActionID: mine\r\n\r\n');
    await client.until((c) => c.closed, 5000);
    const recorded = fixture('06-originate-bridged-101-102.ami');
    const afterLogin = recorded.slice(recorded.indexOf('\r\n\r\n') + 4);
    expect(client.received).toBe(`Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: mine\r\nMessage: Authentication accepted\r\n\r\n${afterLogin}`);

    const slow = await start({ replay: { data: fixture('01-login-ping-logoff.ami'), bytesPerChunk: 1, closeAtEnd: false } });
    const one = newClient(slow);
    await one.write('Action: Login\r\nUsername: operator\r\nSecret: op3r4tor\r\n\r\nAction: Ping\r\nActionID: live\r\n\r\n');
    await one.until((c) => c.frames().some((f) => get(f, 'ActionID') === '01-login-ping-logoff-3'), 5000);
    // The live answer lands between recorded frames, never inside one; the recording is intact around it.
    const live = frames(one.received).find((f) => f.includes('ActionID: live'))!;
    expect(live).toMatch(/^Response: Success\r\nActionID: live\r\nPing: Pong\r\nTimestamp: \d+\.\d{6}$/);
    const recorded01 = frames(fixture('01-login-ping-logoff.ami')).slice(1);
    expect(frames(one.received).slice(1).filter((f) => f !== live)).toEqual(recorded01);
    expect(one.closed).toBe(false);
  });
});

describe('synthetic traffic', () => {
  const run = async (seed: number) => {
    const sim = await start({ seed, clock: { mode: 'manual', startMs: START }, pbx: { extensions: 12 }, traffic: { rate: 1 } });
    // No security or system events: what remains depends on the seed only.
    const client = await loggedIn(sim, 'call,agent,cdr,dialplan');
    for (let i = 0; i < 90; i++) await sim.advance(1000);
    await sleep(50);
    const stats = sim.traffic!;
    const text = client.received;
    const truth = sim.truth();
    await sim.close();
    return { text, stats, truth };
  };

  it('is repeatable with a seed: same bytes, same truth; another seed differs', async () => {
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    expect(a.stats.started).toBeGreaterThan(20);
    expect(a.text.length).toBeGreaterThan(100_000);
    expect(b.text).toBe(a.text);
    expect(b.truth).toEqual(a.truth);
    expect(c.text).not.toBe(a.text);
  });

  it('covers every scenario and leaves nothing behind once the traffic stops', async () => {
    const sim = await start({ seed: 5, clock: { mode: 'manual', startMs: START }, pbx: { extensions: 30, parking: { timeoutMs: 8000 } } });
    const client = await loggedIn(sim, 'call,agent');
    const scenarios = ['answered', 'unanswered', 'blindTransfer', 'attendedTransfer', 'park', 'ringGroup', 'queue'] as const;
    for (const scenario of scenarios) expect(sim.placeScenario(scenario), scenario).toBe(true);
    for (let i = 0; i < 240; i++) await sim.advance(1000);
    await client.until((c) => c.events().some((f) => eventName(f) === 'AgentComplete'));
    const names = new Set(client.events({ noise: true }).map(eventName));
    for (const name of ['LocalBridge', 'LocalOptimizationBegin', 'BlindTransfer', 'AttendedTransfer', 'ParkedCall', 'QueueCallerJoin', 'AgentConnect']) {
      expect(names.has(name), name).toBe(true);
    }
    const counts = (name: string) => client.events({ noise: true }).filter((f) => eventName(f) === name).length;
    expect(counts('Newchannel')).toBe(counts('Hangup'));
    expect(counts('BridgeCreate')).toBe(counts('BridgeDestroy'));
    expect(sim.truth().calls).toEqual([]);
    expect(sim.truth().extensions.every((e) => e.statusText === 'Idle' || e.statusText === 'Unavailable')).toBe(true);
  });

  it('runs in real time: calls appear at the requested rate', async () => {
    const sim = await start({ seed: 3, pbx: { extensions: 40 }, clock: { speed: 20 }, traffic: { rate: 2 } });
    const client = await loggedIn(sim);
    await client.until((c) => c.events().filter((f) => eventName(f) === 'Newchannel').length >= 10, 5000);
    expect(sim.traffic!.started).toBeGreaterThan(3);
  });
});

describe('command line', () => {
  it('parses the npm script flags and prints the port', async () => {
    expect(parseArgs(['--port', '5038', '--rate', '2', '--extensions', '20']).simulator).toMatchObject({
      port: 5038,
      host: '127.0.0.1',
      users: { operator: 'op3r4tor' },
      pbx: { extensions: 20 },
      traffic: { rate: 2 },
    });
    expect(() => parseArgs(['--rate'])).toThrow('--rate needs a value');
    expect(() => parseArgs(['--bogus'])).toThrow('unknown option --bogus');
    let printed = '';
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        printed += chunk.toString();
        done();
      },
    });
    const sim = adopt(await main(['--port=0', '--rate', '1', '--extensions', '20', '--seed', '9'], out));
    const line = JSON.parse(printed) as { port: number; host: string };
    expect(line).toEqual({ host: '127.0.0.1', port: sim.port, username: 'operator' });
    const client = await loggedIn(sim);
    const endpoints = await client.action({ Action: 'PJSIPShowEndpoints' });
    expect(endpoints.filter((f) => eventName(f) === 'EndpointList').map((f) => get(f, 'ObjectName'))).toContain('119');
    expect(parse(frames(client.received)[0]!)[0]).toEqual(['Response', 'Success']);
  });
});
