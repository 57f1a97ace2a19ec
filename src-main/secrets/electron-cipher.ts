import { safeStorage } from 'electron';
import { dataPaths } from '../core/data-paths.js';
import { KeyFileCipher } from './key-file-cipher.js';
import type { SecretCipher } from './secret-store.js';

/**
 * The desktop app's cipher: Electron safeStorage (Keychain, DPAPI, libsecret/kwallet). The entry
 * name is prefixed to the plaintext so a blob copied to another entry fails to decrypt.
 */
export class ElectronSafeStorageCipher implements SecretCipher {
  readonly protection = 'os-keychain' as const;

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

/**
 * The keychain where the OS really has one. On Linux without a keyring, safeStorage silently falls
 * back to `basic_text` (a fixed, public password); calling that "keychain" would be a lie, so the
 * key-file cipher is used instead and the UI labels it as weaker.
 */
export function createDesktopCipher(dataDir: string): SecretCipher {
  const available = safeStorage.isEncryptionAvailable();
  const plainText = process.platform === 'linux' && available && safeStorage.getSelectedStorageBackend() === 'basic_text';
  return available && !plainText ? new ElectronSafeStorageCipher() : new KeyFileCipher(dataPaths(dataDir).secretKey);
}
