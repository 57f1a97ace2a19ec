import { AppError } from '../../src-shared/errors.js';

/** AMI headers in the order they are written. A key may repeat (e.g. `Variable`). */
export type AmiAction = ReadonlyArray<readonly [key: string, value: string]>;

const KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Serialises one action. Any CR or LF in a value would end the header early and let text typed in
 * the UI inject headers or whole actions, so it is refused rather than stripped.
 */
export function writeAmiAction(action: AmiAction): string {
  let out = '';
  for (const [key, value] of action) {
    assertSafeHeader(key, value);
    out += `${key}: ${value}\r\n`;
  }
  return `${out}\r\n`;
}

/** Refuses a header that would break AMI framing; every action Switchboard sends passes here. */
export function assertSafeHeader(key: string, value: string): void {
  if (!KEY.test(key)) throw new AppError('VALIDATION', `Invalid AMI header name ${JSON.stringify(key)}`);
  if (/[\r\n]/.test(value)) {
    throw new AppError('VALIDATION', `AMI header ${key} contains a line break`, {
      issues: [{ path: key, message: 'validation.controlCharacters' }],
    });
  }
}
