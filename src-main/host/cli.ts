import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../src-shared/errors.js';
import { defaultHostDataDir } from './data-dir.js';
import { createHostCore } from './host-core.js';
import { startHostServer } from './host-server.js';

/** `npm run host`: the same core as the desktop app, in plain Node, with the UI served to a browser. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: process.env.SWITCHBOARD_PORT ?? '0' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const dataDir = values['data-dir'] ?? defaultHostDataDir();
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be a number from 0 to 65535, not ${values.port}`);
  }
  const core = createHostCore(dataDir, { logLevel: values.verbose ? 'debug' : 'info' });
  const rendererDir = join(import.meta.dirname, '../renderer');
  const server = await startHostServer({ core, rendererDir, port });

  process.stdout.write(`Switchboard host mode is running. Open this address in a browser:\n${server.url}\n`);
  process.stdout.write(`Data folder: ${dataDir} (secrets protected by a key file, weaker than the OS keychain)\n`);

  const stop = () => {
    void server.close().then(() => {
      core.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function fail(message: string): never {
  process.stderr.write(`switchboard: ${message}\n`);
  process.exit(1);
}

main().catch((err: unknown) => {
  fail(err instanceof AppError ? err.message : `could not start: ${err instanceof Error ? err.message : String(err)}`);
});
