import { localDateTime } from '../pbx-data.js';
import { type SarkAction, type SarkCall, unprocessable, validationContext, visible } from './context.js';
import { json, ModelNotFound, type PhpArray, type PhpValue } from './laravel.js';
import { RING_GROUP_COLUMNS, RING_GROUP_HIDDEN, type Row } from './state.js';
import { type MessageBag, phpString, type Rules, validate } from './validation.js';

/*
 * RingGroupController (table `speed`). `out` holds the members (`"1001 1002 1003"`); `outcome` (where
 * an unanswered call goes) must resolve through Helper::get_route_class or the save is refused with
 * `The target could not be resolved X`. Values are moved to the model through `trim()`, so every
 * field a client sends comes back a string (null becomes ""), while untouched defaults keep their
 * PHP types in the 201 (`"ringdelay": 20`) and come back as strings from SQLite afterwards.
 */

const UPDATE_RULES: Rules = [
  ['cluster', ['exists:cluster,pkey']],
  ['devicerec', ['in:default,None,OTR,OTRR,Inbound.Outbound,Both']],
  ['dialparamshunt', ['alpha', 'nullable']],
  ['dialparamsring', ['alpha', 'nullable']],
  ['divert', ['integer', 'nullable']],
  ['greeting', ['regex:/^usergreeting\\d{4}$/', 'nullable']],
  ['grouptype', ['in:Ring,Hunt,Alias,Page']],
  ['longdesc', ['string', 'nullable']],
  ['obeydnd', ['in:YES,NO', 'nullable']],
  ['out', ['regex:/^[@A-Za-z0-9-_\\/\\s]{2,1024}$/', 'nullable']],
  ['outcome', ['string']],
  ['pagegroup', ['integer']],
  ['ringdelay', ['integer']],
  ['speedalert', ['string']],
];

/**
 * save() overwrites three entries in place and appends `pkey`; `cluster` becomes
 * `exists:cluster,<the value>`, which SQLite reads as a string compared with itself: any value passes.
 */
const CREATE_RULES: Rules = [
  ...UPDATE_RULES.map(([k, r]): readonly [string, readonly string[]] => (k === 'cluster' || k === 'outcome' ? [k, ['required']] : [k, r])),
  ['pkey', ['required']],
];

function modelDefaults(): PhpArray {
  return {
    callerid: null,
    calleridname: null,
    cluster: 'default',
    devicerec: 'default',
    dialparamshunt: 'cIkt',
    dialparamsring: 'ciIkt',
    divert: null,
    greeting: null,
    grouptype: 'Ring',
    longdesc: null,
    obeydnd: 'NO',
    out: null,
    outcome: null,
    outcomerouteclass: 0,
    pagegroup: null,
    ringdelay: 20,
    speedalert: null,
  };
}

function bind(call: SarkCall): Row {
  const id = call.params.ringgroup ?? '';
  const row = call.box.state.ringGroups.get(id);
  if (!row) throw new ModelNotFound(call.box.settings.generation === 'L11' ? 'App\\Models\\RingGroup' : 'App\\RingGroup', id);
  return row;
}

/** PHP's empty(). */
function phpEmpty(value: PhpValue | undefined): boolean {
  return value === undefined || value === null || value === '' || value === '0' || value === 0 || value === false || (Array.isArray(value) && value.length === 0);
}

/** Helper::get_route_class: what kind of destination an outcome names, 404 when nothing matches. */
export function routeClass(call: SarkCall, target: PhpValue): number {
  if (phpEmpty(target)) return 0;
  const value = phpString(target);
  const fixed: Record<string, number> = { None: 0, 'Default IVR': 3, DISA: 5, CALLBACK: 6, 'Retrieve Voicemail': 20, 'Leave Voicemail': 21, Operator: 100, Hangup: 101 };
  if (value in fixed) return fixed[value]!;
  const { state } = call.box;
  const ext = /^\*?(\d{3,6})$/.exec(value);
  if (ext && state.extensions.has(ext[1]!)) return 1;
  if (state.ringGroups.has(value)) return 1;
  if (state.queues.some((q) => q.pkey === value)) return 4;
  if (state.trunks.some((t) => t.pkey === value)) return value.includes('~') ? 8 : 9;
  return 404;
}

/** check_outcome(): sets the route class, or adds the error when the outcome resolves nowhere. */
function checkOutcome(call: SarkCall, model: PhpArray, errors: MessageBag): void {
  const outcome = call.input.all.outcome;
  if (outcome !== undefined && outcome !== null) model.outcomerouteclass = routeClass(call, outcome);
  if (Number(model.outcomerouteclass) === 404) errors.add('outcome', `The target could not be resolved ${phpString(outcome ?? null)}`);
}

/** move_request_to_model(): every posted updatable field, `trim()`med into a string. */
function move(call: SarkCall, model: PhpArray, rules: Rules): void {
  const keys = new Set(rules.map(([k]) => k));
  for (const [key, value] of Object.entries(call.input.post)) if (keys.has(key)) model[key] = phpString(value).trim();
}

function store(call: SarkCall, model: PhpArray, existing?: Row): Row {
  const row: Row = existing ?? Object.fromEntries(RING_GROUP_COLUMNS.map((c) => [c, null]));
  for (const [k, v] of Object.entries(model)) row[k] = v === null ? null : String(v);
  if (!existing) {
    row.z_created = row.z_updated = localDateTime(Date.now(), call.box.settings.utcOffsetMinutes);
    row.z_updater = 'system';
  }
  return row;
}

export const index: SarkAction = (call) => {
  const rows = [...call.box.state.ringGroups.values()].sort((a, b) => (a.pkey! < b.pkey! ? -1 : a.pkey! > b.pkey! ? 1 : 0));
  return json(200, rows.map((row) => visible(row, RING_GROUP_HIDDEN)));
};

export const show: SarkAction = (call) => json(200, visible(bind(call), RING_GROUP_HIDDEN));

export const save: SarkAction = (call) => {
  const model = modelDefaults();
  model.outcome = 'None';
  const errors = validate(call.input.all, CREATE_RULES, validationContext(call));
  const pkey = call.input.all.pkey;
  if (pkey !== undefined && pkey !== null && call.box.state.ringGroups.has(phpString(pkey))) errors.add('save', `Duplicate Key - ${phpString(pkey)}`);
  else checkOutcome(call, model, errors);
  if (!errors.isEmpty) return unprocessable(errors);
  move(call, model, CREATE_RULES);
  const key = phpString(model.pkey ?? null);
  if (call.box.state.ringGroups.has(key)) return json(409, { Error: `SQLSTATE[23000]: Integrity constraint violation: 19 UNIQUE constraint failed: speed.pkey` });
  call.box.state.ringGroups.set(key, store(call, model));
  return json(201, visible(model, RING_GROUP_HIDDEN));
};

export const update: SarkAction = (call) => {
  const row = bind(call);
  const model: PhpArray = { ...row };
  const errors = validate(call.input.all, UPDATE_RULES, validationContext(call));
  checkOutcome(call, model, errors);
  if (!errors.isEmpty) return unprocessable(errors);
  move(call, model, UPDATE_RULES);
  store(call, model, row);
  return json(200, visible(model, RING_GROUP_HIDDEN));
};

export const destroy: SarkAction = (call) => {
  const row = bind(call);
  call.box.state.ringGroups.delete(row.pkey!);
  return json(204, null);
};
