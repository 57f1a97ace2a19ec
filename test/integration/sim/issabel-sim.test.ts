import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { followMeEnabled, startIssabelSimulator, type IssabelSimOptions, type IssabelSimulator } from '../../../src-main/sim/issabel/index.js';

/*
 * The Issabel pbxapi simulator against what vendors/issabel.md says the real API does, over real
 * sockets: JWT login/expiry/renewal, the extension and ring-group resources with their traps
 * (follow-me wiped by any PUT without followme.enabled, PUT that does not create ring groups,
 * multi-delete without rollback), the manager/* AMI gateway, the generation differences, and a
 * replay of every exchange in vendors/fixtures/issabel compared by status and shape.
 */

const FIXTURES = new URL('../../../../shared/vendors/fixtures/issabel/', import.meta.url);
const PASSWORD = 'amp111';

interface Reply {
  status: number;
  statusText: string;
  type: string | null;
  location: string | null;
  text: string;
  /** The body as JSON.parse gives it, walked freely by the assertions. */
  json: () => ReturnType<typeof JSON.parse>;
}

interface SendOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** JSON-encoded with Content-Type application/json. */
  json?: unknown;
  /** Sent as raw bytes, with only the headers given. */
  raw?: string;
  form?: Record<string, string>;
}

const sims: IssabelSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

function clock(start = 1_700_000_000_000) {
  const c = { ms: start, nowMs: () => c.ms, advance: (seconds: number) => void (c.ms += seconds * 1000) };
  return c;
}

async function start(options: IssabelSimOptions = {}): Promise<IssabelSimulator> {
  const sim = await startIssabelSimulator({ reloadDelayMs: 5, originateAnswerMs: 30, ...options });
  sims.push(sim);
  return sim;
}

async function send(sim: IssabelSimulator, method: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const url = new URL(`${sim.apiUrl}${path}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { ...options.headers };
  let body: Uint8Array | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = Buffer.from(JSON.stringify(options.json));
  } else if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = Buffer.from(new URLSearchParams(options.form).toString());
  } else if (options.raw !== undefined) {
    body = Buffer.from(options.raw);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return { status: res.status, statusText: res.statusText, type: res.headers.get('content-type'), location: res.headers.get('location'), text, json: () => JSON.parse(text) };
}

async function login(sim: IssabelSimulator): Promise<{ access: string; refresh: string }> {
  const res = await send(sim, 'POST', '/authenticate', { form: { user: 'admin', password: PASSWORD } });
  expect(res.status).toBe(200);
  const body = res.json();
  return { access: body.access_token, refresh: body.refresh_token };
}

/** A logged-in client: `api('GET', '/extensions')`. */
async function client(sim: IssabelSimulator) {
  const { access } = await login(sim);
  return (method: string, path: string, options: SendOptions = {}) =>
    send(sim, method, path, { ...options, headers: { Authorization: `Bearer ${access}`, ...options.headers } });
}

function payload(token: string): { iat: number; exp: number; data: unknown } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** Every scalar leaf of a decoded JSON value. */
function leaves(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [value];
}

describe('Issabel simulator: authentication', () => {
  it('logs in only `admin` with the AMI admin password and issues HS256 tokens of 1 h and 2 h', async () => {
    const c = clock();
    const sim = await start({ extensions: 3, nowMs: c.nowMs, generation: 'C' });
    const form = await send(sim, 'POST', '/authenticate', { form: { user: 'admin', password: PASSWORD } });
    expect(form.status).toBe(200);
    expect(form.type).toBe('application/json');
    const body = form.json();
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(body.expires_in).toBe(3600);
    expect(JSON.parse(Buffer.from(body.access_token.split('.')[0], 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'HS256' });
    expect(payload(body.access_token)).toEqual({ iat: 1_700_000_000, exp: 1_700_003_600, data: { name: 'admin' } });
    expect(payload(body.refresh_token)).toEqual({ iat: 1_700_000_000, exp: 1_700_007_200, data: [] });

    const json = await send(sim, 'POST', '/authenticate', { json: { username: 'admin', password: PASSWORD } });
    expect(json.status).toBe(200);
    for (const [user, password] of [['admin', 'wrong'], ['root', PASSWORD], ['Admin', PASSWORD]]) {
      const refused = await send(sim, 'POST', '/authenticate', { form: { user: user!, password: password! } });
      expect(refused.status).toBe(403);
      expect(refused.statusText).toBe('Forbidden');
      expect(refused.text).toBe('');
    }
    expect((await send(sim, 'PUT', '/authenticate', { form: { user: 'admin', password: PASSWORD } })).status).toBe(403);
  });

  it('answers 403 with an empty body for a missing, forged or garbled token, and ignores the scheme word', async () => {
    const sim = await start({ extensions: 3 });
    const { access } = await login(sim);
    const missing = await send(sim, 'GET', '/extensions');
    expect([missing.status, missing.statusText, missing.text]).toEqual([403, 'Unauthorized', '']);
    const [head, body] = access.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...payload(access), exp: 1e12 })).toString('base64url');
    for (const header of ['Bearer garbage', `Bearer ${head}.${forgedBody}.${access.split('.')[2]}`, `Bearer  ${access}`, access, `Bearer ${head}.${body}.`]) {
      const res = await send(sim, 'GET', '/extensions', { headers: { Authorization: header } });
      expect(res.status, header).toBe(403);
      expect(res.text).toBe('');
    }
    const anyScheme = await send(sim, 'GET', '/extensions', { headers: { authorization: `Token ${access}` } });
    expect(anyScheme.status).toBe(200);
  });

  it('answers an expired token with HTTP 200 {"status": "expired"} as text/html, and a long-dead one with a 500 page', async () => {
    const c = clock();
    const sim = await start({ extensions: 3, nowMs: c.nowMs });
    const api = await client(sim);
    c.advance(3599);
    expect((await api('GET', '/extensions')).json().status).toBe('success');
    c.advance(1);
    const expired = await api('GET', '/extensions');
    expect(expired.status).toBe(200);
    expect(expired.type).toBe('text/html; charset=UTF-8');
    expect(expired.text).toBe('{"status": "expired"}');
    c.advance(720_000);
    const dead = await api('GET', '/extensions');
    expect(dead.status).toBe(500);
    expect(dead.type).toContain('text/html');
  });

  it('takes the token lifetime from the options', async () => {
    const c = clock();
    const sim = await start({ extensions: 3, nowMs: c.nowMs, tokenLifetimeS: 5 });
    const res = await send(sim, 'POST', '/authenticate', { form: { user: 'admin', password: PASSWORD } });
    expect(res.json().expires_in).toBe(5);
    const api = await client(sim);
    c.advance(5);
    expect((await api('GET', '/ringgroups')).text).toBe('{"status": "expired"}');
  });

  it('renews with refresh + access token (refresh then lives 24 h), and reports an expired refresh token', async () => {
    const c = clock();
    const sim = await start({ extensions: 3, nowMs: c.nowMs });
    const first = await login(sim);
    c.advance(4000);
    const renewed = await send(sim, 'GET', '/authenticate/renewtoken', { query: { refresh_token: first.refresh, access_token: first.access } });
    expect(renewed.status).toBe(200);
    const body = renewed.json();
    expect(body.status).toBe('authorized');
    expect(body.expires_in).toBe(3600);
    expect(payload(body.refresh_token).exp - payload(body.refresh_token).iat).toBe(86_400);
    expect(payload(body.access_token).data).toEqual({ name: 'admin' });
    const ok = await send(sim, 'GET', '/extensions', { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(ok.json().status).toBe('success');

    // The refresh token's failure is swallowed unless it is expiry: the access token alone renews.
    const noRefresh = await send(sim, 'GET', '/authenticate/anything', { query: { refresh_token: 'garbage', access_token: first.access } });
    expect(noRefresh.json().status).toBe('authorized');
    const unauthorized = await send(sim, 'GET', '/authenticate/renewtoken', { query: { refresh_token: body.refresh_token, access_token: 'garbage' } });
    expect(unauthorized.text).toBe('{"status": "unauthorized"}');
    c.advance(7200);
    const stale = await send(sim, 'GET', '/authenticate/renewtoken', { query: { refresh_token: first.refresh, access_token: first.access } });
    expect(stale.status).toBe(200);
    expect(stale.text).toBe('{"status": "expired", "type": "refresh"}');
  });

  it('signs with the key every Gen A/B box shares, but with a per-install secret on Gen C', async () => {
    const b1 = await start({ extensions: 2, generation: 'B' });
    const b2 = await start({ extensions: 2, generation: 'B' });
    const c1 = await start({ extensions: 2, generation: 'C' });
    const c2 = await start({ extensions: 2, generation: 'C' });
    const fromB1 = (await login(b1)).access;
    const fromC1 = (await login(c1)).access;
    expect((await send(b2, 'GET', '/ringgroups', { headers: { Authorization: `Bearer ${fromB1}` } })).status).toBe(200);
    expect((await send(c2, 'GET', '/ringgroups', { headers: { Authorization: `Bearer ${fromC1}` } })).status).toBe(403);
    const secret = Buffer.alloc(32, 7).toString('base64');
    const c3 = await start({ extensions: 2, jwtSecret: secret });
    const c4 = await start({ extensions: 2, jwtSecret: secret });
    expect((await send(c4, 'GET', '/ringgroups', { headers: { Authorization: `Bearer ${(await login(c3)).access}` } })).status).toBe(200);
    const broken = await start({ extensions: 2, generation: 'C', jwtSecret: null });
    expect((await send(broken, 'POST', '/authenticate', { form: { user: 'admin', password: PASSWORD } })).status).toBe(500);
  });
});

describe('Issabel simulator: extensions', () => {
  it('lists every extension with six string fields and its secret in clear, virtual ones with empty device fields', async () => {
    const sim = await start({ extensions: 60 });
    const api = await client(sim);
    const res = await api('GET', '/extensions');
    expect(res.type).toBe('application/json;charset=utf-8');
    expect(res.text).toContain('"dial":"SIP\\/');
    const body = res.json();
    expect(body.status).toBe('success');
    expect(body.results).toHaveLength(60);
    for (const item of body.results) {
      expect(Object.keys(item)).toEqual(['extension', 'name', 'tech', 'dial', 'secret', 'context']);
      expect(leaves(item).every((v) => typeof v === 'string')).toBe(true);
      const truth = sim.state.extensions.get(item.extension)!;
      expect(item.name).toBe(truth.users.name);
      if (item.tech === 'virtual') expect([item.dial, item.secret, item.context]).toEqual(['', '', '']);
      else expect(item.secret).toBe(truth.device.secret);
    }
    expect(body.results.some((i: { tech: string }) => i.tech === 'virtual')).toBe(true);
    expect(body.results.some((i: { tech: string }) => i.tech === 'pjsip')).toBe(true);

    const withFields = (await api('GET', '/extensions', { query: { fields: 'followme.enabled,voicemail.enabled' } })).json().results;
    for (const item of withFields) {
      expect(Object.keys(item).sort()).toEqual(['context', 'dial', 'extension', 'followme', 'name', 'secret', 'tech', 'voicemail']);
      expect(item.followme).toEqual({ enabled: followMeEnabled(sim.state, item.extension) ? 'yes' : 'no' });
    }
  });

  it('returns one extension as a nested record, and an unknown number as 200 with no results', async () => {
    const sim = await start({ extensions: 5, firstExtension: 1001 });
    const api = await client(sim);
    const one = (await api('GET', '/extensions/1001')).json().results;
    expect(one).toHaveLength(1);
    expect(one[0].extension).toBe('1001');
    expect(Array.isArray(one[0].followme.extension_list)).toBe(true);
    expect(one[0].extension_options.ring_time).toBe('0');
    const unknown = await api('GET', '/extensions/9999');
    expect(unknown.status).toBe(200);
    expect(unknown.json()).toEqual({ status: 'success', results: [] });
  });

  it('searches by dial pattern on the number or by name, case- and accent-insensitively', async () => {
    const sim = await start({ extensions: 30, firstExtension: 100 });
    const api = await client(sim);
    const pattern = (await api('GET', '/extensions/search/11x')).json().results.map((r: { extension: string }) => r.extension);
    const expected = [...sim.state.extensions.values()].filter((e) => /^11\d$/.test(e.extension) && e.tech !== 'virtual').map((e) => e.extension);
    expect(pattern.sort()).toEqual(expected.sort());
    const someone = [...sim.state.extensions.values()].find((e) => e.tech !== 'virtual')!;
    const last = someone.users.name.split(' ')[1]!;
    const folded = last.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase();
    const byName = (await api('GET', `/extensions/search/${encodeURIComponent(folded)}`)).json().results;
    expect(byName.map((r: { extension: string }) => r.extension)).toContain(someone.extension);
  });

  it('creates with POST (first gap, 201 + Location) and reloads unless the body says not to', async () => {
    const sim = await start({ extensions: 4, firstExtension: 1001 });
    const api = await client(sim);
    sim.state.extensions.delete('1003');
    const created = await api('POST', '/extensions', { json: { name: 'Carol', tech: 'pjsip', voicemail: { enabled: 'yes', pin: '4321', email: 'carol@example.com' } } });
    expect(created.status).toBe(201);
    expect(created.text).toBe('');
    expect(created.location).toBe(`${sim.apiUrl}/extensions/1003`);
    expect(sim.state.reloads).toBe(1);
    const carol = (await api('GET', '/extensions/1003')).json().results[0];
    expect([carol.name, carol.tech, carol.dial, carol.voicemail.enabled, carol.voicemail.pin]).toEqual(['Carol', 'pjsip', 'PJSIP/1003', 'yes', '4321']);
    expect(carol.secret).toMatch(/^[0-9a-zA-Z]{32}$/);

    const quiet = await api('POST', '/extensions', { json: { name: 'Quiet', reload: 'false' } });
    expect(quiet.location).toBe(`${sim.apiUrl}/extensions/1005`);
    expect(sim.state.reloads).toBe(1);
    expect(sim.state.pendingChanges).toBe(true);
    await api('POST', '/extensions', { json: { name: 'Loud', reload: 'true' } });
    expect(sim.state.reloads).toBe(2);
    expect(sim.state.pendingChanges).toBe(false);

    // An unknown tech is silently made sip; the Location carries the query string before the number.
    const odd = await api('POST', '/extensions', { json: { extension: '1100', tech: 'skinny' }, query: { x: '1' } });
    expect(odd.location).toBe(`${sim.apiUrl}/extensions?x=1/1100`);
    expect(sim.state.extensions.get('1100')!.tech).toBe('sip');
    expect(sim.state.extensions.get('1100')!.users.name).toBe('Extension');
  });

  it('refuses a taken number, bad values, bad JSON and an id on POST with the Gen B/C error envelope', async () => {
    const sim = await start({ extensions: 4, firstExtension: 1001, ringGroups: 1 });
    const api = await client(sim);
    const dup = await api('POST', '/extensions', { json: { extension: '600', name: 'Clash' } });
    expect([dup.status, dup.statusText]).toEqual([409, 'Conflict']);
    expect(dup.json()).toEqual({ status: 'fail', errors: [{ status: '409', detail: 'Extension number already in use' }] });
    const bad = await api('POST', '/extensions', {
      json: { extension: '1010', recording: { inbound_external: 'sometimes' }, device_options: { transport: 'udp,sctp', permit_acl: '10.0.0.0/24' } },
    });
    expect([bad.status, bad.statusText]).toEqual([422, 'Unprocessabel Entity']);
    expect(bad.json().errors).toEqual([
      { status: '422', source: 'recording.inbound_external', detail: 'Not in list of allowed values' },
      { status: '422', source: 'device_options.transport', detail: 'Allowed transports: wss,ws,udp,tcp and tls' },
      { status: '422', source: 'device_options.permit_acl', detail: 'Not a valid IP address or Mask' },
    ]);
    expect(sim.state.extensions.has('1010')).toBe(false);
    const broken = await api('POST', '/extensions', { raw: '{name:', headers: { 'Content-Type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.json()).toEqual({ status: 'fail', errors: [{ status: '400', detail: 'Could not decode JSON', code: 4 }] });
    const withId = await api('POST', '/extensions/1010', { json: {} });
    expect(withId.status).toBe(400);
    expect(withId.json().errors[0].detail).toMatch(/^We refuse to insert a record if a resource id is passed/);
    expect(sim.state.reloads).toBe(0);
  });

  it('creates with PUT (201, Location = the request URL) and updates with PUT (200, no body)', async () => {
    const sim = await start({ extensions: 4, firstExtension: 1001 });
    const api = await client(sim);
    const created = await api('PUT', '/extensions/1005', { json: { name: 'Daniel', secret: 'unaclave' } });
    expect(created.status).toBe(201);
    expect(created.location).toBe(`${sim.apiUrl}/extensions/1005`);
    expect(sim.state.extensions.get('1005')!.device.secret).toBe('unaclave');
    const updated = await api('PUT', '/extensions/1005', { json: { name: 'Daniel R.', tech: 'iax2' } });
    expect([updated.status, updated.text, updated.location]).toEqual([200, '', null]);
    const daniel = (await api('GET', '/extensions/1005')).json().results[0];
    expect([daniel.name, daniel.tech, daniel.secret]).toEqual(['Daniel R.', 'sip', 'unaclave']);
    expect(sim.state.reloads).toBe(2);
  });

  it('wipes follow-me on any PUT that does not send followme.enabled=yes, and keeps it when it does', async () => {
    const sim = await start({ extensions: 4, firstExtension: 1001 });
    const api = await client(sim);
    const enable = { followme: { enabled: 'yes', strategy: 'ringallv2', ring_time: '25', extension_list: '1001-0612345678#' } };
    expect((await api('PUT', '/extensions/1001', { json: enable })).status).toBe(200);
    let fm = (await api('GET', '/extensions/1001')).json().results[0].followme;
    expect([fm.enabled, fm.ring_time, fm.extension_list]).toEqual(['yes', '25', ['1001', '0612345678#']]);
    expect(followMeEnabled(sim.state, '1001')).toBe(true);

    // The trap: renaming alone deletes the whole follow-me configuration.
    await api('PUT', '/extensions/1001', { json: { name: 'Renamed' } });
    fm = (await api('GET', '/extensions/1001')).json().results[0].followme;
    expect(fm).toEqual({ enabled: 'no', ring_time: '30', initial_ring_time: '0', extension_list: ['1001'] });
    expect(sim.state.followme.has('1001')).toBe(false);
    expect(sim.state.astdb.has('AMPUSER/1001/followme/ddial')).toBe(false);

    // Re-sending followme.enabled keeps the rest of the row as it was.
    await api('PUT', '/extensions/1001', { json: enable });
    await api('PUT', '/extensions/1001', { json: { name: 'Renamed again', followme: { enabled: 'yes' } } });
    fm = (await api('GET', '/extensions/1001')).json().results[0].followme;
    expect([fm.enabled, fm.ring_time, fm.extension_list]).toEqual(['yes', '25', ['1001', '0612345678#']]);
    expect(sim.state.extensions.get('1001')!.users.name).toBe('Renamed again');
  });

  it('stores only the first number of a follow-me list sent as an array', async () => {
    const sim = await start({ extensions: 4, firstExtension: 1001 });
    const api = await client(sim);
    await api('PUT', '/extensions/1002', { json: { followme: { enabled: 'yes', extension_list: ['1002', '0699999999#'] } } });
    expect(sim.state.followme.get('1002')!.grplist).toBe('1002');
    await api('PUT', '/extensions/1002', { json: { followme: { enabled: 'yes' }, parameters: { grplist: ['1002', '0699999999#'] } } });
    expect(sim.state.followme.get('1002')!.grplist).toBe('1002-0699999999#');
  });

  it('deletes a comma list one by one: an unknown id answers 404 after the earlier ones are gone', async () => {
    const sim = await start({ extensions: 8, firstExtension: 1001 });
    const api = await client(sim);
    const partial = await api('DELETE', '/extensions/1007,4242,1008', { json: {} });
    expect(partial.status).toBe(404);
    expect(partial.json()).toEqual({ status: 'fail', errors: [{ status: '404', detail: 'Could not find a record to delete' }] });
    expect(sim.state.extensions.has('1007')).toBe(false);
    expect(sim.state.extensions.has('1008')).toBe(true);
    expect(sim.state.astdb.has('AMPUSER/1007/cidnum')).toBe(false);
    expect(sim.state.reloads).toBe(0);
    expect(sim.state.pendingChanges).toBe(true);

    const ok = await api('DELETE', '/extensions/1005,1006', { json: { reload: 0 } });
    expect([ok.status, ok.text]).toEqual([200, '']);
    expect(sim.state.extensions.has('1005') || sim.state.extensions.has('1006')).toBe(false);
    // A DELETE cannot skip apply-changes in B/C: the body is not even read.
    expect(sim.state.reloads).toBe(1);
    expect((await api('DELETE', '/extensions/1004')).status).toBe(200);
  });

  it('keeps the seed\'s `ringtimer` in the users column only, so GET shows a ring time AstDB never got', async () => {
    const sim = await start({ extensions: 3, firstExtension: 1001 });
    const api = await client(sim);
    await api('PUT', '/extensions/1050', { json: { name: 'Seed style', ringtimer: '45', voicemail: 'default' } });
    const rec = (await api('GET', '/extensions/1050')).json().results[0];
    expect(rec.extension_options.ring_time).toBe('45');
    expect(rec.voicemail.enabled).toBe('no');
    expect((await api('GET', '/manager/dbget', { query: { family: 'AMPUSER/1050', key: 'ringtimer' } })).json()).toEqual({ result: '0' });
  });
});

describe('Issabel simulator: ring groups', () => {
  it('lists, gets, creates, updates and deletes ring groups; PUT never creates one', async () => {
    const sim = await start({ extensions: 6, firstExtension: 1001, ringGroups: 1 });
    const api = await client(sim);
    const list = (await api('GET', '/ringgroups')).json().results;
    expect(list.map((g: { id: string }) => g.id)).toEqual(['600']);
    expect(Object.keys(list[0])).toEqual(['id', 'name', 'extension', 'extension_list', 'strategy', 'change_callerid', 'fixed_callerid']);
    expect(Array.isArray(list[0].extension_list)).toBe(true);

    const created = await api('POST', '/ringgroups', { json: { name: 'Support', strategy: 'hunt', ring_time: '30', extension_list: ['1003', '1004'], confirm_calls: 'yes' } });
    expect(created.status).toBe(201);
    expect(created.location).toBe(`${sim.apiUrl}/ringgroups/601`);
    const support = (await api('GET', '/ringgroups/601')).json().results[0];
    expect([support.name, support.strategy, support.ring_time, support.extension_list, support.confirm_calls]).toEqual(['Support', 'hunt', '30', ['1003', '1004'], 'yes']);

    const ghost = await api('PUT', '/ringgroups/650', { json: { name: 'New', extension_list: ['1001'] } });
    expect(ghost.status).toBe(404);
    expect(ghost.json().errors[0].detail).toBe('Could not find a record to update');
    expect(sim.state.ringGroups.has('650')).toBe(false);
    expect((await api('GET', '/ringgroups/650')).json()).toEqual({ status: 'fail', errors: [{ status: '404', detail: 'Record not found' }] });

    const renamed = await api('PUT', '/ringgroups/601', { json: { name: 'Helpdesk', change_callerid: 'fixed', fixed_callerid: '5551234' } });
    expect(renamed.status).toBe(200);
    const helpdesk = (await api('GET', '/ringgroups/601')).json().results[0];
    expect([helpdesk.name, helpdesk.change_callerid, helpdesk.fixed_callerid, helpdesk.strategy]).toEqual(['Helpdesk', 'fixed', '5551234', 'hunt']);

    const noBody = await api('DELETE', '/ringgroups/600');
    expect(noBody.status).toBe(400);
    expect(noBody.json().errors).toEqual([{ status: '400', detail: 'Could not decode JSON', code: 4 }]);
    expect(sim.state.ringGroups.has('600')).toBe(true);
    const reloads = sim.state.reloads;
    expect((await api('DELETE', '/ringgroups/600,601', { json: { reload: 0 } })).status).toBe(200);
    expect(sim.state.ringGroups.size).toBe(0);
    expect(sim.state.astdb.has('RINGGROUP/601/changecid')).toBe(false);
    expect(sim.state.reloads).toBe(reloads);
  });

  it('validates ring groups and reads JSON only under exactly `application/json`', async () => {
    const sim = await start({ extensions: 4, firstExtension: 1001, ringGroups: 1 });
    const api = await client(sim);
    const missing = await api('POST', '/ringgroups', { json: { name: 'X' } });
    expect(missing.status).toBe(422);
    expect(missing.json().errors).toEqual([{ status: '422', source: 'extension_list', detail: 'Required field missing' }]);
    const bad = await api('POST', '/ringgroups', { json: { extension_list: ['1003'], ring_time: '500', strategy: 'random' } });
    expect(bad.json().errors).toEqual([
      { status: '422', source: 'strategy', detail: 'Not in list of allowed values' },
      { status: '422', source: 'ring_time', detail: 'Valid range: 1-300' },
    ]);
    const charset = await api('POST', '/ringgroups', { json: { extension_list: ['1003'] }, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    expect(charset.status).toBe(422);
    const taken = await api('POST', '/ringgroups', { json: { extension: '1002', extension_list: ['1003'] } });
    expect(taken.status).toBe(409);
    expect(sim.state.ringGroups.size).toBe(1);
  });
});

describe('Issabel simulator: manager gateway', () => {
  it('round-trips call forward and DND through AstDB with dbput, dbget and dbdel', async () => {
    const sim = await start({ extensions: 4, firstExtension: 1001 });
    const api = await client(sim);
    sim.state.astdb.delete('CF/1001');
    expect((await api('GET', '/manager/dbget', { query: { family: 'CF', key: '1001' } })).text).toBe('{"result":""}');
    const put = await api('GET', '/manager/dbput', { query: { family: 'CF', key: '1001', value: '0612345678' } });
    expect([put.status, put.type, put.text]).toEqual([200, 'application/json', '{"status":"ok"}']);
    expect(sim.state.astdb.get('CF/1001')).toBe('0612345678');
    expect((await api('GET', '/manager/dbget', { query: { family: 'CF', key: '1001' } })).json()).toEqual({ result: '0612345678' });
    expect((await api('POST', '/manager/dbput', { form: { family: 'DND', key: '1002', value: 'YES' } })).text).toBe('{"status":"ok"}');
    expect(sim.state.astdb.get('DND/1002')).toBe('YES');
    expect((await api('GET', '/manager/dbdel', { query: { family: 'CF', key: '1001' } })).text).toBe('{"status":"ok"}');
    expect(sim.state.astdb.has('CF/1001')).toBe(false);
    expect((await api('GET', '/manager/dbdel', { query: { family: 'CF', key: '1001' } })).text).toBe('{"status":"error"}');
    // The value travels by string concatenation: a quote breaks the JSON.
    await api('GET', '/manager/dbput', { query: { family: 'CF', key: '1003', value: 'say "hi"' } });
    const quoted = await api('GET', '/manager/dbget', { query: { family: 'CF', key: '1003' } });
    expect(quoted.text).toBe('{"result":"say "hi""}');
    expect(() => quoted.json()).toThrow();
    // Follow-me read through GET follows AstDB too.
    await api('GET', '/manager/dbput', { query: { family: 'AMPUSER', key: '1004/followme/ddial', value: 'DIRECT' } });
    expect((await api('GET', '/extensions/1004')).json().results[0].followme.enabled).toBe('yes');
  });

  it('answers extensionstate one extension at a time, originates synchronously, lists the call and hangs it up', async () => {
    const sim = await start({ extensions: 4, firstExtension: 1001, originateAnswerMs: 150 });
    const api = await client(sim);
    for (const ext of sim.state.extensions.values()) ext.registered = ext.tech !== 'virtual';
    sim.state.extensions.get('1004')!.registered = false;
    const state = async (ext: string, context = 'ext-local') => (await api('GET', '/manager/extensionstate', { query: { extension: ext, context } })).json();
    const idle = await state('1001');
    expect([idle.Response, idle.Exten, idle.Status, idle.StatusText]).toEqual(['Success', '1001', '0', 'Idle']);
    expect((await state('1004')).StatusText).toBe('Unavailable');
    expect((await state('9999')).Status).toBe('-1');

    const dial = sim.state.extensions.get('1001')!.dial;
    const started = Date.now();
    const originate = await api('GET', '/manager/originate', { query: { channel: dial, extension: '1002', context: 'from-internal', priority: '1', callerid: 'Console <1001>' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(originate.json()).toEqual({ status: 'ok', message: 'Originate successfully queued' });
    expect((await state('1001')).StatusText).toBe('InUse');
    const calls = (await api('GET', '/manager/status')).json();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ Event: 'Status', ChannelStateDesc: 'Up', CallerIDNum: '1001', CallerIDName: 'Console' });
    expect(calls[0].Linkedid).toBe(calls[1].Linkedid);
    expect(calls[0].BridgeID).toBe(calls[1].BridgeID);
    expect(sim.state.originates[0]).toMatchObject({ response: 'Success', params: { channel: dial, extension: '1002' } });

    const failed = await api('GET', '/manager/originate', { query: { channel: sim.state.extensions.get('1004')!.dial, extension: '1002', context: 'from-internal', priority: '1' } });
    expect(failed.json()).toEqual({ status: 'error', message: 'Originate failed' });
    expect((await api('GET', '/manager/hangup', { query: { channel: calls[0].Channel } })).json()).toEqual({ status: 'ok', message: 'Channel Hungup' });
    expect((await api('GET', '/manager/status')).json()).toEqual([]);
    expect((await api('GET', '/manager/hangup', { query: { channel: calls[0].Channel } })).json()).toEqual({ status: 'error', message: 'No such channel' });
  });

  it('reports queue status as raw AMI events and manages dynamic members', async () => {
    const sim = await start({ extensions: 6, firstExtension: 1001 });
    const api = await client(sim);
    const before = (await api('GET', '/manager/queuestatus')).json();
    expect(before[0]).toMatchObject({ Event: 'QueueParams', Queue: '2000' });
    const members = before.filter((e: { Event: string }) => e.Event === 'QueueMember').length;
    expect((await api('GET', '/manager/queueadd', { query: { queue: '2000', interface: 'SIP/1006' } })).json()).toEqual({ status: 'ok', message: 'Added interface to queue' });
    expect((await api('GET', '/manager/queueadd', { query: { queue: '2000', interface: 'SIP/1006' } })).json().status).toBe('error');
    expect((await api('GET', '/manager/queuestatus', { query: { queue: '2000' } })).json().filter((e: { Event: string }) => e.Event === 'QueueMember')).toHaveLength(members + 1);
  });

  it('reports AMI trouble per controller: manager JSON, resource 500 envelope leaking the AMI secret on a refused login', async () => {
    const sim = await start({ extensions: 3 });
    const api = await client(sim);
    sim.setAmi('down');
    const manager = await api('GET', '/manager/status');
    expect([manager.status, manager.text]).toEqual([200, '{"status":"error","reason":"Could not connect to AMI"}']);
    const down = await api('GET', '/extensions');
    expect(down.status).toBe(500);
    expect(down.json()).toEqual({
      status: 'error',
      errors: [{ status: '500', source: 'Asterisk Manager', detail: 'Unable to connect to manager localhost:5038 (111): Connection refused' }],
    });
    sim.setAmi('auth');
    expect((await api('GET', '/ringgroups')).json().errors[0].verbose).toBe(`localhost,admin,${PASSWORD}`);
    expect((await api('GET', '/trunks')).status).toBe(200);
  });
});

describe('Issabel simulator: generations', () => {
  it('Gen A: {"results"} without status, SIP rows only with five fields, bare status codes for errors', async () => {
    const sim = await start({ generation: 'A', extensions: 40, firstExtension: 1001, ringGroups: 1 });
    const api = await client(sim);
    const list = (await api('GET', '/extensions')).json();
    expect(Object.keys(list)).toEqual(['results']);
    const sipCount = [...sim.state.extensions.values()].filter((e) => e.tech === 'sip').length;
    expect(sipCount).toBeLessThan(40);
    expect(list.results).toHaveLength(sipCount);
    for (const item of list.results) expect(Object.keys(item)).toEqual(['extension', 'name', 'tech', 'dial', 'secret']);
    const one = (await api('GET', `/extensions/${list.results[0].extension}`)).json();
    expect(Object.keys(one)).toEqual(['results']);
    expect(Object.keys(one.results[0])).toEqual(['extension', 'name', 'tech', 'dial', 'secret']);

    const dup = await api('POST', '/extensions', { json: { extension: '1001' } });
    expect([dup.status, dup.text]).toEqual([422, '']);
    const badJson = await api('POST', '/extensions', { raw: '{', headers: { 'Content-Type': 'application/json' } });
    expect([badJson.status, badJson.text]).toEqual([422, '']);
    expect((await api('POST', '/extensions/1500', { json: {} })).status).toBe(404);
    const ghost = await api('PUT', '/ringgroups/650', { json: { name: 'x' } });
    expect([ghost.status, ghost.text]).toEqual([404, '']);
    expect((await api('DELETE', '/extensions/1002')).status).toBe(400);
    expect((await api('DELETE', '/extensions/1002', { json: { reload: 'no' } })).status).toBe(200);
    expect(sim.state.pendingChanges).toBe(true);
    // JSON logins arrived in 2022: Gen A reads only the form fields.
    expect((await send(sim, 'POST', '/authenticate', { json: { user: 'admin', password: PASSWORD } })).status).toBe(403);
    sim.setAmi('down');
    const down = await api('GET', '/extensions');
    expect([down.status, down.text]).toEqual([502, '']);
  });

  it('Gen A: takes the seed doc\'s flat field names, doubles the number in a PUT Location and enforces the extension limit', async () => {
    const sim = await start({ generation: 'A', extensions: 4, firstExtension: 1001, extensionLimit: 6 });
    const api = await client(sim);
    const put = await api('PUT', '/extensions/1010', { json: { name: 'Flat', ringtimer: '30', voicemail: 'default', recording_in_external: 'always' } });
    expect(put.status).toBe(201);
    expect(put.location).toBe(`${sim.apiUrl}/extensions/1010/1010`);
    const flat = sim.state.extensions.get('1010')!;
    expect([flat.users.ringtimer, flat.users.voicemail]).toEqual(['30', 'default']);
    expect(sim.state.astdb.get('AMPUSER/1010/recording/in/external')).toBe('always');
    expect((await api('POST', '/extensions', { json: { name: 'Six' } })).status).toBe(201);
    const full = await api('POST', '/extensions', { json: { name: 'Seven' } });
    expect([full.status, full.text]).toEqual([507, '']);
    // The seed-era controller does not read nested objects; the 4f248ae variant does.
    const nested = await start({ generation: 'A', genAFieldNames: 'nested', extensions: 2, firstExtension: 1001 });
    const nestedApi = await client(nested);
    await nestedApi('PUT', '/extensions/1010', { json: { voicemail: { enabled: 'yes' } } });
    expect(nested.state.extensions.get('1010')!.users.voicemail).toBe('default');
    await api('DELETE', '/extensions/1010', { json: {} });
    await api('PUT', '/extensions/1010', { json: { voicemail: { enabled: 'yes' } } });
    expect(sim.state.extensions.get('1010')!.users.voicemail).toBe('novm');
  });
});

// ——— Fixture replay ———

interface Exchange {
  name?: string;
  request: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: unknown; bodyText?: string };
  response: { status: number; statusText?: string; headers?: Record<string, string>; body?: unknown; bodyText?: string };
  notes?: string;
}

interface Arrangement {
  options?: IssabelSimOptions;
  /** Runs before the request; may return headers/query to use instead of the fixture's placeholders. */
  setup?: (ctx: ReplayCtx) => Promise<void | { headers?: Record<string, string>; query?: Record<string, string> }>;
  /** Compare leaf values too (they are protocol, not illustration). */
  values?: boolean;
  /** The fixture is abridged: its keys must exist, more may. */
  subset?: boolean;
  /** Send the fixture's Authorization header untouched. */
  keepAuth?: boolean;
}

interface ReplayCtx {
  sim: IssabelSimulator;
  api: Awaited<ReturnType<typeof client>>;
  clock: ReturnType<typeof clock>;
}

/** 1001 as the fixtures show it: a SIP phone, registered, with a mailbox and follow-me to a mobile. */
async function fixture1001({ sim, api }: ReplayCtx): Promise<void> {
  await api('DELETE', '/extensions/1001');
  await api('PUT', '/extensions/1001', {
    json: {
      name: 'Alice Smith',
      tech: 'sip',
      voicemail: { enabled: 'yes', pin: '1234', email: 'alice@example.com', options: { email_attachment: 'yes', play_callerid: 'no', play_envelope: 'no', delete: 'no' } },
      followme: { enabled: 'yes', strategy: 'ringallv2', extension_list: '1001-0612345678#' },
    },
  });
  sim.state.extensions.get('1001')!.registered = true;
}

const ARRANGE: Record<string, Arrangement> = {
  'auth.json:login-form': { keepAuth: true },
  'auth.json:login-json': { keepAuth: true },
  'auth.json:login-bad-password': { keepAuth: true, values: true },
  'auth.json:missing-authorization': { keepAuth: true },
  'auth.json:invalid-token': { keepAuth: true },
  'auth.json:expired-token': {
    setup: async ({ sim, clock: c }) => {
      const { access } = await login(sim);
      c.advance(3601);
      return { headers: { Authorization: `Bearer ${access}` } };
    },
  },
  'auth.json:renew-ok': {
    setup: async ({ sim, clock: c }) => {
      const tokens = await login(sim);
      c.advance(3700);
      return { query: { refresh_token: tokens.refresh, access_token: tokens.access } };
    },
  },
  'auth.json:renew-refresh-expired': {
    setup: async ({ sim, clock: c }) => {
      const tokens = await login(sim);
      c.advance(7300);
      return { query: { refresh_token: tokens.refresh, access_token: tokens.access } };
    },
  },
  'auth.json:renew-unauthorized': {
    setup: async ({ sim }) => ({ query: { refresh_token: (await login(sim)).refresh, access_token: 'garbage' } }),
  },
  'extension-create.json:post-explicit-duplicate': { values: true },
  'extension-create.json:post-invalid-enum': { values: true },
  'extension-create.json:post-bad-json': { values: true },
  'extension-create.json:post-with-id': { values: true },
  'extension-create.json:put-update': { setup: async ({ api }) => void (await api('PUT', '/extensions/1005', { json: { name: 'Daniel' } })) },
  'extension-delete.json:multi': {
    setup: async ({ api }) => {
      await api('PUT', '/extensions/1005', { json: {} });
      await api('PUT', '/extensions/1006', { json: {} });
    },
  },
  'extension-delete.json:partial-404': { values: true, setup: async ({ api }) => void (await api('PUT', '/extensions/1007', { json: {} })) },
  'extension-get.json:existing': { setup: fixture1001 },
  'extension-get.json:unknown': { values: true },
  // Any PUT without followme.enabled leaves 1002 without a findmefollow row.
  'extension-get.json:no-followme-row': { subset: true, setup: async ({ api }) => void (await api('PUT', '/extensions/1002', { json: { tech: 'pjsip' } })) },
  'extensions-list.json:gen-A (seed era)': { options: { generation: 'A' } },
  'followme.json:read': { subset: true, setup: fixture1001 },
  'followme.json:call-forward-via-manager': { values: true },
  'manager.json:status-live-calls': {
    setup: async (ctx) => {
      await fixture1001(ctx);
      await ctx.api('GET', '/manager/originate', { query: { channel: 'SIP/1001', extension: '0612345678', context: 'from-internal', priority: '1' } });
    },
  },
  'manager.json:extensionstate': { values: true, setup: fixture1001 },
  'manager.json:originate': { values: true, setup: fixture1001 },
  'manager.json:originate-fail': { values: true },
  'manager.json:hangup': {
    values: true,
    setup: async (ctx) => {
      await fixture1001(ctx);
      await ctx.api('GET', '/manager/originate', { query: { channel: 'SIP/1001', extension: '0612345678', context: 'from-internal', priority: '1' } });
    },
  },
  'manager.json:dbget': { values: true, setup: async ({ api }) => void (await api('GET', '/manager/dbput', { query: { family: 'CF', key: '1001', value: '0612345678' } })) },
  'manager.json:unknown-action': { values: true },
  'manager.json:ami-down': { setup: async ({ sim }) => sim.setAmi('down') },
  'manager.json:resource-controller-ami-down': { values: true, setup: async ({ sim }) => sim.setAmi('down') },
  'ringgroups.json:get-404': { values: true },
  'ringgroups.json:create-missing-list': { values: true },
  'ringgroups.json:create-bad-ringtime': { values: true },
  'ringgroups.json:put-unknown': { values: true },
  'ringgroups.json:delete-no-body': { values: true },
  'ringgroups.json:delete-ok': { setup: async ({ api }) => void (await api('POST', '/ringgroups', { json: { extension_list: ['1003'] } })) },
};

/** Same kinds of values in the same places: objects with the fixture's keys (exactly, unless `subset`), lists of like items. */
function expectShape(actual: unknown, expected: unknown, where: string, arrangement: Arrangement): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${where} is a list`).toBe(true);
    const list = actual as unknown[];
    if (arrangement.values) expect(list, where).toHaveLength(expected.length);
    if (expected.length === 0) return;
    expect(list.length, `${where} has items`).toBeGreaterThan(0);
    list.forEach((item, i) => expectShape(item, arrangement.values ? expected[i] : expected[0], `${where}[${i}]`, arrangement));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${where} is an object`).toBe(true);
    const object = actual as Record<string, unknown>;
    const keys = Object.keys(expected);
    if (!arrangement.subset) expect(Object.keys(object).sort(), `${where} keys`).toEqual([...keys].sort());
    for (const key of keys) {
      expect(object, `${where} has ${key}`).toHaveProperty([key]);
      expectShape(object[key], (expected as Record<string, unknown>)[key], `${where}.${key}`, arrangement);
    }
    return;
  }
  expect(typeof actual, `${where} type`).toBe(typeof expected);
  if (arrangement.values) expect(actual, where).toEqual(expected);
}

function locationPattern(location: string): RegExp {
  const path = new URL(location).pathname.replace(/\d+/g, '\\d+');
  return new RegExp(`^https?://[^/]+${path}$`);
}

function fixtureFiles(): Array<{ file: string; exchanges: Exchange[] }> {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, exchanges: JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')).exchanges as Exchange[] }));
}

describe('Issabel simulator: replay of vendors/fixtures/issabel', () => {
  const cases = fixtureFiles().flatMap(({ file, exchanges }) => exchanges.map((exchange, i) => ({ id: `${file}:${exchange.name ?? i}`, exchange })));

  it('has an exchange for every arrangement', () => {
    const ids = new Set(cases.map((c) => c.id));
    expect(Object.keys(ARRANGE).filter((id) => !ids.has(id))).toEqual([]);
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases)('$id', async ({ id, exchange }) => {
    const arrangement = ARRANGE[id] ?? {};
    const c = clock();
    const sim = await start({ seed: 7, extensions: 4, firstExtension: 1001, ringGroups: 1, nowMs: c.nowMs, ...arrangement.options });
    const api = await client(sim);
    const override = (await arrangement.setup?.({ sim, api, clock: c })) ?? {};
    const { access } = await login(sim);

    const request = exchange.request;
    const headers: Record<string, string> = { ...request.headers };
    if (headers.Authorization && !arrangement.keepAuth) headers.Authorization = `Bearer ${access}`;
    Object.assign(headers, override.headers);
    const options: SendOptions = { headers, query: { ...request.query, ...override.query } };
    if (typeof request.body === 'string') {
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      options.raw = request.body.replace('AMI_ADMIN_PWD', PASSWORD);
    } else if (request.body !== undefined) {
      options.raw = JSON.stringify(request.body).replace('AMI_ADMIN_PWD', PASSWORD);
    } else if (request.bodyText !== undefined) {
      options.raw = request.bodyText;
    }
    const res = await send(sim, request.method, request.path.replace(/^\/pbxapi/, ''), options);

    const expected = exchange.response;
    expect(res.status, `${id} status`).toBe(expected.status);
    if (expected.statusText) expect(res.statusText).toBe(expected.statusText);
    if (expected.headers?.['Content-Type']) expect(res.type).toBe(expected.headers['Content-Type']);
    if (expected.headers?.Location) expect(res.location).toMatch(locationPattern(expected.headers.Location));
    if (expected.bodyText !== undefined) expect(res.text).toBe(expected.bodyText);
    if (expected.body !== undefined) expectShape(res.json(), expected.body, 'body', arrangement);
  });
});
