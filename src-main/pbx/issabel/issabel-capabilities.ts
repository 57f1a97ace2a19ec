import type { Capabilities } from '../../../src-shared/domain/pbx.js';
import { CALLS_OVER_AMI } from '../site-capabilities.js';

/*
 * What Issabel's pbxapi does (vendors/MATRIX.md, vendors/issabel.md), and what falls to AMI. Two
 * tables, because the 2018–19 API (generation A) shows so little of an extension that an update
 * through it cannot keep what it does not show.
 */

/** Generations B and C (2019 on), and what is assumed until `connect` has seen the API. */
export const ISSABEL_CAPABILITIES: Capabilities = {
  'extensions.list': { via: 'api', note: null },
  'extensions.get': { via: 'api', note: null },
  'extensions.create': { via: 'api', note: null },
  'extensions.update': { via: 'api', note: 'capability.note.issabelTechnologyFixed' },
  'extensions.delete': { via: 'api', note: 'capability.note.issabelDeleteAppliesAtOnce' },
  'followMe.read': { via: 'api', note: null },
  'followMe.write': { via: 'api', note: null },
  'callForward.read': { via: 'api', note: 'capability.note.issabelAstDbFamilies' },
  'callForward.write': { via: 'api', note: 'capability.note.issabelAstDbFamilies' },
  'dnd.read': { via: 'api', note: 'capability.note.issabelAstDbFamilies' },
  'dnd.write': { via: 'api', note: 'capability.note.issabelAstDbFamilies' },
  'ringGroups.read': { via: 'api', note: null },
  'ringGroups.write': { via: 'api', note: null },
  'cdr.fetch': { via: 'none', reason: 'capability.reason.issabelNoCdrApi' },
  'recordings.download': { via: 'none', reason: 'capability.reason.issabelNoRecordingsApi' },
  ...CALLS_OVER_AMI,
  // manager/extensionstate answers one extension per request, each opening an AMI session on the PBX.
  'presence.read': { via: 'ami', note: null },
  'system.health': { via: 'api', note: 'capability.note.issabelHealthLivenessOnly' },
  'config.apply': { via: 'api', note: 'capability.note.issabelApplyByResave' },
};

/** Generation A: GET shows five flat fields, so follow-me is invisible and every PUT would lose it. */
export const ISSABEL_GEN_A_CAPABILITIES: Capabilities = {
  ...ISSABEL_CAPABILITIES,
  'extensions.list': { via: 'api', note: 'capability.note.issabelGenASipOnly' },
  'extensions.update': { via: 'none', reason: 'capability.reason.issabelGenAUpdateUnsafe' },
  'followMe.read': { via: 'none', reason: 'capability.reason.issabelGenANoFollowMe' },
  'followMe.write': { via: 'none', reason: 'capability.reason.issabelGenANoFollowMe' },
};
