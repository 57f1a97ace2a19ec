import type { RingGroup, RingStrategy } from '../../../src-shared/domain/pbx.js';
import { AppError } from '../../../src-shared/errors.js';
import { count, text, type JsonRecord } from '../vendor-json.js';
import { checkNumbers, numbersOf } from './issabel-follow-me.js';

/*
 * Ring groups (vendors/issabel.md §7) ↔ the app's. A list item lacks the ring time and the
 * destination, so a group is read from `GET /ringgroups/{grp}`. Strategies without an app name
 * (`firstnotonphone`, the `-prim` variants) read as `other`, and `other` written back keeps them.
 */

const STRATEGIES: Record<string, RingStrategy> = { ringall: 'ringall', hunt: 'hunt', memoryhunt: 'memoryhunt', firstavailable: 'firstavailable' };
const WRITE_STRATEGY: Partial<Record<RingStrategy, string>> = { ringall: 'ringall', hunt: 'hunt', memoryhunt: 'memoryhunt', firstavailable: 'firstavailable' };

const PATHS: Record<string, string> = { name: 'name', strategy: 'strategy', ring_time: 'ringSeconds', extension_list: 'members', destination_if_no_answer: 'noAnswerDestination' };

export function ringGroupPath(source: string): string {
  return PATHS[source] ?? source;
}

export function ringGroupOf(record: JsonRecord): RingGroup {
  return {
    number: text(record, 'extension') || text(record, 'id'),
    name: text(record, 'name'),
    strategy: STRATEGIES[text(record, 'strategy')] ?? 'other',
    members: numbersOf(record.extension_list),
    ringSeconds: count(record, 'ring_time', 20),
    noAnswerDestination: text(record, 'destination_if_no_answer') || null,
  };
}

/**
 * The body of a POST or PUT. The list goes as an array (the controller joins it itself); a null
 * destination is left out, so the PBX keeps (or on creation picks) its own.
 */
export function ringGroupBody(group: RingGroup, current: JsonRecord | null): Record<string, unknown> {
  checkNumbers(group.members, 'members');
  const strategy = group.strategy === 'other' && current ? text(current, 'strategy') : WRITE_STRATEGY[group.strategy];
  if (!strategy) throw new AppError('VALIDATION', `Issabel cannot store the ring strategy ${group.strategy}`, { issues: [{ path: 'strategy', message: 'validation.followMe.strategy' }] });
  const body: Record<string, unknown> = { name: group.name, strategy, ring_time: String(Math.trunc(group.ringSeconds)), extension_list: [...group.members] };
  if (group.noAnswerDestination !== null) body.destination_if_no_answer = group.noAnswerDestination;
  return body;
}

/** The number in a 201's Location, whose REALM may carry the request's query before it (§1). */
export function createdNumber(location: string | string[] | undefined): string | null {
  const value = Array.isArray(location) ? location[0] : location;
  const last = value?.replace(/\/+$/, '').split('/').pop() ?? '';
  return /^\d{1,20}$/.test(last) ? last : null;
}
