import type { CallState, ChannelState, LiveCall, LiveParty } from '../../src-shared/domain/live.js';
import { compareUniqueids, type LiveChannel, type LiveState } from './live-state.js';

/*
 * Calls as a person sees them. Channels sharing a Linkedid are one call (NOTES §6). Local channel
 * pairs (`Local/101@rg-…;1` and `;2`) are plumbing, not people: a ring group is one call from the
 * caller ringing several phones, not one call per Local half. So a pair is folded away whenever a
 * real leg sits behind its `;2` half (the half that runs the dialplan and dials onward), and shows
 * as one party, named by its target, only while nothing does (e.g. `Local/talker@apps` playing a
 * prompt, or a ring group member whose phone leg does not exist yet).
 */

/** Legs that belong to nobody: spies, conference announcers, media taps. */
const HIDDEN_TECHS = new Set(['Snoop', 'CBAnn', 'CBRec', 'Announcer', 'Recorder', 'UnicastRTP', 'Multicast', 'AudioSocket']);

interface LocalPair {
  one: LiveChannel | null;
  two: LiveChannel | null;
}

export function byAge(a: LiveChannel, b: LiveChannel): number {
  return compareUniqueids(a.uniqueid, b.uniqueid);
}

export function partyState(ch: LiveChannel): ChannelState {
  if (ch.parkingSpace !== null) return 'parked';
  if (ch.queueWaiting) return 'in-queue';
  // The phone that pressed hold gets Hold; the one it holds hears music while still in the bridge.
  if (ch.onHold || (ch.moh && ch.bridgeId !== null)) return 'on-hold';
  if (ch.dialStatus === 'BUSY') return 'busy';
  return ch.line;
}

function partyOf(ch: LiveChannel): LiveParty {
  return {
    extension: ch.extension,
    number: ch.callerNum,
    name: ch.callerName,
    channel: ch.name,
    uniqueid: ch.uniqueid,
    state: partyState(ch),
  };
}

/** A Local pair shown as one party: actions go to `;1`, the half facing the rest of the call. */
function pairParty(pair: LocalPair, asCaller: boolean): { party: LiveParty; rep: LiveChannel } {
  const rep = (pair.one ?? pair.two) as LiveChannel;
  const exten = rep.local?.exten ?? '';
  return {
    rep,
    party: {
      extension: rep.extension,
      // As the caller it carries the caller ID an Originate gave it; as a target it is named by where it goes.
      number: asCaller ? rep.callerNum || exten : exten,
      name: asCaller ? rep.callerName : '',
      channel: rep.name,
      uniqueid: rep.uniqueid,
      state: partyState(rep),
    },
  };
}

/** One call's legs, with the links between them that folding needs. */
class CallGraph {
  readonly pairs = new Map<string, LocalPair>();
  private readonly dialed = new Map<string, LiveChannel[]>();
  private readonly byId = new Map<string, LiveChannel>();

  constructor(
    private readonly state: LiveState,
    readonly legs: readonly LiveChannel[],
  ) {
    for (const ch of legs) {
      this.byId.set(ch.uniqueid, ch);
      if (ch.local) {
        const pair = this.pairs.get(ch.local.pair) ?? { one: null, two: null };
        if (ch.local.half === 1) pair.one = ch;
        else pair.two = ch;
        this.pairs.set(ch.local.pair, pair);
      }
      if (ch.dialedBy !== null) {
        const list = this.dialed.get(ch.dialedBy);
        if (list) list.push(ch);
        else this.dialed.set(ch.dialedBy, [ch]);
      }
    }
  }

  pairOf(ch: LiveChannel): LocalPair | undefined {
    return ch.local ? this.pairs.get(ch.local.pair) : undefined;
  }

  /** Legs linked to the `;2` half: those it dialed, and those sharing its bridge (not its own `;1`). */
  private beyond(pair: LocalPair): LiveChannel[] {
    const two = pair.two;
    if (!two) return [];
    const out = [...(this.dialed.get(two.uniqueid) ?? [])];
    const members = two.bridgeId === null ? [] : (this.state.bridges.get(two.bridgeId)?.members ?? []);
    for (const m of members) {
      const leg = this.byId.get(m);
      if (leg && leg !== two && leg !== pair.one && !out.includes(leg)) out.push(leg);
    }
    return out;
  }

  /**
   * Real legs reached through the pair's `;2` side, following nested Local pairs. When no dial or
   * bridge links are known (a resync lists legs without them), a leg of the extension the pair
   * dials (`Local/101@…` → PJSIP/101-…) is taken as the one behind it, unless it is the caller's
   * own (100 dialing `Local/100@voicemail` talks to an application, not to itself).
   */
  behind(pair: LocalPair, seen: Set<LocalPair> = new Set(), caller: LiveChannel | null = null): { real: LiveChannel[]; linked: boolean } {
    seen.add(pair);
    const real: LiveChannel[] = [];
    const links = this.beyond(pair);
    for (const leg of links) {
      const inner = this.pairOf(leg);
      if (inner) {
        if (!seen.has(inner)) real.push(...this.behind(inner, seen, caller).real);
      } else if (!HIDDEN_TECHS.has(leg.tech)) {
        real.push(leg);
      }
    }
    if (links.length === 0) {
      const ext = (pair.one ?? pair.two)?.extension ?? null;
      for (const leg of this.legs) if (ext !== null && !leg.local && leg !== caller && leg.extension === ext) real.push(leg);
    }
    return { real, linked: links.length > 0 || real.length > 0 };
  }
}

function minOf(values: Iterable<number | null>): number | null {
  let min: number | null = null;
  for (const v of values) if (v !== null && (min === null || v < min)) min = v;
  return min;
}

/**
 * One call from its legs (sorted by age). It reads nothing of the state but the bridges those legs
 * sit in, which is what lets LiveBoard rebuild only the calls an update touched.
 */
export function buildCall(state: LiveState, id: string, legs: readonly LiveChannel[]): LiveCall {
  const graph = new CallGraph(state, legs);
  // The caller: the leg that started the call (its Uniqueid is the Linkedid), else the oldest left.
  const origin = legs.find((ch) => ch.uniqueid === id) ?? legs.find((ch) => !HIDDEN_TECHS.has(ch.tech)) ?? legs[0];
  const usedPairs = new Set<LocalPair>();
  let from: LiveParty;
  let fromRep: LiveChannel;
  const originPair = graph.pairOf(origin);
  if (originPair) {
    // An Originate of `Local/101@ctx` first rings what sits behind `;2`: that phone places the call.
    const { real } = graph.behind(originPair, usedPairs);
    if (real.length > 0) {
      fromRep = real[0];
      from = partyOf(fromRep);
    } else {
      ({ party: from, rep: fromRep } = pairParty(originPair, true));
    }
  } else {
    fromRep = origin;
    from = partyOf(origin);
  }

  const to: LiveParty[] = [];
  const toReps: LiveChannel[] = [];
  for (const leg of legs) {
    if (leg === fromRep || HIDDEN_TECHS.has(leg.tech)) continue;
    if (!leg.local) {
      to.push(partyOf(leg));
      toReps.push(leg);
    }
  }
  for (const pair of graph.pairs.values()) {
    if (usedPairs.has(pair) || pair === originPair) continue;
    if (graph.behind(pair, new Set(), fromRep).linked) continue;
    const { party, rep } = pairParty(pair, false);
    to.push(party);
    toReps.push(rep);
  }

  const status = callState(legs, fromRep, toReps);
  // Answered when a Dial of the call was (kept on the dialing leg, so it survives transfers); for
  // legs known only from a resync, when they were first bridged.
  let answeredAt = minOf(legs.map((ch) => ch.dialAnsweredAt)) ?? minOf(legs.map((ch) => ch.bridgedAt));
  if (answeredAt === null && status !== 'ringing' && status !== 'in-queue') {
    // A target already up whose DialEnd is still on its way, or, with nobody else on the call, the
    // caller answered by an application (voicemail, IVR, music).
    answeredAt = toReps.length > 0 ? minOf(toReps.map((ch) => (ch.line === 'up' ? ch.answeredAt : null))) : fromRep.answeredAt;
  }
  return {
    id,
    siteId: state.siteId,
    state: status,
    from,
    to,
    startedAt: minOf(legs.map((ch) => ch.startedAt)) ?? fromRep.startedAt,
    answeredAt,
    queue: fromRep.queue ?? legs.find((ch) => ch.queue !== null)?.queue ?? null,
    parkedAt: legs.find((ch) => ch.parkingSpace !== null)?.parkingSpace ?? null,
  };
}

function callState(legs: readonly LiveChannel[], from: LiveChannel, to: readonly LiveChannel[]): CallState {
  if (legs.some((ch) => ch.parkingSpace !== null)) return 'parked';
  if (legs.some((ch) => ch.queueWaiting)) return 'in-queue';
  if (from.hangupRequested || (to.length > 0 && to.every((ch) => ch.hangupRequested))) return 'ending';
  if ([from, ...to].some((ch) => partyState(ch) === 'on-hold')) return 'on-hold';
  if (to.some((ch) => ch.line === 'up')) return 'up';
  if (to.length > 0) return 'ringing';
  // Nobody else on the call: up when the caller talks to an application, otherwise still ringing.
  return from.line === 'up' ? 'up' : 'ringing';
}

/** The order calls are listed in: oldest first. */
export function byStart(a: LiveCall, b: LiveCall): number {
  return a.startedAt - b.startedAt || compareUniqueids(a.id, b.id);
}

/** Every live call of the site, oldest first. */
export function selectCalls(state: LiveState): LiveCall[] {
  const groups = new Map<string, LiveChannel[]>();
  state.channels.forEach((ch) => {
    const group = groups.get(ch.linkedid);
    if (group) group.push(ch);
    else groups.set(ch.linkedid, [ch]);
  });
  const calls: LiveCall[] = [];
  for (const [id, legs] of groups) calls.push(buildCall(state, id, legs.sort(byAge)));
  return calls.sort(byStart);
}
