/*
 * The demo Issabel PBX: pbxapi (JWT, extensions with follow-me, ring groups, the manager/* AMI
 * gateway) in its three generations. See server.ts for the options and router.ts for the routing.
 */
export { startIssabelSimulator } from './server.js';
export type { IssabelSimOptions, IssabelSimulator } from './server.js';
export { followMeEnabled } from './state.js';
export type {
  AmiMode,
  ExtensionTech,
  FollowMeRow,
  IssabelGeneration,
  IssabelState,
  OriginateRecord,
  QueueMember,
  SimChannel,
  SimExtension,
  SimQueue,
  SimRecording,
  SimRingGroup,
  SimTrunk,
  UsersRow,
  VoicemailBox,
} from './state.js';
