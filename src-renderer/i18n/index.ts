import { en, type MessageKey } from './en.js';

/** The active catalogue; English until Spanish and French land with the same keys. */
const catalogue: Record<MessageKey, string> = en;

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

export function formatDateTime(epochMs: number, timeZone: string = viewerTimeZone): string {
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone }).format(epochMs);
}
