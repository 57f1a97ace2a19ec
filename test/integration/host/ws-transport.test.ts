import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Core } from '../../../src-main/core/create-core.js';
import { createHostCore } from '../../../src-main/host/host-core.js';
import { startHostServer, type HostServer } from '../../../src-main/host/host-server.js';
import { startAmiSimulator } from '../../../src-main/sim/ami/index.js';

const INDEX_HTML = '<!doctype html><title>Switchboard test page</title>';
const OUTSIDE_SECRET = 'this-file-is-outside-the-renderer-folder';

interface Frame {
  id?: number | null;
  result?: unknown;
  error?: { code: string; message: string; details?: { issues?: Array<{ path: string; message: string }> } };
  event?: string;
  payload?: unknown;
}

/**
 * A WebSocket client that queues every frame it receives, raw text kept for secret checks. Live
 * call frames (a site with AMI starts a link) are kept apart: these tests are about the transport.
 */
class Client {
  private readonly queue: string[] = [];
  private readonly waiters: Array<(text: string) => void> = [];
  readonly liveFrames: string[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      if (text.startsWith('{"event":"live:')) {
        this.liveFrames.push(text);
        return;
      }
      const waiter = this.waiters.shift();
      if (waiter) waiter(text);
      else this.queue.push(text);
    });
  }

  nextRaw(ms = 5000): Promise<string> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame arrived')), ms);
      this.waiters.push((text) => {
        clearTimeout(timer);
        resolve(text);
      });
    });
  }

  async next(): Promise<Frame> {
    return JSON.parse(await this.nextRaw()) as Frame;
  }

  /** Sends a request and returns the raw reply (events that arrive meanwhile are kept in `events`). */
  async call(id: number, name: string, params: unknown, events: string[] = []): Promise<{ raw: string; frame: Frame }> {
    this.ws.send(JSON.stringify({ id, name, params }));
    for (;;) {
      const raw = await this.nextRaw();
      const frame = JSON.parse(raw) as Frame;
      if (frame.event !== undefined) events.push(raw);
      else return { raw, frame };
    }
  }
}

describe('host mode: WebSocket transport and static files', () => {
  let tmp: string;
  let core: Core;
  let server: HostServer;
  const open: WebSocket[] = [];

  const wsUrl = (token: string | null) => `ws://127.0.0.1:${new URL(server.origin).port}/ws${token === null ? '' : `?token=${token}`}`;

  /** Resolves with the HTTP status of a refused upgrade, or 'open'. */
  function attempt(token: string | null, origin: string | undefined): Promise<number | 'open'> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl(token), origin === undefined ? {} : { origin });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => {
        open.push(ws);
        resolve('open');
      });
      ws.on('error', (err) => reject(err));
    });
  }

  async function connect(): Promise<Client> {
    const ws = new WebSocket(wsUrl(server.token), { origin: server.origin });
    open.push(ws);
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  function get(path: string, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      // node:http sends the path as given: no client-side normalisation of `..`.
      const req = request({ host: '127.0.0.1', port: Number(new URL(server.origin).port), path, method }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'switchboard-host-'));
    const rendererDir = join(tmp, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML);
    writeFileSync(join(tmp, 'outside.txt'), OUTSIDE_SECRET);
    core = createHostCore(join(tmp, 'data'));
    server = await startHostServer({ core, rendererDir, port: 0 });
  });

  afterAll(async () => {
    for (const ws of open) ws.terminate();
    await server?.close();
    core?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, with a fresh token in the URL fragment', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  describe('WebSocket handshake', () => {
    it('refuses an upgrade without a token with 401', async () => {
      expect(await attempt(null, server.origin)).toBe(401);
    });

    it('refuses a wrong token with 401, even one of the right length', async () => {
      expect(await attempt('nope', server.origin)).toBe(401);
      const wrong = server.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
      expect(await attempt(wrong, server.origin)).toBe(401);
    });

    it('refuses the right token from another origin with 403', async () => {
      expect(await attempt(server.token, 'http://evil.example')).toBe(403);
      expect(await attempt(server.token, 'http://127.0.0.1:1')).toBe(403);
      expect(await attempt(server.token, undefined)).toBe(403);
    });

    it('opens with the right token from the page’s own origin', async () => {
      expect(await attempt(server.token, server.origin)).toBe('open');
    });
  });

  describe('requests over the socket', () => {
    let client: Client;
    let createdId = '';
    const apiSecret = 'api-Secret-7f3a9c';
    const amiSecret = 'ami-Secret-51d0e2';
    beforeAll(async () => {
      client = await connect();
    });

    it('answers app:ping with the echo and the request id', async () => {
      const { frame } = await client.call(1, 'app:ping', { echo: 'hello' });
      expect(frame).toEqual({ id: 1, result: { echo: 'hello' } });
    });

    it('answers non-JSON with VALIDATION and id null, and stays usable', async () => {
      client.ws.send('this is {not json');
      const reply = await client.next();
      expect(reply.id).toBeNull();
      expect(reply.error?.code).toBe('VALIDATION');
      const { frame } = await client.call(2, 'app:ping', { echo: 'still here' });
      expect(frame).toEqual({ id: 2, result: { echo: 'still here' } });
    });

    it('answers an unknown request name with VALIDATION', async () => {
      const { frame } = await client.call(3, 'fs:readFile', { path: '/etc/passwd' });
      expect(frame.id).toBe(3);
      expect(frame.error?.code).toBe('VALIDATION');
      expect(frame.error?.details?.issues?.[0]?.message).toBe('validation.unknownRequest');
    });

    it('answers wrong param types for sites:create with VALIDATION naming each field', async () => {
      const { frame } = await client.call(4, 'sites:create', {
        name: 42,
        vendor: 'asterisk',
        timeZone: 'Europe/Berlin',
        api: null,
        ami: { host: '127.0.0.1', port: 'five thousand', username: 'operator', secret: 'x' },
        tls: { pinnedFingerprint256: null },
      });
      expect(frame.id).toBe(4);
      expect(frame.error?.code).toBe('VALIDATION');
      const paths = frame.error?.details?.issues?.map((issue) => issue.path) ?? [];
      expect(paths).toContain('name');
      expect(paths).toContain('ami.port');
    });

    it('answers a 1.5 MiB frame with VALIDATION tooLarge, to the request that sent it, and keeps serving', async () => {
      const { frame } = await client.call(5, 'app:ping', { echo: 'x'.repeat(1.5 * 1024 * 1024) });
      expect(frame.id).toBe(5);
      expect(frame.error?.code).toBe('VALIDATION');
      expect(frame.error?.details?.issues?.[0]?.message).toBe('validation.tooLarge');
      expect(JSON.stringify(frame).length).toBeLessThan(2000);
      const { frame: after } = await client.call(6, 'app:ping', { echo: 'after' });
      expect(after).toEqual({ id: 6, result: { echo: 'after' } });
    });

    it('answers a binary frame with VALIDATION', async () => {
      client.ws.send(Buffer.from(JSON.stringify({ id: 7, name: 'app:ping', params: { echo: 'bin' } })), { binary: true });
      const reply = await client.next();
      expect(reply.error?.code).toBe('VALIDATION');
      expect(reply.result).toBeUndefined();
      const { frame } = await client.call(8, 'app:ping', { echo: 'text again' });
      expect(frame).toEqual({ id: 8, result: { echo: 'text again' } });
    });

    it('creates a site: secrets are stored but never sent back, and every client hears sites:changed', async () => {
      const other = await connect();
      const events: string[] = [];
      const { raw, frame } = await client.call(
        9,
        'sites:create',
        {
          name: 'Head office',
          vendor: 'issabel',
          timeZone: 'Europe/Berlin',
          api: { baseUrl: 'https://pbx.example.com/pbxapi/', username: 'admin', secret: apiSecret },
          ami: { host: '127.0.0.1', port: 5038, username: 'operator', secret: amiSecret },
          tls: { pinnedFingerprint256: null },
        },
        events,
      );
      expect(frame.error).toBeUndefined();
      const site = frame.result as { id: string; name: string; api: Record<string, unknown>; ami: Record<string, unknown> };
      expect(site.name).toBe('Head office');
      expect(site.api).toEqual({ baseUrl: 'https://pbx.example.com/pbxapi/', username: 'admin', secretSet: true });
      expect(site.ami).toEqual({ host: '127.0.0.1', port: 5038, username: 'operator', context: 'from-internal', secretSet: true });
      expect(raw).not.toContain(apiSecret);
      expect(raw).not.toContain(amiSecret);
      expect(raw).not.toMatch(/"secret"\s*:/);

      // The event may come before or after the reply; the other client gets it too.
      const changed = events.length > 0 ? events[0]! : await client.nextRaw();
      const otherChanged = await other.nextRaw();
      for (const text of [changed, otherChanged]) {
        const event = JSON.parse(text) as Frame;
        expect(event.event).toBe('sites:changed');
        expect((event.payload as Array<{ id: string }>).map((s) => s.id)).toContain(site.id);
        expect(text).not.toContain(apiSecret);
        expect(text).not.toContain(amiSecret);
      }

      const { frame: listed } = await client.call(10, 'sites:get', { id: site.id });
      expect((listed.result as { id: string }).id).toBe(site.id);
      createdId = site.id;
    });

    it('tests a saved site’s AMI link against the simulator with the stored secret, and a wrong one', async () => {
      const sim = await startAmiSimulator({ users: { operator: amiSecret }, loginFailureDelayMs: 50 });
      try {
        const form = {
          name: 'Head office',
          vendor: 'asterisk',
          timeZone: 'Europe/Berlin',
          api: null,
          ami: { host: '127.0.0.1', port: sim.port, username: 'operator' },
          tls: { pinnedFingerprint256: null },
        };
        // The stored secret was entered for another address: it is not sent to this one.
        const { frame: moved } = await client.call(11, 'sites:test', { siteId: createdId, site: form });
        expect((moved.result as { ami: unknown }).ami).toMatchObject({
          ok: false,
          error: { code: 'VALIDATION', details: { issues: [{ path: 'ami.secret', message: 'validation.secretAgain' }] } },
        });
        expect(sim.received).toEqual([]);

        // Saved with the simulator's address and the secret typed again, a test without a typed
        // secret uses the stored one.
        const { frame: updated } = await client.call(13, 'sites:update', {
          id: createdId,
          site: { ...form, ami: { ...form.ami, secret: amiSecret } },
        });
        expect(updated.error).toBeUndefined();
        const { frame: good } = await client.call(14, 'sites:test', { siteId: createdId, site: form });
        const report = good.result as { ami: { ok: boolean; summary?: { banner: string } }; api: unknown };
        expect(good.error).toBeUndefined();
        expect(report.api).toBeNull();
        expect(report.ami).toMatchObject({ ok: true, summary: { kind: 'ami', banner: 'Asterisk Call Manager/11.0.0' } });

        const { raw, frame: bad } = await client.call(12, 'sites:test', { site: { ...form, ami: { ...form.ami, secret: 'typed-Wrong-33c1' } } });
        expect((bad.result as { ami: unknown }).ami).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
        expect(raw).not.toContain('typed-Wrong-33c1');
      } finally {
        await sim.close();
      }
    });

    it('keeps no secret in plain text anywhere in the data folder (settings, logs, cache)', () => {
      const secrets = [apiSecret, amiSecret, 'typed-Wrong-33c1'];
      const dataDir = join(tmp, 'data');
      const files = (readdirSync(dataDir, { recursive: true }) as string[]).filter((name) => statSync(join(dataDir, name)).isFile());
      expect(files).toContain('settings.json');
      for (const name of files) {
        const content = readFileSync(join(dataDir, name), 'latin1');
        expect({ name, leaked: secrets.filter((secret) => content.includes(secret)) }).toEqual({ name, leaked: [] });
      }
    });
  });

  describe('static files', () => {
    it('serves index.html at /', async () => {
      const res = await get('/');
      expect(res.status).toBe(200);
      expect(res.body).toBe(INDEX_HTML);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it.each([
      '/../../etc/passwd',
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/%2e%2e%2foutside.txt',
      '/..%2foutside.txt',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/%2E%2E%2Foutside.txt',
      '/..%5coutside.txt',
      '/%252e%252e%252foutside.txt',
      '/index.html%00.png',
      '/%zz',
    ])('never serves a file outside the renderer folder: GET %s', async (path) => {
      const res = await get(path);
      expect([400, 404]).toContain(res.status);
      expect(res.body).not.toContain(OUTSIDE_SECRET);
      expect(res.body).not.toMatch(/root:.*:0:0:/);
    });

    it('answers 404 for a missing file and for a folder', async () => {
      expect((await get('/missing.js')).status).toBe(404);
      mkdirSync(join(tmp, 'renderer', 'assets'), { recursive: true });
      expect((await get('/assets')).status).toBe(404);
    });

    it.each(['POST', 'PUT', 'DELETE'])('refuses %s with 405', async (method) => {
      const res = await get('/', method);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    });

    it('survives a read error while streaming a file', async () => {
      // /proc/self/mem stats as a regular file but fails with EIO on the first read.
      symlinkSync('/proc/self/mem', join(tmp, 'renderer', 'broken.js'));
      await get('/broken.js').catch(() => undefined);
      const res = await get('/');
      expect(res.status).toBe(200);
      expect(res.body).toBe(INDEX_HTML);
    });
  });
});
