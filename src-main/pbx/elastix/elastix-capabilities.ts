import type { Capabilities } from '../../../src-shared/domain/pbx.js';
import { CALLS_OVER_AMI } from '../site-capabilities.js';

/** What elastix-api does (vendors/MATRIX.md, vendors/elastix.md §4), and what falls to AMI. */
export const ELASTIX_CAPABILITIES: Capabilities = {
  'extensions.list': { via: 'api', note: 'capability.note.elastixSipOnly' },
  'extensions.get': { via: 'api', note: null },
  'extensions.create': { via: 'api', note: null },
  'extensions.update': { via: 'api', note: null },
  'extensions.delete': { via: 'api', note: null },
  'followMe.read': { via: 'api', note: 'capability.note.elastixFollowMeEnabledUnknown' },
  'followMe.write': { via: 'api', note: null },
  'callForward.read': { via: 'ami', note: null },
  'callForward.write': { via: 'ami', note: null },
  'dnd.read': { via: 'ami', note: null },
  'dnd.write': { via: 'ami', note: null },
  'ringGroups.read': { via: 'none', reason: 'capability.reason.elastixNoRingGroups' },
  'ringGroups.write': { via: 'none', reason: 'capability.reason.elastixNoRingGroups' },
  'cdr.fetch': { via: 'api', note: 'capability.note.elastixCdrNoS' },
  'recordings.download': { via: 'api', note: null },
  ...CALLS_OVER_AMI,
  'presence.read': { via: 'api', note: null },
  'system.health': { via: 'api', note: null },
  'config.apply': { via: 'none', reason: 'capability.reason.appliesOnWrite' },
};
