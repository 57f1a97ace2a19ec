import { appendFileSync, existsSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Redactor } from './redactor.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
  /** The newest lines (already redacted), oldest first; for diagnostics. */
  recent(limit: number): string[];
}

export interface FileLoggerOptions {
  file: string;
  redactor: Redactor;
  level?: LogLevel;
  /** Rotate when the file would grow past this many bytes. */
  maxBytes?: number;
  /** How many rotated files (`.1` … `.N`) to keep. */
  keep?: number;
  /** Also echo to stderr (host mode's terminal). */
  echo?: boolean;
  now?: () => Date;
}

const RECENT_LINES = 500;

/**
 * Appends one line per entry to a file in the user data folder and rotates it by size. Writes are
 * synchronous: a crash must not lose the line that explains it, and the volume is a few lines a second.
 */
export class FileLogger implements Logger {
  private readonly options: Required<Omit<FileLoggerOptions, 'now'>> & { now: () => Date };
  private readonly ring: string[] = [];
  private size: number;

  constructor(options: FileLoggerOptions) {
    this.options = { level: 'info', maxBytes: 1024 * 1024, keep: 3, echo: false, now: () => new Date(), ...options };
    mkdirSync(dirname(options.file), { recursive: true });
    this.size = existsSync(options.file) ? statSync(options.file).size : 0;
  }

  debug(message: string, context?: Record<string, unknown>): void {
    this.write('debug', message, context);
  }
  info(message: string, context?: Record<string, unknown>): void {
    this.write('info', message, context);
  }
  warn(message: string, context?: Record<string, unknown>): void {
    this.write('warn', message, context);
  }
  error(message: string, context?: Record<string, unknown>): void {
    this.write('error', message, context);
  }

  recent(limit: number): string[] {
    return this.ring.slice(-limit);
  }

  private write(level: LogLevel, message: string, context?: Record<string, unknown>): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.options.level]) return;
    const redactor = this.options.redactor;
    const ctx = context === undefined ? '' : ` ${JSON.stringify(redactor.value(context))}`;
    const line = `${this.options.now().toISOString()} ${level.toUpperCase().padEnd(5)} ${redactor.text(message)}${ctx}`;
    this.ring.push(line);
    if (this.ring.length > RECENT_LINES) this.ring.shift();
    const bytes = Buffer.byteLength(line) + 1;
    if (this.size + bytes > this.options.maxBytes && this.size > 0) this.rotate();
    try {
      appendFileSync(this.options.file, `${line}\n`, { mode: 0o600 });
      this.size += bytes;
    } catch {
      // A full or read-only disk must not take the app down with it; the ring still has the line.
    }
    if (this.options.echo) process.stderr.write(`${line}\n`);
  }

  private rotate(): void {
    const { file, keep } = this.options;
    try {
      if (existsSync(`${file}.${keep}`)) unlinkSync(`${file}.${keep}`);
      for (let i = keep - 1; i >= 1; i--) {
        if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      }
      renameSync(file, `${file}.1`);
    } catch {
      // Rotation is best effort; appending to the old file is better than losing lines.
    }
    this.size = existsSync(file) ? statSync(file).size : 0;
  }
}
