import type { Database } from 'better-sqlite3';
import Conf from 'conf';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { EventPayloads } from '../../../src-shared/contract.js';
import { AppError } from '../../../src-shared/errors.js';
import { siteInputSchema, type SiteInput } from '../../../src-shared/schemas/site.js';
import { ConnectionTestsRepo } from '../../../src-main/cache/connection-tests-repo.js';
import { openCache } from '../../../src-main/cache/database.js';
import { EventBus } from '../../../src-main/core/event-bus.js';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { KeyFileCipher } from '../../../src-main/secrets/key-file-cipher.js';
import { EncryptedFileSecretStore } from '../../../src-main/secrets/secret-store.js';
import { ConfSettingsStore } from '../../../src-main/settings/conf-settings-store.js';
import { SiteService } from '../../../src-main/sites/site-service.js';
import { SiteStatusBoard } from '../../../src-main/sites/site-status-board.js';
import { tempDir } from '../../support/temp-dir.js';

const API_SECRET = 'api-Secret-0001';
const AMI_SECRET = 'ami-Secret-0002';

interface World {
  dir: string;
  files: { settings: string; secrets: string; key: string; log: string };
  db: Database;
  repo: ConnectionTestsRepo;
  board: SiteStatusBoard;
  sites: SiteService;
  changes: EventPayloads['sites:changed'][];
  clock: { now: number };
  log: FileLogger;
}

let world: World;

function build(dir: string, db: Database): World {
  const files = {
    settings: join(dir, 'settings.json'),
    secrets: join(dir, 'secrets.json'),
    key: join(dir, 'secret.key'),
    log: join(dir, 'logs', 'switchboard.log'),
  };
  const redactor = new Redactor();
  const log = new FileLogger({ file: files.log, redactor });
  const settings = new ConfSettingsStore(dir, (options) => new Conf(options), log);
  const secrets = new EncryptedFileSecretStore(files.secrets, new KeyFileCipher(files.key), redactor);
  const bus = new EventBus();
  const changes: EventPayloads['sites:changed'][] = [];
  bus.subscribe((event, payload) => {
    if (event === 'sites:changed') changes.push(payload as EventPayloads['sites:changed']);
  });
  const repo = new ConnectionTestsRepo(db);
  const board = new SiteStatusBoard(repo, bus);
  const clock = { now: 1_700_000_000_000 };
  const sites = new SiteService({ settings, secrets, statuses: board, bus, log, redactor, now: () => clock.now });
  return { dir, files, db, repo, board, sites, changes, clock, log };
}

beforeEach(() => {
  const dir = tempDir();
  const db = openCache({
    file: join(dir, 'cache.sqlite'),
    log: new FileLogger({ file: join(dir, 'logs', 'cache.log'), redactor: new Redactor() }),
  });
  world = build(dir, db);
});
afterEach(() => world.db.close());

/** A site as the form sends it, validated by the shared schema like the dispatcher does. */
function input(overrides: Record<string, unknown> = {}): SiteInput {
  return siteInputSchema.parse({
    name: 'Head office',
    vendor: 'issabel',
    timeZone: 'Europe/Madrid',
    api: { baseUrl: 'https://pbx.example.com/pbxapi/', username: 'admin', secret: API_SECRET },
    ami: { host: 'pbx.example.com', port: 5038, username: 'switchboard', secret: AMI_SECRET },
    tls: { pinnedFingerprint256: null },
    ...overrides,
  });
}

function withoutSecrets(site: SiteInput): SiteInput {
  return {
    ...site,
    api: site.api && { baseUrl: site.api.baseUrl, username: site.api.username },
    ami: site.ami && { host: site.ami.host, port: site.ami.port, username: site.ami.username, context: site.ami.context },
  };
}

function validationIssues(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError && err.code === 'VALIDATION') return err.details?.issues ?? [];
    throw err;
  }
  throw new Error('expected a VALIDATION error');
}

/** A fresh secret store on the same files, as after a restart. */
function secretsFromDisk(): EncryptedFileSecretStore {
  return new EncryptedFileSecretStore(world.files.secrets, new KeyFileCipher(world.files.key), new Redactor());
}

describe('SiteService.create', () => {
  test('returns a view that says the secrets are set and contains no secret', () => {
    const view = world.sites.create(input());
    expect(view).toMatchObject({
      name: 'Head office',
      vendor: 'issabel',
      timeZone: 'Europe/Madrid',
      api: { baseUrl: 'https://pbx.example.com/pbxapi/', username: 'admin', secretSet: true },
      ami: { host: 'pbx.example.com', port: 5038, username: 'switchboard', secretSet: true },
      tls: { pinnedFingerprint256: null },
      createdAt: world.clock.now,
      updatedAt: world.clock.now,
    });
    expect(view.id).toMatch(/^[a-z0-9-]{1,64}$/);
    const json = JSON.stringify(view);
    expect(json).not.toContain(API_SECRET);
    expect(json).not.toContain(AMI_SECRET);
    expect(world.sites.get(view.id)).toEqual(view);
    expect(world.sites.list()).toEqual([view]);
  });

  test('secrets are neither in settings.json nor in plain text anywhere on disk, yet can be read back', () => {
    const view = world.sites.create(input());
    for (const file of [world.files.settings, world.files.secrets, world.files.log]) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(API_SECRET);
      expect(text).not.toContain(AMI_SECRET);
    }
    expect(JSON.parse(readFileSync(world.files.settings, 'utf8')).sites[0].name).toBe('Head office');
    const restarted = secretsFromDisk();
    expect(restarted.get(`site/${view.id}/api`)).toBe(API_SECRET);
    expect(restarted.get(`site/${view.id}/ami`)).toBe(AMI_SECRET);
  });

  test('emits sites:changed with the new list', () => {
    const first = world.sites.create(input({ name: 'Warehouse' }));
    const second = world.sites.create(input({ name: 'Branch' }));
    expect(world.changes).toEqual([[first], [second, first]]);
  });

  test('a duplicate name, in any case, is refused with VALIDATION on name and nothing is stored', () => {
    world.sites.create(input({ name: 'Head Office' }));
    const issues = validationIssues(() => world.sites.create(input({ name: 'head office' })));
    expect(issues).toEqual([{ path: 'name', message: 'validation.duplicateName' }]);
    expect(world.sites.list()).toHaveLength(1);
    expect(world.changes).toHaveLength(1);
    expect(Object.keys(JSON.parse(readFileSync(world.files.secrets, 'utf8')).entries)).toHaveLength(2);
  });

  test('a missing AMI secret is refused with an issue on ami.secret', () => {
    const site = input();
    const issues = validationIssues(() => world.sites.create({ ...site, ami: withoutSecrets(site).ami }));
    expect(issues).toEqual([{ path: 'ami.secret', message: 'validation.required' }]);
    expect(world.sites.list()).toEqual([]);
    expect(existsSync(world.files.secrets)).toBe(false);
  });

  test('a missing API secret is refused for a vendor that needs one, accepted for one that does not', () => {
    const site = input();
    const issues = validationIssues(() => world.sites.create({ ...site, api: withoutSecrets(site).api }));
    expect(issues).toEqual([{ path: 'api.secret', message: 'validation.required' }]);

    const sark = input({
      vendor: 'sark',
      api: { baseUrl: 'https://pbx.example.com/sark6api/api/', username: '' },
    });
    const view = world.sites.create(sark);
    expect(view.api).toEqual({ baseUrl: 'https://pbx.example.com/sark6api/api/', username: '', secretSet: false });
  });
});

describe('SiteService.update', () => {
  test('without a secret keeps the stored one; the view still says it is set', () => {
    const created = world.sites.create(input());
    world.clock.now += 60_000;
    const updated = world.sites.update(created.id, withoutSecrets(input({ name: 'Head office (new)' })));
    expect(updated).toMatchObject({
      id: created.id,
      name: 'Head office (new)',
      createdAt: created.createdAt,
      updatedAt: created.createdAt + 60_000,
      api: { secretSet: true },
      ami: { secretSet: true },
    });
    const restarted = secretsFromDisk();
    expect(restarted.get(`site/${created.id}/api`)).toBe(API_SECRET);
    expect(restarted.get(`site/${created.id}/ami`)).toBe(AMI_SECRET);
  });

  test('with a secret replaces the stored one', () => {
    const created = world.sites.create(input());
    const site = withoutSecrets(input());
    world.sites.update(created.id, { ...site, ami: { ...site.ami!, secret: 'ami-Rotated-0003' } });
    const restarted = secretsFromDisk();
    expect(restarted.get(`site/${created.id}/ami`)).toBe('ami-Rotated-0003');
    expect(restarted.get(`site/${created.id}/api`)).toBe(API_SECRET);
    expect(readFileSync(world.files.settings, 'utf8')).not.toContain('ami-Rotated-0003');
  });

  test('setting api to null removes the API secret and keeps the AMI one', () => {
    const created = world.sites.create(input());
    const asterisk = withoutSecrets(input({ vendor: 'asterisk', api: null }));
    const updated = world.sites.update(created.id, asterisk);
    expect(updated.api).toBeNull();
    expect(updated.ami?.secretSet).toBe(true);
    const restarted = secretsFromDisk();
    expect(restarted.has(`site/${created.id}/api`)).toBe(false);
    expect(restarted.get(`site/${created.id}/ami`)).toBe(AMI_SECRET);
  });

  test('a site may keep its own name in another case, but not take another site’s', () => {
    const office = world.sites.create(input({ name: 'Head office' }));
    const branch = world.sites.create(input({ name: 'Branch' }));
    expect(world.sites.update(office.id, withoutSecrets(input({ name: 'HEAD OFFICE' }))).name).toBe('HEAD OFFICE');
    const issues = validationIssues(() => world.sites.update(branch.id, withoutSecrets(input({ name: 'head Office' }))));
    expect(issues).toContainEqual({ path: 'name', message: 'validation.duplicateName' });
    expect(world.sites.get(branch.id).name).toBe('Branch');
  });

  test('adding AMI to a site that had none requires its secret', () => {
    const created = world.sites.create(input({ ami: null }));
    const issues = validationIssues(() => world.sites.update(created.id, withoutSecrets(input())));
    expect(issues).toEqual([{ path: 'ami.secret', message: 'validation.required' }]);
  });

  test('emits sites:changed with the updated list', () => {
    const created = world.sites.create(input());
    const updated = world.sites.update(created.id, withoutSecrets(input({ name: 'Renamed' })));
    expect(world.changes[world.changes.length - 1]).toEqual([updated]);
  });

  test('an unknown id is NOT_FOUND', () => {
    expect(() => world.sites.update('no-such-site', input())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => world.sites.get('no-such-site')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('SiteService.remove', () => {
  test('deletes the site, its secrets and its statuses, and emits the new list', () => {
    const office = world.sites.create(input({ name: 'Head office' }));
    const branch = world.sites.create(input({ name: 'Branch' }));
    world.board.record(world.sites.find(office.id), 'ami', { ok: true, latencyMs: 12 }, 1_000);
    world.board.record(world.sites.find(branch.id), 'ami', { ok: true, latencyMs: 8 }, 2_000);
    expect(world.sites.statuses().find((s) => s.siteId === office.id)?.ami).toEqual({ state: 'ok', at: 1_000, latencyMs: 12 });

    expect(world.sites.remove(office.id)).toEqual({ id: office.id });

    expect(world.sites.list().map((s) => s.id)).toEqual([branch.id]);
    expect(world.changes[world.changes.length - 1]).toEqual([world.sites.get(branch.id)]);
    const restarted = secretsFromDisk();
    expect(restarted.has(`site/${office.id}/api`)).toBe(false);
    expect(restarted.has(`site/${office.id}/ami`)).toBe(false);
    expect(restarted.get(`site/${branch.id}/ami`)).toBe(AMI_SECRET);
    expect(readFileSync(world.files.secrets, 'utf8')).not.toContain(office.id);
    expect(world.repo.latestStatus(office.id, 'ami')).toEqual({ state: 'untested' });
    expect(world.repo.latestStatus(branch.id, 'ami')).toEqual({ state: 'ok', at: 2_000, latencyMs: 8 });
    expect(() => world.sites.remove(office.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('SiteService across a restart', () => {
  test('sites, secrets and statuses survive', () => {
    const created = world.sites.create(input());
    world.board.record(world.sites.find(created.id), 'api', { ok: false, latencyMs: 5, error: { code: 'AUTH_FAILED' } }, 3_000);

    const again = build(world.dir, world.db);

    expect(again.sites.list()).toEqual([world.sites.get(created.id)]);
    expect(again.sites.statuses()).toEqual([
      { siteId: created.id, api: { state: 'failed', at: 3_000, code: 'AUTH_FAILED' }, ami: { state: 'untested' } },
    ]);
    expect(again.sites.secretFor(withoutSecrets(input()), created.id, 'ami')).toBe(AMI_SECRET);
  });
});

describe('SiteService: a stored secret only goes where it was entered for', () => {
  test('an edit that moves AMI to another host must carry the secret again', () => {
    const view = world.sites.create(input());
    const moved = withoutSecrets(input({ ami: { host: 'elsewhere.example.net', port: 5038, username: 'switchboard' } }));
    expect(validationIssues(() => world.sites.update(view.id, moved))).toEqual([
      { path: 'ami.secret', message: 'validation.secretAgain' },
    ]);
    // The same edit with the host unchanged keeps the stored secret.
    expect(world.sites.update(view.id, withoutSecrets(input())).ami?.secretSet).toBe(true);
  });

  test('a test of a changed address never receives the stored secret', () => {
    const view = world.sites.create(input());
    const sameHost = withoutSecrets(input());
    expect(world.sites.secretFor(sameHost, view.id, 'ami')).toBe(AMI_SECRET);
    const otherUser = withoutSecrets(input({ ami: { host: 'pbx.example.com', port: 5038, username: 'root' } }));
    expect(validationIssues(() => world.sites.secretFor(otherUser, view.id, 'ami'))).toEqual([
      { path: 'ami.secret', message: 'validation.secretAgain' },
    ]);
    const otherUrl = withoutSecrets(input({ api: { baseUrl: 'https://evil.example.org/pbxapi/', username: 'admin' } }));
    expect(validationIssues(() => world.sites.secretFor(otherUrl, view.id, 'api'))).toEqual([
      { path: 'api.secret', message: 'validation.secretAgain' },
    ]);
  });

  test('a secret typed only for a test is scrubbed from the log afterwards', () => {
    const typed = 'typed-for-a-test-only';
    const form = input({ ami: { host: 'pbx.example.com', port: 5038, username: 'switchboard', secret: typed } });
    expect(world.sites.secretFor(form, undefined, 'ami')).toBe(typed);
    world.log.warn(`peer echoed ${typed} back`);
    const text = readFileSync(world.files.log, 'utf8');
    expect(text).toContain('peer echoed [redacted] back');
    expect(text).not.toContain(typed);
  });
});
