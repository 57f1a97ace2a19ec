import type { Logger } from '../../src-main/logging/logger.js';

/** A logger that keeps its lines in memory, for tests that read what was logged (or ignore it). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];

  private write(level: string, message: string, context?: Record<string, unknown>): void {
    this.lines.push(`${level} ${message} ${JSON.stringify(context ?? {})}`);
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
    return this.lines.slice(-limit);
  }
}
