/*
 * The demo Elastix: the `elastix-api` PHP scripts as an HTTP(S) server on 127.0.0.1, quirks and all
 * (vendors/elastix.md). See server.ts for the options and the routing, state.ts for the box's truth.
 */
export { DEMO_KEY, startElastixSimulator } from './server.js';
export type { ElastixSimOptions, ElastixSimulator } from './server.js';
export { API_SIP_KEYWORDS, FOLLOW_ME_COLUMNS, FORM_SIP_KEYWORDS } from './state.js';
export type { ActiveChannel, DeviceRow, ElastixState, FollowMeRow, ParkedCall, SystemState, UserRow } from './state.js';
export { CDR_COLUMNS } from './cdr.js';
export type { ElastixCdr } from './cdr.js';
export { MONITOR_DIR, datedPath, toneWav } from './recordings.js';
export type { PeerPresence, SipRow } from './sip-conf.js';
