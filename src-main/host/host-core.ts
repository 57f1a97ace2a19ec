import Conf from 'conf';
import type { LogLevel } from '../logging/logger.js';
import { createCore, type Core, type CoreOptions } from '../core/create-core.js';
import { dataPaths } from '../core/data-paths.js';
import { KeyFileCipher } from '../secrets/key-file-cipher.js';
import pkg from '../../package.json' with { type: 'json' };

/** The core as host mode runs it: conf for settings, the key-file cipher for secrets. */
export function createHostCore(dataDir: string, options: { logLevel?: LogLevel; linkTimings?: CoreOptions['linkTimings'] } = {}): Core {
  return createCore({
    dataDir,
    mode: 'host',
    version: pkg.version,
    versions: { node: process.versions.node, v8: process.versions.v8 },
    createCipher: (dir) => new KeyFileCipher(dataPaths(dir).secretKey),
    settingsFactory: (options) => new Conf(options),
    logLevel: options.logLevel ?? 'info',
    linkTimings: options.linkTimings,
  });
}
