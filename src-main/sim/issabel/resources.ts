import type { SimResponse } from '../http/http-sim.js';
import { dbTree } from './astdb.js';
import type { Ctx } from './context.js';
import { sortedExtensions } from './extension-read.js';
import { fail, success } from './respond.js';
import type { IssabelState, SimQueue, SimTrunk } from './state.js';

/*
 * The read side of the other controllers a console uses: alldestinations (an object keyed by
 * category, not a list), queues, trunks (secrets in clear) and recordings (system announcements, not
 * call recordings). The simulator serves them read-only; the remaining controllers it knows by name
 * exist but hold nothing.
 */

/** Controllers that exist on the box but hold nothing in the simulator. */
export const EMPTY_CONTROLLERS = new Set(['ivr', 'timeconditions', 'inboundroutes', 'outboundroutes', 'conferences', 'parkinglots', 'announcements', 'timegroups', 'featurecodes', 'customextensions']);

function allDestinations(state: IssabelState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const add = (category: string, items: unknown[]) => {
    if (items.length > 0) out[category] = items;
  };
  add(
    'Extensions',
    sortedExtensions(state).map((e) => ({ name: `<${e.extension}> ${e.users.name}`, destination: `from-did-direct,${e.extension},1`, extension: e.extension })),
  );
  add(
    'Ring Groups',
    [...state.ringGroups.values()].map((g) => ({ name: `<${g.grpnum}> ${g.description}`, destination: `ext-group,${g.grpnum},1`, extension: g.grpnum })),
  );
  add(
    'Queues',
    [...state.queues.values()].map((q) => ({ name: `<${q.extension}> ${q.name}`, destination: `ext-queues,${q.extension},1`, extension: q.extension })),
  );
  add(
    'Trunks',
    state.trunks.map((t) => ({ name: `<${t.id}> ${t.name}`, destination: `ext-trunk,${t.id},1` })),
  );
  return out;
}

const TECH_LETTER: Record<string, string> = { SIP: 'S', PJSIP: 'P', IAX2: 'X', DAHDI: 'D', LOCAL: 'A' };

/** reduce_static_member: `SIP/101,0` → `S101,0`. */
function reduceMember(member: string): string {
  const [tech, rest] = member.split('/', 2) as [string, string | undefined];
  return `${TECH_LETTER[tech.toUpperCase()] ?? tech}${rest ?? ''}`;
}

function queueRecord(state: IssabelState, queue: SimQueue): Record<string, unknown> {
  const dynamic = [...dbTree(state.astdb, `QPENALTY/${queue.extension}/agents`)].map(([ext, penalty]) => `${ext},${penalty}`);
  return {
    extension: queue.extension,
    name: queue.name,
    strategy: queue.strategy,
    timeout: queue.timeout,
    maxlen: '0',
    wrapuptime: '0',
    ringinuse: 'no',
    retry: '5',
    static_members: queue.staticMembers.map(reduceMember),
    dynamic_members: dynamic,
    restrict_dynamic_agents: '',
    password: '',
    ivr_id: 'none',
    dest: 'app-blackhole,hangup,1',
    cwignore: '0',
    queuewait: '0',
    togglehint: '0',
    grppre: '',
  };
}

function trunkRecord(trunk: SimTrunk): Record<string, unknown> {
  return {
    id: trunk.id,
    name: trunk.name,
    technology: trunk.technology,
    channel_name: trunk.channelName,
    outbound_callerid: '',
    callerid_options: 'off',
    maximum_channels: '',
    dialout_prefix: '',
    continue_if_busy: 'no',
    disabled: 'no',
    dial_options: 'T',
    patterns: [{ match_pattern_prefix: '', match_pattern_pass: '0XXXXXXXXX', prepend_digits: '', seq: '1' }],
    peer: { host: trunk.host, username: trunk.username, secret: trunk.secret, type: 'peer', context: 'from-trunk', insecure: 'port,invite', qualify: 'yes' },
    user: {},
    register: `${trunk.username}:${trunk.secret}@${trunk.host}/${trunk.username}`,
  };
}

function collection(ctx: Ctx, records: Array<{ id: string; record: Record<string, unknown> }>): SimResponse {
  if (ctx.id === '') return success(ctx.gen, records.map((r) => r.record));
  const found = records.find((r) => r.id === ctx.id);
  return found ? success(ctx.gen, [found.record]) : fail(ctx.gen, 404, 'Record not found');
}

/** GET on a read-only controller; null when `controller` is not one of them. */
export function readOnlyController(ctx: Ctx, controller: string): SimResponse | null {
  const state = ctx.state;
  let records: Array<{ id: string; record: Record<string, unknown> }>;
  switch (controller) {
    case 'alldestinations':
      if (ctx.verb !== 'GET') return fail(ctx.gen, 405, 'This resource is read only');
      return success(ctx.gen, allDestinations(state));
    case 'queues':
      records = [...state.queues.values()].map((q) => ({ id: q.extension, record: queueRecord(state, q) }));
      break;
    case 'trunks':
      records = state.trunks.map((t) => ({ id: t.id, record: trunkRecord(t) }));
      break;
    case 'recordings':
      records = state.recordings.map((r) => ({
        id: r.id,
        record: { id: r.id, name: r.name, description: r.description, audiofiles: r.files.map((filename, i) => ({ filename, sequence: String(i + 1) })) },
      }));
      break;
    default:
      if (!EMPTY_CONTROLLERS.has(controller)) return null;
      records = [];
  }
  if (ctx.verb !== 'GET') return fail(ctx.gen, 405, 'This resource is read only');
  return collection(ctx, records);
}
