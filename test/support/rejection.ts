import { expect } from 'vitest';
import { AppError } from '../../src-shared/errors.js';

/** Awaits a promise that must fail with a typed AppError, and returns that error. */
export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a typed failure, got success');
}
