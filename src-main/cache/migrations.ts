import type { Database } from 'better-sqlite3';

/**
 * The cache schema, one step per version. Append only: a released step is never edited, reordered
 * or removed, because users' files were built by it. `user_version` records how many steps ran.
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the connection test history',
    up(db) {
      db.exec(`
        CREATE TABLE connection_tests (
          id         INTEGER PRIMARY KEY,
          site_id    TEXT    NOT NULL,
          target     TEXT    NOT NULL CHECK (target IN ('api', 'ami')),
          tested_at  INTEGER NOT NULL, -- UTC epoch milliseconds
          ok         INTEGER NOT NULL CHECK (ok IN (0, 1)),
          code       TEXT,
          latency_ms INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX connection_tests_site ON connection_tests (site_id, target, tested_at DESC);
      `);
    },
  },
  {
    version: 2,
    description: 'call history: CDR legs per site and each site\'s sync high-water mark',
    up(db) {
      db.exec(`
        CREATE TABLE cdr (
          id             INTEGER PRIMARY KEY,
          site_id        TEXT    NOT NULL,
          key            TEXT    NOT NULL, -- the leg's identity on its PBX (uniqueid and what tells its rows apart)
          uniqueid       TEXT    NOT NULL,
          linkedid       TEXT,
          started_at     INTEGER NOT NULL, -- UTC epoch milliseconds
          time_zone      TEXT    NOT NULL, -- the site's zone when the leg was read, to show it in the site's time
          answered_at    INTEGER,
          ended_at       INTEGER,
          src            TEXT    NOT NULL,
          dst            TEXT    NOT NULL,
          caller_name    TEXT    NOT NULL,
          context        TEXT    NOT NULL,
          channel        TEXT    NOT NULL,
          dst_channel    TEXT    NOT NULL,
          last_app       TEXT    NOT NULL,
          duration_s     INTEGER NOT NULL CHECK (duration_s >= 0),
          bill_s         INTEGER NOT NULL CHECK (bill_s >= 0),
          disposition    TEXT    NOT NULL CHECK (disposition IN ('answered', 'no-answer', 'busy', 'failed', 'congestion', 'unknown')),
          recording_file TEXT
        ) STRICT;
        CREATE UNIQUE INDEX cdr_site_key ON cdr (site_id, key);
        CREATE INDEX cdr_site_started ON cdr (site_id, started_at);
        CREATE TABLE cdr_sync (
          site_id    TEXT    PRIMARY KEY,
          source     TEXT    NOT NULL, -- what was synced (vendor, address, zone): another source starts over
          synced_to  INTEGER NOT NULL, -- everything up to here (UTC epoch ms) has been fetched
          updated_at INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
];
