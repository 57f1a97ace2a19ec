import { AppError } from '../../../src-shared/errors.js';

/** Extension and ring-group numbers as Issabel numbers them; anything else could not name one in a path. */
export const NUMBER = /^\d{1,20}$/;

/** Numeric order for numbers of any length: 99 before 100. */
export function byNumber(a: { number: string }, b: { number: string }): number {
  return a.number.length - b.number.length || a.number.localeCompare(b.number);
}

export function badNumber(number: string): AppError {
  return new AppError('VALIDATION', `Not an Issabel number: ${number}`, { issues: [{ path: 'number', message: 'validation.invalid' }] });
}

export function notFound(what: string, number: string): AppError {
  return new AppError('NOT_FOUND', `${what} ${number} does not exist`, { number });
}
