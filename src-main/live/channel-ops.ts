import type { AmiEvent } from './ami-event.js';
import { parseChannelName } from './channel-name.js';
import { OWN, read, readId, readLine, type SnapshotKeys } from './fields.js';
import { applyChanges, compareUniqueids, type Draft, emptyExtension, type LiveBridge, type LiveChannel, type LiveState, patch } from './live-state.js';
import type { PersistentMap } from './persistent-map.js';

/*
 * The building blocks every handler uses to change channels and bridges. Each returns its input
 * unchanged (same object) when nothing differs, so a no-op event allocates nothing and the reducer
 * can hand the very same state back.
 */

function setName(d: Draft<LiveChannel>, name: string): void {
  const parsed = parseChannelName(name);
  d.name = name;
  d.tech = parsed.tech;
  d.extension = parsed.extension;
  d.local = parsed.local;
}

export function createChannel(uniqueid: string, name: string, e: AmiEvent, keys: SnapshotKeys, now: number, startedAt = now): LiveChannel {
  const line = readLine(e, keys) ?? 'down';
  const d: Draft<LiveChannel> = {
    uniqueid,
    name: '',
    linkedid: read(e, keys.linkedid) || uniqueid,
    tech: '',
    extension: null,
    local: null,
    line,
    callerNum: readId(e, keys.callerNum) ?? '',
    callerName: readId(e, keys.callerName) ?? '',
    connectedNum: readId(e, keys.connectedNum) ?? '',
    connectedName: readId(e, keys.connectedName) ?? '',
    context: read(e, keys.context) ?? '',
    exten: read(e, keys.exten) ?? '',
    application: '',
    appData: '',
    bridgeId: null,
    dialedBy: null,
    originated: false,
    dialStatus: '',
    localPartner: null,
    optimizing: false,
    onHold: false,
    moh: false,
    queue: null,
    queueWaiting: false,
    parkingSpace: null,
    parkingLot: null,
    hangupRequested: false,
    startedAt,
    answeredAt: line === 'up' ? now : null,
    dialAnsweredAt: null,
    bridgedAt: null,
  };
  setName(d, name);
  return d;
}

/**
 * Every channel event carries a snapshot of the channel (state, caller ID, connected line, dialplan
 * position, Linkedid). Taking it from whichever event comes keeps the leg right even when an event
 * was missed, and follows Linkedid changes, which Asterisk makes silently when a leg joins a bridge.
 */
export function refresh(ch: LiveChannel, e: AmiEvent, keys: SnapshotKeys, now: number, extra?: Partial<LiveChannel>): LiveChannel {
  let d: Draft<LiveChannel> | null = null;
  const name = read(e, keys.channel);
  if (name && name !== ch.name) {
    d = { ...ch };
    setName(d, name);
  }
  const linkedid = read(e, keys.linkedid);
  if (linkedid && linkedid !== ch.linkedid) (d ??= { ...ch }).linkedid = linkedid;
  const line = readLine(e, keys);
  if (line !== null && line !== ch.line) {
    d ??= { ...ch };
    d.line = line;
    if (line === 'up' && ch.answeredAt === null) d.answeredAt = now;
  }
  const callerNum = readId(e, keys.callerNum);
  if (callerNum !== undefined && callerNum !== ch.callerNum) (d ??= { ...ch }).callerNum = callerNum;
  const callerName = readId(e, keys.callerName);
  if (callerName !== undefined && callerName !== ch.callerName) (d ??= { ...ch }).callerName = callerName;
  const connectedNum = readId(e, keys.connectedNum);
  if (connectedNum !== undefined && connectedNum !== ch.connectedNum) (d ??= { ...ch }).connectedNum = connectedNum;
  const connectedName = readId(e, keys.connectedName);
  if (connectedName !== undefined && connectedName !== ch.connectedName) (d ??= { ...ch }).connectedName = connectedName;
  const context = read(e, keys.context);
  if (context !== undefined && context !== ch.context) (d ??= { ...ch }).context = context;
  const exten = read(e, keys.exten);
  if (exten !== undefined && exten !== ch.exten) (d ??= { ...ch }).exten = exten;
  // The handler's own changes go into the same copy: one allocation per event at most.
  if (extra !== undefined) d = applyChanges(ch, d, extra);
  return d ?? ch;
}

export function putChannel(s: LiveState, before: LiveChannel | undefined, after: LiveChannel): LiveState {
  return before === after ? s : { ...s, channels: s.channels.set(after.uniqueid, after) };
}

/**
 * Applies an event to the known channel `uniqueid`: the snapshot headers under `keys`, plus the
 * handler's `extra` changes (a patch, or a function of the refreshed leg). Events about channels
 * we never saw created are ignored rather than inventing a leg: a late event for a hung-up channel
 * must not bring back a ghost (the next resync adds any leg we really missed).
 */
export function onChannel(
  s: LiveState,
  uniqueid: string | undefined,
  e: AmiEvent,
  keys: SnapshotKeys,
  now: number,
  extra?: Partial<LiveChannel> | ((ch: LiveChannel) => LiveChannel),
): LiveState {
  if (!uniqueid) return s;
  const before = s.channels.get(uniqueid);
  if (!before) return s;
  if (typeof extra === 'function') return putChannel(s, before, extra(refresh(before, e, keys, now)));
  return putChannel(s, before, refresh(before, e, keys, now, extra));
}

/** Same as onChannel for the event's own channel (`Uniqueid`). */
export function onOwnChannel(s: LiveState, e: AmiEvent, now: number, extra?: Partial<LiveChannel> | ((ch: LiveChannel) => LiveChannel)): LiveState {
  return onChannel(s, read(e, OWN.uniqueid), e, OWN, now, extra);
}

function withoutMember(bridges: PersistentMap<LiveBridge>, bridgeId: string, uniqueid: string): PersistentMap<LiveBridge> {
  const bridge = bridges.get(bridgeId);
  if (!bridge || !bridge.members.includes(uniqueid)) return bridges;
  return bridges.set(bridgeId, { ...bridge, members: bridge.members.filter((m) => m !== uniqueid) });
}

export function removeChannel(s: LiveState, uniqueid: string): LiveState {
  const ch = s.channels.get(uniqueid);
  if (!ch) return s;
  const bridges = ch.bridgeId === null ? s.bridges : withoutMember(s.bridges, ch.bridgeId, uniqueid);
  return { ...s, channels: s.channels.delete(uniqueid), bridges };
}

/** Creates the bridge if it is new, or updates what its events say about it. */
export function ensureBridge(s: LiveState, id: string, type: string | undefined, technology: string | undefined): LiveState {
  const bridge = s.bridges.get(id);
  if (!bridge) return { ...s, bridges: s.bridges.set(id, { id, type: type ?? '', technology: technology ?? '', members: [] }) };
  if ((type === undefined || type === bridge.type) && (technology === undefined || technology === bridge.technology)) return s;
  return { ...s, bridges: s.bridges.set(id, { ...bridge, type: type ?? bridge.type, technology: technology ?? bridge.technology }) };
}

/**
 * Puts a leg into a bridge. Once two or more legs share it, each gets `bridgedAt` = `connectedAt`
 * (when given), and with `propagate` every leg takes the oldest Linkedid among them, as Asterisk
 * does itself in a basic bridge (bridge_basic_push → ast_bridge_channel_update_linkedids) without
 * telling anyone. Holding bridges (parking) and conferences do neither: otherwise every call
 * parked in one lot would become one call.
 */
export function joinBridge(s: LiveState, uniqueid: string, bridgeId: string, connectedAt: number | null, propagate: boolean): LiveState {
  let ch = s.channels.get(uniqueid);
  if (!ch) return s;
  let bridges = s.bridges;
  if (ch.bridgeId !== null && ch.bridgeId !== bridgeId) bridges = withoutMember(bridges, ch.bridgeId, uniqueid);
  let bridge = bridges.get(bridgeId) ?? { id: bridgeId, type: '', technology: '', members: [] };
  if (!bridge.members.includes(uniqueid)) bridge = { ...bridge, members: [...bridge.members, uniqueid] };
  bridges = bridges.set(bridgeId, bridge);
  ch = patch(ch, { bridgeId });
  let channels = s.channels.set(uniqueid, ch);
  if (bridge.members.length >= 2) {
    let oldest: string | null = null;
    if (propagate) {
      for (const m of bridge.members) {
        const c = channels.get(m);
        if (c && c.linkedid !== oldest && (oldest === null || compareUniqueids(c.linkedid, oldest) < 0)) oldest = c.linkedid;
      }
    }
    for (const m of bridge.members) {
      const c = channels.get(m);
      if (!c) continue;
      channels = channels.set(m, patch(c, { bridgedAt: c.bridgedAt ?? connectedAt ?? undefined, linkedid: oldest ?? undefined }));
    }
  }
  return bridges === s.bridges && channels === s.channels ? s : { ...s, bridges, channels };
}

export function leaveBridge(s: LiveState, uniqueid: string, bridgeId: string): LiveState {
  const bridges = withoutMember(s.bridges, bridgeId, uniqueid);
  const ch = s.channels.get(uniqueid);
  const channels = ch && ch.bridgeId === bridgeId ? s.channels.set(uniqueid, patch(ch, { bridgeId: null })) : s.channels;
  return bridges === s.bridges && channels === s.channels ? s : { ...s, bridges, channels };
}

export function destroyBridge(s: LiveState, bridgeId: string): LiveState {
  const bridge = s.bridges.get(bridgeId);
  if (!bridge) return s;
  let channels = s.channels;
  for (const m of bridge.members) {
    const c = channels.get(m);
    if (c && c.bridgeId === bridgeId) channels = channels.set(m, patch(c, { bridgeId: null }));
  }
  return { ...s, channels, bridges: s.bridges.delete(bridgeId) };
}

/**
 * A phone's name, learnt from its own legs: a PJSIP/101 channel whose caller ID number is 101
 * carries the name the PBX has for 101. Legs showing someone else's number teach nothing.
 */
export function learnName(s: LiveState, ch: LiveChannel | undefined): LiveState {
  if (!ch || ch.extension === null || ch.callerName === '' || ch.callerNum !== ch.extension) return s;
  const record = s.extensions.get(ch.extension) ?? emptyExtension(ch.extension);
  if (record.name === ch.callerName) return s;
  return { ...s, extensions: s.extensions.set(ch.extension, { ...record, name: ch.callerName }) };
}
