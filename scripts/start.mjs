// `npm start`: the desktop app. Where the Electron binary was never downloaded (offline build
// machines), say so in one line and point at the alternatives instead of a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let binary = null;
try {
  // The electron package exports the binary's path, and throws when it was never downloaded.
  binary = require('electron');
} catch {
  binary = null;
}
if (typeof binary !== 'string' || !existsSync(binary)) {
  process.stderr.write(
    'Switchboard: the Electron binary is not installed here; fetch it with `node node_modules/electron/install.js` (needs internet), or run the same app in a browser with `npm run host`.\n',
  );
  process.exit(1);
}

// The cache needs better-sqlite3 built for Electron's ABI (the one in node_modules is Node's, for
// the tests). Build it once; without it the app still runs and says the cache is unavailable.
const abi = readFileSync(join(dirname(require.resolve('electron/package.json')), 'abi_version'), 'utf8').trim();
if (!existsSync(`resources/native/better_sqlite3-abi${abi}.node`)) {
  const rebuild = spawnSync(process.execPath, ['scripts/rebuild-sqlite-for-electron.mjs'], { stdio: 'inherit' });
  if (rebuild.status !== 0) {
    process.stderr.write('Switchboard: could not build the local cache for Electron; the app starts without it. Retry with `npm run rebuild:electron`.\n');
  }
}

const child = spawn('npx', ['electron-vite', 'preview'], { stdio: 'inherit', shell: process.platform === 'win32' });
child.on('exit', (code) => process.exit(code ?? 0));
