import { AppError } from '../../src-shared/errors.js';

/*
 * Reading what vendor APIs send: bodies that may not be JSON, values that are strings when they
 * should be numbers, nulls where a field is missing. Anything unexpected becomes a PBX_ERROR that
 * says what was wrong without quoting the body: error pages of some vendors carry credentials
 * (Issabel's 500 page prints the AMI secret), and errors reach the renderer and the log.
 */

export type JsonRecord = Record<string, unknown>;

/** What a body that is not JSON looks like, in words that quote nothing of it. */
function describeBody(text: string): string {
  const start = text.trimStart();
  if (start === '') return 'an empty answer';
  if (start.startsWith('<')) return 'an HTML page';
  return `${text.length} bytes of text`;
}

/** The body as JSON, or PBX_ERROR saying what kind of answer came instead. */
export function parseJsonBody(body: Buffer, what: string): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    const kind = describeBody(text);
    throw new AppError('PBX_ERROR', `The PBX answered ${what} with ${kind} instead of JSON`, { what, answer: kind });
  }
}

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list of objects, or PBX_ERROR; non-object items are skipped (PHP mixes strings into some lists). */
export function recordList(value: unknown, what: string): JsonRecord[] {
  if (!Array.isArray(value)) throw new AppError('PBX_ERROR', `The PBX answered ${what} with ${value === null ? 'null' : typeof value} instead of a list`, { what });
  return value.filter(isRecord);
}

/** A field as text: strings as they are, numbers and booleans printed, anything else empty. */
export function text(record: JsonRecord, key: string): string {
  const value = record[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** A non-negative integer field (vendors send `"41"`), or `fallback` when it is not one. */
export function count(record: JsonRecord, key: string, fallback = 0): number {
  const value = text(record, key).trim();
  return /^\d{1,12}$/.test(value) ? Number(value) : fallback;
}
