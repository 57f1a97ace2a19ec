import { dbDel, dbDelTree, dbPut } from './astdb.js';
import { FOLLOWME_FIELDS, UPDATE_ASTDB_INPUTS, USERS_FIELDS, VOICEMAIL_FIELDS, VOICEMAIL_OPTIONS, deviceFieldName } from './extension-fields.js';
import { type Flat, cliValue, dbValue, looseStringEquals, strval } from './php.js';
import type { Random } from '../random.js';
import {
  type ExtensionTech,
  type FollowMeRow,
  type IssabelState,
  type SimExtension,
  type UsersRow,
  ampuserDefaults,
  deviceDefaults,
  emptyUsersRow,
} from './state.js';

/*
 * What create_param, create_user and create_vmail do to storage, on insert and on update, including
 * the parts a client trips over: an update rewrites only the AstDB keys present in the request, but
 * deletes the whole follow-me configuration (findmefollow row and AMPUSER/<ext>/followme tree) unless
 * the request says `followme.enabled` = yes/1/on, and the dictation tree unless `dictation.enabled`
 * is yes; it also clears the device's emergency caller id unless re-sent, and replaces a mailbox with
 * exactly the voicemail fields sent. A list sent as `followme.extension_list` reaches the database
 * layer as an array, which F3 reads as `[value, PDO type]`: only its first number is stored.
 * Input here is already flattened and transformed (`DIRECT`, `ENABLED`, `default`…).
 */

const has = (input: Flat, key: string) => input[key] !== undefined && input[key] !== null;

function randomSecret(random: Random): string {
  const chars = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from({ length: 32 }, () => chars[random.int(0, chars.length - 1)]).join('');
}

/** The numbers in use by anything with a dialable number (dieExtensionDuplicate); compared with PHP's loose `==`. */
export function numberInUse(state: IssabelState, number: string): boolean {
  const used = [...state.extensions.keys(), ...state.ringGroups.keys(), ...state.queues.keys()];
  return used.some((n) => looseStringEquals(n, number));
}

/** The first gap: the smallest n+1 where n is an extension and n+1 is not (users table only); '' when there are no users. */
export function nextExtensionNumber(state: IssabelState): string {
  const numbers = new Set([...state.extensions.keys()].map((e) => parseInt(e, 10) || 0));
  const sorted = [...numbers].sort((a, b) => a - b);
  for (const n of sorted) if (!numbers.has(n + 1)) return String(n + 1);
  return '';
}

function writeFollowMe(state: IssabelState, extension: string, input: Flat): void {
  const enabled = input['followme.enabled'];
  if (enabled === undefined || enabled === null || enabled === '' || enabled === 'EXTENSION') {
    dbDelTree(state.astdb, `AMPUSER/${extension}/followme`);
    state.followme.delete(extension);
    return;
  }
  const base: Record<string, string> = {
    // No default strategy: the column is left NULL and reads back as ''.
    strategy: '',
    grptime: '20',
    grplist: extension,
    pre_ring: '0',
    remotealert_id: '0',
    annmsg_id: '0',
    toolate_id: '0',
    postdest: `ext-local,${extension},dest`,
    grppre: '',
    dring: '',
    needsconf: '',
    ringing: 'Ring',
    ...state.followme.get(extension),
  };
  const row = {} as FollowMeRow;
  for (const [column, field] of Object.entries(FOLLOWME_FIELDS) as Array<[keyof FollowMeRow, string]>) {
    if (has(input, field)) row[column] = dbValue(input[field]);
    else if (has(input, `parameters.${column}`)) row[column] = dbValue(input[`parameters.${column}`]);
    else row[column] = base[column]!;
  }
  state.followme.set(extension, row);
}

function writeVoicemail(ext: SimExtension, input: Flat): void {
  if (input['voicemail.enabled'] === 'novm') {
    ext.voicemailBox = null;
    return;
  }
  const posted = Object.keys(input).filter((k) => k.startsWith('voicemail.') && k !== 'voicemail.enabled');
  if (posted.length === 0) return;
  const field = (name: string) => (has(input, name) ? dbValue(input[name]) : '');
  const options: Record<string, string> = {};
  for (const [option, name] of Object.entries(VOICEMAIL_OPTIONS)) if (has(input, name)) options[option] = dbValue(input[name]);
  ext.voicemailBox = { pin: field(VOICEMAIL_FIELDS.pin!), email: field(VOICEMAIL_FIELDS.email!), pager: field(VOICEMAIL_FIELDS.pager!), options };
}

/** A users-table column from the request: its public name, or (as the column itself) its internal one. */
function usersValue(input: Flat, column: keyof typeof USERS_FIELDS): string | undefined {
  if (has(input, USERS_FIELDS[column])) return dbValue(input[USERS_FIELDS[column]]);
  if (has(input, column)) return dbValue(input[column]);
  return undefined;
}

/** POST /extensions or PUT of a new number: devices, tech table, users, AstDB, follow-me, mailbox. */
export function insertExtension(state: IssabelState, random: Random, extension: string, tech: ExtensionTech, input: Flat): SimExtension {
  const upper = tech.toUpperCase();
  const dial = tech === 'virtual' ? '' : has(input, 'dial') ? dbValue(input.dial) : `${upper}/${extension}`;
  const context = has(input, 'context') ? dbValue(input.context) : 'from-internal';
  const secret = has(input, 'secret') ? dbValue(input.secret) : randomSecret(random);
  const device = deviceDefaults(tech, extension, secret, context, tech === 'dahdi' ? 'DAHDI/1' : dial);
  for (const keyword of Object.keys(device)) {
    const name = deviceFieldName(keyword);
    if (has(input, name)) device[keyword] = dbValue(input[name]);
  }

  const name = dbValue(input.name ?? extension);
  const voicemail = input['voicemail.enabled'] === 'default' ? 'default' : 'novm';
  const users: UsersRow = emptyUsersRow(name);
  users.voicemail = voicemail;
  for (const column of Object.keys(USERS_FIELDS) as Array<keyof typeof USERS_FIELDS>) {
    if (column === 'voicemail') continue;
    const value = usersValue(input, column);
    if (value !== undefined) users[column] = value;
  }
  const ext: SimExtension = {
    extension,
    tech,
    users,
    dial,
    emergencyCid: strval(input['callerid_override.emergency']),
    device: tech === 'virtual' || tech === 'custom' ? {} : device,
    voicemailBox: null,
    registered: false,
  };
  state.extensions.set(extension, ext);

  if (tech !== 'virtual') {
    dbPut(state.astdb, `DEVICE/${extension}`, 'default_user', extension);
    dbPut(state.astdb, `DEVICE/${extension}`, 'dial', `${upper}/${extension}`);
    dbPut(state.astdb, `DEVICE/${extension}`, 'type', 'fixed');
    dbPut(state.astdb, `DEVICE/${extension}`, 'user', extension);
  }

  const from = (field: string, fallback: string) => (has(input, field) ? cliValue(input[field]) : fallback);
  const ampuser: Record<string, string> = {
    ...ampuserDefaults(extension, name, voicemail),
    answermode: from('extension_options.internal_auto_answer', 'disabled'),
    cfringtimer: from('extension_options.call_forward_ring_time', '0'),
    concurrency_limit: from('extension_options.outbound_concurrency_limit', '0'),
    language: from('language', ''),
    outboundcid: from('callerid_override.outbound', ''),
    'queues/qnostate': from('extension_options.queue_state_detection', 'usestate'),
    pinless: from('extension_options.pinless_dialing', ''),
    'recording/in/external': from('recording.inbound_external', 'dontcare'),
    'recording/in/internal': from('recording.inbound_internal', 'dontcare'),
    'recording/out/external': from('recording.outbound_external', 'dontcare'),
    'recording/out/internal': from('recording.outbound_internal', 'dontcare'),
    'recording/priority': from('recording.priority', '0'),
    'dictate/enabled': from('dictation.enabled', ''),
    'dictate/email': from('dictation.email', ''),
    'dictate/format': from('dictation.format', ''),
    // The AstDB ring time comes from extension_options.ring_time only; the seed's `ringtimer` reaches the users column alone.
    ringtimer: from('extension_options.ring_time', '0'),
    // create_user seeds a follow-me tree for every new user, then deletes it unless follow-me was asked for.
    'followme/changecid': 'default',
    'followme/ddial': 'DIRECT',
    'followme/fixedcid': '',
    'followme/grpconf': 'DISABLED',
    'followme/grplist': extension,
    'followme/grptime': '20',
    'followme/prering': '0',
  };
  for (const [key, value] of Object.entries(ampuser)) dbPut(state.astdb, `AMPUSER/${extension}`, key, value);
  dbPut(state.astdb, 'CW', extension, from('extension_options.call_waiting', 'ENABLED'));

  if (ampuser['dictate/enabled'] === '') dbDelTree(state.astdb, `AMPUSER/${extension}/dictate`);
  writeFollowMe(state, extension, input);
  writeVoicemail(ext, input);
  return ext;
}

/** PUT of an existing number. `tech` and `dial` stay what the devices table says (custom's dial excepted). */
export function updateExtension(state: IssabelState, ext: SimExtension, input: Flat): void {
  const extension = ext.extension;
  if (has(input, 'name')) ext.users.name = dbValue(input.name);
  for (const column of Object.keys(USERS_FIELDS) as Array<keyof typeof USERS_FIELDS>) {
    const value = usersValue(input, column);
    if (value !== undefined) ext.users[column] = value;
  }
  // devices is rewritten from the request: an emergency caller id not re-sent is cleared.
  if (ext.tech !== 'virtual') ext.emergencyCid = strval(input['callerid_override.emergency']);
  if (ext.tech === 'custom' && has(input, 'dial') && input.dial !== '') ext.dial = dbValue(input.dial);

  if (ext.tech !== 'virtual' && ext.tech !== 'custom') {
    const fresh = deviceDefaults(ext.tech, extension, ext.device.secret ?? '', ext.device.context ?? 'from-internal', ext.device.dial ?? ext.dial);
    const device: Record<string, string> = { ...fresh, ...ext.device };
    for (const keyword of Object.keys(device)) {
      const name = deviceFieldName(keyword);
      if (has(input, name)) device[keyword] = dbValue(input[name]);
      else if (keyword === 'secret' && has(input, 'secret')) device.secret = dbValue(input.secret);
    }
    ext.device = device;
  }

  for (const [path, field] of UPDATE_ASTDB_INPUTS) {
    if (!has(input, field)) continue;
    const [family, ...rest] = path.replace('{ext}', extension).split('/');
    const familyPath = rest.length > 1 ? `${family}/${rest[0]}` : family!;
    const key = rest.length > 1 ? rest.slice(1).join('/') : rest[0]!;
    dbDel(state.astdb, familyPath, key);
    dbPut(state.astdb, familyPath, key, cliValue(input[field]));
  }

  if (input['dictation.enabled'] !== 'enabled') dbDelTree(state.astdb, `AMPUSER/${extension}/dictate`);
  writeFollowMe(state, extension, input);
  writeVoicemail(ext, input);
}

/** DELETE of one number: users, devices, tech rows, AstDB trees, mailbox. The findmefollow row and CF/DND entries are left behind. */
export function deleteExtension(state: IssabelState, extension: string): void {
  state.extensions.delete(extension);
  for (const family of ['AMPUSER', 'CALLTRACE', 'CW', 'DEVICE']) dbDelTree(state.astdb, `${family}/${extension}`);
}
