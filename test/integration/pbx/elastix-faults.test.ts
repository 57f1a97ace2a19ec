import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import { ElastixAdapter } from '../../../src-main/pbx/elastix/elastix-adapter.js';
import { startElastixSimulator, type ElastixSimulator } from '../../../src-main/sim/elastix/index.js';
import type { CdrRecord } from '../../../src-shared/domain/pbx.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';

/*
 * The Elastix adapter when the PBX misbehaves: the web server's HTML error pages, a socket closed
 * in the middle of an answer, a certificate that changed after it was pinned. Reads recover by
 * asking again; writes are never sent twice; nothing is delivered twice.
 */

const NOW = Date.parse('2026-11-20T12:00:00Z');
const sims: ElastixSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setUp(options: Parameters<typeof startElastixSimulator>[0] = {}, pin: string | null = null): Promise<{ sim: ElastixSimulator; adapter: ElastixAdapter }> {
  const sim = await startElastixSimulator({ seed: 3, extensions: 20, cdrs: 1500, cdrDays: 10, nowMs: NOW, recordings: 1, ...options });
  sims.push(sim);
  const http = new HttpClient({ baseUrl: `${sim.url}/api/api.php`, pinnedFingerprint256: pin, logger: new MemoryLogger(), retryDelayMs: 5 });
  return { sim, adapter: new ElastixAdapter({ http, key: sim.key, timeZone: 'UTC', cdrLimit: 100 }) };
}

describe('Elastix adapter under faults', () => {
  it('reads through an HTML 500 page and a cut answer by asking again', async () => {
    const { sim, adapter } = await setUp();
    sim.faults.htmlErrors(1);
    expect(await adapter.listExtensions()).toHaveLength(20);
    sim.faults.cutBodies(1);
    expect(await adapter.listExtensions()).toHaveLength(20);
  });

  it('never sends a write twice when its answer is cut, and says it failed', async () => {
    const { sim, adapter } = await setUp();
    const reloads = sim.reloads;
    const before = sim.requests.length;
    sim.faults.cutBodies(1, (r) => r.query.get('cmd') === 'addextension');
    const error = await rejection(adapter.createExtension('3500', { name: 'Cut Answer', secret: 'x1' }));
    expect(error.code).toBe('PBX_ERROR');
    const adds = sim.requests.slice(before).filter((r) => r.query.get('cmd') === 'addextension');
    expect(adds).toHaveLength(1);
    // The PBX did act on it once: the person sees the failure, and the extension is there once.
    expect(sim.state.users.filter((u) => String(u.extension) === '3500')).toHaveLength(1);
    expect(sim.reloads).toBe(reloads + 1);
  });

  it('finishes a CDR sync across dropped connections and HTML errors with every row once', async () => {
    const { sim, adapter } = await setUp();
    const truth = sim.state.cdrs.filter((r) => r.dst !== 's');
    const got: CdrRecord[] = [];
    let batches = 0;
    await adapter.fetchCdrs({
      window: { from: NOW - 11 * 86_400_000, to: NOW },
      onBatch: (batch) => {
        got.push(...batch);
        // Trouble on every third answer.
        if (++batches % 3 === 0) sim.faults.dropConnections(1);
        if (batches % 5 === 0) sim.faults.htmlErrors(1);
      },
    });
    expect(got).toHaveLength(truth.length);
    expect(new Set(got.map((r) => r.key)).size).toBe(truth.length);
  }, 30_000);

  it('refuses a PBX whose certificate changed after it was pinned, before sending the key', async () => {
    const old = await generate([{ name: 'commonName', value: 'elastix.test' }], { keySize: 2048, algorithm: 'sha256' });
    const renewed = await generate([{ name: 'commonName', value: 'elastix.test' }], { keySize: 2048, algorithm: 'sha256' });
    const pin = new X509Certificate(old.cert).fingerprint256;
    const { adapter: trusted } = await setUp({ tls: { key: old.private, cert: old.cert } }, pin);
    expect(await trusted.connect()).toEqual({ generation: null, version: null });

    const { sim, adapter } = await setUp({ tls: { key: renewed.private, cert: renewed.cert } }, pin);
    const error = await rejection(adapter.connect());
    expect(error.code).toBe('TLS_UNTRUSTED');
    expect(error.details?.pinMismatch).toBe(true);
    expect(sim.requests).toHaveLength(0);
  }, 20_000);
});
