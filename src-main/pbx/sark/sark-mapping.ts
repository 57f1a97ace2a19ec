import type { CallForwardSettings, ExtensionChange, ExtensionTechnology, PbxExtension, PeerStatus, RingGroup, RingStrategy } from '../../../src-shared/domain/pbx.js';
import { AppError, type FieldIssue } from '../../../src-shared/errors.js';
import { count, text, type JsonRecord } from '../vendor-json.js';
import type { FieldMap } from './sark-errors.js';

/*
 * SARK shapes ↔ the app's (vendors/sark.md §4–6). SQLite TEXT columns come back as strings or
 * null; a 201 keeps PHP's types for defaults (`"ringdelay": 20`), so everything is read as text.
 * Pure functions: the adapter does the I/O.
 */

/** What `PUT /extensions/{ext}` accepts besides callerid and vmailfwd (the app's callerId and email); any other key is silently ignored by SARK. */
export const EXTENSION_FIELDS = [
  'active', 'callbackto', 'cellphone', 'celltwin', 'cluster', 'devicerec', 'dvrvmail', 'location', 'protocol', 'provision', 'provisionwith', 'sndcreds', 'transport',
] as const;

/** Shown beside them, never sent: SARK fills them in itself. */
const EXTENSION_INFO = ['device', 'devicemodel', 'macaddr'] as const;

export const EXTENSION_FIELD_MAP: FieldMap = {
  pkey: { path: 'number', message: 'validation.required' },
  callerid: { path: 'callerId', message: 'validation.sark.wholeNumber' },
  vmailfwd: { path: 'email', message: 'validation.email' },
  cellphone: { path: 'fields.cellphone', message: 'validation.sark.wholeNumber' },
};

function nullable(value: string): string | null {
  return value === '' ? null : value;
}

function technologyOf(row: JsonRecord): ExtensionTechnology {
  const device = text(row, 'device');
  if (device === 'MAILBOX') return 'virtual';
  if (device === 'WebRTC' || text(row, 'transport') === 'wss') return 'webrtc';
  const technology = text(row, 'technology').toUpperCase();
  return technology === 'SIP' ? 'sip' : technology === 'IAX2' ? 'iax2' : 'other';
}

export function extensionOf(row: JsonRecord): PbxExtension {
  const fields: Record<string, string> = {};
  for (const key of [...EXTENSION_FIELDS, ...EXTENSION_INFO]) fields[key] = text(row, key);
  return {
    number: text(row, 'pkey'),
    // `desc` is what SARK shows and what its peer template writes into the caller ID.
    name: text(row, 'desc'),
    technology: technologyOf(row),
    secret: nullable(text(row, 'passwd')),
    // Every SARK extension gets a mailbox line in its peer template; whether one is in use is not in the row.
    voicemail: null,
    email: nullable(text(row, 'vmailfwd')),
    callerId: nullable(text(row, 'callerid')),
    fields,
  };
}

/** The creation route for a kind of extension; `provisioned` is never used (its MAC lookup reads a developer's path and fails on every stock install). */
export function creationRoute(technology: ExtensionTechnology | undefined): string | null {
  if (technology === undefined || technology === 'sip') return '/extensions/unprovisioned';
  if (technology === 'webrtc') return '/extensions/webrtc';
  if (technology === 'virtual') return '/extensions/mailbox';
  return null;
}

/** SARK's own name for a new extension (its API cannot set another). */
export function defaultName(number: string): string {
  return `Ext${number}`;
}

function refuse(issues: FieldIssue[], what: string): never {
  throw new AppError('VALIDATION', `SARK's API cannot store ${what}`, { issues });
}

/**
 * The `PUT /extensions/{ext}` body for what `change` asks beyond `current`, only the keys that
 * differ: an unchanged empty field sent back would arrive as null (ConvertEmptyStringsToNull) and
 * fail its `in:` rule. What SARK's API cannot change is refused here, before anything is sent,
 * rather than dropped by the PBX without a word.
 */
export function extensionUpdate(current: PbxExtension, change: ExtensionChange): Record<string, string | null> {
  const issues: FieldIssue[] = [];
  if (change.name !== undefined && change.name !== current.name) issues.push({ path: 'name', message: 'validation.sark.name' });
  if (change.secret !== undefined && change.secret !== current.secret) issues.push({ path: 'secret', message: 'validation.sark.secret' });
  if (change.technology !== undefined && change.technology !== current.technology) issues.push({ path: 'technology', message: 'validation.sark.technology' });
  if (change.voicemail !== undefined && change.voicemail !== current.voicemail) issues.push({ path: 'voicemail', message: 'validation.sark.voicemail' });
  const writable = new Set<string>(EXTENSION_FIELDS);
  for (const key of Object.keys(change.fields ?? {})) if (!writable.has(key) && change.fields![key] !== (current.fields[key] ?? '')) issues.push({ path: `fields.${key}`, message: 'validation.sark.readOnlyField' });
  if (issues.length > 0) refuse(issues, `this change to extension ${current.number}`);

  const body: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(change.fields ?? {})) if (value !== current.fields[key]) body[key] = value === '' ? null : value;
  if (change.email !== undefined && change.email !== current.email) body.vmailfwd = change.email === '' ? null : change.email;
  if (change.callerId !== undefined && change.callerId !== current.callerId) body.callerid = change.callerId === '' ? null : change.callerId;
  return body;
}

/** What `createExtension` may ask of SARK, which names the extension and picks its password itself. */
export function checkCreatable(number: string, change: ExtensionChange & { name: string }): void {
  const issues: FieldIssue[] = [];
  if (!/^\d{2,10}$/.test(number)) issues.push({ path: 'number', message: 'validation.sark.extensionNumber' });
  if (change.name !== '' && change.name !== defaultName(number)) issues.push({ path: 'name', message: 'validation.sark.name' });
  if (change.secret !== undefined && change.secret !== '') issues.push({ path: 'secret', message: 'validation.sark.secret' });
  if (creationRoute(change.technology) === null) issues.push({ path: 'technology', message: 'validation.sark.technology' });
  if (change.voicemail !== undefined) issues.push({ path: 'voicemail', message: 'validation.sark.voicemail' });
  const writable = new Set<string>(EXTENSION_FIELDS);
  for (const [key, value] of Object.entries(change.fields ?? {})) if (!writable.has(key) && value !== '') issues.push({ path: `fields.${key}`, message: 'validation.sark.readOnlyField' });
  if (issues.length > 0) refuse(issues, `extension ${number} as asked`);
}

/** `GET /extensions/{ext}/runtime`: AstDB values, which Asterisk ≥ 14 leaves with a trailing `\r`. */
export function callForwardOf(runtime: JsonRecord): CallForwardSettings {
  const value = (key: string) => nullable(text(runtime, key).trim());
  // SARK forwards always (cfim) and on busy (cfbs) only; DND is not one of its runtime settings.
  return { always: value('cfim'), busy: value('cfbs'), noAnswer: null, dnd: false };
}

export const RUNTIME_FIELD_MAP: FieldMap = {
  cfim: { path: 'always', message: 'validation.callForward.number' },
  cfbs: { path: 'busy', message: 'validation.callForward.number' },
};

const FORWARD_NUMBER = /^\+?\d{1,32}$/;

/** Refuses what SARK cannot store, with the same rule its validator applies (`^\+?\d+$`). */
export function checkCallForward(settings: CallForwardSettings): void {
  const issues: FieldIssue[] = [];
  if (settings.always !== null && !FORWARD_NUMBER.test(settings.always)) issues.push({ path: 'always', message: 'validation.callForward.number' });
  if (settings.busy !== null && !FORWARD_NUMBER.test(settings.busy)) issues.push({ path: 'busy', message: 'validation.callForward.number' });
  if (settings.noAnswer !== null) issues.push({ path: 'noAnswer', message: 'validation.sark.forwardNoAnswer' });
  if (settings.dnd) issues.push({ path: 'dnd', message: 'validation.sark.dndNotForward' });
  if (issues.length > 0) refuse(issues, 'this call forwarding');
}

const GROUP_TYPES: Record<string, RingStrategy> = { Ring: 'ringall', Hunt: 'hunt' };
const WRITE_GROUP_TYPE: Partial<Record<RingStrategy, string>> = { ringall: 'Ring', hunt: 'Hunt' };

export function ringGroupOf(row: JsonRecord): RingGroup {
  const outcome = text(row, 'outcome');
  return {
    number: text(row, 'pkey'),
    name: text(row, 'longdesc'),
    // Alias and Page groups have no ring strategy the app knows.
    strategy: GROUP_TYPES[text(row, 'grouptype')] ?? 'other',
    members: text(row, 'out').split(/\s+/).filter((m) => m !== ''),
    ringSeconds: count(row, 'ringdelay', 20),
    // `None` is SARK's "nowhere" (route class 0), what a new group gets when nothing is said.
    noAnswerDestination: outcome === '' || outcome === 'None' ? null : outcome,
  };
}

export const RING_GROUP_FIELD_MAP: FieldMap = {
  pkey: { path: 'number', message: 'validation.required' },
  longdesc: { path: 'name', message: 'validation.invalid' },
  grouptype: { path: 'strategy', message: 'validation.sark.ringStrategy' },
  out: { path: 'members', message: 'validation.ringGroup.member' },
  ringdelay: { path: 'ringSeconds', message: 'validation.invalid' },
  outcome: { path: 'noAnswerDestination', message: 'validation.ringGroup.destination' },
};

/** A member as SARK's `out` rule allows it; whitespace would split one member into two. */
const MEMBER = /^[@A-Za-z0-9_/-]{1,64}$/;

/**
 * The `speed` columns for `group`, only those that differ from `current` (all of them for a new
 * group). Members are joined with spaces, SARK's separator.
 */
export function ringGroupBody(group: RingGroup, current: RingGroup | null): Record<string, string> {
  const issues: FieldIssue[] = [];
  if (!/^\d{2,10}$/.test(group.number)) issues.push({ path: 'number', message: 'validation.sark.extensionNumber' });
  const grouptype = WRITE_GROUP_TYPE[group.strategy];
  if (!grouptype && group.strategy !== current?.strategy) issues.push({ path: 'strategy', message: 'validation.sark.ringStrategy' });
  group.members.forEach((m, i) => {
    if (!MEMBER.test(m)) issues.push({ path: `members.${i}`, message: 'validation.ringGroup.member' });
  });
  if (!Number.isInteger(group.ringSeconds) || group.ringSeconds < 1 || group.ringSeconds > 600) issues.push({ path: 'ringSeconds', message: 'validation.invalid' });
  if (issues.length > 0) refuse(issues, `ring group ${group.number} as asked`);

  const body: Record<string, string> = {};
  const differs = <K extends keyof RingGroup>(key: K, same: (a: RingGroup[K], b: RingGroup[K]) => boolean = (a, b) => a === b) => current === null || !same(group[key], current[key]);
  if (differs('name')) body.longdesc = group.name;
  if (grouptype && differs('strategy')) body.grouptype = grouptype;
  if (differs('members', (a, b) => a.join(' ') === b.join(' '))) body.out = group.members.join(' ');
  if (differs('ringSeconds')) body.ringdelay = String(group.ringSeconds);
  if (differs('noAnswerDestination')) body.outcome = group.noAnswerDestination ?? 'None';
  return body;
}

/** An `/astamis/SIPpeers` item; element 0 is the AMI response header, not a peer. */
export function isPeerEntry(item: JsonRecord): boolean {
  return text(item, 'Event') === 'PeerEntry' && text(item, 'ObjectName') !== '';
}

/** A chan_sip PeerEntry: phones register (Dynamic yes), trunks point at a host. */
export function peerOf(entry: JsonRecord): PeerStatus {
  const name = text(entry, 'ObjectName');
  const status = text(entry, 'Status');
  const ip = text(entry, 'IPaddress');
  const latency = /\((\d+) ms\)/.exec(status);
  const noAddress = ip === '' || ip === '-none-' || ip === '(null)';
  const known = status !== '' && !/^(UNKNOWN|Unmonitored)/i.test(status);
  return {
    name,
    extension: /^\d{1,10}$/.test(name) && text(entry, 'Dynamic') === 'yes' ? name : null,
    registered: noAddress ? false : known ? !/^UNREACHABLE/i.test(status) : null,
    address: noAddress ? null : ip,
    latencyMs: latency ? Number(latency[1]) : null,
  };
}
