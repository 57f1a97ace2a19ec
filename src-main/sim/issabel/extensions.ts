import type { SimResponse } from '../http/http-sim.js';
import type { Ctx } from './context.js';
import { normalizeInput, transformInput, validateInput } from './extension-fields.js';
import { getExtension, listExtensions, searchExtensions } from './extension-read.js';
import { deleteExtension, insertExtension, nextExtensionNumber, numberInUse, updateExtension } from './extension-write.js';
import { type Flat, phpJsonDecode } from './php.js';
import { empty, fail, failure, Halt, success } from './respond.js';
import type { ExtensionTech } from './state.js';

/*
 * controllers/extensions.php, verb by verb. The body is always json_decode()d whatever its
 * Content-Type. POST numbers a new extension itself (first gap after an existing one) and silently
 * turns an unknown tech into sip; PUT creates when the number is free (201, Location = the request
 * URL) and updates otherwise (200); DELETE takes a comma list and stops at the first unknown number,
 * keeping what it already deleted and skipping apply-changes. Gen A answered the same failures with
 * other bare codes: 422 for bad JSON or a taken number, 404 for an id on POST, 507 past the licence
 * limit, and its DELETE needed a JSON body.
 */

const TECHS: readonly ExtensionTech[] = ['sip', 'pjsip', 'iax2', 'virtual', 'dahdi', 'custom'];

function decodeBody(ctx: Ctx): unknown {
  const decoded = phpJsonDecode(ctx.request.body);
  if (!decoded.ok) throw new Halt(fail(ctx.gen, 400, 'Could not decode JSON', { code: decoded.code }, 422));
  return decoded.value;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}

function prepare(ctx: Ctx, body: Record<string, unknown>): Flat {
  const input = transformInput(normalizeInput(body, ctx.gen === 'A' && ctx.options.genAFieldNames === 'flat'));
  const errors = validateInput(input);
  if (errors.length > 0) throw new Halt(failure(ctx.gen, ctx.gen === 'A' ? errors.slice(0, 1) : errors));
  return input;
}

/** The steps POST and PUT share for a new number: collision check, Gen A's licence limit, defaults, validation, storage. */
function create(ctx: Ctx, number: string, body: Record<string, unknown>): void {
  if (numberInUse(ctx.state, number)) throw new Halt(fail(ctx.gen, 409, 'Extension number already in use', {}, 422));
  if (ctx.gen === 'A' && ctx.state.extensions.size >= ctx.options.extensionLimit) throw new Halt(failure('A', [{ status: '507', detail: '' }]));
  const tech = TECHS.includes(body.tech as ExtensionTech) ? (body.tech as ExtensionTech) : 'sip';
  body.tech = tech;
  body.extension = number;
  if (body.name === undefined || body.name === null) body.name = 'Extension';
  const input = prepare(ctx, body);
  insertExtension(ctx.state, ctx.random, number, tech, input);
}

async function post(ctx: Ctx): Promise<SimResponse> {
  if (ctx.gen === 'A' && ctx.id !== '') return failure('A', [{ status: '404', detail: '' }]);
  const body = asObject(decodeBody(ctx));
  if (ctx.id !== '') {
    return fail(ctx.gen, 400, 'We refuse to insert a record if a resource id is passed. For update use the PUT method instead.');
  }
  const number = body.extension !== undefined && body.extension !== null ? String(body.extension) : nextExtensionNumber(ctx.state);
  create(ctx, number, body);
  await ctx.applyChanges(normalizeInput(body, false));
  return empty(201, { Location: `${ctx.realm}/${number}` }, 'Created');
}

async function put(ctx: Ctx): Promise<SimResponse> {
  const body = asObject(decodeBody(ctx));
  if (ctx.id === '') return fail(ctx.gen, 405, 'Unable to update. Missing record id');
  const existing = ctx.state.extensions.get(ctx.id);
  if (!existing) {
    create(ctx, ctx.id, body);
    await ctx.applyChanges(normalizeInput(body, false));
    // B/C answer with REALM itself (the request URL); Gen A appended the number once more.
    return empty(201, { Location: ctx.gen === 'A' ? `${ctx.realm}/${ctx.id}` : ctx.realm }, 'Created');
  }
  // tech and dial are read back from the devices table: a PUT cannot change them.
  const postedDial = body.dial;
  body.tech = existing.tech;
  delete body.dial;
  if (existing.tech === 'custom' && typeof postedDial === 'string' && postedDial !== '') body.dial = postedDial;
  const input = prepare(ctx, body);
  updateExtension(ctx.state, existing, input);
  await ctx.applyChanges(input);
  return empty(200);
}

async function remove(ctx: Ctx): Promise<SimResponse> {
  if (ctx.id === '') return fail(ctx.gen, 405, 'Cannot delete if no ID is supplied');
  // Gen A decoded the body (and honoured its `reload`); B/C ignore it and always apply changes.
  const input = ctx.gen === 'A' ? (decodeBodyGenA(ctx) as Flat) : null;
  let deleted = 0;
  for (const id of ctx.id.split(',')) {
    if (!ctx.state.extensions.has(id)) {
      // What went before stays deleted, and nothing regenerates the configuration.
      if (deleted > 0) ctx.state.pendingChanges = true;
      return fail(ctx.gen, 404, 'Could not find a record to delete');
    }
    deleteExtension(ctx.state, id);
    deleted++;
  }
  await ctx.applyChanges(input ? normalizeInput(input, false) : null);
  return empty(200);
}

function decodeBodyGenA(ctx: Ctx): unknown {
  const decoded = phpJsonDecode(ctx.request.body);
  if (!decoded.ok) throw new Halt(failure('A', [{ status: '400', detail: '' }]));
  return asObject(decoded.value);
}

export async function extensionsController(ctx: Ctx): Promise<SimResponse> {
  try {
    switch (ctx.verb) {
      case 'GET':
        if (ctx.id === '') return success(ctx.gen, listExtensions(ctx.state, ctx.request.query.get('fields')));
        return success(ctx.gen, getExtension(ctx.state, ctx.id));
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

export function extensionsSearch(ctx: Ctx, term: string): SimResponse {
  return success(ctx.gen, searchExtensions(ctx.state, term, ctx.request.query.get('fields')));
}
