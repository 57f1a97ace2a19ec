import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeAmi } from '../../../src-main/ami/ami-probe.js';
import { startAmiSimulator, type AmiSimulator } from '../../../src-main/sim/ami/index.js';
import { rejection } from '../../support/rejection.js';

const HOST = '127.0.0.1';
const USERS = { operator: 'op3r4tor' };

function actionOf(headers: Array<[string, string]>): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === 'action')?.[1];
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A raw TCP peer that is not AMI; every accepted socket is kept so it can be torn down. */
async function rawServer(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('probeAmi against the AMI simulator', () => {
  let sim: AmiSimulator;
  beforeAll(async () => {
    sim = await startAmiSimulator({ users: USERS, loginFailureDelayMs: 100 });
  });
  afterAll(async () => {
    await sim.close();
  });
  const actionsOn = (connection: number) =>
    sim.received.filter((a) => a.connection === connection).map((a) => actionOf(a.headers));

  it('logs in with the right credentials and reports the banner', async () => {
    const result = await probeAmi({ host: HOST, port: sim.port, username: 'operator', secret: 'op3r4tor', timeoutMs: 3000 });
    expect(result.banner).toBe('Asterisk Call Manager/11.0.0');
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(result.latencyMs).toBeLessThan(3000);
  });

  it('logs in with events off and logs off politely on the same connection', async () => {
    const before = sim.received.length;
    await probeAmi({ host: HOST, port: sim.port, username: 'operator', secret: 'op3r4tor', timeoutMs: 3000 });
    const login = sim.received.slice(before).find((a) => actionOf(a.headers) === 'Login')!;
    expect(login.headers).toContainEqual(['Events', 'off']);
    await waitFor(() => actionsOn(login.connection).includes('Logoff'));
    expect(actionsOn(login.connection)).toEqual(['Login', 'Logoff']);
  });

  it('reports a wrong secret as AUTH_FAILED', async () => {
    const err = await rejection(probeAmi({ host: HOST, port: sim.port, username: 'operator', secret: 'wrong', timeoutMs: 3000 }));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).not.toContain('wrong');
    expect(JSON.stringify(err.details ?? {})).not.toContain('wrong');
  });

  it('reports an unknown user as AUTH_FAILED too (Asterisk does not tell them apart)', async () => {
    const err = await rejection(probeAmi({ host: HOST, port: sim.port, username: 'nosuchuser', secret: 'x', timeoutMs: 3000 }));
    expect(err.code).toBe('AUTH_FAILED');
  });

  it('refuses a secret carrying CRLF + a second action before writing anything', async () => {
    const before = sim.received.length;
    const err = await rejection(
      probeAmi({
        host: HOST,
        port: sim.port,
        username: 'operator',
        secret: 'op3r4tor\r\nAction: Originate\r\nChannel: PJSIP/105\r\nExten: 900',
        timeoutMs: 3000,
      }),
    );
    expect(err.code).toBe('VALIDATION');
    // A following good probe proves the simulator is reading; nothing of the refused one arrived.
    await probeAmi({ host: HOST, port: sim.port, username: 'operator', secret: 'op3r4tor', timeoutMs: 3000 });
    const logins = sim.received.slice(before).filter((a) => actionOf(a.headers) === 'Login');
    expect(logins).toHaveLength(1);
    expect(logins[0]!.headers).toContainEqual(['Secret', 'op3r4tor']);
    await waitFor(() => actionsOn(logins[0]!.connection).includes('Logoff'));
    expect(sim.received.some((a) => a.headers.some(([, v]) => v.includes('Originate')))).toBe(false);
  });

  it('refuses a user name carrying a bare LF', async () => {
    const err = await rejection(probeAmi({ host: HOST, port: sim.port, username: 'operator\nAction: Originate', secret: 'op3r4tor' }));
    expect(err.code).toBe('VALIDATION');
  });
});

describe('probeAmi failure modes', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  it('waits out Asterisk’s real one-second delay before AUTH_FAILED', async () => {
    const sim = await startAmiSimulator({ users: USERS });
    cleanups.push(() => sim.close());
    const started = performance.now();
    const err = await rejection(probeAmi({ host: HOST, port: sim.port, username: 'operator', secret: 'nope', timeoutMs: 5000 }));
    const elapsed = performance.now() - started;
    expect(err.code).toBe('AUTH_FAILED');
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(4000);
  });

  it('reports TIMEOUT when a slow refusal takes longer than the probe’s budget', async () => {
    const sim = await startAmiSimulator({ users: USERS, loginFailureDelayMs: 2000 });
    cleanups.push(() => sim.close());
    const err = await rejection(probeAmi({ host: HOST, port: sim.port, username: 'operator', secret: 'nope', timeoutMs: 300 }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.details?.stage).toBe('no answer to Login');
  });

  it('reports a closed port as UNREACHABLE', async () => {
    const { port, close } = await rawServer(() => undefined);
    await close();
    const err = await rejection(probeAmi({ host: HOST, port, username: 'operator', secret: 'op3r4tor', timeoutMs: 3000 }));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toContain(`${HOST}:${port}`);
  });

  it('reports TIMEOUT when the peer accepts but never greets', async () => {
    const silent = await rawServer(() => undefined);
    cleanups.push(silent.close);
    const started = performance.now();
    const err = await rejection(probeAmi({ host: HOST, port: silent.port, username: 'operator', secret: 'op3r4tor', timeoutMs: 300 }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.details?.stage).toBe('no AMI greeting');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reports a peer that greets like an HTTP server as PBX_ERROR and sends it no credentials', async () => {
    const seen: string[] = [];
    const http = await rawServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => seen.push(chunk));
      socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    cleanups.push(http.close);
    const err = await rejection(probeAmi({ host: HOST, port: http.port, username: 'operator', secret: 'op3r4tor', timeoutMs: 3000 }));
    expect(err.code).toBe('PBX_ERROR');
    expect(err.details?.greeting).toBe('HTTP/1.1 400 Bad Request');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.join('')).not.toContain('op3r4tor');
  });

  it('reports a peer that hangs up before greeting as PBX_ERROR', async () => {
    const rude = await rawServer((socket) => socket.end());
    cleanups.push(rude.close);
    const err = await rejection(probeAmi({ host: HOST, port: rude.port, username: 'operator', secret: 'op3r4tor', timeoutMs: 3000 }));
    expect(err.code).toBe('PBX_ERROR');
    expect(err.details?.stage).toBe('before the AMI greeting');
  });
});
