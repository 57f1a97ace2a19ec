import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveLinkStatus } from '../../../src-shared/domain/live.js';
import { AmiConnection } from '../../../src-main/ami/ami-connection.js';
import { AmiLink, type AmiLinkOptions } from '../../../src-main/ami/ami-link.js';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { startAmiSimulator, type AmiSimulator } from '../../../src-main/sim/ami/index.js';
import { rejection } from '../../support/rejection.js';

const USERS = { switchboard: 's3cr3t-ami' };
type AmiEventLike = Parameters<Parameters<AmiLink['onEvent']>[0]>[0];

let dir: string;
let sim: AmiSimulator;
const links: AmiLink[] = [];
const connections: AmiConnection[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-link-'));
  sim = await startAmiSimulator({ users: USERS, loginFailureDelayMs: 20 });
});

afterEach(async () => {
  for (const link of links.splice(0)) link.stop();
  for (const connection of connections.splice(0)) connection.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function credentials(secret = USERS.switchboard) {
  return { host: '127.0.0.1', port: sim.port, username: 'switchboard', secret };
}

async function open(secret?: string): Promise<AmiConnection> {
  const connection = await AmiConnection.open({ ...credentials(secret), actionIdPrefix: 'test' });
  connections.push(connection);
  return connection;
}

function actionsReceived(): string[] {
  // Asterisk reads action names case-insensitively, and the package sends its own login as `login`.
  return sim.received.map((action) => (action.headers.find(([key]) => key.toLowerCase() === 'action')?.[1] ?? '').toLowerCase());
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function link(overrides: Partial<AmiLinkOptions> = {}): { link: AmiLink; states: LiveLinkStatus[]; resyncs: number[] } {
  const states: LiveLinkStatus[] = [];
  const resyncs: number[] = [];
  const created = new AmiLink({
    ...credentials(),
    siteId: 'site-1',
    log: new FileLogger({ file: join(dir, 'link.log'), redactor: new Redactor() }),
    firstRetryMs: 50,
    maxRetryMs: 200,
    authRetryMs: 60_000,
    onConnected: async () => {
      resyncs.push(Date.now());
    },
    ...overrides,
  });
  created.onStatus((status) => states.push(status));
  links.push(created);
  return { link: created, states, resyncs };
}

describe('AmiConnection (asterisk-manager with its defects fixed)', () => {
  it('reports a refused login as AUTH_FAILED instead of losing it', async () => {
    const error = await rejection(open('wrong-secret'));
    expect(error.code).toBe('AUTH_FAILED');
  });

  it('sets the event mask with a real Events action after login (the package only sends Event:)', async () => {
    await open();
    expect(actionsReceived()).toEqual(['login', 'events']);
    const events = sim.received[1].headers.find(([key]) => key.toLowerCase() === 'eventmask')?.[1];
    expect(events).toBe('on');
  });

  it('answers actions by their own ActionID', async () => {
    const connection = await open();
    const pong = await connection.action({ action: 'Ping' });
    expect(pong.ping).toBe('Pong');
    const ids = sim.received.map((action) => action.headers.find(([key]) => key.toLowerCase() === 'actionid')?.[1]);
    expect(ids.slice(1)).toEqual(['test-1', 'test-2']);
  });

  it('refuses a CR or LF in any value before anything is written', async () => {
    const injected = 'x\r\nAction: Originate\r\nChannel: PJSIP/999';
    expect((await rejection(open(injected))).code).toBe('VALIDATION');
    const connection = await open();
    expect((await rejection(connection.action({ action: 'Ping', fields: { Data: injected } }))).code).toBe('VALIDATION');
    expect(actionsReceived()).not.toContain('originate');
  });

  it('fails an action at once with UNREACHABLE once the socket is gone (the package drops it silently)', async () => {
    const connection = await open();
    await sim.close();
    await until(() => !connection.isOpen);
    const error = await rejection(connection.action({ action: 'Ping' }));
    expect(error.code).toBe('UNREACHABLE');
  });

  it('times an action out with TIMEOUT when the PBX stops answering (the package would wait forever)', async () => {
    const connection = await open();
    sim.faults.silence();
    const error = await rejection(connection.action({ action: 'Ping', timeoutMs: 150 }));
    expect(error.code).toBe('TIMEOUT');
    sim.faults.resume();
  });

  it('completes an async Originate with its OriginateResponse event, matched by ActionID', async () => {
    const connection = await open();
    const answered = await connection.originate({
      action: 'Originate',
      fields: { Channel: 'PJSIP/101', Exten: '102', Context: 'internal', Priority: 1, Timeout: 8000 },
      timeoutMs: 15_000,
    });
    expect(answered.event).toBe('OriginateResponse');
    expect(answered.response).toBe('Success');
    // NOTES §4: a failed originate names the dial string and `<unknown>` as Uniqueid; only the ActionID ties it back.
    const failed = await connection.originate({
      action: 'Originate',
      fields: { Channel: 'PJSIP/105', Exten: '102', Context: 'internal', Priority: 1, Timeout: 2000 },
      timeoutMs: 15_000,
    });
    expect(failed.response).toBe('Failure');
    expect(failed.uniqueid).toBe('<unknown>');
  }, 30_000);

  it('collects an event list into one result while unrelated events flow past', async () => {
    const connection = await open();
    const unrelated: string[] = [];
    connection.onEvent((event) => unrelated.push(String(event.event)));
    sim.placeCall({ from: '102', to: '101' });
    sim.placeCall({ from: '103', to: '104' });
    await until(() => sim.truth().calls.length === 2 && unrelated.length > 0);
    const result = await connection.list({ action: 'CoreShowChannels' });
    const expected = sim.truth().calls.flatMap((call) => call.channels.map((channel) => channel.uniqueid)).sort();
    expect(result.items.map((item) => item.uniqueid).sort()).toEqual(expected);
    expect(result.items.every((item) => item.event === 'CoreShowChannel')).toBe(true);
    expect(unrelated).not.toContain('CoreShowChannel');
    expect(unrelated).not.toContain('CoreShowChannelsComplete');
  });

  it('keeps events that arrive in the same read as the Events answer, before anyone listens', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((socket) => {
      socket.write('Asterisk Call Manager/11.0.0\r\n');
      socket.on('data', (chunk) => {
        const text = chunk.toString();
        const id = /actionid: (.*)\r\n/i.exec(text)?.[1] ?? '';
        if (/action: login/i.test(text)) socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
        if (/action: events/i.test(text)) {
          const events = Array.from({ length: 5 }, (_, i) => `Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/10${i}-0000000${i}\r\nUniqueid: 1.${i}\r\n\r\n`);
          socket.write(`Response: Success\r\nActionID: ${id}\r\nEvents: On\r\n\r\n${events.join('')}`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const connection = await AmiConnection.open({ ...credentials(), port: (server.address() as { port: number }).port, actionIdPrefix: 'e' });
      connections.push(connection);
      const seen: string[] = [];
      connection.onEvent((event) => seen.push(String(event.uniqueid)));
      expect(seen).toEqual(['1.0', '1.1', '1.2', '1.3', '1.4']);
    } finally {
      server.close();
    }
  });

  it('reports a port where nothing listens as UNREACHABLE', async () => {
    const port = sim.port;
    await sim.close();
    const error = await rejection(AmiConnection.open({ ...credentials(), port, actionIdPrefix: 'x' }));
    expect(error.code).toBe('UNREACHABLE');
    sim = await startAmiSimulator({ users: USERS });
  });
});

describe('AmiLink', () => {
  it('connects, resyncs before delivering events, and reports each state', async () => {
    const { link: created, states, resyncs } = link();
    created.start();
    await until(() => created.status.state === 'connected');
    expect(resyncs).toHaveLength(1);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'resyncing', 'connected']);
    expect(created.status.connectedAt).not.toBeNull();
  });

  it('holds the events that arrive during the resync and delivers them after it, in order', async () => {
    const delivered: Array<{ uniqueid: string; event: string; afterResync: boolean }> = [];
    let resynced = false;
    const { link: created } = link({
      onConnected: async () => {
        // A call starts while the lists are being read.
        sim.placeCall({ from: '102', to: '101' });
        await new Promise((resolve) => setTimeout(resolve, 300));
        resynced = true;
      },
    });
    created.onEvent((event) => delivered.push({ uniqueid: String(event.uniqueid), event: String(event.event), afterResync: resynced }));
    created.start();
    await until(() => created.status.state === 'connected');
    await until(() => delivered.some((d) => d.event === 'Newchannel'));
    expect(delivered.every((d) => d.afterResync)).toBe(true);
    // The caller's leg is created before anything else happens to it.
    const caller = delivered.find((d) => d.event === 'Newchannel')!.uniqueid;
    expect(delivered.find((d) => d.uniqueid === caller)?.event).toBe('Newchannel');
  });

  it('reconnects with backoff after the PBX goes away and resyncs again', async () => {
    const { link: created, states, resyncs } = link();
    created.start();
    await until(() => created.status.state === 'connected');
    const port = sim.port;
    await sim.close();
    await until(() => created.status.state === 'reconnecting');
    expect(created.status.lastError?.code).toBe('UNREACHABLE');
    expect(created.status.retryAt).not.toBeNull();
    sim = await startAmiSimulator({ users: USERS, port });
    await until(() => created.status.state === 'connected');
    expect(resyncs).toHaveLength(2);
    expect(created.status.lastError).toBeNull();
    expect(states.some((s) => s.state === 'reconnecting')).toBe(true);
  });

  it('backs off 0.5 s doubling to a 5 s cap by default', async () => {
    const port = sim.port;
    await sim.close();
    const { link: created } = link({ firstRetryMs: undefined, maxRetryMs: undefined, port });
    const delays: number[] = [];
    created.onStatus((status) => {
      if (status.retryAt !== null) delays.push(status.retryAt - Date.now());
    });
    created.start();
    await until(() => delays.length >= 3, 6000);
    // 500, 1000, 2000 ms (a few ms of scheduling either way).
    expect(delays.slice(0, 3).map((ms) => Math.round(ms / 100) * 100)).toEqual([500, 1000, 2000]);
    sim = await startAmiSimulator({ users: USERS });
  });

  it('stops hammering a PBX that refuses the credentials: state failed, retry much later', async () => {
    const { link: created } = link({ secret: 'wrong' });
    created.start();
    await until(() => created.status.state === 'failed');
    expect(created.status.lastError?.code).toBe('AUTH_FAILED');
    expect(created.status.retryAt! - Date.now()).toBeGreaterThan(50_000);
    const logins = actionsReceived().filter((action) => action === 'login');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(actionsReceived().filter((action) => action === 'login')).toEqual(logins);
  });

  it('refuses actions while not connected with UNREACHABLE', async () => {
    const { link: created } = link();
    const error = await rejection(created.action({ action: 'Ping' }));
    expect(error.code).toBe('UNREACHABLE');
  });
});

describe('AmiLink under faults', () => {
  const fast = { pingIntervalMs: 100, pingTimeoutMs: 200, firstRetryMs: 20, maxRetryMs: 100 };

  it('notices a half-open socket that went silent (no FIN, no RST) by its unanswered Ping, and reconnects', async () => {
    const { link: created, resyncs } = link(fast);
    created.start();
    await until(() => created.status.state === 'connected');
    sim.faults.silence();
    await until(() => created.status.state === 'reconnecting', 3000);
    expect(created.status.lastError?.code).toBe('UNREACHABLE');
    sim.faults.resume();
    await until(() => created.status.state === 'connected', 3000);
    expect(resyncs.length).toBeGreaterThanOrEqual(2);
  });

  it('survives garbage on the wire and keeps delivering events after it', async () => {
    const { link: created } = link(fast);
    const events: string[] = [];
    created.onEvent((event) => events.push(String(event.event ?? '')));
    created.start();
    await until(() => created.status.state === 'connected');
    sim.faults.garbage();
    sim.placeCall({ from: '102', to: '101' });
    await until(() => events.includes('Newchannel'), 3000);
    expect(created.status.state).toBe('connected');
  });

  it('drops a link flooded with a frame that never ends, instead of buffering it, and resyncs', async () => {
    const { link: created, states, resyncs } = link(fast);
    const events: AmiEventLike[] = [];
    created.onEvent((event) => events.push(event));
    created.start();
    await until(() => created.status.state === 'connected');
    sim.faults.oversized(2 * 1024 * 1024);
    await until(() => resyncs.length >= 2 && created.status.state === 'connected', 5000);
    expect(states.some((s) => s.lastError?.code === 'PBX_ERROR' && /without ending a message/.test(s.lastError.message))).toBe(true);
    // Back in step: both legs of the next call arrive.
    sim.placeCall({ from: '103', to: '104' });
    const legs = () => events.filter((e) => e.event === 'Newchannel').map((e) => String(e.channel).slice(0, 9));
    await until(() => legs().includes('PJSIP/103') && legs().includes('PJSIP/104'), 5000);
  });

  it('resyncs when two events arrive run together (one lost its blank line), since an event was lost', async () => {
    // No keep-alive in the way: the message after the broken one is the call's first event.
    const { link: created, states, resyncs } = link({ ...fast, pingIntervalMs: 60_000 });
    created.start();
    await until(() => created.status.state === 'connected');
    sim.faults.oversized(2048, { terminate: false });
    sim.placeCall({ from: '103', to: '104' });
    await until(() => resyncs.length >= 2 && created.status.state === 'connected', 5000);
    expect(states.some((s) => /run together/.test(s.lastError?.message ?? ''))).toBe(true);
  });

  it('reports a server that is not AMI and keeps retrying without crashing', async () => {
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.writeHead(400).end('Bad Request'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const { link: created } = link({ ...fast, port });
      created.start();
      await until(() => created.status.lastError !== null, 10_000);
      expect(['TIMEOUT', 'UNREACHABLE', 'PBX_ERROR']).toContain(created.status.lastError?.code);
      expect(created.status.state).toBe('reconnecting');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
