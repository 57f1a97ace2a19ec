// Builds better-sqlite3 for Electron's ABI into resources/native/ without touching the Node build
// in node_modules that the tests load. Needs internet (Electron headers or a prebuilt binary).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
// Named after the ABI so an Electron upgrade never loads a binding built for the old one.
const abi = readFileSync(join(dirname(require.resolve('electron/package.json')), 'abi_version'), 'utf8').trim();
const target = `resources/native/better_sqlite3-abi${abi}.node`;
const source = dirname(require.resolve('better-sqlite3/package.json'));
const work = mkdtempSync(join(tmpdir(), 'sqlite-electron-'));
try {
  cpSync(source, join(work, 'better-sqlite3'), { recursive: true, filter: (path) => !path.includes(`${source}/build`) });
  execFileSync('npm', ['run', 'install'], {
    cwd: join(work, 'better-sqlite3'),
    stdio: 'inherit',
    env: {
      ...process.env,
      npm_config_runtime: 'electron',
      npm_config_target: electronVersion,
      npm_config_disturl: 'https://electronjs.org/headers',
    },
  });
  mkdirSync('resources/native', { recursive: true });
  copyFileSync(join(work, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), target);
  process.stdout.write(`better-sqlite3 built for Electron ${electronVersion}: ${target}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
