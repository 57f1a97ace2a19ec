import { en, type MessageKey } from './en.js';

/** The active catalogue; English until Spanish and French land with the same keys. */
const catalogue: Record<MessageKey, string> = en;
/** The locale dates and numbers are written in; follows the catalogue. */
const locale = 'en';

export type { MessageKey };

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** For keys that arrive as data (validation messages from the shared schema, error codes). */
export function tKey(key: string, fallback: MessageKey, params: Record<string, string | number> = {}): string {
  return t(key in catalogue ? (key as MessageKey) : fallback, params);
}

/** The viewer's own zone, for times that belong to no site. */
export const viewerTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Date and time, always with the zone it is shown in: a time without its zone is ambiguous. */
export function formatDateTime(epochMs: number, timeZone: string = viewerTimeZone): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
    timeZone,
  }).format(epochMs);
}

/** A compact time for tight places (the status bar): the time of day with its zone, plus the date when it is not today. */
export function formatShortTime(epochMs: number, timeZone: string = viewerTimeZone, now: number = Date.now()): string {
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeZone });
  const sameDay = day.format(epochMs) === day.format(now);
  return new Intl.DateTimeFormat(locale, {
    ...(sameDay ? {} : { month: 'short', day: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
  }).format(epochMs);
}

/** A duration as h:mm:ss (or m:ss under an hour): durations need no zone. Negative spans (clock skew) read 0:00. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
