import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../../src-shared/errors.js';
import { FileLogger } from '../../../src-main/logging/logger.js';
import { Redactor } from '../../../src-main/logging/redactor.js';
import { KeyFileCipher } from '../../../src-main/secrets/key-file-cipher.js';
import { EncryptedFileSecretStore } from '../../../src-main/secrets/secret-store.js';
import { sha256, tempDir } from '../../support/temp-dir.js';

const AMI_SECRET = 'Tr0ub4dor&3-ami';
const API_SECRET = 'correct horse battery staple';

let dir: string;
let secretsFile: string;
let keyFile: string;

beforeEach(() => {
  dir = tempDir();
  secretsFile = join(dir, 'secrets.json');
  keyFile = join(dir, 'secret.key');
});

function store(redactor = new Redactor()): EncryptedFileSecretStore {
  return new EncryptedFileSecretStore(secretsFile, new KeyFileCipher(keyFile), redactor);
}

function storageError(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError, got ${String(err)}`);
  }
  throw new Error('expected a STORAGE error');
}

describe('EncryptedFileSecretStore with KeyFileCipher', () => {
  test('what is set can be read back, also by a new instance after a restart', () => {
    const first = store();
    first.set('site/a/ami', AMI_SECRET);
    first.set('site/a/api', API_SECRET);
    expect(first.get('site/a/ami')).toBe(AMI_SECRET);

    const second = store();
    expect(second.get('site/a/ami')).toBe(AMI_SECRET);
    expect(second.get('site/a/api')).toBe(API_SECRET);
    expect(second.has('site/a/api')).toBe(true);
    expect(second.get('site/b/ami')).toBeUndefined();
    expect(second.has('site/b/ami')).toBe(false);
    expect(second.protection).toBe('key-file');
  });

  test('set replaces, delete forgets, and both survive a restart', () => {
    const first = store();
    first.set('k1', 'first value');
    first.set('k1', 'second value');
    first.set('k2', 'to be deleted');
    first.delete('k2');
    first.delete('never-existed');
    const second = store();
    expect(second.get('k1')).toBe('second value');
    expect(second.has('k2')).toBe(false);
    expect(second.get('k2')).toBeUndefined();
  });

  test('the secrets file never contains a plaintext secret', () => {
    const s = store();
    s.set('site/a/ami', AMI_SECRET);
    s.set('site/a/api', API_SECRET);
    const onDisk = readFileSync(secretsFile, 'utf8');
    expect(onDisk).not.toContain(AMI_SECRET);
    expect(onDisk).not.toContain(API_SECRET);
    expect(onDisk).not.toContain(Buffer.from(AMI_SECRET).toString('base64'));
    expect(onDisk).not.toContain(Buffer.from(API_SECRET).toString('base64'));
    expect(Object.keys(JSON.parse(onDisk).entries)).toEqual(['site/a/ami', 'site/a/api']);
  });

  test('the key file and the secrets file are readable by their owner only', () => {
    store().set('k', 'value1');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
  });

  test('a secrets file loosened by hand is 0600 again after the next write', () => {
    store().set('k', 'value1');
    chmodSync(secretsFile, 0o644);
    store().set('k', 'value2');
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
  });

  test('a blob copied to another entry name does not decrypt (it is bound to its entry)', () => {
    store().set('site/a/ami', AMI_SECRET);
    const file = JSON.parse(readFileSync(secretsFile, 'utf8')) as { version: 1; entries: Record<string, string> };
    file.entries['site/b/ami'] = file.entries['site/a/ami'];
    writeFileSync(secretsFile, JSON.stringify(file));

    const s = store();
    expect(s.get('site/a/ami')).toBe(AMI_SECRET);
    const error = storageError(() => s.get('site/b/ami'));
    expect(error.code).toBe('STORAGE');
    expect(error.details?.reason).toBe('undecryptable');
    expect(error.message).not.toContain(AMI_SECRET);
  });

  test('secrets encrypted with another key file are reported as STORAGE, not returned garbled', () => {
    store().set('site/a/ami', AMI_SECRET);
    const other = new EncryptedFileSecretStore(secretsFile, new KeyFileCipher(join(dir, 'other.key')), new Redactor());
    expect(storageError(() => other.get('site/a/ami')).code).toBe('STORAGE');
  });

  test.each([
    ['not JSON', '{"version": 1, "entries": {'],
    ['JSON of another shape', '{"version": 2, "items": []}'],
  ])('a secrets file that is %s is refused with STORAGE and left untouched', (_label, content) => {
    writeFileSync(secretsFile, content);
    const before = sha256(secretsFile);
    const error = storageError(() => store());
    expect(error.code).toBe('STORAGE');
    expect(error.details?.path).toBe(secretsFile);
    expect(sha256(secretsFile)).toBe(before);
    expect(readFileSync(secretsFile, 'utf8')).toBe(content);
  });

  test('a value written is remembered by the redactor: a later log line with it is redacted', () => {
    const redactor = new Redactor();
    const logFile = join(dir, 'app.log');
    const log = new FileLogger({ file: logFile, redactor });
    store(redactor).set('site/a/ami', AMI_SECRET);

    log.error(`Login failed for admin with ${AMI_SECRET}`, { detail: `server said: bad secret ${AMI_SECRET}` });

    const written = readFileSync(logFile, 'utf8');
    expect(written).toContain('Login failed for admin with [redacted]');
    expect(written).not.toContain(AMI_SECRET);
    expect(log.recent(1)[0]).not.toContain(AMI_SECRET);
  });

  test('a value read after a restart is remembered too', () => {
    store().set('site/a/api', API_SECRET);
    const redactor = new Redactor();
    const logFile = join(dir, 'app.log');
    const log = new FileLogger({ file: logFile, redactor });
    const restarted = store(redactor);

    expect(restarted.get('site/a/api')).toBe(API_SECRET);
    log.warn(`request echoed: Authorization failed for ${API_SECRET}`);

    expect(log.recent(1)[0]).toContain('request echoed: Authorization failed for [redacted]');
    expect(readFileSync(logFile, 'utf8')).not.toContain(API_SECRET);
  });
});
