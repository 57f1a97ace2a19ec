import { X509Certificate } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from '../../../src-main/net/http-probe.js';
import { connectVerified } from '../../../src-main/net/tls-trust.js';
import { rejection } from '../../support/rejection.js';

const HOST = '127.0.0.1';

type AnyServer = HttpServer | HttpsServer | TcpServer;

/** Listens on 127.0.0.1:0 and tracks sockets so close() never waits for a client. */
async function listen<S extends AnyServer>(server: S): Promise<{ server: S; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
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

interface Seen {
  requests: Array<{ method: string; url: string; authorization: string | undefined }>;
  /** TCP connections the TLS server accepted. */
  connections: number;
}

describe('probeHttp over TLS with a self-signed certificate', () => {
  let pem: string;
  let fingerprint: string;
  let otherFingerprint: string;
  const seen: Seen = { requests: [], connections: 0 };
  let https: Awaited<ReturnType<typeof listen<HttpsServer>>>;
  let silentHttps: Awaited<ReturnType<typeof listen<HttpsServer>>>;

  beforeAll(async () => {
    const attrs = [{ name: 'commonName', value: 'localhost' }];
    const [mine, other] = await Promise.all([
      generate(attrs, { keyType: 'ec', algorithm: 'sha256' }),
      generate(attrs, { keyType: 'ec', algorithm: 'sha256' }),
    ]);
    pem = mine.cert;
    // Computed here from the PEM, independently of what the probe reads off the handshake.
    fingerprint = new X509Certificate(mine.cert).fingerprint256;
    otherFingerprint = new X509Certificate(other.cert).fingerprint256;
    const server = createHttpsServer({ key: mine.private, cert: mine.cert }, (req: IncomingMessage, res: ServerResponse) => {
      seen.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="pbx"' }).end('no');
    });
    server.on('connection', () => seen.connections++);
    https = await listen(server);
    // Finishes the TLS handshake, then never answers the request.
    silentHttps = await listen(createHttpsServer({ key: mine.private, cert: mine.cert }, () => undefined));
  });
  afterAll(async () => {
    await https.close();
    await silentHttps.close();
  });

  it('refuses an unpinned self-signed certificate with TLS_UNTRUSTED carrying its fingerprint, before any request', async () => {
    const before = { requests: seen.requests.length, connections: seen.connections };
    const err = await rejection(probeHttp({ baseUrl: `https://${HOST}:${https.port}/api/`, pinnedFingerprint256: null, timeoutMs: 3000 }));
    expect(err.code).toBe('TLS_UNTRUSTED');
    const certificate = err.details?.certificate as Record<string, string>;
    expect(certificate.fingerprint256).toBe(fingerprint);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(certificate.subject).toContain('CN=localhost');
    expect(certificate.reason).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.details?.pinMismatch).toBe(false);
    expect(seen.connections).toBe(before.connections + 1);
    expect(seen.requests.length).toBe(before.requests);
  });

  it('accepts the certificate once its fingerprint is pinned, and any HTTP status counts as reachable', async () => {
    const before = { requests: seen.requests.length, connections: seen.connections };
    const result = await probeHttp({ baseUrl: `https://${HOST}:${https.port}/pbxapi/?probe=1`, pinnedFingerprint256: fingerprint, timeoutMs: 3000 });
    expect(result.tls).toBe('pinned');
    expect(result.status).toBe(401);
    // No credentials, and the request travelled on the one connection whose certificate was checked.
    expect(seen.requests.slice(before.requests)).toEqual([{ method: 'GET', url: '/pbxapi/?probe=1', authorization: undefined }]);
    expect(seen.connections).toBe(before.connections + 1);
  });

  it('refuses a certificate that does not match the pin (pinMismatch) and sends no HTTP request', async () => {
    const before = { requests: seen.requests.length, connections: seen.connections };
    const err = await rejection(probeHttp({ baseUrl: `https://${HOST}:${https.port}/`, pinnedFingerprint256: otherFingerprint, timeoutMs: 3000 }));
    expect(err.code).toBe('TLS_UNTRUSTED');
    expect(err.details?.pinMismatch).toBe(true);
    expect((err.details?.certificate as Record<string, string>).fingerprint256).toBe(fingerprint);
    // The probe reached the server (one connection, not two), but not one HTTP request followed.
    expect(seen.connections).toBe(before.connections + 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.requests.length).toBe(before.requests);
  });

  it('connectVerified alone decides trust the same way', async () => {
    const pinned = await connectVerified({ host: HOST, port: https.port, pinnedFingerprint256: fingerprint, timeoutMs: 3000 });
    expect(pinned.trust).toBe('pinned');
    expect(pinned.socket.getPeerX509Certificate()?.toString()).toBe(new X509Certificate(pem).toString());
    pinned.socket.destroy();
    const err = await rejection(connectVerified({ host: HOST, port: https.port, pinnedFingerprint256: null, timeoutMs: 3000 }));
    expect(err.code).toBe('TLS_UNTRUSTED');
  });

  it('reports TIMEOUT when the TLS server never answers the request', async () => {
    const started = performance.now();
    const err = await rejection(
      probeHttp({ baseUrl: `https://${HOST}:${silentHttps.port}/`, pinnedFingerprint256: fingerprint, timeoutMs: 400 }),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('probeHttp over plain HTTP and failures', () => {
  const requests: string[] = [];
  let http: Awaited<ReturnType<typeof listen<HttpServer>>>;
  let silent: Awaited<ReturnType<typeof listen<TcpServer>>>;
  let closedPort: number;

  beforeAll(async () => {
    http = await listen(
      createHttpServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.writeHead(418).end();
      }),
    );
    silent = await listen(createTcpServer(() => undefined));
    const gone = await listen(createTcpServer());
    closedPort = gone.port;
    await gone.close();
  });
  afterAll(async () => {
    await http.close();
    await silent.close();
  });

  it('reports the status of a plain HTTP server with tls "plain"', async () => {
    const result = await probeHttp({ baseUrl: `http://${HOST}:${http.port}/rest/api.php`, pinnedFingerprint256: null, timeoutMs: 3000 });
    expect(result).toMatchObject({ status: 418, tls: 'plain' });
    expect(requests).toContain('GET /rest/api.php');
  });

  it.each(['http', 'https'])('reports a closed port as UNREACHABLE (%s)', async (scheme) => {
    const err = await rejection(probeHttp({ baseUrl: `${scheme}://${HOST}:${closedPort}/`, pinnedFingerprint256: null, timeoutMs: 3000 }));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.details?.cause).toBe('ECONNREFUSED');
  });

  it.each(['http', 'https'])('reports TIMEOUT when the server accepts TCP but never answers (%s)', async (scheme) => {
    const started = performance.now();
    const err = await rejection(probeHttp({ baseUrl: `${scheme}://${HOST}:${silent.port}/`, pinnedFingerprint256: null, timeoutMs: 300 }));
    expect(err.code).toBe('TIMEOUT');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2000);
  });
});
