import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import { ElastixAdapter } from '../../../src-main/pbx/elastix/elastix-adapter.js';
import { startHttpSim, formBody, phpJson, type HttpSimServer } from '../../../src-main/sim/http/http-sim.js';
import type { CdrRecord } from '../../../src-shared/domain/pbx.js';
import { MemoryLogger } from '../../support/memory-logger.js';

/*
 * Elastix filters CDRs by local wall-clock text, and a PBX in a zone with summer time writes the
 * autumn hour twice and skips the spring one. Whatever the windows, every call must come out of a
 * sync exactly once. The PBX here is a small cdrreport of its own (BETWEEN on the text, newest
 * first, LIMIT), its calls placed every 7 minutes in UTC and dated in Madrid's local time.
 */

const servers: HttpSimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const madrid = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Madrid', dateStyle: 'short', timeStyle: 'medium' });

function callsAround(centreIso: string): Array<{ uniqueid: string; calldate: string }> {
  const centre = Date.parse(centreIso);
  const out: Array<{ uniqueid: string; calldate: string }> = [];
  for (let t = centre - 4 * 3_600_000, i = 0; t <= centre + 4 * 3_600_000; t += 7 * 60_000, i++) {
    out.push({ uniqueid: `${Math.floor(t / 1000)}.${i}`, calldate: madrid.format(t) });
  }
  return out;
}

async function pbxWith(calls: Array<{ uniqueid: string; calldate: string }>): Promise<HttpSimServer> {
  const server = await startHttpSim({
    handle: (request) => {
      const form = formBody(request);
      const from = form.get('start_date') ?? '';
      const to = form.get('end_date') ?? '';
      const rows = calls
        .filter((c) => c.calldate >= from && c.calldate <= to)
        .sort((a, b) => (a.calldate < b.calldate ? 1 : -1))
        .slice(0, Number(form.get('limit')))
        .map((c) => ({ ...c, src: '100', dst: '101', dstchannel: 'SIP/101-1', duration: '10', billsec: '5', disposition: 'ANSWERED' }));
      return phpJson(200, rows);
    },
  });
  servers.push(server);
  return server;
}

async function syncAll(server: HttpSimServer, from: number, to: number, cdrLimit: number): Promise<CdrRecord[]> {
  const http = new HttpClient({ baseUrl: `${server.url}/api/api.php`, pinnedFingerprint256: null, logger: new MemoryLogger() });
  const adapter = new ElastixAdapter({ http, key: 'k', timeZone: 'Europe/Madrid', cdrLimit });
  const got: CdrRecord[] = [];
  await adapter.fetchCdrs({ window: { from, to }, onBatch: (batch) => void got.push(...batch) });
  return got;
}

describe.each([
  ['the autumn hour that happens twice', '2026-10-25T01:00:00Z'],
  ['the spring hour that never happens', '2026-03-29T01:00:00Z'],
])('Elastix CDR windows across %s', (_label, centre) => {
  it.each([2, 3, 5, 50])('deliver every call exactly once with a row limit of %i', async (limit) => {
    const calls = callsAround(centre);
    const server = await pbxWith(calls);
    const got = await syncAll(server, Date.parse(centre) - 5 * 3_600_000, Date.parse(centre) + 5 * 3_600_000, limit);
    expect(got.map((r) => r.uniqueid).sort()).toEqual(calls.map((c) => c.uniqueid).sort());
  });
});
