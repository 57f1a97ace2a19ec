import { phpNotice } from './laravel.js';

/*
 * The two halves of SARK's AMI gateway that a client can tell apart: the text Asterisk writes back on
 * SARK's socket (built here as Asterisk 16 / 13 would, events off), and the PHP that turns that text
 * into JSON (`AstAmiController::build_list_array`, `getinstance`, `Ami::GetDB`). Running the real
 * parsing over real-looking text gives the quirks for free: the response header as element 0, the
 * `…Complete` event dropped, `EventList`/`ListItems` stripped (lists only), values cut at a second
 * `": "`, a `Response: Error` flattened into a 200, AstDB values that keep a trailing `\r`.
 */

export type AmiFields = ReadonlyArray<readonly [string, string]>;

const AMI_PHP = '/opt/sark6api/app/Http/Controllers/AstAmiController.php';

/** One AMI message: `Key: Value` lines and the blank line. */
export function amiMessage(fields: AmiFields): string {
  return `${fields.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/** An event list: the start response, the items, and the `…Complete` event with ListItems. */
export function amiList(message: string, events: ReadonlyArray<{ event: string; fields: AmiFields }>, complete: string, extra: AmiFields = []): string {
  return (
    amiMessage([
      ['Response', 'Success'],
      ['EventList', 'start'],
      ['Message', message],
    ]) +
    events.map((e) => amiMessage([['Event', e.event], ...e.fields])).join('') +
    amiMessage([['Event', complete], ['EventList', 'Complete'], ['ListItems', String(events.length)], ...extra])
  );
}

export function amiError(message: string): string {
  return amiMessage([
    ['Response', 'Error'],
    ['Message', message],
  ]);
}

/** `explode(': ', $line)`: a line with a colon but no `": "` has no value, a PHP notice (so a 500). */
function couplet(line: string, phpLine: number): [string, string] {
  const parts = line.split(': ');
  if (parts.length < 2) throw phpNotice('Undefined offset: 1', AMI_PHP, phpLine);
  return [parts[0]!, parts[1]!];
}

/** `getlist`'s `preg_match('/ListItems: 0/')`: an empty list is answered 404. */
export function isEmptyList(text: string): boolean {
  return /ListItems: 0/.test(text);
}

/** `build_list_array`: one object per block that a later `Event:` line closes. */
export function buildListArray(text: string): Array<Record<string, string>> {
  const list: Array<Record<string, string>> = [];
  let item: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    if (!line.includes(':')) continue;
    if (/^Event:/.test(line) && Object.keys(item).length > 0) {
      list.push(item);
      item = {};
    }
    const [key, value] = couplet(line, 303);
    if (key === 'ListItems' || key === 'EventList') continue;
    item[key] = value;
  }
  // The last block (the …Complete event) is never pushed.
  return list;
}

/** `getinstance`: every couplet of the answer in one flat object, later keys overwriting earlier ones. */
export function flattenInstance(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    if (!line.includes(':')) continue;
    const [key, value] = couplet(line, 247);
    out[key] = value;
  }
  return out;
}

/** `Ami::GetDB`: the text after the first `Value: ` up to the next `\n` (so a `\r` stays), or "". */
export function getDbValue(text: string): string {
  const at = text.indexOf('Value: ');
  if (at < 0 || at + 7 <= 8) return '';
  const start = at + 7;
  const stop = text.indexOf('\n', start);
  return stop < 0 ? text.slice(start) : text.slice(start, stop);
}

/** `strpos($response, $needle) != FALSE` (a match at offset 0 would count as false, as in PHP). */
export function phpContains(text: string, needle: string): boolean {
  return text.indexOf(needle) > 0;
}

/** Asterisk's answer to `Action: Command` for a CLI line: 13 writes raw text and `--END COMMAND--`, 14+ writes `Output:` lines. */
export function commandOutput(lines: readonly string[], legacy: boolean): string {
  if (legacy) return `Response: Follows\r\nPrivilege: Command\r\n${lines.map((l) => `${l}\n`).join('')}--END COMMAND--\r\n\r\n`;
  return amiMessage([['Response', 'Success'], ['Message', 'Command output follows'], ...lines.map((l) => ['Output', l] as const)]);
}
