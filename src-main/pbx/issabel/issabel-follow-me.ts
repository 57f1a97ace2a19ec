import type { FollowMe, RingStrategy } from '../../../src-shared/domain/pbx.js';
import { AppError } from '../../../src-shared/errors.js';
import { count, text, type JsonRecord } from '../vendor-json.js';

/*
 * Follow-me as the extension resource carries it (vendors/issabel.md §6): read from
 * `followme{…}` of `GET /extensions/{ext}`, written by a PUT of the extension with
 * `followme.enabled` = yes (anything else deletes the whole configuration) and the list as one
 * `-`-joined string (an array reaches the database as `[value, type]` and only its first number is
 * stored). Whether it rings is AstDB's `AMPUSER/<ext>/followme/ddial` (DIRECT or EXTENSION).
 */

/** What the API makes up when the extension has no follow-me row. */
const SYNTHESISED = new Set(['enabled', 'ring_time', 'initial_ring_time', 'extension_list']);

export function isFollowMeConfigured(followme: JsonRecord): boolean {
  return text(followme, 'enabled') === 'yes' || Object.keys(followme).some((key) => !SYNTHESISED.has(key));
}

/** `["1001","0612345678#"]` as the API explodes it, or the `-`-joined string a Gen A row may hold. */
export function numbersOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')) : typeof value === 'string' ? value.split('-') : [];
  return items.map((n) => n.trim()).filter((n) => n !== '');
}

/** The strategies the app has names for; `firstnotonphone` and the `-prim` variants read as `other`. */
const STRATEGIES: Record<string, RingStrategy> = { ringallv2: 'ringall', ringall: 'ringall', hunt: 'hunt', memoryhunt: 'memoryhunt', firstavailable: 'firstavailable' };
const WRITE_STRATEGY: Partial<Record<RingStrategy, string>> = { ringall: 'ringallv2', hunt: 'hunt', memoryhunt: 'memoryhunt', firstavailable: 'firstavailable' };

export function followMeOf(followme: JsonRecord): FollowMe | null {
  if (!isFollowMeConfigured(followme)) return null;
  return {
    enabled: text(followme, 'enabled') === 'yes',
    strategy: STRATEGIES[text(followme, 'strategy')] ?? 'other',
    numbers: numbersOf(followme.extension_list),
    ringSeconds: count(followme, 'ring_time', 20),
    preRingSeconds: count(followme, 'initial_ring_time', 0),
    confirmCalls: text(followme, 'confirm_calls') === 'yes',
    noAnswerDestination: text(followme, 'destination_if_no_answer') || null,
  };
}

/**
 * The current follow-me as a PUT must re-send it to keep it: every field as read (a real PBX
 * defaults any field not sent), the list joined, and `enabled` yes since nothing else keeps it.
 */
export function followMeResend(followme: JsonRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(followme)) {
    if (key === 'extension_list') out['followme.extension_list'] = numbersOf(value).join('-');
    // "no" is how both '' (the GUI's unchecked) and 'off' read: sent back, it would rewrite '' as 'off'.
    else if (key === 'confirm_calls' && value === 'no') continue;
    else if (typeof value === 'string') out[`followme.${key}`] = value;
  }
  out['followme.enabled'] = 'yes';
  return out;
}

/** The numbers a follow-me or ring group can dial: digits, `*`, `#` (external) and `+`. */
export function checkNumbers(numbers: readonly string[], path: string): void {
  if (numbers.length === 0) throw new AppError('VALIDATION', 'At least one number is needed', { issues: [{ path, message: 'validation.followMe.empty' }] });
  numbers.forEach((n, i) => {
    // A `-` would split the number in two when the PBX explodes the list.
    if (!/^[0-9*#+]{1,32}$/.test(n)) throw new AppError('VALIDATION', `Not a number Issabel can dial: ${n}`, { issues: [{ path: `${path}.${i}`, message: 'validation.followMe.number' }] });
  });
}

/** The `followme.*` fields of a PUT storing `f`; what the app does not model keeps its current value. */
export function followMeBody(extension: string, f: FollowMe, current: JsonRecord | null): Record<string, string> {
  checkNumbers(f.numbers, 'numbers');
  const kept = current && isFollowMeConfigured(current) ? followMeResend(current) : {};
  const strategy = f.strategy === 'other' ? kept['followme.strategy'] : WRITE_STRATEGY[f.strategy];
  if (strategy === undefined) {
    throw new AppError('VALIDATION', `Issabel cannot store the follow-me strategy ${f.strategy}`, { issues: [{ path: 'strategy', message: 'validation.followMe.strategy' }] });
  }
  return {
    ...kept,
    'followme.enabled': 'yes',
    'followme.strategy': strategy,
    'followme.ring_time': String(Math.trunc(f.ringSeconds)),
    'followme.initial_ring_time': String(Math.trunc(f.preRingSeconds)),
    'followme.extension_list': f.numbers.join('-'),
    'followme.confirm_calls': f.confirmCalls ? 'yes' : 'no',
    'followme.destination_if_no_answer': f.noAnswerDestination ?? `ext-local,${extension},dest`,
  };
}
