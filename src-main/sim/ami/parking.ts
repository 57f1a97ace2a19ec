/*
 * Parking lot `default`, spaces 701–720 (res_parking.conf of the recorded peer): ParkedCall into a
 * holding bridge with music on hold, UnParkedCall when a channel dials the space, ParkedCallTimeOut
 * and a call back to the parker (comebacktoorigin=yes), ParkedCallGiveUp when the parkee goes away.
 * *(Event layout from res_parking's source, not captured.)*
 */

import type { CallEngine } from './calls.js';
import { APP_HANGUP } from './hangups.js';
import { channelBlock, type Headers, UP } from './headers.js';
import type { SimChannel } from './model.js';
import * as queueFlow from './queue.js';

/** Parks `parkee`; its bridge partner (if any) hangs up. Returns the space, or null if the lot is full. */
export function park(engine: CallEngine, parkee: SimChannel, parker: SimChannel | null, timeoutMs?: number): number | null {
  const m = engine.m;
  const cfg = m.config.parking;
  let space: number | null = null;
  for (let s = cfg.first; s <= cfg.last; s++) {
    if (!m.parked.has(s)) {
      space = s;
      break;
    }
  }
  if (space === null) return null;
  parkee.epoch++;
  engine.closeCdrs(parkee);
  for (const t of [...parkee.dialing]) {
    engine.legs.delete(t);
    m.dialEnd(parkee, t, 'CANCEL');
    engine.hangupChannel(t, { request: 'none', cause: 16 });
  }
  const peers = m.peers(parkee);
  const parkerChannel = parker ?? peers[0] ?? null;
  if (parkee.bridge) {
    const bridge = parkee.bridge;
    for (const c of [parkee, ...peers]) queueFlow.agentComplete(engine, c, 'agent');
    m.bridgeLeave(bridge, parkee);
    for (const p of peers) m.bridgeLeave(bridge, p);
    m.bridgeDestroy(bridge);
    for (const p of peers) {
      p.epoch++;
      engine.closeCdrs(p);
      engine.finish(p, 16);
    }
  }
  if (!m.parkingBridge) m.parkingBridge = m.bridgeCreate({ type: 'parking', technology: 'holding_bridge', creator: 'Parking', name: cfg.lot });
  m.dialplan(parkee, 'Park', '', {});
  parkee.parkedSpace = space;
  parkee.dialedBy = null;
  m.bridgeEnter(m.parkingBridge, parkee);
  const timeout = timeoutMs ?? cfg.timeoutMs;
  const parked = {
    space,
    parkee,
    parkerDial: parkerChannel?.endpoint ? `PJSIP/${parkerChannel.endpoint}` : '',
    parkedAt: m.now(),
    timeoutAt: m.now() + timeout,
  };
  m.parked.set(space, parked);
  m.event('call', 'ParkedCall', parkedFields(engine, parked, null));
  m.mohStart(parkee);
  engine.later(timeout, [parkee], () => parkTimeout(engine, parkee));
  return space;
}

export function parkedFields(engine: CallEngine, p: { space: number; parkee: SimChannel; parkerDial: string; parkedAt: number; timeoutAt: number }, retriever: SimChannel | null): Headers {
  const now = engine.m.now();
  return [
    ...channelBlock(p.parkee, 'Parkee'),
    ...(retriever ? channelBlock(retriever, 'Retriever') : []),
    ['ParkerDialString', p.parkerDial],
    ['Parkinglot', engine.m.config.parking.lot],
    ['ParkingSpace', String(p.space)],
    ['ParkingTimeout', String(Math.max(0, Math.round((p.timeoutAt - now) / 1000)))],
    ['ParkingDuration', String(Math.floor((now - p.parkedAt) / 1000))],
  ];
}

/** The parkee leaves the lot (retrieved, timed out, gave up, redirected). */
export function unpark(engine: CallEngine, parkee: SimChannel, event: 'UnParkedCall' | 'ParkedCallTimeOut' | 'ParkedCallGiveUp', retriever: SimChannel | null): void {
  const m = engine.m;
  const space = parkee.parkedSpace;
  if (space === null) return;
  const parked = m.parked.get(space);
  m.parked.delete(space);
  parkee.parkedSpace = null;
  if (parked) m.event('call', event, parkedFields(engine, parked, retriever));
  m.mohStop(parkee);
  const lot = m.parkingBridge;
  if (lot && parkee.bridge === lot) {
    m.bridgeLeave(lot, parkee);
    if (lot.size === 0) m.bridgeDestroy(lot);
  }
}

export function parkTimeout(engine: CallEngine, parkee: SimChannel): void {
  const m = engine.m;
  const space = parkee.parkedSpace;
  if (space === null) return;
  const parkerDial = m.parked.get(space)?.parkerDial ?? '';
  unpark(engine, parkee, 'ParkedCallTimeOut', null);
  // comebacktoorigin=yes: the call rings the phone that parked it.
  const ext = parkerDial.startsWith('PJSIP/') ? parkerDial.slice(6) : '';
  if (!m.isExtension(ext)) {
    engine.hangupChannel(parkee, APP_HANGUP);
    return;
  }
  const flat = parkerDial.replace('/', '_');
  m.dialplan(parkee, 'Dial', `${parkerDial},30`, { context: 'park-dial', exten: flat, priority: 1 });
  engine.dialPhone(parkee, ext, 30000, `${parkerDial},30`);
}

/** `ch` dials a parking space: it picks the parked call up (UnParkedCall) or hears invalid-park. */
export function retrieveParked(engine: CallEngine, ch: SimChannel, space: number): void {
  const m = engine.m;
  m.dialplan(ch, 'ParkedCall', `${m.config.parking.lot},${space}`, { exten: String(space), priority: 1, context: m.config.parking.context });
  if (ch.state !== UP) engine.answered(ch);
  const parked = m.parked.get(space);
  if (!parked) {
    m.dialplan(ch, 'Playback', 'pbx-invalidpark', { priority: 1 });
    engine.later(1500, [ch], () => engine.hangupChannel(ch, APP_HANGUP));
    return;
  }
  const parkee = parked.parkee;
  parkee.epoch++;
  unpark(engine, parkee, 'UnParkedCall', ch);
  const bridge = m.bridgeCreate();
  m.bridgeEnter(bridge, parkee);
  m.bridgeEnter(bridge, ch);
  m.connectedLine(ch, parkee.callerNum, parkee.callerName);
  parkee.dialedBy = ch;
  engine.bridged(ch, parkee);
}
