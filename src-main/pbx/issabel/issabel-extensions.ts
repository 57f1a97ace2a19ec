import type { ExtensionChange, ExtensionTechnology, PbxExtension } from '../../../src-shared/domain/pbx.js';
import { AppError, type FieldIssue } from '../../../src-shared/errors.js';
import { isRecord, text, type JsonRecord } from '../vendor-json.js';
import { followMeResend, isFollowMeConfigured } from './issabel-follow-me.js';

/*
 * Issabel extension records ↔ the app's (vendors/issabel.md §5). Pure functions: the adapter does
 * the I/O. Bodies use the API's dotted field names (`voicemail.email`): B/C flatten nested objects
 * to exactly these, and the seed-era generation A skips nested objects but reads a dotted key as
 * itself, so the dotted form is the one every generation understands.
 */

/** The tech values the API takes (`dahdi` and `custom` are read, never written by the app). */
const TECH_OUT: Partial<Record<ExtensionTechnology, string>> = { sip: 'sip', pjsip: 'pjsip', iax2: 'iax2', virtual: 'virtual' };
const TECH_IN: Record<string, ExtensionTechnology> = { sip: 'sip', pjsip: 'pjsip', iax2: 'iax2', virtual: 'virtual' };

/** Fields the app models itself, set through their own properties of a change. */
const MODELLED = new Set(['extension', 'name', 'tech', 'secret', 'voicemail.enabled', 'voicemail.email', 'callerid_override.outbound']);
/** Read but never shown: the mailbox PIN is a credential (it may still be set). */
const UNSHOWN = new Set([...MODELLED, 'voicemail.pin']);

/** Where a refused field lives in the app's forms. */
const PATHS: Record<string, string> = {
  name: 'name',
  secret: 'secret',
  tech: 'technology',
  'voicemail.enabled': 'voicemail',
  'voicemail.email': 'email',
  'callerid_override.outbound': 'callerId',
};

export function extensionPath(source: string): string {
  return PATHS[source] ?? `fields.${source}`;
}

/** Nested record → dotted string leaves (arrays, such as follow-me's list, are left out). */
export function flatten(record: JsonRecord, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (isRecord(value)) Object.assign(out, flatten(value, `${prefix}${key}.`));
    else if (!Array.isArray(value) && value !== null && value !== undefined) out[prefix + key] = text(record, key);
  }
  return out;
}

function group(record: JsonRecord, key: string): JsonRecord | null {
  const value = record[key];
  return isRecord(value) ? value : null;
}

/** A list item, a full record (B/C, nested) or generation A's five flat fields. */
export function extensionOf(record: JsonRecord): PbxExtension {
  const flat = flatten(record);
  const voicemail = group(record, 'voicemail');
  const enabled = voicemail ? text(voicemail, 'enabled') : '';
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(flat)) if (!UNSHOWN.has(key) && !key.startsWith('followme.')) fields[key] = value;
  return {
    number: text(record, 'extension'),
    name: text(record, 'name'),
    technology: TECH_IN[text(record, 'tech')] ?? 'other',
    secret: text(record, 'secret') || null,
    voicemail: enabled === 'yes' ? true : enabled === 'no' ? false : null,
    email: (voicemail && text(voicemail, 'email')) || null,
    callerId: flat['callerid_override.outbound'] || null,
    fields,
  };
}

function invalid(message: string, issues: FieldIssue[]): AppError {
  return new AppError('VALIDATION', message, { issues });
}

/** Vendor fields the app may send as they are; follow-me has its own calls, and the rest is the API's own business. */
function checkedFields(fields: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (MODELLED.has(key) || key.startsWith('followme.') || key === 'reload' || !/^[a-z_]+(\.[a-z_]+)*$/.test(key)) {
      throw invalid(`The Issabel API field ${key} cannot be set this way`, [{ path: `fields.${key}`, message: 'validation.unknownField' }]);
    }
    out[key] = value;
  }
  return out;
}

/** The body of `POST /extensions` for a chosen number. */
export function createBody(number: string, change: ExtensionChange & { name: string }): Record<string, string> {
  const technology = change.technology ?? 'sip';
  const tech = TECH_OUT[technology];
  // The API would silently make an unknown tech `sip` (§5.4): refuse it here instead.
  if (!tech) throw invalid(`Issabel cannot create a ${technology} extension`, [{ path: 'technology', message: 'validation.invalid' }]);
  const body: Record<string, string> = { ...checkedFields(change.fields), extension: number, name: change.name, tech };
  if (change.secret !== undefined) body.secret = change.secret;
  if (change.callerId) body['callerid_override.outbound'] = change.callerId;
  if (change.voicemail !== undefined || change.email) body['voicemail.enabled'] = change.voicemail === false ? 'no' : 'yes';
  if (change.email && change.voicemail !== false) body['voicemail.email'] = change.email;
  return body;
}

/** The mailbox fields as they are now, for a PUT that touches the box (it keeps exactly the fields sent, §5.5). */
function mailbox(current: JsonRecord): Record<string, string> {
  const box = group(current, 'voicemail');
  if (!box || text(box, 'enabled') !== 'yes') return {};
  const out = flatten(box, 'voicemail.');
  delete out['voicemail.enabled'];
  return out;
}

/**
 * What a PUT must carry so that it changes only what `change` names (§5.5): follow-me and
 * dictation are deleted unless re-sent as enabled, the emergency caller ID is cleared unless
 * re-sent, and a mailbox keeps only the fields sent. So the current values of all of those go
 * back, the change on top.
 */
export function updateBody(current: JsonRecord, change: ExtensionChange): Record<string, string> {
  const now = extensionOf(current);
  if (change.technology !== undefined && change.technology !== now.technology) {
    throw invalid(`Issabel cannot change the technology of extension ${now.number}; delete it and create it again`, [{ path: 'technology', message: 'validation.invalid' }]);
  }
  const body: Record<string, string> = {};
  const flat = flatten(current);
  if ('callerid_override.emergency' in flat) body['callerid_override.emergency'] = flat['callerid_override.emergency'];
  if (flat['dictation.enabled'] === 'yes') for (const [key, value] of Object.entries(flat)) if (key.startsWith('dictation.')) body[key] = value;
  const followme = group(current, 'followme');
  if (followme && isFollowMeConfigured(followme)) Object.assign(body, followMeResend(followme));

  Object.assign(body, checkedFields(change.fields));
  if (change.name !== undefined) body.name = change.name;
  if (change.secret !== undefined) body.secret = change.secret;
  if (change.callerId !== undefined) body['callerid_override.outbound'] = change.callerId ?? '';

  const keepBox = change.voicemail ?? now.voicemail === true;
  if (change.voicemail !== undefined) body['voicemail.enabled'] = keepBox ? 'yes' : 'no';
  if (change.email !== undefined) {
    if (!keepBox && change.email) throw invalid(`Extension ${now.number} has no voicemail box to hold an email address`, [{ path: 'email', message: 'validation.invalid' }]);
    if (keepBox) body['voicemail.email'] = change.email ?? '';
  }
  const touchesBox = Object.keys(body).some((key) => key.startsWith('voicemail.') && key !== 'voicemail.enabled');
  if (keepBox && touchesBox) {
    for (const [key, value] of Object.entries(mailbox(current))) if (!(key in body)) body[key] = value;
    body['voicemail.enabled'] = 'yes';
  }
  return body;
}
