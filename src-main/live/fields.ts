import type { PresenceState } from '../../src-shared/domain/live.js';
import type { AmiEvent } from './ami-event.js';
import type { LineState } from './live-state.js';

/*
 * Reading AMI headers defensively. Anything can arrive: a header missing, repeated (an array), an
 * object (`Variable:` lines), or megabytes long. Reads never throw, and stored text is clipped so a
 * hostile or broken peer cannot grow the state without bound.
 */

/** Longest text kept from one header: caller IDs, names and app data are far shorter in practice. */
export const MAX_TEXT = 256;

/** The header as text (the first value if repeated, clipped), or undefined when absent or not text. */
export function read(e: AmiEvent, key: string): string | undefined {
  let v = e[key];
  if (typeof v !== 'string') {
    if (!Array.isArray(v)) return undefined;
    v = v[0];
    if (typeof v !== 'string') return undefined;
  }
  return v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v;
}

/** Caller ID text: Asterisk writes `<unknown>` for "not set". */
export function readId(e: AmiEvent, key: string): string | undefined {
  const v = read(e, key);
  return v === '<unknown>' ? '' : v;
}

/**
 * Header names of the channel snapshot Asterisk attaches to channel events, with the prefix it uses
 * for the other channels an event mentions (`DestChannel`, `ParkeeUniqueid`, `TransfereeLinkedid`…).
 * Built once, so the hot path never concatenates strings.
 */
export interface SnapshotKeys {
  readonly channel: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  readonly stateDesc: string;
  readonly stateCode: string;
  readonly callerNum: string;
  readonly callerName: string;
  readonly connectedNum: string;
  readonly connectedName: string;
  readonly context: string;
  readonly exten: string;
}

function keysFor(prefix: string): SnapshotKeys {
  return {
    channel: `${prefix}channel`,
    uniqueid: `${prefix}uniqueid`,
    linkedid: `${prefix}linkedid`,
    stateDesc: `${prefix}channelstatedesc`,
    stateCode: `${prefix}channelstate`,
    callerNum: `${prefix}calleridnum`,
    callerName: `${prefix}calleridname`,
    connectedNum: `${prefix}connectedlinenum`,
    connectedName: `${prefix}connectedlinename`,
    context: `${prefix}context`,
    exten: `${prefix}exten`,
  };
}

export const OWN = keysFor('');
export const DEST = keysFor('dest');
export const PARKEE = keysFor('parkee');
export const TRANSFERER = keysFor('transferer');
export const TRANSFEREE = keysFor('transferee');
export const ORIG_TRANSFERER = keysFor('origtransferer');
export const SECOND_TRANSFERER = keysFor('secondtransferer');
export const TRANSFER_TARGET = keysFor('transfertarget');

const LINE_BY_DESC: Readonly<Record<string, LineState>> = {
  Down: 'down',
  Rsrvd: 'down',
  OffHook: 'dialing',
  Dialing: 'dialing',
  // AST_STATE_RING: a call arrived on this leg and is being routed: the caller waiting, as a person sees it.
  Ring: 'dialing',
  Ringing: 'ringing',
  Up: 'up',
  Busy: 'busy',
  'Dialing Offhook': 'dialing',
  'Pre-ring': 'ringing',
};

/** The same states by ChannelState code (0 Down … 9 Pre-ring), for events that carry only the code. */
const LINE_BY_CODE: readonly LineState[] = ['down', 'down', 'dialing', 'dialing', 'dialing', 'ringing', 'up', 'busy', 'dialing', 'ringing'];

/** The line state an event reports, or null when it reports none (or `Unknown`). */
export function readLine(e: AmiEvent, keys: SnapshotKeys): LineState | null {
  const desc = read(e, keys.stateDesc);
  if (desc !== undefined && Object.hasOwn(LINE_BY_DESC, desc)) return LINE_BY_DESC[desc];
  const code = read(e, keys.stateCode);
  if (code !== undefined && /^[0-9]$/.test(code)) return LINE_BY_CODE[Number(code)] ?? null;
  return null;
}

/**
 * ExtensionStatus `Status` is a bit mask (ast_extension_states): 1 InUse, 2 Busy, 4 Unavailable,
 * 8 Ringing, 16 OnHold; -1 not found, -2 hint removed. Ringing wins over in-use (9, "InUse&Ringing"):
 * a phone that rings is one the receptionist may pick up, which matters more than its other call.
 */
export function hintPresence(status: string | undefined, text: string | undefined): PresenceState | 'removed' | null {
  if (status !== undefined && /^-?[0-9]{1,3}$/.test(status)) {
    const n = Number(status);
    if (n === -2) return 'removed';
    if (n < 0) return 'unknown';
    if (n & 4) return 'unavailable';
    if (n & 8) return 'ringing';
    if (n & 16) return 'on-hold';
    if (n & 2) return 'busy';
    if (n & 1) return 'in-use';
    return 'idle';
  }
  switch (text) {
    case 'Idle':
      return 'idle';
    case 'InUse':
      return 'in-use';
    case 'Busy':
      return 'busy';
    case 'Unavailable':
      return 'unavailable';
    case 'Ringing':
    case 'InUse&Ringing':
      return 'ringing';
    case 'Hold':
    case 'InUse&Hold':
      return 'on-hold';
    default:
      return null;
  }
}

const DEVICE_STATES: Readonly<Record<string, PresenceState>> = {
  NOT_INUSE: 'idle',
  INUSE: 'in-use',
  BUSY: 'busy',
  INVALID: 'unknown',
  UNAVAILABLE: 'unavailable',
  RINGING: 'ringing',
  RINGINUSE: 'ringing',
  ONHOLD: 'on-hold',
  UNKNOWN: 'unknown',
};

/** DeviceStateChange `State` (ast_devstate2str). */
export function devicePresence(state: string | undefined): PresenceState | null {
  return state !== undefined && Object.hasOwn(DEVICE_STATES, state) ? DEVICE_STATES[state] : null;
}

const ENDPOINT_STATES: Readonly<Record<string, PresenceState>> = {
  'Not in use': 'idle',
  'In use': 'in-use',
  Busy: 'busy',
  Invalid: 'unknown',
  Unavailable: 'unavailable',
  Ringing: 'ringing',
  'Ring+Inuse': 'ringing',
  'On Hold': 'on-hold',
  Unknown: 'unknown',
};

/** EndpointList `DeviceState` (ast_devstate_str: the same states, spelt for people). */
export function endpointPresence(state: string | undefined): PresenceState | null {
  return state !== undefined && Object.hasOwn(ENDPOINT_STATES, state) ? ENDPOINT_STATES[state] : null;
}

/** `HH:MM:SS` (CoreShowChannel Duration) or plain seconds (Status Seconds) → seconds, null if neither. */
export function readDuration(e: AmiEvent): number | null {
  const hms = read(e, 'duration');
  if (hms !== undefined) {
    const m = /^(\d{1,6}):([0-5]\d):([0-5]\d)$/.exec(hms);
    if (m) return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  }
  const seconds = read(e, 'seconds');
  if (seconds !== undefined && /^\d{1,9}$/.test(seconds)) return Number(seconds);
  return null;
}
