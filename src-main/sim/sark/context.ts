import type { SimRequest, SimResponse } from '../http/http-sim.js';
import type { Random } from '../random.js';
import type { Asterisk } from './asterisk.js';
import type { Calls } from './calls.js';
import { type Generation, json, type PhpArray, type PhpValue, phpJsonEncode, PhpException, renderException, type RequestInput } from './laravel.js';
import type { SarkState, SarkToken, SarkUser } from './state.js';
import type { ValidationContext } from './validation.js';

/*
 * What a SARK controller gets: the request as Laravel hands it over (input, route parameters, the
 * Sanctum user in L11) and the box (state, Asterisk, timing), plus the helpers the PHP shares:
 * `$request->name` lookups, the slow AMI read, and `get_ami_handle()`'s half-sent 503.
 */

export interface SarkSettings {
  generation: Generation;
  /** APP_DEBUG: exception JSON carries exception/file/line/trace. */
  debug: boolean;
  /** One AMI read without a terminator waits this long (the PHP stream timeout, 3 s). */
  astamisDelayMs: number;
  asteriskVersion: 13 | 16;
  utcOffsetMinutes: number;
  /** Model sark6api_L11 as its code reads rather than as vendors/sark.md describes it. */
  l11Source: boolean;
}

export interface SarkBox {
  readonly state: SarkState;
  readonly settings: SarkSettings;
  readonly asterisk: Asterisk;
  readonly calls: Calls;
  readonly random: Random;
  /** The Master.csv bytes (built once). */
  masterCsv(): Buffer;
}

export interface SarkCall {
  readonly box: SarkBox;
  readonly request: SimRequest;
  readonly input: RequestInput;
  readonly params: Readonly<Record<string, string>>;
  readonly user?: SarkUser;
  readonly token?: SarkToken;
}

export type SarkAction = (call: SarkCall) => SimResponse | Promise<SimResponse>;

/** `$request->name`: the input first (query or body), then the route parameter. */
export function magic(call: SarkCall, name: string): PhpValue | undefined {
  if (Object.prototype.hasOwnProperty.call(call.input.all, name)) return call.input.all[name];
  return call.params[name];
}

export function validationContext(call: SarkCall): ValidationContext {
  const { state, settings } = call.box;
  return {
    generation: settings.generation,
    exists: (table, _column, value) => {
      if (typeof value !== 'string' && typeof value !== 'number') return false;
      const key = String(value);
      if (table === 'cluster') return state.clusters.includes(key);
      if (table === 'ipphone') return state.extensions.has(key);
      return false;
    },
  };
}

/** `response()->json($validator->errors(), 422)`: the bare MessageBag. */
export function unprocessable(errors: { toJSON(): Record<string, string[]> }): SimResponse {
  return json(422, errors.toJSON());
}

/** The PHP stream timeout: an AMI read with no terminator returns only after the socket has been idle this long. */
export function amiWait(call: SarkCall, reads = 1): Promise<void> {
  const ms = call.box.settings.astamisDelayMs * reads;
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** AMI Command reads wait for `--END COMMAND--`, which only Asterisk ≤ 13 writes. */
export function commandWait(call: SarkCall): Promise<void> {
  return call.box.settings.asteriskVersion === 13 ? Promise.resolve() : amiWait(call);
}

/**
 * `get_ami_handle()` with Asterisk down: `Response::make(['message' => 'PBX not running'], 503)->send()`
 * goes out and the code carries on, so fsockopen's warning becomes an ErrorException whose rendering
 * is appended to the same body: a 503 whose body is two JSON documents (or JSON then HTML).
 */
export function pbxDownAppended(call: SarkCall): SimResponse {
  const first = phpJsonEncode({ message: 'PBX not running' });
  const error = new PhpException('fsockopen(): unable to connect to 127.0.0.1:5038 (Connection refused)', 'ErrorException', 500, {}, '/opt/sark6api/app/CustomClasses/Ami.php', 172);
  const second = renderException(call.request, error, call.box.settings.debug).body ?? '';
  return { status: 503, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' }, body: Buffer.concat([Buffer.from(first), Buffer.from(second)]) };
}

/** A model's attributes without its hidden ones, as toArray() gives them. */
export function visible(attributes: Readonly<PhpArray>, hidden: ReadonlySet<string>): PhpArray {
  const out: PhpArray = {};
  for (const [k, v] of Object.entries(attributes)) if (!hidden.has(k)) out[k] = v;
  return out;
}
