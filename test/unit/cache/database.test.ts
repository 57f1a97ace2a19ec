import BetterSqlite3, { type Database } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { AppError } from '../../../src-shared/errors.js';
import { openCache } from '../../../src-main/cache/database.js';
import { MIGRATIONS } from '../../../src-main/cache/migrations.js';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { sha256, tempDir } from '../../support/temp-dir.js';

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function setup() {
  const dir = tempDir();
  const logFile = join(dir, 'logs', 'test.log');
  const log = new FileLogger({ file: logFile, redactor: new Redactor() });
  return { dir, file: join(dir, 'cache.sqlite'), log, logFile };
}

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError, got ${String(err)}`);
  }
  throw new Error('expected openCache to refuse the file');
}

/** Writes a SQLite file the way a future Switchboard would: some data, a higher user_version. */
function writeNewerFile(file: string, version: number, journal: 'wal' | 'delete'): void {
  const db = new BetterSqlite3(file);
  db.pragma(`journal_mode = ${journal}`);
  db.exec("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('from the future')");
  db.pragma(`user_version = ${version}`);
  db.close();
}

describe('openCache on a real file', () => {
  test('a new file is created in WAL mode and migrated to the current schema', () => {
    const { dir, file, log } = setup();
    const db = openCache({ file, log });
    open.push(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(Number(db.pragma('user_version', { simple: true }))).toBe(MIGRATIONS.length);
    db.prepare("INSERT INTO connection_tests (site_id, target, tested_at, ok, code, latency_ms) VALUES ('a', 'api', 1, 1, NULL, 5)").run();
    expect(readdirSync(dir)).toContain('cache.sqlite-wal');
  });

  test('data written before a restart is there after it', () => {
    const { file, log } = setup();
    const first = openCache({ file, log });
    first.prepare("INSERT INTO connection_tests (site_id, target, tested_at, ok, code, latency_ms) VALUES ('site-1', 'ami', 1714521600000, 0, 'TIMEOUT', 8000)").run();
    first.close();

    const second = openCache({ file, log });
    open.push(second);
    expect(second.prepare("SELECT code FROM connection_tests WHERE site_id = 'site-1'").get()).toEqual({ code: 'TIMEOUT' });
    expect(second.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  test.each(['delete', 'wal'] as const)(
    'a file from a newer app (%s journal) is refused with STORAGE newer-schema and left byte-identical',
    (journal) => {
      const { dir, file, log } = setup();
      const newer = MIGRATIONS.length + 1;
      writeNewerFile(file, newer, journal);
      const filesBefore = readdirSync(dir).sort();
      const hashBefore = sha256(file);

      const error = refusal(() => openCache({ file, log }));

      expect(error.code).toBe('STORAGE');
      expect(error.details?.reason).toBe('newer-schema');
      expect(error.details?.fileVersion).toBe(newer);
      expect(error.details?.appVersion).toBe(MIGRATIONS.length);
      expect(sha256(file)).toBe(hashBefore);
      expect(existsSync(`${file}-wal`)).toBe(false);
      expect(existsSync(`${file}-shm`)).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(filesBefore);
    },
  );

  test('a newer schema still sitting in an un-checkpointed WAL (newer app crashed) is refused too', () => {
    const { dir, file, log } = setup();
    const crashed = join(tempDir(), 'cache.sqlite');
    const writer = new BetterSqlite3(crashed);
    writer.pragma('journal_mode = wal');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE future (x TEXT)');
    writer.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    // Copy the files while the writer still holds them, as a crash would leave them.
    for (const suffix of ['', '-wal', '-shm']) writeFileSync(`${file}${suffix}`, readFileSync(`${crashed}${suffix}`));
    writer.close();
    expect(readFileSync(file).readUInt32BE(60)).toBe(0); // the main file's header does not know yet
    const mainBefore = sha256(file);
    const walBefore = sha256(`${file}-wal`);

    const error = refusal(() => openCache({ file, log }));

    expect(error.code).toBe('STORAGE');
    expect(error.details?.reason).toBe('newer-schema');
    expect(sha256(file)).toBe(mainBefore);
    expect(sha256(`${file}-wal`)).toBe(walBefore);
    expect(readdirSync(dir).filter((name) => name.startsWith('cache.sqlite')).sort()).toEqual([
      'cache.sqlite',
      'cache.sqlite-shm',
      'cache.sqlite-wal',
    ]);
  });

  test.each([
    ['random bytes', () => randomBytes(8192)],
    ['a text file', () => Buffer.from('These are my notes about the PBX, not a database.\n'.repeat(50))],
    ['a truncated SQLite header', () => Buffer.from('SQLite format 3\u0000garbage', 'latin1')],
  ])('%s is refused with STORAGE unreadable and left byte-identical', (_label, content) => {
    const { dir, file, log } = setup();
    const bytes = content();
    writeFileSync(file, bytes);
    const filesBefore = readdirSync(dir).sort();

    const error = refusal(() => openCache({ file, log }));

    expect(error.code).toBe('STORAGE');
    expect(error.details?.reason).toBe('unreadable');
    expect(error.details?.path).toBe(file);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(filesBefore);
  });

  test('a SQLite header followed by a corrupt schema page is refused as unreadable', () => {
    const { file, log } = setup();
    writeNewerFile(file, 1, 'delete');
    const bytes = readFileSync(file);
    // Keep the 100-byte header (user_version 1 is known) and overwrite the rest with 0xFF: page 1's
    // b-tree header then names no valid page type.
    bytes.fill(0xff, 100);
    writeFileSync(file, bytes);

    const error = refusal(() => openCache({ file, log }));

    expect(error.code).toBe('STORAGE');
    expect(error.details?.reason).toBe('unreadable');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});

describe('slow query log', () => {
  // A recursive CTE that does real work; the bound limit is the "personal data" that must not leak.
  const SLOW_SQL = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    SELECT count(*) AS c FROM n WHERE ? IS NOT NULL`;

  test('a statement over the threshold is logged as a slow query with its SQL but never its bound values', () => {
    const { file, log, logFile } = setup();
    const db = openCache({ file, log, slowQueryMs: 0 });
    open.push(db);

    const row = db.prepare(SLOW_SQL).get(20_000, 'caller +34 600 123 456');

    expect(row).toEqual({ c: 20_000 });
    const slow = log.recent(50).filter((line) => line.includes('slow query'));
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatch(/^\S+ WARN {2}slow query /);
    expect(slow[0]).toContain('WITH RECURSIVE');
    const onDisk = readFileSync(logFile, 'utf8');
    expect(onDisk).toContain('slow query');
    expect(onDisk).not.toContain('600 123 456');
    expect(onDisk).not.toContain('20000');
  });

  test('run, get and all are all timed', () => {
    const { file, log } = setup();
    const db = openCache({ file, log, slowQueryMs: 0 });
    open.push(db);
    db.prepare("INSERT INTO connection_tests (site_id, target, tested_at, ok, code, latency_ms) VALUES (?, 'api', 1, 1, NULL, 5)").run('secret-ish value');
    db.prepare('SELECT latency_ms FROM connection_tests WHERE site_id = ?').get('secret-ish value');
    db.prepare('SELECT site_id FROM connection_tests').all();
    const sqls = log.recent(50).filter((line) => line.includes('slow query'));
    expect(sqls.some((line) => line.includes('INSERT INTO connection_tests'))).toBe(true);
    expect(sqls.some((line) => line.includes('SELECT latency_ms FROM connection_tests'))).toBe(true);
    expect(sqls.some((line) => line.includes('SELECT site_id FROM connection_tests'))).toBe(true);
    expect(sqls.join('\n')).not.toContain('secret-ish value');
  });

  test('statements under the threshold are not logged', () => {
    const { file, log } = setup();
    const db = openCache({ file, log, slowQueryMs: 60_000 });
    open.push(db);
    db.prepare(SLOW_SQL).get(1_000, 'x');
    expect(log.recent(50).filter((line) => line.includes('slow query'))).toEqual([]);
  });
});
