import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestName } from '../../../src-shared/contract.js';
import type { LiveCall, LiveDelta, LiveSnapshot } from '../../../src-shared/domain/live.js';
import type { SiteView } from '../../../src-shared/domain/site.js';
import type { Core } from '../../../src-main/core/create-core.js';
import { createHostCore } from '../../../src-main/host/host-core.js';
import { startAmiSimulator, type AmiSimulator, type SimTruth } from '../../../src-main/sim/ami/index.js';

const SECRET = 'live-test-secret';
let dir: string;
let core: Core;
let sim: AmiSimulator;
let deltas: LiveDelta[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-live-'));
  sim = await startAmiSimulator({ users: { switchboard: SECRET }, seed: 7, pbx: { trunk: true } });
  core = createHostCore(dir, { linkTimings: { firstRetryMs: 20, maxRetryMs: 100, pingIntervalMs: 1000, pingTimeoutMs: 500 } });
  deltas = [];
  core.bus.subscribe((event, payload) => {
    if (event === 'live:delta') deltas.push(payload as LiveDelta);
  });
});

afterEach(async () => {
  core.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(name: RequestName, params: unknown): Promise<T> {
  const envelope = await core.dispatch(name, params, 100);
  if (envelope.error) throw new Error(`${name}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.result as T;
}

async function until<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function addSite(): Promise<SiteView> {
  const site = await call<SiteView>('sites:create', {
    name: 'Lab',
    vendor: 'asterisk',
    timeZone: 'Europe/Madrid',
    api: null,
    ami: { host: '127.0.0.1', port: sim.port, username: 'switchboard', secret: SECRET, context: 'internal' },
    tls: { pinnedFingerprint256: null },
  });
  await until(async () => (await call<LiveSnapshot>('live:get-snapshot', {})).links.find((l) => l.state === 'connected'));
  return site;
}

const snapshot = () => call<LiveSnapshot>('live:get-snapshot', {});

/** The board as comparable facts: call id → the real (non-Local) channels on it. */
function boardFacts(calls: LiveCall[]): Record<string, string[]> {
  return Object.fromEntries(
    calls.map((c) => [c.id, [c.from, ...c.to].map((p) => p.uniqueid).filter((id) => id !== '').sort()]),
  );
}

function truthFacts(truth: SimTruth): Record<string, string[]> {
  return Object.fromEntries(
    truth.calls
      .map((c) => [c.linkedid, c.channels.filter((ch) => !ch.name.startsWith('Local/')).map((ch) => ch.uniqueid).sort()] as const)
      .filter(([, channels]) => channels.length > 0),
  );
}

describe('LiveService against the AMI simulator', () => {
  it('shows a call as it rings and is answered, and hangs it up from a request', async () => {
    await addSite();
    sim.placeCall({ from: '102', to: '101' });
    const ringing = await until(async () => (await snapshot()).calls.find((c) => c.from.extension === '102'));
    expect(ringing.to.map((p) => p.extension)).toEqual(['101']);
    const answered = await until(async () => (await snapshot()).calls.find((c) => c.from.extension === '102' && c.state === 'up'), 8000);
    expect(answered.answeredAt).not.toBeNull();
    // Pushed to the renderer as deltas, not only answered on request.
    await until(() => deltas.some((d) => d.upsertCalls.some((c) => c.id === answered.id && c.state === 'up')), 1000);

    await call('live:hangup', { siteId: answered.siteId, channel: answered.to[0].channel });
    await until(async () => (await snapshot()).calls.length === 0);
    expect(sim.truth().calls).toEqual([]);
    await until(() => deltas.some((d) => d.removeCalls.includes(answered.id)), 1000);
  });

  it('transfers a call blind: the caller ends up talking to the new extension on the same call', async () => {
    await addSite();
    sim.placeCall({ from: '102', to: '101' });
    const up = await until(async () => (await snapshot()).calls.find((c) => c.state === 'up'), 8000);
    await call('live:transfer', { siteId: up.siteId, channel: up.from.channel, to: '104', mode: 'blind' });
    const moved = await until(
      async () => (await snapshot()).calls.find((c) => c.id === up.id && c.state === 'up' && c.to.some((p) => p.extension === '104')),
      8000,
    );
    expect(moved.from.extension).toBe('102');
  });

  it('reports a call that already ended as NOT_FOUND, and refuses listen-in to a receptionist', async () => {
    const site = await addSite();
    const gone = await core.dispatch('live:hangup', { siteId: site.id, channel: 'PJSIP/999-00000000' }, 10);
    expect(gone.error?.code).toBe('NOT_FOUND');
    const spy = await core.dispatch('live:spy', { siteId: site.id, channel: 'PJSIP/101-00000001', extension: '100', mode: 'listen' }, 10);
    expect(spy.error?.code).toBe('FORBIDDEN');
    expect(sim.received.some((a) => a.headers.some(([, v]) => v === 'ChanSpy'))).toBe(false);
  });

  it('sets and clears DND and call forward in AstDB and shows them at once', async () => {
    const site = await addSite();
    await call('presence:set-dnd', { siteId: site.id, extension: '103', on: true });
    expect(sim.truth().astdb['/DND/103']).toBe('YES');
    expect((await snapshot()).presence.find((p) => p.extension === '103')?.state).toBe('dnd');
    await call('presence:set-forward', { siteId: site.id, extension: '101', kind: 'always', to: '104' });
    expect((await snapshot()).presence.find((p) => p.extension === '101')?.forward.always).toBe('104');
    await call('presence:set-forward', { siteId: site.id, extension: '101', kind: 'always', to: null });
    expect(sim.truth().astdb['/CF/101']).toBeUndefined();
    expect((await snapshot()).presence.find((p) => p.extension === '101')?.forward.always).toBeNull();
  });

  it('survives 50 PBX restarts during traffic: after each resync the board equals the PBX within 2 s', async () => {
    await addSite();
    sim.startTraffic({ rate: 20, maxConcurrent: 12, ringMs: [100, 400], talkMs: [300, 1500] });
    for (let restart = 0; restart < 50; restart++) {
      const before = (await snapshot()).links[0]?.connectedAt;
      await sim.restart({ downMs: 10, resetCalls: restart % 5 === 0 });
      // A new session, resynced: not the old one still looking connected.
      await until(async () => {
        const link = (await snapshot()).links[0];
        return link?.state === 'connected' && link.connectedAt !== before;
      }, 3000);
      // Traffic keeps moving, so compare until a moment where both sides agree.
      await until(async () => JSON.stringify(boardFacts((await snapshot()).calls)) === JSON.stringify(truthFacts(sim.truth())), 2000);
    }
    sim.stopTraffic();
    expect(sim.traffic?.started ?? 0).toBeGreaterThan(10);
  }, 120_000);
});
