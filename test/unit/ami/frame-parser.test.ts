import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amiHeader, AmiFrameParser, type AmiMessage, type AmiParseItem } from '../../../src-main/ami/frame-parser.js';
import { writeAmiAction } from '../../../src-main/ami/frame-writer.js';
import { AppError } from '../../../src-shared/errors.js';

const TRANSCRIPTS = new URL('../../../../shared/fixtures/ami/transcripts/', import.meta.url);
const BANNER = 'Asterisk Call Manager/11.0.0';

/** Server-to-client bytes exactly as captured; latin1 keeps one character per byte (the captures are ASCII). */
function transcript(name: string): string {
  return readFileSync(new URL(name, TRANSCRIPTS), 'latin1');
}

const SERVER_STREAMS = readdirSync(TRANSCRIPTS)
  .filter((name) => name.endsWith('.ami') && !name.endsWith('.client.ami'))
  .sort();

function parseInChunks(stream: string, cuts: number[]): AmiParseItem[] {
  const parser = new AmiFrameParser();
  const items: AmiParseItem[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    items.push(...parser.push(stream.slice(from, cut)));
    from = cut;
  }
  return items;
}

const parseWhole = (stream: string) => parseInChunks(stream, []);

function messagesOf(items: AmiParseItem[]): AmiMessage[] {
  return items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));
}

/** Non-overlapping CRLF CRLF terminators after the banner line: one per message on the wire. */
function countTerminators(stream: string): number {
  const body = stream.slice(stream.indexOf('\r\n') + 2);
  return body.split('\r\n\r\n').length - 1;
}

/**
 * What the `asterisk-manager` package parsed from the same capture (a different parser, recorded with
 * the fixtures), minus the empty object it makes of the bare LF in transcript 14.
 */
function recordedItems(jsonl: string, conn: number): Array<Record<string, unknown>> {
  return transcript(jsonl)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { conn: number; item: Record<string, unknown> })
    .filter((entry) => entry.conn === conn && Object.keys(entry.item).length > 0)
    .map((entry) => entry.item);
}

/** Our message in the package's shape: lower-cased keys, a repeated key as an array. */
function asPackageShape(message: AmiMessage): Record<string, unknown> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of message.headers) {
    const k = key.toLowerCase();
    const seen = out[k];
    if (seen === undefined) out[k] = value;
    else out[k] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** `k=v` as the package splits it; a bare name (VarSet's `Variable: NAME`) maps to ''. */
function splitAssignment(line: string): [string, string] {
  const eq = line.indexOf('=');
  return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
}

describe('AmiFrameParser on real Asterisk 22 captures', () => {
  it('finds the captures', () => {
    expect(SERVER_STREAMS.length).toBeGreaterThanOrEqual(15);
    expect(SERVER_STREAMS).toContain('01-login-ping-logoff.ami');
    expect(SERVER_STREAMS).toContain('14-state-lists.ami');
  });

  it.each(SERVER_STREAMS)('%s: banner first, then one message per CRLF CRLF terminator', (name) => {
    const stream = transcript(name);
    const items = parseWhole(stream);
    expect(items[0]).toEqual({ kind: 'banner', text: BANNER });
    expect(items.slice(1).every((item) => item.kind === 'message')).toBe(true);
    expect(items.length - 1).toBe(countTerminators(stream));
    // Every message opens with Response or Event, as NOTES.md §3 says Asterisk 22 does.
    for (const message of messagesOf(items)) expect(message.headers[0]![0]).toMatch(/^(Response|Event)$/);
  });

  it.each(SERVER_STREAMS)('%s: one byte at a time gives the same messages as the whole stream', (name) => {
    const stream = transcript(name);
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(parseInChunks(stream, cuts)).toEqual(parseWhole(stream));
  });

  /** Parses `stream` cut in two at every position in [from, to) and compares with the whole parse. */
  function expectEverySplitSame(stream: string, from: number, to: number): void {
    const wholeJson = JSON.stringify(parseWhole(stream));
    for (let cut = from; cut < to; cut++) {
      const split = parseInChunks(stream, [cut]);
      if (JSON.stringify(split) !== wholeJson) {
        // Only builds the (large) diff for a failing cut.
        expect({ cut, split }).toEqual({ cut, split: parseWhole(stream) });
      }
    }
  }

  it.each(['01-login-ping-logoff.ami', '03-errors-unknown-action.ami', '04-coreshowchannels-idle.ami'])(
    '%s: split in two at every byte boundary of the whole stream gives the same messages',
    (name) => {
      const stream = transcript(name);
      expectEverySplitSame(stream, 1, stream.length);
    },
  );

  it('14-state-lists.ami: split in two at every byte boundary around the bare-LF message gives the same messages', () => {
    const stream = transcript('14-state-lists.ami');
    const quirk = stream.indexOf('No Contacts found\n');
    expect(quirk).toBeGreaterThan(0);
    // From the message before it to the one after it, and the banner too.
    expectEverySplitSame(stream, 1, 200);
    expectEverySplitSame(stream, quirk - 600, quirk + 600);
  });

  it.each([
    ['01-login-ping-logoff.ami', '01-login-ping-logoff.events.jsonl', 1],
    ['02-login-failed.conn2.ami', '02-login-failed.events.jsonl', 2],
    ['03-errors-unknown-action.ami', '03-errors-unknown-action.events.jsonl', 1],
    ['04-coreshowchannels-idle.ami', '04-coreshowchannels-idle.events.jsonl', 1],
    ['06-originate-bridged-101-102.ami', '06-originate-bridged-101-102.events.jsonl', 1],
    ['12-ring-group-local-channels.ami', '12-ring-group-local-channels.events.jsonl', 1],
    ['14-state-lists.ami', '14-state-lists.events.jsonl', 1],
    ['15-astdb-callforward.ami', '15-astdb-callforward.events.jsonl', 1],
  ] as const)('%s: same headers and values as the recorded asterisk-manager parse', (ami, jsonl, conn) => {
    const ours = messagesOf(parseWhole(transcript(ami)));
    const theirs = recordedItems(jsonl, conn);
    expect(ours.length).toBe(theirs.length);
    ours.forEach((message, i) => {
      const recorded = theirs[i]!;
      const mine = asPackageShape(message);
      for (const [key, value] of Object.entries(recorded)) {
        // The package turns `Variable: k=v` lines into an object; compare those line by line.
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          const lines = ([] as string[]).concat(mine[key] as string | string[]);
          expect(Object.fromEntries(lines.map(splitAssignment))).toEqual(value);
        } else {
          expect({ i, key, value: mine[key] }).toEqual({ i, key, value });
        }
      }
      expect(Object.keys(mine).sort()).toEqual(Object.keys(recorded).sort());
    });
  });

  it('reads the bare LF of "No Contacts found\\n" as part of its message, not as an extra message (14)', () => {
    const stream = transcript('14-state-lists.ami');
    expect(stream).toContain('Message: No Contacts found\n\r\n\r\n');
    const messages = messagesOf(parseWhole(stream));
    const noContacts = messages.filter((m) => amiHeader(m, 'Message')?.startsWith('No Contacts'));
    expect(noContacts).toHaveLength(1);
    expect(noContacts[0]!.headers).toEqual([
      ['Response', 'Error'],
      ['ActionID', '14-state-lists-63'],
      ['Message', 'No Contacts found'],
    ]);
    // The message after it is the next real response, not an empty frame.
    const next = messages[messages.indexOf(noContacts[0]!) + 1]!;
    expect(amiHeader(next, 'ActionID')).toBe('14-state-lists-64');
    expect(messages.every((m) => m.headers.length > 0)).toBe(true);
  });

  it('keeps empty values as empty strings and a value that contains colons whole', () => {
    const messages = messagesOf(parseWhole(transcript('17-raw-events-off.ami')));
    const newchannel = messages.find((m) => amiHeader(m, 'Event') === 'Newchannel')!;
    expect(newchannel.headers).toContainEqual(['AccountCode', '']);
    expect(amiHeader(newchannel, 'accountcode')).toBe('');
    expect(amiHeader(newchannel, 'Channel')).toBe('Local/wait@apps-00000006;1');

    const errors = messagesOf(parseWhole(transcript('03-errors-unknown-action.ami')));
    const bad = errors.find((m) => amiHeader(m, 'Event') === 'RequestBadFormat')!;
    expect(amiHeader(bad, 'RequestType')).toBe('Action: FooBar');
    expect(amiHeader(bad, 'EventTV')).toBe('2026-11-23T15:26:42.545+0000');
  });

  it('keeps every line of a repeated key, in order', () => {
    const messages = messagesOf(parseWhole(transcript('04-coreshowchannels-idle.ami')));
    const command = messages.find((m) => amiHeader(m, 'Message') === 'Command output follows')!;
    const outputs = command.headers.filter(([key]) => key === 'Output').map(([, value]) => value);
    expect(outputs).toHaveLength(4);
    expect(outputs.slice(1)).toEqual(['0 active channels', '0 active calls', '0 calls processed']);
  });

  it('reports nothing until the banner line is complete, then the banner before any message', () => {
    const parser = new AmiFrameParser();
    expect(parser.push('Asterisk Call Manager/11.0.0\r')).toEqual([]);
    expect(parser.push('\nResponse: Success\r\nPing: Pong\r\n\r')).toEqual([{ kind: 'banner', text: BANNER }]);
    expect(parser.push('\n')).toEqual([{ kind: 'message', message: { headers: [['Response', 'Success'], ['Ping', 'Pong']] } }]);
  });
});

describe('writeAmiAction', () => {
  it('writes Key: Value lines with CRLF and ends with an empty line, keeping order and repeats', () => {
    const text = writeAmiAction([
      ['Action', 'Originate'],
      ['ActionID', 'a-1'],
      ['Variable', 'A=1'],
      ['Variable', 'B=2'],
      ['Account', ''],
    ]);
    expect(text).toBe('Action: Originate\r\nActionID: a-1\r\nVariable: A=1\r\nVariable: B=2\r\nAccount: \r\n\r\n');
  });

  it('round-trips through the parser, empty values included', () => {
    const action = [
      ['Action', 'Login'],
      ['Username', 'operator'],
      ['Secret', 'pa:ss word'],
      ['AccountCode', ''],
    ] as const;
    const items = new AmiFrameParser().push(`${BANNER}\r\n${writeAmiAction(action)}`);
    expect(items).toEqual([
      { kind: 'banner', text: BANNER },
      { kind: 'message', message: { headers: action.map(([k, v]) => [k, v]) } },
    ]);
  });

  it.each([
    ['CRLF', 'x\r\nAction: Originate'],
    ['bare LF', 'x\nAction: Originate'],
    ['bare CR', 'x\rAction: Originate'],
    ['trailing CRLF', 'secret\r\n'],
  ])('refuses a value with a %s (header injection) with VALIDATION', (_label, value) => {
    let caught: unknown;
    try {
      writeAmiAction([
        ['Action', 'Login'],
        ['Secret', value],
      ]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('VALIDATION');
    expect((caught as AppError).message).not.toContain('Originate');
  });

  it.each(['', 'Bad Name', 'Bad:Name', 'Action\r\nX', 'Ümlaut', 'x'.repeat(65)])('refuses the header name %j', (key) => {
    expect(() => writeAmiAction([[key, 'v']])).toThrow(AppError);
    try {
      writeAmiAction([[key, 'v']]);
    } catch (err) {
      expect((err as AppError).code).toBe('VALIDATION');
    }
  });
});
