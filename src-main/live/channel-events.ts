import type { AmiEvent } from './ami-event.js';
import {
  createChannel,
  learnName,
  onChannel,
  onOwnChannel,
  putChannel,
  refresh,
  removeChannel,
  joinBridge,
  leaveBridge,
} from './channel-ops.js';
import {
  DEST,
  ORIG_TRANSFERER,
  OWN,
  PARKEE,
  SECOND_TRANSFERER,
  TRANSFEREE,
  TRANSFERER,
  TRANSFER_TARGET,
  read,
  readDuration,
  type SnapshotKeys,
} from './fields.js';
import { type LiveChannel, type LiveState, patch } from './live-state.js';

/*
 * Handlers for the events that create, change and end channels (legs). Order per channel is causal
 * in AMI (NOTES §5), order across channels is not: each handler looks only at the legs its event
 * names.
 */

export type Handler = (s: LiveState, e: AmiEvent, now: number) => LiveState;

/** Newchannel: a leg is born. Seen again (a resync replay), it is refreshed, not reset. */
const newchannel: Handler = (s, e, now) => {
  const uniqueid = read(e, OWN.uniqueid);
  const name = read(e, OWN.channel);
  if (!uniqueid || !name) return s;
  const before = s.channels.get(uniqueid);
  const after = before ? refresh(before, e, OWN, now) : createChannel(uniqueid, name, e, OWN, now);
  return learnName(putChannel(s, before, after), after);
};

/** Events that only update the channel snapshot: Newstate, NewCallerid, NewConnectedLine… */
const snapshotOnly: Handler = (s, e, now) => {
  const next = onOwnChannel(s, e, now);
  return next === s ? s : learnName(next, next.channels.get(read(e, OWN.uniqueid) ?? ''));
};

const newexten: Handler = (s, e, now) => onOwnChannel(s, e, now, { application: read(e, 'application'), appData: read(e, 'appdata') });

const rename: Handler = (s, e, now) => {
  const newname = read(e, 'newname');
  if (!newname) return s;
  // Apply the new name as the channel header: refresh re-parses tech, extension and Local pair.
  return onChannel(s, read(e, OWN.uniqueid), { ...e, channel: newname }, OWN, now);
};

/** Hangup is the last event of a leg (NOTES §6): the leg goes, and with it its bridge membership. */
const hangup: Handler = (s, e) => {
  const uniqueid = read(e, OWN.uniqueid);
  return uniqueid ? removeChannel(s, uniqueid) : s;
};

const hangupRequest: Handler = (s, e, now) => onOwnChannel(s, e, now, { hangupRequested: true });

/**
 * DialBegin: `Channel` dials `DestChannel`. An Originate dials with no calling channel at all
 * (NOTES §5, 06/08): the leg it rings is the one that will place the call.
 */
const dialBegin: Handler = (s, e, now) => {
  const caller = read(e, OWN.uniqueid);
  const withCaller = caller ? onChannel(s, caller, e, OWN, now) : s;
  return onChannel(withCaller, read(e, DEST.uniqueid), e, DEST, now, { dialedBy: caller || null, originated: !caller, dialStatus: '' });
};

/**
 * DialState / DialEnd: the dialled leg's progress (RINGING, ANSWER, BUSY, NOANSWER, CANCEL…). A
 * DialEnd ANSWER is the moment the call was answered; it is kept on the calling leg, which
 * outlives the answering one through transfers (NOTES §5 10).
 */
const dialProgress: Handler = (s, e, now) => {
  const caller = read(e, OWN.uniqueid);
  const status = read(e, 'dialstatus');
  const answered = status === 'ANSWER' && e.event === 'DialEnd';
  const withCaller = caller
    ? onChannel(s, caller, e, OWN, now, (ch) => (answered && ch.dialAnsweredAt === null ? patch(ch, { dialAnsweredAt: now }) : ch))
    : s;
  return onChannel(withCaller, read(e, DEST.uniqueid), e, DEST, now, { dialStatus: status });
};

const flag =
  (changes: Partial<LiveChannel>): Handler =>
  (s, e, now) =>
    onOwnChannel(s, e, now, changes);

/** LocalBridge names both halves of a Local pair. */
const localBridge: Handler = (s, e) => {
  const one = read(e, 'localoneuniqueid');
  const two = read(e, 'localtwouniqueid');
  if (!one || !two) return s;
  let next = s;
  const a = next.channels.get(one);
  if (a) next = putChannel(next, a, patch(a, { localPartner: two }));
  const b = next.channels.get(two);
  if (b) next = putChannel(next, b, patch(b, { localPartner: one }));
  return next;
};

/**
 * LocalOptimizationBegin/End bracket Asterisk swapping a Local pair out of the path (ring group
 * answered, NOTES §5 12). The bridge moves arrive as ordinary BridgeLeave/BridgeEnter; the flag
 * only tells selectors the pair is on its way out.
 */
const localOptimization =
  (optimizing: boolean): Handler =>
  (s, e) => {
    let next = s;
    for (const key of ['localoneuniqueid', 'localtwouniqueid']) {
      const id = read(e, key);
      const ch = id ? next.channels.get(id) : undefined;
      if (ch) next = putChannel(next, ch, patch(ch, { optimizing }));
    }
    return next;
  };

/** ParkedCall (and ParkedCallSwap: another leg takes the same space): the parkee waits in `ParkingSpace`. */
const parked: Handler = (s, e, now) =>
  onChannel(s, read(e, PARKEE.uniqueid), e, PARKEE, now, { parkingSpace: read(e, 'parkingspace') ?? '', parkingLot: read(e, 'parkinglot') ?? null });

/** UnParkedCall, ParkedCallGiveUp, ParkedCallTimeOut: the parkee leaves the lot (or hangs up next). */
const unparked: Handler = (s, e, now) =>
  onChannel(s, read(e, PARKEE.uniqueid), e, PARKEE, now, { parkingSpace: null, parkingLot: null });

const queueJoin: Handler = (s, e, now) => onOwnChannel(s, e, now, { queue: read(e, 'queue') ?? '', queueWaiting: true });

/** QueueCallerLeave/Abandon: no longer waiting; the queue name stays to show where the call came from. */
const queueLeave: Handler = (s, e, now) => onOwnChannel(s, e, now, { queueWaiting: false });

/** AgentConnect: Channel is the caller, DestChannel the member who answered (NOTES §5 13). */
const agentConnect: Handler = (s, e, now) => {
  const next = onOwnChannel(s, e, now, { queue: read(e, 'queue'), queueWaiting: false });
  return onChannel(next, read(e, DEST.uniqueid), e, DEST, now);
};

/**
 * Transfers change nothing by themselves: the BridgeLeave/Dial/BridgeEnter events around them do
 * the moving, and a Redirect transfers with no transfer event at all (NOTES §5 10). The snapshots
 * they carry still refresh the legs they name (Linkedid, state, connected line).
 */
const snapshots =
  (...prefixes: SnapshotKeys[]): Handler =>
  (s, e, now) => {
    let next = s;
    for (const keys of prefixes) next = onChannel(next, read(e, keys.uniqueid), e, keys, now);
    return next;
  };

/**
 * CoreShowChannel and Status list items: a full picture of one leg at resync time. Unlike other
 * events they may add a leg we have not seen (that is their purpose); the start time is the
 * reported duration back from now, and a leg found already Up is taken as answered at its start,
 * the only lower bound the list gives.
 */
const channelListItem: Handler = (s, e, now) => {
  const uniqueid = read(e, OWN.uniqueid);
  const name = read(e, OWN.channel);
  if (!uniqueid || !name) return s;
  const before = s.channels.get(uniqueid);
  let after: LiveChannel;
  if (before) {
    after = refresh(before, e, OWN, now);
  } else {
    const seconds = readDuration(e);
    const startedAt = seconds === null ? now : now - seconds * 1000;
    after = createChannel(uniqueid, name, e, OWN, startedAt, startedAt);
  }
  after = patch(after, { application: read(e, 'application'), appData: read(e, 'applicationdata') ?? read(e, 'data') });
  let next = learnName(putChannel(s, before, after), after);
  const bridgeId = read(e, 'bridgeid');
  if (bridgeId === undefined) return next;
  if (bridgeId === '') return after.bridgeId === null ? next : leaveBridge(next, uniqueid, after.bridgeId);
  const members = next.bridges.get(bridgeId)?.members ?? [];
  // Connected no later than the youngest leg in the bridge started: the best bound a list gives.
  let connectedAt = after.startedAt;
  for (const m of members) connectedAt = Math.max(connectedAt, next.channels.get(m)?.startedAt ?? connectedAt);
  next = joinBridge(next, uniqueid, bridgeId, connectedAt, false);
  return next;
};

/** QueueStatus list item: a caller waiting in a queue. */
const queueEntry: Handler = (s, e, now) => onOwnChannel(s, e, now, { queue: read(e, 'queue') ?? '', queueWaiting: true });

export const CHANNEL_HANDLERS: ReadonlyArray<readonly [string, Handler]> = [
  ['Newchannel', newchannel],
  ['Newstate', snapshotOnly],
  ['NewCallerid', snapshotOnly],
  ['NewConnectedLine', snapshotOnly],
  ['Newexten', newexten],
  ['Rename', rename],
  ['Hangup', hangup],
  ['HangupRequest', hangupRequest],
  ['SoftHangupRequest', hangupRequest],
  ['DialBegin', dialBegin],
  ['DialState', dialProgress],
  ['DialEnd', dialProgress],
  ['LocalBridge', localBridge],
  ['LocalOptimizationBegin', localOptimization(true)],
  ['LocalOptimizationEnd', localOptimization(false)],
  ['Hold', flag({ onHold: true })],
  ['Unhold', flag({ onHold: false })],
  ['MusicOnHoldStart', flag({ moh: true })],
  ['MusicOnHoldStop', flag({ moh: false })],
  ['ParkedCall', parked],
  ['ParkedCallSwap', parked],
  ['UnParkedCall', unparked],
  ['ParkedCallGiveUp', unparked],
  ['ParkedCallTimeOut', unparked],
  ['QueueCallerJoin', queueJoin],
  ['QueueCallerLeave', queueLeave],
  ['QueueCallerAbandon', queueLeave],
  ['AgentConnect', agentConnect],
  ['BlindTransfer', snapshots(TRANSFERER, TRANSFEREE)],
  ['AttendedTransfer', snapshots(ORIG_TRANSFERER, SECOND_TRANSFERER, TRANSFEREE, TRANSFER_TARGET)],
  ['CoreShowChannel', channelListItem],
  ['Status', channelListItem],
  ['QueueEntry', queueEntry],
];
