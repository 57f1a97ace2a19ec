import { dbTree } from './astdb.js';
import { AMPUSER_FIELDS, FOLLOWME_FIELDS, USERS_FIELDS, VOICEMAIL_FIELDS, VOICEMAIL_OPTIONS, deviceFieldName, presentFields } from './extension-fields.js';
import { type Flat, mysqlLike, unflatten } from './php.js';
import type { IssabelState, SimExtension } from './state.js';

/*
 * extensions::get and ::search. A record is assembled the way the PHP assembles it: the users/devices
 * row, then follow-me (the findmefollow row, or four synthesised defaults when there is none), the
 * tech table's keywords, then AMPUSER/<ext>/* and CW/<ext> from AstDB (which win), then the mailbox;
 * storage values are turned into yes/no and the dotted names nested. A list keeps `extension, name,
 * tech, dial, secret, context` plus whatever `?fields=` asks for (`*` = everything). Gen A knew only
 * SIP rows and five flat fields.
 */

export const LIST_FIELDS = ['extension', 'name', 'tech', 'dial', 'secret', 'context'];
const GEN_A_FIELDS = ['extension', 'name', 'tech', 'dial', 'secret'];

/** Order like the union query's `ORDER BY 1`: extension is a varchar, so '1000' sorts before '200'. */
export function sortedExtensions(state: IssabelState): SimExtension[] {
  return [...state.extensions.values()].sort((a, b) => (a.extension < b.extension ? -1 : a.extension > b.extension ? 1 : 0));
}

/** The flat, presented record (dotted keys) of one extension. */
export function extensionRecord(state: IssabelState, ext: SimExtension): Flat {
  const hasSecret = ext.tech === 'sip' || ext.tech === 'pjsip' || ext.tech === 'iax2';
  const row: Flat = {
    extension: ext.extension,
    name: ext.users.name,
    tech: ext.tech,
    dial: ext.tech === 'virtual' ? '' : ext.dial,
    secret: hasSecret ? (ext.device.secret ?? '') : '',
    context: ext.tech === 'virtual' || ext.tech === 'custom' ? '' : (ext.device.context ?? ''),
    'callerid_override.emergency': ext.emergencyCid,
  };
  for (const [column, field] of Object.entries(USERS_FIELDS)) row[field] = ext.users[column as keyof typeof USERS_FIELDS];

  const final: Flat = {};
  const followme = state.followme.get(ext.extension);
  if (followme) {
    const mapped = Object.entries(FOLLOWME_FIELDS).map(([column, field]) => [field, followme[column as keyof typeof FOLLOWME_FIELDS]] as const);
    for (const [field, value] of mapped.sort(([a], [b]) => (a < b ? -1 : 1))) final[field] = value;
  } else {
    final['followme.enabled'] = 'no';
    final['followme.ring_time'] = '30';
    final['followme.initial_ring_time'] = '0';
    final['followme.extension_list'] = ext.extension;
  }
  if (ext.tech !== 'virtual' && ext.tech !== 'custom') {
    for (const [keyword, value] of Object.entries(ext.device)) {
      if (keyword === 'secret' || keyword === 'context' || keyword === 'dial') continue;
      final[deviceFieldName(keyword)] = value;
    }
  }
  final['extension_options.pinless_dialing'] = '';
  final['extension_options.call_waiting'] = '';
  final['dictation.enabled'] = 'no';
  for (const [key, value] of [...dbTree(state.astdb, `AMPUSER/${ext.extension}`)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const field = AMPUSER_FIELDS[key];
    if (field) final[field] = value;
  }
  const cw = state.astdb.get(`CW/${ext.extension}`);
  if (cw !== undefined) final['extension_options.call_waiting'] = cw;
  if (ext.users.voicemail !== 'novm' && ext.voicemailBox) {
    const box = ext.voicemailBox;
    for (const [field, name] of Object.entries(VOICEMAIL_FIELDS)) final[name] = box[field as 'pin' | 'email' | 'pager'];
    const options = Object.entries(box.options);
    if (options.length === 0) final['voicemail.options'] = [];
    for (const [option, value] of options) final[VOICEMAIL_OPTIONS[option] ?? `voicemail.options.${option}`] = value;
  }
  return presentFields({ ...row, ...final });
}

/** Keeps the listed fields of a nested record; groups left empty disappear. */
function pick(record: Record<string, unknown>, fields: readonly string[], prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const path = prefix + key;
    if (fields.includes(path)) out[key] = value;
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const inner = pick(value as Record<string, unknown>, fields, `${path}.`);
      if (Object.keys(inner).length > 0) out[key] = inner;
    }
  }
  return out;
}

/** One list/search item: the list fields plus `fields` (comma list or `*`). */
export function listItem(state: IssabelState, ext: SimExtension, fields: string | null): Record<string, unknown> {
  if (state.generation === 'A') return genAItem(ext);
  const record = unflatten(extensionRecord(state, ext));
  if (fields === '*') return record;
  return pick(record, [...LIST_FIELDS, ...(fields ? fields.split(',') : [])]);
}

function genAItem(ext: SimExtension): Record<string, unknown> {
  const record: Record<string, unknown> = { extension: ext.extension, name: ext.users.name, tech: ext.tech, dial: ext.dial, secret: ext.device.secret ?? '' };
  return Object.fromEntries(GEN_A_FIELDS.map((f) => [f, record[f]]));
}

/** Gen A's query joined the sip table on its `secret` row: nothing else was listed. */
function visible(state: IssabelState, ext: SimExtension): boolean {
  return state.generation !== 'A' || ext.tech === 'sip';
}

export function listExtensions(state: IssabelState, fields: string | null): Array<Record<string, unknown>> {
  return sortedExtensions(state)
    .filter((ext) => visible(state, ext))
    .map((ext) => listItem(state, ext, fields));
}

/** GET /extensions/{ext}: every field, nested; an unknown number is simply no rows. */
export function getExtension(state: IssabelState, id: string): Array<Record<string, unknown>> {
  const ext = state.extensions.get(id);
  if (!ext || !visible(state, ext)) return [];
  return [state.generation === 'A' ? genAItem(ext) : unflatten(extensionRecord(state, ext))];
}

/**
 * GET /extensions/search/{term}: a term of `[0-9xzn.^]` is a dial pattern matched (unanchored, like
 * MySQL REGEXP) against the number; anything else is `name LIKE %term%`. Virtual extensions have no
 * device description, so a search never finds them.
 */
export function searchExtensions(state: IssabelState, rawTerm: string, fields: string | null): Array<Record<string, unknown>> {
  const term = rawTerm.toLowerCase();
  let matches: (ext: SimExtension) => boolean;
  if (/^[0-9xzn.^]*$/.test(term)) {
    const pattern = term.replace(/x/g, '[0-9]').replace(/z/g, '[1-9]').replace(/n/g, '[2-9]').replace(/\./g, '.*');
    const regexp = new RegExp(pattern);
    matches = (ext) => regexp.test(ext.extension);
  } else {
    matches = (ext) => mysqlLike(ext.users.name, term);
  }
  return sortedExtensions(state)
    .filter((ext) => ext.tech !== 'virtual' && visible(state, ext) && matches(ext))
    .map((ext) => listItem(state, ext, fields));
}
