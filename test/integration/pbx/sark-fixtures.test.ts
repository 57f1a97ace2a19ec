import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src-main/net/http-client.js';
import type { SarkCredentials } from '../../../src-main/pbx/sark/sark-api.js';
import { SarkAdapter } from '../../../src-main/pbx/sark/sark-adapter.js';
import type { HttpSimServer, SimRequest, SimResponse } from '../../../src-main/sim/http/http-sim.js';
import type { CdrRecord, RingGroup } from '../../../src-shared/domain/pbx.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { rejection } from '../../support/rejection.js';
import { exchange, loadExchanges, recordedResponse, serveRecorded, type Responder } from '../../support/vendor-fixtures.js';

/*
 * The SARK adapter against what sark6api sends (shared/vendors/fixtures/sark): each recorded
 * response is served back under the site's `/api` base, and the test checks the request the
 * adapter made and what it made of the answer. Unnamed exchanges are known by their index.
 */

const covered = new Set<string>();
const servers: HttpSimServer[] = [];
const OPERATOR: SarkCredentials = { email: 'operator@example.com', password: 'secret-pass' };

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Json = Record<string, unknown>;

/** The recorded response of `file#name` (or #index), marked as replayed; PHP's json_encode escapes slashes. */
function recorded(file: string, name: string | number): SimResponse {
  covered.add(`${file}#${name}`);
  return recordedResponse(exchange('sark', file, name), true);
}

function recordedRequestBody(file: string, name: string): Json {
  return exchange('sark', file, name).request.body as Json;
}

function json(status: number, value: unknown): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' }, body: JSON.stringify(value).replace(/\//g, '\\/') };
}

/** Answers `method path` (below /api) with `answer` while `when` accepts the request. */
function route(method: string, path: string, answer: SimResponse | ((r: SimRequest) => SimResponse), when: (r: SimRequest) => boolean = () => true): Responder {
  return (r) => (r.method === method && r.path === `/api${path}` && when(r) ? (typeof answer === 'function' ? answer(r) : answer) : undefined);
}

const bodyOf = (r: SimRequest): Json => JSON.parse(r.body.toString('utf8')) as Json;
const sent = (server: HttpSimServer) => server.requests.map((r) => `${r.method} ${r.path}`);
const commit = route('GET', '/syscommands/commit', () => recorded('syscommands.json', 1));
/** `/destinations` of a PBX where `number` is free. */
const free = route('GET', '/destinations', json(200, { Extensions: ['1001'], RingGroups: ['600'] }));

async function adapterFor(options: { base?: string; credentials?: SarkCredentials | null; maxThrottleWaits?: number; timeZone?: string }, ...responders: Responder[]) {
  const server = await serveRecorded(responders);
  servers.push(server);
  const http = new HttpClient({ baseUrl: `${server.url}${options.base ?? '/api'}`, pinnedFingerprint256: null, logger: new MemoryLogger(), retries: 0, maxThrottleWaits: options.maxThrottleWaits });
  return { adapter: new SarkAdapter({ http, credentials: options.credentials ?? null, timeZone: options.timeZone ?? 'UTC' }), server };
}

describe('SARK generations and transport', () => {
  it('asks for JSON under /api, and takes an answer without a token as the Laravel 7 API', async () => {
    const { adapter, server } = await adapterFor({}, route('GET', '/syscommands/pbxrunstate', () => recorded('syscommands.json', 0)));
    expect(await adapter.connect()).toEqual({ generation: 'L7', version: null });
    expect(server.requests[0].path).toBe('/api/syscommands/pbxrunstate');
    // Without it, Laravel renders errors as HTML pages (and L11 a missing token as a 500).
    expect(server.requests[0].headers.accept).toBe('application/json');
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it('meets L11 by its 401, logs in once with the e-mail and password, and goes on with the bearer token', async () => {
    const token = (exchange('sark', 'auth-L11.json', 'login').response.body as { accessToken: string }).accessToken;
    const bearer = (r: SimRequest) => r.headers.authorization === `Bearer ${token}`;
    const { adapter, server } = await adapterFor(
      { credentials: OPERATOR },
      route('GET', '/extensions', () => recorded('extensions.json', 'list'), bearer),
      route('GET', '/extensions', () => recorded('auth-L11.json', 'no-token')),
      route('POST', '/auth/login', () => recorded('auth-L11.json', 'login')),
      route('GET', '/syscommands/pbxrunstate', () => recorded('syscommands.json', 0), bearer),
    );
    expect((await adapter.listExtensions()).map((e) => e.number)).toEqual(['1001']);
    expect(await adapter.connect()).toEqual({ generation: 'L11', version: null });
    expect(sent(server)).toEqual(['GET /api/extensions', 'POST /api/auth/login', 'GET /api/extensions', 'GET /api/syscommands/pbxrunstate']);
    expect(bodyOf(server.requests[1])).toEqual(recordedRequestBody('auth-L11.json', 'login'));
    expect(server.requests[1].headers['content-type']).toBe('application/json');
  });

  it('says a Laravel 11 SARK needs a login when none is configured, without trying one', async () => {
    const { adapter, server } = await adapterFor({}, route('GET', '/extensions', () => recorded('auth-L11.json', 'no-token')));
    const error = await rejection(adapter.listExtensions());
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.details).toEqual({ generation: 'L11' });
    expect(sent(server)).toEqual(['GET /api/extensions']);
  });

  it('reports refused credentials once, without trying again', async () => {
    const { adapter, server } = await adapterFor(
      { credentials: { ...OPERATOR, password: 'x' } },
      route('GET', '/syscommands/pbxrunstate', () => recorded('auth-L11.json', 'no-token')),
      route('POST', '/auth/login', () => recorded('auth-L11.json', 'login-bad')),
    );
    expect((await rejection(adapter.connect())).code).toBe('AUTH_FAILED');
    expect(sent(server)).toEqual(['GET /api/syscommands/pbxrunstate', 'POST /api/auth/login']);
  });

  it('points at the form fields when SARK rejects the login as invalid', async () => {
    const { adapter, server } = await adapterFor(
      { credentials: { email: 'not-an-email', password: '' } },
      route('GET', '/syscommands/pbxrunstate', () => recorded('auth-L11.json', 'no-token')),
      route('POST', '/auth/login', () => recorded('auth-L11.json', 'login-invalid')),
    );
    const error = await rejection(adapter.connect());
    expect(error.code).toBe('VALIDATION');
    // Laravel 11's {message, errors} wrapper, unlike the controllers' bare maps.
    expect(error.details?.issues).toEqual([
      { path: 'api.username', message: 'validation.sark.loginEmail' },
      { path: 'api.secret', message: 'validation.required' },
    ]);
    expect(bodyOf(server.requests[1]).email).toBe('not-an-email');
  });

  it('tells a base URL without /api, or one level too deep, from a missing extension', async () => {
    const bare = await adapterFor({ base: '' }, (r) => (r.path === '/extensions' ? recorded('general.json', 'seed-path-without-api-prefix') : undefined));
    const html = await rejection(bare.adapter.listExtensions());
    expect(html.code).toBe('NOT_FOUND');
    expect(html.message).toContain(':44300/api');

    const deep = await adapterFor({ base: '/api/api' }, (r) => (r.path === '/api/api/extensions/1001' ? recorded('general.json', 'unknown-uri') : undefined));
    const fallback = await rejection(deep.adapter.getExtension('1001'));
    expect(fallback.code).toBe('NOT_FOUND');
    expect(fallback.details?.kind).toBe('route');
  });

  it('gives up as RATE_LIMITED when SARK keeps throttling', async () => {
    const { adapter, server } = await adapterFor({ maxThrottleWaits: 0 }, route('GET', '/extensions', () => recorded('general.json', 'throttled')));
    expect((await rejection(adapter.listExtensions())).code).toBe('RATE_LIMITED');
    expect(sent(server)).toEqual(['GET /api/extensions']);
  });
});

describe('SARK extensions', () => {
  const getOne = route('GET', '/extensions/1001', () => recorded('extensions.json', 'get'));

  it('reads extensions: SARK’s own name, the SIP password, strings and nulls as the app’s values', async () => {
    const { adapter } = await adapterFor({}, route('GET', '/extensions', () => recorded('extensions.json', 'list')), getOne, route('GET', '/extensions/9999', () => recorded('extensions.json', 'get-404')));
    const [first] = await adapter.listExtensions();
    expect(first).toMatchObject({ number: '1001', name: 'Ext1001', technology: 'sip', secret: 'aX9c2LqP7zVt', voicemail: null, email: null, callerId: null });
    expect(first.fields).toMatchObject({ transport: 'udp', celltwin: '', cellphone: '', device: 'General SIP', active: 'YES' });
    expect(await adapter.getExtension('1001')).toEqual(first);
    expect(await adapter.getExtension('9999')).toBeNull();
  });

  it('creates an unprovisioned SIP extension, reads its row, and commits', async () => {
    const row = exchange('sark', 'extensions.json', 'create-unprovisioned').response.body;
    const { adapter, server } = await adapterFor(
      {},
      free,
      route('POST', '/extensions/unprovisioned', () => recorded('extensions.json', 'create-unprovisioned')),
      route('GET', '/extensions/1002', json(200, row)),
      commit,
    );
    const created = await adapter.createExtension('1002', { name: '' });
    expect(created).toMatchObject({ number: '1002', name: 'Ext1002', secret: 'Qm4r8TzL1pWs', technology: 'sip' });
    expect(sent(server)).toEqual(['GET /api/destinations', 'POST /api/extensions/unprovisioned', 'GET /api/extensions/1002', 'GET /api/syscommands/commit']);
    expect(bodyOf(server.requests[1])).toEqual(recordedRequestBody('extensions.json', 'create-unprovisioned'));
  });

  it('takes SARK’s duplicate answers, the 422 `save` and the mailbox route’s 409, as CONFLICT without repeating its SQL', async () => {
    const { adapter, server } = await adapterFor(
      {},
      free,
      route('POST', '/extensions/unprovisioned', () => recorded('extensions.json', 'create-duplicate')),
      route('POST', '/extensions/mailbox', () => recorded('extensions.json', 'create-mailbox-duplicate')),
    );
    // Another client took the number between the check and the insert.
    expect((await rejection(adapter.createExtension('1003', { name: '' }))).code).toBe('CONFLICT');
    const mailbox = await rejection(adapter.createExtension('1003', { name: '', technology: 'virtual' }));
    expect(mailbox.code).toBe('CONFLICT');
    // The 409's text is the insert with every value pasted in, the generated password among them.
    expect(JSON.stringify({ message: mailbox.message, details: mailbox.details })).not.toMatch(/SQL|insert/i);
    expect(bodyOf(server.requests.find((r) => r.path === '/api/extensions/mailbox')!)).toEqual({ pkey: '1003', cluster: 'default' });
    expect(sent(server)).not.toContain('GET /api/syscommands/commit');
  });

  it('refuses a number another kind of destination already has, before creating anything', async () => {
    const { adapter, server } = await adapterFor({}, route('GET', '/destinations', () => recorded('syscommands.json', 3)));
    const extension = await rejection(adapter.createExtension('600', { name: '' }));
    expect(extension).toMatchObject({ code: 'CONFLICT', details: { takenBy: 'RingGroups' } });
    const group = await rejection(adapter.createRingGroup({ number: '1002', name: 'Sales 2', strategy: 'ringall', members: ['1001'], ringSeconds: 20, noAnswerDestination: null }));
    expect(group).toMatchObject({ code: 'CONFLICT', details: { takenBy: 'Extensions' } });
    expect(sent(server)).toEqual(['GET /api/destinations', 'GET /api/destinations']);
  });

  it('removes a new extension again when the values its creation route cannot take are refused', async () => {
    const row = exchange('sark', 'extensions.json', 'create-unprovisioned').response.body;
    const { adapter, server } = await adapterFor(
      {},
      free,
      route('POST', '/extensions/unprovisioned', () => recorded('extensions.json', 'create-unprovisioned')),
      route('GET', '/extensions/1002', json(200, row)),
      route('PUT', '/extensions/1002', () => recorded('extensions.json', 'update-invalid')),
      route('DELETE', '/extensions/1002', () => recorded('extensions.json', 'delete')),
    );
    const error = await rejection(adapter.createExtension('1002', { name: '', fields: { transport: 'sctp', active: 'maybe' } }));
    expect(error.details?.issues).toEqual([
      { path: 'fields.active', message: 'validation.invalid' },
      { path: 'fields.transport', message: 'validation.invalid' },
    ]);
    expect(sent(server)).toEqual(['GET /api/destinations', 'POST /api/extensions/unprovisioned', 'GET /api/extensions/1002', 'PUT /api/extensions/1002', 'DELETE /api/extensions/1002']);
  });

  it('maps a bare 422 MessageBag to the app’s field names', async () => {
    const { adapter } = await adapterFor({}, free, route('POST', '/extensions/unprovisioned', () => recorded('extensions.json', 'create-missing')));
    const error = await rejection(adapter.createExtension('1003', { name: '' }));
    expect(error.code).toBe('VALIDATION');
    expect(error.details?.issues).toEqual([
      { path: 'number', message: 'validation.required' },
      { path: 'fields.cluster', message: 'validation.invalid' },
    ]);
  });

  it('updates only the fields that change, and returns the model SARK saved', async () => {
    const { adapter, server } = await adapterFor({}, getOne, route('PUT', '/extensions/1001', () => recorded('extensions.json', 'update')), commit);
    const updated = await adapter.updateExtension('1001', { fields: { celltwin: 'ON', cellphone: '447700900123', transport: 'tcp', active: 'YES' } });
    expect(updated.fields).toMatchObject({ celltwin: 'ON', cellphone: '447700900123', transport: 'tcp' });
    // `active` is already YES: not sent. An unchanged empty field sent back would arrive as null and fail its rule.
    expect(bodyOf(server.requests[1])).toEqual(recordedRequestBody('extensions.json', 'update'));
    expect(server.requests[1].headers['content-type']).toBe('application/json');
    expect(sent(server)).toEqual(['GET /api/extensions/1001', 'PUT /api/extensions/1001', 'GET /api/syscommands/commit']);
  });

  it('puts SARK’s field errors on the fields, and commits nothing', async () => {
    const { adapter, server } = await adapterFor({}, getOne, route('PUT', '/extensions/1001', () => recorded('extensions.json', 'update-invalid')));
    const error = await rejection(adapter.updateExtension('1001', { fields: { transport: 'sctp', active: 'maybe' } }));
    expect(error.code).toBe('VALIDATION');
    expect(error.details?.issues).toEqual([
      { path: 'fields.active', message: 'validation.invalid' },
      { path: 'fields.transport', message: 'validation.invalid' },
    ]);
    expect(bodyOf(server.requests[1])).toEqual(recordedRequestBody('extensions.json', 'update-invalid'));
    expect(sent(server)).not.toContain('GET /api/syscommands/commit');
  });

  it('refuses what SARK’s API would silently drop, before sending it', async () => {
    const { adapter, server } = await adapterFor({}, getOne);
    const rename = await rejection(adapter.updateExtension('1001', { name: 'Alice', fields: { device: 'Snom D725' } }));
    expect(rename.details?.issues).toEqual([
      { path: 'name', message: 'validation.sark.name' },
      { path: 'fields.device', message: 'validation.sark.readOnlyField' },
    ]);
    const create = await rejection(adapter.createExtension('1003', { name: 'Alice', secret: 'mine', technology: 'pjsip' }));
    expect(create.details?.issues).toEqual([
      { path: 'name', message: 'validation.sark.name' },
      { path: 'secret', message: 'validation.sark.secret' },
      { path: 'technology', message: 'validation.sark.technology' },
    ]);
    // Only the read the update needed to compare against.
    expect(sent(server)).toEqual(['GET /api/extensions/1001']);
  });

  it('deletes, reports each number, and commits once for the lot', async () => {
    const { adapter, server } = await adapterFor(
      {},
      route('DELETE', '/extensions/1002', () => recorded('extensions.json', 'delete')),
      route('DELETE', '/extensions/9999', () => recorded('extensions.json', 'get-404')),
      commit,
    );
    expect(await adapter.deleteExtensions(['1002', '9999'])).toEqual([
      { id: '1002', ok: true },
      { id: '9999', ok: false, error: { code: 'NOT_FOUND', message: 'Extension 9999 does not exist' } },
    ]);
    expect(sent(server).filter((r) => r.endsWith('/commit'))).toHaveLength(1);
  });
});

describe('SARK call forwarding', () => {
  const read = route('GET', '/extensions/1001/runtime', () => recorded('runtime-callforward.json', 'read'));

  it('reads AstDB forwards, trimming the carriage return Asterisk ≥ 14 leaves', async () => {
    const { adapter } = await adapterFor({}, read, route('GET', '/extensions/1002/runtime', json(200, { cfim: '', cfbs: '07700900456\r', ringdelay: '' })));
    expect(await adapter.getCallForward('1001')).toEqual({ always: '07700900123', busy: null, noAnswer: null, dnd: false });
    expect(await adapter.getCallForward('1002')).toEqual({ always: null, busy: '07700900456', noAnswer: null, dnd: false });
  });

  it('sets through PUT …/runtime, clears through AstDB, and reads back what Asterisk kept', async () => {
    const { adapter, server } = await adapterFor(
      {},
      route('PUT', '/extensions/1001/runtime', () => recorded('runtime-callforward.json', 'set')),
      route('DELETE', '/astamis/DBdel/cfbs/1001', json(200, { '1001': false })),
      read,
    );
    await adapter.setCallForward('1001', { always: '07700900123', busy: null, noAnswer: null, dnd: false });
    expect(sent(server)).toEqual(['PUT /api/extensions/1001/runtime', 'DELETE /api/astamis/DBdel/cfbs/1001', 'GET /api/extensions/1001/runtime']);
    // ringdelay is the extension's own setting: left as it is.
    expect(bodyOf(server.requests[0])).toEqual({ cfim: recordedRequestBody('runtime-callforward.json', 'set').cfim });
  });

  it('never sends the empty value the PUT cannot take: clearing goes through DBdel', async () => {
    let cleared = false;
    const { adapter, server } = await adapterFor(
      {},
      route('DELETE', '/astamis/DBdel/cfim/1001', () => ((cleared = true), recorded('runtime-callforward.json', 'clear-via-astdb'))),
      route('DELETE', '/astamis/DBdel/cfbs/1001', json(200, { '1001': false })),
      route('GET', '/extensions/1001/runtime', () => (cleared ? json(200, { cfim: '', cfbs: '', ringdelay: '20' }) : recorded('runtime-callforward.json', 'read'))),
    );
    await adapter.setCallForward('1001', { always: null, busy: null, noAnswer: null, dnd: false });
    expect(sent(server)).toEqual(['DELETE /api/astamis/DBdel/cfim/1001', 'DELETE /api/astamis/DBdel/cfbs/1001', 'GET /api/extensions/1001/runtime']);
    covered.add('runtime-callforward.json#clear-rejected');
  });

  it('says so when the forward did not stick, since the PUT answers 204 whatever Asterisk did', async () => {
    const { adapter } = await adapterFor(
      {},
      route('PUT', '/extensions/1001/runtime', () => recorded('runtime-callforward.json', 'set')),
      route('DELETE', '/astamis/DBdel/cfbs/1001', json(200, { '1001': false })),
      route('GET', '/extensions/1001/runtime', json(200, { cfim: '', cfbs: '', ringdelay: '' })),
    );
    expect((await rejection(adapter.setCallForward('1001', { always: '07700900123', busy: null, noAnswer: null, dnd: false }))).code).toBe('PBX_ERROR');
  });

  it('refuses what SARK has no place for, and numbers its rule would reject, before sending', async () => {
    const { adapter, server } = await adapterFor({});
    const error = await rejection(adapter.setCallForward('1001', { always: '*72 0612', busy: null, noAnswer: '0633', dnd: true }));
    expect(error.details?.issues).toEqual([
      { path: 'always', message: 'validation.callForward.number' },
      { path: 'noAnswer', message: 'validation.sark.forwardNoAnswer' },
      { path: 'dnd', message: 'validation.sark.dndNotForward' },
    ]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('SARK ring groups', () => {
  const group: RingGroup = { number: '601', name: '', strategy: 'hunt', members: ['1004', '1005'], ringSeconds: 20, noAnswerDestination: 'Operator' };

  it('reads ring groups: members from the space-separated `out`, seconds from a string', async () => {
    const { adapter } = await adapterFor({}, route('GET', '/ringgroups', () => recorded('ringgroups.json', 'list')));
    expect(await adapter.listRingGroups()).toEqual([{ number: '600', name: 'Sales', strategy: 'ringall', members: ['1001', '1002', '1003'], ringSeconds: 20, noAnswerDestination: 'Operator' }]);
  });

  it('creates at /ringgroups (not the seed’s /ringgroup), reading the 201’s numbers as numbers', async () => {
    const { adapter, server } = await adapterFor({}, free, route('POST', '/ringgroups', () => recorded('ringgroups.json', 'create')), commit);
    expect(await adapter.createRingGroup(group)).toEqual(group);
    expect(bodyOf(server.requests[1])).toMatchObject(recordedRequestBody('ringgroups.json', 'create'));
    expect(sent(server)).toEqual(['GET /api/destinations', 'POST /api/ringgroups', 'GET /api/syscommands/commit']);
    covered.add('ringgroups.json#seed-path');
  });

  it('puts an unknown destination on the field that holds it', async () => {
    const { adapter } = await adapterFor({}, free, route('POST', '/ringgroups', () => recorded('ringgroups.json', 'create-bad-outcome')));
    const error = await rejection(adapter.createRingGroup({ ...group, number: '602', noAnswerDestination: 'nowhere' }));
    expect(error.details?.issues).toEqual([{ path: 'noAnswerDestination', message: 'validation.ringGroup.destination' }]);
  });

  it('refuses members SARK would split or reject, and strategies it has not, before sending', async () => {
    const { adapter, server } = await adapterFor({});
    const error = await rejection(adapter.createRingGroup({ ...group, strategy: 'random', members: ['1004', '1005 1006'] }));
    expect(error.details?.issues).toEqual([
      { path: 'strategy', message: 'validation.sark.ringStrategy' },
      { path: 'members.1', message: 'validation.ringGroup.member' },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('deletes and commits', async () => {
    const { adapter, server } = await adapterFor({}, route('DELETE', '/ringgroups/601', () => recorded('ringgroups.json', 'delete')), commit);
    await adapter.deleteRingGroup('601');
    expect(sent(server)).toEqual(['DELETE /api/ringgroups/601', 'GET /api/syscommands/commit']);
  });
});

describe('SARK call log', () => {
  const download = route('GET', '/logs/cdrs', () => recorded('cdrs.json', 'all'));

  it('reads Master.csv rows with Asterisk’s quoting, in the site’s zone', async () => {
    // Read as a PBX in Paris: 10:00 local on 1 March is 09:00 UTC.
    const { adapter, server } = await adapterFor({ timeZone: 'Europe/Paris' }, download);
    const records: CdrRecord[] = [];
    const covers: number[] = [];
    const to = Date.parse('2024-03-31T23:59:59Z');
    const delivered = await adapter.fetchCdrs({ window: { from: Date.parse('2024-03-01T00:00:00Z'), to }, onBatch: (batch, coveredTo) => void (records.push(...batch), covers.push(coveredTo)) });
    expect(delivered).toBe(1);
    expect(records[0]).toEqual({
      key: `1709287200.42|${Date.parse('2024-03-01T09:00:00Z')}|07700900123|SIP/trunk1-00000013`,
      uniqueid: '1709287200.42',
      linkedid: null,
      startedAt: Date.parse('2024-03-01T09:00:00Z'),
      answeredAt: Date.parse('2024-03-01T09:00:08Z'),
      endedAt: Date.parse('2024-03-01T09:02:15Z'),
      src: '1001',
      dst: '07700900123',
      callerName: 'Alice',
      context: 'internal',
      channel: 'SIP/1001-00000012',
      dstChannel: 'SIP/trunk1-00000013',
      lastApp: 'Dial',
      durationS: 135,
      billS: 127,
      disposition: 'answered',
      recordingFile: null,
    });
    expect(covers.at(-1)).toBe(to);
    // The whole file, once: `/logs/cdrs/{limit}` is a 500 on every SARK.
    expect(sent(server)).toEqual(['GET /api/logs/cdrs']);
    expect(server.requests[0].headers.range).toBeUndefined();
  });

  it('reads what cdr.conf and the dialplan can put in the file: quoted newlines, CRLF, no uniqueid, DST changes', async () => {
    const row = (start: string, clid: string, tail: string) => `"","1001","0612","internal","${clid.replaceAll('"', '""')}","SIP/1001-01","SIP/1002-02","Dial","SIP/1002,20","${start}","","${start}",4,0,"NO ANSWER","DOCUMENTATION"${tail}`;
    const file = [
      // Paris springs forward at 02:00 on 31 March and falls back at 03:00 on 27 October.
      row('2024-03-31 01:30:00', '"Zoé" <1001>', ',"1711845000.1",""'),
      row('2024-03-31 03:30:00', 'Line one\nline two <1001>', ',"1711848600.2",""'),
      // loguniqueid off, loguserfield on: 17 columns whose last is not a uniqueid.
      row('2024-10-27 02:30:00', '"Bo" <1001>', ',"vip"'),
      // Neither: 16 columns.
      row('2024-10-28 09:00:00', '"Bo" <1001>', ''),
      // One channel's two failed Dials in the same second: equal in everything but their place.
      row('2024-10-28 10:00:00', '"Bo" <1001>', ',"1730106000.7",""'),
      row('2024-10-28 10:00:00', '"Bo" <1001>', ',"1730106000.7",""'),
    ].join('\r\n');
    const { adapter } = await adapterFor({ timeZone: 'Europe/Paris' }, route('GET', '/logs/cdrs', { status: 200, headers: { 'Content-Type': 'text/csv; charset=UTF-8' }, body: `${file}\r\n` }));
    const records: CdrRecord[] = [];
    await adapter.fetchCdrs({ window: { from: 0, to: Date.parse('2025-01-01T00:00:00Z') }, onBatch: (batch) => void records.push(...batch) });
    expect(records.map((r) => [r.startedAt, r.uniqueid, r.callerName])).toEqual([
      [Date.parse('2024-03-31T00:30:00Z'), '1711845000.1', 'Zoé'],
      [Date.parse('2024-03-31T01:30:00Z'), '1711848600.2', 'Line one\nline two'],
      // The first of the two 02:30s.
      [Date.parse('2024-10-27T00:30:00Z'), '', 'Bo'],
      [Date.parse('2024-10-28T08:00:00Z'), '', 'Bo'],
      [Date.parse('2024-10-28T09:00:00Z'), '1730106000.7', 'Bo'],
      [Date.parse('2024-10-28T09:00:00Z'), '1730106000.7', 'Bo'],
    ]);
    expect(records.every((r) => r.disposition === 'no-answer')).toBe(true);
    // Every row its own key, so the cache keeps both Dials.
    expect(new Set(records.map((r) => r.key)).size).toBe(6);
  });

  it('keeps an HTML page answered with a 200 (a portal, a proxy) out of the call history', async () => {
    const page: SimResponse = { status: 200, headers: { 'Content-Type': 'text/html; charset=UTF-8' }, body: '<html><body>Sign in, "please", then retry</body></html>\n' };
    const { adapter, server } = await adapterFor({}, route('GET', '/logs/cdrs', page));
    const batches: number[] = [];
    const error = await rejection(adapter.fetchCdrs({ window: { from: 0, to: Date.now() }, onBatch: (batch) => void batches.push(batch.length) }));
    expect(error.code).toBe('PBX_ERROR');
    expect(batches).toEqual([]);
    expect(sent(server)).toEqual(['GET /api/logs/cdrs']);
  });

  it('delivers nothing from outside the window, and still says the window is covered', async () => {
    const { adapter } = await adapterFor({}, download);
    const batches: Array<[number, number]> = [];
    const window = { from: Date.parse('2024-04-01T00:00:00Z'), to: Date.parse('2024-04-30T00:00:00Z') };
    expect(await adapter.fetchCdrs({ window, onBatch: (batch, coveredTo) => void batches.push([batch.length, coveredTo]) })).toBe(0);
    expect(batches).toEqual([[0, window.to]]);
  });
});

describe('SARK AMI gateway and system', () => {
  it('reports health: Asterisk running, up since CoreStatus’s local start', async () => {
    const { adapter, server } = await adapterFor({}, route('GET', '/syscommands/pbxrunstate', () => recorded('syscommands.json', 0)), route('GET', '/astamis/CoreStatus', () => recorded('astamis.json', 'CoreStatus')));
    const before = Date.now();
    const health = await adapter.health();
    const days = Math.floor((before - Date.parse('2024-03-01T08:00:01Z')) / 86_400_000);
    expect(health).toMatchObject({ reachable: true, load: null, disks: [] });
    expect(health.uptime).toMatch(new RegExp(`^${days} days, \\d{1,2}:\\d{2}$`));
    expect(server.requests.every((r) => r.headers.accept === 'application/json')).toBe(true);
  });

  it('reports a SARK whose Asterisk is stopped as unreachable, without asking AMI', async () => {
    const { adapter, server } = await adapterFor({}, route('GET', '/syscommands/pbxrunstate', json(200, { pbxrunstate: false })));
    expect(await adapter.health()).toEqual({ reachable: false, uptime: null, load: null, disks: [] });
    expect(sent(server)).toEqual(['GET /api/syscommands/pbxrunstate']);
  });

  it('takes an empty AMI list, SARK’s 404, as no peers', async () => {
    const { adapter } = await adapterFor({}, route('GET', '/astamis/SIPpeers', () => recorded('astamis.json', 'CoreShowChannels-empty')));
    expect(await adapter.peers()).toEqual([]);
  });

  it('says Asterisk is not running when the AMI gateway answers 503', async () => {
    const { adapter } = await adapterFor({}, route('GET', '/astamis/SIPpeers', () => recorded('astamis.json', 'pbx-down')));
    const error = await rejection(adapter.peers());
    expect(error).toMatchObject({ code: 'PBX_ERROR', details: { pbxRunning: false } });
  });
});

/** Recorded exchanges the adapter deliberately never makes, and why. */
const UNUSED: Record<string, string> = {
  'astamis.json#CoreShowChannels': 'live calls come from the app’s AMI link; this is a ≥ 3 s poll against a 60/min budget',
  'astamis.json#unsupported': 'the adapter asks only for SIPpeers and CoreStatus, both on SARK’s list of actions',
  'astamis.json#ExtensionState': 'one extension per ≥ 3 s request; presence comes from SIPpeers and from AMI',
  'astamis.json#originate': 'calls are placed through AMI: SARK’s originate blocks, refuses * codes and never says whether it worked',
  'astamis.json#originate-seed-body': 'as above (the seed doc’s `ringback` field does not exist)',
  'astamis.json#hangup': 'calls are hung up through AMI, like every call control',
  'astamis.json#DBget': 'GET …/runtime reads cfim and cfbs in one request',
  'cdrs.json#with-limit': 'never asked: the limit reaches an undefined variable, a 500 on every SARK',
  'extensions.json#create-provisioned-stock': 'never used: the MAC vendor lookup reads a developer’s path and fails on stock installs',
  'queues-trunks.json#queues': 'queues are not part of the adapter contract',
  'queues-trunks.json#trunks': 'trunks appear among the SIP peers; the contract has no trunk list',
  'syscommands.json#2': 'starting Asterisk is not something the console does',
};

afterAll(() => {
  // Every recorded exchange was replayed or is listed above with its reason.
  const files = ['astamis.json', 'auth-L11.json', 'cdrs.json', 'extensions.json', 'general.json', 'queues-trunks.json', 'ringgroups.json', 'runtime-callforward.json', 'syscommands.json'];
  const all = files.flatMap((file) => loadExchanges('sark', file).map((e, i) => `${file}#${e.name ?? i}`));
  const missing = all.filter((id) => !covered.has(id) && !(id in UNUSED));
  expect(missing).toEqual([]);
});
