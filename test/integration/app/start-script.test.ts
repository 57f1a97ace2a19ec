import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('npm start without the Electron binary', () => {
  it('says so in one line, names both ways forward, and prints no stack trace', () => {
    // Point the electron package at a folder with no binary, as on a machine that never downloaded it.
    const result = spawnSync(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: resolve(ROOT, 'no-electron-here') },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Electron binary is not installed');
    expect(lines[0]).toContain('node node_modules/electron/install.js');
    expect(lines[0]).toContain('npm run host');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
