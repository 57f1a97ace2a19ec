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
];
