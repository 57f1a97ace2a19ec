/**
 * What each PBX brand needs to be reached. Facts from `shared/vendors/` (the vendors' source), not
 * from their docs: e.g. Elastix takes one static key, FusionPBX a key id and secret, SARK 6 (L7) no
 * credentials at all.
 */
export const VENDORS = ['issabel', 'fusionpbx', 'elastix', 'xivo', 'sark', 'asterisk'] as const;
export type Vendor = (typeof VENDORS)[number];

/** Vendors with an embedded demo site (the simulators Switchboard ships). */
export const DEMO_VENDORS = ['asterisk', 'elastix', 'issabel', 'sark'] as const satisfies readonly Vendor[];
export type DemoVendor = (typeof DEMO_VENDORS)[number];

/** How the vendor's HTTP API authenticates. */
export type ApiCredentialKind = 'username-password' | 'key-id-secret' | 'api-key' | 'optional-login' | 'none';

export interface VendorProfile {
  id: Vendor;
  /** Whether the brand has an HTTP API at all (plain Asterisk is AMI only). */
  hasApi: boolean;
  /** Whether a site of this brand is useless without AMI. */
  requiresAmi: boolean;
  credentials: ApiCredentialKind;
  /** A base URL shaped like the vendor's, shown as a placeholder. */
  exampleBaseUrl: string;
}

export const VENDOR_PROFILES: Record<Vendor, VendorProfile> = {
  issabel: {
    id: 'issabel',
    hasApi: true,
    requiresAmi: false,
    credentials: 'username-password',
    exampleBaseUrl: 'https://pbx.example.com/pbxapi/',
  },
  fusionpbx: {
    id: 'fusionpbx',
    hasApi: true,
    requiresAmi: false,
    credentials: 'key-id-secret',
    exampleBaseUrl: 'https://pbx.example.com/app/rest_api/rest.php',
  },
  elastix: {
    id: 'elastix',
    hasApi: true,
    requiresAmi: false,
    credentials: 'api-key',
    exampleBaseUrl: 'https://pbx.example.com/api/api.php',
  },
  xivo: {
    id: 'xivo',
    hasApi: true,
    requiresAmi: false,
    credentials: 'username-password',
    exampleBaseUrl: 'https://pbx.example.com/service/ipbx/json.php/restricted',
  },
  sark: {
    id: 'sark',
    hasApi: true,
    requiresAmi: false,
    credentials: 'optional-login',
    exampleBaseUrl: 'https://pbx.example.com:44300/api',
  },
  asterisk: {
    id: 'asterisk',
    hasApi: false,
    requiresAmi: true,
    credentials: 'none',
    exampleBaseUrl: '',
  },
};

/** Whether the API secret must be present for the vendor (SARK L7 and plain AMI take none). */
export function apiSecretRequired(vendor: Vendor): boolean {
  const kind = VENDOR_PROFILES[vendor].credentials;
  return kind === 'username-password' || kind === 'key-id-secret' || kind === 'api-key';
}

/** Whether the vendor authenticates with a user name (or key id) besides the secret. */
export function apiUsernameUsed(vendor: Vendor): boolean {
  const kind = VENDOR_PROFILES[vendor].credentials;
  return kind === 'username-password' || kind === 'key-id-secret' || kind === 'optional-login';
}
