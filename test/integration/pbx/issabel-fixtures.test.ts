import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import { IssabelAdapter } from '../../../src-main/pbx/issabel/issabel-adapter.js';
import { ISSABEL_GEN_A_CAPABILITIES } from '../../../src-main/pbx/issabel/issabel-capabilities.js';
import type { HttpSimServer, SimRequest, SimResponse } from '../../../src-main/sim/http/http-sim.js';
import type { FollowMe, RingGroup } from '../../../src-shared/domain/pbx.js';
import { en } from '../../../src-renderer/i18n/en.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';
import { exchange, loadExchanges, recordedResponse, serveRecorded, type Responder } from '../../support/vendor-fixtures.js';

/*
 * The Issabel adapter against what pbxapi sends (shared/vendors/fixtures/issabel): each recorded
 * response is served back, and the test checks the request the adapter made and what it made of
 * the answer. The adapter sends dotted field names (`voicemail.email`), which the API flattens the
 * recorded nested bodies to, so bodies are compared flattened.
 */

const PASSWORD = 'AMI_ADMIN_PWD';
const covered = new Set<string>();
const servers: HttpSimServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Json = Record<string, unknown>;

/** The recorded response of `file#name`, marked as replayed. */
function recorded(file: string, name: string): SimResponse {
  covered.add(`${file}#${name}`);
  return recordedResponse(exchange('issabel', file, name), true);
}

function recordedBody(file: string, name: string): Json {
  return exchange('issabel', file, name).request.body as Json;
}

function recordedResults(file: string, name: string): Json[] {
  return (exchange('issabel', file, name).response.body as { results: Json[] }).results;
}

function json(status: number, value: unknown): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body: JSON.stringify(value).replace(/\//g, '\\/') };
}

const ok = (results: unknown) => json(200, { status: 'success', results });
const EMPTY_200: SimResponse = { status: 200, headers: { 'Content-Type': 'text/html; charset=UTF-8' }, body: '' };

/** Answers `method path` (below /pbxapi) with `answer`, while `when` accepts the request. */
function route(method: string, path: string, answer: SimResponse | ((r: SimRequest) => SimResponse), when: (r: SimRequest) => boolean = () => true): Responder {
  return (r) => (r.method === method && r.path === `/pbxapi${path}` && when(r) ? (typeof answer === 'function' ? answer(r) : answer) : undefined);
}

/** Answers the n-th matching request (0-based) with `answers[n]`, the last one after that. */
function inTurn(method: string, path: string, ...answers: Array<() => SimResponse>): Responder {
  let n = 0;
  return route(method, path, () => answers[Math.min(n++, answers.length - 1)]());
}

const login = route('POST', '/authenticate', () => recorded('auth.json', 'login-form'));
/** apply(): the ring groups, then the first one saved again under its own name. */
const applying = [route('GET', '/ringgroups', () => recorded('ringgroups.json', 'list')), route('PUT', '/ringgroups/600', EMPTY_200)];

async function adapterFor(responders: Responder[], nowMs?: () => number): Promise<{ adapter: IssabelAdapter; server: HttpSimServer }> {
  const server = await serveRecorded([...responders, login]);
  servers.push(server);
  const http = new HttpClient({ baseUrl: `${server.url}/pbxapi`, pinnedFingerprint256: null, logger: new MemoryLogger(), retries: 0 });
  return { adapter: new IssabelAdapter({ http, user: 'admin', password: PASSWORD, nowMs }), server };
}

function sent(r: SimRequest): Json {
  return JSON.parse(r.body.toString('utf8')) as Json;
}

/** Nested objects as the API flattens them: `{"voicemail":{"pin":"1"}}` → `{"voicemail.pin":"1"}`. */
function flat(value: Json, prefix = ''): Json {
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) Object.assign(out, flat(inner as Json, `${prefix}${key}.`));
    else out[prefix + key] = inner;
  }
  return out;
}

function calls(server: HttpSimServer): string[] {
  return server.requests.map((r) => `${r.method} ${r.path.replace('/pbxapi', '')}`);
}

const ACCESS = (exchange('issabel', 'auth.json', 'login-form').response.body as { access_token: string }).access_token;

/** Extension 1001 as GET /extensions/1001 returns it, with changes. */
function record1001(changes: Json = {}): Json {
  return { ...recordedResults('extension-get.json', 'existing')[0], ...changes };
}

describe('Issabel login and tokens', () => {
  it('logs in with the form every generation reads, sends the token as Bearer, and tells B/C by its envelope', async () => {
    const { adapter, server } = await adapterFor([route('GET', '/ringgroups', () => recorded('ringgroups.json', 'list'))]);
    expect(await adapter.connect()).toEqual({ generation: 'B/C', version: null });
    const [auth, groups] = server.requests;
    expect(auth.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(auth.body.toString()).toBe(exchange('issabel', 'auth.json', 'login-form').request.body);
    expect(groups.headers.authorization).toBe(`Bearer ${ACCESS}`);
  });

  it('refuses a wrong password as AUTH_FAILED, naming the only login the API takes', async () => {
    const { adapter, server } = await adapterFor([route('POST', '/authenticate', () => recorded('auth.json', 'login-bad-password'))]);
    const error = await rejection(adapter.connect());
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('"admin" with the AMI admin password');
    expect(JSON.stringify(error.toShape())).not.toContain(PASSWORD);
    expect(server.requests).toHaveLength(1);
  });

  it('takes an "expired" inside a 200 as expiry: renews with both tokens, then sends the request once more', async () => {
    const { adapter, server } = await adapterFor([
      inTurn('GET', '/extensions', () => recorded('auth.json', 'expired-token'), () => recorded('extensions-list.json', 'gen-BC')),
      route('GET', '/authenticate/renewtoken', () => recorded('auth.json', 'renew-ok')),
    ]);
    expect((await adapter.listExtensions()).map((e) => e.number)).toEqual(['1001', '1002', '1099']);
    expect(calls(server)).toEqual(['POST /authenticate', 'GET /extensions', 'GET /authenticate/renewtoken', 'GET /extensions']);
    const renew = server.requests[2];
    expect(Object.fromEntries(renew.query)).toEqual(exchange('issabel', 'auth.json', 'renew-ok').request.query);
    expect(renew.headers.authorization).toBeUndefined();
  });

  it.each(['renew-refresh-expired', 'renew-unauthorized'])('logs in again when the PBX answers a renewal with %s', async (name) => {
    const { adapter, server } = await adapterFor([
      inTurn('GET', '/extensions', () => recorded('auth.json', 'expired-token'), () => recorded('extensions-list.json', 'gen-BC')),
      route('GET', '/authenticate/renewtoken', () => recorded('auth.json', name)),
    ]);
    expect(await adapter.listExtensions()).toHaveLength(3);
    expect(calls(server)).toEqual(['POST /authenticate', 'GET /extensions', 'GET /authenticate/renewtoken', 'POST /authenticate', 'GET /extensions']);
  });

  it('after a token refused outright, logs in once more and resends once, then says AUTH_FAILED', async () => {
    const { adapter, server } = await adapterFor([route('GET', '/extensions', () => recorded('auth.json', 'invalid-token'))]);
    expect((await rejection(adapter.listExtensions())).code).toBe('AUTH_FAILED');
    expect(calls(server)).toEqual(['POST /authenticate', 'GET /extensions', 'POST /authenticate', 'GET /extensions']);
  });

  it('renews before the token expires by this computer’s clock, and logs in once the refresh token is too old', async () => {
    let now = 1_000_000;
    const { adapter, server } = await adapterFor(
      [route('GET', '/extensions', () => recorded('extensions-list.json', 'gen-BC')), route('GET', '/authenticate/renewtoken', () => recorded('auth.json', 'renew-ok'))],
      () => now,
    );
    await adapter.listExtensions();
    now += 2_900_000;
    await adapter.listExtensions();
    // Past 5/6 of the hour: renewed before asking, so the PBX never had to say "expired".
    now += 200_000;
    await adapter.listExtensions();
    // The renewed refresh token (2 h by its own exp − iat) is past too: a fresh login.
    now += 7_300_000;
    await adapter.listExtensions();
    expect(calls(server)).toEqual([
      'POST /authenticate',
      'GET /extensions',
      'GET /extensions',
      'GET /authenticate/renewtoken',
      'GET /extensions',
      'POST /authenticate',
      'GET /extensions',
    ]);
  });
});

describe('Issabel extensions: reads', () => {
  it('lists every kind of extension, each value mapped from its string', async () => {
    const { adapter } = await adapterFor([route('GET', '/extensions', () => recorded('extensions-list.json', 'gen-BC'))]);
    expect(await adapter.listExtensions()).toEqual([
      { number: '1001', name: 'Alice Smith', technology: 'sip', secret: '8f3kQ2mZp0aL', voicemail: null, email: null, callerId: null, fields: { dial: 'SIP/1001', context: 'from-internal' } },
      { number: '1002', name: 'Bob Jones', technology: 'pjsip', secret: 'Tz81nw0qPe4V', voicemail: null, email: null, callerId: null, fields: { dial: 'PJSIP/1002', context: 'from-internal' } },
      { number: '1099', name: 'Lobby ring', technology: 'virtual', secret: null, voicemail: null, email: null, callerId: null, fields: { dial: '', context: '' } },
    ]);
  });

  it('reads generation A’s bare list, then refuses what that API cannot do safely, without sending it', async () => {
    const { adapter, server } = await adapterFor([route('GET', '/extensions', () => recorded('extensions-list.json', 'gen-A (seed era)'))]);
    expect((await adapter.listExtensions()).map((e) => [e.number, e.name, e.fields])).toEqual([['1000', 'Antonio', { dial: 'SIP/1000' }]]);
    expect(adapter.capabilities()).toEqual(ISSABEL_GEN_A_CAPABILITIES);
    for (const c of Object.values(ISSABEL_GEN_A_CAPABILITIES)) expect(en).toHaveProperty([c.via === 'none' ? c.reason : (c.note ?? 'capability.reason.unknown')]);
    const error = await rejection(adapter.updateExtension('1000', { name: 'Toni' }));
    expect(error.code).toBe('NOT_SUPPORTED');
    expect(error.details).toEqual({ capability: 'extensions.update', reason: 'capability.reason.issabelGenAUpdateUnsafe' });
    expect((await rejection(adapter.getFollowMe('1000'))).details?.reason).toBe('capability.reason.issabelGenANoFollowMe');
    expect(calls(server)).toEqual(['POST /authenticate', 'GET /extensions']);
  });

  it('reads one extension with everything it has, the mailbox PIN kept back', async () => {
    const { adapter, server } = await adapterFor([
      route('GET', '/extensions/1001', () => recorded('extension-get.json', 'existing')),
      route('GET', '/extensions/9999', () => recorded('extension-get.json', 'unknown')),
    ]);
    const alice = (await adapter.getExtension('1001'))!;
    expect(alice).toMatchObject({ number: '1001', name: 'Alice Smith', technology: 'sip', secret: '8f3kQ2mZp0aL', voicemail: true, email: 'alice@example.com', callerId: null });
    expect(alice.fields).toMatchObject({ 'device_options.nat': 'yes', 'extension_options.call_waiting': 'yes', 'callerid_override.emergency': '', 'voicemail.options.email_attachment': 'yes', 'dictation.enabled': 'no' });
    expect(Object.keys(alice.fields).filter((k) => k.startsWith('followme.') || k === 'voicemail.pin')).toEqual([]);
    // An unknown number is a 200 with no results.
    expect(await adapter.getExtension('9999')).toBeNull();
    expect(server.requests[1].headers.authorization).toBe(`Bearer ${ACCESS}`);
  });

  it('reads follow-me through the extension, and the defaults the API makes up as none', async () => {
    const { adapter } = await adapterFor([
      route('GET', '/extensions/1001', () => recorded('followme.json', 'read')),
      route('GET', '/extensions/1002', () => recorded('extension-get.json', 'no-followme-row')),
    ]);
    expect(await adapter.getFollowMe('1001')).toEqual({
      enabled: true,
      strategy: 'ringall',
      numbers: ['1001', '0612345678#'],
      ringSeconds: 20,
      preRingSeconds: 0,
      confirmCalls: false,
      noAnswerDestination: 'ext-local,1001,dest',
    });
    expect(await adapter.getFollowMe('1002')).toBeNull();
  });
});

describe('Issabel extensions: writes', () => {
  const created1003 = () => ok([{ extension: '1003', name: 'Carol', tech: 'pjsip', dial: 'PJSIP/1003', secret: 'S3cr3t-Carol', context: 'from-internal', voicemail: { enabled: 'yes', pin: '4321', email: 'carol@example.com' } }]);

  it('creates with a POST naming the number once it is free; in a batch with reload off and one apply after', async () => {
    const { adapter, server } = await adapterFor([
      inTurn('GET', '/extensions/1003', () => recorded('extension-get.json', 'unknown'), created1003),
      route('POST', '/extensions', () => recorded('extension-create.json', 'post-auto-number')),
      ...applying,
    ]);
    const carol = await adapter.batch(() =>
      adapter.createExtension('1003', {
        name: 'Carol',
        technology: 'pjsip',
        secret: 'S3cr3t-Carol',
        voicemail: true,
        email: 'carol@example.com',
        fields: { 'voicemail.pin': '4321', 'extension_options.ring_time': '25', 'recording.inbound_external': 'always' },
      }),
    );
    expect(carol).toMatchObject({ number: '1003', name: 'Carol', technology: 'pjsip', voicemail: true, email: 'carol@example.com' });
    expect(calls(server)).toEqual(['POST /authenticate', 'GET /extensions/1003', 'POST /extensions', 'GET /extensions/1003', 'GET /ringgroups', 'PUT /ringgroups/600']);
    const post = server.requests[2];
    expect(post.headers['content-type']).toBe('application/json');
    const { reload, ...body } = sent(post);
    const { reload: _, ...fixture } = flat(recordedBody('extension-create.json', 'post-auto-number'));
    // The recorded auto-numbered create, with the number named: the first gap could be a ring group's.
    expect(body).toEqual({ ...fixture, extension: '1003' });
    // "no" disables the reload whatever PHP compares it with (`0 == "true"` holds in PHP 7).
    expect(reload).toBe('no');
    expect(sent(server.requests[5])).toEqual({ name: 'Sales' });
  });

  it('refuses a number already in use: an extension without a POST, anything else by the PBX’s 409', async () => {
    const taken = await adapterFor([route('GET', '/extensions/1001', () => recorded('extension-get.json', 'existing'))]);
    expect((await rejection(taken.adapter.createExtension('1001', { name: 'Dup' }))).code).toBe('CONFLICT');
    expect(calls(taken.server)).not.toContain('POST /extensions');

    const { adapter, server } = await adapterFor([
      route('GET', '/extensions/1001', () => recorded('extension-get.json', 'unknown')),
      route('POST', '/extensions', () => recorded('extension-create.json', 'post-explicit-duplicate')),
    ]);
    const error = await rejection(adapter.createExtension('1001', { name: 'Dup' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('Extension number already in use');
    expect(sent(server.requests[2])).toMatchObject(recordedBody('extension-create.json', 'post-explicit-duplicate'));
  });

  it('maps a value the PBX refuses to the field it was typed in', async () => {
    const { adapter, server } = await adapterFor([
      route('GET', '/extensions/1010', () => recorded('extension-get.json', 'unknown')),
      route('POST', '/extensions', () => recorded('extension-create.json', 'post-invalid-enum')),
    ]);
    const error = await rejection(adapter.createExtension('1010', { name: 'Extension', fields: { 'recording.inbound_external': 'sometimes' } }));
    expect(error.code).toBe('VALIDATION');
    expect(error.details?.issues).toEqual([{ path: 'fields.recording.inbound_external', message: 'validation.invalid' }]);
    expect(error.message).toContain('Not in list of allowed values');
    expect(sent(server.requests[2])).toMatchObject(flat(recordedBody('extension-create.json', 'post-invalid-enum')));
  });

  it('refuses a technology the API would silently turn into SIP, before sending anything', async () => {
    const { adapter, server } = await adapterFor([]);
    const error = await rejection(adapter.createExtension('1010', { name: 'Web', technology: 'webrtc' }));
    expect(error.details?.issues).toEqual([{ path: 'technology', message: 'validation.invalid' }]);
    expect(server.requests).toHaveLength(0);
  });

  it('updates with everything a PUT would otherwise delete sent back: follow-me, dictation, emergency caller ID', async () => {
    const current = record1001({ extension: '1005', callerid_override: { emergency: '112', outbound: '', internal: '1005' }, dictation: { enabled: 'yes', email: 'd@example.com', format: 'ogg' } });
    const { adapter, server } = await adapterFor([route('GET', '/extensions/1005', () => ok([current])), route('PUT', '/extensions/1005', () => recorded('extension-create.json', 'put-update'))]);
    await adapter.updateExtension('1005', { name: 'Daniel R.' });
    const put = sent(server.requests.find((r) => r.method === 'PUT')!);
    expect(put).toMatchObject(flat(recordedBody('extension-create.json', 'put-update')));
    // Every follow-me field as read; an unchecked confirm_calls stays unsent, so '' is not rewritten as 'off'.
    const { confirm_calls: unchecked, ...followme } = current.followme as Json;
    expect(unchecked).toBe('no');
    expect(put).toEqual({
      name: 'Daniel R.',
      'callerid_override.emergency': '112',
      'dictation.enabled': 'yes',
      'dictation.email': 'd@example.com',
      'dictation.format': 'ogg',
      ...flat({ followme: { ...followme, extension_list: '1001-0612345678#' } }),
    });
    // Outside a batch the PUT reloads the PBX itself: no `reload` sent, no separate apply.
    expect(calls(server)).toEqual(['POST /authenticate', 'GET /extensions/1005', 'PUT /extensions/1005', 'GET /extensions/1005']);
  });

  it('sends the whole mailbox back when one field of it changes (the PBX keeps only the fields sent)', async () => {
    const { adapter, server } = await adapterFor([route('GET', '/extensions/1001', () => ok([record1001()])), route('PUT', '/extensions/1001', EMPTY_200)]);
    await adapter.updateExtension('1001', { email: 'alice@new.example' });
    const put = sent(server.requests.find((r) => r.method === 'PUT')!);
    expect(put).toMatchObject({
      'voicemail.enabled': 'yes',
      'voicemail.email': 'alice@new.example',
      'voicemail.pin': '1234',
      'voicemail.pager_email': '',
      'voicemail.options.email_attachment': 'yes',
      'voicemail.options.delete': 'no',
    });
  });

  it('refuses to change a technology the PBX keeps, or to update a number that does not exist (a PUT would create it)', async () => {
    const { adapter, server } = await adapterFor([
      route('GET', '/extensions/1001', () => ok([record1001()])),
      route('GET', '/extensions/4242', () => recorded('extension-get.json', 'unknown')),
    ]);
    expect((await rejection(adapter.updateExtension('1001', { technology: 'pjsip' }))).details?.issues).toEqual([{ path: 'technology', message: 'validation.invalid' }]);
    expect((await rejection(adapter.updateExtension('4242', { name: 'Ghost' }))).code).toBe('NOT_FOUND');
    expect(server.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('says so when the extension was deleted meanwhile and the PUT created it again', async () => {
    const { adapter, server } = await adapterFor([
      route('GET', '/extensions/1005', () => ok([record1001({ extension: '1005' })])),
      route('PUT', '/extensions/1005', () => recorded('extension-create.json', 'put-create')),
    ]);
    expect((await rejection(adapter.updateExtension('1005', { name: 'Daniel', secret: 'unaclave' }))).code).toBe('CONFLICT');
    expect(sent(server.requests.find((r) => r.method === 'PUT')!)).toMatchObject(recordedBody('extension-create.json', 'put-create'));
  });

  it('deletes several in one request with a JSON body, and reports a number that is not there without sending it', async () => {
    const list = ok(['1005', '1006'].map((extension) => ({ extension, name: `N${extension}`, tech: 'sip', dial: `SIP/${extension}`, secret: 'x', context: 'from-internal' })));
    const { adapter, server } = await adapterFor([route('GET', '/extensions', list), route('DELETE', '/extensions/1005,1006', () => recorded('extension-delete.json', 'multi'))]);
    expect(await adapter.deleteExtensions(['1005', '9999', '1006'])).toEqual([
      { id: '1005', ok: true },
      { id: '9999', ok: false, error: { code: 'NOT_FOUND', message: 'Extension 9999 does not exist' } },
      { id: '1006', ok: true },
    ]);
    const del = server.requests.find((r) => r.method === 'DELETE')!;
    expect([del.headers['content-type'], del.body.toString()]).toEqual(['application/json', '{}']);
  });

  it('after a delete the PBX stopped half-way, reports each number from what is left, and applies what was done', async () => {
    const row = (extension: string) => ({ extension, name: `N${extension}`, tech: 'sip', dial: `SIP/${extension}`, secret: 'x', context: 'from-internal' });
    const { adapter, server } = await adapterFor([
      // 4242 goes (elsewhere) between the check and the delete; 1008 comes after it in the request.
      inTurn('GET', '/extensions', () => ok([row('1007'), row('1008'), row('4242')]), () => ok([row('1008')])),
      route('DELETE', '/extensions/1007,4242,1008', () => recorded('extension-delete.json', 'partial-404')),
      ...applying,
    ]);
    const results = await adapter.deleteExtensions(['1007', '4242', '1008']);
    expect(results.map((r) => [r.id, r.ok ? 'ok' : r.error.code])).toEqual([
      ['1007', 'ok'],
      ['4242', 'ok'],
      ['1008', 'NOT_FOUND'],
    ]);
    expect(results[2]).toMatchObject({ error: { message: expect.stringContaining('was not deleted') } });
    // Apply-changes did not run for the half-done delete: the adapter runs it, once.
    expect(calls(server).filter((c) => c === 'PUT /ringgroups/600')).toHaveLength(1);
    expect(calls(server).filter((c) => c.startsWith('DELETE'))).toHaveLength(1);
  });
});

describe('Issabel follow-me, call forward and DND', () => {
  const wanted: FollowMe = { enabled: true, strategy: 'ringall', numbers: ['1001', '0612345678#'], ringSeconds: 25, preRingSeconds: 5, confirmCalls: false, noAnswerDestination: 'ext-local,1001,dest' };
  const readFollowMe = () => recordedResults('followme.json', 'read')[0];

  it('writes follow-me through the extension, its list one `-`-joined string', async () => {
    const { adapter, server } = await adapterFor([
      route('GET', '/extensions/1001', () => recorded('followme.json', 'read')),
      route('PUT', '/extensions/1001', () => recorded('followme.json', 'write-safe')),
    ]);
    await adapter.setFollowMe('1001', wanted);
    const put = sent(server.requests.find((r) => r.method === 'PUT')!);
    const { reload: _, ...fixture } = flat(recordedBody('followme.json', 'write-safe'));
    expect(put).toMatchObject(fixture);
    expect(typeof put['followme.extension_list']).toBe('string');
    // What the app does not model goes back as the PBX has it (a real PBX would default it).
    expect(put).toMatchObject({ 'followme.music_on_hold': 'Ring', 'followme.change_external_callerid': 'default', 'followme.remote_announce_id': '0' });
  });

  it('removes a follow-me by sending enabled = no, and checks the PBX has none left', async () => {
    const none = ok([{ extension: '1001', followme: { enabled: 'no', ring_time: '30', initial_ring_time: '0', extension_list: ['1001'] } }]);
    const { adapter, server } = await adapterFor([
      inTurn('GET', '/extensions/1001', () => recorded('followme.json', 'read'), () => none),
      route('PUT', '/extensions/1001', () => recorded('followme.json', 'disable')),
    ]);
    await adapter.setFollowMe('1001', null);
    const put = sent(server.requests.find((r) => r.method === 'PUT')!);
    expect(put).toMatchObject(flat(recordedBody('followme.json', 'disable')));
    expect(Object.keys(put).filter((k) => k.startsWith('followme.'))).toEqual(['followme.enabled']);
  });

  it('keeps a switched-off follow-me off: sent as on (nothing else keeps it), off again in AstDB, one apply after both', async () => {
    const off = () => ok([{ ...readFollowMe(), followme: { ...(readFollowMe().followme as Json), enabled: 'no' } }]);
    const { adapter, server } = await adapterFor([
      route('GET', '/extensions/1001', off),
      route('PUT', '/extensions/1001', EMPTY_200),
      route('GET', '/manager/dbput', json(200, { status: 'ok' })),
      ...applying,
    ]);
    await adapter.setFollowMe('1001', { ...wanted, enabled: false });
    expect(calls(server).slice(-6)).toEqual(['GET /extensions/1001', 'PUT /extensions/1001', 'GET /manager/dbput', 'GET /ringgroups', 'PUT /ringgroups/600', 'GET /extensions/1001']);
    const put = server.requests.find((r) => r.method === 'PUT' && r.path.includes('extensions'))!;
    expect(sent(put)).toMatchObject({ 'followme.enabled': 'yes', reload: 'no' });
    expect(Object.fromEntries(server.requests.find((r) => r.path.endsWith('/dbput'))!.query)).toEqual({ family: 'AMPUSER/1001/followme', key: 'ddial', value: 'EXTENSION' });
  });

  it('refuses numbers the PBX would split or store broken, before sending anything', async () => {
    const { adapter, server } = await adapterFor([]);
    for (const numbers of [['0612-345678'], ['101, 105'], []]) {
      const error = await rejection(adapter.setFollowMe('1001', { ...wanted, numbers }));
      expect(error.code).toBe('VALIDATION');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('reads call forward and DND from the AstDB families the feature codes use', async () => {
    const { adapter, server } = await adapterFor([
      route('GET', '/manager/dbget', () => recorded('manager.json', 'dbget'), (r) => r.query.get('family') === 'CF'),
      route('GET', '/manager/dbget', json(200, { result: 'YES' }), (r) => r.query.get('family') === 'DND'),
      route('GET', '/manager/dbget', json(200, { result: '' })),
    ]);
    expect(await adapter.getCallForward('1001')).toEqual({ always: '0612345678', busy: null, noAnswer: null, dnd: true });
    const asked = server.requests.filter((r) => r.path.endsWith('/dbget')).map((r) => `${r.query.get('family')}/${r.query.get('key')}`);
    expect(asked.sort()).toEqual(['CF/1001', 'CFB/1001', 'CFU/1001', 'DND/1001']);
  });

  it('writes only what differs from the PBX, with dbput', async () => {
    const { adapter, server } = await adapterFor([
      route('GET', '/extensions/1001', () => ok([record1001()])),
      route('GET', '/manager/dbget', json(200, { result: '' })),
      route('GET', '/manager/dbput', () => recorded('followme.json', 'call-forward-via-manager')),
    ]);
    await adapter.setCallForward('1001', { always: '0612345678', busy: null, noAnswer: null, dnd: false });
    const writes = server.requests.filter((r) => /\/manager\/db(put|del)$/.test(r.path));
    expect(writes.map((r) => Object.fromEntries(r.query))).toEqual([exchange('issabel', 'followme.json', 'call-forward-via-manager').request.query]);
  });

  it('refuses a forward number that would break the API’s hand-built JSON, before sending anything', async () => {
    const { adapter, server } = await adapterFor([]);
    const error = await rejection(adapter.setCallForward('1001', { always: '06"12', busy: null, noAnswer: null, dnd: false }));
    expect(error.details?.issues).toEqual([{ path: 'always', message: 'validation.dialNumber' }]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('Issabel ring groups', () => {
  const sales: RingGroup = { number: '600', name: 'Sales', strategy: 'ringall', members: ['1001', '1002'], ringSeconds: 20, noAnswerDestination: 'app-blackhole,hangup,1' };

  it('lists ring groups, reading each in full for its ring time and destination', async () => {
    const { adapter, server } = await adapterFor([route('GET', '/ringgroups', () => recorded('ringgroups.json', 'list')), route('GET', '/ringgroups/600', () => recorded('ringgroups.json', 'get'))]);
    expect(await adapter.listRingGroups()).toEqual([sales]);
    expect(calls(server).slice(1)).toEqual(['GET /ringgroups', 'GET /ringgroups/600']);
  });

  it('creates a group the PBX numbers, reading the number from the Location', async () => {
    const support = () => ok([{ ...recordedResults('ringgroups.json', 'get')[0], id: '601', extension: '601', name: 'Support', strategy: 'hunt', ring_time: '30', extension_list: ['1003', '1004'] }]);
    const { adapter, server } = await adapterFor([route('POST', '/ringgroups', () => recorded('ringgroups.json', 'create')), route('GET', '/ringgroups/601', support)]);
    const created = await adapter.createRingGroup({ number: '', name: 'Support', strategy: 'hunt', members: ['1003', '1004'], ringSeconds: 30, noAnswerDestination: null });
    expect(created).toMatchObject({ number: '601', name: 'Support', strategy: 'hunt', members: ['1003', '1004'], ringSeconds: 30 });
    const post = server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/ringgroups'))!;
    expect(post.headers['content-type']).toBe('application/json');
    expect(sent(post)).toEqual(recordedBody('ringgroups.json', 'create'));
  });

  it('maps a refused ring time to the ring time the person typed', async () => {
    const { adapter, server } = await adapterFor([route('POST', '/ringgroups', () => recorded('ringgroups.json', 'create-bad-ringtime'))]);
    const error = await rejection(adapter.createRingGroup({ number: '', name: '', strategy: 'ringall', members: ['1003'], ringSeconds: 500, noAnswerDestination: null }));
    expect(error.code).toBe('VALIDATION');
    expect(error.details?.issues).toEqual([{ path: 'ringSeconds', message: 'validation.invalid' }]);
    expect(sent(server.requests[1])).toMatchObject(recordedBody('ringgroups.json', 'create-bad-ringtime'));
  });

  it('updates only a group that exists: NOT_FOUND before any PUT, or from a PUT that found it gone (PUT never creates)', async () => {
    const { adapter, server } = await adapterFor([
      route('GET', '/ringgroups/699', () => recorded('ringgroups.json', 'get-404')),
      route('GET', '/ringgroups/650', () => ok([{ ...recordedResults('ringgroups.json', 'get')[0], id: '650', extension: '650' }])),
      route('PUT', '/ringgroups/650', () => recorded('ringgroups.json', 'put-unknown')),
    ]);
    expect((await rejection(adapter.updateRingGroup({ ...sales, number: '699' }))).code).toBe('NOT_FOUND');
    expect(calls(server)).not.toContain('PUT /ringgroups/699');
    expect((await rejection(adapter.updateRingGroup({ ...sales, number: '650', name: 'New' }))).code).toBe('NOT_FOUND');
    expect(sent(server.requests.find((r) => r.method === 'PUT')!)).toMatchObject(recordedBody('ringgroups.json', 'put-unknown'));
  });

  it('deletes with a JSON body, which the controller insists on', async () => {
    const { adapter, server } = await adapterFor([route('DELETE', '/ringgroups/600', () => recorded('ringgroups.json', 'delete-ok'))]);
    await adapter.deleteRingGroup('600');
    const del = server.requests[1];
    expect([del.headers['content-type'], del.body.toString()]).toEqual(['application/json', '{}']);
  });
});

describe('Issabel system answers', () => {
  it('reports the PBX reachable while the API reaches Asterisk, and not when it says it cannot', async () => {
    const up = await adapterFor([route('GET', '/manager/queuestatus', json(200, []))]);
    expect(await up.adapter.health()).toEqual({ reachable: true, uptime: null, load: null, disks: [] });
    // manager/* says "cannot reach AMI" the same way for every action.
    const down = await adapterFor([route('GET', '/manager/queuestatus', () => recorded('manager.json', 'ami-down'))]);
    expect((await down.adapter.health()).reachable).toBe(false);
  });

  it('says the API cannot reach Asterisk, and never repeats the AMI password the API puts in its error', async () => {
    const { adapter } = await adapterFor([route('GET', '/extensions', () => recorded('manager.json', 'resource-controller-ami-down'))]);
    const error = await rejection(adapter.listExtensions());
    expect([error.code, error.message]).toEqual(['PBX_ERROR', expect.stringContaining('cannot reach its Asterisk manager')]);

    const leaky = json(500, { status: 'error', errors: [{ status: '500', source: 'Asterisk Manager', detail: 'Authentication failed', verbose: 'localhost,admin,S3cretAmi!' }] });
    const second = await adapterFor([route('GET', '/extensions', leaky)]);
    const refused = await rejection(second.adapter.listExtensions());
    expect(refused.message).toContain('Authentication failed');
    expect(JSON.stringify([refused.message, refused.details])).not.toContain('S3cretAmi!');
  });

  it('says when the address answers but is no Issabel API', async () => {
    const apache = { status: 404, headers: { 'Content-Type': 'text/html; charset=iso-8859-1' }, body: '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head><title>404 Not Found</title></head></html>' };
    const { adapter } = await adapterFor([route('POST', '/authenticate', apache)]);
    const error = await rejection(adapter.connect());
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('/pbxapi');
  });
});

/** Recorded exchanges the adapter deliberately never makes, and why. */
const UNUSED: Record<string, string> = {
  'auth.json#login-json': 'the form login works on every generation; JSON logins exist only since 2022',
  'auth.json#missing-authorization': 'the adapter always sends its token; a refused token is replayed with invalid-token',
  'extension-create.json#post-bad-json': 'the adapter only sends JSON it encoded itself',
  'extension-create.json#post-with-id': 'creation names the number in the body; a number in the path is a PUT, which would update an existing extension',
  'extensions-list.json#gen-BC-with-fields': 'the list keeps the default fields; one extension’s details come from GET /extensions/{ext}',
  'extensions-list.json#search': 'the app looks extensions up by number',
  'manager.json#status-live-calls': 'live calls come from the site’s AMI link (calls.live is ami)',
  'manager.json#extensionstate': 'presence comes from AMI: this answers one extension per request, each an AMI session on the PBX',
  'manager.json#originate': 'calls are placed through the site’s AMI link; this originate blocks the HTTP call until the phone answers',
  'manager.json#originate-fail': 'as above',
  'manager.json#hangup': 'hangups go through the site’s AMI link',
  'manager.json#unknown-action': 'the adapter calls only actions it knows',
  'ringgroups.json#create-missing-list': 'an empty member list is refused before sending (validation.followMe.empty)',
  'ringgroups.json#delete-no-body': 'the adapter always sends {} (delete-ok), which is how it avoids this 400',
  'queues-trunks.json#queues': 'queues are not part of the adapter interface',
  'queues-trunks.json#trunks': 'trunks are not part of the adapter interface (and carry their secrets in clear)',
  'alldestinations.json#': 'destinations stay as the PBX names them; nothing in the app picks one yet',
};

afterAll(() => {
  // Every recorded exchange was replayed or is listed above with its reason.
  const files = ['alldestinations.json', 'auth.json', 'extension-create.json', 'extension-delete.json', 'extension-get.json', 'extensions-list.json', 'followme.json', 'manager.json', 'queues-trunks.json', 'ringgroups.json'];
  const all = files.flatMap((file) => loadExchanges('issabel', file).map((e) => `${file}#${e.name ?? ''}`));
  expect(all.filter((id) => !covered.has(id) && !(id in UNUSED))).toEqual([]);
  expect(Object.keys(UNUSED).filter((id) => covered.has(id) || !all.includes(id))).toEqual([]);
});
