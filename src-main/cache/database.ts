import BetterSqlite3, { type Database } from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { AppError } from '../../src-shared/errors.js';
import type { Logger } from '../logging/logger.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export interface OpenCacheOptions {
  file: string;
  log: Logger;
  /** Path to a better_sqlite3.node built for Electron's ABI; plain Node uses the package's own. */
  nativeBinding?: string;
  migrations?: readonly Migration[];
  /** Statements slower than this are logged. */
  slowQueryMs?: number;
}

/**
 * Opens the cache, refusing to touch a file it does not understand. The file is first read
 * read-only: a database from a newer app or a file that is not SQLite is reported with STORAGE and
 * left exactly as it was (no WAL switch, no migration, no replacement).
 */
export function openCache(options: OpenCacheOptions): Database {
  const migrations = options.migrations ?? MIGRATIONS;
  const known = migrations.length;
  if (existsSync(options.file)) inspectExisting(options, known);

  const db = new BetterSqlite3(options.file, nativeOptions(options));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations, options.log);
  } catch (err) {
    db.close();
    throw err;
  }
  instrumentSlowQueries(db, options.log, options.slowQueryMs ?? 100);
  return db;
}

function nativeOptions(options: OpenCacheOptions, readonly = false): BetterSqlite3.Options {
  const base: BetterSqlite3.Options = { readonly, fileMustExist: readonly };
  return options.nativeBinding ? { ...base, nativeBinding: options.nativeBinding } : base;
}

/** The first bytes of every SQLite 3 database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');
/** The database header is 100 bytes; `user_version` is the big-endian 32-bit integer at offset 60. */
const HEADER_BYTES = 100;
const USER_VERSION_OFFSET = 60;

/**
 * Reads the header with plain file I/O so that a foreign or newer file is refused before SQLite
 * opens it: even a read-only SQLite connection to a WAL-mode file creates `-wal` and `-shm` files
 * beside it (and leaves them there).
 */
function readHeader(file: string): { version: number } | { unreadable: string } | null {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const read = readSync(fd, header, 0, HEADER_BYTES, 0);
    if (read === 0) return null; // SQLite treats an empty file as an empty database.
    if (read < HEADER_BYTES || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
      return { unreadable: 'file is not a database' };
    }
    return { version: header.readUInt32BE(USER_VERSION_OFFSET) };
  } finally {
    closeSync(fd);
  }
}

function inspectExisting(options: OpenCacheOptions, known: number): void {
  let version: number;
  let probe: Database | undefined;
  try {
    const header = readHeader(options.file);
    if (header !== null && 'unreadable' in header) throw new Error(header.unreadable);
    // The header can lag behind a WAL that was never checkpointed; the probe below reads through it.
    if (header !== null && header.version > known) version = header.version;
    else {
      probe = new BetterSqlite3(options.file, nativeOptions(options, true));
      // Reading the schema forces SQLite to parse the header and the first page.
      probe.prepare('SELECT count(*) FROM sqlite_master').get();
      version = Number(probe.pragma('user_version', { simple: true }));
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AppError('STORAGE', `The cache file ${options.file} cannot be read (${reason}); it was left untouched`, {
      reason: 'unreadable',
      path: options.file,
    });
  } finally {
    probe?.close();
  }
  if (version > known) {
    throw new AppError(
      'STORAGE',
      `The cache file ${options.file} was written by a newer Switchboard (schema ${version}, this app knows ${known}); it was left untouched`,
      { reason: 'newer-schema', path: options.file, fileVersion: version, appVersion: known },
    );
  }
}

/** Runs every step above the file's `user_version`, each in its own transaction. */
export function migrate(db: Database, migrations: readonly Migration[], log: Logger): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`Migration list out of order at ${migration.version}`);
  });
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > migrations.length) {
    throw new AppError('STORAGE', `Cache schema ${current} is newer than this app (${migrations.length})`, {
      reason: 'newer-schema',
    });
  }
  for (const migration of migrations.slice(current)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    log.info('cache migrated', { version: migration.version, description: migration.description });
  }
}

/**
 * Wraps `prepare` so every statement's run/get/all is timed and slow ones are logged with their SQL
 * (never their bound values, which may hold personal data). `iterate` is left alone: its cost lands
 * in the caller's loop, not in one call.
 */
function instrumentSlowQueries(db: Database, log: Logger, thresholdMs: number): void {
  const prepare = db.prepare.bind(db);
  const timed = ['run', 'get', 'all'] as const;
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    for (const method of timed) {
      const original = (statement[method] as (...args: unknown[]) => unknown).bind(statement);
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const started = performance.now();
        try {
          return original(...args);
        } finally {
          const elapsed = performance.now() - started;
          if (elapsed > thresholdMs) log.warn('slow query', { ms: Math.round(elapsed), sql: source.slice(0, 200) });
        }
      };
    }
    return statement;
  }) as Database['prepare'];
}

