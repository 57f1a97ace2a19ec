import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import { IssabelAdapter } from '../../../src-main/pbx/issabel/issabel-adapter.js';
import { ISSABEL_GEN_A_CAPABILITIES } from '../../../src-main/pbx/issabel/issabel-capabilities.js';
import type { SimRequest } from '../../../src-main/sim/http/http-sim.js';
import { followMeEnabled, startIssabelSimulator, type IssabelSimOptions, type IssabelSimulator } from '../../../src-main/sim/issabel/index.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';

/*
 * The Issabel adapter when the PBX misbehaves: tokens that expire in the middle of a batch, the
 * web server's HTML error pages, a socket closed in the middle of an answer, a certificate that
 * changed after it was pinned, Asterisk down behind the API, the 2018 API generation. Reads
 * recover by asking again; writes are never sent twice except after a token refusal (the API
 * checks the token before doing anything); what the PBX did is reported as it is.
 */

const PASSWORD = 'amp111';
const sims: IssabelSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

/** The PBX's clock, moved by the tests; the adapter keeps the real one, as it would against a real box. */
function pbxClock() {
  const clock = { ms: Date.now(), nowMs: () => clock.ms };
  return clock;
}

async function setUp(options: IssabelSimOptions = {}, pin: string | null = null): Promise<{ sim: IssabelSimulator; adapter: IssabelAdapter; log: MemoryLogger }> {
  const sim = await startIssabelSimulator({ seed: 3, extensions: 20, reloadDelayMs: 2, adminPassword: PASSWORD, ...options });
  sims.push(sim);
  const log = new MemoryLogger();
  const http = new HttpClient({ baseUrl: sim.apiUrl, pinnedFingerprint256: pin, logger: log, retryDelayMs: 5 });
  return { sim, adapter: new IssabelAdapter({ http, user: 'admin', password: PASSWORD }), log };
}

const is = (method: string, path: RegExp) => (r: SimRequest) => r.method === method && path.test(r.path);
const sentTo = (sim: IssabelSimulator, method: string, path: RegExp, from = 0) => sim.requests.slice(from).filter(is(method, path));

/** A match that never applies a fault but runs `effect` when `match` first sees its request (something changing on the PBX meanwhile). */
function meanwhile(match: (r: SimRequest) => boolean, effect: () => void): (r: SimRequest) => boolean {
  let done = false;
  return (r) => {
    if (!done && match(r)) {
      done = true;
      effect();
    }
    return false;
  };
}

function plainExtensions(sim: IssabelSimulator): string[] {
  return [...sim.state.extensions.values()].filter((e) => e.tech !== 'virtual' && !sim.state.followme.has(e.extension)).map((e) => e.extension);
}

describe('Issabel adapter: tokens expiring under it', () => {
  it('a token expiring in the middle of a batch: renewed, the refused write sent once more, one apply at the end', async () => {
    const clock = pbxClock();
    const { sim, adapter } = await setUp({ nowMs: clock.nowMs });
    const [a, b] = plainExtensions(sim);
    const reloads = sim.state.reloads;
    // The PBX's clock passes the token's hour between reading b and writing it.
    sim.faults.dropConnections(1, meanwhile(is('PUT', new RegExp(`/extensions/${b}$`)), () => (clock.ms += 3_601_000)));
    await adapter.batch(async () => {
      await adapter.updateExtension(a, { name: 'Before Expiry' });
      await adapter.updateExtension(b, { name: 'After Expiry' });
    });
    expect(sentTo(sim, 'PUT', new RegExp(`/extensions/${b}$`))).toHaveLength(2);
    expect(sentTo(sim, 'GET', /\/authenticate\/renewtoken$/)).toHaveLength(1);
    expect([sim.state.extensions.get(a)!.users.name, sim.state.extensions.get(b)!.users.name]).toEqual(['Before Expiry', 'After Expiry']);
    expect(sim.state.reloads).toBe(reloads + 1);
    expect(sim.state.pendingChanges).toBe(false);
  });

  it('a token expired past its refresh token: logs in again and goes on', async () => {
    const clock = pbxClock();
    const { sim, adapter } = await setUp({ nowMs: clock.nowMs });
    await adapter.listExtensions();
    clock.ms += 3 * 3_600_000;
    expect(await adapter.listExtensions()).toHaveLength(20);
    expect(sim.requests.map((r) => `${r.method} ${r.path}`).slice(-4)).toEqual([
      'GET /pbxapi/extensions',
      'GET /pbxapi/authenticate/renewtoken',
      'POST /pbxapi/authenticate',
      'GET /pbxapi/extensions',
    ]);
  });

  it('many requests meeting an expired token at once renew it once', async () => {
    const clock = pbxClock();
    const { sim, adapter } = await setUp({ nowMs: clock.nowMs });
    await adapter.listExtensions();
    clock.ms += 3_700_000;
    const numbers = plainExtensions(sim).slice(0, 8);
    const got = await Promise.all(numbers.map((n) => adapter.getExtension(n)));
    expect(got.map((e) => e?.number)).toEqual(numbers);
    expect(sentTo(sim, 'GET', /\/authenticate\/renewtoken$/)).toHaveLength(1);
    expect(sentTo(sim, 'POST', /\/authenticate$/)).toHaveLength(1);
  });

  it('a PBX whose every token is expired on arrival is named as the problem, not looped on', async () => {
    const { sim, adapter } = await setUp({ tokenLifetimeS: 0 });
    const error = await rejection(adapter.listExtensions());
    expect([error.code, error.message]).toEqual(['PBX_ERROR', expect.stringContaining('has just issued')]);
    expect(sentTo(sim, 'GET', /\/extensions$/)).toHaveLength(2);
  });
});

describe('Issabel adapter: broken answers', () => {
  it('reads through an HTML 500 page and an answer cut in half by asking again', async () => {
    const { sim, adapter } = await setUp();
    sim.faults.htmlErrors(1, is('GET', /\/extensions$/));
    expect(await adapter.listExtensions()).toHaveLength(20);
    sim.faults.cutBodies(1, is('GET', /\/extensions$/));
    expect(await adapter.listExtensions()).toHaveLength(20);
    expect(sentTo(sim, 'GET', /\/extensions$/)).toHaveLength(4);
  });

  it('never sends a create twice: behind an HTML 500 nothing was created, and the person is told', async () => {
    const { sim, adapter } = await setUp();
    sim.faults.htmlErrors(1, is('POST', /\/extensions$/));
    const error = await rejection(adapter.createExtension('3500', { name: 'Html Error' }));
    expect([error.code, error.message]).toEqual(['PBX_ERROR', expect.stringContaining('HTTP 500')]);
    expect(sentTo(sim, 'POST', /\/extensions$/)).toHaveLength(1);
    expect(sim.state.extensions.has('3500')).toBe(false);
  });

  it('never sends a write twice when its answer is cut: the PBX did it once, and the person is told it failed', async () => {
    const { sim, adapter } = await setUp();
    const [number] = plainExtensions(sim);
    // manager/dbput is a write whose answer has a body to cut (pbxapi's own writes answer with none).
    sim.faults.cutBodies(1, is('GET', /\/manager\/dbput$/));
    const error = await rejection(adapter.setCallForward(number, { always: '0611223344', busy: null, noAnswer: null, dnd: false }));
    expect([error.code, error.message]).toEqual(['PBX_ERROR', expect.stringContaining('in the middle of a response')]);
    expect(sentTo(sim, 'GET', /\/manager\/dbput$/)).toHaveLength(1);
    expect(sim.state.astdb.get(`CF/${number}`)).toBe('0611223344');
  });

  it('never sends an update twice when the connection drops: the person is told, and a follow-me is never half-written', async () => {
    const { sim, adapter } = await setUp();
    const [number] = [...sim.state.followme.keys()].filter((n) => followMeEnabled(sim.state, n));
    const name = sim.state.extensions.get(number)!.users.name;
    const followme = { ...sim.state.followme.get(number)! };
    sim.faults.dropConnections(1, is('PUT', /\/extensions\//));
    expect((await rejection(adapter.updateExtension(number, { name: 'Dropped' }))).code).not.toBe('VALIDATION');
    expect(sentTo(sim, 'PUT', /\/extensions\//)).toHaveLength(1);
    expect(sim.state.extensions.get(number)!.users.name).toBe(name);
    // Sent again by the person, it lands once, follow-me carried along.
    const reloads = sim.state.reloads;
    await adapter.updateExtension(number, { name: 'Second Try' });
    expect(sim.state.extensions.get(number)!.users.name).toBe('Second Try');
    expect(sim.state.reloads).toBe(reloads + 1);
    expect(sim.state.followme.get(number)).toEqual(followme);
    expect(followMeEnabled(sim.state, number)).toBe(true);
  });

  it('a delete whose answer is cut is settled by reading what is left', async () => {
    const { sim, adapter } = await setUp();
    const [a, b] = plainExtensions(sim);
    sim.faults.cutBodies(1, is('DELETE', /\/extensions\//));
    expect(await adapter.deleteExtensions([a, b])).toEqual([
      { id: a, ok: true },
      { id: b, ok: true },
    ]);
    expect(sentTo(sim, 'DELETE', /\/extensions\//)).toHaveLength(1);
    expect(sim.state.extensions.has(a) || sim.state.extensions.has(b)).toBe(false);
  });

  it('a delete the PBX stops half-way (one number removed elsewhere meanwhile): each reported as it is, what went applied', async () => {
    const { sim, adapter } = await setUp();
    const [a, b, c] = plainExtensions(sim);
    const reloads = sim.state.reloads;
    sim.faults.dropConnections(1, meanwhile(is('DELETE', /\/extensions\//), () => sim.state.extensions.delete(b)));
    const results = await adapter.deleteExtensions([a, b, c]);
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      [a, true],
      [b, true],
      [c, false],
    ]);
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining(`Extension ${c} was not deleted`) } });
    expect([sim.state.extensions.has(a), sim.state.extensions.has(c)]).toEqual([false, true]);
    // The API skipped apply-changes after its 404: the adapter ran it once.
    expect(sim.state.reloads).toBe(reloads + 1);
    expect(sim.state.pendingChanges).toBe(false);
  });

  it('refuses a PBX whose certificate changed after it was pinned, before sending the password', async () => {
    const old = await generate([{ name: 'commonName', value: 'issabel.test' }], { keySize: 2048, algorithm: 'sha256' });
    const renewed = await generate([{ name: 'commonName', value: 'issabel.test' }], { keySize: 2048, algorithm: 'sha256' });
    const pin = new X509Certificate(old.cert).fingerprint256;
    const { adapter: trusted } = await setUp({ tls: { key: old.private, cert: old.cert } }, pin);
    expect(await trusted.connect()).toEqual({ generation: 'B/C', version: null });

    const { sim, adapter, log } = await setUp({ tls: { key: renewed.private, cert: renewed.cert } }, pin);
    const error = await rejection(adapter.connect());
    expect(error.code).toBe('TLS_UNTRUSTED');
    expect(error.details?.pinMismatch).toBe(true);
    expect(sim.requests).toHaveLength(0);
    expect(log.lines.join('\n')).not.toContain(PASSWORD);
  }, 20_000);
});

describe('Issabel adapter: the PBX behind the API', () => {
  it('with Asterisk down, health says unreachable and changes fail saying why', async () => {
    const { sim, adapter } = await setUp();
    await adapter.connect();
    sim.setAmi('down');
    expect((await adapter.health()).reachable).toBe(false);
    const error = await rejection(adapter.updateExtension(plainExtensions(sim)[0], { name: 'X' }));
    expect([error.code, error.message]).toEqual(['PBX_ERROR', expect.stringContaining('Connection refused')]);
  });

  it('with the AMI login refused, never passes on the AMI password the API puts in its error', async () => {
    const { sim, adapter } = await setUp();
    sim.setAmi('auth');
    const error = await rejection(adapter.listExtensions());
    expect(error.message).toContain('cannot reach its Asterisk manager');
    expect(JSON.stringify(error.toShape())).not.toContain(PASSWORD);
  });

  it('a generation C box without its JWT secret fails the login with the PBX’s error, not as a wrong password', async () => {
    const { adapter } = await setUp({ generation: 'C', jwtSecret: null });
    const error = await rejection(adapter.connect());
    expect([error.code, error.message]).toEqual(['PBX_ERROR', expect.stringContaining('HTTP 500')]);
  });

  it('detects generation A, does what it can through it, and refuses what would lose settings it cannot show', async () => {
    const { sim, adapter } = await setUp({ generation: 'A', firstExtension: 1001 });
    expect(await adapter.connect()).toEqual({ generation: 'A', version: null });
    expect(adapter.capabilities()).toEqual(ISSABEL_GEN_A_CAPABILITIES);
    const sip = [...sim.state.extensions.values()].filter((e) => e.tech === 'sip').map((e) => e.extension);
    expect((await adapter.listExtensions()).map((e) => e.number).sort()).toEqual(sip.sort());

    const created = await adapter.createExtension('1500', { name: 'Old Box', secret: 'S3cret-1500', voicemail: true });
    expect(created).toMatchObject({ number: '1500', name: 'Old Box', secret: 'S3cret-1500' });
    expect(sim.state.extensions.get('1500')!.users.voicemail).toBe('default');
    expect((await rejection(adapter.updateExtension('1500', { name: 'Renamed' }))).code).toBe('NOT_SUPPORTED');
    expect(sentTo(sim, 'PUT', /\/extensions\//)).toHaveLength(0);
    expect(await adapter.deleteExtensions(['1500'])).toEqual([{ id: '1500', ok: true }]);
    expect(sim.state.extensions.has('1500')).toBe(false);
  });
});
