import { X509Certificate } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, retryAfterMs, type HttpClientOptions } from '../../../src-main/net/http-client.js';
import { RateLimiter } from '../../../src-main/net/rate-limiter.js';
import { startHttpSim, type HttpSimServer, type SimHandler } from '../../../src-main/sim/http/http-sim.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';

/*
 * The vendor adapters' HTTP client against a real server on 127.0.0.1 (the simulators' own HTTP
 * base, with its faults): what reaches the server, what a failure looks like to the caller, and
 * which requests are tried again.
 */

const servers: HttpSimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handle: SimHandler, tls?: { key: string; cert: string }): Promise<HttpSimServer> {
  const server = await startHttpSim({ handle, tls });
  servers.push(server);
  return server;
}


function client(server: HttpSimServer, options: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({ baseUrl: `${server.url}/api`, pinnedFingerprint256: null, logger: new MemoryLogger(), retryDelayMs: 10, ...options });
}

const ok: SimHandler = () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' });

describe('HttpClient requests', () => {
  it('sends header names exactly as written, the query, and form or JSON bodies', async () => {
    const server = await serve(ok);
    const http = client(server);
    await http.request({ method: 'POST', path: '/api.php', query: { cmd: 'addextension' }, headers: { Authorization: 'KEY123' }, body: { form: { account: '201', name: 'Zoé Petit' } } });
    await http.request({ method: 'PUT', path: '/extensions/201', body: { json: { name: 'Zoé' } } });
    const [form, json] = server.requests;
    expect(form.rawHeaders).toContain('Authorization');
    expect(form.rawHeaders).not.toContain('authorization');
    expect(form.path).toBe('/api/api.php');
    expect(form.query.get('cmd')).toBe('addextension');
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(form.body.toString()).get('name')).toBe('Zoé Petit');
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.body.toString())).toEqual({ name: 'Zoé' });
  });

  it('gives up after its deadline with TIMEOUT', async () => {
    const server = await serve(ok);
    server.faults.latencyMs = 2000;
    const started = Date.now();
    const error = await rejection(client(server, { retries: 0 }).request({ method: 'GET', path: '/slow', timeoutMs: 200 }));
    expect(error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('tries a GET again after a 500, a cut body or a dropped connection, and succeeds', async () => {
    const server = await serve(ok);
    const http = client(server);
    server.faults.htmlErrors(1);
    expect((await http.request({ method: 'GET', path: '/a' })).status).toBe(200);
    server.faults.cutBodies(1);
    expect((await http.request({ method: 'GET', path: '/b' })).body.toString()).toBe('{"ok":true}');
    server.faults.dropConnections(1);
    expect((await http.request({ method: 'GET', path: '/c' })).status).toBe(200);
    expect(server.requests.map((r) => r.path)).toEqual(['/api/a', '/api/a', '/api/b', '/api/b', '/api/c', '/api/c']);
  });

  it('never sends a POST twice: a 500 is returned, a cut body is a typed error', async () => {
    const server = await serve(ok);
    const http = client(server);
    server.faults.htmlErrors(1);
    expect((await http.request({ method: 'POST', path: '/originate' })).status).toBe(500);
    server.faults.cutBodies(1);
    const error = await rejection(http.request({ method: 'POST', path: '/originate' }));
    expect(error.code).toBe('PBX_ERROR');
    expect(error.message).toMatch(/middle of a response/);
    expect(server.requests).toHaveLength(2);
  });

  it('stops retrying after its budget and reports the last failure', async () => {
    const server = await serve(() => ({ status: 503, body: 'busy' }));
    const response = await client(server, { retries: 2 }).request({ method: 'GET', path: '/x' });
    // The last answer is handed back for the adapter to map; it was asked three times.
    expect(response.status).toBe(503);
    expect(server.requests).toHaveLength(3);
  });

  it('waits out a 429 for as long as Retry-After says, whatever the method', async () => {
    let calls = 0;
    const server = await serve(() => (++calls === 1 ? { status: 429, headers: { 'Retry-After': '1' }, body: '{"message":"Too Many Attempts."}' } : { status: 201, body: '{}' }));
    const started = Date.now();
    const response = await client(server).request({ method: 'POST', path: '/extensions/mailbox', body: { json: {} } });
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('reports RATE_LIMITED when the server keeps throttling', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'Retry-After': '0' }, body: '' }));
    const error = await rejection(client(server, { maxThrottleWaits: 2 }).request({ method: 'GET', path: '/x' }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(server.requests).toHaveLength(3);
  });

  it('is cancelled by its signal with CANCELLED', async () => {
    const server = await serve(ok);
    server.faults.latencyMs = 2000;
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    expect((await rejection(client(server).request({ method: 'GET', path: '/x', signal: abort.signal }))).code).toBe('CANCELLED');
  });

  it('streams a download into a sink and counts its bytes', async () => {
    const payload = Buffer.alloc(300_000, 7);
    const server = await serve(() => ({ status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: payload }));
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const response = await client(server).request({ method: 'GET', path: '/file', sink });
    expect(response.bytes).toBe(payload.length);
    expect(response.body.length).toBe(0);
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });

  it('refuses a body larger than the caller allows, once: asking again would not make it smaller', async () => {
    const server = await serve(() => ({ status: 200, body: Buffer.alloc(10_000) }));
    const error = await rejection(client(server).request({ method: 'GET', path: '/big', maxBodyBytes: 1000 }));
    expect(error.code).toBe('PBX_ERROR');
    expect(server.requests).toHaveLength(1);
  });

  it('streams only the answers the caller accepts: an error page or a text answer never lands in the file', async () => {
    const server = await serve((req) =>
      req.path.endsWith('/missing')
        ? { status: 404, headers: { 'Content-Type': 'application/json' }, body: '{"status": "File not found", "code": 404}' }
        : { status: 200, headers: { 'Content-Type': 'text/html' }, body: 'key not matched' },
    );
    const sink = new PassThrough();
    const written: Buffer[] = [];
    sink.on('data', (c: Buffer) => written.push(c));
    const missing = await client(server).request({ method: 'GET', path: '/missing', sink });
    expect(missing.body.toString()).toContain('File not found');
    const refused = await client(server).request({ method: 'GET', path: '/file', sink, streamIf: (_status, headers) => headers['content-type'] === 'application/octet-stream' });
    expect(refused.body.toString()).toBe('key not matched');
    expect(written).toEqual([]);
  });

  it('fails a download whose file cannot be written with STORAGE, without asking again', async () => {
    const server = await serve(() => ({ status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(200_000, 1) }));
    const sink = new PassThrough({ highWaterMark: 16 });
    sink.once('data', () => sink.destroy(new Error('ENOSPC: no space left on device')));
    const error = await rejection(client(server).request({ method: 'GET', path: '/file', sink }));
    expect(error.code).toBe('STORAGE');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a credential that cannot travel in a header, before connecting', async () => {
    const server = await serve(ok);
    const error = await rejection(client(server).request({ method: 'GET', path: '/x', headers: { Authorization: 'key\r\nX-Injected: 1' } }));
    expect(error.code).toBe('VALIDATION');
    expect(server.requests).toHaveLength(0);
  });

  it('keeps the cookies a server sets and sends them back', async () => {
    const server = await serve((req) => (req.path.endsWith('/login') ? { status: 200, headers: { 'Set-Cookie': 'PHPSESSID=abc123; path=/; HttpOnly' }, body: '' } : { status: 200, body: '' }));
    const http = client(server);
    await http.request({ method: 'POST', path: '/login' });
    await http.request({ method: 'GET', path: '/list' });
    expect(server.requests[1].headers.cookie).toBe('PHPSESSID=abc123');
  });

  it('logs every exchange with its timing but no credential', async () => {
    const server = await serve(ok);
    const logger = new MemoryLogger();
    await client(server, { logger }).request({ method: 'GET', path: '/authenticate/renewtoken', query: { refresh_token: 'REFRESH-SECRET', access_token: 'ACCESS-SECRET', cmd: 'sippeers' }, headers: { Authorization: 'Bearer HEADER-SECRET' } });
    const text = logger.lines.join('\n');
    expect(text).toMatch(/debug http .*GET \/api\/authenticate\/renewtoken\?refresh_token=\*\*\*&access_token=\*\*\*&cmd=sippeers.*"status":200.*"ms":/);
    expect(text).not.toMatch(/SECRET/);
  });

  it('reports an unreachable PBX as UNREACHABLE', async () => {
    const server = await serve(ok);
    const http = client(server, { retries: 1 });
    await server.close();
    servers.length = 0;
    expect((await rejection(http.request({ method: 'GET', path: '/x' }))).code).toBe('UNREACHABLE');
  });
});

describe('HttpClient and TLS', () => {
  it('refuses a self-signed PBX until its certificate is pinned, then refuses a changed one', async () => {
    const first = await generate([{ name: 'commonName', value: 'pbx.test' }], { keySize: 2048, algorithm: 'sha256' });
    const second = await generate([{ name: 'commonName', value: 'pbx.test' }], { keySize: 2048, algorithm: 'sha256' });
    const server = await serve(ok, { key: first.private, cert: first.cert });
    const untrusted = await rejection(client(server).request({ method: 'GET', path: '/x' }));
    expect(untrusted.code).toBe('TLS_UNTRUSTED');
    expect(server.requests).toHaveLength(0);

    const pin = new X509Certificate(first.cert).fingerprint256;
    expect((await client(server, { pinnedFingerprint256: pin }).request({ method: 'GET', path: '/x' })).status).toBe(200);

    const replaced = await serve(ok, { key: second.private, cert: second.cert });
    const changed = await rejection(client(replaced, { pinnedFingerprint256: pin }).request({ method: 'GET', path: '/x' }));
    expect(changed.code).toBe('TLS_UNTRUSTED');
    expect(changed.details?.pinMismatch).toBe(true);
    expect(replaced.requests).toHaveLength(0);
  }, 20_000);
});

describe('RateLimiter', () => {
  it('lets the limit through at once, then spaces requests by the window', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 60_000, () => now);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 0, 0]);
    expect(limiter.reserve()).toBe(60_000);
    expect(limiter.reserve()).toBe(60_000);
    now = 30_000;
    expect(limiter.reserve()).toBe(30_000);
    now = 200_000;
    expect(limiter.reserve()).toBe(0);
  });

  it('reads Retry-After in seconds or as a date, with a sane cap and default', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(undefined)).toBe(1000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(5000);
    expect(retryAfterMs('86400')).toBe(120_000);
  });
});
