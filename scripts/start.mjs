// `npm start`: the desktop app. Where the Electron binary was never downloaded (offline build
// machines), say so in one line and point at the alternatives instead of a stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

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

const child = spawn('npx', ['electron-vite', 'preview'], { stdio: 'inherit', shell: process.platform === 'win32' });
child.on('exit', (code) => process.exit(code ?? 0));
