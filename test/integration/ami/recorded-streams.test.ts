import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AmiEvent } from '../../../src-main/live/ami-event.js';
import { parseRecordedStream } from '../../../src-main/ami/ami-connection.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const TRANSCRIPTS = resolve(ROOT, '../shared/fixtures/ami/transcripts');

async function parse(bytes: Buffer | Buffer[]): Promise<AmiEvent[]> {
  const messages: AmiEvent[] = [];
  await parseRecordedStream(bytes, (message) => messages.push(message));
  return messages;
}

describe('recorded AMI streams through the live link parser (asterisk-manager)', () => {
  it('parses 01-login-ping-logoff identically when the stream is split at every byte boundary', async () => {
    const bytes = readFileSync(resolve(TRANSCRIPTS, '01-login-ping-logoff.ami'));
    const whole = await parse(bytes);
    // What asterisk-manager itself produced against the real Asterisk, recorded beside the stream.
    const recorded = readFileSync(resolve(TRANSCRIPTS, '01-login-ping-logoff.events.jsonl'), 'utf8').trim().split('\n');
    expect(whole).toHaveLength(recorded.length);
    for (let at = 1; at < bytes.length; at++) {
      const split = await parse([bytes.subarray(0, at), bytes.subarray(at)]);
      expect(split, `split at byte ${at}`).toEqual(whole);
    }
  }, 60_000);
});

describe('npm run ami:replay', () => {
  function replay(...args: string[]) {
    return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/ami/replay-cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  }

  it('prints the board every N events and at the end, one JSON line each', () => {
    const result = replay(resolve(TRANSCRIPTS, '06-originate-bridged-101-102.ami'), '--every', '20');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { events: number; calls: Array<{ state: string; from: { extension: string }; to: Array<{ extension: string }> }>; presence: Record<string, { state: string }> });
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(0, -1).every((line) => line.events % 20 === 0)).toBe(true);
    // Somewhere in the middle, 101 and 102 talk (NOTES §5, scenario 06); at the end the call is gone.
    const talking = lines.find((line) => line.calls.some((call) => call.state === 'up' && call.from.extension === '101' && call.to.some((p) => p.extension === '102')));
    expect(talking).toBeDefined();
    const last = lines.at(-1)!;
    expect(last.calls).toEqual([]);
    expect(last.presence['101']?.state).toBe('idle');
  });

  it('says what is wrong with a missing file or bad arguments, without a stack trace', () => {
    const missing = replay('/nonexistent/capture.ami');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('cannot read /nonexistent/capture.ami');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    for (const bad of [replay('--every', 'lots'), replay('capture.ami', '--colour')]) {
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe('usage: npm run ami:replay -- FILE [--every N] [--site NAME]\n');
    }
  });
});
