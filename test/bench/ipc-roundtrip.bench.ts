// ipc-roundtrip: a trivial request (`app:ping`) through the real host-mode WebSocket transport
// (a `node out/main/host.js` process: token check, JSON framing, dispatcher, schema validation,
// envelope) next to a bare WebSocket echo in another process, same machine, same run. The
// difference is what the contract layer costs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { percentile, report } from './support/figures.js';

const CALLS = 1000;
const WARMUP = 200;
const ROOT = resolve(import.meta.dirname, '../..');

async function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no match for ${pattern} in:\n${output}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

function open(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolvePromise, reject) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.once('open', () => resolvePromise(socket));
    socket.once('error', reject);
  });
}

/** Sends one message at a time and times each answer. */
async function measure(socket: WebSocket, message: (i: number) => string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise<void>((resolvePromise) => {
      socket.once('message', () => resolvePromise());
      socket.send(message(i));
    });
    samples.push(performance.now() - started);
  }
  return samples;
}

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
const host = spawn(process.execPath, [join(ROOT, 'out/main/host.js'), '--data-dir', dataDir, '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const echo = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { WebSocketServer } from 'ws';
     const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
     wss.on('listening', () => console.log('echo on ' + wss.address().port));
     wss.on('connection', (s) => s.on('message', (d) => s.send(d.toString())));`,
  ],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
);

try {
  const [, hostUrl] = await waitForLine(host, /(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/);
  const [, echoPort] = await waitForLine(echo, /echo on (\d+)/);
  const url = new URL(hostUrl);
  const token = url.hash.replace('#token=', '');
  const contract = await open(`ws://${url.host}/ws?token=${token}`, url.origin);
  const bare = await open(`ws://127.0.0.1:${echoPort}`);

  const ping = (i: number) => JSON.stringify({ id: i + 1, name: 'app:ping', params: { echo: 'x' } });
  const plain = (i: number) => JSON.stringify({ id: i + 1, echo: 'x' });
  await measure(contract, ping, WARMUP);
  await measure(bare, plain, WARMUP);
  // Interleave the two in blocks so drift on the machine affects both alike.
  const contractSamples: number[] = [];
  const echoSamples: number[] = [];
  for (let block = 0; block < 10; block++) {
    contractSamples.push(...(await measure(contract, ping, CALLS / 10)));
    echoSamples.push(...(await measure(bare, plain, CALLS / 10)));
  }
  contract.close();
  bare.close();

  const contractP95 = percentile(contractSamples, 95);
  const echoP95 = percentile(echoSamples, 95);
  report('ipc-roundtrip', {
    calls: CALLS,
    contract_p50_ms: percentile(contractSamples, 50),
    contract_p95_ms: contractP95,
    ws_echo_p50_ms: percentile(echoSamples, 50),
    ws_echo_p95_ms: echoP95,
    contract_overhead_p95_ms: Math.round((contractP95 - echoP95) * 1000) / 1000,
  });
} finally {
  host.kill('SIGTERM');
  echo.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
