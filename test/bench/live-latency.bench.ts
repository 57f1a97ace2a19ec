// live-latency: how long a new call takes to reach the screen in host mode under load. The demo
// PBX simulator plays 1,000 phones with about 500 concurrent calls and ~1,000 events/s; the core
// and its WebSocket transport run as in `npm run host`; Debian's Chromium runs the built renderer.
// Latency is from the simulator writing a channel's Newchannel to the page receiving the first
// delta that shows that channel (the store applies it in the same task). Loop lag is the main
// (core) event loop's delay meanwhile; the simulator runs in a process of its own.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { createHostCore } from '../../src-main/host/host-core.js';
import { startHostServer } from '../../src-main/host/host-server.js';
import { percentile, report } from './support/figures.js';

const WARMUP_MS = 30_000;
const MEASURE_MS = 20_000;
const SECRET = 'bench-secret';

const sent = new Map<string, number>();
const pbx = fork(resolve(import.meta.dirname, 'support/sim-process.ts'), [
  JSON.stringify({
    users: { bench: SECRET },
    seed: 42,
    pbx: { extensions: 1000, trunk: true },
    traffic: { rate: 20, maxConcurrent: 500, ringMs: [500, 2000], talkMs: [20_000, 40_000] },
  }),
], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
type PbxMessage = { port?: number; sent?: Array<[string, number]>; stats?: { events: number; calls: number } };
const pbxPort = await new Promise<number>((done) => {
  pbx.on('message', (message: PbxMessage) => {
    if (message.port !== undefined) done(message.port);
    for (const [uniqueid, at] of message.sent ?? []) sent.set(uniqueid, at);
  });
});
const pbxStats = () =>
  new Promise<{ events: number; calls: number }>((done) => {
    const listener = (message: PbxMessage) => {
      if (!message.stats) return;
      pbx.off('message', listener);
      done(message.stats);
    };
    pbx.on('message', listener);
    pbx.send({ ask: 'stats' });
  });

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-latency-'));
const core = createHostCore(dataDir);
const server = await startHostServer({ core, rendererDir: resolve(import.meta.dirname, '../../out/renderer'), port: 0 });
const created = await core.dispatch(
  'sites:create',
  {
    name: 'Load',
    vendor: 'asterisk',
    timeZone: 'UTC',
    api: null,
    ami: { host: '127.0.0.1', port: pbxPort, username: 'bench', secret: SECRET, context: 'internal' },
    tls: { pinnedFingerprint256: null },
  },
  1000,
);
if (created.error) throw new Error(created.error.message);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  // Timestamps each channel the first time a pushed delta shows it, as the page receives it.
  await page.addInitScript(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { __seen: Record<string, number> }).__seen = seen;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (message: MessageEvent<string>) => {
          if (!message.data.startsWith('{"event":"live:delta"')) return;
          const at = Date.now();
          const delta = JSON.parse(message.data).payload as { upsertCalls: Array<{ from: { uniqueid: string }; to: Array<{ uniqueid: string }> }> };
          for (const call of delta.upsertCalls) {
            for (const party of [call.from, ...call.to]) seen[party.uniqueid] ??= at;
          }
        });
      }
    };
  });
  await page.goto(server.url);
  await page.waitForTimeout(WARMUP_MS);

  const lag = monitorEventLoopDelay({ resolution: 5 });
  const before = await pbxStats();
  const from = Date.now();
  lag.enable();
  await page.waitForTimeout(MEASURE_MS);
  lag.disable();
  const to = Date.now();
  const after = await pbxStats();
  const eventsPerS = ((after.events - before.events) * 1000) / (to - from);
  const calls = after.calls;
  // Let the last batch of send times arrive.
  await new Promise((done) => setTimeout(done, 300));

  const seen = await page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
  const latencies: number[] = [];
  for (const [uniqueid, at] of sent) {
    if (at < from || at > to) continue;
    const shown = seen[uniqueid];
    if (shown !== undefined) latencies.push(shown - at);
  }
  report('live-latency', {
    calls,
    events_per_s: Math.round(eventsPerS),
    samples: latencies.length,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    loop_lag_p99_ms: Math.round((lag.percentile(99) / 1e6) * 10) / 10,
  });
} finally {
  await browser.close();
  await server.close();
  core.close();
  pbx.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
