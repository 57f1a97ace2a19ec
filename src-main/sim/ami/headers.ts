/*
 * Header blocks exactly as Asterisk 22 writes them (manager_channels.c, manager_bridges.c and the
 * captures in shared/fixtures/ami/transcripts): the channel snapshot block, optionally prefixed
 * (`Dest`, `LocalOne`, `Transferer`…), and the bridge snapshot block. Every event of the simulator is
 * assembled from these, so header names and order stay identical to the recordings.
 */

export type Headers = Array<[string, string]>;

export const STATE_DESC: Readonly<Record<number, string>> = {
  0: 'Down',
  1: 'Rsrvd',
  2: 'OffHook',
  3: 'Dialing',
  4: 'Ring',
  5: 'Ringing',
  6: 'Up',
  7: 'Busy',
};

/** The channel states the simulator uses (`enum ast_channel_state`). */
export const DOWN = 0;
export const RING = 4;
export const RINGING = 5;
export const UP = 6;

/** What a channel snapshot shows; '' for a caller ID part means `<unknown>`. */
export interface ChannelSnapshot {
  readonly name: string;
  readonly state: number;
  readonly callerNum: string;
  readonly callerName: string;
  readonly connectedNum: string;
  readonly connectedName: string;
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
  readonly uniqueid: string;
  readonly linkedid: string;
}

export interface BridgeSnapshot {
  readonly id: string;
  readonly type: string;
  readonly technology: string;
  readonly creator: string;
  readonly name: string;
  readonly size: number;
}

export const unknown = (value: string): string => (value === '' ? '<unknown>' : value);

/** `ast_manager_build_channel_state_string_prefix`. */
export function channelBlock(ch: ChannelSnapshot, prefix = ''): Headers {
  return [
    [`${prefix}Channel`, ch.name],
    [`${prefix}ChannelState`, String(ch.state)],
    [`${prefix}ChannelStateDesc`, STATE_DESC[ch.state] ?? 'Unknown'],
    [`${prefix}CallerIDNum`, unknown(ch.callerNum)],
    [`${prefix}CallerIDName`, unknown(ch.callerName)],
    [`${prefix}ConnectedLineNum`, unknown(ch.connectedNum)],
    [`${prefix}ConnectedLineName`, unknown(ch.connectedName)],
    [`${prefix}Language`, 'en'],
    [`${prefix}AccountCode`, ''],
    [`${prefix}Context`, ch.context],
    [`${prefix}Exten`, ch.exten],
    [`${prefix}Priority`, String(ch.priority)],
    [`${prefix}Uniqueid`, ch.uniqueid],
    [`${prefix}Linkedid`, ch.linkedid],
  ];
}

/** `ast_manager_build_bridge_state_string_prefix`. */
export function bridgeBlock(bridge: BridgeSnapshot, prefix = ''): Headers {
  return [
    [`${prefix}BridgeUniqueid`, bridge.id],
    [`${prefix}BridgeType`, bridge.type],
    [`${prefix}BridgeTechnology`, bridge.technology],
    [`${prefix}BridgeCreator`, bridge.creator],
    [`${prefix}BridgeName`, bridge.name],
    [`${prefix}BridgeNumChannels`, String(bridge.size)],
    [`${prefix}BridgeVideoSourceMode`, 'none'],
  ];
}

export type DeviceState = 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'UNAVAILABLE' | 'RINGING' | 'RINGINUSE' | 'ONHOLD' | 'UNKNOWN';

/** `enum ast_device_state`, as QueueMemberStatus `Status` shows it. */
export const DEVICE_STATE_NUMBER: Readonly<Record<DeviceState, number>> = {
  UNKNOWN: 0,
  NOT_INUSE: 1,
  INUSE: 2,
  BUSY: 3,
  UNAVAILABLE: 5,
  RINGING: 6,
  RINGINUSE: 7,
  ONHOLD: 8,
};

/** `ast_devstate_str`, as EndpointList `DeviceState` shows it. */
export const DEVICE_STATE_TEXT: Readonly<Record<DeviceState, string>> = {
  UNKNOWN: 'Unknown',
  NOT_INUSE: 'Not in use',
  INUSE: 'In use',
  BUSY: 'Busy',
  UNAVAILABLE: 'Unavailable',
  RINGING: 'Ringing',
  RINGINUSE: 'Ring+Inuse',
  ONHOLD: 'On Hold',
};

/** Hint state (ExtensionStatus `Status`/`StatusText`) of a device state. */
export function extensionStatus(state: DeviceState): { status: number; text: string } {
  switch (state) {
    case 'NOT_INUSE':
      return { status: 0, text: 'Idle' };
    case 'INUSE':
      return { status: 1, text: 'InUse' };
    case 'BUSY':
      return { status: 2, text: 'Busy' };
    case 'UNAVAILABLE':
      return { status: 4, text: 'Unavailable' };
    case 'RINGING':
      return { status: 8, text: 'Ringing' };
    case 'RINGINUSE':
      return { status: 9, text: 'InUse&Ringing' };
    case 'ONHOLD':
      return { status: 16, text: 'Hold' };
    default:
      return { status: -1, text: 'Unknown' };
  }
}

export const CAUSE_TEXT: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  34: 'Circuit/channel congestion',
};

export const causeText = (cause: number): string => CAUSE_TEXT[cause] ?? 'Unknown';

const pad = (n: number) => String(n).padStart(2, '0');

/** `HH:MM:SS`, as CoreShowChannel `Duration`. */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** `YYYY-MM-DD HH:MM:SS` (UTC, as the recorded PBX ran), as Cdr times. */
export function cdrTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** Caller ID as Originate's `Callerid: Name <num>` gives it. */
export function parseCallerId(text: string): { num: string; name: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(text);
  if (match) return { name: match[1]!.trim(), num: match[2]!.trim() };
  const trimmed = text.trim();
  return /^[+\d*#]+$/.test(trimmed) ? { num: trimmed, name: '' } : { num: '', name: trimmed };
}
