import { AppError } from '../../src-shared/errors.js';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'EPIPE',
]);

/** Maps a socket error to the typed error a person can act on; `where` names host:port, never credentials. */
export function socketError(err: unknown, where: string): AppError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (err instanceof AppError) return err;
  if (code === 'ETIMEDOUT') return new AppError('TIMEOUT', `${where} did not answer in time`, { where });
  if (UNREACHABLE_CODES.has(code)) {
    return new AppError('UNREACHABLE', `${where} cannot be reached (${code})`, { where, cause: code });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AppError('UNREACHABLE', `${where}: ${message}`, { where, cause: code || 'unknown' });
}
