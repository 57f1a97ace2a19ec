import type { Database } from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ConnectionTestsRepo, type ConnectionTestRow } from '../../../src-main/cache/connection-tests-repo.js';
import { openCache } from '../../../src-main/cache/database.js';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { tempDir } from '../../support/temp-dir.js';

let db: Database;
let repo: ConnectionTestsRepo;

beforeEach(() => {
  const dir = tempDir();
  const log = new FileLogger({ file: join(dir, 'test.log'), redactor: new Redactor() });
  db = openCache({ file: ':memory:', log });
  repo = new ConnectionTestsRepo(db);
});
afterEach(() => db.close());

function row(overrides: Partial<ConnectionTestRow>): ConnectionTestRow {
  return { siteId: 'site-a', target: 'ami', testedAt: 1_000, ok: true, code: null, latencyMs: 10, ...overrides };
}

function testedAts(siteId: string, target: string): number[] {
  return (
    db
      .prepare('SELECT tested_at FROM connection_tests WHERE site_id = ? AND target = ? ORDER BY tested_at')
      .all(siteId, target) as { tested_at: number }[]
  ).map((r) => r.tested_at);
}

describe('ConnectionTestsRepo', () => {
  test('a site with no results is untested', () => {
    expect(repo.latestStatus('site-a', 'api')).toEqual({ state: 'untested' });
  });

  test('an ok result becomes an ok status with its time and rounded latency', () => {
    repo.record(row({ testedAt: 5_000, ok: true, latencyMs: 41.6 }));
    expect(repo.latestStatus('site-a', 'ami')).toEqual({ state: 'ok', at: 5_000, latencyMs: 42 });
    expect(repo.latestStatus('site-a', 'api')).toEqual({ state: 'untested' });
  });

  test('a failed result becomes a failed status with its error code', () => {
    repo.record(row({ testedAt: 5_000, ok: false, code: 'AUTH_FAILED', latencyMs: 3 }));
    expect(repo.latestStatus('site-a', 'ami')).toEqual({ state: 'failed', at: 5_000, code: 'AUTH_FAILED' });
  });

  test('a failure stored without a code is shown as INTERNAL, not as ok', () => {
    repo.record(row({ ok: false, code: null }));
    expect(repo.latestStatus('site-a', 'ami')).toEqual({ state: 'failed', at: 1_000, code: 'INTERNAL' });
  });

  test('the newest result by test time wins, even when an older one is recorded later', () => {
    repo.record(row({ testedAt: 2_000, ok: false, code: 'TIMEOUT' }));
    repo.record(row({ testedAt: 1_000, ok: true }));
    expect(repo.latestStatus('site-a', 'ami')).toEqual({ state: 'failed', at: 2_000, code: 'TIMEOUT' });
    repo.record(row({ testedAt: 3_000, ok: true, latencyMs: 7 }));
    expect(repo.latestStatus('site-a', 'ami')).toEqual({ state: 'ok', at: 3_000, latencyMs: 7 });
  });

  test('keeps only the newest 20 results per site and target, leaving other targets and sites alone', () => {
    for (let i = 1; i <= 25; i++) repo.record(row({ siteId: 'site-a', target: 'ami', testedAt: i * 100 }));
    for (let i = 1; i <= 3; i++) repo.record(row({ siteId: 'site-a', target: 'api', testedAt: i }));
    for (let i = 1; i <= 4; i++) repo.record(row({ siteId: 'site-b', target: 'ami', testedAt: i }));

    const kept = testedAts('site-a', 'ami');
    expect(kept).toHaveLength(20);
    expect(kept[0]).toBe(600); // results 1..5 (100..500) were the oldest
    expect(kept[kept.length - 1]).toBe(2_500);
    expect(testedAts('site-a', 'api')).toEqual([1, 2, 3]);
    expect(testedAts('site-b', 'ami')).toEqual([1, 2, 3, 4]);
    expect(repo.latestStatus('site-a', 'ami')).toEqual({ state: 'ok', at: 2_500, latencyMs: 10 });
  });

  test('forgetSite removes every result of that site only', () => {
    repo.record(row({ siteId: 'site-a', target: 'ami' }));
    repo.record(row({ siteId: 'site-a', target: 'api' }));
    repo.record(row({ siteId: 'site-b', target: 'ami', testedAt: 7 }));
    repo.forgetSite('site-a');
    expect(repo.latestStatus('site-a', 'ami')).toEqual({ state: 'untested' });
    expect(repo.latestStatus('site-a', 'api')).toEqual({ state: 'untested' });
    expect(repo.latestStatus('site-b', 'ami')).toEqual({ state: 'ok', at: 7, latencyMs: 10 });
  });
});
