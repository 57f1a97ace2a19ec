import { CAPABILITY_KEYS, type Capabilities, type Capability, type CapabilityKey } from '../../src-shared/domain/pbx.js';

/*
 * What a site can do, all things considered: its adapter's table, with everything the adapter
 * leaves to AMI available only when the site has AMI configured. A plain Asterisk site has no
 * adapter: AMI is all it has.
 */

/** What AMI alone does (vendors/MATRIX.md, the "Asterisk AMI" rows). */
const AMI_CAN: ReadonlySet<CapabilityKey> = new Set([
  'callForward.read',
  'callForward.write',
  'dnd.read',
  'dnd.write',
  'calls.live',
  'calls.originate',
  'calls.hangup',
  'calls.transfer',
  'presence.read',
  'system.health',
]);

/** Live calls and their control: every adapter leaves these to the site's AMI link, which does them all. */
export const CALLS_OVER_AMI = {
  'calls.live': { via: 'ami', note: null },
  'calls.originate': { via: 'ami', note: null },
  'calls.hangup': { via: 'ami', note: null },
  'calls.transfer': { via: 'ami', note: null },
} as const satisfies Partial<Capabilities>;

const NO_CONFIG_OVER_AMI = 'capability.reason.amiHasNoConfig';
const NEEDS_AMI = 'capability.reason.needsAmi';
const API_NOT_SPOKEN = 'capability.reason.apiNotSpoken';

/**
 * `adapter`: the adapter's table, or null when there is none: either the site has no web API (plain
 * Asterisk) or Switchboard does not speak its vendor's API (`hasApi`).
 */
export function siteCapabilities(adapter: Capabilities | null, hasAmi: boolean, hasApi = false): Capabilities {
  const out = {} as Record<CapabilityKey, Capability>;
  const without = hasApi ? API_NOT_SPOKEN : NO_CONFIG_OVER_AMI;
  for (const key of CAPABILITY_KEYS) {
    const declared: Capability = adapter?.[key] ?? (AMI_CAN.has(key) ? { via: 'ami', note: null } : { via: 'none', reason: without });
    out[key] = declared.via === 'ami' && !hasAmi ? { via: 'none', reason: NEEDS_AMI } : declared;
  }
  return out;
}
