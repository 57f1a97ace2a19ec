/*
 * The demo PBX's own truth: channels, bridges, presence, AstDB and the parking lot, plus one method
 * per AMI event that changes that truth and emits the event exactly as Asterisk 22 formats it. Call
 * flows (calls.ts) are sequences of these primitives; nothing here knows about sockets.
 *
 * Presence is derived, as Asterisk derives it: a device's state comes from its channels (Ringing,
 * in use, held), a hint's ExtensionStatus from its device, the queue's pseudo-devices from the
 * members. A flow may emit a presence event at the exact place the recordings show it (`es`, `dsc`,
 * `qms`, `avail`); whatever changed and was not emitted by the end of a step is flushed then, so the
 * events a client sees always converge on `truth()`.
 */

import type { Clock } from './clock.js';
import type { Extension, PbxConfig } from './config.js';
import {
  bridgeBlock,
  causeText,
  cdrTime,
  channelBlock,
  DEVICE_STATE_NUMBER,
  type BridgeSnapshot,
  type ChannelSnapshot,
  type DeviceState,
  DOWN,
  extensionStatus,
  type Headers,
  RING,
  RINGING,
  STATE_DESC,
  UP,
  unknown,
} from './headers.js';
import type { Random } from '../random.js';

export type EventClass = 'system' | 'call' | 'dialplan' | 'agent' | 'cdr' | 'security' | 'reporting';
export type EventSink = (eventClass: EventClass, headers: Headers) => void;

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

export interface CdrRecord {
  source: string;
  destination: string;
  destinationContext: string;
  callerId: string;
  channel: string;
  destinationChannel: string;
  lastApplication: string;
  lastData: string;
  start: number;
  answer: number | null;
  end: number | null;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED';
  uniqueid: string;
}

/** An outstanding Originate whose first leg has not been answered yet. */
export interface PendingOriginate {
  actionId: string;
  async: boolean;
  dialString: string;
  context: string;
  exten: string;
  application: string;
  data: string;
  callerNum: string;
  callerName: string;
  /** Sync originate: the response is written when the outcome is known. */
  respond?: (ok: boolean) => void;
}

/**
 * What a synthetic call will do, step by step, once its parties are bridged: each step runs `afterMs`
 * after the pair it acts on was bridged. `by` is relative to that pair: `caller` is the side that ran
 * Dial(), `callee` the side that answered. A first step `hangup` by the caller also ends a call that
 * still rings `afterMs` after it started (the caller gives up).
 */
export interface CallStep {
  afterMs: number;
  action: 'hangup' | 'blindTransfer' | 'atxfer' | 'park';
  by: 'caller' | 'callee';
  /** Transfer target. */
  to?: string;
  /** Attended transfer: how long the transferer talks to the target before completing. */
  consultMs?: number;
  /** Park: the phone that picks the call up again (dials the space), or null to let it time out. */
  retrieveBy?: string | null;
  retrieveAfterMs?: number;
}

export interface CallPlan {
  /** Per extension: when it answers this call (null = never). Falls back to the phone's behaviour. */
  answer: Record<string, number | null>;
  steps: CallStep[];
  /** Once the steps are used up, a bridged call still ends after this long (the callee hangs up). */
  fallbackTalkMs?: number;
}

export interface QueueCall {
  caller: SimChannel;
  member: string;
  joinedAt: number;
  answeredAt: number;
}

export interface AtxferState {
  transferee: SimChannel;
  origBridge: SimBridge;
  target: SimChannel | null;
  /** Scripted consultation length; null = until the transferer's phone hangs up. */
  consultMs: number | null;
}

export class SimChannel implements ChannelSnapshot {
  state = DOWN;
  callerNum = '';
  callerName = '';
  connectedNum = '';
  connectedName = '';
  context = 'internal';
  exten = 's';
  priority = 1;
  application = '';
  appData = '';
  answeredAt: number | null = null;
  bridge: SimBridge | null = null;
  held = false;
  moh: string | null = null;
  mixMonitors = 0;
  /** Bumped whenever the channel's current activity is abandoned, so stale scheduled steps do nothing. */
  epoch = 0;
  alive = true;
  /** The channel running Dial() towards this one (this one runs AppDial). */
  dialedBy: SimChannel | null = null;
  /** Outstanding Dial() targets of this channel. */
  readonly dialing = new Set<SimChannel>();
  /** The other half of a Local pair. */
  localPeer: SimChannel | null = null;
  originate: PendingOriginate | null = null;
  atxfer: AtxferState | null = null;
  spying: { mode: 'listen' | 'whisper' | 'barge'; prefix: string; spyee: SimChannel | null } | null = null;
  parkedSpace: number | null = null;
  /** Queue this caller waits in. */
  inQueue = false;
  readonly cdrs: CdrRecord[] = [];
  /** The synthetic call's script, shared by all its channels; null = phones behave as configured. */
  plan: CallPlan | null = null;
  /** First leg of an Originate (events follow capture 06 rather than 07). */
  originated = false;
  queueCall: QueueCall | null = null;
  cdrCount = 0;
  /** Times of the current Dial(), for the ANSWEREDTIME/DIALEDTIME variables. */
  dialStartedAt: number | null = null;
  dialAnsweredAt: number | null = null;

  constructor(
    readonly uniqueid: string,
    public linkedid: string,
    readonly name: string,
    readonly tech: 'PJSIP' | 'Local',
    /** `PJSIP/101`, `PJSIP/trunk`, `Local/101@rg`. */
    readonly device: string,
    /** The PJSIP endpoint (`101`, `trunk`); null for Local channels. */
    readonly endpoint: string | null,
    readonly createdAt: number,
  ) {}
}

export class SimBridge implements BridgeSnapshot {
  readonly channels: SimChannel[] = [];
  constructor(
    readonly id: string,
    readonly createdAt: number,
    readonly type = 'basic',
    public technology = 'simple_bridge',
    readonly creator = '<unknown>',
    readonly name = '<unknown>',
  ) {}

  get size(): number {
    return this.channels.length;
  }
}

export interface ParkedCall {
  space: number;
  parkee: SimChannel;
  parkerDial: string;
  parkedAt: number;
  timeoutAt: number;
}

export interface TruthChannel {
  uniqueid: string;
  linkedid: string;
  name: string;
  state: number;
  stateDesc: string;
  callerIdNum: string;
  callerIdName: string;
  connectedLineNum: string;
  connectedLineName: string;
  context: string;
  exten: string;
  application: string;
  applicationData: string;
  bridgeId: string | null;
  /** The phone this channel belongs to (PJSIP endpoint), or null (Local, trunk). */
  extension: string | null;
  held: boolean;
  parkingSpace: number | null;
  /** MixMonitor running on the channel. */
  recording: boolean;
  /** A ChanSpy channel: how it listens and to whom (Uniqueid), if anyone yet. */
  spying: { mode: 'listen' | 'whisper' | 'barge'; spyee: string | null } | null;
  /** Waiting in the queue. */
  inQueue: boolean;
  createdAt: number;
  answeredAt: number | null;
}

export interface TruthCall {
  linkedid: string;
  channels: TruthChannel[];
}

export interface TruthExtension {
  exten: string;
  name: string;
  hint: string;
  deviceState: DeviceState;
  status: number;
  statusText: string;
  available: boolean;
  dnd: boolean;
  callForward: string | null;
}

export interface SimTruth {
  /** Virtual epoch ms of the snapshot. */
  at: number;
  calls: TruthCall[];
  bridges: Array<{ id: string; type: string; technology: string; channels: string[] }>;
  extensions: TruthExtension[];
  parked: Array<{ space: number; uniqueid: string; channel: string; parkerDialString: string; since: number }>;
  queue: { name: string; exten: string; waiting: string[] };
  astdb: Record<string, string>;
}

const CID_PRES = '0 (Presentation Allowed, Not Screened)';

export class PbxModel {
  readonly channels = new Map<string, SimChannel>();
  readonly byName = new Map<string, SimChannel>();
  readonly bridges = new Map<string, SimBridge>();
  /** `Family/Key` → value. */
  readonly astdb = new Map<string, string>();
  readonly parked = new Map<number, ParkedCall>();
  readonly extensions: readonly Extension[];
  readonly extByNumber = new Map<string, Extension>();
  readonly queueWaiting: SimChannel[] = [];
  readonly queueStats = new Map<string, { callsTaken: number; lastCall: number; inCall: boolean }>();
  queueCompleted = 0;
  queueAbandoned = 0;
  parkingBridge: SimBridge | null = null;
  processedCalls = 0;
  readonly bootedAt: number;

  private uniqueCounter = 0;
  private pjsipCounter = 0;
  private localCounter = 0;
  private readonly devChannels = new Map<string, Set<SimChannel>>();
  private readonly dirty = new Set<string>();
  private readonly shownDevice = new Map<string, DeviceState>();
  private readonly shownHint = new Map<string, number>();
  private readonly shownMember = new Map<string, number>();
  private readonly pendingCdrs: CdrRecord[] = [];
  private readonly queueMembers: Set<string>;

  constructor(
    readonly config: PbxConfig,
    readonly clock: Clock,
    readonly random: Random,
    private readonly sink: EventSink,
  ) {
    this.extensions = config.extensions;
    for (const ext of config.extensions) this.extByNumber.set(ext.exten, ext);
    for (const [key, value] of Object.entries(config.astdb)) this.astdb.set(normaliseDbKey(key), value);
    this.queueMembers = new Set(config.queue.members);
    for (const member of config.queue.members) this.queueStats.set(member, { callsTaken: 0, lastCall: 0, inCall: false });
    this.bootedAt = clock.now();
    // The PBX booted before anyone connected: what a client first sees is the idle state.
    for (const device of this.allDevices()) this.shownDevice.set(device, this.deviceState(device));
    for (const ext of this.extensions) this.shownHint.set(ext.exten, extensionStatus(this.deviceState(`PJSIP/${ext.exten}`)).status);
    for (const member of this.queueMembers) this.shownMember.set(member, DEVICE_STATE_NUMBER[this.deviceState(`PJSIP/${member}`)]);
  }

  now(): number {
    return this.clock.now();
  }

  // ---------------------------------------------------------------- events

  event(eventClass: EventClass, name: string, fields: Headers): void {
    this.sink(eventClass, [['Event', name], ['Privilege', `${eventClass},all`], ...fields]);
  }

  private nextUniqueid(): string {
    return `${Math.floor(this.now() / 1000)}.${this.uniqueCounter++}`;
  }

  private register(ch: SimChannel): void {
    this.channels.set(ch.uniqueid, ch);
    this.byName.set(ch.name, ch);
    let set = this.devChannels.get(ch.device);
    if (!set) this.devChannels.set(ch.device, (set = new Set()));
    set.add(ch);
    this.dirty.add(ch.device);
  }

  /** A PJSIP channel (Newchannel). Caller ID defaults to the endpoint's own. */
  newPjsip(
    endpoint: string,
    options: { linkedid?: string; state?: number; context?: string; exten?: string; callerNum?: string; callerName?: string } = {},
  ): SimChannel {
    const uniqueid = this.nextUniqueid();
    const name = `PJSIP/${endpoint}-${hex8(this.pjsipCounter++)}`;
    const ch = new SimChannel(uniqueid, options.linkedid ?? uniqueid, name, 'PJSIP', `PJSIP/${endpoint}`, endpoint, this.now());
    const ext = this.extByNumber.get(endpoint);
    ch.callerNum = options.callerNum ?? ext?.exten ?? '';
    ch.callerName = options.callerName ?? ext?.name ?? '';
    ch.state = options.state ?? DOWN;
    ch.context = options.context ?? 'internal';
    ch.exten = options.exten ?? 's';
    this.register(ch);
    if (ch.linkedid === ch.uniqueid) this.processedCalls++;
    this.event('call', 'Newchannel', channelBlock(ch));
    return ch;
  }

  /** A Local channel pair `Local/<exten>@<context>-0000000n;1/;2` (two Newchannel events). */
  newLocalPair(exten: string, context: string, linkedid?: string): [SimChannel, SimChannel] {
    const base = `Local/${exten}@${context}-${hex8(this.localCounter++)}`;
    const device = `Local/${exten}@${context}`;
    const oneId = this.nextUniqueid();
    const one = new SimChannel(oneId, linkedid ?? oneId, `${base};1`, 'Local', device, null, this.now());
    const two = new SimChannel(this.nextUniqueid(), one.linkedid, `${base};2`, 'Local', device, null, this.now());
    one.localPeer = two;
    two.localPeer = one;
    for (const ch of [one, two]) {
      ch.context = context;
      ch.exten = exten;
    }
    two.state = RING;
    this.register(one);
    this.register(two);
    if (one.linkedid === one.uniqueid) this.processedCalls++;
    this.event('call', 'Newchannel', channelBlock(one));
    this.event('call', 'Newchannel', channelBlock(two));
    return [one, two];
  }

  newCallerid(ch: SimChannel, num: string, name: string): void {
    ch.callerNum = num;
    ch.callerName = name;
    this.event('call', 'NewCallerid', [...channelBlock(ch), ['CID-CallingPres', CID_PRES]]);
  }

  connectedLine(ch: SimChannel, num: string, name: string): void {
    ch.connectedNum = num;
    ch.connectedName = name;
    this.event('call', 'NewConnectedLine', channelBlock(ch));
  }

  newstate(ch: SimChannel, state: number): void {
    ch.state = state;
    if (state === UP && ch.answeredAt === null) ch.answeredAt = this.now();
    this.dirty.add(ch.device);
    this.event('call', 'Newstate', channelBlock(ch));
  }

  /** A dialplan step: moves the channel and sends Newexten (dialplan class). */
  dialplan(ch: SimChannel, app: string, data: string, where: { exten?: string; priority?: number; context?: string } = {}): void {
    if (where.context !== undefined) ch.context = where.context;
    if (where.exten !== undefined) ch.exten = where.exten;
    if (where.priority !== undefined) ch.priority = where.priority;
    ch.application = app;
    ch.appData = data;
    if (this.config.dialplanEvents) {
      this.event('dialplan', 'Newexten', [...channelBlock(ch), ['Extension', ch.exten], ['Application', app], ['AppData', data]]);
    }
  }

  varset(ch: SimChannel, variable: string, value: string): void {
    if (this.config.dialplanEvents) this.event('dialplan', 'VarSet', [...channelBlock(ch), ['Variable', variable], ['Value', value]]);
  }

  private dialFields(caller: SimChannel | null, dest: SimChannel): Headers {
    return [...(caller ? channelBlock(caller) : []), ...channelBlock(dest, 'Dest')];
  }

  dialBegin(caller: SimChannel | null, dest: SimChannel, dialString: string): void {
    if (caller) caller.dialing.add(dest);
    dest.dialedBy = caller;
    this.event('call', 'DialBegin', [...this.dialFields(caller, dest), ['DialString', dialString]]);
  }

  dialState(caller: SimChannel | null, dest: SimChannel, status: string): void {
    this.event('call', 'DialState', [...this.dialFields(caller, dest), ['DialStatus', status]]);
  }

  dialEnd(caller: SimChannel | null, dest: SimChannel, status: string): void {
    caller?.dialing.delete(dest);
    this.event('call', 'DialEnd', [...this.dialFields(caller, dest), ['DialStatus', status]]);
  }

  // ---------------------------------------------------------------- bridges

  bridgeCreate(kind: { type?: string; technology?: string; creator?: string; name?: string } = {}): SimBridge {
    const bridge = new SimBridge(this.random.uuid(), this.now(), kind.type, kind.technology, kind.creator, kind.name);
    this.bridges.set(bridge.id, bridge);
    this.event('call', 'BridgeCreate', bridgeBlock(bridge));
    return bridge;
  }

  bridgeEnter(bridge: SimBridge, ch: SimChannel, swap?: SimChannel): void {
    bridge.channels.push(ch);
    ch.bridge = bridge;
    // bridge_basic_push: everybody in a basic bridge takes the oldest Linkedid.
    if (bridge.type === 'basic') this.unifyLinkedids(bridge);
    this.event('call', 'BridgeEnter', [...bridgeBlock(bridge), ...channelBlock(ch), ...(swap ? [['SwapUniqueid', swap.uniqueid] as [string, string]] : [])]);
  }

  bridgeLeave(bridge: SimBridge, ch: SimChannel): void {
    const at = bridge.channels.indexOf(ch);
    if (at >= 0) bridge.channels.splice(at, 1);
    if (ch.bridge === bridge) ch.bridge = null;
    this.event('call', 'BridgeLeave', [...bridgeBlock(bridge), ...channelBlock(ch)]);
  }

  bridgeDestroy(bridge: SimBridge): void {
    for (const ch of [...bridge.channels]) if (ch.bridge === bridge) ch.bridge = null;
    bridge.channels.length = 0;
    this.bridges.delete(bridge.id);
    if (this.parkingBridge === bridge) this.parkingBridge = null;
    this.event('call', 'BridgeDestroy', bridgeBlock(bridge));
  }

  private unifyLinkedids(bridge: SimBridge): void {
    let oldest = bridge.channels[0]!.linkedid;
    for (const ch of bridge.channels) if (olderId(ch.linkedid, oldest)) oldest = ch.linkedid;
    for (const ch of bridge.channels) ch.linkedid = oldest;
  }

  // ---------------------------------------------------------------- hangups

  hangupRequest(ch: SimChannel, cause: number | null): void {
    this.event('call', 'HangupRequest', [...channelBlock(ch), ...(cause === null ? [] : [['Cause', String(cause)] as [string, string]])]);
  }

  softHangupRequest(ch: SimChannel, cause: number): void {
    this.event('call', 'SoftHangupRequest', [...channelBlock(ch), ['Cause', String(cause)]]);
  }

  /** The channel's last event: it leaves the model. Its CDRs go out at the end of the step. */
  hangup(ch: SimChannel, cause: number, techCause?: number): void {
    if (!ch.alive) return;
    ch.alive = false;
    ch.epoch++;
    if (ch.bridge) {
      const bridge = ch.bridge;
      const at = bridge.channels.indexOf(ch);
      if (at >= 0) bridge.channels.splice(at, 1);
      ch.bridge = null;
    }
    ch.dialedBy?.dialing.delete(ch);
    for (const target of ch.dialing) target.dialedBy = null;
    ch.dialing.clear();
    const queued = this.queueWaiting.indexOf(ch);
    if (queued >= 0) this.queueWaiting.splice(queued, 1);
    this.channels.delete(ch.uniqueid);
    this.byName.delete(ch.name);
    this.devChannels.get(ch.device)?.delete(ch);
    this.dirty.add(ch.device);
    this.event('call', 'Hangup', [
      ...channelBlock(ch),
      ['Cause', String(cause)],
      ['Cause-txt', causeText(cause)],
      ...(techCause === undefined ? [] : [['TechCause', String(techCause)] as [string, string]]),
    ]);
    const end = this.now();
    for (const cdr of ch.cdrs) {
      cdr.end ??= end;
      if (cdr.lastApplication === 'AppDial2' && ch.answeredAt !== null) {
        // An originated leg that ran an application: the CDR shows where it ended up.
        cdr.lastApplication = ch.application;
        cdr.lastData = ch.appData;
        cdr.destination = ch.exten;
      }
      this.pendingCdrs.push(cdr);
    }
    ch.cdrs.length = 0;
  }

  // ---------------------------------------------------------------- features

  mixMonitorStart(ch: SimChannel): void {
    ch.mixMonitors++;
    this.event('call', 'MixMonitorStart', channelBlock(ch));
  }

  mixMonitorStop(ch: SimChannel): void {
    ch.mixMonitors = Math.max(0, ch.mixMonitors - 1);
    this.event('call', 'MixMonitorStop', channelBlock(ch));
  }

  mohStart(ch: SimChannel, musicClass = 'default'): void {
    ch.moh = musicClass;
    this.event('call', 'MusicOnHoldStart', [...channelBlock(ch), ['Class', musicClass]]);
  }

  mohStop(ch: SimChannel): void {
    if (ch.moh === null) return;
    ch.moh = null;
    this.event('call', 'MusicOnHoldStop', channelBlock(ch));
  }

  hold(ch: SimChannel, musicClass = 'default'): void {
    ch.held = true;
    this.dirty.add(ch.device);
    this.event('call', 'Hold', [...channelBlock(ch), ['MusicClass', musicClass]]);
  }

  unhold(ch: SimChannel): void {
    ch.held = false;
    this.dirty.add(ch.device);
    this.event('call', 'Unhold', channelBlock(ch));
  }

  localBridge(one: SimChannel, two: SimChannel): void {
    this.event('call', 'LocalBridge', [
      ...channelBlock(one, 'LocalOne'),
      ...channelBlock(two, 'LocalTwo'),
      ['Context', two.context],
      ['Exten', two.exten],
      ['LocalOptimization', 'Yes'],
    ]);
  }

  localOptimizationBegin(one: SimChannel, two: SimChannel, source: SimChannel, dest: SimChannel, id: number): void {
    this.event('call', 'LocalOptimizationBegin', [
      ...channelBlock(one, 'LocalOne'),
      ...channelBlock(two, 'LocalTwo'),
      ...channelBlock(source, 'Source'),
      ['DestUniqueId', dest.uniqueid],
      ['Id', String(id)],
    ]);
  }

  localOptimizationEnd(one: SimChannel, two: SimChannel, success: boolean, id: number): void {
    this.event('call', 'LocalOptimizationEnd', [
      ...channelBlock(one, 'LocalOne'),
      ...channelBlock(two, 'LocalTwo'),
      ['Success', success ? 'Yes' : 'No'],
      ['Id', String(id)],
    ]);
  }

  /** OriginateResponse: on failure Channel is the dial string and Uniqueid `<unknown>` (capture 08). */
  originateResponse(pending: PendingOriginate, outcome: { ok: true; channel: SimChannel } | { ok: false; reason: number }): void {
    const fields: Headers = [];
    if (pending.actionId !== '') fields.push(['ActionID', pending.actionId]);
    fields.push(['Response', outcome.ok ? 'Success' : 'Failure']);
    fields.push(['Channel', outcome.ok ? outcome.channel.name : pending.dialString]);
    if (pending.application !== '') {
      fields.push(['Application', pending.application], ['Data', pending.data]);
    } else {
      fields.push(['Context', pending.context], ['Exten', pending.exten]);
    }
    fields.push(['Reason', String(outcome.ok ? 4 : outcome.reason)]);
    fields.push(['Uniqueid', outcome.ok ? outcome.channel.uniqueid : '<unknown>']);
    fields.push(['CallerIDNum', unknown(pending.callerNum)], ['CallerIDName', unknown(pending.callerName)]);
    this.event('call', 'OriginateResponse', fields);
  }

  // ---------------------------------------------------------------- CDR

  /** A CDR row owned by `ch`, emitted when `ch` hangs up. */
  openCdr(ch: SimChannel, fields: Partial<CdrRecord> & { destination: string }): CdrRecord {
    const cdr: CdrRecord = {
      source: ch.callerNum,
      destinationContext: ch.context,
      callerId: ch.callerName === '' ? (ch.callerNum === '' ? '' : `<${ch.callerNum}>`) : `"${ch.callerName}" <${ch.callerNum}>`,
      channel: ch.name,
      destinationChannel: '',
      lastApplication: ch.application,
      lastData: ch.appData,
      start: this.now(),
      answer: null,
      end: null,
      disposition: 'NO ANSWER',
      uniqueid: ch.uniqueid,
      ...fields,
    };
    ch.cdrs.push(cdr);
    return cdr;
  }

  private emitCdr(cdr: CdrRecord): void {
    const end = cdr.end ?? this.now();
    const duration = Math.floor((end - cdr.start) / 1000);
    const billable = cdr.answer === null ? 0 : Math.floor((end - cdr.answer) / 1000);
    this.event('cdr', 'Cdr', [
      ['AccountCode', ''],
      ['Source', cdr.source],
      ['Destination', cdr.destination],
      ['DestinationContext', cdr.destinationContext],
      ['CallerID', cdr.callerId],
      ['Channel', cdr.channel],
      ['DestinationChannel', cdr.destinationChannel],
      ['LastApplication', cdr.lastApplication],
      ['LastData', cdr.lastData],
      ['StartTime', cdrTime(cdr.start)],
      ['AnswerTime', cdr.answer === null ? '' : cdrTime(cdr.answer)],
      ['EndTime', cdrTime(end)],
      ['Duration', String(duration)],
      ['BillableSeconds', String(billable)],
      ['Disposition', cdr.disposition],
      ['AMAFlags', 'DOCUMENTATION'],
      ['UniqueID', cdr.uniqueid],
      ['UserField', ''],
    ]);
  }

  // ---------------------------------------------------------------- presence

  /** Every device the PBX knows, in DeviceStateList order. */
  allDevices(): string[] {
    const devices = this.extensions.map((e) => `PJSIP/${e.exten}`).reverse();
    if (this.config.trunk) devices.unshift('PJSIP/trunk');
    const q = this.config.queue.name;
    for (const member of this.config.queue.members) devices.push(`Queue:${q}_pause_PJSIP/${member}`);
    devices.push(`Queue:${q}_avail`, `Queue:${q}`);
    return devices;
  }

  /** A device's state, derived from its channels as chan_pjsip/chan_local and app_queue do. */
  deviceState(device: string): DeviceState {
    const q = this.config.queue.name;
    if (device === `Queue:${q}`) return this.queueWaiting.length > 0 ? 'RINGING' : 'NOT_INUSE';
    if (device === `Queue:${q}_avail`) {
      for (const member of this.config.queue.members) if (this.deviceState(`PJSIP/${member}`) === 'NOT_INUSE') return 'NOT_INUSE';
      return 'INUSE';
    }
    if (device.startsWith(`Queue:${q}_pause_`)) return 'NOT_INUSE';
    if (device.startsWith('PJSIP/')) {
      const ext = this.extByNumber.get(device.slice(6));
      if (ext && !ext.available) return 'UNAVAILABLE';
    }
    const channels = this.devChannels.get(device);
    if (!channels || channels.size === 0) return 'NOT_INUSE';
    if (device.startsWith('Local/')) return 'INUSE';
    let ringing = false;
    let inUse = false;
    let held = false;
    for (const ch of channels) {
      if (ch.state === RINGING) ringing = true;
      else if (ch.state !== DOWN) {
        if (ch.held) held = true;
        else inUse = true;
      }
    }
    if (ringing) return inUse || held ? 'RINGINUSE' : 'RINGING';
    if (inUse) return 'INUSE';
    if (held) return 'ONHOLD';
    return 'NOT_INUSE';
  }

  /** ExtensionStatus for a hint, if its state changed since last shown. */
  es(exten: string): void {
    if (!this.extByNumber.has(exten)) return;
    const { status, text } = extensionStatus(this.deviceState(`PJSIP/${exten}`));
    if (this.shownHint.get(exten) === status) return;
    this.shownHint.set(exten, status);
    this.event('call', 'ExtensionStatus', [
      ['Exten', exten],
      ['Context', 'internal'],
      ['Hint', `PJSIP/${exten}`],
      ['Status', String(status)],
      ['StatusText', text],
    ]);
  }

  /** DeviceStateChange, if the device's state changed since last shown. */
  dsc(device: string): void {
    const state = this.deviceState(device);
    if (this.shownDevice.get(device) === state) return;
    this.shownDevice.set(device, state);
    this.event('call', 'DeviceStateChange', [
      ['Device', device],
      ['State', state],
    ]);
  }

  /** QueueMemberStatus for a queue member, if its device state changed since last shown. */
  qms(exten: string): void {
    if (!this.queueMembers.has(exten)) return;
    const status = DEVICE_STATE_NUMBER[this.deviceState(`PJSIP/${exten}`)];
    if (this.shownMember.get(exten) === status) return;
    this.shownMember.set(exten, status);
    this.event('agent', 'QueueMemberStatus', this.queueMemberFields(exten, status));
  }

  queueMemberFields(exten: string, status: number): Headers {
    const stats = this.queueStats.get(exten) ?? { callsTaken: 0, lastCall: 0, inCall: false };
    return [
      ['Queue', this.config.queue.name],
      ['MemberName', this.extByNumber.get(exten)?.name ?? exten],
      ['Interface', `PJSIP/${exten}`],
      ['StateInterface', `PJSIP/${exten}`],
      ['Membership', 'static'],
      ['Penalty', '0'],
      ['CallsTaken', String(stats.callsTaken)],
      ['LastCall', String(Math.floor(stats.lastCall / 1000))],
      ['LastPause', '0'],
      ['LoginTime', String(Math.floor(this.bootedAt / 1000))],
      ['InCall', stats.inCall ? '1' : '0'],
      ['Status', String(status)],
      ['Paused', '0'],
      ['PausedReason', ''],
      ['Ringinuse', '0'],
      ['Wrapuptime', '0'],
    ];
  }

  /** The queue's "any member available" pseudo-device. */
  avail(): void {
    this.dsc(`Queue:${this.config.queue.name}_avail`);
  }

  /** The queue's "callers waiting" pseudo-device. */
  queueDevice(): void {
    this.dsc(`Queue:${this.config.queue.name}`);
  }

  /** Presence events for what changed and was not shown yet, then the CDRs of channels that ended. */
  endStep(): void {
    const devices = [...this.dirty];
    this.dirty.clear();
    for (const device of devices) this.dsc(device);
    for (const device of devices) if (device.startsWith('PJSIP/')) this.es(device.slice(6));
    for (const device of devices) if (device.startsWith('PJSIP/')) this.qms(device.slice(6));
    this.avail();
    this.queueDevice();
    const cdrs = this.pendingCdrs.splice(0);
    for (const cdr of cdrs) this.emitCdr(cdr);
  }

  // ---------------------------------------------------------------- lookups

  channel(name: string): SimChannel | undefined {
    return this.byName.get(name);
  }

  /** The other channels in `ch`'s bridge. */
  peers(ch: SimChannel): SimChannel[] {
    return ch.bridge ? ch.bridge.channels.filter((c) => c !== ch) : [];
  }

  isExtension(exten: string): boolean {
    return this.extByNumber.has(exten);
  }

  // ---------------------------------------------------------------- truth

  truth(): SimTruth {
    const calls = new Map<string, TruthChannel[]>();
    for (const ch of this.channels.values()) {
      let list = calls.get(ch.linkedid);
      if (!list) calls.set(ch.linkedid, (list = []));
      list.push({
        uniqueid: ch.uniqueid,
        linkedid: ch.linkedid,
        name: ch.name,
        state: ch.state,
        stateDesc: STATE_DESC[ch.state] ?? 'Unknown',
        callerIdNum: ch.callerNum,
        callerIdName: ch.callerName,
        connectedLineNum: ch.connectedNum,
        connectedLineName: ch.connectedName,
        context: ch.context,
        exten: ch.exten,
        application: ch.application,
        applicationData: ch.appData,
        bridgeId: ch.bridge?.id ?? null,
        extension: ch.endpoint !== null && this.extByNumber.has(ch.endpoint) ? ch.endpoint : null,
        held: ch.held,
        parkingSpace: ch.parkedSpace,
        recording: ch.mixMonitors > 0,
        spying: ch.spying ? { mode: ch.spying.mode, spyee: ch.spying.spyee?.uniqueid ?? null } : null,
        inQueue: ch.inQueue,
        createdAt: ch.createdAt,
        answeredAt: ch.answeredAt,
      });
    }
    const astdb: Record<string, string> = {};
    for (const [key, value] of [...this.astdb].sort(([a], [b]) => a.localeCompare(b))) astdb[`/${key}`] = value;
    return {
      at: this.now(),
      calls: [...calls]
        .sort(([a], [b]) => (olderId(a, b) ? -1 : olderId(b, a) ? 1 : 0))
        .map(([linkedid, channels]) => ({ linkedid, channels })),
      bridges: [...this.bridges.values()].map((b) => ({
        id: b.id,
        type: b.type,
        technology: b.technology,
        channels: b.channels.map((c) => c.uniqueid),
      })),
      extensions: this.extensions.map((ext) => {
        const deviceState = this.deviceState(`PJSIP/${ext.exten}`);
        const { status, text } = extensionStatus(deviceState);
        return {
          exten: ext.exten,
          name: ext.name,
          hint: `PJSIP/${ext.exten}`,
          deviceState,
          status,
          statusText: text,
          available: ext.available,
          dnd: this.astdb.has(`DND/${ext.exten}`),
          callForward: this.astdb.get(`CF/${ext.exten}`) ?? null,
        };
      }),
      parked: [...this.parked.values()]
        .sort((a, b) => a.space - b.space)
        .map((p) => ({ space: p.space, uniqueid: p.parkee.uniqueid, channel: p.parkee.name, parkerDialString: p.parkerDial, since: p.parkedAt })),
      queue: { name: this.config.queue.name, exten: this.config.queue.exten, waiting: this.queueWaiting.map((c) => c.uniqueid) },
      astdb,
    };
  }
}

/** `Family/Key` with the leading slash Asterisk's DBGetTree shows removed. */
export function normaliseDbKey(key: string): string {
  return key.replace(/^\/+/, '');
}

/** `ast_channel_oldest_linkedid`: compares `seconds.counter` ids numerically. */
export function olderId(a: string, b: string): boolean {
  const [as, ac] = a.split('.').map(Number) as [number, number];
  const [bs, bc] = b.split('.').map(Number) as [number, number];
  return as < bs || (as === bs && ac < bc);
}
