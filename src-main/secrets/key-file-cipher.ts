import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { AppError } from '../../src-shared/errors.js';
import type { SecretCipher } from './secret-store.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Host mode's cipher: AES-256-GCM with a random key kept in a 0600 file beside the data. It keeps
 * secrets out of plain settings and logs, but anyone who can read the user's files can read the
 * key, which is why the UI calls it weaker than the OS keychain.
 */
export class KeyFileCipher implements SecretCipher {
  readonly protection = 'key-file' as const;
  private readonly key: Buffer;

  constructor(keyFile: string) {
    this.key = loadOrCreateKey(keyFile);
  }

  encrypt(plain: string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decrypt(blob: Buffer, context: string): string {
    if (blob.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

function loadOrCreateKey(keyFile: string): Buffer {
  if (existsSync(keyFile)) {
    // Tighten a key file someone loosened by hand; it must never be readable by others.
    if ((statSync(keyFile).mode & 0o077) !== 0) chmodSync(keyFile, 0o600);
    const key = readFileSync(keyFile);
    if (key.length !== KEY_BYTES) {
      throw new AppError('STORAGE', `The key file ${keyFile} is not a ${KEY_BYTES}-byte key; it was left untouched`, {
        reason: 'bad-key-file',
        path: keyFile,
      });
    }
    return key;
  }
  const key = randomBytes(KEY_BYTES);
  writeFileSync(keyFile, key, { mode: 0o600, flag: 'wx' });
  return key;
}
