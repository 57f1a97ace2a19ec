export type RunMode = 'desktop' | 'host';

/** How secrets are protected on this machine; host mode's file key is weaker than the OS keychain. */
export type SecretProtection = 'os-keychain' | 'key-file';

/** Something that went wrong at start-up that a person must know about; the app still runs. */
export interface StartupProblem {
  kind: 'cache-unavailable' | 'settings-recovered';
  /** Catalogue key of the explanation. */
  messageKey: string;
  path: string;
  detail: string;
}

export interface AppInfo {
  version: string;
  mode: RunMode;
  secretProtection: SecretProtection;
  dataDir: string;
  problems: StartupProblem[];
}
