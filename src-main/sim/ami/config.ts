/*
 * The demo PBX's configuration: extensions (phones), the ring group, the queue, the parking lot and
 * the dialplan timers. Defaults reproduce the recorded peer in shared/fixtures/ami/peer-config:
 * phones 100–105 (Operator, Alice, Bob, Carol, Dave, Eve), ring group 600 = 101,102,103, queue 700
 * `support` = Alice and Bob (ringall), parking spaces 701–720, `Dial(PJSIP/<ext>,10)`.
 */

export interface PhoneBehaviour {
  /** An endpoint with no contact: hint Unavailable, dialling it fails (105 in the recordings). */
  available: boolean;
  /** When the phone answers a call ringing it; null = rings until the caller gives up. */
  answerAfterMs: number | null;
  /** When the phone hangs up once in a call; null = never (someone else must end the call). */
  hangupAfterMs: number | null;
}

export interface ExtensionSpec extends Partial<PhoneBehaviour> {
  exten: string;
  name: string;
}

export interface Extension extends PhoneBehaviour {
  exten: string;
  name: string;
  /** `sip:101@127.0.0.1:5071`-style contact URI; '' when unavailable. */
  contact: string;
}

export interface PbxOptions {
  /** A count (numbered from `firstExtension`) or explicit phones. Default: the six recorded phones. */
  extensions?: number | ExtensionSpec[];
  /** First number when `extensions` is a count: 100 for up to 400 phones, else 1000. */
  firstExtension?: number;
  ringGroup?: { exten?: string; members?: string[]; timeoutMs?: number };
  queue?: { exten?: string; name?: string; members?: string[]; memberTimeoutMs?: number };
  parking?: { first?: number; last?: number; timeoutMs?: number };
  /** Dial() timeout of the direct-extension dialplan (10 s in the recordings). */
  dialTimeoutMs?: number;
  /** Send Newexten/VarSet (dialplan class) events as Asterisk does. Default true. */
  dialplanEvents?: boolean;
  /** Initial AstDB entries, e.g. `{ 'CF/101': '104', 'DND/103': 'YES' }`. */
  astdb?: Record<string, string>;
  /** An external trunk endpoint (`PJSIP/trunk`) that synthetic external callers use. */
  trunk?: boolean;
}

export interface PbxConfig {
  extensions: Extension[];
  ringGroup: { exten: string; members: string[]; timeoutMs: number };
  queue: { exten: string; name: string; members: string[]; memberTimeoutMs: number };
  parking: { first: number; last: number; timeoutMs: number; lot: string; context: string };
  dialTimeoutMs: number;
  dialplanEvents: boolean;
  astdb: Record<string, string>;
  trunk: boolean;
}

/** The recorded peer's phones and how the sipp phones behaved (NOTES.md §1). */
export const FIXTURE_PHONES: readonly Extension[] = [
  { exten: '100', name: 'Operator', available: true, answerAfterMs: 2000, hangupAfterMs: null, contact: 'sip:100@127.0.0.1:5070' },
  { exten: '101', name: 'Alice', available: true, answerAfterMs: 2000, hangupAfterMs: null, contact: 'sip:101@127.0.0.1:5071' },
  { exten: '102', name: 'Bob', available: true, answerAfterMs: 1000, hangupAfterMs: 8000, contact: 'sip:102@127.0.0.1:5072' },
  { exten: '103', name: 'Carol', available: true, answerAfterMs: null, hangupAfterMs: null, contact: 'sip:103@127.0.0.1:5073' },
  { exten: '104', name: 'Dave', available: true, answerAfterMs: 1000, hangupAfterMs: null, contact: 'sip:104@127.0.0.1:5074' },
  { exten: '105', name: 'Eve', available: false, answerAfterMs: null, hangupAfterMs: null, contact: '' },
];

const MORE_NAMES = [
  'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Karl', 'Laura', 'Mallory', 'Niaj', 'Olivia', 'Peggy', 'Quentin',
  'Rupert', 'Sybil', 'Trent', 'Ursula', 'Victor', 'Wendy', 'Xavier', 'Yvonne', 'Zoe',
];

function generatedPhone(exten: string, index: number): Extension {
  const base = FIXTURE_PHONES.find((p) => p.exten === exten);
  if (base) return { ...base };
  const name = `${MORE_NAMES[index % MORE_NAMES.length]}${index >= MORE_NAMES.length ? ` ${Math.floor(index / MORE_NAMES.length) + 1}` : ''}`;
  return {
    exten,
    name,
    available: true,
    answerAfterMs: 2000,
    hangupAfterMs: 20000,
    contact: `sip:${exten}@127.0.0.1:${5070 + (index % 1000)}`,
  };
}

export function resolveConfig(options: PbxOptions = {}): PbxConfig {
  let extensions: Extension[];
  if (Array.isArray(options.extensions)) {
    extensions = options.extensions.map((spec, i) => {
      const phone = generatedPhone(spec.exten, i);
      return {
        ...phone,
        name: spec.name,
        available: spec.available ?? phone.available,
        answerAfterMs: spec.answerAfterMs === undefined ? phone.answerAfterMs : spec.answerAfterMs,
        hangupAfterMs: spec.hangupAfterMs === undefined ? phone.hangupAfterMs : spec.hangupAfterMs,
        contact: (spec.available ?? phone.available) ? phone.contact || `sip:${spec.exten}@127.0.0.1:5070` : '',
      };
    });
  } else if (typeof options.extensions === 'number') {
    const count = Math.max(1, Math.floor(options.extensions));
    const first = options.firstExtension ?? (count <= 400 ? 100 : 1000);
    extensions = [];
    for (let i = 0; i < count; i++) {
      const exten = String(first + i);
      // 100–105 keep the recorded names and behaviour; every other phone answers and is reachable.
      extensions.push(generatedPhone(exten, i));
    }
  } else {
    extensions = FIXTURE_PHONES.map((p) => ({ ...p }));
  }
  const numbers = extensions.map((e) => e.exten);
  const fixture = numbers.slice(0, 6).join(',') === '100,101,102,103,104,105';
  const others = numbers.length > 1 ? numbers.slice(1) : numbers;
  return {
    extensions,
    ringGroup: {
      exten: options.ringGroup?.exten ?? '600',
      members: options.ringGroup?.members ?? (fixture ? ['101', '102', '103'] : others.slice(0, 3)),
      timeoutMs: options.ringGroup?.timeoutMs ?? 15000,
    },
    queue: {
      exten: options.queue?.exten ?? '700',
      name: options.queue?.name ?? 'support',
      members: options.queue?.members ?? (fixture ? ['101', '102'] : others.slice(0, 2)),
      memberTimeoutMs: options.queue?.memberTimeoutMs ?? 6000,
    },
    parking: {
      first: options.parking?.first ?? 701,
      last: options.parking?.last ?? 720,
      timeoutMs: options.parking?.timeoutMs ?? 45000,
      lot: 'default',
      context: 'parkedcalls',
    },
    dialTimeoutMs: options.dialTimeoutMs ?? 10000,
    dialplanEvents: options.dialplanEvents ?? true,
    astdb: { ...(options.astdb ?? {}) },
    trunk: options.trunk ?? false,
  };
}
