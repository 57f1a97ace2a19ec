/**
 * An AMI message as asterisk-manager parses it: keys lower-cased, values strings; a repeated key
 * becomes an array (`output`), `Variable:`/`ChanVariable:` lines become an object. The link hands
 * these objects to the reducer as they are, without copying, so the hot path stays cheap.
 */
export type AmiMessageValue = string | string[] | Record<string, string> | undefined;

export interface AmiEvent {
  readonly [key: string]: AmiMessageValue;
}

/** A header's value as text: the first one if repeated, '' if absent or not text. */
export function text(message: AmiEvent, key: string): string {
  const value = message[key];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value[0] ?? '';
  return '';
}
