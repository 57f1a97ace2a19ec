import type Conf from 'conf';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartupProblem } from '../../src-shared/domain/app.js';
import { AppError } from '../../src-shared/errors.js';
import { preferencesSchema } from '../../src-shared/schemas/live.js';
import type { Logger } from '../logging/logger.js';
import { DEFAULT_PREFERENCES, DEFAULT_SETTINGS, type Settings, type SettingsStore } from './settings-store.js';
import { storedSiteSchema, type StoredSite } from './stored-site.js';

export const SETTINGS_NAME = 'settings';

export interface ConfOptions {
  cwd: string;
  configName: string;
  defaults: Settings;
  clearInvalidConfig: false;
}

/** Builds the conf-compatible store: `conf` in plain Node, electron-store in the app. */
export type ConfFactory = (options: ConfOptions) => Conf<Settings>;

/**
 * Settings behind a conf-compatible store. A file that is not JSON, or whose sites do not match the
 * schema, is copied aside as `settings.json.invalid-<time>` and reported: nothing a person typed
 * by hand is overwritten silently.
 */
export class ConfSettingsStore implements SettingsStore {
  readonly path: string;
  readonly problems: StartupProblem[] = [];
  private readonly conf: Conf<Settings>;
  /**
   * The validated settings. conf re-reads the file on every access; answering from memory keeps a
   * file edited by hand mid-run from feeding unvalidated sites to the app.
   */
  private values: Settings;

  constructor(dir: string, factory: ConfFactory, log: Logger, now: () => Date = () => new Date()) {
    const options: ConfOptions = { cwd: dir, configName: SETTINGS_NAME, defaults: DEFAULT_SETTINGS, clearInvalidConfig: false };
    const file = join(dir, `${SETTINGS_NAME}.json`);
    const backupName = () => `${file}.invalid-${now().toISOString().replace(/[:.]/g, '-')}`;
    // conf writes missing defaults into the file as it opens it: keep the bytes as the person left them.
    const original = existsSync(file) ? readFileSync(file) : null;
    let conf: Conf<Settings>;
    try {
      conf = factory(options);
    } catch (err) {
      // Only a parse failure is recovered; an unreadable file (permissions, disk) stops the start.
      if (!(err instanceof SyntaxError) || !existsSync(file)) throw err;
      const backup = backupName();
      renameSync(file, backup);
      const detail = err instanceof Error ? err.message : String(err);
      log.warn('settings file was not valid JSON; moved aside and started empty', { backup, detail });
      this.problems.push({ kind: 'settings-recovered', messageKey: 'problems.settingsInvalidJson', path: backup, detail });
      conf = factory(options);
    }
    this.conf = conf;
    this.path = conf.path;

    const { valid, rejected } = splitSites(conf.get('sites'));
    if (rejected > 0) {
      const backup = backupName();
      // Sites can only be malformed in a file that existed before conf opened it.
      writeFileSync(backup, original ?? '');
      conf.set('sites', valid);
      log.warn('settings held sites that do not match the schema; kept a copy and dropped them', { backup, rejected });
      this.problems.push({
        kind: 'settings-recovered',
        messageKey: 'problems.settingsInvalidSites',
        path: backup,
        detail: `${rejected} site(s) could not be read`,
      });
    }
    // Preferences a person cannot break in a way worth a backup: a bad value falls back to the default.
    const preferences = preferencesSchema.safeParse(conf.get('preferences'));
    if (!preferences.success) log.warn('settings held unreadable preferences; using the defaults');
    this.values = { sites: valid, preferences: preferences.success ? preferences.data : DEFAULT_PREFERENCES };
  }

  get<K extends keyof Settings>(key: K): Settings[K] {
    return this.values[key];
  }

  set<K extends keyof Settings>(key: K, value: Settings[K]): void {
    try {
      this.conf.set(key, value);
    } catch (err) {
      throw new AppError('STORAGE', `Settings could not be saved to ${this.path}: ${err instanceof Error ? err.message : String(err)}`, {
        path: this.path,
      });
    }
    this.values = { ...this.values, [key]: value };
  }
}

function splitSites(raw: unknown): { valid: StoredSite[]; rejected: number } {
  if (!Array.isArray(raw)) return { valid: [], rejected: raw === undefined ? 0 : 1 };
  const valid: StoredSite[] = [];
  for (const item of raw) {
    const parsed = storedSiteSchema.safeParse(item);
    if (parsed.success) valid.push(parsed.data);
  }
  return { valid, rejected: raw.length - valid.length };
}
