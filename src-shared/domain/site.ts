import type { AppErrorShape } from '../errors.js';
import type { Vendor } from '../vendors.js';
import type { ApiIdentity } from './pbx.js';

/** A site as the renderer sees it: every secret replaced by whether it is set. */
export interface SiteView {
  id: string;
  name: string;
  vendor: Vendor;
  timeZone: string;
  api: { baseUrl: string; username: string; secretSet: boolean } | null;
  ami: { host: string; port: number; username: string; context: string; secretSet: boolean } | null;
  tls: { pinnedFingerprint256: string | null };
  /** The embedded demo PBX. */
  demo: boolean;
  createdAt: number;
  updatedAt: number;
}

export type LinkTarget = 'api' | 'ami';

/** The certificate a PBX presented when it was not trusted, for a person to compare and pin. */
export interface PresentedCertificate {
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** OpenSSL's reason, e.g. DEPTH_ZERO_SELF_SIGNED_CERT. */
  reason: string;
}

export type TargetTestResult =
  | { ok: true; latencyMs: number; summary: TestSummary }
  | { ok: false; latencyMs: number; error: AppErrorShape };

export type TestSummary =
  | { kind: 'ami'; banner: string }
  | {
      kind: 'http';
      status: number;
      tls: 'verified' | 'pinned' | 'plain';
      /** `ok`: the adapter logged in with these credentials; `unchecked`: no adapter speaks this API. */
      login: 'ok' | 'unchecked';
      identity: ApiIdentity | null;
    };

export interface ConnectionTestReport {
  api: TargetTestResult | null;
  ami: TargetTestResult | null;
  testedAt: number;
}

export type LinkStatus =
  | { state: 'not-configured' }
  | { state: 'untested' }
  | { state: 'ok'; at: number; latencyMs: number }
  | { state: 'failed'; at: number; code: AppErrorShape['code'] };

export interface SiteStatus {
  siteId: string;
  api: LinkStatus;
  ami: LinkStatus;
}
