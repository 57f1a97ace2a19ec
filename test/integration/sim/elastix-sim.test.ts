import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ElastixCdr, type ElastixSimOptions, type ElastixSimulator, FORM_SIP_KEYWORDS, startElastixSimulator } from '../../../src-main/sim/elastix/index.js';

/*
 * The Elastix simulator against the recorded elastix-api exchanges (shared/vendors/fixtures/elastix)
 * and the quirks of vendors/elastix.md, over real sockets with node:http so that header names go out
 * exactly as written (fetch would lower-case `Authorization`). Fixture values are illustrative: the
 * replay compares status, content type, key sets and value types, and exact text only where the real
 * API's text is fixed. CDR answers are checked against an expectation computed here from sim.state.
 */

const FIXTURES = new URL('../../../../shared/vendors/fixtures/elastix/', import.meta.url);
const FIXTURE_KEY = 'kJBJzUqZ2W9THvW9vrFTEzXN7NNfDv9XyzENAn7teWDsZCcYHj';
const NOW = Date.UTC(2015, 11, 8, 11, 55, 42);

interface Exchange {
  name?: string;
  request: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string | Record<string, unknown> };
  response: { status: number; statusLine?: string; headers?: Record<string, string>; body?: unknown; bodyText?: string; bodyBinary?: string };
}

function exchanges(file: string): Exchange[] {
  return (JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as { exchanges: Exchange[] }).exchanges;
}

function exchange(file: string, name: string): Exchange {
  const found = exchanges(file).find((e) => e.name === name);
  if (!found) throw new Error(`${file} has no exchange ${name}`);
  return found;
}

interface Reply {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): unknown;
  fingerprint?: string;
}

interface Send {
  method?: string;
  path?: string;
  /** A ready query string (sent verbatim) or parameters. */
  query?: string | Record<string, string>;
  /** Name/value pairs sent with the names exactly as written, repeats allowed. */
  headers?: Array<[string, string]>;
  body?: string | Buffer;
}

function send(sim: ElastixSimulator, options: Send): Promise<Reply> {
  const query = typeof options.query === 'string' ? options.query : new URLSearchParams(options.query ?? {}).toString();
  const url = new URL(`${sim.url}${options.path ?? '/api/api.php'}${query ? `?${query}` : ''}`);
  const tls = url.protocol === 'https:';
  const requestOptions: RequestOptions & { rejectUnauthorized?: boolean } = {
    method: options.method ?? 'POST',
    host: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    // An array keeps names as written; Node then adds neither Host nor Content-Length by itself.
    headers: [['Host', url.host], ...(options.headers ?? []), ...(options.body === undefined ? [] : [['Content-Length', String(Buffer.byteLength(options.body))]])].flat(),
    agent: false,
    ...(tls ? { rejectUnauthorized: false } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        const fingerprint = tls ? (res.socket as TLSSocket).getPeerX509Certificate?.()?.fingerprint256 : undefined;
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, body, text, json: () => JSON.parse(text) as unknown, fingerprint });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const KEY = (sim: ElastixSimulator): [string, string] => ['Authorization', sim.key];
const FORM: [string, string] = ['Content-Type', 'application/x-www-form-urlencoded'];

/** `cmd` with the exact `Authorization` header, parameters as a form body when given. */
function api(sim: ElastixSimulator, cmd: string, form?: Record<string, string>): Promise<Reply> {
  return send(sim, { query: { cmd }, headers: form ? [KEY(sim), FORM] : [KEY(sim)], body: form ? new URLSearchParams(form).toString() : undefined });
}

async function apiJson<T = unknown>(sim: ElastixSimulator, cmd: string, form?: Record<string, string>): Promise<T> {
  const reply = await api(sim, cmd, form);
  expect(reply.status, `${cmd}: ${reply.text.slice(0, 200)}`).toBe(200);
  expect(reply.headers['content-type']).toBe('application/json');
  return reply.json() as T;
}

/** The fixture's request, replayed with its header names and body exactly as recorded. */
function replay(sim: ElastixSimulator, ex: Exchange): Promise<Reply> {
  const headers = Object.entries(ex.request.headers ?? {}).map(([name, value]): [string, string] => [name, name.toLowerCase() === 'authorization' ? value.replace(FIXTURE_KEY, sim.key) : value]);
  const body = ex.request.body === undefined ? undefined : typeof ex.request.body === 'string' ? ex.request.body : JSON.stringify(ex.request.body);
  return send(sim, { method: ex.request.method, path: ex.request.path, query: ex.request.query, headers, body });
}

/** Same JSON shape: same types, same ordered key lists, arrays element by element against the recorded kinds. */
function expectShape(actual: unknown, expected: unknown, where = '$'): void {
  if (expected === null) {
    expect(actual, where).toBeNull();
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${where} is an array`).toBe(true);
    const list = actual as unknown[];
    if (expected.length === 0) return void expect(list, where).toEqual([]);
    expect(list.length, `${where} not empty`).toBeGreaterThan(0);
    list.forEach((item, i) => {
      const model = expected.find((e) => typeof e === typeof item && Array.isArray(e) === Array.isArray(item));
      expect(model, `${where}[${i}] is of a recorded kind (${typeof item})`).toBeDefined();
      expectShape(item, model, `${where}[${i}]`);
    });
  } else if (typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${where} is an object`).toBe(true);
    expect(Object.keys(actual as object), `${where} keys`).toEqual(Object.keys(expected));
    for (const [key, value] of Object.entries(expected)) expectShape((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
  } else {
    expect(typeof actual, where).toBe(typeof expected);
  }
}

function expectRecordedHeaders(reply: Reply, ex: Exchange): void {
  const contentType = ex.response.headers?.['Content-Type'];
  if (contentType) expect(reply.headers['content-type']).toBe(contentType);
}

const sims: ElastixSimulator[] = [];
async function start(options: ElastixSimOptions = {}): Promise<ElastixSimulator> {
  const sim = await startElastixSimulator({ nowMs: NOW, cdrs: 2000, cdrDays: 30, ...options });
  sims.push(sim);
  return sim;
}
afterAll(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

describe('auth and routing (api.php)', () => {
  let sim: ElastixSimulator;
  beforeAll(async () => {
    sim = await start({ key: FIXTURE_KEY, ami: { username: 'admin', secret: 'AMI_SECRET' }, extensions: 5, cdrs: 10 });
  });

  for (const ex of exchanges('auth-and-routing.json')) {
    it(`replays "${ex.name}" with the recorded answer`, async () => {
      const reply = await replay(sim, ex);
      expect(reply.status).toBe(ex.response.status);
      if (ex.response.bodyText !== undefined) {
        expect(reply.text).toBe(ex.response.bodyText);
        expect(reply.headers['content-type']).toBe('text/html');
      } else {
        // `auth` is fully determined by manager.conf: base64 of the first AMI user and secret.
        expectRecordedHeaders(reply, ex);
        expect(reply.json()).toEqual(ex.response.body);
      }
    });
  }

  it('checks cmd before the header, and the key before the command', async () => {
    expect((await send(sim, { headers: [] })).text).toBe('test');
    expect((await send(sim, { query: { cmd: 'nosuch' }, headers: [['Authorization', 'wrong']] })).text).toBe('key not matched');
    expect((await send(sim, { query: 'cmd=', headers: [KEY(sim)] })).text).toBe('cmd not matched');
  });

  it('reads cmd only from the query string, never from the form body', async () => {
    const reply = await send(sim, { headers: [KEY(sim), FORM], body: 'cmd=auth' });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('test');
  });

  it('runs commands for any HTTP method', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const reply = await send(sim, { method, query: { cmd: 'auth' }, headers: [KEY(sim)] });
      expect(reply.json(), method).toEqual({ lordword: Buffer.from('admin:AMI_SECRET').toString('base64') });
    }
  });

  it('matches the header name case-sensitively, under the spelling Apache met first', async () => {
    expect((await send(sim, { query: { cmd: 'auth' }, headers: [['AUTHORIZATION', sim.key]] })).text).toBe('key not found');
    const both = await send(sim, { query: { cmd: 'auth' }, headers: [['authorization', sim.key], ['Authorization', sim.key]] });
    expect(both.text).toBe('key not found');
    const twice = await send(sim, { query: { cmd: 'auth' }, headers: [['Authorization', sim.key], ['Authorization', sim.key]] });
    expect(twice.text).toBe('key not matched');
  });

  it("answers other paths with Apache's 404 page, and accepts PATH_INFO after api.php", async () => {
    const missing = await send(sim, { path: '/api/nosuch.php', query: { cmd: 'auth' }, headers: [KEY(sim)] });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('text/html; charset=iso-8859-1');
    expect(missing.text).toContain('<title>404 Not Found</title>');
    expect(missing.text).toContain('The requested URL /api/nosuch.php was not found on this server.');
    const pathInfo = await send(sim, { path: '/api/api.php/extra', query: { cmd: 'auth' }, headers: [KEY(sim)] });
    expect(pathInfo.status).toBe(200);
    expect(pathInfo.headers['content-type']).toBe('application/json');
  });
});

describe('read commands replayed from the fixtures', () => {
  let sim: ElastixSimulator;
  beforeAll(async () => {
    sim = await start({ extensions: 12 });
  });

  it('sippeers: PeerEntry objects with the recorded keys, trunks included', async () => {
    const [ex] = exchanges('sippeers.json');
    const reply = await replay(sim, ex!);
    expect(reply.status).toBe(ex!.response.status);
    expectRecordedHeaders(reply, ex!);
    expectShape(reply.json(), ex!.response.body);
    const peers = reply.json() as Array<Record<string, string>>;
    expect(peers.map((p) => p.ObjectName)).toEqual([...sim.state.trunks, ...Array.from({ length: 12 }, (_, i) => String(100 + i))].sort());
    for (const peer of peers) expect(peer.Status).toMatch(/^(OK \(\d+ ms\)|LAGGED \(\d+ ms\)|UNREACHABLE|UNKNOWN|Unmonitored)$/);
    for (const [name, presence] of sim.state.presence) {
      const peer = peers.find((p) => p.ObjectName === name)!;
      expect(peer.IPaddress).toBe(presence.ipAddress);
      expect(peer.Status).toBe(presence.latencyMs === null ? 'UNREACHABLE' : presence.latencyMs > 2000 ? `LAGGED (${presence.latencyMs} ms)` : `OK (${presence.latencyMs} ms)`);
    }
    for (const peer of peers.filter((p) => !sim.state.presence.has(p.ObjectName!))) expect([peer.IPaddress, peer.IPport, peer.Status]).toEqual(['-none-', '0', 'UNKNOWN']);
  });

  it('sipextensions: INI sections keyed by peer, extension and trunk keys as recorded, #include keys null', async () => {
    const [ex] = exchanges('sipextensions.json');
    const reply = await replay(sim, ex!);
    expect(reply.status).toBe(ex!.response.status);
    expectRecordedHeaders(reply, ex!);
    const recorded = ex!.response.body as Record<string, Record<string, string>>;
    const body = reply.json() as Record<string, Record<string, string> | null>;
    expectShape(body['100'], recorded['100']);
    expectShape(body[sim.state.trunks[0]!], recorded['900000000000']);
    const includes = Object.keys(body).filter((k) => k.startsWith('#include'));
    expect(includes.length).toBeGreaterThan(0);
    for (const key of includes) expect(body[key]).toBeNull();
    // `allow=ulaw` then `allow=alaw`: the parser keeps the last.
    expect(body[sim.state.trunks[0]!]!.allow).toBe('alaw');
    expect(reply.text).toContain('"dial":"SIP\\/100"');
    // PHP's json_encode escapes non-ASCII characters.
    expect(sim.state.users.some((u) => /[\u0080-\uffff]/.test(u.name))).toBe(true);
    expect(/^[\x20-\x7e]*$/.test(reply.text)).toBe(true);
  });

  it('activecall: truncated fixed-width rows, then the three summary strings', async () => {
    const ex = exchange('activecall.json', 'calls');
    const reply = await replay(sim, ex);
    expect(reply.status).toBe(ex.response.status);
    expectRecordedHeaders(reply, ex);
    expectShape(reply.json(), ex.response.body);
    const rows = reply.json() as Array<Record<string, string> | string>;
    const channels = sim.state.channels;
    expect(channels.some((c) => c.channel.length > 20)).toBe(true);
    expect(rows.slice(0, channels.length).map((r) => (r as Record<string, string>).Channel)).toEqual(channels.map((c) => c.channel.slice(0, 20)));
    rows.slice(0, channels.length).forEach((row, i) => {
      const c = channels[i]!;
      const r = row as Record<string, string>;
      expect(r.BridgedTo).toBe(c.bridgedTo ? c.bridgedTo.slice(0, 20) : '(None)');
      expect(r.Data).toBe(c.data.slice(0, 25));
      const seconds = Math.floor((NOW - c.startedMs) / 1000);
      expect(r.Duration).toBe([Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60].map((n) => String(n).padStart(2, '0')).join(':'));
    });
    const calls = channels.length / 2;
    expect(rows.slice(channels.length)).toEqual([`${channels.length} active channels`, `${calls} active calls`, `${sim.state.callsProcessed} calls processed`]);
  });

  it('activecall with no calls: only the summary strings', async () => {
    const ex = exchange('activecall.json', 'idle');
    const saved = sim.state.channels.splice(0);
    try {
      const reply = await replay(sim, ex);
      expect(reply.status).toBe(200);
      const body = reply.json() as string[];
      expect(body.slice(0, 2)).toEqual((ex.response.body as string[]).slice(0, 2));
      expect(body[2]).toMatch(/^\d+ calls processed$/);
      expect(body).toHaveLength(3);
    } finally {
      sim.state.channels.push(...saved);
    }
  });

  it('systemresources: the uptime scrape, exactly as recorded for the same uptime', async () => {
    const system = sim.state.system;
    Object.assign(system, { users: 5, load: [0.19, 0.19, 0.25], bootMs: NOW - (3 * 60 + 25) * 60_000 });
    const first = exchange('system.json', 'systemresources');
    const reply = await replay(sim, first);
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual(first.response.body);

    const second = exchange('system.json', 'systemresources-1-user');
    const at = Date.UTC(2015, 11, 8, 9, 1, 10);
    sim.state.nowMs = at;
    Object.assign(system, { users: 1, load: [0, 0.01, 0.05], bootMs: at - ((12 * 24 + 2) * 60 + 3) * 60_000 });
    try {
      expect((await replay(sim, second)).json()).toEqual(second.response.body);
    } finally {
      sim.state.nowMs = NOW;
    }
  });

  it('systemresources: "1 day," shifts every field, and 10+ users leave usage null', async () => {
    const system = sim.state.system;
    Object.assign(system, { users: 2, load: [0.5, 0.25, 0.1], bootMs: NOW - ((24 + 2) * 60 + 3) * 60_000 });
    expect(await apiJson(sim, 'systemresources')).toEqual({ datetime: '11:55:42 up 1 day', users: '2:03', usage: '2' });
    Object.assign(system, { users: 12, bootMs: NOW - 35 * 60_000 });
    expect(await apiJson(sim, 'systemresources')).toEqual({ datetime: '11:55:42 up 35 min, 12', users: '0.50, 0.25, 0.10', usage: null });
  });

  it('getharddrivers: nested harddisk and [size, path] pairs; an unwrapped df leaves harddisk empty', async () => {
    const ex = exchange('system.json', 'getharddrivers');
    sim.state.system.dfWrapped = true;
    const reply = await replay(sim, ex);
    expect(reply.status).toBe(200);
    expectShape(reply.json(), ex.response.body);
    const body = reply.json() as Record<string, unknown>;
    expect(body.harddisk).toEqual((ex.response.body as Record<string, unknown>).harddisk);
    expect((body.recording as string[])[1]).toBe('/var/spool/asterisk/monitor');
    sim.state.system.dfWrapped = false;
    try {
      // $harddisk[2] is missing: explode(' ', '') gives [''], the other four are undefined.
      expect((await apiJson<Record<string, unknown>>(sim, 'getharddrivers')).harddisk).toEqual({ size: '', used: null, avail: null, usepercent: null, mount: null });
    } finally {
      sim.state.system.dfWrapped = true;
    }
  });

  it('getiptablesstatus: invalid JSON with raw newlines and a boolean is_exist', async () => {
    const ex = exchange('system.json', 'getiptablesstatus');
    const shape = /^\{"pid": "([\s\S]*)", "is_exist": (true|false)\}$/;
    expect(ex.response.bodyText).toMatch(shape);
    const reply = await replay(sim, ex);
    expect(reply.status).toBe(200);
    expectRecordedHeaders(reply, ex);
    expect(() => JSON.parse(reply.text)).toThrow();
    const [, pid, exists] = shape.exec(reply.text)!;
    expect(pid).toContain('\n');
    expect(pid!.startsWith('Table: filter\nChain INPUT (policy ACCEPT)\n')).toBe(true);
    expect(exists).toBe('true');
    sim.state.system.iptablesRunning = false;
    try {
      const stopped = await api(sim, 'getiptablesstatus');
      expect(stopped.text).toBe('{"pid": "iptables: Firewall is not running.\n", "is_exist": false}');
      expect(() => JSON.parse(stopped.text)).toThrow();
    } finally {
      sim.state.system.iptablesRunning = true;
    }
  });

  it('channelstatus and parkedcalls: raw AMI text as text/html, channelstatus after the AMI read timeout', async () => {
    const quick = await start({ extensions: 6, cdrs: 10, timing: { amiReadTimeoutMs: 300 } });
    const began = Date.now();
    const status = await api(quick, 'channelstatus');
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    expect(status.headers['content-type']).toBe('text/html');
    expect(status.text).toContain('Response: Success\r\nMessage: Channel status will follow\r\n');
    expect(status.text.match(/^Event: Status\r$/gm)).toHaveLength(quick.state.channels.length);
    expect(status.text.endsWith(`Event: StatusComplete\r\nItems: ${quick.state.channels.length}\r\n\r\n`)).toBe(true);
    const parked = await api(quick, 'parkedcalls');
    expect(parked.headers['content-type']).toBe('text/html');
    expect(parked.text).toContain(`Event: ParkedCall\r\nParkinglot: default\r\nExten: ${quick.state.parked[0]!.exten}\r\n`);
    expect(parked.text).not.toContain('ParkedCallsComplete');
  });
});

describe('cdrreport', () => {
  let sim: ElastixSimulator;
  beforeAll(async () => {
    sim = await start({ cdrs: 3000, cdrDays: 30 });
  });

  /** Newest first, `dst = 's'` dropped, independently of the simulator's code. */
  function expected(filter: (row: ElastixCdr) => boolean): ElastixCdr[] {
    return sim.state.cdrs
      .map((row, i) => ({ row, i }))
      .filter(({ row }) => row.dst !== 's' && filter(row))
      .sort((a, b) => (a.row.calldate === b.row.calldate ? b.i - a.i : a.row.calldate < b.row.calldate ? 1 : -1))
      .map(({ row }) => row);
  }

  /** The answer is the first `limit` of the expectation (rows sharing a calldate may come in any order). */
  function expectRows(actual: ElastixCdr[], all: ElastixCdr[], limit: number, offset = 0): void {
    const want = all.slice(offset, offset + limit);
    expect(actual.map((r) => r.calldate)).toEqual(want.map((r) => r.calldate));
    const edge = want.at(-1)?.calldate;
    const ids = (rows: ElastixCdr[]) => rows.filter((r) => r.calldate !== edge).map((r) => r.uniqueid).sort();
    expect(ids(actual)).toEqual(ids(want));
    const allowed = new Set(all.map((r) => r.uniqueid));
    for (const row of actual) expect(allowed.has(row.uniqueid)).toBe(true);
  }

  it('replays the fixtures: 23 string columns, filters applied, JSON bodies ignored, bad field -> []', async () => {
    const filtered = exchange('cdrreport.json', 'filtered');
    const reply = await replay(sim, filtered);
    expect(reply.status).toBe(200);
    expectRecordedHeaders(reply, filtered);
    expectShape(reply.json(), filtered.response.body);
    const rows = reply.json() as ElastixCdr[];
    expectRows(rows, expected((r) => r.calldate >= '2015-12-05 00:00:00' && r.calldate <= '2015-12-07 23:59:59' && r.disposition === 'ANSWERED'), 50);

    const ignored = await replay(sim, exchange('cdrreport.json', 'json-body-ignored'));
    expectShape(ignored.json(), exchange('cdrreport.json', 'json-body-ignored').response.body);
    expectRows(ignored.json() as ElastixCdr[], expected(() => true), 100);
    expect(new Set((ignored.json() as ElastixCdr[]).map((r) => r.disposition)).size).toBeGreaterThan(1);

    const bad = await replay(sim, exchange('cdrreport.json', 'bad-field'));
    expect(bad.status).toBe(200);
    expect(bad.json()).toEqual([]);
  });

  it('never returns dst = "s" rows, even inside the window', async () => {
    const window = (r: ElastixCdr) => r.calldate >= '2015-11-20 00:00:00' && r.calldate <= '2015-11-30 23:59:59';
    expect(sim.state.cdrs.filter((r) => window(r) && r.dst === 's').length).toBeGreaterThan(0);
    const rows = await apiJson<ElastixCdr[]>(sim, 'cdrreport', { start_date: '2015-11-20 00:00:00', end_date: '2015-11-30 23:59:59', limit: '100000' });
    expect(rows.some((r) => r.dst === 's')).toBe(false);
    expectRows(rows, expected(window), 100000);
  });

  it('applies BETWEEN only when both dates are given; a date-only end means midnight', async () => {
    const onlyStart = await apiJson<ElastixCdr[]>(sim, 'cdrreport', { start_date: '2015-12-01 00:00:00', limit: '30' });
    expectRows(onlyStart, expected(() => true), 30);
    const dayBounds = await apiJson<ElastixCdr[]>(sim, 'cdrreport', { start_date: '2015-12-01', end_date: '2015-12-03', limit: '5000' });
    expectRows(dayBounds, expected((r) => r.calldate >= '2015-12-01 00:00:00' && r.calldate <= '2015-12-03 00:00:00'), 5000);
    expect(dayBounds.every((r) => r.calldate < '2015-12-03 00:00:01')).toBe(true);
  });

  it('filters status case-insensitively and LIKEs any column named in field_name', async () => {
    const busy = await apiJson<ElastixCdr[]>(sim, 'cdrreport', { status: 'busy', limit: '40' });
    expectRows(busy, expected((r) => r.disposition === 'BUSY'), 40);
    const did = sim.state.cdrs.find((r) => r.did !== '' && r.dst !== 's')!.did;
    const byDid = await apiJson<ElastixCdr[]>(sim, 'cdrreport', { field_name: 'did', field_pattern: did.slice(2, 6), limit: '500' });
    expectRows(byDid, expected((r) => r.did.includes(did.slice(2, 6))), 500);
    const name = sim.state.cdrs.find((r) => r.cnam !== '')!.cnam.split(' ')[0]!;
    const byName = await apiJson<ElastixCdr[]>(sim, 'cdrreport', { field_name: 'clid', field_pattern: name.toUpperCase(), limit: '20' });
    expect(byName.length).toBeGreaterThan(0);
    for (const row of byName) expect(row.clid.toLowerCase()).toContain(name.toLowerCase());
  });

  it('pastes limit and custom into the SQL: default 100, MySQL forms accepted, anything invalid -> []', async () => {
    const all = expected(() => true);
    expectRows(await apiJson<ElastixCdr[]>(sim, 'cdrreport', {}), all, 100);
    expect(await apiJson(sim, 'cdrreport', { limit: '0' })).toEqual([]);
    expect(await apiJson(sim, 'cdrreport', { limit: '' })).toEqual([]);
    expect(await apiJson(sim, 'cdrreport', { limit: 'ten' })).toEqual([]);
    expectRows(await apiJson<ElastixCdr[]>(sim, 'cdrreport', { limit: '10,5' }), all, 5, 10);
    const recorded = await apiJson<ElastixCdr[]>(sim, 'cdrreport', { custom: " AND recordingfile != ''", limit: '20' });
    expectRows(recorded, expected((r) => r.recordingfile !== ''), 20);
    expect(await apiJson(sim, 'cdrreport', { custom: "recordingfile != ''" })).toEqual([]);
    expect(await apiJson(sim, 'cdrreport', { field_name: 'src', field_pattern: "10'" })).toEqual([]);
  });

  it('reads multipart form bodies like $_POST, but not a form sent with GET', async () => {
    const boundary = '----elastix-test';
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = `${part('status', 'NO ANSWER')}${part('limit', '7')}--${boundary}--\r\n`;
    const multipart = await send(sim, { query: { cmd: 'cdrreport' }, headers: [KEY(sim), ['Content-Type', `multipart/form-data; boundary=${boundary}`]], body });
    expectRows(multipart.json() as ElastixCdr[], expected((r) => r.disposition === 'NO ANSWER'), 7);
    const viaGet = await send(sim, { method: 'GET', query: { cmd: 'cdrreport' }, headers: [KEY(sim), FORM], body: 'limit=7' });
    expect(viaGet.json()).toHaveLength(100);
  });

  it('answers windows over 60,000 rows quickly', async () => {
    const began = performance.now();
    const big = await start({ cdrs: 60_000, cdrDays: 365, extensions: 50 });
    const startup = performance.now() - began;
    expect(big.state.cdrs).toHaveLength(60_000);
    expect(startup).toBeLessThan(8000);
    const t0 = performance.now();
    for (let day = 1; day <= 28; day++) {
      const date = `2015-11-${String(day).padStart(2, '0')}`;
      const rows = await apiJson<ElastixCdr[]>(big, 'cdrreport', { start_date: `${date} 00:00:00`, end_date: `${date} 23:59:59`, limit: '1000' });
      expect(rows.length).toBeGreaterThan(50);
      expect(rows.every((r) => r.calldate.startsWith(date))).toBe(true);
    }
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('extension writes', () => {
  let sim: ElastixSimulator;
  beforeAll(async () => {
    sim = await start({ extensions: 4, followMes: 0, cdrs: 10 });
  });

  const sections = () => apiJson<Record<string, Record<string, string> | null>>(sim, 'sipextensions');
  const peers = async () => apiJson<Array<Record<string, string>>>(sim, 'sippeers');

  it('replays add, add-existing, update and delete with the fixed OK texts', async () => {
    for (const ex of exchanges('extension-crud.json')) {
      const reply = await replay(sim, ex);
      expect(reply.status, ex.name).toBe(200);
      expect(reply.text, ex.name).toBe(ex.response.bodyText);
      expect(reply.headers['content-type'], ex.name).toBe('application/json');
    }
    // Net effect of the sequence: 104 was created, blanked, then deleted; 100 untouched.
    expect(sim.state.sip.some((r) => r.id === '104')).toBe(false);
    expect((await sections())['100']!.secret).toBe(sim.state.sip.find((r) => r.id === '100' && r.keyword === 'secret')!.data);
  });

  it('addextension writes users, devices and 27 sip rows, then reloads; the peer shows up unregistered', async () => {
    const reloads = sim.reloads;
    const add = exchange('extension-crud.json', 'add');
    expect((await replay(sim, add)).text).toBe('{"status": "INSERT OK", "code": 200}');
    expect(sim.reloads).toBe(reloads + 1);
    expect(sim.state.sip.filter((r) => r.id === '104')).toHaveLength(27);
    expect(sim.state.users.find((u) => u.extension === '104')).toMatchObject({ name: 'John', voicemail: 'novm', ringtimer: '0', sipname: '104' });
    expect(sim.state.devices.find((d) => d.id === '104')).toMatchObject({ tech: 'sip', dial: 'SIP/104', devicetype: 'fixed', description: '104' });
    const section = (await sections())['104']!;
    expect(Object.keys(section)).toEqual([...FORM_SIP_KEYWORDS]);
    expect(section).toMatchObject({ secret: 'strongpassword', deny: '0.0.0.0/0.0.0.0', callerid: 'John <104>', mailbox: '104@device' });
    expect((await peers()).find((p) => p.ObjectName === '104')).toMatchObject({ IPaddress: '-none-', IPport: '0', Status: 'UNKNOWN', Dynamic: 'yes', ACL: 'yes' });
  });

  it('addextension on an existing account writes nothing and still says INSERT OK', async () => {
    const before = structuredClone(sim.state.sip.filter((r) => r.id === '100'));
    const name = sim.state.users.find((u) => u.extension === '100')!.name;
    const reloads = sim.reloads;
    const reply = await api(sim, 'addextension', { account: '100', name: 'X', secret: 'changed', context: 'nowhere' });
    expect(reply.text).toBe('{"status": "INSERT OK", "code": 200}');
    expect(sim.state.sip.filter((r) => r.id === '100')).toEqual(before);
    expect(sim.state.users.find((u) => u.extension === '100')!.name).toBe(name);
    expect(sim.reloads).toBe(reloads);
    expect((await sections())['100']!.secret).not.toBe('changed');
  });

  it('updateextension blanks every keyword not sent, and the peer drops out of sippeers (type is empty)', async () => {
    const reloads = sim.reloads;
    const reply = await api(sim, 'updateextension', { account: '104', name: 'John Doe', secret: 'n3w' });
    expect(reply.text).toBe('{"status": "UPDATE OK", "code": 200}');
    expect(sim.reloads).toBe(reloads + 1);
    const rows = sim.state.sip.filter((r) => r.id === '104');
    expect(rows).toHaveLength(27);
    for (const row of rows) expect(row.data, row.keyword).toBe(row.keyword === 'secret' ? 'n3w' : row.keyword === 'account' ? '104' : '');
    const section = (await sections())['104']!;
    expect(section.secret).toBe('n3w');
    expect(section.context).toBe('');
    expect(section.host).toBe('');
    expect(sim.state.users.find((u) => u.extension === '104')!.name).toBe('John Doe');
    expect((await peers()).some((p) => p.ObjectName === '104')).toBe(false);
    // Sending the full set brings it back.
    const full = Object.fromEntries(new URLSearchParams(exchange('extension-crud.json', 'add').request.body as string));
    await api(sim, 'updateextension', { ...full, name: 'John Doe' });
    expect((await peers()).some((p) => p.ObjectName === '104')).toBe(true);
    expect((await sections())['104']!.context).toBe('from-internal');
  });

  it('updateextension on an unknown account creates sip rows but no user', async () => {
    await api(sim, 'updateextension', { account: '777', name: 'Ghost', type: 'friend', host: 'dynamic', qualify: 'no' });
    expect(sim.state.sip.filter((r) => r.id === '777')).toHaveLength(27);
    expect(sim.state.users.some((u) => u.extension === '777')).toBe(false);
    expect((await sections())['777']!.type).toBe('friend');
    expect((await peers()).find((p) => p.ObjectName === '777')!.Status).toBe('Unmonitored');
    await api(sim, 'deleteextension', { account: '777' });
  });

  it('a quote breaks the pasted SQL: INSERT OK, yet the SIP peer was never written', async () => {
    const reply = await api(sim, 'addextension', { account: '105', name: 'Ann', secret: "it's", type: 'friend', host: 'dynamic', dial: 'SIP/105' });
    expect(reply.text).toBe('{"status": "INSERT OK", "code": 200}');
    expect((await sections())['105']).toBeUndefined();
    expect(sim.state.users.some((u) => u.extension === '105')).toBe(true);
    // A backslash is eaten as an escape by MySQL.
    await api(sim, 'addextension', { account: '106', name: 'Bo', secret: 'pa\\ss\\word', type: 'friend', host: 'dynamic' });
    expect((await sections())['106']!.secret).toBe('password');
  });

  it('ignores a JSON body: the account is empty and nothing is written for it', async () => {
    const reply = await send(sim, { query: { cmd: 'addextension' }, headers: [KEY(sim), ['Content-Type', 'application/json']], body: JSON.stringify({ account: '107', name: 'Json', type: 'friend' }) });
    expect(reply.text).toBe('{"status": "INSERT OK", "code": 200}');
    expect(sim.state.sip.some((r) => r.id === '107')).toBe(false);
    expect((await sections())['107']).toBeUndefined();
  });

  it('deleteextension removes sip, users and devices rows but leaves follow-me and AstDB behind', async () => {
    const form = Object.fromEntries(new URLSearchParams(exchange('followme.json', 'add').request.body as string));
    await api(sim, 'addfollowmeextension', { ...form, grpnum: '101', grplist: '101-0539999999#' });
    const reply = await api(sim, 'deleteextension', { account: '101' });
    expect(reply.text).toBe('{"status": "DELETE OK", "code": 200}');
    expect(sim.state.sip.some((r) => r.id === '101')).toBe(false);
    expect(sim.state.users.some((u) => u.extension === '101')).toBe(false);
    expect(sim.state.devices.some((d) => d.id === '101')).toBe(false);
    expect((await sections())['101']).toBeUndefined();
    expect((await peers()).some((p) => p.ObjectName === '101')).toBe(false);
    expect(await apiJson(sim, 'getfollowmeextension', { grpnum: '101' })).toHaveLength(1);
    expect(sim.state.astdb.get('AMPUSER/101/followme/ddial')).toBe('DIRECT');
  });
});

describe('follow-me', () => {
  let sim: ElastixSimulator;
  beforeAll(async () => {
    sim = await start({ extensions: 6, followMes: 0, cdrs: 10 });
  });
  afterEach(async () => {
    for (const row of [...sim.state.findmefollow]) await api(sim, 'deletefollowmeextension', { grpnum: row.grpnum ?? '' });
  });

  const form = () => Object.fromEntries(new URLSearchParams(exchange('followme.json', 'add').request.body as string));
  const get = (grpnum: string) => apiJson<Array<Record<string, string | null>>>(sim, 'getfollowmeextension', { grpnum });

  it('replays add, get, get-none, update and delete as recorded', async () => {
    for (const ex of exchanges('followme.json')) {
      const reply = await replay(sim, ex);
      expect(reply.status, ex.name).toBe(200);
      expect(reply.headers['content-type'], ex.name).toBe('application/json');
      if (ex.response.bodyText !== undefined) expect(reply.text, ex.name).toBe(ex.response.bodyText);
      // The row read back is exactly what the recorded add wrote.
      else expect(reply.json(), ex.name).toEqual(ex.response.body);
    }
    expect(await get('100')).toEqual([]);
  });

  it('add writes the AstDB keys (grpconf ENABLED whatever needsconf says) and reloads', async () => {
    const reloads = sim.reloads;
    await api(sim, 'addfollowmeextension', form());
    expect(sim.reloads).toBe(reloads + 1);
    const keys = Object.fromEntries([...sim.state.astdb].filter(([k]) => k.startsWith('AMPUSER/100/followme/')).map(([k, v]) => [k.slice('AMPUSER/100/followme/'.length), v]));
    expect(keys).toEqual({ changecid: 'default', ddial: 'DIRECT', fixedcid: '', grpconf: 'ENABLED', grplist: '100-0539999999#', grptime: '20', prering: '0' });
  });

  it('add on an existing row keeps the row, rewrites AstDB, and still says INSERT OK', async () => {
    await api(sim, 'addfollowmeextension', form());
    const reloads = sim.reloads;
    const reply = await api(sim, 'addfollowmeextension', { ...form(), grptime: '45', strategy: 'hunt' });
    expect(reply.text).toBe('{"status": "INSERT OK", "code": 200}');
    expect((await get('100'))[0]).toMatchObject({ grptime: '20', strategy: 'ringallv2' });
    expect(sim.state.astdb.get('AMPUSER/100/followme/grptime')).toBe('45');
    expect(sim.reloads).toBe(reloads);
  });

  it('a non-numeric or empty numeric field makes the insert fail silently', async () => {
    for (const [field, value] of [['grptime', 'abc'], ['grptime', ''], ['pre_ring', '5s'], ['toolate_id', '']] as const) {
      const reply = await api(sim, 'addfollowmeextension', { ...form(), [field]: value });
      expect(reply.text).toBe('{"status": "INSERT OK", "code": 200}');
      expect(await get('100'), `${field}=${value}`).toEqual([]);
    }
    const omitted = form();
    delete omitted.annmsg_id;
    await api(sim, 'addfollowmeextension', omitted);
    expect(await get('100')).toEqual([]);
  });

  it('stores grplist verbatim; with blanks the AstDB copy is not written', async () => {
    sim.state.astdb.set('AMPUSER/100/followme/grplist', 'old-list');
    await api(sim, 'addfollowmeextension', { ...form(), grplist: '101, 105, 90539999999#' });
    expect((await get('100'))[0]!.grplist).toBe('101, 105, 90539999999#');
    expect(sim.state.astdb.get('AMPUSER/100/followme/grplist')).toBe('old-list');
  });

  it('update without WHERE: one row becomes the new extension; with two rows nothing changes', async () => {
    await api(sim, 'addfollowmeextension', form());
    const update = exchange('followme.json', 'update-NEVER-USE');
    const sent = Object.fromEntries(new URLSearchParams(update.request.body as string));
    const reply = await api(sim, 'updatefollowmeextension', { ...sent, grpnum: '102' });
    expect(reply.text).toBe('{"status": "UPDATE OK", "code": 200}');
    expect(await get('100')).toEqual([]);
    expect((await get('102'))[0]).toMatchObject({ grpnum: '102', strategy: 'hunt', grptime: '25', grplist: '100-101', grppre: '', postdest: '' });

    await api(sim, 'addfollowmeextension', form());
    const before = await apiJson(sim, 'getallfollowmeextensions');
    expect(before).toHaveLength(2);
    await api(sim, 'updatefollowmeextension', { ...sent, grpnum: '103' });
    expect(await apiJson(sim, 'getallfollowmeextensions')).toEqual(before);
    expect(await get('103')).toEqual([]);
  });

  it('delete removes the row and the AstDB followme tree; every value read back is a string', async () => {
    await api(sim, 'addfollowmeextension', form());
    await api(sim, 'addfollowmeextension', { ...form(), grpnum: '104', grplist: '104-105' });
    const all = await apiJson<Array<Record<string, unknown>>>(sim, 'getallfollowmeextensions');
    expect(all.map((r) => r.grpnum)).toEqual(['100', '104']);
    for (const row of all) for (const value of Object.values(row)) expect(typeof value).toBe('string');
    const reply = await api(sim, 'deletefollowmeextension', { grpnum: '100' });
    expect(reply.text).toBe('{"status": "DELETE OK", "code": 200}');
    expect(await get('100')).toEqual([]);
    expect([...sim.state.astdb.keys()].some((k) => k.startsWith('AMPUSER/100/'))).toBe(false);
    expect(sim.state.astdb.get('AMPUSER/104/followme/grplist')).toBe('104-105');
  });
});

describe('getwavfile', () => {
  let sim: ElastixSimulator;
  beforeAll(async () => {
    sim = await start({ cdrs: 3000, recordings: 4 });
  });

  const NOT_FOUND = '{"status": "File not found", "code": 404}';
  const wav = (name: string) => send(sim, { query: { cmd: 'getwavfile', name }, headers: [KEY(sim)] });
  const datedName = (row: ElastixCdr) => `/${row.calldate.slice(0, 10).split('-').join('/')}/${row.recordingfile}`;

  function expectNotFound(reply: Reply, what: string): void {
    expect(reply.status, what).toBe(404);
    expect(reply.statusMessage, what).toBe('Not Found');
    expect(reply.headers['content-type'], what).toBe('application/json');
    expect(reply.text, what).toBe(NOT_FOUND);
  }

  it('replays found, missing and name-in-body', async () => {
    const found = exchange('getwavfile.json', 'found');
    const bytes = Buffer.from(sim.state.recordings.values().next().value!);
    sim.state.recordings.set(found.request.query!.name!, bytes);
    const reply = await replay(sim, found);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(found.response.headers!['Content-Type']);
    expect(reply.headers['content-disposition']).toBe(found.response.headers!['Content-Disposition']);
    expect(reply.headers['content-length']).toBe(String(bytes.length));
    expect(reply.body.equals(bytes)).toBe(true);

    expectNotFound(await replay(sim, exchange('getwavfile.json', 'missing')), 'missing');
    // The file named in the body exists; the body is still not read.
    sim.state.recordings.set('/2015/12/05/x.wav', bytes);
    expectNotFound(await replay(sim, exchange('getwavfile.json', 'name-in-body')), 'name-in-body');
    expect((await wav('/2015/12/05/x.wav')).status).toBe(200);
  });

  it('serves the recordings of CDR rows from the dated folders, small 8 kHz PCM WAVs', async () => {
    const dated = sim.state.cdrs.filter((r) => r.recordingfile !== '' && sim.state.recordings.has(datedName(r)));
    expect(dated.length).toBeGreaterThanOrEqual(4);
    for (const row of dated) {
      const reply = await wav(datedName(row));
      expect(reply.status).toBe(200);
      expect(reply.headers['content-disposition']).toBe(`attachment; filename="${row.recordingfile}"`);
      const b = reply.body;
      expect([b.toString('latin1', 0, 4), b.toString('latin1', 8, 12), b.toString('latin1', 12, 16)]).toEqual(['RIFF', 'WAVE', 'fmt ']);
      expect([b.readUInt16LE(20), b.readUInt16LE(22), b.readUInt32LE(24), b.readUInt16LE(34)]).toEqual([1, 1, 8000, 16]);
      expect(b.readUInt32LE(4)).toBe(b.length - 8);
      expect(b.length).toBeLessThan(64 * 1024);
    }
  });

  it('keeps one older recording in the flat layout: only the flat name finds it', async () => {
    const flat = sim.state.cdrs.filter((r) => r.recordingfile !== '' && sim.state.recordings.has(`/${r.recordingfile}`));
    expect(flat).toHaveLength(1);
    expectNotFound(await wav(datedName(flat[0]!)), 'dated name of a flat file');
    expect((await wav(`/${flat[0]!.recordingfile}`)).status).toBe(200);
  });

  it('refuses path traversal in every spelling, though the files exist on the box', async () => {
    const names = [
      '../../etc/passwd',
      '/../../../../etc/passwd',
      '/2015/../../../../../etc/passwd',
      '/../../../../etc/asterisk/manager.conf',
      '/../../../../var/www/html/api/api.php',
      '/./../.././../../etc/passwd',
      '....//....//etc/passwd',
      '/..\\..\\..\\..\\etc\\passwd',
      '%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/%252e%252e/%252e%252e/%252e%252e/%252e%252e/etc/passwd',
      '/../../../../etc/passwd\u0000.wav',
      '',
      '/',
      '/2015',
    ];
    for (const name of names) expectNotFound(await wav(name), JSON.stringify(name));
    // The raw query string, percent-encoded by the client: PHP decodes it once.
    for (const query of ['cmd=getwavfile&name=%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd', 'cmd=getwavfile&name=%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'cmd=getwavfile']) {
      expectNotFound(await send(sim, { query, headers: [KEY(sim)] }), query);
    }
  });

  it('resolves like realpath(): a detour through existing folders is fine, through a missing one is not', async () => {
    const [path] = [...sim.state.recordings.keys()].filter((k) => k.split('/').length === 5);
    const [, year, month, day, file] = path!.split('/');
    expect((await wav(`/${year}/${month}/../${month}/${day}/./${file}`)).status).toBe(200);
    expect((await wav(`/../../asterisk/monitor/${year}/${month}/${day}/${file}`)).status).toBe(200);
    expectNotFound(await wav(`/${year}/nosuch/../${month}/${day}/${file}`), 'missing folder');
    expectNotFound(await wav(`/${year}/${month}/${day}/${file}/`), 'trailing slash');
  });
});

describe('TLS', () => {
  it('serves the API over HTTPS with the self-signed certificate it was given', async () => {
    const pems = await generate([{ name: 'commonName', value: 'elastix.test' }], { keySize: 2048, algorithm: 'sha256' });
    const sim = await start({ tls: { key: pems.private, cert: pems.cert }, extensions: 3, cdrs: 10 });
    expect(sim.url.startsWith('https://127.0.0.1:')).toBe(true);
    const reply = await api(sim, 'auth');
    expect(reply.status).toBe(200);
    expect(reply.fingerprint).toBe(new X509Certificate(pems.cert).fingerprint256);
    expect(reply.json()).toEqual({ lordword: Buffer.from('admin:elastix456').toString('base64') });
    expect((await send(sim, { query: { cmd: 'sippeers' }, headers: [['authorization', sim.key]] })).text).toBe('key not found');
  });
});
