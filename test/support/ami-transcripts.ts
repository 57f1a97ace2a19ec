import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import type { AmiEvent } from '../../src-main/live/ami-event.js';

/*
 * The AMI streams recorded from a real Asterisk (../shared/fixtures/ami, beside the repository in
 * CI), as the objects asterisk-manager makes of them: lower-cased keys, string values. Two ways in:
 *
 * - `recordedMessages`: the `<scenario>.events.jsonl` files, which are asterisk-manager's own
 *   parse of each stream recorded with it, with the millisecond offset each message arrived at.
 *   Fast; use it by default.
 * - `parseWithAsteriskManager`: the `.ami` bytes served on 127.0.0.1 and parsed by the real
 *   package, for streams without a jsonl and to check that the jsonl files still match.
 */

export const AMI_FIXTURES = new URL('../../../shared/fixtures/ami/', import.meta.url);
export const TRANSCRIPTS = new URL('transcripts/', AMI_FIXTURES);

export interface RecordedMessage {
  /** Milliseconds since the scenario's connection opened. */
  t: number;
  conn: number;
  message: AmiEvent;
}

/** Scenario names (`06-originate-bridged-101-102`) that have a recorded parse. */
export function recordedScenarios(): string[] {
  return readdirSync(TRANSCRIPTS)
    .filter((name) => name.endsWith('.events.jsonl'))
    .map((name) => name.slice(0, -'.events.jsonl'.length))
    .sort();
}

/** The server-to-client bytes of connection `conn` (1 is `<scenario>.ami`, N is `<scenario>.connN.ami`). */
export function transcriptBytes(scenario: string, conn = 1): Buffer {
  return readFileSync(new URL(conn === 1 ? `${scenario}.ami` : `${scenario}.conn${conn}.ami`, TRANSCRIPTS));
}

/** Every message asterisk-manager parsed on one connection of a scenario, in order. */
export function recordedMessages(scenario: string, conn?: number): RecordedMessage[] {
  const lines = readFileSync(new URL(`${scenario}.events.jsonl`, TRANSCRIPTS), 'utf8').split('\n');
  const out: RecordedMessage[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { t: number; conn: number; item: AmiEvent };
    if (conn === undefined || entry.conn === conn) out.push({ t: entry.t, conn: entry.conn, message: entry.item });
  }
  return out;
}

/** Only the events (messages with an `Event` header), each with its arrival offset. */
export function recordedEvents(scenario: string, conn?: number): RecordedMessage[] {
  return recordedMessages(scenario, conn).filter((m) => typeof m.message.event === 'string');
}

/** The connections of a scenario that have recorded messages. */
export function recordedConnections(scenario: string): number[] {
  return [...new Set(recordedMessages(scenario).map((m) => m.conn))].sort((a, b) => a - b);
}

interface Manager {
  connect(port: number, host: string): void;
  on(event: 'managerevent' | 'response', listener: (message: AmiEvent) => void): void;
  on(event: 'close', listener: () => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  disconnect(): void;
}

// The package is untyped CommonJS; this is the part of it used here.
const AsteriskManager = createRequire(import.meta.url)('asterisk-manager') as new () => Manager;

/**
 * Parses `bytes` with the real asterisk-manager: a one-shot server on 127.0.0.1 writes them and
 * closes, the package connects without logging in, and every 'managerevent' and 'response' object
 * is collected in the order it was emitted. A message that is both (the async OriginateResponse,
 * NOTES §10 item 5) is the same object on both channels and is kept once.
 */
export async function parseWithAsteriskManager(bytes: Buffer): Promise<AmiEvent[]> {
  const server = createServer((socket) => socket.end(bytes));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const ami = new AsteriskManager();
  const seen = new Set<AmiEvent>();
  const out: AmiEvent[] = [];
  const collect = (message: AmiEvent) => {
    if (seen.has(message)) return;
    seen.add(message);
    out.push(message);
  };
  ami.on('managerevent', collect);
  ami.on('response', collect);
  try {
    await new Promise<void>((resolve, reject) => {
      ami.on('error', reject);
      ami.on('close', () => resolve());
      ami.connect(port, '127.0.0.1');
    });
    // The package emits one process.nextTick after parsing; let the last ones through.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    ami.disconnect();
    server.close();
  }
  return out;
}

/**
 * The condensed event order of `event-sequences.txt` for one scenario, as objects with the key
 * fields it shows (`Newchannel channel="…" uniqueid="…"` → `{ event: 'Newchannel', channel: … }`).
 * It hides Newexten, VarSet and RTCP events and most headers, but it is the only record of the
 * scenarios captured without a stream file (10b, 11, 13). Responses are left out.
 */
export function condensedSequence(scenario: string): RecordedMessage[] {
  const text = readFileSync(new URL('event-sequences.txt', AMI_FIXTURES), 'utf8');
  const start = text.indexOf(`### ${scenario}\n`);
  if (start < 0) throw new Error(`no condensed sequence for ${scenario}`);
  const end = text.indexOf('\n###', start + 4);
  const out: RecordedMessage[] = [];
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n').slice(1)) {
    const m = /^\s*(\d+) c(\d+) ([A-Za-z]+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const message: Record<string, string> = { event: m[3] };
    for (const field of (m[4] ?? '').matchAll(/([a-z0-9-]+)="((?:[^"\\]|\\.)*)"/g)) message[field[1]] = field[2];
    out.push({ t: Number(m[1]), conn: Number(m[2]), message });
  }
  return out;
}
