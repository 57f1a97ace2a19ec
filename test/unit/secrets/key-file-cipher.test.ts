import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { KeyFileCipher } from '../../../src-main/secrets/key-file-cipher.js';
import { tempDir } from '../../support/temp-dir.js';

describe('KeyFileCipher', () => {
  test('creates a 32-byte key file readable by its owner only', () => {
    const keyFile = join(tempDir(), 'secret.key');
    new KeyFileCipher(keyFile);
    expect(readFileSync(keyFile)).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  test('reuses the key on the next start: what one instance encrypts, the next decrypts', () => {
    const keyFile = join(tempDir(), 'secret.key');
    const blob = new KeyFileCipher(keyFile).encrypt('amp-secret-1', 'site/a/ami');
    expect(new KeyFileCipher(keyFile).decrypt(blob, 'site/a/ami')).toBe('amp-secret-1');
  });

  test('encrypting the same value twice gives different blobs (fresh IV), both readable', () => {
    const cipher = new KeyFileCipher(join(tempDir(), 'secret.key'));
    const a = cipher.encrypt('same value', 'k');
    const b = cipher.encrypt('same value', 'k');
    expect(a.equals(b)).toBe(false);
    expect(cipher.decrypt(a, 'k')).toBe('same value');
    expect(cipher.decrypt(b, 'k')).toBe('same value');
  });

  test('a blob does not decrypt under another entry name, another key, or when tampered with', () => {
    const dir = tempDir();
    const cipher = new KeyFileCipher(join(dir, 'secret.key'));
    const blob = cipher.encrypt('pw-for-api', 'site/a/api');
    expect(() => cipher.decrypt(blob, 'site/b/api')).toThrow();
    expect(() => new KeyFileCipher(join(dir, 'other.key')).decrypt(blob, 'site/a/api')).toThrow();
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 0x01;
    expect(() => cipher.decrypt(tampered, 'site/a/api')).toThrow();
    expect(() => cipher.decrypt(blob.subarray(0, 20), 'site/a/api')).toThrow(/too short/);
  });

  test('a key file loosened by hand is tightened back to 0600 and still used', () => {
    const keyFile = join(tempDir(), 'secret.key');
    const blob = new KeyFileCipher(keyFile).encrypt('kept', 'k');
    chmodSync(keyFile, 0o644);
    const cipher = new KeyFileCipher(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(cipher.decrypt(blob, 'k')).toBe('kept');
  });

  test('a key file of the wrong size is refused rather than silently replaced', () => {
    const keyFile = join(tempDir(), 'secret.key');
    writeFileSync(keyFile, 'short', { mode: 0o600 });
    expect(() => new KeyFileCipher(keyFile)).toThrow(/not a 32-byte key/);
    expect(readFileSync(keyFile, 'utf8')).toBe('short');
  });
});
