/*
 * Live calls and presence as the renderer sees them, whatever the PBX (AMI today, FreeSWITCH's event
 * socket later). Produced in main by the live-state reducer's selectors; times are UTC epoch ms.
 */

/** What one channel (one leg) is doing. */
export type ChannelState = 'down' | 'dialing' | 'ringing' | 'up' | 'busy' | 'on-hold' | 'parked' | 'in-queue';

export interface LiveParty {
  /** The extension the leg belongs to (`PJSIP/101-00000003` → `101`), null for trunks and apps. */
  extension: string | null;
  /** Caller ID of this leg as the PBX last reported it. */
  number: string;
  name: string;
  /** The channel name, for actions (hang up, transfer) and for technicians. */
  channel: string;
  uniqueid: string;
  state: ChannelState;
}

export type CallState = 'ringing' | 'up' | 'on-hold' | 'parked' | 'in-queue' | 'ending';

/** One call: every channel sharing a Linkedid, Local channel pairs folded away. */
export interface LiveCall {
  /** The Linkedid: stable for the whole call, across transfers. */
  id: string;
  siteId: string;
  state: CallState;
  /** Who placed the call (the channel that started it). */
  from: LiveParty;
  /** Everyone else on the call: one party once answered, several while a ring group rings. */
  to: LiveParty[];
  startedAt: number;
  answeredAt: number | null;
  /** Queue name while waiting in (or answered from) a queue. */
  queue: string | null;
  /** Parking lot space while parked. */
  parkedAt: string | null;
}

export type PresenceState = 'idle' | 'ringing' | 'in-use' | 'busy' | 'on-hold' | 'unavailable' | 'dnd' | 'unknown';

export interface CallForward {
  always: string | null;
  busy: string | null;
  noAnswer: string | null;
}

export interface Presence {
  siteId: string;
  extension: string;
  /** From the hint or the endpoint's caller ID, when the PBX tells it. */
  name: string | null;
  state: PresenceState;
  dnd: boolean;
  forward: CallForward;
  /** Whether the phone is registered (reachable), when the PBX reports it. */
  registered: boolean | null;
  /** Round-trip time to the phone in ms (qualify), when known. */
  latencyMs: number | null;
  /** Extensions (or numbers) this one is talking to right now. */
  talkingTo: string[];
}

export type LinkState = 'connecting' | 'connected' | 'resyncing' | 'reconnecting' | 'failed' | 'stopped';

/** The state of a site's live link, pushed whenever it changes. */
export interface LiveLinkStatus {
  siteId: string;
  state: LinkState;
  /** The last error, kept while reconnecting so the person knows why. */
  lastError: { code: string; message: string } | null;
  /** When the next reconnect attempt starts, while reconnecting. */
  retryAt: number | null;
  connectedAt: number | null;
}

/** Everything the Live screen shows, across all sites. */
export interface LiveSnapshot {
  calls: LiveCall[];
  presence: Presence[];
  links: LiveLinkStatus[];
}

/**
 * What changed on one site since the last push (pushed at most every ~50 ms). With `reset`, the
 * site's calls and presence are replaced wholesale (after a resync or when a site goes away).
 */
export interface LiveDelta {
  siteId: string;
  reset: boolean;
  upsertCalls: LiveCall[];
  removeCalls: string[];
  upsertPresence: Presence[];
  /** Extensions the PBX no longer reports. */
  removePresence: string[];
}

/** How an originate ended, from the PBX's OriginateResponse. */
export interface OriginateOutcome {
  answered: boolean;
  /** Asterisk's reason code (4 answered, 3 no answer, 5 busy, 8 congestion, 0 failed). */
  reason: string;
}
