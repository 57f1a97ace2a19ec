import { Random } from './random.js';

/*
 * Seeded data the vendor simulators share: the people of a small company with their extensions,
 * and years of call history as Asterisk writes it (the `cdr` table of FreePBX-family PBXs, the
 * columns of cdr-csv's Master.csv). Each simulator renders these in its own vendor's shapes, so
 * the same seed gives the same office on every demo PBX.
 */

const FIRST = ['Ana', 'Bruno', 'Chloé', 'David', 'Elena', 'Farid', 'Greta', 'Hugo', 'Inés', 'Jonas', 'Kenji', 'Lucía', 'Marta', 'Nadia', 'Omar', 'Paula', 'Quim', 'Rosa', 'Sven', 'Tomás', 'Uma', 'Víctor', 'Wen', 'Yara', 'Zoé'];
const LAST = ['Almeida', 'Berger', 'Castro', 'Dubois', 'Esposito', 'Fischer', 'García', 'Haddad', 'Ibáñez', 'Jansen', 'Kowalski', 'López', 'Moreau', 'Nieminen', 'Okafor', 'Petit', 'Quintero', 'Rossi', 'Santos', 'Tanaka', 'Urrutia', 'Vidal', 'Weber', 'Xu', 'Yilmaz'];

export interface SimPerson {
  extension: string;
  name: string;
  /** The SIP secret of the phone, as PBX APIs return it (in clear). */
  secret: string;
  voicemail: boolean;
  email: string;
}

/** `count` people on consecutive extensions from `first`, names unique within the office. */
export function seedPeople(seed: number, count: number, first = 100): SimPerson[] {
  const random = new Random(seed ^ 0x5eed);
  const people: SimPerson[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    let name = `${random.pick(FIRST)} ${random.pick(LAST)}`;
    for (let n = 2; used.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
    used.add(name);
    const secret = Array.from({ length: 16 }, () => 'abcdefghjkmnpqrstuvwxyz23456789'[random.int(0, 30)]).join('');
    const login = name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(/ /g, '.');
    people.push({ extension: String(first + i), name, secret, voicemail: random.chance(0.7), email: `${login}@example.com` });
  }
  return people;
}

/** One row of Asterisk's CDR, every value a string as the PBX stores and returns it. */
export interface SimCdr {
  /** `YYYY-MM-DD HH:MM:SS` in the PBX's local zone (given to generateCdrs as an offset). */
  calldate: string;
  clid: string;
  src: string;
  dst: string;
  dcontext: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  duration: string;
  billsec: string;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED';
  amaflags: string;
  accountcode: string;
  uniqueid: string;
  userfield: string;
  linkedid: string;
  sequence: string;
  recordingfile: string;
  cnum: string;
  cnam: string;
  outbound_cnum: string;
  outbound_cnam: string;
  dst_cnam: string;
  did: string;
  /** Epoch ms of the call's start, for the simulators' own filtering and ordering. */
  startMs: number;
}

export interface CdrOptions {
  seed: number;
  count: number;
  people: readonly SimPerson[];
  /** The history ends here (epoch ms) and runs back over `days`. */
  endMs: number;
  days: number;
  /** The PBX's offset from UTC in minutes, applied to `calldate` (a fixed offset keeps the data simple). */
  utcOffsetMinutes?: number;
  /** Share of answered calls that were recorded. Default 0.3. */
  recordedShare?: number;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS` of an epoch in a zone `offset` minutes from UTC. */
export function localDateTime(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * `count` calls spread over office hours of the last `days` days, oldest first: internal calls,
 * inbound calls from outside numbers, outbound calls, each answered, missed, busy or failed, some
 * recorded (FreePBX's `<direction>-<dst>-<src>-<date>-<time>-<uniqueid>.wav` names).
 */
export function generateCdrs(options: CdrOptions): SimCdr[] {
  const random = new Random(options.seed ^ 0xcd7);
  const offset = options.utcOffsetMinutes ?? 0;
  const startMs = options.endMs - options.days * 86_400_000;
  const span = options.endMs - startMs;
  const starts = Array.from({ length: options.count }, () => startMs + Math.floor(random.next() * span)).sort((a, b) => a - b);
  let sequence = 1000;
  return starts.map((at) => {
    const seconds = Math.floor(at / 1000);
    const uniqueid = `${seconds}.${sequence++}`;
    const person = random.pick(options.people);
    const kind = random.pick(['internal', 'in', 'in', 'out'] as const);
    const outside = `06${String(random.int(10_000_000, 99_999_999))}`;
    const other = random.pick(options.people);
    const src = kind === 'in' ? outside : person.extension;
    const dst = kind === 'internal' ? other.extension : kind === 'in' ? person.extension : outside;
    const roll = random.next();
    const disposition: SimCdr['disposition'] = roll < 0.72 ? 'ANSWERED' : roll < 0.9 ? 'NO ANSWER' : roll < 0.97 ? 'BUSY' : 'FAILED';
    const ring = random.int(2, 25);
    const billsec = disposition === 'ANSWERED' ? random.int(5, 900) : 0;
    const calldate = localDateTime(at, offset);
    const recorded = disposition === 'ANSWERED' && random.chance(options.recordedShare ?? 0.3);
    const direction = kind === 'in' ? 'in' : kind === 'out' ? 'out' : 'internal';
    const day = calldate.slice(0, 10).replace(/-/g, '');
    const time = calldate.slice(11).replace(/:/g, '');
    const srcChannel = kind === 'in' ? `SIP/trunk-${pad(sequence % 4096, 8)}` : `SIP/${person.extension}-${pad(sequence % 4096, 8)}`;
    const dstChannel =
      disposition === 'FAILED' ? '' : kind === 'out' ? `SIP/trunk-${pad((sequence + 1) % 4096, 8)}` : `SIP/${dst}-${pad((sequence + 1) % 4096, 8)}`;
    const callerName = kind === 'in' ? '' : person.name;
    return {
      calldate,
      clid: callerName ? `"${callerName}" <${src}>` : `"${src}" <${src}>`,
      src,
      dst,
      dcontext: kind === 'in' ? 'from-trunk' : 'from-internal',
      channel: srcChannel,
      dstchannel: dstChannel,
      lastapp: 'Dial',
      lastdata: kind === 'out' ? `SIP/trunk/${dst},300,` : `SIP/${dst},20,Ttr`,
      duration: String(billsec + ring),
      billsec: String(billsec),
      disposition,
      amaflags: '3',
      accountcode: '',
      uniqueid,
      userfield: '',
      linkedid: uniqueid,
      sequence: String(sequence),
      recordingfile: recorded ? `${direction}-${dst}-${src}-${day}-${time}-${uniqueid}.wav` : '',
      cnum: src,
      cnam: callerName,
      outbound_cnum: '',
      outbound_cnam: '',
      dst_cnam: kind === 'internal' ? other.name : '',
      did: kind === 'in' ? `9${String(random.int(1000000, 9999999))}` : '',
      startMs: at,
    };
  });
}
