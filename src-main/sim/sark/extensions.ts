import type { SimResponse } from '../http/http-sim.js';
import { localDateTime } from '../pbx-data.js';
import { getDbValue, phpContains } from './ami-text.js';
import { commandWait, magic, pbxDownAppended, type SarkAction, type SarkCall, unprocessable, validationContext, visible } from './context.js';
import { json, ModelNotFound, type PhpArray, type PhpValue, PhpException } from './laravel.js';
import { EXTENSION_COLUMNS, EXTENSION_HIDDEN, type Row, SIPIAXFRIEND } from './state.js';
import { phpString, type Rules, validate } from './validation.js';

/*
 * ExtensionController (table IPphone). The creation kinds SARK offers and how each really behaves:
 * `unprovisioned` and `webrtc` check duplicates in the validator (422 `save`), `mailbox` registers its
 * duplicate check after it has already validated so duplicates reach SQLite (409 `{"Error": …}`),
 * `provisioned` looks the MAC vendor up in a file that only exists on the author's dev box (always
 * 422 on a stock install), `vxt` has a route and no method (500). A created model is answered 201
 * with only the attributes Eloquent holds in memory (defaults plus what was set, values as the
 * client sent them), not the full row a GET returns. Runtime call forwarding lives in AstDB; the
 * validator's rule array is mis-nested so `nullable` never applies and a forward cannot be cleared
 * through PUT …/runtime.
 */

const UPDATE_RULES: Rules = [
  ['active', ['in:YES,NO']],
  ['callbackto', ['in:desk,cell']],
  ['callerid', ['integer', 'nullable']],
  ['cellphone', ['integer', 'nullable']],
  ['celltwin', ['in:ON,OFF']],
  ['cluster', ['exists:cluster,pkey']],
  ['devicerec', ['in:None,OTR,OTRR,Inbound.Outbound,Both']],
  ['dvrvmail', ['exists:ipphone,pkey', 'nullable']],
  ['location', ['in:local,remote']],
  ['protocol', ['in:IPV4,IPV6']],
  ['provision', ['string', 'nullable']],
  ['provisionwith', ['in:IP,FQDN']],
  ['sndcreds', ['in:No,Once,Always']],
  ['transport', ['in:udp,tcp,tls,wss']],
  ['vmailfwd', ['email', 'nullable']],
];

/** `'cfim' => ['regex:…'], ['nullable'], …`: the `nullable` arrays land on keys 0 and 1. */
const RUNTIME_RULES: Rules = [
  ['cfim', ['regex:/^\\+?\\d+$/']],
  ['0', ['nullable']],
  ['cfbs', ['regex:/^\\+?\\d+$/']],
  ['1', ['nullable']],
  ['ringdelay', ['integer', 'nullable']],
];

const CREATE_RULES: Rules = [
  ['pkey', ['required']],
  ['cluster', ['required', 'exists:cluster,pkey']],
];

/** App\Extension's `$attributes` defaults, in declaration order. */
function modelDefaults(): PhpArray {
  return {
    abstimeout: '14400',
    active: 'YES',
    basemacaddr: null,
    callbackto: 'desk',
    devicerec: 'default',
    cluster: 'default',
    protocol: 'IPV4',
    provisionwith: 'IP',
    sipiaxfriend: SIPIAXFRIEND,
    sndcreds: 'Always',
    transport: 'udp',
    technology: 'SIP',
    z_updater: 'system',
  };
}

/** Helper.php `ret_password(12)`: distinct characters from a set without look-alikes. */
function retPassword(call: SarkCall, length = 12): string {
  const possible = '2346789bcdfghjkmnpqrtvwxyzBCDFGHJKLMNPQRTVWXYZ';
  let password = '';
  while (password.length < length) {
    const c = possible[call.box.random.int(0, possible.length - 1)]!;
    if (!password.includes(c)) password += c;
  }
  return password;
}

/** Route-model binding: `Extension $extension`. */
export function bindExtension(call: SarkCall, param = 'extension'): Row {
  const id = call.params[param] ?? '';
  const row = call.box.state.extensions.get(id);
  if (!row) throw new ModelNotFound(call.box.settings.generation === 'L11' ? 'App\\Models\\Extension' : 'App\\Extension', id);
  return row;
}

/** What PDO writes into a TEXT column and SQLite gives back. */
function stored(value: PhpValue): string | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'object') return 'Array';
  return String(value);
}

function now(call: SarkCall): string {
  return localDateTime(Date.now(), call.box.settings.utcOffsetMinutes);
}

/** Laravel 7's QueryException text: SQLSTATE, driver message, the SQL with bindings pasted in. */
function integrityError(detail: string, attributes: PhpArray): string {
  const columns = Object.keys(attributes).map((c) => `"${c}"`).join(', ');
  const values = Object.values(attributes).map((v) => (v === null ? '' : String(v))).join(', ');
  return `SQLSTATE[23000]: Integrity constraint violation: 19 ${detail} (SQL: insert into "ipphone" (${columns}) values (${values}))`;
}

/** `Extension::create([...])`: the insert, or the 409 the controller's catch answers. */
type Created = { ok: true; attributes: PhpArray } | { ok: false; conflict: string };

function create(call: SarkCall, fill: PhpArray): Created {
  const attributes: PhpArray = { ...modelDefaults(), ...fill };
  attributes.passwd = retPassword(call);
  const pkey = attributes.pkey ?? null;
  const { extensions } = call.box.state;
  if (pkey === null) return { ok: false, conflict: integrityError('NOT NULL constraint failed: ipphone.pkey', attributes) };
  if (extensions.has(phpString(pkey))) return { ok: false, conflict: integrityError('UNIQUE constraint failed: ipphone.pkey', attributes) };
  const row: Row = Object.fromEntries(EXTENSION_COLUMNS.map((c) => [c, null]));
  for (const [k, v] of Object.entries(attributes)) row[k] = stored(v);
  row.z_created = row.z_updated = now(call);
  extensions.set(phpString(pkey), row);
  return { ok: true, attributes };
}

/** `return $extension;` of a model Eloquent just inserted is a 201; the catch answers 409. */
function created(result: Created): SimResponse {
  return result.ok ? json(201, visible(result.attributes, EXTENSION_HIDDEN)) : json(409, { Error: result.conflict });
}

function duplicate(call: SarkCall): boolean {
  const pkey = call.input.all.pkey;
  return pkey !== undefined && pkey !== null && call.box.state.extensions.has(phpString(pkey));
}

export const index: SarkAction = (call) => {
  const rows = [...call.box.state.extensions.values()].sort((a, b) => (a.pkey! < b.pkey! ? -1 : a.pkey! > b.pkey! ? 1 : 0));
  return json(200, rows.map((row) => visible(row, EXTENSION_HIDDEN)));
};

export const show: SarkAction = (call) => json(200, visible(bindExtension(call), EXTENSION_HIDDEN));

export const mailbox: SarkAction = (call) => {
  const errors = validate(call.input.all, CREATE_RULES, validationContext(call));
  if (!errors.isEmpty) return unprocessable(errors);
  // The duplicate check is registered after fails() has run: it never fires.
  return created(create(call, { pkey: call.input.post.pkey ?? null, desc: 'MAILBOX', device: 'MAILBOX', cluster: call.input.post.cluster ?? null, location: 'local' }));
};

function sipExtension(device: string, extra: PhpArray): SarkAction {
  return (call) => {
    const errors = validate(call.input.all, CREATE_RULES, validationContext(call));
    if (duplicate(call)) errors.add('save', `Duplicate Key - ${phpString(call.input.all.pkey!)}`);
    if (!errors.isEmpty) return unprocessable(errors);
    const pkey = call.input.post.pkey ?? null;
    return created(create(call, { pkey, desc: `Ext${phpString(pkey)}`, device, cluster: call.input.post.cluster ?? null, location: 'local', ...extra }));
  };
}

export const unprovisioned = sipExtension('General SIP', {});
export const webrtc = sipExtension('WebRTC', { transport: 'wss' });

export const provisioned: SarkAction = (call) => {
  const rules: Rules = [...CREATE_RULES, ['macaddr', ['required', 'regex:/^[0-9a-fA-F]{12}$/']]];
  const errors = validate(call.input.all, rules, validationContext(call));
  if (duplicate(call)) errors.add('save', `Duplicate Key - ${phpString(call.input.all.pkey!)}`);
  // getVendorFromMac() greps /home/vagrant/sites/srkapi/storage/app/manuf.txt: absent on every real box.
  errors.add('macaddr', `Can't find Manufacturer for this MAC! ${phpString(call.input.post.macaddr ?? null)}`);
  return unprocessable(errors);
};

export const vxt: SarkAction = () => {
  throw new PhpException('Method App\\Http\\Controllers\\ExtensionController::vxt does not exist.', 'BadMethodCallException', 500, {}, '/opt/sark6api/vendor/laravel/framework/src/Illuminate/Routing/Controller.php', 68);
};

export const update: SarkAction = (call) => {
  const row = bindExtension(call);
  const errors = validate(call.input.all, UPDATE_RULES, validationContext(call));
  if (!errors.isEmpty) return unprocessable(errors);
  const model: PhpArray = { ...row };
  const updatable = new Set(UPDATE_RULES.map(([k]) => k));
  let dirty = false;
  for (const [key, value] of Object.entries(call.input.post)) {
    if (!updatable.has(key)) continue;
    if (stored(value) !== row[key]) dirty = true;
    model[key] = value;
  }
  if (dirty) for (const key of updatable) if (key in call.input.post) row[key] = stored(call.input.post[key]!);
  return json(200, visible(model, EXTENSION_HIDDEN));
};

export const destroy: SarkAction = (call) => {
  const row = bindExtension(call);
  call.box.state.extensions.delete(row.pkey!);
  return json(204, null);
};

/** Three `database get` commands; each waits out the AMI read on Asterisk ≥ 14. */
export const showRuntime: SarkAction = async (call) => {
  const row = bindExtension(call);
  if (!call.box.state.pbxRunning) return pbxDownAppended(call);
  const out: PhpArray = {};
  for (const family of ['cfim', 'cfbs', 'ringdelay']) {
    const text = call.box.asterisk.send('Command', [['Command', `database get ${family} ${row.pkey}`]]);
    await commandWait(call);
    out[family] = getDbValue(text);
  }
  return json(200, out);
};

export const updateRuntime: SarkAction = async (call) => {
  const row = bindExtension(call);
  const errors = validate(call.input.all, RUNTIME_RULES, validationContext(call));
  if (!errors.isEmpty) return unprocessable(errors);
  if (!call.box.state.pbxRunning) return pbxDownAppended(call);
  const put = async (family: string, value: PhpValue) => {
    const text = call.box.asterisk.send('Command', [['Command', `database put ${family} ${row.pkey} ${phpString(value)}`]]);
    await commandWait(call);
    return phpContains(text, 'Updated database successfully');
  };
  const cfim = magic(call, 'cfim');
  const cfbs = magic(call, 'cfbs');
  const ringdelay = magic(call, 'ringdelay');
  if (cfim !== undefined && cfim !== null) await put('cfim', cfim);
  if (phpTruthy(cfbs)) await put('cfbs', cfbs!);
  if (phpTruthy(ringdelay)) await put('ringdelay', ringdelay!);
  return json(204, null);
};

/** PHP's `if ($value)`. */
export function phpTruthy(value: PhpValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '' || value === '0') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
