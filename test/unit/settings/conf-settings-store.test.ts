import Conf from 'conf';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { ConfSettingsStore, type ConfFactory } from '../../../src-main/settings/conf-settings-store.js';
import type { StoredSite } from '../../../src-main/settings/stored-site.js';
import { tempDir } from '../../support/temp-dir.js';

const factory: ConfFactory = (options) => new Conf(options);

const OFFICE: StoredSite = {
  id: 'site-office',
  name: 'Head office',
  vendor: 'issabel',
  timeZone: 'Europe/Madrid',
  api: { baseUrl: 'https://pbx.example.com/pbxapi/', username: 'admin' },
  ami: { host: 'pbx.example.com', port: 5038, username: 'switchboard', context: 'from-internal' },
  tls: { pinnedFingerprint256: null },
  demo: false,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};

let dir: string;
let settingsFile: string;
let log: FileLogger;

beforeEach(() => {
  dir = tempDir();
  settingsFile = join(dir, 'settings.json');
  log = new FileLogger({ file: join(dir, 'logs', 'switchboard.log'), redactor: new Redactor() });
});

function open(): ConfSettingsStore {
  return new ConfSettingsStore(dir, factory, log);
}

function backups(): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('settings.json.invalid-'));
}

describe('ConfSettingsStore over the real conf package', () => {
  test('a first start has no sites and no problems', () => {
    const store = open();
    expect(store.get('sites')).toEqual([]);
    expect(store.problems).toEqual([]);
    expect(store.path).toBe(settingsFile);
  });

  test('a file broken by hand while the app runs does not reach the app', () => {
    const store = open();
    store.set('sites', [OFFICE]);
    writeFileSync(settingsFile, '{"sites": [{"id": "../../etc", "name": 42}]}');
    expect(store.get('sites')).toEqual([OFFICE]);
  });

  test('a settings file that cannot be written is reported as STORAGE and the old value stays', () => {
    const store = open();
    store.set('sites', [OFFICE]);
    // A folder where the file should be: no write can succeed, even as root.
    rmSync(settingsFile);
    mkdirSync(settingsFile);
    expect(() => store.set('sites', [])).toThrow(expect.objectContaining({ code: 'STORAGE' }));
    expect(store.get('sites')).toEqual([OFFICE]);
  });

  test('sites persist across instances (restarts)', () => {
    open().set('sites', [OFFICE]);
    const again = open();
    expect(again.get('sites')).toEqual([OFFICE]);
    expect(again.problems).toEqual([]);
    expect(JSON.parse(readFileSync(settingsFile, 'utf8')).sites).toEqual([OFFICE]);
  });

  test('a settings.json edited into invalid JSON is moved aside byte for byte, reported, and the store starts empty', () => {
    open().set('sites', [OFFICE]);
    const broken = readFileSync(settingsFile, 'utf8').replace('"sites"', 'sites'); // a typical hand edit
    writeFileSync(settingsFile, broken);

    const store = open();

    expect(store.get('sites')).toEqual([]);
    const saved = backups();
    expect(saved).toHaveLength(1);
    expect(readFileSync(join(dir, saved[0]), 'utf8')).toBe(broken);
    expect(store.problems).toHaveLength(1);
    expect(store.problems[0]).toMatchObject({ kind: 'settings-recovered', path: join(dir, saved[0]) });
    expect(store.problems[0].messageKey).toMatch(/^problems\./);

    // The recovered store works and the next start is clean.
    store.set('sites', [OFFICE]);
    const next = open();
    expect(next.get('sites')).toEqual([OFFICE]);
    expect(next.problems).toEqual([]);
    expect(backups()).toEqual(saved);
  });

  test('the backup name carries the time of recovery, so two recoveries do not overwrite each other', () => {
    writeFileSync(settingsFile, 'first {');
    const first = new ConfSettingsStore(dir, factory, log, () => new Date('2024-01-02T03:04:05.006Z'));
    writeFileSync(settingsFile, 'second {');
    const second = new ConfSettingsStore(dir, factory, log, () => new Date('2024-01-02T03:04:06.007Z'));
    expect(first.problems[0].path).not.toBe(second.problems[0].path);
    expect(readFileSync(first.problems[0].path, 'utf8')).toBe('first {');
    expect(readFileSync(second.problems[0].path, 'utf8')).toBe('second {');
    expect(backups()).toHaveLength(2);
  });

  test('one valid and one malformed site: the valid one is kept, the problem reported, the backup holds the original', () => {
    const malformed = { ...OFFICE, id: 'Not An Id!', name: 'Branch', ami: { ...OFFICE.ami, port: 99999 } };
    const original = JSON.stringify({ sites: [OFFICE, malformed] }, null, '\t');
    writeFileSync(settingsFile, original);

    const store = open();

    expect(store.get('sites')).toEqual([OFFICE]);
    expect(store.problems).toHaveLength(1);
    expect(store.problems[0].kind).toBe('settings-recovered');
    expect(store.problems[0].detail).toContain('1');
    const saved = backups();
    expect(saved).toHaveLength(1);
    expect(store.problems[0].path).toBe(join(dir, saved[0]));
    expect(readFileSync(join(dir, saved[0]), 'utf8')).toBe(original);
    // The file on disk now holds only the valid site, so the next start is clean.
    const next = open();
    expect(next.get('sites')).toEqual([OFFICE]);
    expect(next.problems).toEqual([]);
  });

  test('a sites value that is not a list is backed up and replaced by an empty list', () => {
    const original = '{ "sites": { "id": "site-office" } }';
    writeFileSync(settingsFile, original);
    const store = open();
    expect(store.get('sites')).toEqual([]);
    expect(store.problems).toHaveLength(1);
    expect(readFileSync(store.problems[0].path, 'utf8')).toBe(original);
  });

  test('recoveries are written to the log', () => {
    writeFileSync(settingsFile, '{ nope');
    open();
    expect(log.recent(10).some((line) => line.includes('WARN') && line.includes('settings'))).toBe(true);
  });
});
