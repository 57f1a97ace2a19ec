import { type SarkAction, type SarkCall, visible } from './context.js';
import { json, ModelNotFound } from './laravel.js';
import type { Row } from './state.js';

/*
 * The read-only side a console needs besides extensions: destinations (pkeys by kind, a kind absent
 * when it has none), queues, trunks (SIP/IAX2 only), and the system commands, which are all GETs with
 * side effects. `pbxstart`/`pbxstop` really start and stop the simulated Asterisk, so the AMI
 * endpoints answer 503 until it is started again.
 */

const NONE: ReadonlySet<string> = new Set();

function bindIn(call: SarkCall, rows: readonly Row[], param: string, model: string): Row {
  const id = call.params[param] ?? '';
  const row = rows.find((r) => r.pkey === id);
  if (!row) throw new ModelNotFound(call.box.settings.generation === 'L11' ? `App\\Models\\${model}` : `App\\${model}`, id);
  return row;
}

function sorted(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export const destinations: SarkAction = (call) => {
  const { state } = call.box;
  const out: Record<string, string[]> = {};
  const add = (kind: string, keys: string[]) => {
    if (keys.length > 0) out[kind] = keys;
  };
  add('Extensions', sorted(state.extensions.keys()));
  add('Queues', sorted(state.queues.map((q) => q.pkey ?? '')));
  add('RingGroups', sorted(state.ringGroups.keys()));
  add('Trunks', sorted(state.trunks.map((t) => t.pkey ?? '')));
  return json(200, out);
};

export const queues: SarkAction = (call) => json(200, call.box.state.queues.map((q) => visible(q, NONE)));
export const queue: SarkAction = (call) => json(200, bindIn(call, call.box.state.queues, 'queue', 'Queue'));
export const trunks: SarkAction = (call) => json(200, call.box.state.trunks.filter((t) => t.technology === 'SIP' || t.technology === 'IAX2'));
export const trunk: SarkAction = (call) => json(200, bindIn(call, call.box.state.trunks, 'trunk', 'Trunk'));

export const syscommands: SarkAction = () =>
  json(200, { commit: 'null', reboot: 'null', pbxstart: 'null', pbxstop: 'null', pbxrunstate: 'returns PBX state (boolean)' });

export const commit: SarkAction = () => json(200, { message: 'System Commit issued' });
export const reboot: SarkAction = () => json(200, { message: 'Reboot issued' });
export const pbxRunState: SarkAction = (call) => json(200, { pbxrunstate: call.box.state.pbxRunning });

export const pbxStart: SarkAction = (call) => {
  if (call.box.state.pbxRunning) return json(503, { message: 'PBX already running' });
  call.box.state.pbxRunning = true;
  return json(200, { message: 'PBX started' });
};

export const pbxStop: SarkAction = (call) => {
  if (!call.box.state.pbxRunning) return json(503, { message: 'PBX not running' });
  call.box.state.pbxRunning = false;
  return json(200, { message: 'PBX stopped' });
};
