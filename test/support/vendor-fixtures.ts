import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startHttpSim, type HttpSimServer, type SimRequest, type SimResponse } from '../../src-main/sim/http/http-sim.js';

/*
 * The vendors' recorded exchanges (shared/vendors/fixtures, format in its README) served back over
 * a real socket, so an adapter can be held to what the real server sent: each request it makes is
 * answered with the recorded response for that request, and the test checks both what was asked
 * and what the adapter made of the answer.
 */

const FIXTURES = resolve(import.meta.dirname, '../../../shared/vendors/fixtures');

export interface FixtureExchange {
  name?: string;
  request: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: unknown; bodyText?: string };
  response: { status: number; statusText?: string; headers?: Record<string, string>; body?: unknown; bodyText?: string; bodyBinary?: string };
  notes?: string;
}

export function loadExchanges(vendor: string, file: string): FixtureExchange[] {
  const data = JSON.parse(readFileSync(join(FIXTURES, vendor, file), 'utf8')) as { exchanges: FixtureExchange[] };
  return data.exchanges;
}

/** One exchange by vendor, file and name ('' for an unnamed one) or index, failing loudly when the fixture changed. */
export function exchange(vendor: string, file: string, name: string | number): FixtureExchange {
  const all = loadExchanges(vendor, file);
  const found = typeof name === 'number' ? all[name] : all.find((e) => (e.name ?? '') === name);
  if (!found) throw new Error(`no exchange ${String(name)} in ${vendor}/${file}`);
  return found;
}

/**
 * The recorded response as bytes. `bodyBinary` is a placeholder for file bytes: it is sent as is,
 * with Content-Length fixed to match, since a real server's length always matches its body.
 */
export function recordedResponse(ex: FixtureExchange, escapeSlashes = false): SimResponse {
  const r = ex.response;
  let body: string | Buffer = '';
  if (r.bodyText !== undefined) body = r.bodyText;
  else if (r.bodyBinary !== undefined) body = Buffer.from(r.bodyBinary, 'latin1');
  else if (r.body !== undefined) {
    body = JSON.stringify(r.body);
    if (escapeSlashes) body = body.replace(/\//g, '\\/');
  }
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'content-length'));
  return { status: r.status, statusText: r.statusText, headers, body };
}

export type Responder = (request: SimRequest) => SimResponse | undefined;

/**
 * A server answering each request with the first responder that has an answer, and 599 (which no
 * vendor sends) when none does, so an unexpected request fails the test visibly.
 */
export async function serveRecorded(responders: Responder[]): Promise<HttpSimServer> {
  return startHttpSim({
    handle: (request) => {
      for (const responder of responders) {
        const answer = responder(request);
        if (answer) return answer;
      }
      return { status: 599, body: `unexpected request ${request.method} ${request.path}?${request.query.toString()}` };
    },
  });
}
