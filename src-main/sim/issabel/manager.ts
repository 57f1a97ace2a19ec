import type { SimResponse } from '../http/http-sim.js';
import { dbDel, dbDelTree, dbGet, dbPut, dbShow } from './astdb.js';
import type { Ctx } from './context.js';
import { parseStr, phpJsonEncode } from './php.js';
import { f3Error, raw } from './respond.js';
import type { IssabelState, QueueMember, SimChannel, SimExtension } from './state.js';

/*
 * controllers/manager.php: an AMI gateway, `GET /manager/{action}` with parameters from the query
 * (or a form body), answered with hand-concatenated JSON outside the status/results envelope and
 * always HTTP 200, even for errors. Only dbput also works as POST and dbdel as DELETE (form body);
 * any other action under those verbs answers 200 with nothing. Originate is AMI's synchronous one:
 * the HTTP call returns when the phone answers, or fails at once when it is not reachable.
 * ExtensionState is one extension per request. AstDB goes through the CLI, so a missing key reads
 * as `{"result":""}` and a value with a quote breaks the JSON.
 */

const JSON_TYPE = 'application/json';

const INSTRUCTIONS: Record<string, string[]> = {
  dbdel: ['family', 'key'],
  dbget: ['family', 'key'],
  dbput: ['family', 'key', 'value'],
  dbshow: ['family'],
  extensionstate: ['extension', '[context]', '[uniqueid]'],
  getvar: ['channel', 'variable'],
  hangup: ['channel', '[cause]'],
  originate: ['channel', 'extension', 'context', 'priority', '[timeout]', '[callerid]', '[variable]', '[account]', '[application]', '[data]'],
  queueadd: ['queue', 'interface', '[penalty]', '[paused]', '[membername]', '[stateinterface]'],
  queuelog: ['queue', 'event', '[uniqueid]', '[interface]', '[message]'],
  queuepause: ['queue', 'interface'],
  queueremove: ['queue', 'interface'],
  queuestatus: ['[queue]'],
  queueunpause: ['queue', 'interface'],
  reload: [],
  status: ['[channel]'],
  userevent: ['event', '[@headers]'],
};

const counters = new WeakMap<IssabelState, number>();

function nextSeq(state: IssabelState): number {
  const seq = (counters.get(state) ?? 0x29) + 1;
  counters.set(state, seq);
  return seq;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** `{"status":"ok", "message":"…"}`, built by concatenation exactly as the PHP does. */
function amiResult(success: boolean, message: string): SimResponse {
  return raw(`{"status":"${success ? 'ok' : 'error'}", "message":"${message}"}`, JSON_TYPE);
}

function dbResult(success: boolean): SimResponse {
  return raw(`{"status":"${success ? 'ok' : 'error'}"}`, JSON_TYPE);
}

function statusEvent(ctx: Ctx, channel: SimChannel): Record<string, string> {
  return {
    Event: 'Status',
    Privilege: 'Call',
    Channel: channel.name,
    ChannelState: '6',
    ChannelStateDesc: 'Up',
    CallerIDNum: channel.callerIdNum,
    CallerIDName: channel.callerIdName,
    ConnectedLineNum: channel.connectedNum,
    ConnectedLineName: channel.connectedName,
    Accountcode: channel.accountcode,
    Context: channel.context,
    Exten: channel.exten,
    Priority: channel.priority,
    Uniqueid: channel.uniqueid,
    Linkedid: channel.linkedid,
    Application: channel.application,
    Data: channel.data,
    Seconds: String(Math.max(0, Math.floor((ctx.options.nowMs() - channel.startMs) / 1000))),
    BridgeID: channel.bridgeId,
  };
}

/** The phone behind a dial string (`SIP/101`, `PJSIP/101`, `Local/101@from-internal`). */
function endpoint(state: IssabelState, dialString: string): SimExtension | undefined {
  const local = /^local\/([^@]+)@/i.exec(dialString);
  if (local) return state.extensions.get(local[1]!);
  const [tech, resource] = dialString.split('/', 2) as [string, string | undefined];
  return [...state.extensions.values()].find((e) => e.tech !== 'virtual' && e.dial.toLowerCase() === `${tech.toLowerCase()}/${(resource ?? '').toLowerCase()}`);
}

function extensionStatus(state: IssabelState, ext: SimExtension | undefined, context: string): { hint: string; status: number; text: string } {
  const reachable = context === 'ext-local' || context === 'from-internal';
  if (!ext || !reachable || ext.tech === 'virtual' || ext.tech === 'custom' || ext.dial === '') return { hint: '', status: -1, text: 'Unknown' };
  if (!ext.registered) return { hint: ext.dial, status: 4, text: 'Unavailable' };
  const busy = [...state.channels.values()].some((c) => c.extension === ext.extension);
  return busy ? { hint: ext.dial, status: 1, text: 'InUse' } : { hint: ext.dial, status: 0, text: 'Idle' };
}

function parseCallerId(callerid: string): { name: string; num: string } {
  const angle = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(callerid);
  if (angle) return { name: angle[1]!, num: angle[2]! };
  return { name: '', num: callerid };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Brings up the call an answered originate leads to: the originating phone, and the far end when there is one. */
function connect(ctx: Ctx, phone: SimExtension, p: Record<string, string>): SimChannel {
  const state = ctx.state;
  const now = ctx.options.nowMs();
  const tech = phone.dial.split('/')[0]!;
  const seq = nextSeq(state);
  const uniqueid = `${Math.floor(now / 1000)}.${seq}`;
  const caller = p.callerid ? parseCallerId(p.callerid) : { name: phone.users.name, num: phone.extension };
  const destination = p.extension ?? '';
  const target = state.extensions.get(destination);
  const a: SimChannel = {
    name: `${tech}/${phone.extension}-${hex8(seq)}`,
    uniqueid,
    linkedid: uniqueid,
    bridgeId: '',
    callerIdNum: caller.num,
    callerIdName: caller.name,
    connectedNum: destination,
    connectedName: target?.users.name ?? '<unknown>',
    accountcode: p.account ?? '',
    context: p.context ?? 'default',
    exten: destination || 's',
    priority: p.priority ?? '1',
    application: p.application ?? 'Dial',
    data: p.data ?? '',
    startMs: now,
    extension: phone.extension,
  };
  state.channels.set(a.name, a);
  if (p.application) return a;
  let far: { name: string; extension: string | null } | null = null;
  if (target && target.tech !== 'virtual' && target.registered && target.extension !== phone.extension) {
    a.data = `${target.dial},20,Ttr`;
    far = { name: `${target.dial}-${hex8(nextSeq(state))}`, extension: target.extension };
  } else if (target) {
    a.application = 'VoiceMail';
    a.data = `${destination}@default,u`;
  } else if (/^[0-9*#+]+$/.test(destination) && state.trunks.length > 0) {
    const trunk = state.trunks[0]!;
    Object.assign(a, { context: 'macro-dialout-trunk', exten: 's', priority: '19', data: `SIP/${trunk.channelName}/${destination},300,` });
    far = { name: `SIP/${trunk.channelName}-${hex8(nextSeq(state))}`, extension: null };
  }
  if (far) {
    a.bridgeId = ctx.random.uuid();
    state.channels.set(far.name, {
      ...a,
      name: far.name,
      uniqueid: `${Math.floor(now / 1000)}.${nextSeq(state)}`,
      connectedNum: caller.num,
      connectedName: caller.name,
      application: 'AppDial',
      data: '(Outgoing Line)',
      extension: far.extension,
    });
  }
  return a;
}

async function originate(ctx: Ctx): Promise<SimResponse> {
  // manager.php passes a parameter to AMI only when it is truthy ("0" included out).
  const p: Record<string, string> = {};
  for (const name of ['channel', 'extension', 'context', 'priority', 'timeout', 'callerid', 'variable', 'account', 'application', 'data']) {
    const value = ctx.param(name);
    if (value !== undefined && value !== '' && value !== '0') p[name] = value;
  }
  const record = { atMs: ctx.options.nowMs(), params: p, response: 'Error' as 'Success' | 'Error', message: '', channel: null as string | null };
  ctx.state.originates.push(record);
  const answer = (ok: boolean, message: string) => {
    record.response = ok ? 'Success' : 'Error';
    record.message = message;
    return amiResult(ok, message);
  };
  if (!p.channel) return answer(false, 'Channel not specified');
  if (p.timeout && !/^\d+$/.test(p.timeout)) return answer(false, 'Invalid timeout');
  if (p.priority && !/^-?\d+/.test(p.priority)) return answer(false, 'Invalid priority');
  if (!p.channel.includes('/')) return answer(false, 'Invalid channel');
  const phone = endpoint(ctx.state, p.channel);
  if (!phone || !phone.registered) {
    await sleep(Math.min(20, ctx.options.originateAnswerMs));
    return answer(false, 'Originate failed');
  }
  const timeoutMs = p.timeout ? Number(p.timeout) : 30_000;
  if (ctx.options.originateAnswerMs > timeoutMs) {
    await sleep(timeoutMs);
    return answer(false, 'Originate failed');
  }
  await sleep(ctx.options.originateAnswerMs);
  if (!ctx.state.extensions.has(phone.extension)) return answer(false, 'Originate failed');
  record.channel = connect(ctx, phone, p).name;
  return answer(true, 'Originate successfully queued');
}

function hangup(ctx: Ctx): SimResponse {
  const channel = ctx.state.channels.get(ctx.param('channel') ?? '');
  if (!channel) return amiResult(false, 'No such channel');
  for (const [name, other] of ctx.state.channels) if (other.linkedid === channel.linkedid) ctx.state.channels.delete(name);
  return amiResult(true, 'Channel Hungup');
}

function getvar(ctx: Ctx): SimResponse {
  const variable = ctx.param('variable') ?? '';
  const name = ctx.param('channel') ?? '';
  let value = '';
  if (name !== '') {
    const channel = ctx.state.channels.get(name);
    if (!channel) return amiResult(false, 'No such channel');
    const known: Record<string, string> = { 'CALLERID(num)': channel.callerIdNum, 'CALLERID(name)': channel.callerIdName, UNIQUEID: channel.uniqueid, CHANNEL: channel.name };
    value = known[variable] ?? '';
  }
  return raw(`{"status":"ok", "variable":"${variable}","value":"${value}"}`, JSON_TYPE);
}

function memberStatus(state: IssabelState, member: QueueMember): string {
  const ext = [...state.extensions.values()].find((e) => e.dial === member.interface);
  if (!ext || !ext.registered) return '5';
  return [...state.channels.values()].some((c) => c.extension === ext.extension) ? '2' : '1';
}

function queueStatus(ctx: Ctx): SimResponse {
  const filter = ctx.param('queue') ?? '';
  const events: Array<Record<string, string>> = [];
  for (const queue of ctx.state.queues.values()) {
    if (filter !== '' && filter !== queue.extension) continue;
    events.push({
      Event: 'QueueParams',
      Queue: queue.extension,
      Max: '0',
      Strategy: queue.strategy,
      Calls: '0',
      Holdtime: '0',
      TalkTime: '0',
      Completed: String(queue.completed),
      Abandoned: String(queue.abandoned),
      ServiceLevel: '60',
      ServicelevelPerf: '0.0',
      ServicelevelPerf2: '0.0',
      Weight: '0',
    });
    for (const member of queue.members) {
      events.push({
        Event: 'QueueMember',
        Queue: queue.extension,
        Name: member.name,
        Location: member.interface,
        StateInterface: member.interface,
        Membership: member.dynamic ? 'dynamic' : 'static',
        Penalty: member.penalty,
        CallsTaken: '0',
        LastCall: '0',
        LastPause: '0',
        InCall: memberStatus(ctx.state, member) === '2' ? '1' : '0',
        Status: memberStatus(ctx.state, member),
        Paused: member.paused ? '1' : '0',
        PausedReason: '',
        Wrapuptime: '0',
      });
    }
  }
  return raw(phpJsonEncode(events), JSON_TYPE);
}

function queueMemberAction(ctx: Ctx, action: 'queueadd' | 'queueremove' | 'queuepause' | 'queueunpause'): SimResponse {
  const queue = ctx.state.queues.get(ctx.param('queue') ?? '');
  const iface = ctx.param('interface') ?? '';
  const member = queue?.members.find((m) => m.interface.toLowerCase() === iface.toLowerCase());
  switch (action) {
    case 'queueadd':
      if (!queue) return amiResult(false, 'Unable to add interface to queue: No such queue');
      if (member) return amiResult(false, 'Unable to add interface: Already there');
      queue.members.push({ interface: iface, name: ctx.param('membername') || iface, penalty: ctx.param('penalty') || '0', paused: ctx.param('paused') === '1', dynamic: true });
      return amiResult(true, 'Added interface to queue');
    case 'queueremove':
      if (!queue) return amiResult(false, 'Unable to remove interface from queue: No such queue');
      if (!member) return amiResult(false, 'Unable to remove interface: Not there');
      if (!member.dynamic) return amiResult(false, 'Member not dynamic');
      queue.members.splice(queue.members.indexOf(member), 1);
      return amiResult(true, 'Removed interface from queue');
    default:
      if (!member) return amiResult(false, 'Interface not found');
      member.paused = action === 'queuepause';
      return amiResult(true, member.paused ? 'Interface paused successfully' : 'Interface unpaused successfully');
  }
}

/** dbshow's reshaping of `database show`, stale `$restkey` and all: a flat family collapses to `[{"": lastValue}]`. */
function dbShowBody(state: IssabelState, family: string): string {
  const entries = dbShow(state.astdb, family);
  if (entries.size === 0) return '{}';
  const out = new Map<string, Record<string, string>>();
  let restkey = '';
  for (const [key, value] of entries) {
    let idx: string;
    let inner: string;
    if (family.indexOf('/') > 0) {
      idx = family.slice(family.indexOf('/') + 1);
      inner = key.slice(family.length + 2);
    } else {
      const rest = key.slice(family.length + 2);
      if (rest.indexOf('/') > 0) {
        idx = rest.slice(0, rest.indexOf('/'));
        restkey = rest.slice(rest.indexOf('/') + 1);
      } else {
        idx = '0';
      }
      inner = restkey;
    }
    if (!out.has(idx)) out.set(idx, {});
    out.get(idx)![inner] = value;
  }
  const keys = [...out.keys()];
  const sequential = keys.every((k, i) => k === String(i));
  return phpJsonEncode(sequential ? keys.map((k) => out.get(k)) : Object.fromEntries(out));
}

function dbAction(ctx: Ctx, action: string, params: (name: string) => string | undefined): SimResponse {
  const family = params('family') ?? '';
  const key = params('key') ?? '';
  switch (action) {
    case 'dbput':
      return dbResult(dbPut(ctx.state.astdb, family, key, params('value') ?? ''));
    case 'dbdel':
      return dbResult(dbDel(ctx.state.astdb, family, key));
    case 'dbdeltree':
      return dbResult(dbDelTree(ctx.state.astdb, family) > 0);
    case 'dbget':
      return raw(`{"result":"${dbGet(ctx.state.astdb, family, key) ?? ''}"}`, JSON_TYPE);
    default:
      return raw(dbShowBody(ctx.state, family), JSON_TYPE);
  }
}

export async function managerController(ctx: Ctx): Promise<SimResponse> {
  if (ctx.state.ami !== 'up') return raw('{"status":"error","reason":"Could not connect to AMI"}', JSON_TYPE);
  const action = ctx.id;
  if (ctx.verb === 'POST' || ctx.verb === 'DELETE') {
    const form = parseStr(ctx.request.body.toString('latin1'));
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    if (ctx.verb === 'POST' && action === 'dbput') return dbAction(ctx, 'dbput', field);
    if (ctx.verb === 'DELETE' && action === 'dbdel') return dbAction(ctx, 'dbdel', field);
    return raw('');
  }
  if (ctx.verb !== 'GET') return f3Error(405, ctx.verb, ctx.request.path.replace(/^\/pbxapi/, ''), false);
  switch (action) {
    case 'status': {
      const name = ctx.param('channel') ?? '';
      const channels = name === '' ? [...ctx.state.channels.values()] : [ctx.state.channels.get(name)].filter((c): c is SimChannel => c !== undefined);
      return raw(phpJsonEncode(channels.map((c) => statusEvent(ctx, c))), JSON_TYPE);
    }
    case 'extensionstate': {
      const exten = ctx.param('extension') ?? '';
      const context = ctx.param('context') || 'default';
      const found = extensionStatus(ctx.state, ctx.state.extensions.get(exten), context);
      return raw(
        phpJsonEncode({
          Response: 'Success',
          ActionID: ctx.param('uniqueid') ?? '',
          Message: 'Extension Status',
          Exten: exten,
          Context: context,
          Hint: found.hint,
          Status: String(found.status),
          StatusText: found.text,
        }),
        JSON_TYPE,
      );
    }
    case 'queuestatus':
      return queueStatus(ctx);
    case 'originate':
      return originate(ctx);
    case 'hangup':
      return hangup(ctx);
    case 'getvar':
      return getvar(ctx);
    case 'dbput':
    case 'dbdel':
    case 'dbdeltree':
    case 'dbget':
    case 'dbshow':
      return dbAction(ctx, action, (name) => ctx.param(name));
    case 'queueadd':
    case 'queueremove':
    case 'queuepause':
    case 'queueunpause':
      return queueMemberAction(ctx, action);
    case 'queuelog':
      return amiResult(true, 'Added Queue Log');
    case 'userevent':
      if (!ctx.param('event')) return amiResult(false, 'No event header specified');
      return amiResult(true, '');
    case 'reload':
      ctx.state.amiReloads++;
      return amiResult(true, 'Module Reloaded.');
    default:
      return raw(phpJsonEncode(INSTRUCTIONS), JSON_TYPE);
  }
}
