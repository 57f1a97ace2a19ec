import { safeStorage } from 'electron';
import type { SecretCipher } from './secret-store.js';

/**
 * The desktop app's cipher: Electron safeStorage (Keychain, DPAPI, libsecret/kwallet). The entry
 * name is prefixed to the plaintext so a blob copied to another entry fails to decrypt.
 */
export class ElectronSafeStorageCipher implements SecretCipher {
  readonly protection = 'os-keychain' as const;

  constructor() {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new Error('The operating system offers no secret storage (safeStorage unavailable)');
    }
  }

  encrypt(plain: string, context: string): Buffer {
    return safeStorage.encryptString(`${context}\u0000${plain}`);
  }

  decrypt(blob: Buffer, context: string): string {
    const text = safeStorage.decryptString(blob);
    const prefix = `${context}\u0000`;
    if (!text.startsWith(prefix)) throw new Error('secret belongs to another entry');
    return text.slice(prefix.length);
  }
}
