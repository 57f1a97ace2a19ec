import { type SimCdr, type SimPerson, generateCdrs, localDateTime, seedPeople } from '../pbx-data.js';
import { Random } from '../random.js';
import type { Generation } from './laravel.js';

/*
 * The SARK box behind the API: the SQLite tables the controllers read (IPphone, speed, Queue, lineio,
 * cluster; every column TEXT, so every value a string or null), Asterisk's AstDB (call forwarding
 * lives there, not in the tables), the calls in progress, the SIP registrations, the Master.csv
 * history, and what the API asked Asterisk to do. Tests read it as the truth and may change it to
 * arrange a precondition (stop the PBX, add a call).
 */

/** A row as PDO returns it from SQLite under PHP 7: strings and nulls. */
export type Row = Record<string, string | null>;

/** IPphone columns (sail-6.0.1 db_v4_create.sql), hidden ones included. */
export const EXTENSION_COLUMNS = [
  'pkey', 'abstimeout', 'active', 'basemacaddr', 'callbackto', 'callerid', 'cellphone', 'celltwin', 'channel', 'cluster', 'desc', 'device',
  'devicemodel', 'devicerec', 'dialstring', 'dvrvmail', 'extalert', 'externalip', 'firstseen', 'lastseen', 'location', 'macaddr', 'newformat',
  'openfirewall', 'passwd', 'protocol', 'provision', 'provisionwith', 'sipiaxfriend', 'sndcreds', 'stealtime', 'stolen', 'technology', 'tls',
  'transport', 'twin', 'vmailfwd', 'z_created', 'z_updated', 'z_updater',
] as const;

/** `protected $hidden` of App\Extension. */
export const EXTENSION_HIDDEN: ReadonlySet<string> = new Set(['abstimeout', 'channel', 'dialstring', 'externalip', 'newformat', 'openfirewall', 'sipiaxfriend', 'tls', 'twin']);

/** `speed` columns. */
export const RING_GROUP_COLUMNS = [
  'pkey', 'callerid', 'calleridname', 'cluster', 'devicerec', 'dialparamshunt', 'dialparamsring', 'divert', 'greeting', 'grouptype', 'longdesc',
  'obeydnd', 'out', 'outcome', 'outcomerouteclass', 'pagegroup', 'ringdelay', 'speedalert', 'trunk', 'z_created', 'z_updated', 'z_updater',
] as const;

/** `protected $hidden` of App\RingGroup. */
export const RING_GROUP_HIDDEN: ReadonlySet<string> = new Set(['callerid', 'calleridname', 'greeting', 'outcomerouteclass', 'trunk']);

/** The chan_sip peer template App\Extension puts in `sipiaxfriend` (hidden). */
export const SIPIAXFRIEND =
  'type=peer\ndefaultuser=$desc\nsecret=$password\nmailbox=$ext@$clst\nhost=dynamic\nqualify=yes\ncontext=internal\ncall-limit=3\ncallerid="$desc" <$ext>\ncanreinvite=no\nsubscribecontext=$subtxt\nnamedcallgroup=$clst\nnamedpickupgroup=$clst\ndisallow=all \nallow=alaw\nallow=ulaw\nnat=$nat\ntransport=$transport\nencryption=$encryption';

/** A channel as CoreShowChannels describes it. */
export interface SarkChannel {
  channel: string;
  /** `6` Up, `5` Ringing, `4` Ring. */
  state: string;
  stateDesc: string;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  context: string;
  exten: string;
  priority: string;
  uniqueid: string;
  linkedid: string;
  bridgeId: string;
  application: string;
  applicationData: string;
  /** Epoch ms the channel was created (Duration counts from here). */
  startMs: number;
  /** Epoch ms the call ends by itself; absent: until hung up. */
  endsAtMs?: number;
}

/** A SIP phone's registration (chan_sip peer with a contact). */
export interface SarkRegistration {
  ip: string;
  port: string;
  /** Qualify round trip. */
  rttMs: number;
}

export interface SarkMailbox {
  fullname: string;
  email: string;
  newMessages: number;
  oldMessages: number;
}

export interface OriginateRecord {
  caller: string;
  target: string;
  clid: string;
  /** The AMI action SARK wrote to Asterisk. */
  ami: string;
  atMs: number;
}

export interface SarkUser {
  id: number;
  name: string;
  email: string;
  password: string;
  /** `role == "isAdmin"`: login issues a token with the `admin:isAdmin` ability. */
  admin: boolean;
  createdAt: string;
}

export interface SarkToken {
  id: number;
  userId: number;
  /** sha256 of the plain-text part, as Sanctum stores it. */
  hash: string;
  abilities: string[];
}

export interface SarkState {
  readonly generation: Generation;
  /** `ps -e | grep asterisk`: false makes the AMI endpoints answer 503. */
  pbxRunning: boolean;
  readonly clusters: string[];
  readonly extensions: Map<string, Row>;
  readonly ringGroups: Map<string, Row>;
  readonly queues: Row[];
  readonly trunks: Row[];
  /** AstDB: family → key → value (`cfim`, `cfbs`, `ringdelay` keyed by extension). */
  readonly astdb: Map<string, Map<string, string>>;
  readonly registrations: Map<string, SarkRegistration>;
  readonly mailboxes: Map<string, SarkMailbox>;
  /** Calls in progress; ended ones are pruned when read. */
  channels: SarkChannel[];
  /** Master.csv, oldest first. */
  readonly cdrs: readonly SimCdr[];
  /** Every originate the API sent, in order. */
  readonly originates: OriginateRecord[];
  /** Every AMI action the API sent (without Login/Logoff), in order. */
  readonly amiActions: string[];
  /** L11: login users and their personal access tokens. */
  readonly users: SarkUser[];
  readonly tokens: Map<number, SarkToken>;
  /** personal_access_tokens' autoincrement. */
  nextTokenId: number;
  /** When the PBX started (CoreStatus). */
  readonly startedMs: number;
}

export interface StateOptions {
  seed: number;
  generation: Generation;
  extensions: number;
  firstExtension: number;
  cdrs: number;
  cdrDays: number;
  nowMs: number;
  utcOffsetMinutes: number;
  users: Record<string, string>;
  nonAdminUsers: readonly string[];
}

const TEMPLATE_DATE = '2024-03-01 10:00:00';

function hex(random: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(random.next() * 16).toString(16);
  return out;
}

function extensionRow(person: SimPerson, random: Random, created: string): Row {
  const roll = random.next();
  const device = roll < 0.75 ? 'General SIP' : roll < 0.9 ? 'Yealink T46S' : 'Snom D725';
  const provisioned = device !== 'General SIP';
  const mac = provisioned ? (device.startsWith('Yealink') ? '805ec0' : '000413') + hex(random, 6) : null;
  const twin = random.chance(0.1);
  const row: Row = Object.fromEntries(EXTENSION_COLUMNS.map((c) => [c, null]));
  Object.assign(row, {
    pkey: person.extension,
    abstimeout: '14400',
    active: 'YES',
    callbackto: 'desk',
    cellphone: twin ? `447700${random.int(100000, 999999)}` : null,
    celltwin: twin ? 'ON' : null,
    cluster: 'default',
    desc: person.name,
    device,
    devicerec: 'default',
    firstseen: provisioned ? created : null,
    lastseen: provisioned ? created : null,
    location: 'local',
    macaddr: mac,
    passwd: person.secret,
    protocol: 'IPV4',
    provision: provisioned ? `#INCLUDE ${device}\n#INCLUDE ${device}.udp\n#INCLUDE ${device}.ipv4` : null,
    provisionwith: 'IP',
    sipiaxfriend: SIPIAXFRIEND,
    sndcreds: 'Always',
    technology: 'SIP',
    transport: 'udp',
    vmailfwd: person.voicemail ? person.email : null,
    z_created: created,
    z_updated: created,
    z_updater: 'system',
  });
  return row;
}

function ringGroupRow(values: Partial<Row>): Row {
  const row: Row = Object.fromEntries(RING_GROUP_COLUMNS.map((c) => [c, null]));
  Object.assign(row, {
    cluster: 'default',
    devicerec: 'default',
    dialparamshunt: 'cIkt',
    dialparamsring: 'ciIkt',
    grouptype: 'Ring',
    obeydnd: 'NO',
    outcome: 'Operator',
    outcomerouteclass: '100',
    ringdelay: '20',
    z_created: TEMPLATE_DATE,
    z_updated: TEMPLATE_DATE,
    z_updater: 'system',
    ...values,
  });
  return row;
}

export function createState(options: StateOptions): SarkState {
  const random = new Random(options.seed ^ 0x5a4c);
  const people = seedPeople(options.seed, options.extensions, options.firstExtension);
  const created = localDateTime(options.nowMs - 400 * 86_400_000, options.utcOffsetMinutes);
  const extensions = new Map<string, Row>();
  const registrations = new Map<string, SarkRegistration>();
  const mailboxes = new Map<string, SarkMailbox>();
  const astdb = new Map<string, Map<string, string>>([
    ['cfim', new Map()],
    ['cfbs', new Map()],
    ['ringdelay', new Map()],
  ]);
  for (const person of people) {
    extensions.set(person.extension, extensionRow(person, random, created));
    if (random.chance(0.8)) registrations.set(person.extension, { ip: `192.168.1.${random.int(20, 250)}`, port: String(random.chance(0.7) ? 5060 : random.int(1024, 65000)), rttMs: random.int(2, 60) });
    if (person.voicemail) mailboxes.set(person.extension, { fullname: person.name, email: person.email, newMessages: random.int(0, 3), oldMessages: random.int(0, 12) });
    if (random.chance(0.06)) astdb.get('cfim')!.set(person.extension, `07700900${random.int(100, 999)}`);
    if (random.chance(0.03)) astdb.get('cfbs')!.set(person.extension, `07700900${random.int(100, 999)}`);
    if (random.chance(0.1)) astdb.get('ringdelay')!.set(person.extension, String(random.pick([15, 20, 30])));
  }
  const pkeys = [...extensions.keys()];
  const ringGroups = new Map<string, Row>();
  if (pkeys.length > 0) {
    ringGroups.set('600', ringGroupRow({ pkey: '600', longdesc: 'Sales', out: pkeys.slice(0, 3).join(' ') }));
    ringGroups.set('610', ringGroupRow({ pkey: '610', longdesc: 'Support', grouptype: 'Hunt', out: pkeys.slice(3, 6).join(' ') || pkeys[0]!, ringdelay: '15' }));
  }
  const queues: Row[] = [
    { id: '1', pkey: 'q1', cluster: 'default', conf: 'strategy=ringall\ntimeout=20', devicerec: 'None', greetnum: 'None', name: 'q1', options: 't', outcome: 'Operator', timeout: '60', z_created: TEMPLATE_DATE, z_updated: TEMPLATE_DATE, z_updater: 'system' },
  ];
  const trunks: Row[] = [
    { pkey: 'trunk1', active: 'YES', carrier: 'GeneralSIP', cluster: 'default', description: 'Provider', host: 'sip.provider.example', peername: 'trunk1', technology: 'SIP', trunkname: 'trunk1', register: 'acct123:******@sip.provider.example/acct123', username: 'acct123' },
  ];
  const cdrs = generateCdrs({ seed: options.seed, count: options.cdrs, people, endMs: options.nowMs, days: options.cdrDays, utcOffsetMinutes: options.utcOffsetMinutes });
  const nonAdmin = new Set(options.nonAdminUsers);
  const users: SarkUser[] = Object.entries(options.users).map(([email, password], i) => ({
    id: i + 1,
    name: email.split('@')[0] ?? email,
    email,
    password,
    admin: !nonAdmin.has(email),
    createdAt: '2024-03-01T10:00:00.000000Z',
  }));
  return {
    generation: options.generation,
    pbxRunning: true,
    clusters: ['default'],
    extensions,
    ringGroups,
    queues,
    trunks,
    astdb,
    registrations,
    mailboxes,
    channels: [],
    cdrs,
    originates: [],
    amiActions: [],
    users,
    tokens: new Map(),
    nextTokenId: 1,
    startedMs: options.nowMs - 3 * 86_400_000 - 4 * 3_600_000,
  };
}

/** The AstDB value or undefined. */
export function astdbGet(state: SarkState, family: string, key: string): string | undefined {
  return state.astdb.get(family)?.get(key);
}

export function astdbPut(state: SarkState, family: string, key: string, value: string): void {
  let map = state.astdb.get(family);
  if (!map) state.astdb.set(family, (map = new Map()));
  map.set(key, value);
}

export function astdbDel(state: SarkState, family: string, key: string): boolean {
  return state.astdb.get(family)?.delete(key) ?? false;
}
