import type { AmiEvent } from './ami-event.js';
import { isAstdbFamily } from './astdb.js';
import { read } from './fields.js';
import { emptyLiveState, type ExtensionRecord, type LiveChannel, type LiveState, patch } from './live-state.js';
import { PersistentMap } from './persistent-map.js';
import { reduce } from './reducer.js';

/**
 * What a resync collects, list by list, as asterisk-manager hands the items over (the
 * `…Complete` events left out). A list that was not collected is left undefined: its part of the
 * state is then kept as it was, while a collected list, even an empty one, replaces its part
 * wholesale (an empty CoreShowChannels means no calls, full stop).
 */
export interface ResyncSnapshot {
  /** CoreShowChannel items (or the Status action's `Status` items). */
  readonly channels?: readonly AmiEvent[];
  /** BridgeListItem items: bridge types and technologies (members come from the channels' BridgeId). */
  readonly bridges?: readonly AmiEvent[];
  /** ExtensionStatus items of ExtensionStateList (hints). */
  readonly extensionStates?: readonly AmiEvent[];
  /** DeviceStateChange items of DeviceStateList. */
  readonly deviceStates?: readonly AmiEvent[];
  /** Registration and reachability: EndpointList, EndpointDetail, ContactStatusDetail, PeerEntry items. */
  readonly endpoints?: readonly AmiEvent[];
  /** DBGetTreeResponse (or DBGetResponse) items of the AstDB families read, and which families they were. */
  readonly astdb?: { readonly families: readonly string[]; readonly items: readonly AmiEvent[] };
  /** ParkedCall items of the ParkedCalls action. */
  readonly parked?: readonly AmiEvent[];
  /** QueueEntry items of QueueStatus (callers waiting). */
  readonly queueEntries?: readonly AmiEvent[];
}

function applyAll(state: LiveState, items: readonly AmiEvent[], now: number): LiveState {
  let s = state;
  for (const item of items) s = reduce(s, item, now);
  return s;
}

function mapRecords(state: LiveState, change: (r: ExtensionRecord) => ExtensionRecord): LiveState {
  const extensions = state.extensions.map(change);
  return extensions === state.extensions ? state : { ...state, extensions };
}

function mapChannels(state: LiveState, change: (ch: LiveChannel) => LiveChannel): LiveState {
  const channels = state.channels.map(change);
  return channels === state.channels ? state : { ...state, channels };
}

/**
 * What only events could have told about a leg, kept from before the resync where the list does
 * not contradict it: exact start/answer/connect times, who dialed it, its Local partner, hold, a
 * hang-up in progress. Parking and queue waits are kept only while the leg sits where it did
 * (same bridge; still in Queue()) unless their own lists were collected.
 */
function carryOver(fresh: LiveChannel, old: LiveChannel, snapshot: ResyncSnapshot): LiveChannel {
  const up = fresh.line === 'up';
  return patch(fresh, {
    startedAt: old.startedAt,
    answeredAt: old.answeredAt ?? fresh.answeredAt ?? undefined,
    dialAnsweredAt: old.dialAnsweredAt ?? undefined,
    bridgedAt: fresh.bridgeId === null ? (old.bridgedAt ?? undefined) : (old.bridgedAt ?? fresh.bridgedAt ?? undefined),
    dialedBy: old.dialedBy ?? undefined,
    originated: old.originated,
    dialStatus: old.dialStatus,
    localPartner: old.localPartner ?? undefined,
    optimizing: old.optimizing,
    onHold: up && old.onHold,
    moh: up && old.moh,
    hangupRequested: old.hangupRequested,
    queue: fresh.queue ?? old.queue ?? undefined,
    queueWaiting: snapshot.queueEntries === undefined ? old.queueWaiting && fresh.application === 'Queue' : undefined,
    parkingSpace: snapshot.parked === undefined && old.bridgeId === fresh.bridgeId ? (old.parkingSpace ?? undefined) : undefined,
    parkingLot: snapshot.parked === undefined && old.bridgeId === fresh.bridgeId ? (old.parkingLot ?? undefined) : undefined,
  });
}

/** The legs and bridges, rebuilt from the lists alone, then enriched from `previous`. */
function rebuildChannels(previous: LiveState, snapshot: ResyncSnapshot, channels: readonly AmiEvent[], now: number): LiveState {
  let s: LiveState = { ...previous, channels: PersistentMap.empty(), bridges: PersistentMap.empty() };
  s = applyAll(s, snapshot.bridges ?? [], now);
  // Oldest legs first, so bridge membership lists in the order legs joined as nearly as we can tell.
  s = applyAll(s, channels, now);
  // Bridges from BridgeList with no listed leg are left-overs of calls that ended in between.
  s.bridges.forEach((bridge, id) => {
    if (bridge.members.length === 0) s = { ...s, bridges: s.bridges.delete(id) };
  });
  return mapChannels(s, (ch) => {
    const old = previous.channels.get(ch.uniqueid);
    return old ? carryOver(ch, old, snapshot) : ch;
  });
}

/**
 * The state after a resync, on top of `previous` (the state before the link dropped, or an empty
 * one). Collected lists replace their part wholesale, so no ghost call survives a resync and no
 * real one is missing; facts only events carry are kept where still consistent (see carryOver).
 * A partial snapshot refreshes just its part, e.g. `{ astdb }` after changing a forward.
 */
export function applySnapshot(previous: LiveState, snapshot: ResyncSnapshot, now: number): LiveState {
  const at = Number.isFinite(now) ? now : 0;
  let s = previous;
  if (snapshot.channels !== undefined) s = rebuildChannels(previous, snapshot, snapshot.channels, at);
  else if (snapshot.bridges !== undefined) s = applyAll(s, snapshot.bridges, at);

  if (snapshot.parked !== undefined) {
    s = mapChannels(s, (ch) => patch(ch, { parkingSpace: null, parkingLot: null }));
    s = applyAll(s, snapshot.parked, at);
  }
  if (snapshot.queueEntries !== undefined) {
    s = mapChannels(s, (ch) => patch(ch, { queueWaiting: false }));
    s = applyAll(s, snapshot.queueEntries, at);
  }
  if (snapshot.extensionStates !== undefined) {
    s = mapRecords(s, (r) => (r.hint === null && r.hintState === null ? r : { ...r, hint: null, hintState: null, hintHasPhone: false }));
    s = applyAll(s, snapshot.extensionStates, at);
  }
  if (snapshot.deviceStates !== undefined) {
    s = mapRecords(s, (r) => (r.deviceState === null && r.dndDevice === null ? r : { ...r, deviceState: null, dndDevice: null }));
    s = applyAll(s, snapshot.deviceStates, at);
  }
  if (snapshot.endpoints !== undefined) {
    s = mapRecords(s, (r) =>
      r.endpointState === null && r.registered === null && r.latencyMs === null ? r : { ...r, endpointState: null, registered: null, latencyMs: null },
    );
    s = applyAll(s, snapshot.endpoints, at);
  }
  if (snapshot.astdb !== undefined) {
    const families = snapshot.astdb.families.filter(isAstdbFamily);
    s = mapRecords(s, (r) => {
      if (!families.some((f) => f in r.astdb)) return r;
      const astdb = { ...r.astdb };
      for (const f of families) delete astdb[f];
      return { ...r, astdb };
    });
    // Only items of the families read count: a stray item must not resurrect another family.
    s = applyAll(
      s,
      snapshot.astdb.items.filter((item) => {
        if (typeof item !== 'object' || item === null) return false;
        const family = read(item, 'family') ?? /^\/?([^/]+)\//.exec(read(item, 'key') ?? '')?.[1];
        return family !== undefined && families.includes(family as (typeof families)[number]);
      }),
      at,
    );
  }
  return s;
}

/** A site's state from a resync alone (first connect, or nothing worth keeping). */
export function stateFromSnapshot(siteId: string, snapshot: ResyncSnapshot, now: number): LiveState {
  return applySnapshot(emptyLiveState(siteId), snapshot, now);
}
