import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/*
 * The HTTP side every vendor simulator shares: a server on 127.0.0.1 (plain, or TLS with the
 * certificate it is given, like a PBX's self-signed one), the request as the vendor's code would
 * see it (raw header names kept, since some vendors read them case-sensitively), a log of what
 * arrived, and faults a client must survive: slow answers, a socket closed halfway through a
 * body, an HTML error page from the web server in front, a connection dropped before any answer.
 * Vendor behaviour (auth, envelopes, quirks) lives in each vendor's own handler.
 */

export interface SimRequest {
  readonly method: string;
  /** Path without the query string, percent-decoding left to the handler. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** Names exactly as the client wrote them, alternating with values. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface SimResponse {
  status: number;
  /** Sent as written, even when it is not what the code means (PHP's `HTTP/1.0 404 Not Found`). */
  statusText?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export type RequestMatch = (request: SimRequest) => boolean;

/** Faults waiting for the requests they apply to, each used once. */
class PendingFaults {
  private readonly waiting: RequestMatch[] = [];

  add(n: number, match: RequestMatch = () => true): void {
    for (let i = 0; i < n; i++) this.waiting.push(match);
  }

  /** Whether a fault applies to this request (and uses it up). */
  take(request: SimRequest): boolean {
    const at = this.waiting.findIndex((match) => match(request));
    if (at < 0) return false;
    this.waiting.splice(at, 1);
    return true;
  }

  clear(): void {
    this.waiting.length = 0;
  }
}

export interface HttpSimFaults {
  /** Every response waits this long before it is written. */
  latencyMs: number;
  /** The next `n` responses (to requests `match` accepts) send their headers and half their body, then the socket is destroyed. */
  cutBodies(n: number, match?: RequestMatch): void;
  /** The next `n` requests (that `match` accepts) get the web server's own 500 HTML page instead of the API's answer. */
  htmlErrors(n: number, match?: RequestMatch): void;
  /** The next `n` requests (that `match` accepts) have their connection dropped before any answer. */
  dropConnections(n: number, match?: RequestMatch): void;
  /** Clears every pending fault and the latency. */
  clear(): void;
}

export interface HttpSimServer {
  readonly url: string;
  readonly port: number;
  readonly faults: HttpSimFaults;
  /** Every request that reached the handler (or a fault), oldest first. */
  readonly requests: readonly SimRequest[];
  close(): Promise<void>;
}

export interface HttpSimOptions {
  handle: SimHandler;
  /** PEM key and certificate: serve HTTPS with them. */
  tls?: { key: string; cert: string };
  port?: number;
  /** Request bodies above this are refused with 413, as a web server's limit would. */
  maxBodyBytes?: number;
}

const HTML_500 =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n</body></html>\n';

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function write(res: ServerResponse, response: SimResponse, cut: boolean): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : (response.body ?? Buffer.alloc(0));
  res.writeHead(response.status, response.statusText, { 'Content-Length': String(body.length), ...response.headers });
  if (!cut) {
    res.end(body);
    return;
  }
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
}

export async function startHttpSim(options: HttpSimOptions): Promise<HttpSimServer> {
  const requests: SimRequest[] = [];
  const sockets = new Set<Socket>();
  const pending = { cut: new PendingFaults(), html: new PendingFaults(), drop: new PendingFaults() };
  const faults: HttpSimFaults = {
    latencyMs: 0,
    cutBodies: (n, match) => pending.cut.add(n, match),
    htmlErrors: (n, match) => pending.html.add(n, match),
    dropConnections: (n, match) => pending.drop.add(n, match),
    clear: () => {
      faults.latencyMs = 0;
      for (const kind of Object.values(pending)) kind.clear();
    },
  };
  const limit = options.maxBodyBytes ?? 8 * 1024 * 1024;

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      const body = await readBody(req, limit);
      const request: SimRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, rawHeaders: req.rawHeaders, body: body ?? Buffer.alloc(0) };
      requests.push(request);
      if (pending.drop.take(request)) {
        req.socket.destroy();
        return;
      }
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      if (body === null) {
        write(res, { status: 413, headers: { 'Content-Type': 'text/html' }, body: '<h1>413 Request Entity Too Large</h1>' }, false);
        return;
      }
      let response: SimResponse;
      if (pending.html.take(request)) {
        response = { status: 500, headers: { 'Content-Type': 'text/html; charset=iso-8859-1' }, body: HTML_500 };
      } else {
        response = await options.handle(request);
      }
      write(res, response, pending.cut.take(request));
    } catch (err) {
      // A handler bug must show as the server's own 500, the way PHP's fatal errors do.
      if (!res.headersSent) write(res, { status: 500, headers: { 'Content-Type': 'text/html' }, body: `<b>Fatal error</b>: ${String(err)}` }, false);
      else res.destroy();
    }
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => void onRequest(req, res))
    : createHttpServer((req, res) => void onRequest(req, res));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    faults,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The raw value of a header whose name was written exactly `name` (case-sensitive), as PHP's apache_request_headers() sees it. */
export function exactHeader(request: SimRequest, name: string): string | undefined {
  for (let i = 0; i < request.rawHeaders.length; i += 2) if (request.rawHeaders[i] === name) return request.rawHeaders[i + 1];
  return undefined;
}

/** A form-encoded body as PHP's `$_POST` sees it. */
export function formBody(request: SimRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '');
  return type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(request.body.toString('latin1')) : new URLSearchParams();
}

/** A JSON body, or undefined when it is absent or not JSON (the vendor's code then sees nothing). */
export function jsonBody(request: SimRequest): unknown {
  if (request.body.length === 0) return undefined;
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A JSON answer, `/` escaped the way PHP's json_encode does by default. */
export function phpJson(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value).replace(/\//g, '\\/') };
}
