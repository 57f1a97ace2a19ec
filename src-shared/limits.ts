/** The largest request a transport accepts; anything bigger is refused with VALIDATION. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Byte length of a string as UTF-8, without needing Node's Buffer or a DOM TextEncoder. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
