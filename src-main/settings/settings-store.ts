import type { Preferences } from '../../src-shared/schemas/live.js';
import type { StoredSite } from './stored-site.js';

/** Everything Switchboard keeps as settings. Secrets are not here: they live in the SecretStore. */
export interface Settings {
  sites: StoredSite[];
  preferences: Preferences;
}

/** One interface over electron-store (desktop) and conf (host mode, tests). */
export interface SettingsStore {
  readonly path: string;
  get<K extends keyof Settings>(key: K): Settings[K];
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

export const DEFAULT_PREFERENCES: Preferences = { role: 'receptionist', desktopNotifications: true, operatorExtensions: {} };

export const DEFAULT_SETTINGS: Settings = { sites: [], preferences: DEFAULT_PREFERENCES };
