import type { AppErrorShape } from '../errors.js';
import type { ApiIdentity, Capabilities, PbxExtension } from './pbx.js';

/** What the Sites page shows about what a site can do. */
export interface SiteCapabilities {
  siteId: string;
  /** False when the site has an API configured that Switchboard does not speak yet. */
  apiSupported: boolean;
  capabilities: Capabilities;
  /** Learnt by logging in; null until that worked. */
  identity: ApiIdentity | null;
  /** Why logging in to learn it failed, if it did. */
  identityError: AppErrorShape | null;
}

/** An extension as the renderer sees it: never its secret, only whether it has one. */
export type ExtensionView = Omit<PbxExtension, 'secret'> & { siteId: string; secretSet: boolean };

/** How far a site's call history sync has come. */
export interface HistorySyncProgress {
  siteId: string;
  /** Legs stored so far in this run. */
  stored: number;
  /** Everything up to here (UTC epoch ms) is in the cache. */
  syncedTo: number;
  /** The window this run covers (UTC epoch ms). */
  from: number;
  to: number;
}
