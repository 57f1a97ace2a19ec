/** One AMI message: its headers in order, keys as the server spelled them. */
export interface AmiMessage {
  headers: Array<[string, string]>;
}

/** The first value of a header, matched case-insensitively as Asterisk does for requests. */
export function amiHeader(message: AmiMessage, key: string): string | undefined {
  const wanted = key.toLowerCase();
  return message.headers.find(([name]) => name.toLowerCase() === wanted)?.[1];
}

export type AmiParseItem = { kind: 'banner'; text: string } | { kind: 'message'; message: AmiMessage };

const MESSAGE_END = '\r\n\r\n';
/** A frame larger than this is a broken peer, not a message; the caller drops the link. */
const MAX_FRAME_CHARS = 1024 * 1024;

/**
 * Incremental AMI reader: feed it whatever the socket delivered (chunks end anywhere, even inside a
 * CRLF) and it yields the banner line, then whole messages. Messages end with CRLF CRLF; a bare LF
 * before the end (Asterisk 22's `No Contacts found\n`) is trimmed rather than read as a message.
 */
export class AmiFrameParser {
  private buffer = '';
  private bannerSeen = false;

  push(chunk: string): AmiParseItem[] {
    this.buffer += chunk;
    const items: AmiParseItem[] = [];
    if (!this.bannerSeen) {
      const eol = this.buffer.indexOf('\r\n');
      if (eol < 0) {
        this.checkSize();
        return items;
      }
      items.push({ kind: 'banner', text: this.buffer.slice(0, eol) });
      this.buffer = this.buffer.slice(eol + 2);
      this.bannerSeen = true;
    }
    let end: number;
    while ((end = this.buffer.indexOf(MESSAGE_END)) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + MESSAGE_END.length);
      const message = parseFrame(frame);
      if (message.headers.length > 0) items.push({ kind: 'message', message });
    }
    this.checkSize();
    return items;
  }

  private checkSize(): void {
    if (this.buffer.length > MAX_FRAME_CHARS) {
      this.buffer = '';
      throw new Error(`AMI frame larger than ${MAX_FRAME_CHARS} characters`);
    }
  }
}

function parseFrame(frame: string): AmiMessage {
  const headers: Array<[string, string]> = [];
  for (const rawLine of frame.split('\r\n')) {
    const line = rawLine.replace(/\n+$/, '');
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      // A line without a key (seen only from broken peers) is kept as a value so nothing is lost.
      headers.push(['', line]);
      continue;
    }
    const value = line.slice(colon + 1);
    headers.push([line.slice(0, colon), value.startsWith(' ') ? value.slice(1) : value]);
  }
  return { headers };
}
