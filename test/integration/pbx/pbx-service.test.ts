import BetterSqlite3 from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/create-core.js';
import { createHostCore } from '../../../src-main/host/host-core.js';
import { startElastixSimulator, type ElastixSimulator } from '../../../src-main/sim/elastix/index.js';
import type { RequestName, RequestParams, RequestResult } from '../../../src-shared/contract.js';
import type { AppErrorShape } from '../../../src-shared/errors.js';
import { tempDir } from '../../support/temp-dir.js';

/*
 * A site's vendor API through the whole core, as the renderer reaches it: capabilities with the
 * detected API, extensions listed without a single secret crossing over, and refusals with the
 * reason the capability table shows.
 */

let core: Core;
let dir: string;
let sim: ElastixSimulator;

beforeEach(async () => {
  dir = tempDir('switchboard-pbx-');
  core = createHostCore(join(dir, 'data'));
  sim = await startElastixSimulator({ seed: 11, extensions: 12, cdrs: 50, nowMs: Date.parse('2026-11-20T12:00:00Z') });
});

afterEach(async () => {
  core.close();
  await sim.close();
});

/** A request as the renderer makes it, typed by the contract: its result, or its typed error. */
async function call<N extends RequestName>(name: N, params: RequestParams<N>): Promise<{ result?: RequestResult<N>; error?: AppErrorShape }> {
  return (await core.dispatch(name, params, 1)) as { result?: RequestResult<N>; error?: AppErrorShape };
}

async function addElastix(key = sim.key): Promise<string> {
  const created = await call('sites:create', {
    name: 'Elastix office',
    vendor: 'elastix',
    timeZone: 'UTC',
    api: { baseUrl: `${sim.url}/api/api.php`, username: '', secret: key },
    ami: null,
    tls: { pinnedFingerprint256: null },
  });
  if (created.error) throw new Error(created.error.message);
  return created.result!.id;
}

describe('A site’s vendor API through the core', () => {
  it('answers the capability table, having logged in to the API', async () => {
    const id = await addElastix();
    const { result, error } = await call('sites:get-capabilities', { id });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ siteId: id, apiSupported: true, identity: { generation: null, version: null }, identityError: null });
    expect(result!.capabilities['extensions.list']).toEqual({ via: 'api', note: 'capability.note.elastixSipOnly' });
    // The site has no AMI: what Elastix leaves to AMI is not available, and says why.
    expect(result!.capabilities['calls.live']).toEqual({ via: 'none', reason: 'capability.reason.needsAmi' });
    expect(sim.requests.length).toBeGreaterThan(0);
    // Logging in proved the API works: the status bar says so without a separate test.
    const statuses = await call('sites:list-statuses', {});
    expect(statuses.result?.find((s) => s.siteId === id)?.api).toMatchObject({ state: 'ok' });
  });

  it('says why the API could not be reached, and still answers the table', async () => {
    const id = await addElastix('not-the-key-of-this-pbx-but-fifty-characters-long');
    const { result } = await call('sites:get-capabilities', { id });
    expect(result?.identityError?.code).toBe('AUTH_FAILED');
    expect(result?.capabilities['cdr.fetch'].via).toBe('api');
    const statuses = await call('sites:list-statuses', {});
    expect(statuses.result?.find((s) => s.siteId === id)?.api).toMatchObject({ state: 'failed', code: 'AUTH_FAILED' });
  });

  it('lists extensions with names and vendor fields, but never a secret', async () => {
    const id = await addElastix();
    const { result, error } = await call('extensions:list', { id });
    expect(error).toBeUndefined();
    expect(result!.map((e) => e.number)).toEqual(sim.state.users.map((u) => String(u.extension)).sort());
    expect(result!.every((e) => e.secretSet && e.siteId === id)).toBe(true);
    const sent = JSON.stringify(result);
    for (const row of sim.state.sip.filter((r) => r.keyword === 'secret')) expect(sent).not.toContain(`"${row.data}"`);
    expect(sent).not.toContain(sim.key);
    // Nor does the key reach the log.
    expect(readFileSync(join(dir, 'data', 'logs', 'switchboard.log'), 'utf8')).not.toContain(sim.key);
  });

  it('syncs the site’s call history into the cache, telling the renderer how far it got', async () => {
    const id = await addElastix();
    const seen: number[] = [];
    core.bus.subscribe((event, payload) => {
      if (event === 'history:progress') seen.push((payload as { stored: number }).stored);
    });
    const { result, error } = await call('history:sync', { id });
    expect(error).toBeUndefined();
    expect(result?.stored).toBe(sim.state.cdrs.filter((row) => row.dst !== 's').length);
    expect(seen.at(-1)).toBe(result?.stored);

    // Removing the site takes its history out of the cache file too.
    const cache = join(dir, 'data', 'cache.sqlite');
    const legs = () => {
      const db = new BetterSqlite3(cache, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM cdr WHERE site_id = ?').get(id) as { n: number }).n;
      } finally {
        db.close();
      }
    };
    expect(legs()).toBe(result?.stored);
    await call('sites:remove', { id });
    expect(legs()).toBe(0);
  });

  it('refuses to list extensions of a site whose PBX cannot, with the reason', async () => {
    const created = await call('sites:create', {
      name: 'Plain Asterisk',
      vendor: 'asterisk',
      timeZone: 'UTC',
      api: null,
      ami: { host: '127.0.0.1', port: 5038, username: 'u', secret: 's', context: 'from-internal' },
      tls: { pinnedFingerprint256: null },
    });
    const { error } = await call('extensions:list', { id: created.result!.id });
    expect(error).toMatchObject({ code: 'NOT_SUPPORTED', details: { capability: 'extensions.list', reason: 'capability.reason.amiHasNoConfig' } });
  });
});
