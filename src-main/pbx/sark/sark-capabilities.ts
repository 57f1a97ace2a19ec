import type { Capabilities } from '../../../src-shared/domain/pbx.js';
import { CALLS_OVER_AMI } from '../site-capabilities.js';

/**
 * What sark6api does (vendors/MATRIX.md, vendors/sark.md), the same for its Laravel 7 and 11
 * generations (the business routes are the same controllers), and what falls to AMI. Live calls,
 * originate and hangup exist under `/astamis`, but the app drives calls over its own AMI link (the
 * adapter contract has no call control), and SARK's originate would block, refuse `*` codes and
 * never say whether the call was placed. DND is not among SARK's runtime settings at all.
 */
export const SARK_CAPABILITIES: Capabilities = {
  'extensions.list': { via: 'api', note: null },
  'extensions.get': { via: 'api', note: null },
  'extensions.create': { via: 'api', note: 'capability.note.sarkCreateDefaults' },
  'extensions.update': { via: 'api', note: 'capability.note.sarkUpdateLimits' },
  'extensions.delete': { via: 'api', note: null },
  'followMe.read': { via: 'none', reason: 'capability.reason.sarkNoFollowMe' },
  'followMe.write': { via: 'none', reason: 'capability.reason.sarkNoFollowMe' },
  'callForward.read': { via: 'api', note: 'capability.note.sarkForwardKinds' },
  'callForward.write': { via: 'api', note: 'capability.note.sarkForwardKinds' },
  'dnd.read': { via: 'none', reason: 'capability.reason.sarkNoDnd' },
  'dnd.write': { via: 'none', reason: 'capability.reason.sarkNoDnd' },
  'ringGroups.read': { via: 'api', note: null },
  'ringGroups.write': { via: 'api', note: 'capability.note.sarkRingStrategies' },
  'cdr.fetch': { via: 'api', note: 'capability.note.sarkCdrWholeFile' },
  'recordings.download': { via: 'none', reason: 'capability.reason.sarkNoRecordings' },
  ...CALLS_OVER_AMI,
  'presence.read': { via: 'api', note: null },
  'system.health': { via: 'api', note: null },
  'config.apply': { via: 'api', note: null },
};
