// `npm run ami:replay -- FILE [--every N] [--site NAME]`: a recorded AMI stream (e.g. a customer's
// capture) through the real parser and the live-state reducer, printing the board as JSON lines:
// one every N events if asked, and one at the end. Technicians use it to reproduce a problem.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { emptyLiveState, type LiveState } from '../live/live-state.js';
import { reduce } from '../live/reducer.js';
import { selectCalls, selectPresence } from '../live/selectors.js';
import { parseRecordedStream } from './ami-connection.js';

function snapshot(events: number, state: LiveState): string {
  const presence = Object.fromEntries(selectPresence(state).map((entry) => [entry.extension, entry]));
  return JSON.stringify({ events, calls: selectCalls(state), presence });
}

const USAGE = 'usage: npm run ami:replay -- FILE [--every N] [--site NAME]\n';

function args(): { file: string; every: number; site: string } {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: { every: { type: 'string' }, site: { type: 'string', default: 'replay' } },
    });
    const every = values.every === undefined ? 0 : Number(values.every);
    if (positionals.length === 1 && Number.isInteger(every) && every >= 0) return { file: positionals[0], every, site: values.site };
  } catch {
    // Unknown options: the usage line below says what is accepted.
  }
  process.stderr.write(USAGE);
  process.exit(2);
}

async function main(): Promise<void> {
  const { file, every, site } = args();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    process.stderr.write(`ami:replay: cannot read ${file}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  let state = emptyLiveState(site);
  let events = 0;
  // Recorded streams carry no timestamps; the clock of the replay stands in for the PBX's.
  await parseRecordedStream(bytes, (message) => {
    if (message.event === undefined) return;
    events += 1;
    state = reduce(state, message, Date.now());
    if (every > 0 && events % every === 0) process.stdout.write(`${snapshot(events, state)}\n`);
  });
  process.stdout.write(`${snapshot(events, state)}\n`);
}

void main();
