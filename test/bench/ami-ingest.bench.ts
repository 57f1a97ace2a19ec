// ami-ingest: events/s through Switchboard's ingest path (asterisk-manager parsing inside
// AmiConnection, then the live-state reducer) over a replayed recorded stream of more than 200,000
// events, next to bare asterisk-manager parsing of the same stream in the same run. The corpus is
// built as fixtures/ami/NOTES.md §11 did: the call scenarios' server streams, banners and login
// answers removed, repeated; a replay server in another process writes it as fast as the socket drains.
import AsteriskManager from 'asterisk-manager';
import { fork } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AmiConnection } from '../../src-main/ami/ami-connection.js';
import { emptyLiveState } from '../../src-main/live/live-state.js';
import { reduce } from '../../src-main/live/reducer.js';
import { report } from './support/figures.js';

const TRANSCRIPTS = resolve(import.meta.dirname, '../../../shared/fixtures/ami/transcripts');
const MIN_EVENTS = 200_000;
const RUNS = 3;

/** The body of a call scenario's stream: everything after the login exchange. */
function scenarioBody(file: string): string {
  const stream = readFileSync(join(TRANSCRIPTS, file), 'latin1');
  const afterBanner = stream.slice(stream.indexOf('\r\n') + 2);
  const loginEnd = afterBanner.indexOf('\r\n\r\n') + 4;
  return afterBanner.slice(loginEnd);
}

function buildCorpus(): { corpus: string; events: number } {
  const files = readdirSync(TRANSCRIPTS).filter((name) => /^(0[5-9]|1[0-5])-.*(?<!\.client)(?<!\.conn\d)\.ami$/.test(name));
  const unit = files.map(scenarioBody).join('');
  const perUnit = (unit.match(/(^|\r\n\r\n)Event: /g) ?? []).length;
  const repeats = Math.ceil(MIN_EVENTS / perUnit);
  return { corpus: unit.repeat(repeats), events: perUnit * repeats };
}

/** A separate process that plays a minimal Asterisk: banner, Login and Events answered, then the corpus. */
const SERVER = `
const { createServer } = require('node:net');
const { readFileSync } = require('node:fs');
const corpus = readFileSync(process.argv[2]);
const server = createServer((socket) => {
  socket.write('Asterisk Call Manager/11.0.0\\r\\n');
  let buffer = '';
  let streaming = false;
  socket.on('data', (chunk) => {
    buffer += chunk.toString('latin1');
    let end;
    while ((end = buffer.indexOf('\\r\\n\\r\\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      const id = (/actionid: (.*)/i.exec(frame) || [])[1] || '';
      const action = ((/action: (.*)/i.exec(frame) || [])[1] || '').toLowerCase();
      if (action === 'login') socket.write('Response: Success\\r\\nActionID: ' + id + '\\r\\nMessage: Authentication accepted\\r\\n\\r\\n');
      else if (action === 'events') socket.write('Response: Success\\r\\nActionID: ' + id + '\\r\\nEvents: On\\r\\n\\r\\n');
      if (action === 'events' || (action === 'login' && process.argv[3] === 'bare')) {
        if (!streaming) { streaming = true; socket.end(corpus); }
      }
    }
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

async function startServer(corpusFile: string, mode: 'bare' | 'switchboard'): Promise<{ port: number; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'ami-ingest-server-'));
  const script = join(dir, 'server.cjs');
  writeFileSync(script, SERVER);
  const child = fork(script, [corpusFile, mode], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((done) => child.once('message', (message) => done(Number(message))));
  return {
    port,
    stop: () => {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bare(corpusFile: string, expected: number): Promise<number> {
  const server = await startServer(corpusFile, 'bare');
  try {
    return await new Promise<number>((done) => {
      const manager = AsteriskManager(undefined, '127.0.0.1', 'bench', 'bench', true);
      let count = 0;
      let started = 0;
      manager.on('response', (message) => {
        if (started === 0 && message.message === 'Authentication accepted') started = performance.now();
      });
      manager.on('managerevent', () => {
        count += 1;
        if (count === expected) {
          const seconds = (performance.now() - started) / 1000;
          manager.disconnect();
          done(count / seconds);
        }
      });
      manager.connect(server.port, '127.0.0.1', () => manager.login());
    });
  } finally {
    server.stop();
  }
}

async function switchboard(corpusFile: string, expected: number): Promise<number> {
  const server = await startServer(corpusFile, 'switchboard');
  try {
    const connection = await AmiConnection.open({ host: '127.0.0.1', port: server.port, username: 'bench', secret: 'bench', actionIdPrefix: 'b' });
    const started = performance.now();
    return await new Promise<number>((done) => {
      let state = emptyLiveState('bench');
      let count = 0;
      connection.onEvent((event) => {
        state = reduce(state, event, Date.now());
        count += 1;
        if (count === expected) {
          const seconds = (performance.now() - started) / 1000;
          connection.close();
          done(count / seconds);
        }
      });
    });
  } finally {
    server.stop();
  }
}

const { corpus, events } = buildCorpus();
const dir = mkdtempSync(join(tmpdir(), 'ami-ingest-'));
const corpusFile = join(dir, 'corpus.ami');
writeFileSync(corpusFile, corpus, 'latin1');
try {
  const bareRates: number[] = [];
  const ourRates: number[] = [];
  // Alternate the two so drift on the machine affects both alike; report the medians.
  for (let run = 0; run < RUNS; run++) {
    bareRates.push(await bare(corpusFile, events));
    ourRates.push(await switchboard(corpusFile, events));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ours = median(ourRates);
  const baseline = median(bareRates);
  report('ami-ingest', {
    events,
    events_per_s: Math.round(ours),
    bare_asterisk_manager_events_per_s: Math.round(baseline),
    reducer_cost_pct: Math.round((baseline / ours - 1) * 1000) / 10,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
