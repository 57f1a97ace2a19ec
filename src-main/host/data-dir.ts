import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Host mode keeps its own data folder, apart from the desktop app's: its secrets are protected
 * differently and the two must never read each other's files.
 */
export function defaultHostDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWITCHBOARD_DATA_DIR) return env.SWITCHBOARD_DATA_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'Switchboard (host mode)');
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'switchboard-host');
}
