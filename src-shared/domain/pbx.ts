/*
 * What the app asks of any PBX, in its own vendor-neutral terms. Each adapter maps its vendor's
 * shapes to and from these (strings for every value, `-`-separated lists, nested vs flat…), so
 * screens, the cache and the outbox never learn a vendor's quirks.
 */

/** Everything a site may be able to do, each answered by a capability. */
export const CAPABILITY_KEYS = [
  'extensions.list',
  'extensions.get',
  'extensions.create',
  'extensions.update',
  'extensions.delete',
  'followMe.read',
  'followMe.write',
  'callForward.read',
  'callForward.write',
  'dnd.read',
  'dnd.write',
  'ringGroups.read',
  'ringGroups.write',
  'cdr.fetch',
  'recordings.download',
  'calls.live',
  'calls.originate',
  'calls.hangup',
  'calls.transfer',
  'presence.read',
  'system.health',
  'config.apply',
] as const;

export type CapabilityKey = (typeof CAPABILITY_KEYS)[number];

/**
 * How the site does one thing: through the vendor's HTTP API, through AMI (when the site has it
 * configured), or not at all, with a reason a person can read (an i18n key, `capability.reason.*`).
 */
export type Capability = { via: 'api'; note: string | null } | { via: 'ami'; note: string | null } | { via: 'none'; reason: string };

export type Capabilities = Record<CapabilityKey, Capability>;

/** What was learnt about the vendor's API when the site was connected. */
export interface ApiIdentity {
  /** The API generation the adapter detected (e.g. Issabel's), or null when the vendor has one. */
  generation: string | null;
  /** A version string as the PBX reports it, when it does. */
  version: string | null;
}

export type ExtensionTechnology = 'sip' | 'pjsip' | 'iax2' | 'webrtc' | 'virtual' | 'other';

export interface PbxExtension {
  number: string;
  name: string;
  technology: ExtensionTechnology;
  /** The device's SIP secret. Main keeps it; the renderer only sees it when a person asks. */
  secret: string | null;
  /** Whether the extension has a voicemail box, when the vendor says. */
  voicemail: boolean | null;
  email: string | null;
  /** Outbound caller ID, as the vendor stores it. */
  callerId: string | null;
  /** Vendor fields the app shows and edits but does not interpret, by the vendor's own names. */
  fields: Record<string, string>;
}

/** What may be sent to create or change an extension; absent means "leave as it is". */
export interface ExtensionChange {
  name?: string;
  technology?: ExtensionTechnology;
  secret?: string;
  voicemail?: boolean;
  email?: string | null;
  callerId?: string | null;
  fields?: Record<string, string>;
}

export type RingStrategy = 'ringall' | 'hunt' | 'memoryhunt' | 'firstavailable' | 'random' | 'other';

export interface FollowMe {
  enabled: boolean | null;
  strategy: RingStrategy;
  /** Numbers in the order they ring (extensions or outside numbers, `#` kept). */
  numbers: string[];
  /** Seconds the list rings. */
  ringSeconds: number;
  /** Seconds the extension itself rings first. */
  preRingSeconds: number;
  confirmCalls: boolean;
  /** Where an unanswered call goes, as the PBX names it (`ext-local,100,dest`), or null for the default. */
  noAnswerDestination: string | null;
}

export interface CallForwardSettings {
  always: string | null;
  busy: string | null;
  noAnswer: string | null;
  dnd: boolean;
}

export interface RingGroup {
  number: string;
  name: string;
  strategy: RingStrategy;
  members: string[];
  ringSeconds: number;
  noAnswerDestination: string | null;
}

export type CdrDisposition = 'answered' | 'no-answer' | 'busy' | 'failed' | 'congestion' | 'unknown';

/** One CDR leg as the PBX recorded it; times are UTC epoch ms (converted from the site's zone). */
export interface CdrRecord {
  /** Unique per site: the PBX's uniqueid, plus its sequence where it keeps one. */
  key: string;
  uniqueid: string;
  /** The call this leg belongs to (linkedid), when the PBX records it. */
  linkedid: string | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  src: string;
  dst: string;
  callerName: string;
  context: string;
  channel: string;
  dstChannel: string;
  lastApp: string;
  durationS: number;
  billS: number;
  disposition: CdrDisposition;
  /** The recording's file name as the PBX stores it (never a path to trust). */
  recordingFile: string | null;
}

/** Per-item outcome of a batch: the rest stay applied when one fails. */
export type ItemResult = { id: string; ok: true } | { id: string; ok: false; error: { code: string; message: string } };

export interface PeerStatus {
  name: string;
  /** The extension number when the peer is a phone, null for trunks. */
  extension: string | null;
  registered: boolean | null;
  address: string | null;
  latencyMs: number | null;
}

export interface SystemHealth {
  reachable: boolean;
  uptime: string | null;
  /** The 1-minute load average, when reported. */
  load: number | null;
  disks: Array<{ mount: string; usedPercent: number | null; size: string | null }>;
}
