import type { ElastixCdr } from './cdr.js';

/*
 * Call recordings under `/var/spool/asterisk/monitor`, held in memory as path (relative to that
 * directory, leading `/`) -> bytes. FreePBX >= 2.11 (Elastix 2.5/4) files them as
 * `/YYYY/MM/DD/<recordingfile>`; older Elastix kept them flat (`/<recordingfile>`), and one file
 * is kept that way so a client has to try both. Audio is a short 8 kHz 16-bit mono PCM tone, enough
 * to play and small to serve. `getwavfile` resolves the name like PHP's `realpath()` (every
 * directory on the way must exist, `..` resolved) and refuses what ends outside the spool; a few
 * real system files exist outside it, so a traversal that got through would be seen.
 */

export const MONITOR_DIR = '/var/spool/asterisk/monitor';

/** Directories of the box outside the spool that a `..` walk may pass through. */
const SYSTEM_DIRS = ['/', '/etc', '/tmp', '/usr', '/root', '/var', '/var/log', '/var/lib', '/var/lib/asterisk', '/var/spool', '/var/spool/asterisk', '/var/spool/asterisk/voicemail', '/var/www', '/var/www/html', '/var/www/html/api', MONITOR_DIR];

/** A RIFF/WAVE file of `seconds` of a sine tone, 8 kHz 16-bit mono PCM. */
export function toneWav(seconds: number, frequency: number): Buffer {
  const rate = 8000;
  const samples = Math.round(seconds * rate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const fade = Math.min(1, i / 400, (samples - i) / 400);
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * i) / rate) * 8000 * fade), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Where FreePBX >= 2.11 files a CDR's recording: `/YYYY/MM/DD/<recordingfile>`. */
export function datedPath(row: Pick<ElastixCdr, 'calldate' | 'recordingfile'>): string {
  return `/${row.calldate.slice(0, 10).replace(/-/g, '/')}/${row.recordingfile}`;
}

/**
 * Files for the newest `count` recorded calls in the dated layout, and one older recorded call in
 * the flat layout of older Elastix.
 */
export function seedRecordings(cdrs: readonly ElastixCdr[], count: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (count <= 0) return files;
  const recorded = cdrs.filter((row) => row.recordingfile !== '');
  const newest = recorded.slice(-count).reverse();
  newest.forEach((row, i) => files.set(datedPath(row), toneWav(0.5, 440 + 110 * i)));
  const older = recorded.length > count ? recorded[Math.floor((recorded.length - count) / 2)] : undefined;
  if (older) files.set(`/${older.recordingfile}`, toneWav(0.5, 330));
  return files;
}

/** The box's files: recordings under the spool, plus a few system files outside it. */
export interface BoxFiles {
  /** Spool-relative path -> bytes. */
  readonly recordings: ReadonlyMap<string, Buffer>;
  /** Absolute path -> bytes (`/etc/passwd`, manager.conf): present so a confinement bug would show. */
  readonly system: ReadonlyMap<string, Buffer>;
}

function fileAt(path: string, files: BoxFiles): Buffer | undefined {
  if (path.startsWith(`${MONITOR_DIR}/`)) return files.recordings.get(path.slice(MONITOR_DIR.length));
  return files.system.get(path);
}

function isDirectory(path: string, files: BoxFiles): boolean {
  if (SYSTEM_DIRS.includes(path)) return true;
  const prefix = `${path}/`;
  for (const key of files.system.keys()) if (key.startsWith(prefix)) return true;
  if (!path.startsWith(`${MONITOR_DIR}/`)) return false;
  const inner = prefix.slice(MONITOR_DIR.length);
  for (const key of files.recordings.keys()) if (key.startsWith(inner)) return true;
  return false;
}

/** PHP's `realpath()`: the absolute path of an existing file or directory, `.`/`..` resolved; undefined otherwise. */
export function realpath(path: string, files: BoxFiles): string | undefined {
  if (path.includes('\0') || !path.startsWith('/')) return undefined;
  const segments = path.split('/').filter((s) => s !== '');
  const trailingSlash = path.endsWith('/');
  const parts: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '.') continue;
    if (segment === '..') {
      parts.pop();
      continue;
    }
    parts.push(segment);
    // Every component followed by more (or by a trailing `/`) must be an existing directory.
    if ((i < segments.length - 1 || trailingSlash) && !isDirectory(`/${parts.join('/')}`, files)) return undefined;
  }
  const resolved = `/${parts.join('/')}`;
  return isDirectory(resolved, files) || fileAt(resolved, files) ? resolved : undefined;
}

/**
 * `Elastix::get_wav_file`: `realpath($directory . $name)`, then the result must start with the spool
 * directory and be a file. The file's name and bytes, or undefined (the 404 answer).
 */
export function readRecording(name: string | undefined, files: BoxFiles): { basename: string; bytes: Buffer } | undefined {
  const file = realpath(MONITOR_DIR + (name ?? ''), files);
  if (file === undefined || !file.startsWith(MONITOR_DIR)) return undefined;
  const bytes = fileAt(file, files);
  return bytes ? { basename: file.slice(file.lastIndexOf('/') + 1), bytes } : undefined;
}
