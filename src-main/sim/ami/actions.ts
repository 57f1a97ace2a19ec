/*
 * The AMI actions the demo PBX answers from its model, with Asterisk 22's framing and texts: list
 * responses as recorded (`Response: Success` + `EventList: start` → items carrying the ActionID →
 * `…Complete` with `ListItems`), error messages as recorded in capture 03, and call-changing
 * actions that answer first and then run the recorded event sequence as a PBX step.
 *
 * Texts not present in the captures follow Asterisk's manager.c / res_parking / app_mixmonitor
 * *(from source, not captured)*; they are marked so below.
 */

import { createHash } from 'node:crypto';
import { CallEngine } from './calls.js';
import { channelBlock, type Headers, hms, parseCallerId, UP } from './headers.js';
import { DEVICE_STATE_NUMBER, DEVICE_STATE_TEXT, extensionStatus } from './headers.js';
import { normaliseDbKey, type PbxModel, type PendingOriginate, type SimChannel } from './model.js';
import { type ClientAction, formatMessage, formatResponse } from './wire.js';

export interface ActionContext {
  readonly action: ClientAction;
  readonly actionId: string;
  /** Writes to the requesting session, in order with everything else it receives. */
  send(text: string): void;
  /** Runs a PBX step after the response has been written. */
  defer(fn: () => void): void;
  /** Sync Originate: holds the session's next actions until `release()` (Asterisk's session thread blocks). */
  hold(): () => void;
}

export type ActionHandler = (ctx: ActionContext) => void;

const VERSION_LINE = 'Asterisk 22.10.1 built by root @ vm on a x86_64 running Linux on 2026-11-23 15:15:21 UTC';

export function createActionHandlers(model: PbxModel, engine: CallEngine): Map<string, ActionHandler> {
  const m = model;
  const handlers = new Map<string, ActionHandler>();
  const on = (name: string, handler: ActionHandler) => handlers.set(name.toLowerCase(), handler);

  const ok = (ctx: ActionContext, rest: Headers = []) => ctx.send(formatResponse('Success', ctx.actionId, rest));
  const error = (ctx: ActionContext, message: string) => ctx.send(formatResponse('Error', ctx.actionId, [['Message', message]]));
  const idLine = (ctx: ActionContext): Headers => (ctx.actionId === '' ? [] : [['ActionID', ctx.actionId]]);
  const listStart = (ctx: ActionContext, message: string) =>
    ctx.send(formatMessage([['Response', 'Success'], ...idLine(ctx), ['EventList', 'start'], ['Message', message]]));
  const listItem = (ctx: ActionContext, event: string, fields: Headers) => ctx.send(formatMessage([['Event', event], ...idLine(ctx), ...fields]));
  const listComplete = (ctx: ActionContext, event: string, count: number, extra: Headers = []) =>
    ctx.send(formatMessage([['Event', event], ...idLine(ctx), ['EventList', 'Complete'], ['ListItems', String(count)], ...extra]));
  /** An item with its ActionID last, not second: how Asterisk writes Status and ChannelHungup (capture 05) and AstDB answers (15). */
  const listItemIdLast = (ctx: ActionContext, event: string, fields: Headers) => ctx.send(formatMessage([['Event', event], ...fields, ...idLine(ctx)]));
  const header = (ctx: ActionContext, name: string) => ctx.action.get(name);

  /*
   * Header checks some actions share, with their shared texts: each returns null once it has
   * answered with the error, so a handler just returns.
   */
  const fail = (ctx: ActionContext, message: string): null => {
    error(ctx, message);
    return null;
  };

  /** DBPut, DBGet, DBDel (capture 15): Family and Key are both required. */
  const dbEntry = (ctx: ActionContext): { family: string; key: string } | null => {
    const family = header(ctx, 'Family');
    const key = header(ctx, 'Key');
    if (family === '') return fail(ctx, 'No family specified.');
    if (key === '') return fail(ctx, 'No key specified.');
    return { family, key };
  };

  /** BlindTransfer and Atxfer (manager.c): Channel and Exten required, Context defaults to the channel's. */
  const transferRequest = (ctx: ActionContext): { ch: SimChannel; exten: string; context: string } | null => {
    const name = header(ctx, 'Channel');
    const exten = header(ctx, 'Exten');
    if (name === '') return fail(ctx, 'No channel specified');
    if (exten === '') return fail(ctx, 'No extension specified');
    const ch = m.channel(name);
    if (!ch) return fail(ctx, 'Channel specified does not exist');
    return { ch, exten, context: header(ctx, 'Context') || ch.context };
  };

  /** MixMonitor and StopMixMonitor (app_mixmonitor): the channel to record. */
  const mixMonitorChannel = (ctx: ActionContext): SimChannel | null => {
    const name = header(ctx, 'Channel');
    if (name === '') return fail(ctx, 'No channel specified');
    const ch = m.channel(name);
    if (!ch) return fail(ctx, 'No such channel');
    return ch;
  };

  // ------------------------------------------------------------ system

  on('CoreSettings', (ctx) =>
    ok(ctx, [
      ['AMIversion', '11.0.0'],
      ['AsteriskVersion', '22.10.1'],
      ['SystemName', ''],
      ['CoreMaxCalls', '0'],
      ['CoreMaxLoadAvg', '0.000000'],
      ['CoreRunUser', ''],
      ['CoreRunGroup', ''],
      ['CoreMaxFilehandles', '0'],
      ['CoreRealTimeEnabled', 'No'],
      ['CoreCDRenabled', 'Yes'],
      ['CoreHTTPenabled', 'No'],
      ['SoundsSearchCustomDir', 'No'],
    ]),
  );

  on('CoreStatus', (ctx) => {
    const boot = new Date(m.bootedAt).toISOString();
    const calls = new Set([...m.channels.values()].map((c) => c.linkedid)).size;
    ok(ctx, [
      ['CoreStartupDate', boot.slice(0, 10)],
      ['CoreStartupTime', boot.slice(11, 19)],
      ['CoreReloadDate', boot.slice(0, 10)],
      ['CoreReloadTime', boot.slice(11, 19)],
      ['CoreCurrentCalls', String(calls)],
      ['CoreProcessedCalls', String(m.processedCalls)],
    ]);
  });

  on('Command', (ctx) => {
    const command = header(ctx, 'Command').trim().replace(/\s+/g, ' ');
    const output = cliCommand(m, command);
    if (output === null) {
      const words = command.split(' ');
      const best = words.slice(0, Math.min(2, words.length)).join(' ');
      ctx.send(
        formatResponse('Error', ctx.actionId, [
          ['Message', 'Command output follows'],
          ['Output', `No such command '${command}' (type 'core show help ${best}' for other possible commands)`],
        ]),
      );
      return;
    }
    ok(ctx, [['Message', 'Command output follows'], ...output.map((line) => ['Output', line] as [string, string])]);
  });

  // ------------------------------------------------------------ channels and bridges

  on('CoreShowChannels', (ctx) => {
    listStart(ctx, 'Channels will follow');
    const now = m.now();
    const channels = newestFirst(m);
    for (const ch of channels) {
      listItem(ctx, 'CoreShowChannel', [
        ...channelBlock(ch),
        ['Application', ch.application],
        ['ApplicationData', ch.appData],
        ['Duration', hms((now - ch.createdAt) / 1000)],
        ['BridgeId', ch.bridge?.id ?? ''],
      ]);
    }
    listComplete(ctx, 'CoreShowChannelsComplete', channels.length);
  });

  on('BridgeList', (ctx) => {
    const type = header(ctx, 'BridgeType');
    listStart(ctx, 'Bridge listing will follow');
    const bridges = [...m.bridges.values()].filter((b) => type === '' || b.type === type);
    for (const b of bridges) {
      listItem(ctx, 'BridgeListItem', [
        ['BridgeUniqueid', b.id],
        ['BridgeType', b.type],
        ['BridgeTechnology', b.technology],
        ['BridgeCreator', b.creator],
        ['BridgeName', b.name],
        ['BridgeNumChannels', String(b.size)],
        ['BridgeVideoSourceMode', 'none'],
      ]);
    }
    listComplete(ctx, 'BridgeListComplete', bridges.length);
  });

  on('Status', (ctx) => {
    const name = header(ctx, 'Channel');
    let channels = newestFirst(m);
    if (name !== '') {
      const ch = m.channel(name);
      if (!ch) {
        error(ctx, 'No such channel');
        return;
      }
      channels = [ch];
    }
    listStart(ctx, 'Channel status will follow');
    const now = m.now();
    for (const ch of channels) {
      // Status items carry `Privilege: Call` (capture 05).
      const pjsip = ch.tech === 'PJSIP';
      const mixed = pjsip && ch.bridge?.technology === 'simple_bridge';
      listItemIdLast(ctx, 'Status', [
        ['Privilege', 'Call'],
        ...channelBlock(ch),
        ['Type', ch.tech],
        ['DNID', ''],
        ['EffectiveConnectedLineNum', ch.connectedNum === '' ? '<unknown>' : ch.connectedNum],
        ['EffectiveConnectedLineName', ch.connectedName === '' ? '<unknown>' : ch.connectedName],
        ['TimeToHangup', '0'],
        ['BridgeID', ch.bridge?.id ?? ''],
        ['Application', ch.application],
        ['Data', ch.appData],
        ['Nativeformats', pjsip ? '(ulaw)' : '(slin)'],
        ['Readformat', mixed || !pjsip ? 'slin' : 'ulaw'],
        ['Readtrans', mixed ? '(ulaw@8000)->(slin@8000)' : ''],
        ['Writeformat', mixed || !pjsip ? 'slin' : 'ulaw'],
        ['Writetrans', mixed ? '(slin@8000)->(ulaw@8000)' : ''],
        ['Callgroup', '0'],
        ['Pickupgroup', '0'],
        ['Seconds', String(Math.floor((now - ch.createdAt) / 1000))],
      ]);
    }
    listComplete(ctx, 'StatusComplete', channels.length, [['Items', String(channels.length)]]);
  });

  // ------------------------------------------------------------ presence

  // Hint order as the recorded PBX's hash table gave it: 104, 105, 100, 101, 102, 103.
  const hintOrder = () => {
    const list = [...m.extensions];
    const cut = Math.min(4, list.length);
    return [...list.slice(cut), ...list.slice(0, cut)];
  };

  on('ExtensionStateList', (ctx) => {
    listStart(ctx, 'Extension Statuses will follow');
    const exts = hintOrder();
    for (const ext of exts) {
      const { status, text } = extensionStatus(m.deviceState(`PJSIP/${ext.exten}`));
      listItem(ctx, 'ExtensionStatus', [
        ['Exten', ext.exten],
        ['Context', 'internal'],
        ['Hint', `PJSIP/${ext.exten}`],
        ['Status', String(status)],
        ['StatusText', text],
      ]);
    }
    listComplete(ctx, 'ExtensionStateListComplete', exts.length);
  });

  on('ExtensionState', (ctx) => {
    const exten = header(ctx, 'Exten');
    const context = header(ctx, 'Context') || 'default';
    if (exten === '') {
      error(ctx, 'Extension not specified');
      return;
    }
    const known = m.isExtension(exten) && context === 'internal';
    const { status, text } = known ? extensionStatus(m.deviceState(`PJSIP/${exten}`)) : { status: -1, text: 'Unknown' };
    ok(ctx, [
      ['Message', 'Extension Status'],
      ['Exten', exten],
      ['Context', context],
      ['Hint', known ? `PJSIP/${exten}` : ''],
      ['Status', String(status)],
      ['StatusText', text],
    ]);
  });

  on('DeviceStateList', (ctx) => {
    listStart(ctx, 'Device State Changes will follow');
    const devices = m.allDevices();
    for (const device of devices) listItem(ctx, 'DeviceStateChange', [['Device', device], ['State', m.deviceState(device)]]);
    listComplete(ctx, 'DeviceStateListComplete', devices.length);
  });

  on('PresenceStateList', (ctx) => {
    listStart(ctx, 'Presence State Changes will follow');
    listComplete(ctx, 'PresenceStateListComplete', 0);
  });

  on('PJSIPShowEndpoints', (ctx) => {
    listStart(ctx, 'A listing of Endpoints follows, presented as EndpointList events');
    const rows = m.extensions.map((ext) => ({ name: ext.exten, contact: ext.contact }));
    if (m.config.trunk) rows.push({ name: 'trunk', contact: 'sip:trunk@127.0.0.1:5080' });
    rows.sort((a, b) => a.name.localeCompare(b.name));
    for (const row of rows) {
      const device = `PJSIP/${row.name}`;
      const active = [...m.channels.values()].filter((c) => c.device === device).length;
      listItem(ctx, 'EndpointList', [
        ['ObjectType', 'endpoint'],
        ['ObjectName', row.name],
        ['Transport', 'transport-udp'],
        ['Aor', row.name],
        ['Auths', ''],
        ['OutboundAuths', ''],
        ['Contacts', row.contact === '' ? '' : `${row.name}/${row.contact},`],
        ['DeviceState', DEVICE_STATE_TEXT[m.deviceState(device)]],
        ['ActiveChannels', String(active)],
      ]);
    }
    listComplete(ctx, 'EndpointListComplete', rows.length);
  });

  // Static contacts do not count: capture 14's answer, bare LF included.
  on('PJSIPShowContacts', (ctx) => ctx.send(`Response: Error\r\n${ctx.actionId === '' ? '' : `ActionID: ${ctx.actionId}\r\n`}Message: No Contacts found\n\r\n\r\n`));

  // ------------------------------------------------------------ queue *(from source, not captured)*

  on('QueueStatus', (ctx) => {
    const q = m.config.queue;
    const wanted = header(ctx, 'Queue');
    listStart(ctx, 'Queue status will follow');
    let count = 0;
    if (wanted === '' || wanted === q.name) {
      listItem(ctx, 'QueueParams', [
        ['Queue', q.name],
        ['Max', '0'],
        ['Strategy', 'ringall'],
        ['Calls', String(m.queueWaiting.length)],
        ['Holdtime', '0'],
        ['TalkTime', '0'],
        ['Completed', String(m.queueCompleted)],
        ['Abandoned', String(m.queueAbandoned)],
        ['ServiceLevel', '0'],
        ['ServicelevelPerf', '0.0'],
        ['ServicelevelPerf2', '0.0'],
        ['Weight', '0'],
      ]);
      count++;
      for (const member of q.members) {
        const stats = m.queueStats.get(member);
        listItem(ctx, 'QueueMember', [
          ['Queue', q.name],
          ['Name', m.extByNumber.get(member)?.name ?? member],
          ['Location', `PJSIP/${member}`],
          ['StateInterface', `PJSIP/${member}`],
          ['Membership', 'static'],
          ['Penalty', '0'],
          ['CallsTaken', String(stats?.callsTaken ?? 0)],
          ['LastCall', String(Math.floor((stats?.lastCall ?? 0) / 1000))],
          ['LastPause', '0'],
          ['LoginTime', String(Math.floor(m.bootedAt / 1000))],
          ['InCall', stats?.inCall ? '1' : '0'],
          ['Status', String(DEVICE_STATE_NUMBER[m.deviceState(`PJSIP/${member}`)])],
          ['Paused', '0'],
          ['PausedReason', ''],
          ['Wrapuptime', '0'],
        ]);
        count++;
      }
      m.queueWaiting.forEach((caller, i) => {
        listItem(ctx, 'QueueEntry', [
          ['Queue', q.name],
          ['Position', String(i + 1)],
          ['Channel', caller.name],
          ['Uniqueid', caller.uniqueid],
          ['CallerIDNum', caller.callerNum || '<unknown>'],
          ['CallerIDName', caller.callerName || '<unknown>'],
          ['ConnectedLineNum', caller.connectedNum || '<unknown>'],
          ['ConnectedLineName', caller.connectedName || '<unknown>'],
          ['Wait', String(Math.floor((m.now() - caller.createdAt) / 1000))],
          ['Priority', '0'],
        ]);
        count++;
      });
    }
    listComplete(ctx, 'QueueStatusComplete', count);
  });

  on('QueueSummary', (ctx) => {
    const q = m.config.queue;
    const wanted = header(ctx, 'Queue');
    listStart(ctx, 'Queue summary will follow');
    let count = 0;
    if (wanted === '' || wanted === q.name) {
      const available = q.members.filter((x) => m.deviceState(`PJSIP/${x}`) === 'NOT_INUSE').length;
      listItem(ctx, 'QueueSummary', [
        ['Queue', q.name],
        ['LoggedIn', String(q.members.length)],
        ['Available', String(available)],
        ['Callers', String(m.queueWaiting.length)],
        ['HoldTime', '0'],
        ['TalkTime', '0'],
        ['LongestHoldTime', String(Math.max(0, ...m.queueWaiting.map((c) => Math.floor((m.now() - c.createdAt) / 1000))))],
      ]);
      count++;
    }
    listComplete(ctx, 'QueueSummaryComplete', count);
  });

  // ------------------------------------------------------------ AstDB (capture 15)

  on('DBPut', (ctx) => {
    const entry = dbEntry(ctx);
    if (!entry) return;
    m.astdb.set(normaliseDbKey(`${entry.family}/${entry.key}`), header(ctx, 'Val'));
    ok(ctx, [['Message', 'Updated database successfully']]);
  });

  on('DBGet', (ctx) => {
    const entry = dbEntry(ctx);
    if (!entry) return;
    const { family, key } = entry;
    const value = m.astdb.get(normaliseDbKey(`${family}/${key}`));
    if (value === undefined) return error(ctx, 'Database entry not found');
    listStart(ctx, 'Result will follow');
    listItemIdLast(ctx, 'DBGetResponse', [['Family', family], ['Key', key], ['Val', value]]);
    listComplete(ctx, 'DBGetComplete', 1);
  });

  on('DBGetTree', (ctx) => {
    const family = header(ctx, 'Family');
    const key = header(ctx, 'Key');
    const prefix = normaliseDbKey(key === '' ? family : `${family}/${key}`);
    const rows = astdbTree(m, prefix);
    if (rows.length === 0) return error(ctx, 'Database entry not found');
    listStart(ctx, 'Result will follow');
    for (const [k, v] of rows) listItemIdLast(ctx, 'DBGetTreeResponse', [['Key', `/${k}`], ['Val', v]]);
    listComplete(ctx, 'DBGetTreeComplete', rows.length);
  });

  on('DBDel', (ctx) => {
    const entry = dbEntry(ctx);
    if (!entry) return;
    if (!m.astdb.delete(normaliseDbKey(`${entry.family}/${entry.key}`))) return error(ctx, 'Database entry not found');
    ok(ctx, [['Message', 'Key deleted successfully']]);
  });

  on('DBDelTree', (ctx) => {
    const family = header(ctx, 'Family');
    const key = header(ctx, 'Key');
    if (family === '') return error(ctx, 'No family specified.');
    const prefix = normaliseDbKey(key === '' ? family : `${family}/${key}`);
    const doomed = [...m.astdb.keys()].filter((k) => k === prefix || k.startsWith(`${prefix}/`));
    if (doomed.length === 0) return error(ctx, 'Database entry not found');
    for (const k of doomed) m.astdb.delete(k);
    ok(ctx, [['Message', 'Key tree deleted successfully']]);
  });

  // ------------------------------------------------------------ call control

  on('Hangup', (ctx) => {
    const target = header(ctx, 'Channel');
    const causeText = header(ctx, 'Cause');
    const cause = /^\d+$/.test(causeText) ? Number(causeText) : 16;
    if (target === '') return error(ctx, 'No channel specified');
    if (target.length > 1 && target.startsWith('/') && target.endsWith('/')) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(target.slice(1, -1));
      } catch {
        return error(ctx, `Regex compile failed on: ${target.slice(1, -1)}`);
      }
      // Capture 05: a list of ChannelHungup items, then the channels go.
      const matched = newestFirst(m).filter((c) => pattern.test(c.name));
      listStart(ctx, 'Channels hung up will follow');
      for (const ch of matched) listItemIdLast(ctx, 'ChannelHungup', [['Channel', ch.name]]);
      listComplete(ctx, 'ChannelsHungupListComplete', matched.length);
      ctx.defer(() => {
        for (const ch of matched) engine.hangupChannel(ch, { request: 'soft', cause });
      });
      return;
    }
    const ch = m.channel(target);
    if (!ch) return error(ctx, 'No such channel');
    ok(ctx, [['Message', 'Channel Hungup']]);
    ctx.defer(() => engine.hangupChannel(ch, { request: 'soft', cause }));
  });

  on('Redirect', (ctx) => {
    const name = header(ctx, 'Channel');
    const context = header(ctx, 'Context');
    const exten = header(ctx, 'Exten');
    const priority = header(ctx, 'Priority');
    if (name === '') return error(ctx, 'Channel not specified');
    if (context === '') return error(ctx, 'Context not specified');
    if (exten === '') return error(ctx, 'Exten not specified');
    if (priority === '') return error(ctx, 'Priority not specified');
    if (!/^\d+$/.test(priority) || Number(priority) < 1) return error(ctx, 'Priority is invalid');
    const ch = m.channel(name);
    if (!ch) return error(ctx, `Channel does not exist: ${name}`);
    ok(ctx, [['Message', 'Redirect successful']]);
    ctx.defer(() => {
      if (ch.alive) engine.redirect(ch, exten, context);
    });
  });

  on('BlindTransfer', (ctx) => {
    const request = transferRequest(ctx);
    if (!request) return;
    const { ch, exten, context } = request;
    if (!ch.bridge || m.peers(ch).length !== 1) return error(ctx, 'Transfer invalid');
    ok(ctx, [['Message', 'Transfer succeeded']]);
    ctx.defer(() => {
      if (ch.alive) engine.blindTransfer(ch, exten, context, true);
    });
  });

  on('Atxfer', (ctx) => {
    const request = transferRequest(ctx);
    if (!request) return;
    const { ch, exten, context } = request;
    ok(ctx, [['Message', 'Atxfer successfully queued']]);
    // The feature runs on the channel; if it is not in a two-party bridge nothing happens.
    ctx.defer(() => {
      if (ch.alive && ch.bridge && m.peers(ch).length === 1) engine.atxfer(ch, exten, context, null);
    });
  });

  on('Park', (ctx) => {
    const name = header(ctx, 'Channel');
    if (name === '') return error(ctx, 'Channel not specified');
    const ch = m.channel(name);
    if (!ch) return error(ctx, `Channel does not exist: ${name}`);
    const lot = header(ctx, 'Parkinglot');
    if (lot !== '' && lot !== m.config.parking.lot) return error(ctx, `Requested parking lot could not be found: ${lot}`);
    if (ch.parkedSpace !== null) return error(ctx, 'Channel is already parked');
    const free = m.parked.size < m.config.parking.last - m.config.parking.first + 1;
    if (!free) return error(ctx, 'Parking lot full');
    const timeoutText = header(ctx, 'Timeout');
    const timeout = /^\d+$/.test(timeoutText) && Number(timeoutText) > 0 ? Number(timeoutText) : undefined;
    const parkerName = header(ctx, 'TimeoutChannel');
    const parker = parkerName === '' ? null : (m.channel(parkerName) ?? null);
    ok(ctx, [['Message', 'Park successful']]);
    ctx.defer(() => {
      if (ch.alive) engine.park(ch, parker, timeout);
    });
  });

  on('ParkedCalls', (ctx) => {
    listStart(ctx, 'Parked calls will follow');
    const now = m.now();
    const parked = [...m.parked.values()].sort((a, b) => a.space - b.space);
    for (const p of parked) {
      listItem(ctx, 'ParkedCall', [
        ...channelBlock(p.parkee, 'Parkee'),
        ['ParkerDialString', p.parkerDial],
        ['Parkinglot', m.config.parking.lot],
        ['ParkingSpace', String(p.space)],
        ['ParkingTimeout', String(Math.max(0, Math.round((p.timeoutAt - now) / 1000)))],
        ['ParkingDuration', String(Math.floor((now - p.parkedAt) / 1000))],
      ]);
    }
    listComplete(ctx, 'ParkedCallsComplete', parked.length, [['Total', String(parked.length)]]);
  });

  on('MixMonitor', (ctx) => {
    const ch = mixMonitorChannel(ctx);
    if (!ch) return;
    // app_mixmonitor answers with a bare Success.
    ok(ctx);
    ctx.defer(() => {
      if (ch.alive) m.mixMonitorStart(ch);
    });
  });

  on('StopMixMonitor', (ctx) => {
    const ch = mixMonitorChannel(ctx);
    if (!ch) return;
    if (ch.mixMonitors === 0) return error(ctx, 'Could not stop monitoring channel');
    ok(ctx);
    ctx.defer(() => {
      if (ch.alive && ch.mixMonitors > 0) m.mixMonitorStop(ch);
    });
  });

  on('Originate', (ctx) => {
    const channel = header(ctx, 'Channel');
    if (channel === '') return error(ctx, 'Channel not specified');
    const priority = header(ctx, 'Priority');
    if (priority !== '' && !/^\d+$/.test(priority)) return error(ctx, 'Invalid priority');
    const timeoutText = header(ctx, 'Timeout');
    if (timeoutText !== '' && !/^-?\d+$/.test(timeoutText)) return error(ctx, 'Invalid timeout');
    if (!channel.includes('/')) return error(ctx, 'Invalid channel');
    const application = header(ctx, 'Application');
    const exten = header(ctx, 'Exten');
    const context = header(ctx, 'Context');
    if (application === '' && exten === '') return error(ctx, 'Originate failed');
    const callerId = parseCallerId(header(ctx, 'Callerid'));
    const async = isTrue(header(ctx, 'Async'));
    const timeout = timeoutText === '' || Number(timeoutText) <= 0 ? 30000 : Number(timeoutText);
    const pending: PendingOriginate = {
      actionId: ctx.actionId,
      async,
      dialString: channel,
      context: context || 'default',
      exten,
      application,
      data: header(ctx, 'Data'),
      callerNum: callerId.num,
      callerName: callerId.name,
    };
    const dial = CallEngine.parseDialString(channel);
    const reachable =
      dial !== null &&
      (dial.tech === 'Local' || (m.extByNumber.get(dial.endpoint)?.available ?? false) || (dial.endpoint === 'trunk' && m.config.trunk));
    if (async) {
      ok(ctx, [['Message', 'Originate successfully queued']]);
      ctx.defer(() => engine.originate(pending, timeout));
      return;
    }
    // A sync Originate answers when the first leg answers or fails (capture 03: `Originate failed`).
    if (!reachable) return error(ctx, 'Originate failed');
    const release = ctx.hold();
    pending.respond = (success) => {
      if (success) ok(ctx, [['Message', 'Originate successfully queued']]);
      else error(ctx, 'Originate failed');
      release();
    };
    ctx.defer(() => engine.originate(pending, timeout));
  });

  return handlers;
}

/** Channels in the order Asterisk's container happens to list them: newest first. */
function newestFirst(m: PbxModel): SimChannel[] {
  return [...m.channels.values()].reverse();
}

/** AstDB entries at `prefix` or below it ('' = all), sorted by key, as DBGetTree and `database show` list them. */
function astdbTree(m: PbxModel, prefix: string): Array<[string, string]> {
  return [...m.astdb].filter(([k]) => prefix === '' || k === prefix || k.startsWith(`${prefix}/`)).sort(([a], [b]) => a.localeCompare(b));
}

function isTrue(text: string): boolean {
  return ['yes', 'true', 'y', 't', '1', 'on'].includes(text.toLowerCase());
}

/** The few CLI commands the demo PBX knows, as `Output:` lines; null = no such command. */
function cliCommand(m: PbxModel, command: string): string[] | null {
  const lower = command.toLowerCase();
  if (lower === 'core show version') return [VERSION_LINE];
  if (lower === 'core show uptime' || lower === 'core show uptime seconds') {
    const up = Math.floor((m.now() - m.bootedAt) / 1000);
    return lower.endsWith('seconds') ? [`System uptime: ${up}`, `Last reload: ${up}`] : [`System uptime: ${up} seconds`, `Last reload: ${up} seconds`];
  }
  if (lower === 'core show channels' || lower === 'core show channels concise') {
    const channels = newestFirst(m);
    const calls = new Set(channels.map((c) => c.linkedid)).size;
    if (lower.endsWith('concise')) {
      return channels.map((c) =>
        [c.name, c.context, c.exten, c.priority, stateWord(c), c.application, c.appData, c.callerNum, '', '', '3', Math.floor((m.now() - c.createdAt) / 1000), c.bridge?.id ?? '', c.uniqueid].join('!'),
      );
    }
    const out = [`${'Channel'.padEnd(64)} ${'Location'.padEnd(32)} ${'State'.padEnd(7)} ${'Application(Data)'.padEnd(30)}`];
    for (const c of channels) {
      const location = `${c.exten}@${c.context}:${c.priority}`;
      out.push(`${c.name.padEnd(64).slice(0, 64)} ${location.padEnd(32).slice(0, 32)} ${stateWord(c).padEnd(7).slice(0, 7)} ${`${c.application}(${c.appData})`.slice(0, 50)}`);
    }
    out.push(`${channels.length} active channel${channels.length === 1 ? '' : 's'}`);
    out.push(`${calls} active call${calls === 1 ? '' : 's'}`);
    out.push(`${m.processedCalls} call${m.processedCalls === 1 ? '' : 's'} processed`);
    return out;
  }
  if (lower === 'database show' || lower.startsWith('database show ')) {
    const prefix = normaliseDbKey(command.slice('database show'.length).trim());
    const rows = astdbTree(m, prefix);
    const width = Math.max(0, ...rows.map(([k]) => k.length + 1));
    return [...rows.map(([k, v]) => `${`/${k}`.padEnd(width)}: ${v}`), `${rows.length} result${rows.length === 1 ? '' : 's'} found.`];
  }
  if (lower === 'pjsip show contacts') {
    // Capture 14; the hash is the first ten hex digits of the contact URI's MD5.
    const rows = m.extensions.filter((e) => e.contact !== '');
    return [
      '',
      '  Contact:  <Aor/ContactUri..............................> <Hash....> <Status> <RTT(ms)..>',
      '='.repeat(90),
      '',
      ...rows.map((e) => `  Contact:  ${`${e.exten}/${e.contact}`.padEnd(46)} ${createHash('md5').update(e.contact).digest('hex').slice(0, 10)} ${'NonQual'.padEnd(7)}${'nan'.padStart(12)}`),
      '',
      `Objects found: ${rows.length}`,
      '',
    ];
  }
  if (lower === 'pjsip show endpoints') {
    return m.extensions.map((e) => ` Endpoint:  ${e.exten.padEnd(40)} ${DEVICE_STATE_TEXT[m.deviceState(`PJSIP/${e.exten}`)]}`);
  }
  return null;
}

function stateWord(ch: SimChannel): string {
  return ch.state === UP ? 'Up' : ch.state === 4 ? 'Ring' : ch.state === 5 ? 'Ringing' : 'Down';
}
