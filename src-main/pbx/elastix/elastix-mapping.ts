import type { CdrDisposition, CdrRecord, FollowMe, PbxExtension, PeerStatus, RingStrategy } from '../../../src-shared/domain/pbx.js';
import { AppError } from '../../../src-shared/errors.js';
import type { ZoneClock } from '../../../src-shared/time-zones.js';
import { count, text, type JsonRecord } from '../vendor-json.js';

/*
 * Elastix shapes ↔ the app's (vendors/elastix.md §4–7). Pure functions: the adapter does the I/O.
 */

/** The SIP keywords `updateextension` writes; any one not sent is blanked (§6). */
export const SIP_KEYWORDS = [
  'deny', 'secret', 'dtmfmode', 'canreinvite', 'context', 'host', 'trustrpid', 'sendrpid', 'type', 'nat', 'port', 'qualify',
  'qualifyfreq', 'transport', 'avpf', 'icesupport', 'encryption', 'callgroup', 'pickupgroup', 'dial', 'mailbox', 'permit',
  'callerid', 'callcounter', 'faxdetect',
] as const;

/** What the FreePBX GUI gives a new SIP extension, as the fixture's `addextension` sends it. */
export function newExtensionKeywords(number: string, name: string, secret: string): Record<string, string> {
  return {
    deny: '0.0.0.0/0.0.0.0',
    secret,
    dtmfmode: 'rfc2833',
    canreinvite: 'no',
    context: 'from-internal',
    host: 'dynamic',
    trustrpid: 'yes',
    sendrpid: 'no',
    type: 'friend',
    nat: 'no',
    port: '5060',
    qualify: 'yes',
    qualifyfreq: '60',
    transport: 'udp',
    avpf: 'no',
    icesupport: 'no',
    encryption: 'no',
    callgroup: '',
    pickupgroup: '',
    dial: `SIP/${number}`,
    mailbox: `${number}@device`,
    permit: '0.0.0.0/0.0.0.0',
    callerid: callerIdOf(name, number),
    callcounter: 'yes',
    faxdetect: 'no',
  };
}

export function callerIdOf(name: string, number: string): string {
  return `${name} <${number}>`;
}

/** The name in `"Alice" <100>` or `Alice <100>`; empty when there is none. */
export function nameOfCallerId(callerId: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$/.exec(callerId);
  return (m ? m[1] : callerId).trim();
}

/**
 * `sipextensions` lists every peer of sip_additional.conf, trunks included (§4): an extension is
 * a numeric peer that is not in a trunk context.
 */
export function isExtensionPeer(name: string, peer: unknown): peer is JsonRecord {
  if (typeof peer !== 'object' || peer === null || Array.isArray(peer)) return false;
  return /^\d{1,10}$/.test(name) && !text(peer as JsonRecord, 'context').startsWith('from-trunk');
}

export function extensionOf(number: string, peer: JsonRecord): PbxExtension {
  const fields: Record<string, string> = {};
  for (const key of SIP_KEYWORDS) fields[key] = text(peer, key);
  const callerId = text(peer, 'callerid');
  const mailbox = text(peer, 'mailbox');
  return {
    number,
    name: nameOfCallerId(callerId),
    technology: 'sip',
    secret: fields.secret || null,
    // The mailbox keyword points at the device's box; the voicemail itself lives in FreePBX's users table.
    voicemail: mailbox === '' ? false : null,
    email: null,
    callerId: callerId || null,
    fields,
  };
}

const STRATEGIES: Record<string, RingStrategy> = {
  ringallv2: 'ringall',
  ringall: 'ringall',
  hunt: 'hunt',
  memoryhunt: 'memoryhunt',
  firstavailable: 'firstavailable',
  firstnotonphone: 'firstavailable',
};

export function followMeOf(row: JsonRecord): FollowMe {
  const postdest = text(row, 'postdest');
  return {
    // The enabled flag lives in AstDB (AMPUSER/<ext>/followme/ddial), which this API cannot read (§7).
    enabled: null,
    strategy: STRATEGIES[text(row, 'strategy')] ?? 'other',
    numbers: text(row, 'grplist').split('-').map((n) => n.trim()).filter((n) => n !== ''),
    ringSeconds: count(row, 'grptime', 20),
    preRingSeconds: count(row, 'pre_ring', 0),
    confirmCalls: text(row, 'needsconf') === 'CHECKED',
    noAnswerDestination: postdest || null,
  };
}

const WRITE_STRATEGY: Partial<Record<RingStrategy, string>> = { ringall: 'ringallv2', hunt: 'hunt', memoryhunt: 'memoryhunt', firstavailable: 'firstavailable' };

/** The form `addfollowmeextension` takes. Numbers joined with `-`, numeric fields never empty (§7). */
export function followMeForm(extension: string, f: FollowMe): Record<string, string> {
  const strategy = WRITE_STRATEGY[f.strategy];
  if (!strategy) throw new AppError('VALIDATION', `Elastix cannot store the follow-me strategy ${f.strategy}`, { issues: [{ path: 'strategy', message: 'validation.followMe.strategy' }] });
  f.numbers.forEach((n, i) => {
    if (!/^[0-9*#+]{1,32}$/.test(n)) throw new AppError('VALIDATION', `Not a number Elastix can dial: ${n}`, { issues: [{ path: `numbers.${i}`, message: 'validation.followMe.number' }] });
  });
  if (f.numbers.length === 0) throw new AppError('VALIDATION', 'A follow-me needs at least one number', { issues: [{ path: 'numbers', message: 'validation.followMe.empty' }] });
  return {
    grpnum: extension,
    strategy,
    grptime: String(Math.trunc(f.ringSeconds)),
    grppre: '',
    grplist: f.numbers.join('-'),
    annmsg_id: '0',
    postdest: f.noAnswerDestination ?? `ext-local,${extension},dest`,
    dring: '',
    remotealert_id: '0',
    needsconf: f.confirmCalls ? 'CHECKED' : '',
    toolate_id: '0',
    pre_ring: String(Math.trunc(f.preRingSeconds)),
    ringing: 'Ring',
  };
}

const DISPOSITIONS: Record<string, CdrDisposition> = { ANSWERED: 'answered', 'NO ANSWER': 'no-answer', BUSY: 'busy', FAILED: 'failed', CONGESTION: 'congestion' };

/**
 * One `cdrreport` row. FreePBX 2.11's table has no sequence or linkedid, and one channel can write
 * several rows (a transfer, a follow-me), so a row is told apart by its uniqueid with its
 * destination and its date as the PBX wrote it (text, so the key does not move with the zone).
 * Null when the row has no usable identity or date.
 */
export function cdrOf(row: JsonRecord, clock: ZoneClock): CdrRecord | null {
  const uniqueid = text(row, 'uniqueid');
  const calldate = text(row, 'calldate');
  const startedAt = clock.toUtc(calldate);
  if (uniqueid === '' || startedAt === null) return null;
  const durationS = count(row, 'duration');
  const billS = count(row, 'billsec');
  const endedAt = startedAt + durationS * 1000;
  const recording = text(row, 'recordingfile');
  return {
    key: `${uniqueid}|${text(row, 'dst')}|${text(row, 'dstchannel')}|${calldate}`,
    uniqueid,
    linkedid: null,
    startedAt,
    answeredAt: billS > 0 ? endedAt - billS * 1000 : null,
    endedAt,
    src: text(row, 'src'),
    dst: text(row, 'dst'),
    callerName: text(row, 'cnam') || nameOfCallerId(text(row, 'clid')),
    context: text(row, 'dcontext'),
    channel: text(row, 'channel'),
    dstChannel: text(row, 'dstchannel'),
    lastApp: text(row, 'lastapp'),
    durationS,
    billS,
    disposition: DISPOSITIONS[text(row, 'disposition')] ?? 'unknown',
    recordingFile: recording || null,
  };
}

/** `sippeers` PeerEntry: phones register (Dynamic yes), trunks point at a host. */
export function peerOf(entry: JsonRecord): PeerStatus {
  const name = text(entry, 'ObjectName');
  const status = text(entry, 'Status');
  const ip = text(entry, 'IPaddress');
  const latency = /\((\d+) ms\)/.exec(status);
  const known = status !== '' && !/^(UNKNOWN|Unmonitored)/i.test(status);
  return {
    name,
    extension: /^\d{1,10}$/.test(name) && text(entry, 'Dynamic') === 'yes' ? name : null,
    registered: ip === '-none-' || ip === '(null)' ? false : known ? !/^UNREACHABLE/i.test(status) : null,
    address: ip && ip !== '-none-' && ip !== '(null)' ? ip : null,
    latencyMs: latency ? Number(latency[1]) : null,
  };
}
