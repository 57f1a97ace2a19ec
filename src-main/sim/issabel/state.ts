import { seedPeople } from '../pbx-data.js';
import { Random } from '../random.js';

/*
 * The PBX behind the API, stored the way IssabelPBX stores it, because the API's oddities come from
 * that storage: an extension is a `users` row, a `devices` row, keyword rows in the tech table
 * (`sip`), AstDB keys under AMPUSER/<ext> and CW/<ext>, and a voicemail.conf line; follow-me is a
 * `findmefollow` row plus AstDB AMPUSER/<ext>/followme/*, and it is *on* only while
 * AMPUSER/<ext>/followme/ddial is DIRECT. Ring groups are `ringgroups` rows plus RINGGROUP/<g>/*.
 * Reading through the same storage makes a `manager/dbput` show up in `GET /extensions/{ext}`, as on
 * a real box. Tests read this as the truth.
 */

export type IssabelGeneration = 'A' | 'B' | 'C';
export type ExtensionTech = 'sip' | 'pjsip' | 'iax2' | 'virtual' | 'dahdi' | 'custom';

/** The `users` table columns the API reads and writes. */
export interface UsersRow {
  name: string;
  /** `default` (has a mailbox) or `novm`. */
  voicemail: string;
  ringtimer: string;
  outboundcid: string;
  sipname: string;
  noanswer_cid: string;
  busy_cid: string;
  chanunavail_cid: string;
  noanswer_dest: string;
  busy_dest: string;
  chanunavail_dest: string;
}

export interface VoicemailBox {
  pin: string;
  email: string;
  pager: string;
  /** voicemail.conf options (`attach=yes|saycid=no|…`). */
  options: Record<string, string>;
}

export interface SimExtension {
  extension: string;
  /** `virtual`: a users row without a device. */
  tech: ExtensionTech;
  users: UsersRow;
  /** devices.dial (`SIP/101`); '' for virtual. */
  dial: string;
  /** devices.emergency_cid. */
  emergencyCid: string;
  /** Keyword rows of the tech table (`secret`, `context`, `dtmfmode`, `nat`…); empty for virtual and custom. */
  device: Record<string, string>;
  /** The voicemail.conf [default] entry, or null. */
  voicemailBox: VoicemailBox | null;
  /** The phone has a contact: its hint is not Unavailable and calls to it are answered. */
  registered: boolean;
}

/** A `findmefollow` row (every column as stored). */
export interface FollowMeRow {
  strategy: string;
  grptime: string;
  grppre: string;
  /** `-`-joined numbers, `#` suffix for external ones. */
  grplist: string;
  annmsg_id: string;
  postdest: string;
  dring: string;
  remotealert_id: string;
  needsconf: string;
  toolate_id: string;
  pre_ring: string;
  ringing: string;
}

/** A `ringgroups` row. Checkbox columns hold `CHECKED`, `off` (written by the API) or '' (written by the GUI). */
export interface SimRingGroup {
  grpnum: string;
  description: string;
  strategy: string;
  grptime: string;
  grppre: string;
  grplist: string;
  annmsg_id: string;
  postdest: string;
  alertinfo: string;
  needsconf: string;
  remotealert_id: string;
  toolate_id: string;
  ringing: string;
  cfignore: string;
  cwignore: string;
  cpickup: string;
  recording: string;
}

export interface QueueMember {
  /** `SIP/101` */
  interface: string;
  name: string;
  penalty: string;
  paused: boolean;
  dynamic: boolean;
}

export interface SimQueue {
  extension: string;
  name: string;
  strategy: string;
  timeout: string;
  /** Static members from the queue's configuration, `SIP/101,0`. */
  staticMembers: string[];
  /** Runtime members (static ones plus those added with QueueAdd). */
  members: QueueMember[];
  completed: number;
  abandoned: number;
}

export interface SimTrunk {
  id: string;
  name: string;
  technology: string;
  channelName: string;
  host: string;
  username: string;
  secret: string;
}

export interface SimRecording {
  id: string;
  name: string;
  description: string;
  files: string[];
}

/** A channel of a call set up by `manager/originate`, as `manager/status` reports it. */
export interface SimChannel {
  name: string;
  uniqueid: string;
  linkedid: string;
  bridgeId: string;
  callerIdNum: string;
  callerIdName: string;
  connectedNum: string;
  connectedName: string;
  accountcode: string;
  context: string;
  exten: string;
  priority: string;
  application: string;
  data: string;
  startMs: number;
  /** The extension whose phone this channel is on, if any. */
  extension: string | null;
}

export interface OriginateRecord {
  atMs: number;
  params: Record<string, string>;
  response: 'Success' | 'Error';
  message: string;
  /** The first leg, when the call came up. */
  channel: string | null;
}

export type AmiMode = 'up' | 'down' | 'auth';

export interface IssabelState {
  readonly generation: IssabelGeneration;
  /** By extension number. */
  readonly extensions: Map<string, SimExtension>;
  /** The findmefollow table, by extension. A row alone does not mean follow-me is on; see followMeEnabled(). */
  readonly followme: Map<string, FollowMeRow>;
  readonly ringGroups: Map<string, SimRingGroup>;
  readonly queues: Map<string, SimQueue>;
  readonly trunks: SimTrunk[];
  readonly recordings: SimRecording[];
  /** AstDB as `family/key` → value: `CF/101`, `DND/101`, `AMPUSER/101/followme/ddial`. */
  readonly astdb: Map<string, string>;
  /** Completed apply-changes runs (`amportal a r`), one per write unless the request disabled it. */
  reloads: number;
  /** Changes were written with reload disabled (or a delete stopped half-way) and not applied yet. */
  pendingChanges: boolean;
  /** AMI `Reload` actions sent through manager/reload (not apply-changes). */
  amiReloads: number;
  readonly originates: OriginateRecord[];
  /** Live channels by name. */
  readonly channels: Map<string, SimChannel>;
  /** The AMI the API talks to: up, refusing connections, or refusing the login. */
  ami: AmiMode;
}

/** Follow-me is active: AMPUSER/<ext>/followme/ddial is DIRECT (what the dialplan checks). */
export function followMeEnabled(state: IssabelState, extension: string): boolean {
  return state.astdb.get(`AMPUSER/${extension}/followme/ddial`) === 'DIRECT';
}

export interface SeedOptions {
  generation: IssabelGeneration;
  seed: number;
  extensions: number;
  firstExtension: number;
  ringGroups: number;
}

const GROUP_NAMES = ['Sales', 'Support', 'Reception', 'Accounts', 'Warehouse', 'Management', 'Night', 'Overflow'];

/** The sip keyword rows create_param writes for a new extension, in flags order. */
export function sipDefaults(extension: string, secret: string, context: string, dial: string): Record<string, string> {
  return {
    secret,
    dtmfmode: 'rfc2833',
    canreinvite: 'no',
    context,
    host: 'dynamic',
    trustrpid: 'yes',
    sendrpid: 'no',
    type: 'friend',
    nat: 'yes',
    port: '5060',
    qualify: 'yes',
    qualifyfreq: '60',
    transport: 'udp',
    avpf: 'no',
    icesupport: 'no',
    force_avp: 'no',
    dtlsenable: 'no',
    dtlsverify: 'no',
    dtlssetup: 'actpass',
    encryption: 'no',
    callgroup: '',
    pickupgroup: '',
    disallow: '',
    allow: '',
    dial,
    accountcode: '',
    parkinglot: 'default',
    mailbox: `${extension}@device`,
    deny: '0.0.0.0/0.0.0.0',
    permit: '0.0.0.0/0.0.0.0',
    account: extension,
    callerid: `device <${extension}>`,
    dtlscertfile: '',
    dtlsprivatekey: '',
  };
}

export function iaxDefaults(extension: string, secret: string, context: string, dial: string): Record<string, string> {
  return {
    secret,
    transfer: 'yes',
    context,
    host: 'dynamic',
    type: 'friend',
    port: '4569',
    qualify: 'yes',
    disallow: 'all',
    allow: 'ulaw',
    dial,
    accountcode: '',
    mailbox: `${extension}@device`,
    deny: '0.0.0.0/0.0.0.0',
    permit: '0.0.0.0/0.0.0.0',
    requirecalltoken: 'yes',
    account: extension,
    callerid: `device <${extension}>`,
    setvar: `REALCALLERIDNUM=${extension}`,
  };
}

export function dahdiDefaults(extension: string, context: string, dial: string): Record<string, string> {
  return {
    channel: '1',
    context,
    immediate: 'no',
    signalling: 'fxo_ks',
    echocancel: 'yes',
    echocancelwhenbridged: 'no',
    echotraining: '800',
    busydetect: 'no',
    busycount: '7',
    callprogress: 'no',
    dial,
    accountcode: '',
    callgroup: '',
    pickupgroup: '',
    mailbox: `${extension}@device`,
    account: extension,
    callerid: `device <${extension}>`,
  };
}

/** The keyword rows of a new device of `tech` (pjsip: the sip set plus max_contacts, as the 2022 PJSIP support stores it). */
export function deviceDefaults(tech: ExtensionTech, extension: string, secret: string, context: string, dial: string): Record<string, string> {
  switch (tech) {
    case 'sip':
      return sipDefaults(extension, secret, context, dial);
    case 'pjsip':
      return { ...sipDefaults(extension, secret, context, dial), max_contacts: '1' };
    case 'iax2':
      return iaxDefaults(extension, secret, context, dial);
    case 'dahdi':
      return dahdiDefaults(extension, context, dial);
    default:
      return {};
  }
}

export function emptyUsersRow(name: string): UsersRow {
  return {
    name,
    voicemail: 'novm',
    ringtimer: '0',
    outboundcid: '',
    sipname: '',
    noanswer_cid: '',
    busy_cid: '',
    chanunavail_cid: '',
    noanswer_dest: '',
    busy_dest: '',
    chanunavail_dest: '',
  };
}

/** The AstDB keys create_user writes for a new extension (before it deletes the dictation and follow-me trees it does not want). */
export function ampuserDefaults(extension: string, name: string, voicemail: string): Record<string, string> {
  return {
    answermode: 'disabled',
    cfringtimer: '0',
    cidname: name,
    cidnum: extension,
    concurrency_limit: '0',
    device: extension,
    language: '',
    noanswer: '',
    outboundcid: '',
    password: '',
    'queues/qnostate': 'usestate',
    recording: '',
    pinless: '',
    'recording/in/external': 'dontcare',
    'recording/in/internal': 'dontcare',
    'recording/ondemand': 'disabled',
    'recording/out/external': 'dontcare',
    'recording/out/internal': 'dontcare',
    'recording/priority': '0',
    ringtimer: '0',
    voicemail,
  };
}

function mobile(random: Random): string {
  return `06${String(random.int(10_000_000, 99_999_999))}`;
}

/** The seeded office: people from pbx-data on phones, some with follow-me, call forward or DND, a few ring groups, a queue, a trunk. */
export function seedState(options: SeedOptions): IssabelState {
  const random = new Random(options.seed ^ 0x155abe1);
  const state: IssabelState = {
    generation: options.generation,
    extensions: new Map(),
    followme: new Map(),
    ringGroups: new Map(),
    queues: new Map(),
    trunks: [],
    recordings: [],
    astdb: new Map(),
    reloads: 0,
    pendingChanges: false,
    amiReloads: 0,
    originates: [],
    channels: new Map(),
    ami: 'up',
  };
  const people = seedPeople(options.seed, options.extensions, options.firstExtension);
  for (const person of people) {
    const roll = random.next();
    // PJSIP extensions exist only since the 2022 API; the 2018-19 API lists SIP rows only.
    let tech: ExtensionTech = roll < 0.03 ? 'virtual' : roll < 0.25 ? 'pjsip' : 'sip';
    if (options.generation === 'A' && tech === 'pjsip') tech = 'sip';
    const ext = person.extension;
    const dial = tech === 'virtual' ? '' : `${tech === 'pjsip' ? 'PJSIP' : 'SIP'}/${ext}`;
    const users = emptyUsersRow(person.name);
    users.voicemail = person.voicemail ? 'default' : 'novm';
    state.extensions.set(ext, {
      extension: ext,
      tech,
      users,
      dial,
      emergencyCid: '',
      device: deviceDefaults(tech, ext, person.secret, 'from-internal', dial),
      voicemailBox: person.voicemail
        ? { pin: String(random.int(1000, 9999)), email: person.email, pager: '', options: { attach: 'yes', saycid: 'no', envelope: 'no', delete: 'no' } }
        : null,
      registered: tech !== 'virtual' && random.chance(0.9),
    });
    for (const [key, value] of Object.entries(ampuserDefaults(ext, person.name, users.voicemail))) state.astdb.set(`AMPUSER/${ext}/${key}`, value);
    state.astdb.set(`CW/${ext}`, random.chance(0.85) ? 'ENABLED' : '');
    if (tech !== 'virtual') {
      state.astdb.set(`DEVICE/${ext}/default_user`, ext);
      state.astdb.set(`DEVICE/${ext}/dial`, dial);
      state.astdb.set(`DEVICE/${ext}/type`, 'fixed');
      state.astdb.set(`DEVICE/${ext}/user`, ext);
    }
    const fm = random.next();
    if (fm < 0.15) {
      // Made in the GUI: a findmefollow row, and on (DIRECT) or configured but off (EXTENSION).
      const number = mobile(random);
      const enabled = fm < 0.1;
      state.followme.set(ext, {
        strategy: 'ringallv2',
        grptime: String(random.pick([15, 20, 25, 30])),
        grppre: '',
        grplist: `${ext}-${number}#`,
        annmsg_id: '',
        postdest: `ext-local,${ext},dest`,
        dring: '',
        remotealert_id: '0',
        needsconf: '',
        toolate_id: '0',
        pre_ring: '0',
        ringing: 'Ring',
      });
      state.astdb.set(`AMPUSER/${ext}/followme/ddial`, enabled ? 'DIRECT' : 'EXTENSION');
      state.astdb.set(`AMPUSER/${ext}/followme/grplist`, `${ext}-${number}#`);
      state.astdb.set(`AMPUSER/${ext}/followme/grptime`, state.followme.get(ext)!.grptime);
      state.astdb.set(`AMPUSER/${ext}/followme/prering`, '0');
      state.astdb.set(`AMPUSER/${ext}/followme/grpconf`, 'DISABLED');
      state.astdb.set(`AMPUSER/${ext}/followme/changecid`, 'default');
      state.astdb.set(`AMPUSER/${ext}/followme/fixedcid`, '');
    }
    if (random.chance(0.05)) state.astdb.set(`CF/${ext}`, mobile(random));
    if (random.chance(0.05)) state.astdb.set(`DND/${ext}`, 'YES');
  }

  const phones = people.filter((p) => state.extensions.get(p.extension)!.tech !== 'virtual').map((p) => p.extension);
  for (let i = 0; i < options.ringGroups; i++) {
    const grpnum = String(600 + i);
    const size = Math.min(phones.length, random.int(2, 4));
    const members = new Set<string>();
    while (members.size < size) members.add(random.pick(phones));
    state.ringGroups.set(grpnum, {
      grpnum,
      description: GROUP_NAMES[i % GROUP_NAMES.length]! + (i >= GROUP_NAMES.length ? ` ${Math.floor(i / GROUP_NAMES.length) + 1}` : ''),
      strategy: random.pick(['ringall', 'ringall', 'hunt', 'memoryhunt']),
      grptime: '20',
      grppre: '',
      grplist: [...members].join('-'),
      annmsg_id: '0',
      postdest: 'app-blackhole,hangup,1',
      alertinfo: '',
      needsconf: '',
      remotealert_id: '0',
      toolate_id: '0',
      ringing: 'Ring',
      cfignore: '',
      cwignore: '',
      cpickup: '',
      recording: 'dontcare',
    });
    state.astdb.set(`RINGGROUP/${grpnum}/changecid`, 'default');
    state.astdb.set(`RINGGROUP/${grpnum}/fixedcid`, '');
  }

  if (phones.length > 0) {
    const staticMembers = phones.slice(0, 2);
    const dynamic = phones.slice(2, 3);
    const devices = (ext: string) => state.extensions.get(ext)!.dial;
    state.queues.set('2000', {
      extension: '2000',
      name: 'Support',
      strategy: 'ringall',
      timeout: '15',
      staticMembers: staticMembers.map((ext) => `${devices(ext)},0`),
      members: [...staticMembers, ...dynamic].map((ext, i) => ({
        interface: devices(ext),
        name: state.extensions.get(ext)!.users.name,
        penalty: '0',
        paused: false,
        dynamic: i >= staticMembers.length,
      })),
      completed: random.int(20, 200),
      abandoned: random.int(0, 15),
    });
    for (const ext of dynamic) state.astdb.set(`QPENALTY/2000/agents/${ext}`, '0');
  }

  state.trunks.push({ id: '1', name: 'provider', technology: 'sip', channelName: 'provider', host: 'sip.provider.example', username: 'acct123', secret: 'Tr4nkS3cret' });
  state.recordings.push(
    { id: '1', name: 'welcome', description: 'Welcome message', files: ['custom/welcome'] },
    { id: '2', name: 'closed', description: 'Office closed', files: ['custom/closed', 'custom/leave-message'] },
  );
  return state;
}
