import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError } from '../../src-shared/errors.js';
import { socketError } from './socket-errors.js';
import { connectVerified } from './tls-trust.js';

export interface HttpProbeTarget {
  baseUrl: string;
  pinnedFingerprint256: string | null;
  timeoutMs?: number;
}

export interface HttpProbeResult {
  status: number;
  tls: 'verified' | 'pinned' | 'plain';
  latencyMs: number;
}

/**
 * Checks that the API's base URL answers HTTP and that its TLS is trusted (CA or this site's pin).
 * Any HTTP status counts as reachable: credentials are the vendor adapter's business. No credentials
 * are sent.
 */
export async function probeHttp(target: HttpProbeTarget): Promise<HttpProbeResult> {
  const url = new URL(target.baseUrl);
  const timeoutMs = target.timeoutMs ?? 8000;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const where = `${host}:${port}`;
  const started = performance.now();
  const deadline = started + timeoutMs;

  let tls: HttpProbeResult['tls'] = 'plain';
  let req: ClientRequest;
  const common = { method: 'GET', path: `${url.pathname}${url.search}`, headers: { 'User-Agent': 'Switchboard', Accept: '*/*' } };
  if (url.protocol === 'https:') {
    const { socket, trust } = await connectVerified({ host, port, pinnedFingerprint256: target.pinnedFingerprint256, timeoutMs });
    tls = trust;
    // The already verified socket carries the request. No `agent` here: with any agent (even
    // `agent: false`, which makes a fresh one) Node ignores createConnection and opens a second,
    // CA-verified connection, which refuses every pinned certificate.
    req = httpsRequest({ ...common, host, port, createConnection: () => socket });
  } else {
    req = httpRequest({ ...common, host, port, agent: false });
  }

  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const remaining = Math.max(1, deadline - performance.now());
    const timer = setTimeout(() => {
      req.destroy();
      reject(new AppError('TIMEOUT', `${where} did not answer HTTP within ${timeoutMs} ms`, { where }));
    }, remaining);
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(socketError(err, where));
    });
    req.end();
  });
  response.resume();
  response.destroy();
  return { status: response.statusCode ?? 0, tls, latencyMs: performance.now() - started };
}
