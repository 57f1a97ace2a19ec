import type { z } from 'zod';
import { AppError, type FieldIssue } from '../../src-shared/errors.js';

/** Turns zod issues into field issues whose messages are catalogue keys. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: catalogueKeyFor(issue),
  }));
}

function catalogueKeyFor(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith('validation.')) return issue.message;
  if (issue.code === 'unrecognized_keys') return 'validation.unknownField';
  return 'validation.invalid';
}

export function validationError(error: z.ZodError, what: string): AppError {
  const issues = toFieldIssues(error);
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.path || '(input)'}: ${issue.message}`)
    .join('; ');
  return new AppError('VALIDATION', `Invalid ${what}: ${summary}`, { issues });
}
