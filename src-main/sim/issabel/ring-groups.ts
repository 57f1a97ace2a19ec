import type { SimResponse } from '../http/http-sim.js';
import { dbDelTree, dbPut } from './astdb.js';
import type { Ctx } from './context.js';
import { numberInUse } from './extension-write.js';
import { type Flat, dbValue, flatten, isCheckedFlag, mysqlLike, parseStr, phpJsonDecode, regroupLists } from './php.js';
import { type ApiError, empty, fail, failure, Halt, success } from './respond.js';
import type { IssabelState, SimRingGroup } from './state.js';

/*
 * controllers/ringgroups.php on top of rest.php. Unlike extensions, a POST/PUT body is JSON only when
 * Content-Type is exactly `application/json` (anything else, `; charset=utf-8` included, goes through
 * parse_str and loses every field). POST needs `extension_list` and numbers the group itself from 600;
 * PUT only updates (an unknown group is a 404, never a create); DELETE json_decode()s its body, so an
 * empty one is a 400 on PHP ≥ 7, and stops at the first unknown group. Caller-id settings live in
 * AstDB (RINGGROUP/<g>/changecid, fixedcid). Checkbox columns read back as yes/no in B/C and raw
 * (`CHECKED`, `off`, '') in Gen A, whose records also carried a `destination`.
 */

type Column = keyof SimRingGroup;

/** Public name → column. */
const FIELDS: Array<[string, Column]> = [
  ['strategy', 'strategy'],
  ['ring_time', 'grptime'],
  ['extension_list', 'grplist'],
  ['announce_id', 'annmsg_id'],
  ['destination_if_no_answer', 'postdest'],
  ['alert_info', 'alertinfo'],
  ['cid_name_prefix', 'grppre'],
  ['confirm_calls', 'needsconf'],
  ['music_on_hold_ringing', 'ringing'],
  ['ignore_call_forward_settings', 'cfignore'],
  ['skip_busy_agent', 'cwignore'],
  ['enable_call_pickup', 'cpickup'],
  ['remote_announce_id', 'remotealert_id'],
  ['too_late_announce_id', 'toolate_id'],
  ['recording', 'recording'],
  ['name', 'description'],
];
const CHECKBOXES = ['confirm_calls', 'enable_call_pickup', 'ignore_call_forward_settings', 'skip_busy_agent'];

const DEFAULTS: Record<string, string> = {
  change_callerid: 'default',
  too_late_announce_id: '0',
  announce_id: '0',
  cid_name_prefix: '',
  ring_time: '20',
  destination_if_no_answer: 'app-blackhole,hangup,1',
  alert_info: '',
  remote_announce_id: '0',
  confirm_calls: '',
  music_on_hold_ringing: 'Ring',
  ignore_call_forward_settings: '',
  skip_busy_agent: '',
  enable_call_pickup: '',
  strategy: 'ringall',
  recording: 'dontcare',
};

const ENUMS: Record<string, string[]> = {
  strategy: ['ringall', 'ringall-prim', 'hunt', 'hunt-prim', 'memoryhunt', 'memoryhunt-prim', 'firstavailable', 'firstnotonphone'],
  recording: ['always', 'never', 'dontcare'],
  change_callerid: ['default', 'fixed', 'extern', 'did', 'forcedid'],
  music_on_hold_ringing: ['Ring', 'default', 'none'],
};

function record(state: IssabelState, group: SimRingGroup): Record<string, unknown> {
  const gen = state.generation;
  const out: Record<string, unknown> = {};
  for (const [field, column] of FIELDS) if (field !== 'name') out[field] = group[column];
  out.id = group.grpnum;
  out.name = group.description;
  out.extension = group.grpnum;
  if (gen === 'A') out.destination = `from-internal,${group.grpnum},1`;
  out.change_callerid = state.astdb.get(`RINGGROUP/${group.grpnum}/changecid`) ?? '';
  out.fixed_callerid = state.astdb.get(`RINGGROUP/${group.grpnum}/fixedcid`) ?? '';
  out.extension_list = group.grplist.split('-');
  if (gen !== 'A') for (const box of CHECKBOXES) out[box] = out[box] === 'CHECKED' ? 'yes' : 'no';
  return out;
}

function listItem(state: IssabelState, group: SimRingGroup, fields: string | null): Record<string, unknown> {
  const full = record(state, group);
  if (fields === '*') return full;
  const keys = ['id', 'name', 'extension', ...(state.generation === 'A' ? ['destination'] : []), 'extension_list', 'strategy', 'change_callerid', 'fixed_callerid'];
  for (const extra of fields ? fields.split(',') : []) if (extra in full && !keys.includes(extra)) keys.push(extra);
  return Object.fromEntries(keys.map((k) => [k, full[k]]));
}

function sorted(state: IssabelState): SimRingGroup[] {
  return [...state.ringGroups.values()].sort((a, b) => Number(a.grpnum) - Number(b.grpnum));
}

/** rest::parseInputData: JSON only for exactly `application/json`, parse_str otherwise. */
function parseInput(ctx: Ctx): Record<string, unknown> {
  if (ctx.request.headers['content-type'] === 'application/json') return decodeJson(ctx);
  return parseStr(ctx.request.body.toString('latin1'));
}

function decodeJson(ctx: Ctx): Record<string, unknown> {
  const decoded = phpJsonDecode(ctx.request.body);
  if (!decoded.ok) throw new Halt(fail(ctx.gen, 400, 'Could not decode JSON', { code: decoded.code }));
  const value = decoded.value;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function transform(input: Flat): Flat {
  const out = regroupLists(input);
  if (Array.isArray(out.extension_list)) out.extension_list = out.extension_list.join('-');
  for (const box of CHECKBOXES) if (out[box] !== undefined && out[box] !== null) out[box] = isCheckedFlag(out[box]) ? 'CHECKED' : 'off';
  return out;
}

function validate(ctx: Ctx, input: Flat): void {
  const errors: ApiError[] = [];
  for (const [field, allowed] of Object.entries(ENUMS)) {
    if (input[field] !== undefined && input[field] !== null && !allowed.includes(String(input[field]))) {
      errors.push({ status: '422', source: field, detail: 'Not in list of allowed values' });
    }
  }
  const ringTime = input.ring_time;
  if (ringTime !== undefined && ringTime !== null) {
    const text = String(ringTime);
    if (!/^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) errors.push({ status: '422', source: 'ring_time', detail: 'Only numeric values allowed' });
    else if (Number(text) < 1 || Number(text) > 300) errors.push({ status: '422', source: 'ring_time', detail: 'Valid range: 1-300' });
  }
  if (errors.length > 0) throw new Halt(failure(ctx.gen, ctx.gen === 'A' ? errors.slice(0, 1) : errors));
}

function apply(group: SimRingGroup, input: Flat): void {
  for (const [field, column] of FIELDS) if (input[field] !== undefined && input[field] !== null) group[column] = dbValue(input[field]);
}

function firstGap(state: IssabelState): string {
  const numbers = new Set([...state.ringGroups.keys()].map((g) => parseInt(g, 10) || 0));
  for (const n of [...numbers].sort((a, b) => a - b)) if (!numbers.has(n + 1)) return String(n + 1);
  return '600';
}

async function post(ctx: Ctx): Promise<SimResponse> {
  const raw = parseInput(ctx);
  if (raw.extension_list === undefined || raw.extension_list === null) {
    return fail(ctx.gen, 422, 'Required field missing', { source: 'extension_list' });
  }
  const explicit = raw.extension !== undefined && raw.extension !== null ? String(raw.extension) : null;
  if (explicit !== null) {
    // Gen A had no collision check: only the table's primary key, whose error it answered with 404.
    if (ctx.gen === 'A' && ctx.state.ringGroups.has(explicit)) return failure('A', [{ status: '404', detail: '' }]);
    if (ctx.gen !== 'A' && numberInUse(ctx.state, explicit)) return fail(ctx.gen, 409, 'Extension number already in use');
  }
  if (ctx.id !== '') {
    return fail(ctx.gen, 400, 'We refuse to insert a record if a resource id is passed. For update use the PUT method instead.', {}, 404);
  }
  const input = transform(flatten(raw));
  const number = explicit ?? firstGap(ctx.state);
  validate(ctx, input);
  const withDefaults: Flat = { ...input };
  for (const [field, value] of Object.entries(DEFAULTS)) if (withDefaults[field] === undefined || withDefaults[field] === null) withDefaults[field] = value;
  const group = Object.fromEntries(FIELDS.map(([, column]) => [column, ''])) as unknown as SimRingGroup;
  group.grpnum = number;
  apply(group, withDefaults);
  ctx.state.ringGroups.set(number, group);
  dbPut(ctx.state.astdb, `RINGGROUP/${number}`, 'changecid', dbValue(withDefaults.change_callerid));
  dbPut(ctx.state.astdb, `RINGGROUP/${number}`, 'fixedcid', dbValue(withDefaults.fixed_callerid));
  await ctx.applyChanges(input);
  return empty(201, { Location: `${ctx.realm}/${number}` }, 'Created');
}

async function put(ctx: Ctx): Promise<SimResponse> {
  const raw = parseInput(ctx);
  if (ctx.id === '') return fail(ctx.gen, 405, 'Unable to update. Missing record id');
  const group = ctx.state.ringGroups.get(ctx.id);
  if (!group) return fail(ctx.gen, 404, 'Could not find a record to update');
  const input = transform(flatten(raw));
  validate(ctx, input);
  apply(group, input);
  for (const [field, key] of [['change_callerid', 'changecid'], ['fixed_callerid', 'fixedcid']] as const) {
    if (raw[field] !== undefined && raw[field] !== null) dbPut(ctx.state.astdb, `RINGGROUP/${ctx.id}`, key, dbValue(raw[field]));
  }
  await ctx.applyChanges(input);
  return empty(200);
}

async function remove(ctx: Ctx): Promise<SimResponse> {
  if (ctx.id === '') return fail(ctx.gen, 405, 'Cannot delete if no ID is supplied');
  const input = flatten(decodeJson(ctx));
  let deleted = 0;
  for (const id of ctx.id.split(',')) {
    if (!ctx.state.ringGroups.has(id)) {
      if (deleted > 0) ctx.state.pendingChanges = true;
      return fail(ctx.gen, 404, 'Could not find a record to delete');
    }
    ctx.state.ringGroups.delete(id);
    dbDelTree(ctx.state.astdb, `RINGGROUP/${id}`);
    deleted++;
  }
  await ctx.applyChanges(input);
  return empty(200);
}

export async function ringGroupsController(ctx: Ctx): Promise<SimResponse> {
  try {
    switch (ctx.verb) {
      case 'GET': {
        if (ctx.id === '') return success(ctx.gen, sorted(ctx.state).map((g) => listItem(ctx.state, g, ctx.request.query.get('fields'))));
        const group = ctx.state.ringGroups.get(ctx.id);
        if (!group) return fail(ctx.gen, 404, 'Record not found');
        return success(ctx.gen, [record(ctx.state, group)]);
      }
      case 'POST':
        return await post(ctx);
      case 'PUT':
        return await put(ctx);
      case 'DELETE':
        return await remove(ctx);
      default:
        throw new Error(`unrouted verb ${ctx.verb}`);
    }
  } catch (err) {
    if (err instanceof Halt) return err.response;
    throw err;
  }
}

/** rest::search: `name LIKE %term%`. */
export function ringGroupsSearch(ctx: Ctx, term: string): SimResponse {
  const found = sorted(ctx.state).filter((g) => mysqlLike(g.description, term));
  return success(ctx.gen, found.map((g) => listItem(ctx.state, g, ctx.request.query.get('fields'))));
}
