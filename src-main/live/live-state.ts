import type { PresenceState } from '../../src-shared/domain/live.js';
import type { LocalName } from './channel-name.js';
import { PersistentMap } from './persistent-map.js';

/*
 * The live state of one site, as the AMI events (and resyncs) tell it. Everything is immutable:
 * the reducer returns a new LiveState sharing every untouched record with the old one (see
 * persistent-map.ts), so an event costs O(log n) however many calls are up, and a consumer can
 * hold on to any state it was given. Selectors turn it into what the renderer shows.
 */

/** A leg's own state from ChannelStateDesc; hold, parking and queue are flags beside it. */
export type LineState = 'down' | 'dialing' | 'ringing' | 'up' | 'busy';

export interface LiveChannel {
  readonly uniqueid: string;
  readonly name: string;
  /** The call this leg belongs to; Asterisk may rewrite it when the leg joins a bridge. */
  readonly linkedid: string;
  /** Parsed from `name` once, when it is set (see channel-name.ts). */
  readonly tech: string;
  readonly extension: string | null;
  readonly local: LocalName | null;
  readonly line: LineState;
  readonly callerNum: string;
  readonly callerName: string;
  readonly connectedNum: string;
  readonly connectedName: string;
  readonly context: string;
  readonly exten: string;
  readonly application: string;
  readonly appData: string;
  readonly bridgeId: string | null;
  /** The leg that dialed this one (DialBegin), null when unknown or placed by an Originate. */
  readonly dialedBy: string | null;
  /** Dialed by an Originate: DialBegin came without a calling channel. */
  readonly originated: boolean;
  /** The last DialState/DialEnd status of this leg as the one being dialed ('' before any). */
  readonly dialStatus: string;
  /** The other half of a Local pair, from LocalBridge. */
  readonly localPartner: string | null;
  /** Between LocalOptimizationBegin and End: this Local half is being optimised away. */
  readonly optimizing: boolean;
  /** The phone of this leg put the call on hold (Hold/Unhold). */
  readonly onHold: boolean;
  /** The leg hears music on hold (MusicOnHoldStart/Stop), whether held, queued or in an app. */
  readonly moh: boolean;
  /** The queue the leg waited in; kept after it was answered so the call shows where it came from. */
  readonly queue: string | null;
  /** Waiting in `queue` right now (QueueCallerJoin until QueueCallerLeave). */
  readonly queueWaiting: boolean;
  readonly parkingSpace: string | null;
  readonly parkingLot: string | null;
  /** HangupRequest/SoftHangupRequest seen: the leg is going away. */
  readonly hangupRequested: boolean;
  readonly startedAt: number;
  /** When the leg itself went Up. */
  readonly answeredAt: number | null;
  /** When a leg this one dialed answered (its first DialEnd ANSWER): the call was answered then. */
  readonly dialAnsweredAt: number | null;
  /** When the leg first shared a bridge with another leg. */
  readonly bridgedAt: number | null;
}

export interface LiveBridge {
  readonly id: string;
  readonly type: string;
  readonly technology: string;
  /** Uniqueids, in order of entry. */
  readonly members: readonly string[];
}

/**
 * What the PBX says about one extension. Each source is kept apart because they differ in
 * freshness: hints and device states arrive as events, endpoint lists only at resync.
 */
export interface ExtensionRecord {
  readonly extension: string;
  /** The phone's own caller ID name, learnt from its endpoint or its channels. */
  readonly name: string | null;
  /** From ExtensionStatus: the hint's aggregated state, and whether the hint watches a phone. */
  readonly hintState: PresenceState | null;
  readonly hint: string | null;
  readonly hintHasPhone: boolean;
  /** From DeviceStateChange of the phone's device (`PJSIP/101`). */
  readonly deviceState: PresenceState | null;
  /** From EndpointList/PeerEntry at resync (no events update it). */
  readonly endpointState: PresenceState | null;
  readonly registered: boolean | null;
  readonly latencyMs: number | null;
  /** FreePBX's `Custom:DND<ext>` device state, the live twin of AstDB `DND/<ext>`. */
  readonly dndDevice: boolean | null;
  /** AstDB values by family (`DND`, `CF`, `CFB`, `CFU`, `cfim`, `cfbs`). */
  readonly astdb: Readonly<Record<string, string>>;
}

export interface LiveState {
  readonly siteId: string;
  /** By Uniqueid. */
  readonly channels: PersistentMap<LiveChannel>;
  /** By BridgeUniqueid. */
  readonly bridges: PersistentMap<LiveBridge>;
  /** By extension number. */
  readonly extensions: PersistentMap<ExtensionRecord>;
}

/** A record with its fields writable, for building its next version. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Writes `changes` into `draft`, the copy of `record` made at the first real change: undefined
 * values and values the record already holds are skipped. Returns the draft, still null when
 * nothing changed. A caller with more to change passes the same draft along, so an event copies a
 * record once at most.
 */
export function applyChanges<T extends object>(record: T, draft: Draft<T> | null, changes: NoInfer<Partial<T>>): Draft<T> | null {
  let d = draft;
  for (const key in changes) {
    const value = changes[key];
    if (value !== undefined && value !== (d ?? record)[key]) (d ??= { ...record })[key] = value;
  }
  return d;
}

/** `record` with `changes` applied; the same object when every value is already there. */
export function patch<T extends object>(record: T, changes: NoInfer<Partial<T>>): T {
  return applyChanges(record, null, changes) ?? record;
}

export function emptyLiveState(siteId: string): LiveState {
  return {
    siteId,
    channels: PersistentMap.empty(),
    bridges: PersistentMap.empty(),
    extensions: PersistentMap.empty(),
  };
}

export function emptyExtension(extension: string): ExtensionRecord {
  return {
    extension,
    name: null,
    hintState: null,
    hint: null,
    hintHasPhone: false,
    deviceState: null,
    endpointState: null,
    registered: null,
    latencyMs: null,
    dndDevice: null,
    astdb: {},
  };
}

/**
 * Orders Uniqueids (and so Linkedids) by age. They read `<epoch>.<sequence>`, optionally after a
 * `systemname-` prefix; plain string order would put `.10` before `.9`. This is the order Asterisk
 * itself uses to pick the oldest Linkedid of a bridge.
 */
export function compareUniqueids(a: string, b: string): number {
  const ma = /(\d+)\.(\d+)$/.exec(a);
  const mb = /(\d+)\.(\d+)$/.exec(b);
  if (ma && mb) {
    const d = Number(ma[1]) - Number(mb[1]) || Number(ma[2]) - Number(mb[2]);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
