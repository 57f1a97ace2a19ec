import type { ApiError } from './respond.js';
import { type Flat, isCheckedFlag, isYes, regroupLists, flatten } from './php.js';
import type { FollowMeRow, UsersRow } from './state.js';

/*
 * controllers/extensions.php's dictionary: where each public field (`device_options.nat`,
 * `followme.enabled`) lives in storage, how values are translated on the way in (`yes` → `ENABLED`,
 * `DIRECT`, `intercom`…) and out (`…` → `yes`/`no`), and which values are refused with 422. The seed
 * doc's flat names (`ringtimer`, `voicemail: novm`, `recording_in_external`) belong to Gen A; later
 * generations still take `ringtimer` as the users column (and nothing else does).
 */

/** users columns → public names. */
export const USERS_FIELDS: Record<Exclude<keyof UsersRow, 'name'>, string> = {
  voicemail: 'voicemail.enabled',
  ringtimer: 'extension_options.ring_time',
  outboundcid: 'callerid_override.outbound',
  sipname: 'sip_alias',
  noanswer_cid: 'destination.callerid_prefix_no_answer',
  busy_cid: 'destination.callerid_prefix_busy',
  chanunavail_cid: 'destination.callerid_prefix_unavailable',
  noanswer_dest: 'destination.no_answer',
  busy_dest: 'destination.busy',
  chanunavail_dest: 'destination.unavailable',
};

/**
 * Tech-table keywords with a public name; any other keyword shows as `device_options.<keyword>`.
 * The map's own typo (`echocancelwhenbirdged`) means DAHDI's `echocancelwhenbridged` shows under its raw name.
 */
const DEVICE_FIELDS: Record<string, string> = {
  callgroup: 'device_options.call_group',
  dtmfmode: 'device_options.dtmf_mode',
  qualifyfreq: 'device_options.qualify_frequency',
  icesupport: 'device_options.ice_support',
  dtlsenable: 'device_options.dtls_enable',
  dtlssetup: 'device_options.dtls_setup',
  dtlsverify: 'device_options.dtls_verify',
  dtlscertfile: 'device_options.dtls_certificate_file',
  dtlsprivatekey: 'device_options.dtls_private_key',
  allow: 'device_options.allow_codecs',
  disallow: 'device_options.disallow_codecs',
  deny: 'device_options.deny_acl',
  permit: 'device_options.permit_acl',
  sendrpid: 'device_options.send_rpid',
  trustrpid: 'device_options.trust_rpid',
  pickupgroup: 'device_options.pickup_group',
  accountcode: 'device_options.account_code',
  parkinglot: 'device_options.parking_lot',
  canreinvite: 'device_options.can_reinvite',
  echocancel: 'device_options.echo_cancel',
  echocancelwhenbirdged: 'device_options.echo_cancel_when_bridged',
  echotraining: 'device_options.echo_training',
  busydetect: 'device_options.busy_detect',
  busycount: 'device_options.busy_count',
  callprogress: 'device_options.call_progress',
  requirecalltoken: 'device_options.require_call_token',
};

export function deviceFieldName(keyword: string): string {
  return DEVICE_FIELDS[keyword] ?? `device_options.${keyword}`;
}

/** AMPUSER/<ext>/<key> entries a GET shows, and under which name. */
export const AMPUSER_FIELDS: Record<string, string> = {
  language: 'language',
  cidnum: 'callerid_override.internal',
  answermode: 'extension_options.internal_auto_answer',
  'queues/qnostate': 'extension_options.queue_state_detection',
  dialopts: 'extension_options.dial_options',
  cfringtimer: 'extension_options.call_forward_ring_time',
  concurrency_limit: 'extension_options.outbound_concurrency_limit',
  screen: 'extension_options.call_screening',
  pinless: 'extension_options.pinless_dialing',
  'recording/in/external': 'recording.inbound_external',
  'recording/in/internal': 'recording.inbound_internal',
  'recording/out/external': 'recording.outbound_external',
  'recording/out/internal': 'recording.outbound_internal',
  'recording/ondemand': 'recording.ondemand',
  'recording/priority': 'recording.priority',
  'dictate/enabled': 'dictation.enabled',
  'dictate/email': 'dictation.email',
  'dictate/format': 'dictation.format',
  'followme/changecid': 'followme.change_external_callerid',
  'followme/ddial': 'followme.enabled',
  'followme/fixedcid': 'followme.fixed_callerid',
};

/**
 * The AstDB keys an update rewrites, and the input each is taken from. Only keys present in the
 * request are touched. `language` is keyed by its internal name, so a PUT's `language` never reaches AstDB.
 */
export const UPDATE_ASTDB_INPUTS: Array<[string, string]> = [
  ['AMPUSER/{ext}/outboundcid', 'callerid_override.outbound'],
  ['AMPUSER/{ext}/recording/in/external', 'recording.inbound_external'],
  ['AMPUSER/{ext}/recording/in/internal', 'recording.inbound_internal'],
  ['AMPUSER/{ext}/recording/out/external', 'recording.outbound_external'],
  ['AMPUSER/{ext}/recording/out/internal', 'recording.outbound_internal'],
  ['AMPUSER/{ext}/recording/priority', 'recording.priority'],
  ['AMPUSER/{ext}/recording/ondemand', 'recording.ondemand'],
  ['AMPUSER/{ext}/ringtimer', 'extension_options.ring_time'],
  ['AMPUSER/{ext}/answermode', 'extension_options.internal_auto_answer'],
  ['AMPUSER/{ext}/cfringtimer', 'extension_options.call_forward_ring_time'],
  ['AMPUSER/{ext}/cidname', 'name'],
  ['AMPUSER/{ext}/voicemail', 'voicemail.enabled'],
  ['AMPUSER/{ext}/concurrency_limit', 'extension_options.outbound_concurrency_limit'],
  ['AMPUSER/{ext}/language', 'astdb.ampusers.language'],
  ['AMPUSER/{ext}/queues/qnostate', 'extension_options.queue_state_detection'],
  ['AMPUSER/{ext}/pinless', 'extension_options.pinless_dialing'],
  ['CW/{ext}', 'extension_options.call_waiting'],
  ['AMPUSER/{ext}/dictate/enabled', 'dictation.enabled'],
  ['AMPUSER/{ext}/dictate/email', 'dictation.email'],
  ['AMPUSER/{ext}/dictate/format', 'dictation.format'],
  ['AMPUSER/{ext}/followme/changecid', 'followme.change_external_callerid'],
  ['AMPUSER/{ext}/followme/ddial', 'followme.enabled'],
  ['AMPUSER/{ext}/followme/fixedcid', 'followme.fixed_callerid'],
  ['AMPUSER/{ext}/followme/grpconf', 'followme.confirm_calls'],
  ['AMPUSER/{ext}/followme/grplist', 'followme.extension_list'],
  ['AMPUSER/{ext}/followme/grptime', 'followme.ring_time'],
  ['AMPUSER/{ext}/followme/prering', 'followme.initial_ring_time'],
];

/** findmefollow columns → public names (also writable as `parameters.<column>`). */
export const FOLLOWME_FIELDS: Record<keyof FollowMeRow, string> = {
  strategy: 'followme.strategy',
  grptime: 'followme.ring_time',
  grppre: 'followme.callerid_name_prefix',
  grplist: 'followme.extension_list',
  annmsg_id: 'followme.announcement_id',
  postdest: 'followme.destination_if_no_answer',
  dring: 'followme.alert_info',
  remotealert_id: 'followme.remote_announce_id',
  needsconf: 'followme.confirm_calls',
  toolate_id: 'followme.toolate_announce_id',
  pre_ring: 'followme.initial_ring_time',
  ringing: 'followme.music_on_hold',
};

/** voicemail.conf fields and options → public names. */
export const VOICEMAIL_FIELDS: Record<string, string> = { pin: 'voicemail.pin', email: 'voicemail.email', pager: 'voicemail.pager_email' };
export const VOICEMAIL_OPTIONS: Record<string, string> = {
  review: 'voicemail.options.review',
  attach: 'voicemail.options.email_attachment',
  saycid: 'voicemail.options.play_callerid',
  envelope: 'voicemail.options.play_envelope',
  delete: 'voicemail.options.delete',
};

const TO_YES: Record<string, (value: unknown) => string> = {
  'extension_options.pinless_dialing': (v) => (v === 'NOPASSWD' ? 'yes' : 'no'),
  'extension_options.call_waiting': (v) => (v === 'ENABLED' ? 'yes' : 'no'),
  'extension_options.internal_auto_answer': (v) => (v === 'intercom' ? 'yes' : 'no'),
  'extension_options.queue_state_detection': (v) => (v === 'usestate' ? 'yes' : 'no'),
  'recording.ondemand': (v) => (v === 'enabled' ? 'yes' : 'no'),
  'voicemail.enabled': (v) => (v === 'novm' ? 'no' : 'yes'),
  'dictation.enabled': (v) => (v === 'enabled' ? 'yes' : 'no'),
  'followme.confirm_calls': (v) => (v === 'CHECKED' ? 'yes' : 'no'),
  'followme.enabled': (v) => (v === 'DIRECT' ? 'yes' : 'no'),
};

/** presentationTransformValues: storage values → what a GET shows. */
export function presentFields(flat: Flat): Flat {
  const out: Flat = { ...flat };
  for (const [key, transform] of Object.entries(TO_YES)) if (out[key] !== undefined && out[key] !== null) out[key] = transform(out[key]);
  const list = out['followme.extension_list'];
  if (typeof list === 'string') out['followme.extension_list'] = list.split('-');
  return out;
}

const FROM_YES: Record<string, (value: unknown) => unknown> = {
  'extension_options.pinless_dialing': (v) => (isYes(v) ? 'NOPASSWD' : ''),
  'extension_options.call_waiting': (v) => (isYes(v) ? 'ENABLED' : ''),
  'extension_options.internal_auto_answer': (v) => (isYes(v) ? 'intercom' : 'disabled'),
  'extension_options.queue_state_detection': (v) => (isYes(v) ? 'usestate' : 'ignorestate'),
  'recording.ondemand': (v) => (isYes(v) ? 'enabled' : 'disabled'),
  'voicemail.enabled': (v) => (isYes(v) ? 'default' : 'novm'),
  'dictation.enabled': (v) => (isYes(v) ? 'enabled' : ''),
  'followme.confirm_calls': (v) => (isCheckedFlag(v) ? 'CHECKED' : 'off'),
  'parameters.grplist': (v) => (Array.isArray(v) ? v.join('-') : v),
  'followme.enabled': (v) => (isCheckedFlag(v) ? 'DIRECT' : 'EXTENSION'),
};

/** transformValues: lists regrouped, then request values → storage values. */
export function transformInput(input: Flat): Flat {
  const out = regroupLists(input);
  for (const [key, transform] of Object.entries(FROM_YES)) if (out[key] !== undefined && out[key] !== null) out[key] = transform(out[key]);
  return out;
}

const YES_NO = ['yes', 'no'];
const RECORDING = ['dontcare', 'always', 'never'];
const ENUMS: Record<string, string[]> = {
  tech: ['sip', 'pjsip', 'iax2', 'virtual', 'dahdi', 'custom'],
  'recording.inbound_internal': RECORDING,
  'recording.inbound_external': RECORDING,
  'recording.outbound_internal': RECORDING,
  'recording.outbound_external': RECORDING,
  'device_options.nat': ['yes', 'no', 'never', 'route'],
  'device_options.transfer': YES_NO,
  'device_options.avpf': YES_NO,
  'device_options.force_avp': YES_NO,
  'device_options.ice_support': YES_NO,
  'device_options.dtls_enable': YES_NO,
  'device_options.dtls_verify': ['yes', 'no', 'fingerprint'],
  'device_options.dtls_setup': ['actpass', 'active', 'passive'],
  'device_options.rtcp_mux': YES_NO,
  'device_options.encryption': YES_NO,
  'device_options.call_progress': YES_NO,
  'device_options.busy_detect': YES_NO,
  'device_options.can_reinvite': ['yes', 'no', 'nonat', 'update'],
  'device_options.require_call_token': ['yes', 'no', 'auto'],
  'device_options.dtmf_mode': ['rfc2833', 'inband', 'auto', 'info', 'shortinfo'],
  'extension_options.pinless_dialing': ['', 'NOPASSWD'],
  'extension_options.call_waiting': ['', 'ENABLED'],
  'device_options.send_rpid': ['yes', 'no', 'pai'],
  'device_options.trust_rpid': YES_NO,
  'dictation.enabled': ['enabled', ''],
  'dictation.format': ['ogg', 'gsm', 'wav'],
};

const DIGITS = [
  'device_options.busy_count',
  'extension_options.outbound_concurrency_limit',
  'callerid_override.emergency',
  'callerid_override.outbound',
  'callerid_override.internal',
  'recording.priority',
  'device_options.max_contacts',
];

const IPV4 = /^((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$/;
const TRANSPORTS = ['wss', 'ws', 'udp', 'tcp', 'tls'];

/** validateValues: every refusal, each a 422 naming its field. */
export function validateInput(input: Flat): ApiError[] {
  const errors: ApiError[] = [];
  const has = (key: string) => input[key] !== undefined && input[key] !== null;
  const text = (key: string) => (typeof input[key] === 'boolean' ? (input[key] ? '1' : '') : String(input[key]));
  for (const [key, allowed] of Object.entries(ENUMS)) {
    if (has(key) && !allowed.includes(text(key))) errors.push({ status: '422', source: key, detail: 'Not in list of allowed values' });
  }
  for (const key of DIGITS) {
    if (has(key) && (Array.isArray(input[key]) || !/^[0-9]*$/.test(text(key)))) errors.push({ status: '422', source: key, detail: 'Only digits allowed' });
  }
  if (has('device_options.transport') && text('device_options.transport').split(',').some((t) => !TRANSPORTS.includes(t))) {
    errors.push({ status: '422', source: 'device_options.transport', detail: 'Allowed transports: wss,ws,udp,tcp and tls' });
  }
  for (const key of ['device_options.permit_acl', 'device_options.deny_acl']) {
    // checkAcl splits once on `/` and wants a dotted address on both sides: a CIDR suffix like /24 fails.
    if (has(key) && text(key).split(/\/(.*)/s, 2).some((part) => !IPV4.test(part))) errors.push({ status: '422', source: key, detail: 'Not a valid IP address or Mask' });
  }
  return errors;
}

const GEN_A_RECORDING: Record<string, string> = {
  recording_in_external: 'recording.inbound_external',
  recording_in_internal: 'recording.inbound_internal',
  recording_out_external: 'recording.outbound_external',
  recording_out_internal: 'recording.outbound_internal',
};

/**
 * A request body as the controller's field names see it. Gen B/C and Gen A from 4f248ae flatten
 * nested objects. Seed-era Gen A knows only flat names: `ringtimer`, `voicemail: novm|default`,
 * `recording_in_external`…; nested objects are ignored, though a literal dotted key such as
 * `"followme.enabled"` still arrives as itself.
 */
export function normalizeInput(body: unknown, flatNames: boolean): Flat {
  if (!flatNames) return flatten(body);
  const out: Flat = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [key, value] of Object.entries(body)) {
    if (value !== null && typeof value === 'object') continue;
    if (key === 'ringtimer') out['extension_options.ring_time'] = value;
    else if (key === 'voicemail') out['voicemail.enabled'] = value === 'novm' ? 'no' : value === 'default' ? 'yes' : value;
    else if (GEN_A_RECORDING[key]) out[GEN_A_RECORDING[key]] = value;
    else out[key] = value;
  }
  return out;
}
