import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveLinkStatus } from '../../../src-shared/domain/live.js';
import { AmiConnection } from '../../../src-main/ami/ami-connection.js';
import { AmiLink, type AmiLinkOptions } from '../../../src-main/ami/ami-link.js';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { startAmiSimulator, type AmiSimulator } from '../../../src-main/sim/ami-server.js';
import { rejection } from '../../support/rejection.js';

const USERS = { switchboard: 's3cr3t-ami' };

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
