import { createHash, type Hash } from 'node:crypto';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError } from '../../../src-shared/errors.js';
import type { HttpResponse } from '../../net/http-client.js';
import type { SarkApi, SarkCall } from './sark-api.js';
import { CsvRows } from './sark-csv.js';

/*
 * `GET /logs/cdrs`: the whole Master.csv in one download, the only way SARK gives out its history
 * (§7: `/logs/cdrs/{limit}` is a 500). The body streams through the CSV parser as it arrives and
 * is never held whole. When the download breaks off (a cut connection, a timeout, a 5xx), it goes
 * on from the end of the last complete row with a Range request rather than from the start, so no
 * row is handed on twice: SARK serves the file with Symfony's BinaryFileResponse, which honours
 * Range (its If-Range never matches: Last-Modified is the moment of the temporary copy). The bytes
 * just before the resume point are asked for again and compared, so a log rotated in between, or a
 * server that ignored the Range and sent everything, is noticed: the latter's first bytes are
 * checked against a hash of what was read before and skipped.
 */

const OVERLAP = 4096;
/** Attempts in a row that add no complete row before the download gives up. */
const MAX_STALLS = 3;
/** How long the download may stall (the client's deadline becomes an idle limit once bytes flow). */
const IDLE_TIMEOUT_MS = 60_000;
const EMPTY = Buffer.alloc(0);

function changed(): AppError {
  return new AppError('PBX_ERROR', "The PBX's call log changed while it was being downloaded (rotated?); sync again", { callLogChanged: true });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Transport failures worth another attempt (a 5xx answer is one too). */
function resumable(error: unknown): error is AppError {
  return error instanceof AppError && (error.code === 'UNREACHABLE' || error.code === 'TIMEOUT' || error.code === 'PBX_ERROR');
}

/** What has been read so far, to check that a resumed answer continues the same file. */
class ReadSoFar {
  readonly prefix: Hash = createHash('sha256');
  tail: Buffer = EMPTY;

  readonly commit = (bytes: Buffer): void => {
    this.prefix.update(bytes);
    const joined = bytes.length >= OVERLAP ? bytes : Buffer.concat([this.tail, bytes]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - OVERLAP)));
  };
}

/**
 * One attempt's answer body → the bytes that continue the file at `start`. The answer should begin
 * with `tail` (the bytes just before `start`); one that does not is taken as the whole file and its
 * first `start` bytes must hash to what was read before.
 */
class ResumeGate {
  private mode: 'check-tail' | 'skip' | 'pass';
  private held: Buffer[] = [];
  private heldBytes = 0;
  private skipped = 0;
  private readonly rehash = createHash('sha256');

  constructor(
    private readonly start: number,
    private readonly tail: Buffer,
    private readonly prefixDigest: string,
  ) {
    this.mode = start === 0 ? 'pass' : 'check-tail';
  }

  push(chunk: Buffer): Buffer {
    if (this.mode === 'pass') return chunk;
    if (this.mode === 'skip') return this.skip(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes < this.tail.length) return EMPTY;
    const data = Buffer.concat(this.held);
    this.held = [];
    if (data.subarray(0, this.tail.length).equals(this.tail)) {
      this.mode = 'pass';
      return data.subarray(this.tail.length);
    }
    this.mode = 'skip';
    return this.skip(data);
  }

  /** A complete answer must have reached the resume point. */
  finish(): void {
    if (this.mode !== 'pass') throw changed();
  }

  private skip(chunk: Buffer): Buffer {
    const need = this.start - this.skipped;
    if (chunk.length < need) {
      this.rehash.update(chunk);
      this.skipped += chunk.length;
      return EMPTY;
    }
    this.rehash.update(chunk.subarray(0, need));
    this.skipped = this.start;
    if (this.rehash.digest('hex') !== this.prefixDigest) throw changed();
    this.mode = 'pass';
    return chunk.subarray(need);
  }
}

type Attempt = { done: true } | { done: false; error: AppError };

/** Streams the call log's rows into `onRows` (awaited: back-pressure reaches the socket). */
export async function downloadCallLog(api: SarkApi, onRows: (rows: string[][]) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const read = new ReadSoFar();
  const csv = new CsvRows(read.commit);
  let stalls = 0;
  for (;;) {
    if (signal?.aborted) throw new AppError('CANCELLED', 'CDR sync cancelled');
    const start = csv.committed;
    const gate = new ResumeGate(start, read.tail, start === 0 ? '' : read.prefix.copy().digest('hex'));
    const attempt = await once(api, start - read.tail.length, start > 0, gate, csv, onRows, signal);
    if (attempt.done) {
      await onRows(csv.end());
      return;
    }
    csv.dropPartial();
    if (csv.committed > start) stalls = 0;
    else if (++stalls >= MAX_STALLS) throw attempt.error;
    await sleep(250 * 2 ** stalls);
  }
}

async function once(
  api: SarkApi,
  from: number,
  ranged: boolean,
  gate: ResumeGate,
  csv: CsvRows,
  onRows: (rows: string[][]) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<Attempt> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  signal?.addEventListener('abort', cancel, { once: true });
  // An error of our own (a failed batch, a changed file) ends the download; it is never retried.
  let failure: unknown = null;
  let inflight: Promise<void> = Promise.resolve();
  const sink = new Writable({
    highWaterMark: 1 << 16,
    write: (chunk: Buffer, _encoding, done) => {
      inflight = (async () => {
        const bytes = gate.push(chunk);
        if (bytes.length > 0) await onRows(csv.push(bytes));
      })();
      inflight.then(
        () => done(),
        (err: unknown) => {
          failure ??= err;
          controller.abort();
          done(err as Error);
        },
      );
    },
  });
  // Failures are taken from `failure`; the stream's own error event must not go unheard.
  sink.on('error', () => undefined);
  const call: SarkCall = {
    path: '/logs/cdrs',
    what: 'the call log',
    sink,
    // An HTML page with a 200 (a login portal, a proxy) is not a call log: it is kept out of the parser.
    streamIf: (status, headers) => status >= 200 && status < 300 && !String(headers['content-type'] ?? '').includes('html'),
    timeoutMs: IDLE_TIMEOUT_MS,
    signal: controller.signal,
    ...(ranged ? { headers: { Range: `bytes=${from}-` } } : {}),
  };
  try {
    let response: HttpResponse;
    try {
      response = await api.send(call);
    } catch (err) {
      sink.destroy();
      await inflight.catch(() => undefined);
      if (failure) throw failure;
      if (signal?.aborted) throw new AppError('CANCELLED', 'CDR sync cancelled');
      if (resumable(err)) return { done: false, error: err };
      throw err;
    }
    if (response.status >= 200 && response.status < 300 && !response.streamed) {
      sink.destroy();
      throw new AppError('PBX_ERROR', 'SARK answered the call log with an HTML page instead of the CSV file', { what: call.what, status: response.status });
    }
    if (response.status >= 200 && response.status < 300) {
      sink.end();
      await finished(sink).catch(() => undefined);
      if (failure) throw failure;
      gate.finish();
      return { done: true };
    }
    sink.destroy();
    if (response.status === 416) throw changed();
    const error = api.failure(response, call);
    if (response.status >= 500) return { done: false, error };
    throw error;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
