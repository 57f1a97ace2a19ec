import { join } from 'node:path';

/** Where each file lives inside the user data folder. */
export function dataPaths(dataDir: string) {
  return {
    cache: join(dataDir, 'cache.sqlite'),
    secrets: join(dataDir, 'secrets.json'),
    secretKey: join(dataDir, 'secret.key'),
    log: join(dataDir, 'logs', 'switchboard.log'),
  };
}
