/*
 * The AMI simulator's own reader and writer. Deliberately independent of `src-main/ami/*` and
 * `src-main/live/*` (the client the simulator plays against, see DESIGN.md "The demo PBXs"): a bug
 * shared by both sides would hide.
 * The reader follows Asterisk's `manager.c` rather than the client: a line ends at CRLF *or* a bare LF,
 * an empty line ends the action, header names match case-insensitively and the value starts after the
 * colon and any blanks.
 */

export type WireHeaders = Array<[name: string, value: string]>;

/** One action as the client wrote it: header lines in order, split at the first colon. */
export class ClientAction {
  constructor(readonly headers: WireHeaders) {}

  /** The first header with this name (any case), like Asterisk's `astman_get_header`; '' when absent. */
  get(name: string): string {
    const wanted = name.toLowerCase();
    return this.headers.find(([key]) => key.toLowerCase() === wanted)?.[1] ?? '';
  }

  /** `Action:` skips empty values (Asterisk's GET_HEADER_SKIP_EMPTY). */
  get action(): string {
    return this.headers.find(([key, value]) => key.toLowerCase() === 'action' && value !== '')?.[1] ?? '';
  }
}

/** Asterisk keeps at most this many header lines per action (AST_MAX_MANHEADERS). */
export const MAX_ACTION_HEADERS = 128;
/** Unterminated input beyond this is not a client but a flood; the session is dropped. */
const MAX_PENDING_CHARS = 64 * 1024;

export type ReadResult = { kind: 'action'; action: ClientAction; headerLoss: boolean } | { kind: 'overflow' };

/** Incremental reader of client actions; chunks may end anywhere, even between CR and LF. */
export class ActionReader {
  private pending = '';
  private headers: WireHeaders = [];
  private headerLoss = false;

  push(chunk: string): ReadResult[] {
    this.pending += chunk;
    const out: ReadResult[] = [];
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, newline).replace(/\r$/, '');
      this.pending = this.pending.slice(newline + 1);
      if (line === '') {
        out.push({ kind: 'action', action: new ClientAction(this.headers), headerLoss: this.headerLoss });
        this.headers = [];
        this.headerLoss = false;
      } else if (this.headers.length < MAX_ACTION_HEADERS) {
        this.headers.push(splitHeader(line));
      } else {
        this.headerLoss = true;
      }
    }
    if (this.pending.length > MAX_PENDING_CHARS) {
      this.pending = '';
      out.push({ kind: 'overflow' });
    }
    return out;
  }
}

function splitHeader(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon < 0) return [line, ''];
  return [line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+/, '')];
}

/** One server message: `Key: Value` lines, each CRLF-terminated, then the empty line. */
export function formatMessage(headers: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of headers) out += `${key}: ${value}\r\n`;
  return `${out}\r\n`;
}

/** `Response:` message as `astman_send_response_full` writes it: ActionID only when the client sent one. */
export function formatResponse(
  response: 'Success' | 'Error' | 'Goodbye',
  actionId: string,
  rest: ReadonlyArray<readonly [string, string]>,
): string {
  const headers: Array<readonly [string, string]> = [['Response', response]];
  if (actionId !== '') headers.push(['ActionID', actionId]);
  headers.push(...rest);
  return formatMessage(headers);
}

/** Asterisk's `EventTV`/`SessionTV` shape: `2026-11-23T15:26:31.418+0000`. */
export function eventTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** Ping's `Timestamp: <seconds>.<microseconds>`. */
export function pingTimestamp(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000);
  const micros = Math.floor((nowMs - seconds * 1000) * 1000);
  return `${seconds}.${String(micros).padStart(6, '0')}`;
}
