import { AppError } from '../../../src-shared/errors.js';

/*
 * Rows of Asterisk's cdr_csv (Master.csv) from bytes as they arrive, however the chunks cut them.
 * cdr_csv quotes most fields and doubles the quotes inside them (`"""Alice"" <1001>"`), leaves
 * duration and billsec bare, and may keep a newline inside a quoted field, so a row ends only at a
 * newline outside quotes. Scanning bytes rather than text keeps multi-byte UTF-8 characters whole
 * (quote, comma and newline never occur inside one) and counts exactly how many bytes the complete
 * rows took, which is where a cut download can resume.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

function field(text: string, start: number, end: number): string {
  if (end - start >= 2 && text.charCodeAt(start) === QUOTE && text.charCodeAt(end - 1) === QUOTE) {
    const inner = text.slice(start + 1, end - 1);
    return inner.includes('"') ? inner.replaceAll('""', '"') : inner;
  }
  return text.slice(start, end);
}

/** The end of the last complete row in `data` (just after its newline), or 0. */
function lastRowEnd(data: Buffer): number {
  let quoted = false;
  let end = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b === QUOTE) quoted = !quoted;
    else if (b === LF && !quoted) end = i + 1;
  }
  return end;
}

/** Complete rows of text (each ending in a newline) split into fields. */
function rowsOf(text: string): string[][] {
  const rows: string[][] = [];
  let fields: string[] = [];
  let fieldStart = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (c === COMMA) {
      fields.push(field(text, fieldStart, i));
      fieldStart = i + 1;
    } else if (c === LF) {
      const end = i > fieldStart && text.charCodeAt(i - 1) === CR ? i - 1 : i;
      fields.push(field(text, fieldStart, end));
      rows.push(fields);
      fields = [];
      fieldStart = i + 1;
    }
  }
  return rows;
}

export class CsvRows {
  private pending: Buffer = Buffer.alloc(0);
  private committedBytes = 0;

  /**
   * `onCommit` sees every byte that ends up in a complete row, in order (the resume check hashes
   * them). A row longer than `maxRowBytes` (an unterminated quote would make the rest of the file
   * one row) fails the parse instead of growing without bound.
   */
  constructor(
    private readonly onCommit: (bytes: Buffer) => void = () => undefined,
    private readonly maxRowBytes = 1 << 20,
  ) {}

  /** Bytes taken by complete rows so far: where the next byte of the file belongs. */
  get committed(): number {
    return this.committedBytes;
  }

  /** The complete rows that `chunk` finishes. */
  push(chunk: Buffer): string[][] {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    // Rows end at bytes, so a multi-byte character is never cut; the text is decoded once per chunk.
    const end = lastRowEnd(data);
    const rows = end > 0 ? rowsOf(data.toString('utf8', 0, end)) : [];
    if (end > 0) this.commit(data.subarray(0, end));
    // A copy: a slice would keep the whole chunk alive for the sake of a partial row.
    this.pending = Buffer.from(data.subarray(end));
    if (this.pending.length > this.maxRowBytes) {
      throw new AppError('PBX_ERROR', `The PBX's call log has a row longer than ${this.maxRowBytes} bytes (a broken quote?)`, { at: this.committedBytes });
    }
    return rows;
  }

  /** The last row when the file does not end with a newline. */
  end(): string[][] {
    if (this.pending.length === 0) return [];
    const rows = this.push(Buffer.from([LF]));
    // The newline added above is not part of the file.
    this.committedBytes -= 1;
    return rows;
  }

  /** Forgets a partial row (its bytes will be sent again from `committed`). */
  dropPartial(): void {
    this.pending = Buffer.alloc(0);
  }

  private commit(bytes: Buffer): void {
    this.committedBytes += bytes.length;
    this.onCommit(bytes);
  }
}
