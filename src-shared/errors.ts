/**
 * The typed error every request can answer with. `code` is what code branches on; `message` is for
 * logs and diagnostics (the renderer shows its own catalogue text for the code); `details` carries
 * what a person needs to act (field issues, a certificate fingerprint, …) and never a secret.
 */
export const ERROR_CODES = [
  'AUTH_FAILED',
  'UNREACHABLE',
  'TLS_UNTRUSTED',
  'TIMEOUT',
  'VALIDATION',
  'NOT_SUPPORTED',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'PBX_ERROR',
  'RATE_LIMITED',
  'CANCELLED',
  'STORAGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `ami.port`; empty for the whole input. */
  path: string;
  /** An i18n catalogue key (`validation.*`). */
  message: string;
}

export interface ErrorDetails {
  issues?: FieldIssue[];
  [key: string]: unknown;
}

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

export class AppError extends Error implements AppErrorShape {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toShape(): AppErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Any thrown value as a typed error: an AppError as it is, anything else as INTERNAL. */
export function toAppError(err: unknown): AppError {
  return err instanceof AppError ? err : new AppError('INTERNAL', err instanceof Error ? err.message : String(err));
}

/** What a request answers over any transport: exactly one of `result` or `error`. */
export type Envelope<T> = { result: T; error?: undefined } | { error: AppErrorShape; result?: undefined };
