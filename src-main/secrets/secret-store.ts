import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretProtection } from '../../src-shared/domain/app.js';
import { AppError } from '../../src-shared/errors.js';
import type { Redactor } from '../logging/redactor.js';

/** Where secrets live. Callers never see how they are protected, only how strongly. */
export interface SecretStore {
  readonly protection: SecretProtection;
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  has(key: string): boolean;
}

/** Encrypts one secret; `context` binds the ciphertext to its entry so blobs cannot be swapped. */
export interface SecretCipher {
  readonly protection: SecretProtection;
  encrypt(plain: string, context: string): Buffer;
  decrypt(blob: Buffer, context: string): string;
}

interface SecretFile {
  version: 1;
  entries: Record<string, string>;
}

/**
 * Secrets as ciphertext in one JSON file (mode 0600), written atomically. The cipher decides the
 * protection: the OS keychain through Electron's safeStorage, or host mode's AES-GCM key file.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly protection: SecretProtection;
  private entries: Record<string, string>;

  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher,
    private readonly redactor: Redactor,
  ) {
    this.protection = cipher.protection;
    this.entries = this.load();
    this.rememberAll();
  }

  get(key: string): string | undefined {
    const blob = this.entries[key];
    if (blob === undefined) return undefined;
    let plain: string;
    try {
      plain = this.cipher.decrypt(Buffer.from(blob, 'base64'), key);
    } catch {
      throw new AppError('STORAGE', `The stored secret "${key}" cannot be decrypted on this machine; enter it again`, {
        reason: 'undecryptable',
        key,
      });
    }
    this.redactor.remember(plain);
    return plain;
  }

  set(key: string, value: string): void {
    this.redactor.remember(value);
    this.entries = { ...this.entries, [key]: this.cipher.encrypt(value, key).toString('base64') };
    this.save();
  }

  delete(key: string): void {
    if (!(key in this.entries)) return;
    const next = { ...this.entries };
    delete next[key];
    this.entries = next;
    this.save();
  }

  has(key: string): boolean {
    return key in this.entries;
  }

  /** Teaches the redactor every stored secret up front, so none can reach a log unscrubbed. */
  private rememberAll(): void {
    for (const key of Object.keys(this.entries)) {
      try {
        this.get(key);
      } catch {
        // An entry this machine cannot decrypt holds nothing it could leak; get() reports it when used.
      }
    }
  }

  private load(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw new AppError('STORAGE', `The secret store ${this.file} is not valid JSON; it was left untouched`, {
        reason: 'unreadable',
        path: this.file,
        cause: err instanceof Error ? err.message : String(err),
      });
    }
    const file = parsed as Partial<SecretFile>;
    if (file.version !== 1 || typeof file.entries !== 'object' || file.entries === null) {
      throw new AppError('STORAGE', `The secret store ${this.file} has an unknown format; it was left untouched`, {
        reason: 'unknown-format',
        path: this.file,
      });
    }
    return Object.fromEntries(Object.entries(file.entries).filter(([, value]) => typeof value === 'string'));
  }

  private save(): void {
    const body: SecretFile = { version: 1, entries: this.entries };
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(body, null, 2), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }
}
