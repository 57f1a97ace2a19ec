import BetterSqlite3, { type Database } from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { AppError } from '../../../src-shared/errors.js';
import { migrate, openCache } from '../../../src-main/cache/database.js';
import { MIGRATIONS, type Migration } from '../../../src-main/cache/migrations.js';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { tempDir } from '../../support/temp-dir.js';

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function logger(dir: string): FileLogger {
  return new FileLogger({ file: join(dir, 'test.log'), redactor: new Redactor() });
}

function freshFile(): { dir: string; file: string } {
  const dir = tempDir();
  return { dir, file: join(dir, 'cache.sqlite') };
}

function userVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function tableNames(db: Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (row) => row.name,
  );
}

describe('the migration list', () => {
  test('is numbered 1..n in order, each step with a description', () => {
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    MIGRATIONS.forEach((migration, index) => {
      expect(migration.version).toBe(index + 1);
      expect(migration.description.trim()).not.toBe('');
    });
  });

  test('every step has its own tests in this file', () => {
    // Add the version here together with a describe block for the new step.
    const tested = [1, 2];
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(tested);
  });

  test('each step applied on its own moves user_version up by exactly one', () => {
    const { dir, file } = freshFile();
    const db = new BetterSqlite3(file);
    open.push(db);
    const log = logger(dir);
    for (let n = 1; n <= MIGRATIONS.length; n++) {
      migrate(db, MIGRATIONS.slice(0, n), log);
      expect(userVersion(db)).toBe(n);
    }
  });

  test('a list out of order is refused before anything runs', () => {
    const { dir, file } = freshFile();
    const db = new BetterSqlite3(file);
    open.push(db);
    const skipped: Migration[] = [{ version: 2, description: 'skips one', up: (d) => d.exec('CREATE TABLE t (x)') }];
    expect(() => migrate(db, skipped, logger(dir))).toThrow(/out of order/);
    expect(tableNames(db)).toEqual([]);
    expect(userVersion(db)).toBe(0);
  });
});

describe('migration 1: connection_tests', () => {
  function migratedToOne(): Database {
    const { dir, file } = freshFile();
    const db = openCache({ file, log: logger(dir), migrations: MIGRATIONS.slice(0, 1) });
    open.push(db);
    return db;
  }

  test('on a fresh file it sets user_version 1 and creates both tables and the index', () => {
    const db = migratedToOne();
    expect(userVersion(db)).toBe(1);
    expect(tableNames(db)).toEqual(['connection_tests']);
    const columns = (db.prepare('PRAGMA table_info(connection_tests)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(['id', 'site_id', 'target', 'tested_at', 'ok', 'code', 'latency_ms']);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'connection_tests'").all();
    expect(indexes).toEqual([{ name: 'connection_tests_site' }]);
  });

  test('connection_tests accepts a well-formed row', () => {
    const db = migratedToOne();
    db.prepare(
      "INSERT INTO connection_tests (site_id, target, tested_at, ok, code, latency_ms) VALUES ('s1', 'ami', 1700000000000, 0, 'TIMEOUT', 12)",
    ).run();
    expect(db.prepare('SELECT site_id, target, ok, code FROM connection_tests').all()).toEqual([
      { site_id: 's1', target: 'ami', ok: 0, code: 'TIMEOUT' },
    ]);
  });

  test.each([
    ['a target other than api/ami', "('s1', 'sip', 1, 1, NULL, 5)", /CHECK constraint failed/],
    ['ok outside 0/1', "('s1', 'api', 1, 2, NULL, 5)", /CHECK constraint failed/],
    ['a missing site id', "(NULL, 'api', 1, 1, NULL, 5)", /NOT NULL constraint failed: connection_tests.site_id/],
    ['a missing latency', "('s1', 'api', 1, 1, NULL, NULL)", /NOT NULL constraint failed: connection_tests.latency_ms/],
    ['a time that is text (STRICT)', "('s1', 'api', 'yesterday', 1, NULL, 5)", /cannot store TEXT value in INTEGER column/],
  ])('connection_tests rejects %s', (_label, values, error) => {
    const db = migratedToOne();
    expect(() =>
      db.prepare(`INSERT INTO connection_tests (site_id, target, tested_at, ok, code, latency_ms) VALUES ${values}`).run(),
    ).toThrow(error);
    expect(db.prepare('SELECT count(*) AS n FROM connection_tests').get()).toEqual({ n: 0 });
  });

});

describe('migration 2: cdr and cdr_sync', () => {
  function migratedToTwo(): Database {
    const { dir, file } = freshFile();
    const db = openCache({ file, log: logger(dir), migrations: MIGRATIONS.slice(0, 2) });
    open.push(db);
    return db;
  }

  const LEG = "('s1', 'k1', '1700000000.1', NULL, 1700000000000, 'Europe/Madrid', NULL, NULL, '100', '101', 'Ana', 'from-internal', 'SIP/100-1', 'SIP/101-2', 'Dial', 12, 0, 'no-answer', NULL)";
  const COLUMNS =
    '(site_id, key, uniqueid, linkedid, started_at, time_zone, answered_at, ended_at, src, dst, caller_name, context, channel, dst_channel, last_app, duration_s, bill_s, disposition, recording_file)';

  test('moves a version-1 file with its data to version 2, adding both tables and their indexes', () => {
    const { dir, file } = freshFile();
    const one = openCache({ file, log: logger(dir), migrations: MIGRATIONS.slice(0, 1) });
    one.prepare("INSERT INTO connection_tests (site_id, target, tested_at, ok, code, latency_ms) VALUES ('s1', 'api', 1, 1, NULL, 5)").run();
    one.close();
    const db = openCache({ file, log: logger(dir), migrations: MIGRATIONS.slice(0, 2) });
    open.push(db);
    expect(userVersion(db)).toBe(2);
    expect(tableNames(db)).toEqual(['cdr', 'cdr_sync', 'connection_tests']);
    expect(db.prepare('SELECT count(*) AS n FROM connection_tests').get()).toEqual({ n: 1 });
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cdr' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(['cdr_site_key', 'cdr_site_started']);
  });

  test('keeps one leg per site and key, and the same key apart on two sites', () => {
    const db = migratedToTwo();
    db.prepare(`INSERT INTO cdr ${COLUMNS} VALUES ${LEG}`).run();
    expect(() => db.prepare(`INSERT INTO cdr ${COLUMNS} VALUES ${LEG}`).run()).toThrow(/UNIQUE constraint failed: cdr.site_id, cdr.key/);
    db.prepare(`INSERT INTO cdr ${COLUMNS} VALUES ${LEG.replace("'s1'", "'s2'")}`).run();
    expect(db.prepare('SELECT site_id FROM cdr ORDER BY site_id').all()).toEqual([{ site_id: 's1' }, { site_id: 's2' }]);
  });

  test.each([
    ['an unknown disposition', "'no-answer'", "'MAYBE'", /CHECK constraint failed/],
    ['a negative duration', ' 12, 0,', ' -1, 0,', /CHECK constraint failed/],
    ['a start time that is text (STRICT)', '1700000000000', "'yesterday'", /cannot store TEXT value in INTEGER column/],
  ])('cdr rejects %s', (_label, from, to, error) => {
    const db = migratedToTwo();
    expect(() => db.prepare(`INSERT INTO cdr ${COLUMNS} VALUES ${LEG.replace(from, to)}`).run()).toThrow(error);
    expect(db.prepare('SELECT count(*) AS n FROM cdr').get()).toEqual({ n: 0 });
  });
});

describe('migrate()', () => {
  test('running it again is a no-op: same version, same data, nothing logged', () => {
    const { dir, file } = freshFile();
    const log = logger(dir);
    const db = openCache({ file, log });
    open.push(db);
    db.prepare("INSERT INTO connection_tests (site_id, target, tested_at, ok, code, latency_ms) VALUES ('kept', 'api', 1, 1, NULL, 5)").run();
    const schemaBefore = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    const linesBefore = log.recent(100).length;

    migrate(db, MIGRATIONS, log);
    migrate(db, MIGRATIONS, log);

    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(schemaBefore);
    expect(db.prepare('SELECT count(*) AS n FROM connection_tests WHERE site_id = ?').get('kept')).toEqual({ n: 1 });
    expect(log.recent(100).slice(linesBefore).filter((line) => line.includes('cache migrated'))).toEqual([]);
  });

  test('a step that fails rolls back entirely: the file stays at the previous version', () => {
    const { dir, file } = freshFile();
    const log = logger(dir);
    const failing: Migration[] = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        description: 'half done',
        up(db) {
          db.exec('CREATE TABLE half_done (x INTEGER)');
          throw new Error('disk said no');
        },
      },
    ];
    expect(() => openCache({ file, log, migrations: failing })).toThrow('disk said no');

    const db = new BetterSqlite3(file, { readonly: true });
    open.push(db);
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(tableNames(db)).not.toContain('half_done');
  });

  test('a connection at a version above the list is refused with STORAGE newer-schema', () => {
    const { dir, file } = freshFile();
    const db = new BetterSqlite3(file);
    open.push(db);
    db.pragma(`user_version = ${MIGRATIONS.length + 3}`);
    let caught: unknown;
    try {
      migrate(db, MIGRATIONS, logger(dir));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('STORAGE');
    expect((caught as AppError).details?.reason).toBe('newer-schema');
    expect(userVersion(db)).toBe(MIGRATIONS.length + 3);
  });
});
