import { seedPeople, type SimPerson } from '../pbx-data.js';
import { Random } from '../random.js';
import { type ElastixCdr, seedCdrs } from './cdr.js';
import { seedRecordings } from './recordings.js';
import { generateSipAdditional, type PeerPresence, type SipRow } from './sip-conf.js';

/*
 * The Elastix box behind the API, as plain data the tests compare against: the FreePBX `asterisk`
 * database tables the API writes (`sip`, `users`, `devices`, `findmefollow`), AstDB, the generated
 * `sip_additional.conf` as of the last reload, the phones' registrations, the live channels, the CDR
 * table and the recordings on disk, and the few system figures the status commands scrape.
 * Everything is seeded, so the same seed gives the same box.
 */

/** The 25 SIP keywords the API takes from the form, in their `flags` order (2..26). */
export const FORM_SIP_KEYWORDS = [
  'deny', 'secret', 'dtmfmode', 'canreinvite', 'context', 'host', 'trustrpid', 'sendrpid', 'type', 'nat', 'port', 'qualify',
  'qualifyfreq', 'transport', 'avpf', 'icesupport', 'encryption', 'callgroup', 'pickupgroup', 'dial', 'mailbox', 'permit',
  'callerid', 'callcounter', 'faxdetect',
] as const;
/** The 27 rows `addextension`/`updateextension` write: the form's 25, then `accountcode` ('') and `account`. */
export const API_SIP_KEYWORDS = [...FORM_SIP_KEYWORDS, 'accountcode', 'account'] as const;

export interface UserRow {
  extension: string;
  password: string;
  name: string;
  voicemail: string;
  ringtimer: string;
  noanswer: string;
  recording: string;
  outboundcid: string;
  sipname: string;
  mohclass: string;
  noanswer_cid: string;
  busy_cid: string;
  chanunavail_cid: string;
  noanswer_dest: string;
  busy_dest: string;
  chanunavail_dest: string;
}

export interface DeviceRow {
  id: string;
  tech: string;
  dial: string;
  devicetype: string;
  user: string;
  description: string;
  emergency_cid: string;
}

export const FOLLOW_ME_COLUMNS = [
  'grpnum', 'strategy', 'grptime', 'grppre', 'grplist', 'annmsg_id', 'postdest', 'dring', 'remotealert_id', 'needsconf',
  'toolate_id', 'pre_ring', 'ringing',
] as const;
export type FollowMeColumn = (typeof FOLLOW_ME_COLUMNS)[number];
/** A `findmefollow` row: strings, null where MySQL holds NULL. */
export type FollowMeRow = Record<FollowMeColumn, string | null>;

/** One line of `core show channels verbose`, before the fixed-width columns cut it. */
export interface ActiveChannel {
  channel: string;
  context: string;
  extension: string;
  priority: number;
  state: string;
  application: string;
  data: string;
  callerIdNum: string;
  callerIdName: string;
  connectedNum: string;
  connectedName: string;
  startedMs: number;
  accountcode: string;
  peerAccount: string;
  /** The bridged channel's full name, '' when not bridged. */
  bridgedTo: string;
  uniqueid: string;
}

export interface ParkedCall {
  exten: string;
  channel: string;
  from: string;
  parkedMs: number;
  timeoutSec: number;
  callerIdNum: string;
  callerIdName: string;
}

/** What `uptime`, `df`, `du` and `service iptables status` report. */
export interface SystemState {
  bootMs: number;
  /** Logged-in users; 1 shows `"1 user"` (the API only strips " users"). */
  users: number;
  load: [number, number, number];
  /** LVM root: `df -H /` wraps the device name so line 2 holds the figures; false: no line 2. */
  dfWrapped: boolean;
  iptablesRunning: boolean;
}

export interface ElastixState {
  /** Fixed clock (epoch ms) or null for the wall clock. */
  nowMs: number | null;
  utcOffsetMinutes: number;
  /** The first user section of manager.conf, what `cmd=auth` discloses. */
  ami: { username: string; secret: string };
  sip: SipRow[];
  users: UserRow[];
  devices: DeviceRow[];
  findmefollow: FollowMeRow[];
  /** AstDB as `family/key` -> value, e.g. `AMPUSER/100/followme/grplist`. */
  astdb: Map<string, string>;
  /** Trunk peer names. */
  trunks: string[];
  /** `sip_additional.conf` as written by the last reload: what `sipextensions` and `sippeers` show. */
  sipConf: string;
  /** Registered phones and qualified trunks by peer name; absent: not registered. */
  presence: Map<string, PeerPresence>;
  /** Oldest first (sorted by calldate). */
  cdrs: ElastixCdr[];
  /** Spool-relative path (`/2015/12/05/x.wav` or flat `/x.wav`) -> file bytes. */
  recordings: Map<string, Buffer>;
  channels: ActiveChannel[];
  callsProcessed: number;
  parked: ParkedCall[];
  system: SystemState;
}

export interface SeedOptions {
  seed: number;
  extensions: number;
  firstExtension: number;
  trunks: number;
  followMes: number;
  cdrs: number;
  cdrDays: number;
  nowMs: number | null;
  utcOffsetMinutes: number;
  recordings: number;
  activeCalls: number;
  ami: { username: string; secret: string };
}

export function now(state: ElastixState): number {
  return state.nowMs ?? Date.now();
}

function extensionRows(person: SimPerson, nat: string): SipRow[] {
  const ext = person.extension;
  const data: Record<(typeof API_SIP_KEYWORDS)[number], string> = {
    deny: '0.0.0.0/0.0.0.0', secret: person.secret, dtmfmode: 'rfc2833', canreinvite: 'no', context: 'from-internal', host: 'dynamic',
    trustrpid: 'yes', sendrpid: 'no', type: 'friend', nat, port: '5060', qualify: 'yes', qualifyfreq: '60', transport: 'udp', avpf: 'no',
    icesupport: 'no', encryption: 'no', callgroup: '', pickupgroup: '', dial: `SIP/${ext}`, mailbox: `${ext}@${person.voicemail ? 'default' : 'device'}`,
    permit: '0.0.0.0/0.0.0.0', callerid: `${person.name} <${ext}>`, callcounter: 'yes', faxdetect: 'no', accountcode: '', account: ext,
  };
  return API_SIP_KEYWORDS.map((keyword, i) => ({ id: ext, keyword, data: data[keyword], flags: i + 2 }));
}

export function userRow(extension: string, name: string, voicemail: string): UserRow {
  return {
    extension, password: '', name, voicemail, ringtimer: '0', noanswer: '', recording: '', outboundcid: '', sipname: extension, mohclass: 'default',
    noanswer_cid: '', busy_cid: '', chanunavail_cid: '', noanswer_dest: '', busy_dest: '', chanunavail_dest: '',
  };
}

function trunkRows(index: number, name: string, host: string, secret: string): SipRow[] {
  const details: Array<[string, string]> = [
    ['disallow', 'all'], ['username', name], ['type', 'peer'], ['qualify', 'yes'], ['secret', secret], ['nat', 'auto'], ['insecure', 'port,invite'],
    ['host', host], ['fromuser', name], ['fromdomain', host], ['dtmfmode', 'rfc2833'], ['allow', 'ulaw&alaw'], ['context', `from-trunk-sip-${name}`],
  ];
  const id = `tr-peer-${index + 1}`;
  return [{ id, keyword: 'account', data: name, flags: 2 }, ...details.map(([keyword, data], i) => ({ id, keyword, data, flags: i + 3 }))];
}

/** `followme/*` keys for an extension, as the FreePBX GUI (or this API) leaves them. */
export function followMeAstDb(astdb: Map<string, string>, row: FollowMeRow, enabled: boolean): void {
  const base = `AMPUSER/${row.grpnum}/followme`;
  astdb.set(`${base}/changecid`, 'default');
  astdb.set(`${base}/ddial`, enabled ? 'DIRECT' : 'EXTENSION');
  astdb.set(`${base}/fixedcid`, '');
  astdb.set(`${base}/grpconf`, row.needsconf === 'CHECKED' ? 'ENABLED' : 'DISABLED');
  astdb.set(`${base}/grplist`, row.grplist ?? '');
  astdb.set(`${base}/grptime`, row.grptime ?? '');
  astdb.set(`${base}/prering`, row.pre_ring ?? '');
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function seedChannels(random: Random, people: readonly SimPerson[], trunks: readonly string[], count: number, at: number): ActiveChannel[] {
  const channels: ActiveChannel[] = [];
  if (people.length === 0) return channels;
  let seq = random.int(0x100, 0x2000);
  const base = Math.floor(at / 1000);
  for (let i = 0; i < count; i++) {
    const kind = (['out', 'internal', 'in'] as const)[i % 3];
    const caller = random.pick(people);
    const callee = random.pick(people.filter((p) => p !== caller).length ? people.filter((p) => p !== caller) : people);
    const trunk = trunks[i % Math.max(1, trunks.length)] ?? 'trunk';
    const outside = `05${String(random.int(100_000_000, 999_999_999))}`;
    const ringing = kind === 'in' && i % 2 === 0;
    const startedMs = at - random.int(ringing ? 2 : 15, ringing ? 20 : 1200) * 1000;
    const uid = `${base - random.int(0, 600)}.${seq}`;
    const a = kind === 'in' ? `SIP/${trunk}-${hex8(seq++)}` : `SIP/${caller.extension}-${hex8(seq++)}`;
    const b = kind === 'out' ? `SIP/${trunk}-${hex8(seq++)}` : `SIP/${callee.extension}-${hex8(seq++)}`;
    const fromNum = kind === 'in' ? outside : caller.extension;
    const fromName = kind === 'in' ? outside : caller.name;
    const toNum = kind === 'out' ? outside : callee.extension;
    const toName = kind === 'out' ? outside : callee.name;
    const macro = kind === 'out' ? 'macro-dialout-trunk' : 'macro-dial-one';
    const dialData = kind === 'out' ? `SIP/${trunk}/${outside},300,` : `SIP/${callee.extension},20,TtrIb(func-apply-sipheaders^s^1)`;
    const state = ringing ? 'Ring' : 'Up';
    channels.push({
      channel: a, context: macro, extension: 's', priority: kind === 'out' ? 21 : 52, state, application: 'Dial', data: dialData,
      callerIdNum: fromNum, callerIdName: fromName, connectedNum: toNum, connectedName: toName, startedMs, accountcode: '', peerAccount: '',
      bridgedTo: ringing ? '' : b, uniqueid: uid,
    });
    channels.push({
      channel: b, context: macro, extension: 's', priority: 1, state: ringing ? 'Ringing' : 'Up', application: 'AppDial', data: '(Outgoing Line)',
      callerIdNum: toNum, callerIdName: toName, connectedNum: fromNum, connectedName: fromName, startedMs: startedMs + 3000, accountcode: '',
      peerAccount: '', bridgedTo: ringing ? '' : a, uniqueid: `${uid.split('.')[0]}.${seq}`,
    });
  }
  return channels;
}

export function seedState(options: SeedOptions): ElastixState {
  const random = new Random(options.seed ^ 0xe1a);
  const at = options.nowMs ?? Date.now();
  const people = seedPeople(options.seed, options.extensions, options.firstExtension);
  const trunks = Array.from({ length: options.trunks }, (_, i) => `90${String(2422277777 + i * 11111 + random.int(0, 9999))}`);
  const secret = () => Array.from({ length: 12 }, () => random.pick([...'abcdefghjkmnpqrstuvwxyz23456789'])).join('');

  const sip: SipRow[] = [];
  const users: UserRow[] = [];
  const devices: DeviceRow[] = [];
  const presence = new Map<string, PeerPresence>();
  for (const person of people) {
    sip.push(...extensionRows(person, random.chance(0.2) ? 'yes' : 'no'));
    users.push(userRow(person.extension, person.name, person.voicemail ? 'default' : 'novm'));
    devices.push({ id: person.extension, tech: 'sip', dial: `SIP/${person.extension}`, devicetype: 'fixed', user: person.extension, description: person.name, emergency_cid: '' });
    if (random.chance(0.7)) {
      const latency = random.int(3, 90);
      presence.set(person.extension, { ipAddress: `192.168.1.${random.int(20, 250)}`, port: String(random.chance(0.6) ? 5060 : random.int(1024, 65000)), latencyMs: random.chance(0.03) ? 2300 : latency });
    }
  }
  trunks.forEach((name, i) => {
    const host = `10.10.10.${10 + i}`;
    sip.push(...trunkRows(i, name, host, secret()));
    presence.set(name, { ipAddress: host, port: '5060', latencyMs: i === 1 ? null : random.int(4, 30) });
  });

  const findmefollow: FollowMeRow[] = [];
  const astdb = new Map<string, string>();
  const candidates = [...people];
  for (let i = 0; i < Math.min(options.followMes, people.length); i++) {
    const person = candidates.splice(random.int(0, candidates.length - 1), 1)[0]!;
    const mobile = `06${String(random.int(10_000_000, 99_999_999))}#`;
    const row: FollowMeRow = {
      grpnum: person.extension, strategy: random.pick(['ringallv2', 'ringallv2-prim', 'hunt']), grptime: String(random.pick([15, 20, 30])), grppre: '',
      grplist: `${person.extension}-${mobile}`, annmsg_id: '0', postdest: `ext-local,${person.extension},dest`, dring: '', remotealert_id: '0',
      needsconf: '', toolate_id: '0', pre_ring: String(random.pick([0, 0, 7])), ringing: 'Ring',
    };
    findmefollow.push(row);
    followMeAstDb(astdb, row, random.chance(0.7));
  }

  const cdrs = seedCdrs({ seed: options.seed, count: options.cdrs, people, trunks, endMs: at, days: options.cdrDays, utcOffsetMinutes: options.utcOffsetMinutes });
  const channels = seedChannels(random, people, trunks, options.activeCalls, at);
  const parkedFrom = people[0];
  const parked: ParkedCall[] =
    options.activeCalls > 0 && parkedFrom
      ? [{ exten: '71', channel: `SIP/${trunks[0] ?? 'trunk'}-${hex8(random.int(0x3000, 0x4000))}`, from: `SIP/${parkedFrom.extension}-${hex8(random.int(0x3000, 0x4000))}`, parkedMs: at - 12_000, timeoutSec: 45, callerIdNum: `05${random.int(100_000_000, 999_999_999)}`, callerIdName: '' }]
      : [];

  return {
    nowMs: options.nowMs,
    utcOffsetMinutes: options.utcOffsetMinutes,
    ami: { ...options.ami },
    sip,
    users,
    devices,
    findmefollow,
    astdb,
    trunks,
    sipConf: generateSipAdditional(sip),
    presence,
    cdrs,
    recordings: seedRecordings(cdrs, options.recordings),
    channels,
    callsProcessed: cdrs.length + Math.floor(channels.length / 2),
    parked,
    system: { bootMs: at - (3 * 3600 + 25 * 60) * 1000 - random.int(0, 59) * 1000, users: 5, load: [0.19, 0.19, 0.25], dfWrapped: true, iptablesRunning: true },
  };
}
