import { AppError } from '../../src-shared/errors.js';

/*
 * Reading what vendor APIs send: bodies that may not be JSON, values that are strings when they
 * should be numbers, nulls where a field is missing. Anything unexpected becomes a PBX_ERROR that
 * says what was wrong, with a short excerpt (never a header, so never a credential).
 */

export type JsonRecord = Record<string, unknown>;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

/** The body as JSON, or PBX_ERROR naming what the PBX sent instead. */
export function parseJsonBody(body: Buffer, what: string): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('PBX_ERROR', `The PBX answered ${what} with something that is not JSON: "${excerpt(text)}"`, { what, excerpt: excerpt(text) });
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
