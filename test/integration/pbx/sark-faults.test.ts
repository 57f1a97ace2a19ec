import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import type { SarkCredentials } from '../../../src-main/pbx/sark/sark-api.js';
import { SarkAdapter } from '../../../src-main/pbx/sark/sark-adapter.js';
import { startHttpSim, type HttpSimServer, type SimRequest, type SimResponse } from '../../../src-main/sim/http/http-sim.js';
import { startSarkSimulator, type SarkSimOptions, type SarkSimulator } from '../../../src-main/sim/sark/index.js';
import type { CdrRecord } from '../../../src-shared/domain/pbx.js';
import { AppError } from '../../../src-shared/errors.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';

/*
 * The SARK adapter when things go wrong: an L11 token revoked mid-batch (or taken by another login
 * of the same user), Laravel's throttle, the web server's HTML 500, a connection cut in the middle
 * of the call log, a call log that changed between two attempts, a certificate that changed after
 * it was pinned. Writes are never made twice and no CDR is handed on twice.
 */

const NOW = Date.parse('2026-11-20T12:00:00Z');
const OPERATOR: SarkCredentials = { email: 'operator@example.com', password: 'secret-pass' };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FAST: SarkSimOptions = { seed: 4, extensions: 20, cdrs: 2000, cdrDays: 10, nowMs: NOW, astamisDelayMs: 5, throttlePerMinute: 100_000, liveCalls: 0 };

async function setUp(options: SarkSimOptions = {}, client: { credentials?: SarkCredentials | null; pin?: string | null; timeoutMs?: number } = {}): Promise<{ sim: SarkSimulator; adapter: SarkAdapter }> {
  const sim = await startSarkSimulator({ ...FAST, ...options });
  cleanups.push(() => sim.close());
  return { sim, adapter: adapterOn(sim.url, client) };
}

function adapterOn(url: string, client: { credentials?: SarkCredentials | null; pin?: string | null; timeoutMs?: number } = {}): SarkAdapter {
  const http = new HttpClient({ baseUrl: `${url}/api`, pinnedFingerprint256: client.pin ?? null, logger: new MemoryLogger(), retryDelayMs: 5, timeoutMs: client.timeoutMs });
  return new SarkAdapter({ http, credentials: client.credentials === undefined ? null : client.credentials, timeZone: 'UTC' });
}

const count = (sim: { requests: readonly SimRequest[] }, method: string, path: string) => sim.requests.filter((r) => r.method === method && r.path === `/api${path}`).length;

async function collect(adapter: SarkAdapter, onBatch?: () => void): Promise<CdrRecord[]> {
  const got: CdrRecord[] = [];
  await adapter.fetchCdrs({
    window: { from: 0, to: NOW },
    onBatch: (batch) => {
      got.push(...batch);
      onBatch?.();
    },
  });
  return got;
}

describe('SARK L11 tokens', () => {
  it('renews a token revoked in the middle of a batch once, and makes every change once', async () => {
    const { sim, adapter } = await setUp({ generation: 'L11' }, { credentials: OPERATOR });
    expect(await adapter.connect()).toEqual({ generation: 'L11', version: null });
    const [a, b] = [...sim.state.extensions.keys()];
    await adapter.batch(async () => {
      await adapter.updateExtension(a, { fields: { provision: 'first' } });
      // Revoked on the PBX (a logout elsewhere, an admin clearing tokens).
      sim.state.tokens.clear();
      await adapter.updateExtension(b, { fields: { provision: 'second' } });
      await adapter.createRingGroup({ number: '650', name: 'After renewal', strategy: 'ringall', members: [a, b], ringSeconds: 20, noAnswerDestination: null });
    });
    expect([sim.state.extensions.get(a)!.provision, sim.state.extensions.get(b)!.provision]).toEqual(['first', 'second']);
    expect(sim.state.ringGroups.get('650')).toMatchObject({ longdesc: 'After renewal', out: `${a} ${b}` });
    expect(count(sim, 'POST', '/auth/login')).toBe(2);
    expect(count(sim, 'POST', '/ringgroups')).toBe(1);
    expect(count(sim, 'GET', '/syscommands/commit')).toBe(1);
  });

  it('shares one login among requests that meet the same dead token together', async () => {
    const { sim, adapter } = await setUp({ generation: 'L11' }, { credentials: OPERATOR });
    await adapter.connect();
    sim.state.tokens.clear();
    const numbers = [...sim.state.extensions.keys()].slice(0, 4);
    const found = await Promise.all(numbers.map((n) => adapter.getExtension(n)));
    expect(found.map((e) => e?.number)).toEqual(numbers);
    // One login more: a second one would have deleted the first's token under the other requests.
    expect(count(sim, 'POST', '/auth/login')).toBe(2);
  });

  it('carries on when another client logs in as the same user and takes the token', async () => {
    const { sim, adapter } = await setUp({ generation: 'L11' }, { credentials: OPERATOR });
    const other = adapterOn(sim.url, { credentials: OPERATOR });
    expect(await adapter.listExtensions()).toHaveLength(20);
    await other.connect();
    expect(await adapter.listExtensions()).toHaveLength(20);
    expect(await other.listExtensions()).toHaveLength(20);
    // Each login was forced by a 401: none up front, none twice in a row.
    expect(count(sim, 'POST', '/auth/login')).toBe(4);
  });

  it('logs in where the L11 code hides its routes from a request without a token (a 404, not a 401)', async () => {
    const { sim, adapter } = await setUp({ generation: 'L11', l11Source: true }, { credentials: OPERATOR });
    expect(await adapter.connect()).toEqual({ generation: 'L11', version: null });
    expect(await adapter.listExtensions()).toHaveLength(20);
    expect(count(sim, 'POST', '/auth/login')).toBe(1);
  });

  it('says a non-administrator cannot use the API, rather than that the PBX has nothing', async () => {
    const clerk = { email: 'clerk@example.com', password: 'clerk-pass' };
    const { adapter } = await setUp({ generation: 'L11', users: { [clerk.email]: clerk.password }, nonAdminUsers: [clerk.email] }, { credentials: clerk });
    expect((await rejection(adapter.connect())).code).toBe('FORBIDDEN');
  });
});

describe('SARK throttle and server errors', () => {
  it('waits out a 429 for as long as Retry-After says, then makes the write once', async () => {
    // Laravel's window is a minute from its first request: the clock is moved to just before it closes.
    const start = Math.ceil(Date.now() / 1000) * 1000;
    vi.useFakeTimers({ now: start, toFake: ['Date'], shouldAdvanceTime: true });
    const { sim, adapter } = await setUp({ throttlePerMinute: 4 });
    for (let i = 0; i < 3; i++) await adapter.listExtensions();
    vi.setSystemTime(start + 57_500);
    const began = performance.now();
    const created = await adapter.createExtension('3500', { name: '' });
    expect(created.number).toBe('3500');
    expect(performance.now() - began).toBeGreaterThan(2500);
    // The refused POST never reached the controller: one extension, one more POST after the wait.
    expect(count(sim, 'POST', '/extensions/unprovisioned')).toBe(2);
    expect([...sim.state.extensions.keys()].filter((k) => k === '3500')).toHaveLength(1);
  }, 15_000);

  it('asks again for a read that met an HTML 500, and never sends a write twice', async () => {
    const { sim, adapter } = await setUp();
    sim.faults.htmlErrors(1);
    expect(await adapter.listExtensions()).toHaveLength(20);
    sim.faults.htmlErrors(1, (r) => r.method === 'POST');
    const error = await rejection(adapter.createExtension('3501', { name: '' }));
    expect(error).toMatchObject({ code: 'PBX_ERROR', details: { status: 500 } });
    expect(error.message).not.toContain('<');
    expect(count(sim, 'POST', '/extensions/unprovisioned')).toBe(1);
    expect(sim.state.extensions.has('3501')).toBe(false);
  });

  it('settles a delete whose answer never came by looking, without sending it again', async () => {
    let deleted = false;
    const server: HttpSimServer = await startHttpSim({
      handle: async (r): Promise<SimResponse> => {
        if (r.method === 'DELETE') {
          deleted = true;
          // SARK deleted it; the answer arrives after the client has stopped waiting.
          await new Promise((resolve) => setTimeout(resolve, 600));
          return { status: 204 };
        }
        if (r.path === '/api/extensions/1002' && deleted) return { status: 404, headers: { 'Content-Type': 'application/json' }, body: '{"reason":"Not Found!"}' };
        if (r.path === '/api/syscommands/commit') return { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"message":"System Commit issued"}' };
        return { status: 599 };
      },
    });
    cleanups.push(() => server.close());
    const adapter = adapterOn(server.url, { timeoutMs: 200 });
    expect(await adapter.deleteExtensions(['1002'])).toEqual([{ id: '1002', ok: true }]);
    expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });
});

describe('SARK call log download', () => {
  it('resumes a download cut in the middle from the last whole row, with every row once', async () => {
    const { sim, adapter } = await setUp();
    const cdrs = (r: SimRequest) => r.path === '/api/logs/cdrs';
    const attempt = (r: SimRequest) => sim.requests.filter(cdrs).indexOf(r);
    // A connection dropped, the web server's error page, then two answers cut halfway.
    sim.faults.dropConnections(1, (r) => attempt(r) === 0);
    sim.faults.htmlErrors(1, (r) => attempt(r) === 1);
    sim.faults.cutBodies(2, (r) => attempt(r) === 2 || attempt(r) === 3);
    const got = await collect(adapter);
    expect(got.map((r) => r.uniqueid).sort()).toEqual(sim.state.cdrs.map((r) => r.uniqueid).sort());
    expect(new Set(got.map((r) => r.key)).size).toBe(got.length);
    const downloads = sim.requests.filter(cdrs);
    expect(downloads).toHaveLength(5);
    // Later attempts asked only for the rest (with a little overlap to check it is the same file).
    const ranges = downloads.map((r) => Number(/^bytes=(\d+)-$/.exec(String(r.headers.range ?? ''))?.[1] ?? 0));
    expect(ranges.slice(0, 3)).toEqual([0, 0, 0]);
    expect(ranges[3]).toBeGreaterThan(0);
    expect(ranges[4]).toBeGreaterThan(ranges[3]);
  }, 20_000);

  it('stops at the first failed batch and does not download again', async () => {
    const { sim, adapter } = await setUp();
    let batches = 0;
    const error = await rejection(
      collect(adapter, () => {
        if (++batches === 2) throw new AppError('STORAGE', 'The cache could not be written');
      }),
    );
    expect(error.code).toBe('STORAGE');
    expect(batches).toBe(2);
    expect(count(sim, 'GET', '/logs/cdrs')).toBe(1);
  });
});

/** A call log of `rows` rows as cdr_csv writes it, uniqueids from `first`. */
function masterCsv(rows: number, first: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const at = new Date(Date.UTC(2026, 10, 1, 8) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    lines.push(`"","100${i % 10}","0612345678","internal","""Zoé"" <1001>","SIP/1001-${String(i).padStart(8, '0')}","SIP/trunk1-${String(i).padStart(8, '0')}","Dial","SIP/trunk1/0612345678,60,tT","${at}","${at}","${at}",0,0,"ANSWERED","DOCUMENTATION","${first + i}.${i}",""`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** A server for `/api/logs/cdrs` that answers each attempt with the file `files(n)` gives, honouring Range or not. */
async function logServer(files: (attempt: number) => Buffer, honourRange: boolean): Promise<HttpSimServer> {
  let attempt = 0;
  const server = await startHttpSim({
    handle: (r): SimResponse => {
      const file = files(attempt++);
      const range = /^bytes=(\d+)-$/.exec(String(r.headers.range ?? ''));
      if (honourRange && range) {
        const from = Number(range[1]);
        return { status: 206, headers: { 'Content-Type': 'text/csv; charset=UTF-8', 'Content-Range': `bytes ${from}-${file.length - 1}/${file.length}` }, body: file.subarray(from) };
      }
      return { status: 200, headers: { 'Content-Type': 'text/csv; charset=UTF-8' }, body: file };
    },
  });
  cleanups.push(() => server.close());
  return server;
}

describe('SARK call log that moves under the download', () => {
  it('follows a server that ignores Range, skipping what it already had', async () => {
    const file = masterCsv(3000, 1_800_000_000);
    const server = await logServer(() => file, false);
    server.faults.cutBodies(1);
    const got = await collect(adapterOn(server.url));
    expect(got).toHaveLength(3000);
    expect(new Set(got.map((r) => r.uniqueid)).size).toBe(3000);
    expect(server.requests).toHaveLength(2);
  });

  it('fails cleanly when the log was rotated between attempts, having handed on nothing twice', async () => {
    const server = await logServer((n) => masterCsv(3000, n === 0 ? 1_800_000_000 : 1_900_000_000), true);
    server.faults.cutBodies(1);
    const got: CdrRecord[] = [];
    const error = await rejection(
      adapterOn(server.url).fetchCdrs({ window: { from: 0, to: NOW }, onBatch: (batch) => void got.push(...batch) }),
    );
    expect(error).toMatchObject({ code: 'PBX_ERROR', details: { callLogChanged: true } });
    expect(new Set(got.map((r) => r.key)).size).toBe(got.length);
    expect(got.every((r) => r.uniqueid.startsWith('18'))).toBe(true);
    expect(server.requests).toHaveLength(2);
  });
});

describe('SARK TLS', () => {
  it('refuses a SARK whose certificate changed after it was pinned, before sending anything', async () => {
    const old = await generate([{ name: 'commonName', value: 'sark.test' }], { keySize: 2048, algorithm: 'sha256' });
    const renewed = await generate([{ name: 'commonName', value: 'sark.test' }], { keySize: 2048, algorithm: 'sha256' });
    const pin = new X509Certificate(old.cert).fingerprint256;
    const { adapter: trusted } = await setUp({ tls: { key: old.private, cert: old.cert } }, { pin });
    expect(await trusted.connect()).toEqual({ generation: 'L7', version: null });

    const { sim, adapter } = await setUp({ generation: 'L11', tls: { key: renewed.private, cert: renewed.cert } }, { pin, credentials: OPERATOR });
    const error = await rejection(adapter.connect());
    expect(error.code).toBe('TLS_UNTRUSTED');
    expect(error.details?.pinMismatch).toBe(true);
    // Not even the login: the password never went to the impostor.
    expect(sim.requests).toHaveLength(0);
  }, 20_000);
});
