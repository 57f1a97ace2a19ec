import type { Handler } from './channel-events.js';
import { destroyBridge, ensureBridge, joinBridge, leaveBridge, onOwnChannel } from './channel-ops.js';
import { OWN, read } from './fields.js';

/*
 * Bridges: who talks to whom is who shares a bridge (NOTES §6). A leg can leave one bridge and
 * enter another (transfers, Local optimisation), so membership is tracked from both sides: the
 * bridge lists its legs, each leg names its bridge.
 */

const bridgeCreate: Handler = (s, e) => {
  const id = read(e, 'bridgeuniqueid');
  return id ? ensureBridge(s, id, read(e, 'bridgetype'), read(e, 'bridgetechnology')) : s;
};

const bridgeEnter: Handler = (s, e, now) => {
  const id = read(e, 'bridgeuniqueid');
  const uniqueid = read(e, OWN.uniqueid);
  if (!id || !uniqueid) return s;
  let next = ensureBridge(s, id, read(e, 'bridgetype'), read(e, 'bridgetechnology'));
  next = onOwnChannel(next, e, now);
  // Only a basic bridge connects people; sharing a parking lot or a conference is not an answer.
  const basic = next.bridges.get(id)?.type === 'basic';
  return joinBridge(next, uniqueid, id, basic ? now : null, basic);
};

const bridgeLeave: Handler = (s, e, now) => {
  const id = read(e, 'bridgeuniqueid');
  const uniqueid = read(e, OWN.uniqueid);
  if (!id || !uniqueid) return s;
  // The technology can change while legs are in (simple_bridge → native_rtp, NOTES §5 12).
  const next = onOwnChannel(ensureBridge(s, id, read(e, 'bridgetype'), read(e, 'bridgetechnology')), e, now);
  return leaveBridge(next, uniqueid, id);
};

const bridgeDestroy: Handler = (s, e) => {
  const id = read(e, 'bridgeuniqueid');
  return id ? destroyBridge(s, id) : s;
};

/** BridgeMerge: every leg of the `From` bridge now sits in the `To` bridge, which survives. */
const bridgeMerge: Handler = (s, e, now) => {
  const to = read(e, 'tobridgeuniqueid');
  const from = read(e, 'frombridgeuniqueid');
  if (!to || !from || to === from) return s;
  const members = s.bridges.get(from)?.members ?? [];
  let next = ensureBridge(s, to, read(e, 'tobridgetype'), read(e, 'tobridgetechnology'));
  const basic = next.bridges.get(to)?.type === 'basic';
  for (const m of members) next = joinBridge(next, m, to, basic ? now : null, basic);
  return destroyBridge(next, from);
};

/** BridgeListItem (BridgeList at resync): the bridge's type and technology; members come from the channels. */
const bridgeListItem: Handler = bridgeCreate;

export const BRIDGE_HANDLERS: ReadonlyArray<readonly [string, Handler]> = [
  ['BridgeCreate', bridgeCreate],
  ['BridgeEnter', bridgeEnter],
  ['BridgeLeave', bridgeLeave],
  ['BridgeDestroy', bridgeDestroy],
  ['BridgeMerge', bridgeMerge],
  ['BridgeListItem', bridgeListItem],
];
