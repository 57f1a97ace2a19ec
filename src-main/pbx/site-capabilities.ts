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

const NO_CONFIG_OVER_AMI = 'capability.reason.amiHasNoConfig';
const NEEDS_AMI = 'capability.reason.needsAmi';

export function siteCapabilities(adapter: Capabilities | null, hasAmi: boolean): Capabilities {
  const out = {} as Record<CapabilityKey, Capability>;
  for (const key of CAPABILITY_KEYS) {
    const declared: Capability = adapter?.[key] ?? (AMI_CAN.has(key) ? { via: 'ami', note: null } : { via: 'none', reason: NO_CONFIG_OVER_AMI });
    out[key] = declared.via === 'ami' && !hasAmi ? { via: 'none', reason: NEEDS_AMI } : declared;
  }
  return out;
}
