/*
 * Transfers: Redirect (capture 10: the peer leaves and hangs up, the redirected channel runs the new
 * extension on the same Linkedid), BlindTransfer (capture 10b: Unhold, BlindTransfer event, then as
 * Redirect) and attended transfer (Hold, consultation, AttendedTransfer when the transferer hangs up).
 */

import type { CallEngine } from './calls.js';
import { APP_HANGUP } from './hangups.js';
import { bridgeBlock, channelBlock, RINGING } from './headers.js';
import type { SimBridge, SimChannel } from './model.js';
import * as originateFlow from './originate.js';
import * as parkingFlow from './parking.js';
import * as queueFlow from './queue.js';

/** The other party `x` leaves; `x` then runs `exten@context` (capture 10's order). */
export function redirect(engine: CallEngine, x: SimChannel, exten: string, context: string): void {
  const m = engine.m;
  x.epoch++;
  // The channel is already at its new place when it leaves the bridge (capture 10), and its CDR
  // shows the new destination.
  for (const cdr of x.cdrs) cdr.destination = exten;
  engine.closeCdrs(x);
  x.context = context;
  x.exten = exten;
  x.priority = 1;
  originateFlow.stopSpying(engine, x);
  if (x.parkedSpace !== null) {
    parkingFlow.unpark(engine, x, 'ParkedCallGiveUp', null);
  } else {
    m.mohStop(x);
  }
  for (const t of [...x.dialing]) {
    engine.legs.delete(t);
    m.dialEnd(x, t, 'CANCEL');
    engine.hangupChannel(t, { request: 'none', cause: 16 });
  }
  if (x.inQueue) queueFlow.leaveQueue(engine, x, false);
  const leg = engine.legs.get(x);
  if (leg && x.state === RINGING) {
    // A ringing outgoing leg that is redirected is answered elsewhere.
    engine.legs.delete(x);
    if (leg.caller) m.dialEnd(leg.caller, x, 'CANCEL');
    engine.answered(x);
    if (leg.caller && leg.caller.dialing.size === 0) {
      const caller = leg.caller;
      engine.later(0, [caller], () => engine.dialFailed(caller, 'CANCEL'));
    }
  }
  let hangPeers: (() => void) | undefined;
  if (x.bridge) {
    const bridge = x.bridge;
    const peers = m.peers(x);
    for (const c of [x, ...peers]) queueFlow.agentComplete(engine, c, 'caller');
    m.bridgeLeave(bridge, x);
    for (const p of peers) m.bridgeLeave(bridge, p);
    for (const p of peers) if (p.endpoint) m.es(p.endpoint);
    m.bridgeDestroy(bridge);
    hangPeers = () => {
      for (const p of peers) {
        if (!p.alive) continue;
        p.epoch++;
        if (x.dialedBy === p) m.softHangupRequest(p, 16);
        engine.closeCdrs(p);
        engine.finish(p, 16);
        if (p.endpoint) {
          m.qms(p.endpoint);
          m.dsc(p.device);
        }
      }
    };
  }
  x.dialedBy = null;
  engine.runExten(x, exten, context, hangPeers);
}

/**
 * The bridge `transferer` is in and the party it talks to, both legs' pending steps cancelled
 * (epoch): the transfer now decides what happens to them. Null when there is no one to transfer.
 */
function takeTransferee(engine: CallEngine, transferer: SimChannel): { bridge: SimBridge; transferee: SimChannel } | null {
  const bridge = transferer.bridge;
  const transferee = bridge ? engine.m.peers(transferer)[0] : undefined;
  if (!bridge || !transferee) return null;
  transferer.epoch++;
  transferee.epoch++;
  return { bridge, transferee };
}

/** BlindTransfer by `transferer` (capture 10b): the party it talks to goes to `exten@context`. */
export function blindTransfer(engine: CallEngine, transferer: SimChannel, exten: string, context: string, external: boolean): boolean {
  const m = engine.m;
  const taken = takeTransferee(engine, transferer);
  if (!taken) return false;
  const { bridge, transferee } = taken;
  for (const c of [transferer, transferee]) queueFlow.agentComplete(engine, c, 'agent');
  m.unhold(transferer);
  m.event('call', 'BlindTransfer', [
    ['Result', 'Success'],
    ...channelBlock(transferer, 'Transferer'),
    ...channelBlock(transferee, 'Transferee'),
    ...bridgeBlock(bridge),
    ['IsExternal', external ? 'Yes' : 'No'],
    ['Context', context],
    ['Extension', exten],
  ]);
  m.bridgeLeave(bridge, transferee);
  m.bridgeLeave(bridge, transferer);
  m.bridgeDestroy(bridge);
  engine.closeCdrs(transferee);
  engine.closeCdrs(transferer);
  transferee.dialedBy = null;
  engine.runExten(transferee, exten, context, () => {
    if (!transferer.alive) return;
    engine.finish(transferer, 16);
    if (transferer.endpoint) {
      m.es(transferer.endpoint);
      m.dsc(transferer.device);
      m.qms(transferer.endpoint);
    }
  });
  return true;
}

/**
 * Attended transfer by `transferer`: the party it talks to waits on hold in the original bridge while
 * the transferer calls the target; hanging up the transferer joins target and transferee. Asterisk
 * places the consultation through a Local channel pair; the simulator dials the target directly.
 */
export function atxfer(engine: CallEngine, transferer: SimChannel, exten: string, context: string, consultMs: number | null): boolean {
  const m = engine.m;
  const taken = takeTransferee(engine, transferer);
  if (!taken) return false;
  const { bridge, transferee } = taken;
  m.bridgeLeave(bridge, transferer);
  m.hold(transferee);
  m.mohStart(transferee);
  transferer.atxfer = { transferee, origBridge: bridge, target: null, consultMs };
  if (!m.isExtension(exten)) {
    returnFromConsult(engine, transferer);
    return true;
  }
  m.dialplan(transferer, 'Dial', `PJSIP/${exten},15`, { exten, context, priority: 1 });
  engine.dialPhone(transferer, exten, 15000, `PJSIP/${exten},15`);
  const target = [...transferer.dialing][0];
  if (target) transferer.atxfer.target = target;
  return true;
}

export function completeAtxfer(engine: CallEngine, transferer: SimChannel): void {
  const m = engine.m;
  const state = transferer.atxfer!;
  const target = state.target!;
  const consult = transferer.bridge!;
  const orig = state.origBridge;
  const transferee = state.transferee;
  transferer.atxfer = null;
  transferer.epoch++;
  target.epoch++;
  transferee.epoch++;
  m.event('call', 'AttendedTransfer', [
    ['Result', 'Success'],
    ...channelBlock(transferer, 'OrigTransferer'),
    ...bridgeBlock(orig, 'Orig'),
    ...channelBlock(transferer, 'SecondTransferer'),
    ...bridgeBlock(consult, 'Second'),
    ['DestType', 'Bridge'],
    ['DestBridgeUniqueid', orig.id],
    ...channelBlock(transferee, 'Transferee'),
    ...channelBlock(target, 'TransferTarget'),
    ['IsExternal', 'No'],
  ]);
  m.bridgeLeave(consult, transferer);
  m.bridgeLeave(consult, target);
  m.bridgeDestroy(consult);
  m.bridgeEnter(orig, target);
  m.unhold(transferee);
  m.mohStop(transferee);
  m.connectedLine(transferee, target.callerNum, target.callerName);
  m.connectedLine(target, transferee.callerNum, transferee.callerName);
  engine.closeCdrs(transferer);
  engine.finish(transferer, 16);
  target.dialedBy = transferee;
  engine.bridged(transferee, target);
}

/** The consultation failed: the transferer goes back to the transferee. */
export function returnFromConsult(engine: CallEngine, transferer: SimChannel): void {
  const m = engine.m;
  const state = transferer.atxfer;
  transferer.atxfer = null;
  if (!state || !transferer.alive) return;
  const { transferee, origBridge } = state;
  if (!transferee.alive || !m.bridges.has(origBridge.id)) {
    engine.hangupChannel(transferer, APP_HANGUP);
    return;
  }
  m.bridgeEnter(origBridge, transferer);
  m.unhold(transferee);
  m.mohStop(transferee);
  engine.bridged(transferee.dialedBy === transferer ? transferer : transferee, transferee.dialedBy === transferer ? transferee : transferer);
}

/** `x` is gone: an attended transfer that waited on it is over. */
export function forgetAtxfer(engine: CallEngine, x: SimChannel): void {
  for (const ch of engine.m.channels.values()) {
    if (ch.atxfer?.transferee === x) ch.atxfer = null;
  }
}
