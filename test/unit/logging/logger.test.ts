import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { tempDir } from '../../support/temp-dir.js';

const FIXED = new Date('2024-03-04T05:06:07.089Z');

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0) : [];
}

describe('FileLogger', () => {
  test('writes one timestamped line per entry, creating the log folder, readable by the owner only', () => {
    const file = join(tempDir(), 'logs', 'nested', 'switchboard.log');
    const log = new FileLogger({ file, redactor: new Redactor(), now: () => FIXED });
    log.info('site created', { id: 'abc', vendor: 'issabel' });
    log.error('cache unavailable');
    expect(lines(file)).toEqual([
      '2024-03-04T05:06:07.089Z INFO  site created {"id":"abc","vendor":"issabel"}',
      '2024-03-04T05:06:07.089Z ERROR cache unavailable',
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test('entries below the level are dropped', () => {
    const file = join(tempDir(), 'a.log');
    const log = new FileLogger({ file, redactor: new Redactor(), level: 'warn' });
    log.debug('noise');
    log.info('more noise');
    log.warn('worth reading');
    expect(lines(file)).toHaveLength(1);
    expect(lines(file)[0]).toContain('WARN  worth reading');
    expect(log.recent(10)).toHaveLength(1);
  });

  test('sensitive context fields are redacted in the file, nested too', () => {
    const file = join(tempDir(), 'a.log');
    const log = new FileLogger({ file, redactor: new Redactor() });
    log.warn('login failed', {
      user: 'admin',
      password: 'hunter2-pw',
      http: { headers: { authorization: 'Bearer abc.def.ghi' }, apiKey: 'k-998877' },
    });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"user":"admin"');
    expect(text).toContain('"password":"[redacted]"');
    expect(text).toContain('"authorization":"[redacted]"');
    expect(text).toContain('"apiKey":"[redacted]"');
    for (const leaked of ['hunter2-pw', 'abc.def.ghi', 'k-998877']) expect(text).not.toContain(leaked);
  });

  test('remembered secrets are scrubbed from messages and context values', () => {
    const file = join(tempDir(), 'a.log');
    const redactor = new Redactor();
    const log = new FileLogger({ file, redactor });
    redactor.remember('Zx9-ami-secret');
    log.error('AMI said: Authentication failed for Zx9-ami-secret', { echo: 'Secret: Zx9-ami-secret' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('Zx9-ami-secret');
    expect(text).toContain('AMI said: Authentication failed for [redacted]');
    expect(text).toContain('"echo":"Secret: [redacted]"');
  });

  test('a context with a cycle is logged instead of throwing at the caller', () => {
    const file = join(tempDir(), 'a.log');
    const log = new FileLogger({ file, redactor: new Redactor() });
    const ctx: Record<string, unknown> = { id: 'loop' };
    ctx.self = ctx;
    expect(() => log.info('cyclic', ctx)).not.toThrow();
    expect(lines(file)[0]).toContain('cyclic {"id":"loop"');
  });

  test('recent() returns the newest redacted lines, oldest first', () => {
    const file = join(tempDir(), 'a.log');
    const redactor = new Redactor();
    const log = new FileLogger({ file, redactor });
    redactor.remember('top-secret-value');
    for (let i = 1; i <= 5; i++) log.info(`line ${i}`);
    log.info('echo top-secret-value', { token: 't0k3n-value' });
    const recent = log.recent(3);
    expect(recent).toHaveLength(3);
    expect(recent[0]).toContain('line 4');
    expect(recent[1]).toContain('line 5');
    expect(recent[2]).toContain('echo [redacted] {"token":"[redacted]"}');
    expect(recent.join('\n')).not.toMatch(/top-secret-value|t0k3n-value/);
    expect(recent).toEqual(lines(file).slice(-3));
  });

  test('rotates at maxBytes and keeps exactly `keep` old files, losing only the oldest lines', () => {
    const file = join(tempDir(), 'switchboard.log');
    const maxBytes = 400;
    const log = new FileLogger({ file, redactor: new Redactor(), maxBytes, keep: 2, now: () => FIXED });
    const total = 60;
    for (let i = 1; i <= total; i++) log.info(`entry ${String(i).padStart(3, '0')}`);

    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const f of [file, `${file}.1`, `${file}.2`]) expect(statSync(f).size).toBeLessThanOrEqual(maxBytes);

    // Oldest to newest: .2, .1, current; together a gap-free run ending with the last entry.
    const kept = [...lines(`${file}.2`), ...lines(`${file}.1`), ...lines(file)].map((line) => Number(line.slice(-3)));
    expect(kept[kept.length - 1]).toBe(total);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => total - kept.length + 1 + i));
    expect(kept.length).toBeLessThan(total);
  });

  test('an existing log file counts towards the size limit after a restart', () => {
    const file = join(tempDir(), 'switchboard.log');
    writeFileSync(file, `${'x'.repeat(390)}\n`);
    const log = new FileLogger({ file, redactor: new Redactor(), maxBytes: 400, keep: 1 });
    log.info('first line after restart');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe(`${'x'.repeat(390)}\n`);
    expect(lines(file)).toHaveLength(1);
    expect(lines(file)[0]).toContain('first line after restart');
  });
});
