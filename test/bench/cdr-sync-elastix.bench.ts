// cdr-sync-elastix: a full call-history sync of over 50,000 CDR rows from the Elastix simulator (in its
// own process) into a real cache file, through the adapter's date windows, the repository's
// upserts and the chunked writes that keep the event loop free; next to a bare prepared-statement
// insert of the same rows into the same schema in one transaction, in the same run.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CdrRepo } from '../../src-main/cache/cdr-repo.js';
import { openCache } from '../../src-main/cache/database.js';
import { FileLogger } from '../../src-main/logging/logger.js';
import { Redactor } from '../../src-main/logging/redactor.js';
import { HttpClient } from '../../src-main/net/http-client.js';
import { ElastixAdapter } from '../../src-main/pbx/elastix/elastix-adapter.js';
import { CdrSync } from '../../src-main/sync/cdr-sync.js';
import { report } from './support/figures.js';

// The API never returns IVR legs (`dst = 's'`, about 4 % of them): generate enough that at least 50,000 come through.
const GENERATED = 52_500;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const SITE = 'bench-site';

const sim = fork(resolve(import.meta.dirname, 'support/elastix-process.ts'), [JSON.stringify({ seed: 9, extensions: 200, cdrs: GENERATED, cdrDays: 60, nowMs: NOW, recordings: 0 })], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { url, key, rows } = await new Promise<{ url: string; key: string; rows: number }>((done) => sim.once('message', done));

const dir = mkdtempSync(join(tmpdir(), 'switchboard-cdr-bench-'));
try {
  const log = new FileLogger({ file: join(dir, 'bench.log'), redactor: new Redactor() });
  const db = openCache({ file: join(dir, 'cache.sqlite'), log });
  const repo = new CdrRepo(db);
  const http = new HttpClient({ baseUrl: `${url}/api/api.php`, pinnedFingerprint256: null, logger: log });
  const adapter = new ElastixAdapter({ http, key, timeZone: 'UTC' });
  const sync = new CdrSync({ repo, adapterFor: () => adapter, sourceOf: () => ({ timeZone: 'UTC', source: url }), log, now: () => NOW });

  const started = performance.now();
  await sync.sync(SITE);
  const syncMs = performance.now() - started;
  const stored = repo.count(SITE);
  if (stored !== rows || rows < 50_000) throw new Error(`synced ${stored} of ${rows} rows`);

  // The same rows, read back as records, into a bare copy of the table: one statement, one transaction.
  const records = db.prepare('SELECT * FROM cdr WHERE site_id = ?').all(SITE) as Array<Record<string, unknown>>;
  db.exec('CREATE TABLE bare_cdr AS SELECT * FROM cdr WHERE 0; CREATE UNIQUE INDEX bare_site_key ON bare_cdr (site_id, key); CREATE INDEX bare_site_started ON bare_cdr (site_id, started_at);');
  const columns = Object.keys(records[0]).filter((column) => column !== 'id');
  const insert = db.prepare(`INSERT INTO bare_cdr (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  const bareStarted = performance.now();
  db.transaction((all: Array<Record<string, unknown>>) => {
    for (const row of all) insert.run(row);
  })(records);
  const bareMs = performance.now() - bareStarted;
  db.close();

  report('cdr-sync-elastix', {
    rows,
    rows_per_s: Math.round((rows * 1000) / syncMs),
    bare_insert_rows_per_s: Math.round((rows * 1000) / bareMs),
  });
} finally {
  sim.kill();
  rmSync(dir, { recursive: true, force: true });
}
