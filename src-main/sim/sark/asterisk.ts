import { localDateTime } from '../pbx-data.js';
import { type AmiFields, amiError, amiList, amiMessage, commandOutput } from './ami-text.js';
import type { Calls } from './calls.js';
import { astdbDel, astdbGet, astdbPut, type SarkChannel, type SarkState } from './state.js';

/*
 * The Asterisk on the SARK box as SARK's AMI gateway sees it: chan_sip peers, hints in context
 * `extensions`, a queue, voicemail, AstDB, calls. Each action SARK sends gets the text Asterisk 16
 * (or 13, whose CLI output still ends in `--END COMMAND--`) writes with events off; nothing here
 * knows about HTTP. Every action is recorded in `state.amiActions`.
 */

export interface AsteriskOptions {
  /** 13: CLI output as raw lines + `--END COMMAND--`; 16: `Output:` lines and no terminator. */
  version: 13 | 16;
  utcOffsetMinutes: number;
}

const HINT_CONTEXT = 'extensions';

function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

export class Asterisk {
  constructor(
    private readonly state: SarkState,
    private readonly calls: Calls,
    private readonly options: AsteriskOptions,
  ) {}

  /** Sends one action (name plus headers) and returns what Asterisk writes back. */
  send(action: string, headers: AmiFields = [], nowMs = Date.now()): string {
    this.state.amiActions.push(amiMessage([['Action', action], ...headers]));
    const header = (name: string) => headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? '';
    switch (action) {
      case 'CoreShowChannels':
        return amiList('Channels will follow', this.calls.live(nowMs).map((c) => ({ event: 'CoreShowChannel', fields: this.channelFields(c, nowMs) })), 'CoreShowChannelsComplete');
      case 'Status':
        return amiList('Channel status will follow', this.calls.live(nowMs).map((c) => ({ event: 'Status', fields: this.statusFields(c, nowMs) })), 'StatusComplete', [['Items', String(this.calls.live(nowMs).length)]]);
      case 'SIPpeers':
        return amiList('Peer status list will follow', this.peers().map((p) => ({ event: 'PeerEntry', fields: p })), 'PeerlistComplete');
      case 'ExtensionStateList':
        return amiList('Extension Statuses will follow', this.sipExtensions().map((ext) => ({ event: 'ExtensionStatus', fields: this.extensionStatus(ext, HINT_CONTEXT, nowMs).slice(0, 5) })), 'ExtensionStateListComplete');
      case 'DeviceStateList':
        return amiList('Device State Changes will follow', this.sipExtensions().map((ext) => ({ event: 'DeviceStateChange', fields: [['Device', `SIP/${ext}`], ['State', this.deviceState(ext, nowMs)]] as AmiFields })), 'DeviceStateListComplete');
      case 'QueueStatus':
        return this.queueStatus(header('Queue'), nowMs);
      case 'QueueSummary':
        return amiList('Queue summary will follow', this.queueNames(header('Queue')).map((q) => ({ event: 'QueueSummary', fields: [['Queue', q], ['LoggedIn', '2'], ['Available', '2'], ['Callers', '0'], ['HoldTime', '0'], ['TalkTime', '0'], ['LongestHoldTime', '0']] as AmiFields })), 'QueueSummaryComplete');
      case 'SIPshowregistry':
        return amiList('Registrations will follow', this.state.trunks.filter((t) => t.register).map((t) => ({ event: 'RegistryEntry', fields: [['Host', t.host ?? ''], ['Port', '5060'], ['Username', t.username ?? ''], ['Domain', t.host ?? ''], ['DomainPort', '5060'], ['Refresh', '105'], ['State', 'Registered'], ['RegistrationTime', String(Math.floor(nowMs / 1000) - 1800)]] as AmiFields })), 'RegistrationsComplete');
      case 'VoicemailUsersList':
        return amiList('Voicemail user list will follow', [...this.state.mailboxes].map(([box, m]) => ({ event: 'VoicemailUserEntry', fields: this.voicemailFields(box, m.fullname, m.email, m.newMessages, m.oldMessages) })), 'VoicemailUserEntryComplete');
      case 'Agents':
        return amiList('Agents will follow', [], 'AgentsComplete');
      case 'IAXpeers':
        return amiList('Peer status list will follow', [], 'PeerlistComplete');
      case 'IAXregistry':
        return amiList('Registrations will follow', [], 'RegistrationsComplete');
      case 'ConfbridgeListRooms':
        return amiError('No active conferences.');
      case 'ConfbridgeList':
        return amiError(header('Conference') === '' ? 'No Conference name provided.' : 'No Conference by that name found.');
      case 'ListCommands':
        return amiMessage([
          ['Response', 'Success'],
          ['AbsoluteTimeout', 'Set absolute timeout.  (Priv: system,call,all)'],
          ['CoreShowChannels', 'List currently active channels.  (Priv: system,reporting,all)'],
          ['ExtensionState', 'Check Extension Status.  (Priv: call,reporting,all)'],
          ['Hangup', 'Hangup channel.  (Priv: system,call,all)'],
          ['Originate', 'Originate a call.  (Priv: originate,all)'],
          ['SIPpeers', 'List SIP peers (text format).  (Priv: system,reporting,all)'],
        ]);
      case 'CoreStatus':
        return this.coreStatus(nowMs);
      case 'CoreSettings':
        return this.coreSettings();
      case 'ExtensionState': {
        const context = header('Context');
        return amiMessage([['Response', 'Success'], ['Message', 'Extension Status'], ...this.extensionStatus(header('Exten'), context, nowMs)]);
      }
      case 'MailboxCount': {
        const box = header('Mailbox').split('@')[0] ?? '';
        const m = this.state.mailboxes.get(box);
        return amiMessage([['Response', 'Success'], ['Message', 'Mailbox Message Count'], ['Mailbox', header('Mailbox')], ['UrgMessages', '0'], ['NewMessages', String(m?.newMessages ?? 0)], ['OldMessages', String(m?.oldMessages ?? 0)]]);
      }
      case 'MailboxStatus': {
        const m = this.state.mailboxes.get(header('Mailbox').split('@')[0] ?? '');
        return amiMessage([['Response', 'Success'], ['Message', 'Mailbox Status'], ['Mailbox', header('Mailbox')], ['Waiting', m && m.newMessages > 0 ? '1' : '0']]);
      }
      case 'SIPshowpeer':
        return this.showPeer(header('Peer'), nowMs);
      case 'Command':
        return this.command(header('Command'));
      case 'Hangup':
        return this.calls.hangup(header('Channel'), nowMs)
          ? amiMessage([['Response', 'Success'], ['Message', 'Channel Hungup']])
          : amiError('No such channel');
      case 'Originate':
        return this.originate(header('Channel'), header('Exten'), nowMs);
      case 'Reload':
        return amiMessage([['Response', 'Success'], ['Message', 'Module Reloaded']]);
      default:
        return amiError(`Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`);
    }
  }

  private sipExtensions(): string[] {
    return [...this.state.extensions.values()].filter((row) => row.device !== 'MAILBOX' && row.technology === 'SIP').map((row) => row.pkey!);
  }

  private onCall(ext: string, nowMs: number): boolean {
    return this.calls.live(nowMs).some((c) => c.channel.startsWith(`SIP/${ext}-`));
  }

  private deviceState(ext: string, nowMs: number): string {
    if (this.onCall(ext, nowMs)) return 'INUSE';
    return this.state.registrations.has(ext) ? 'NOT_INUSE' : 'UNAVAILABLE';
  }

  /** Exten, Context, Hint, Status, StatusText (+ Asterisk 16's nothing else). */
  private extensionStatus(ext: string, context: string, nowMs: number): AmiFields {
    const known = context === HINT_CONTEXT && this.sipExtensions().includes(ext);
    if (!known) return [['Exten', ext], ['Context', context], ['Hint', ''], ['Status', '-1'], ['StatusText', 'Unknown']];
    const state = this.deviceState(ext, nowMs);
    const [status, text] = state === 'INUSE' ? ['1', 'InUse'] : state === 'NOT_INUSE' ? ['0', 'Idle'] : ['4', 'Unavailable'];
    return [['Exten', ext], ['Context', context], ['Hint', `SIP/${ext}`], ['Status', status], ['StatusText', text]];
  }

  private channelFields(c: SarkChannel, nowMs: number): AmiFields {
    return [
      ['Channel', c.channel], ['ChannelState', c.state], ['ChannelStateDesc', c.stateDesc], ['CallerIDNum', c.callerNum], ['CallerIDName', c.callerName],
      ['ConnectedLineNum', c.connectedNum], ['ConnectedLineName', c.connectedName], ['Language', 'en'], ['AccountCode', ''], ['Context', c.context],
      ['Exten', c.exten], ['Priority', c.priority], ['Uniqueid', c.uniqueid], ['Linkedid', c.linkedid], ['BridgeId', c.bridgeId],
      ['Application', c.application], ['ApplicationData', c.applicationData], ['Duration', duration(nowMs - c.startMs)],
    ];
  }

  private statusFields(c: SarkChannel, nowMs: number): AmiFields {
    return [
      ['Channel', c.channel], ['ChannelState', c.state], ['ChannelStateDesc', c.stateDesc], ['CallerIDNum', c.callerNum], ['CallerIDName', c.callerName],
      ['ConnectedLineNum', c.connectedNum], ['ConnectedLineName', c.connectedName], ['Language', 'en'], ['AccountCode', ''], ['Context', c.context],
      ['Exten', c.exten], ['Priority', c.priority], ['Uniqueid', c.uniqueid], ['Linkedid', c.linkedid], ['Type', 'SIP'], ['DNID', ''],
      ['EffectiveConnectedLineNum', c.connectedNum], ['EffectiveConnectedLineName', c.connectedName], ['TimeToHangup', '0'], ['BridgeID', c.bridgeId],
      ['Application', c.application], ['Data', c.applicationData], ['Nativeformats', '(alaw)'], ['Readformat', 'alaw'], ['Readtrans', ''],
      ['Writeformat', 'alaw'], ['Writetrans', ''], ['Callgroup', '0'], ['Pickupgroup', '0'], ['Seconds', String(Math.max(0, Math.floor((nowMs - c.startMs) / 1000)))],
    ];
  }

  private peers(): AmiFields[] {
    const peers: AmiFields[] = [];
    for (const ext of this.sipExtensions()) {
      const reg = this.state.registrations.get(ext);
      peers.push([
        ['Channeltype', 'SIP'], ['ObjectName', ext], ['ChanObjectType', 'peer'], ['IPaddress', reg?.ip ?? '-none-'], ['IPport', reg?.port ?? '0'],
        ['Dynamic', 'yes'], ['AutoForcerport', 'yes'], ['Forcerport', 'yes'], ['AutoComedia', 'no'], ['Comedia', 'no'], ['VideoSupport', 'no'],
        ['TextSupport', 'no'], ['ACL', 'no'], ['Status', reg ? `OK (${reg.rttMs} ms)` : 'UNKNOWN'], ['RealtimeDevice', 'no'], ['Description', ''], ['Accountcode', ''],
      ]);
    }
    for (const trunk of this.state.trunks.filter((t) => t.technology === 'SIP')) {
      peers.push([
        ['Channeltype', 'SIP'], ['ObjectName', trunk.peername ?? trunk.pkey ?? ''], ['ChanObjectType', 'peer'], ['IPaddress', '203.0.113.10'], ['IPport', '5060'],
        ['Dynamic', 'no'], ['AutoForcerport', 'no'], ['Forcerport', 'no'], ['AutoComedia', 'no'], ['Comedia', 'no'], ['VideoSupport', 'no'],
        ['TextSupport', 'no'], ['ACL', 'no'], ['Status', 'OK (24 ms)'], ['RealtimeDevice', 'no'], ['Description', ''], ['Accountcode', ''],
      ]);
    }
    return peers;
  }

  private showPeer(peer: string, nowMs: number): string {
    const row = this.state.extensions.get(peer);
    if (!row || row.device === 'MAILBOX') return amiError(`Peer ${peer} not found.`);
    const reg = this.state.registrations.get(peer);
    return amiMessage([
      ['Response', 'Success'], ['Channeltype', 'SIP'], ['ObjectName', peer], ['ChanObjectType', 'peer'], ['SecretExist', 'Y'], ['RemoteSecretExist', 'N'],
      ['MD5SecretExist', 'N'], ['Context', 'internal'], ['Language', ''], ['Accountcode', ''], ['AMAflags', 'Unknown'],
      ['CID-CallingPres', 'Presentation Allowed, Not Screened'], ['Named Callgroup', row.cluster ?? ''], ['Named Pickupgroup', row.cluster ?? ''],
      ['VoiceMailbox', `${peer}@${row.cluster ?? 'default'}`], ['TransferMode', 'open'], ['Call-limit', '3'], ['Busy-level', '0'], ['Dynamic', 'Y'],
      ['Callerid', `"${row.desc ?? ''}" <${peer}>`], ['RegExpire', reg ? '3547 seconds' : '-1 seconds'], ['SIP-AuthInsecure', 'no'],
      ['SIP-Forcerport', 'a'], ['SIP-Comedia', 'a'], ['ACL', 'N'], ['SIP-DTMFmode', 'rfc2833'], ['ToHost', ''], ['Address-IP', reg?.ip ?? '(null)'],
      ['Address-Port', reg?.port ?? '0'], ['Default-addr-IP', '(null)'], ['Default-addr-port', '0'], ['Default-Username', peer], ['Codecs', '(alaw|ulaw)'],
      ['Status', reg ? `OK (${reg.rttMs} ms)` : 'UNKNOWN'], ['SIP-Useragent', reg ? (row.device ?? '') : ''],
      ['Reg-Contact', reg ? `sip:${peer}@${reg.ip}:${reg.port}` : ''], ['QualifyFreq', '60000 ms'], ['Parkinglot', ''], ['Description', ''],
      ['InUse', this.onCall(peer, nowMs) ? '1' : '0'],
    ]);
  }

  private queueNames(filter: string): string[] {
    return this.state.queues.map((q) => q.pkey ?? '').filter((q) => filter === '' || q === filter);
  }

  private queueStatus(filter: string, nowMs: number): string {
    const events: Array<{ event: string; fields: AmiFields }> = [];
    const members = this.sipExtensions().slice(0, 2);
    for (const queue of this.queueNames(filter)) {
      events.push({ event: 'QueueParams', fields: [['Queue', queue], ['Max', '0'], ['Strategy', 'ringall'], ['Calls', '0'], ['Holdtime', '0'], ['TalkTime', '0'], ['Completed', '0'], ['Abandoned', '0'], ['ServiceLevel', '0'], ['ServicelevelPerf', '0.0'], ['ServicelevelPerf2', '0.0'], ['Weight', '0']] });
      for (const ext of members) {
        const inCall = this.onCall(ext, nowMs);
        events.push({
          event: 'QueueMember',
          fields: [['Queue', queue], ['Name', this.state.extensions.get(ext)?.desc ?? ext], ['Location', `SIP/${ext}`], ['StateInterface', `SIP/${ext}`], ['Membership', 'static'], ['Penalty', '0'], ['CallsTaken', '0'], ['LastCall', '0'], ['LastPause', '0'], ['InCall', inCall ? '1' : '0'], ['Status', inCall ? '2' : this.state.registrations.has(ext) ? '1' : '5'], ['Paused', '0'], ['PausedReason', ''], ['Wrapuptime', '0']],
        });
      }
    }
    return amiList('Queue status will follow', events, 'QueueStatusComplete');
  }

  private voicemailFields(box: string, fullname: string, email: string, fresh: number, old: number): AmiFields {
    return [
      ['VMContext', 'default'], ['VoiceMailbox', box], ['Fullname', fullname], ['Email', email], ['Pager', ''], ['ServerEmail', ''],
      ['MailCommand', '/usr/sbin/sendmail -t'], ['Language', ''], ['TimeZone', ''], ['Callback', ''], ['Dialout', ''], ['UniqueID', ''],
      ['ExitContext', ''], ['SayDurationMinimum', '2'], ['SayEnvelope', 'No'], ['SayCID', 'No'], ['AttachMessage', 'Yes'],
      ['AttachmentFormat', 'wav'], ['DeleteMessage', 'No'], ['VolumeGain', '0.00'], ['CanReview', 'No'], ['CallOperator', 'No'],
      ['MaxMessageCount', '100'], ['MaxMessageLength', '0'], ['NewMessageCount', String(fresh)], ['OldMessageCount', String(old)],
    ];
  }

  private coreStatus(nowMs: number): string {
    const started = localDateTime(this.state.startedMs, this.options.utcOffsetMinutes);
    const reloaded = localDateTime(this.state.startedMs + 4_515_000, this.options.utcOffsetMinutes);
    const calls = new Set(this.calls.live(nowMs).map((c) => c.linkedid)).size;
    return amiMessage([
      ['Response', 'Success'], ['CoreStartupDate', started.slice(0, 10)], ['CoreStartupTime', started.slice(11)], ['CoreReloadDate', reloaded.slice(0, 10)],
      ['CoreReloadTime', reloaded.slice(11)], ['CoreCurrentCalls', String(calls)],
    ]);
  }

  private coreSettings(): string {
    const legacy = this.options.version === 13;
    return amiMessage([
      ['Response', 'Success'], ['AMIversion', legacy ? '2.10.4' : '5.0.3'], ['AsteriskVersion', legacy ? '13.18.3~dfsg-1ubuntu4' : '16.28.0~dfsg-0+deb10u4'],
      ['SystemName', ''], ['CoreMaxCalls', '0'], ['CoreMaxLoadAvg', '0.000000'], ['CoreRunUser', 'asterisk'], ['CoreRunGroup', 'asterisk'],
      ['CoreMaxFilehandles', '0'], ['CoreRealTimeEnabled', 'No'], ['CoreCDRenabled', 'Yes'], ['CoreHTTPenabled', 'No'],
    ]);
  }

  /** The CLI's `database get|put|del` (the only commands SARK sends). */
  private command(line: string): string {
    const legacy = this.options.version === 13;
    const words = line.split(/\s+/).filter((w) => w !== '');
    const [verb, sub, family = '', key = '', ...rest] = words;
    if (verb !== 'database') return commandOutput([`No such command '${line}' (type 'core show help ${verb ?? ''}' for other possible commands)`], legacy);
    if (sub === 'get' && words.length === 4) {
      const value = astdbGet(this.state, family, key);
      return commandOutput([value === undefined ? 'Database entry not found.' : `Value: ${value}`], legacy);
    }
    if (sub === 'put' && words.length === 5) {
      astdbPut(this.state, family, key, rest[0]!);
      return commandOutput(['Updated database successfully'], legacy);
    }
    if (sub === 'del' && words.length === 4) {
      return commandOutput([astdbDel(this.state, family, key) ? 'Database entry removed.' : 'Database entry does not exist.'], legacy);
    }
    return commandOutput([`Usage: database ${sub ?? ''} <family> <key>${sub === 'put' ? ' <value>' : ''}`], legacy);
  }

  /** Synchronous originate of `Local/<caller>@internal` → `<target>`: the caller rings, answers, then the target is dialled. */
  private originate(channel: string, exten: string, nowMs: number): string {
    const caller = /^Local\/(.+)@internal$/.exec(channel)?.[1] ?? '';
    if (!this.state.extensions.has(caller) || !this.state.registrations.has(caller)) return amiError('Originate failed');
    this.calls.originated(caller, exten, nowMs);
    return amiMessage([['Response', 'Success'], ['Message', 'Originate successfully queued']]);
  }
}
