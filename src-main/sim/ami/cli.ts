/*
 * The demo PBX on the command line:
 *
 *   npm run sim:ami -- --port 5038 --rate 2 --extensions 20
 *
 * Options: --port N (default 5038; 0 = any free port), --host ADDR (default 127.0.0.1),
 * --user NAME / --secret TEXT (default operator / op3r4tor, as the recorded peer), --rate CALLS_PER_S
 * (synthetic traffic, default 0 = none), --extensions N, --seed N, --speed X (virtual time runs X
 * times faster), --external SHARE (0..1), --max-calls N, --replay FILE (every login gets that recorded
 * stream), --chunk BYTES and --delay MS (replay throttling).
 *
 * Prints one JSON line with the address once it listens; runs until interrupted.
 */

import { pathToFileURL } from 'node:url';
import { type AmiSimulator, type AmiSimulatorOptions, startAmiSimulator } from './server.js';

export interface CliOptions {
  simulator: AmiSimulatorOptions;
}

function number(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
  return n;
}

/** Parses the command line into simulator options; throws on a bad flag. */
export function parseArgs(argv: readonly string[]): CliOptions {
  let port = 5038;
  let host = '127.0.0.1';
  let user = 'operator';
  let secret = 'op3r4tor';
  let rate = 0;
  let extensions: number | undefined;
  let seed: number | undefined;
  let speed: number | undefined;
  let external: number | undefined;
  let maxCalls: number | undefined;
  let replay: string | undefined;
  let chunk: number | undefined;
  let delay: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Error(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--port':
        port = number(name, value());
        break;
      case '--host':
        host = value();
        break;
      case '--user':
        user = value();
        break;
      case '--secret':
        secret = value();
        break;
      case '--rate':
        rate = number(name, value());
        break;
      case '--extensions':
        extensions = number(name, value());
        break;
      case '--seed':
        seed = number(name, value());
        break;
      case '--speed':
        speed = number(name, value());
        break;
      case '--external':
        external = number(name, value());
        break;
      case '--max-calls':
        maxCalls = number(name, value());
        break;
      case '--replay':
        replay = value();
        break;
      case '--chunk':
        chunk = number(name, value());
        break;
      case '--delay':
        delay = number(name, value());
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return {
    simulator: {
      port,
      host,
      users: { [user]: secret },
      ...(seed === undefined ? {} : { seed }),
      ...(speed === undefined ? {} : { clock: { speed } }),
      ...(extensions === undefined ? {} : { pbx: { extensions } }),
      ...(rate > 0 ? { traffic: { rate, ...(external === undefined ? {} : { externalShare: external }), ...(maxCalls === undefined ? {} : { maxConcurrent: maxCalls }) } } : {}),
      ...(replay === undefined ? {} : { replay: { file: replay, ...(chunk === undefined ? {} : { bytesPerChunk: chunk }), ...(delay === undefined ? {} : { delayMs: delay }) } }),
    },
  };
}

export async function main(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<AmiSimulator> {
  const { simulator } = parseArgs(argv);
  const sim = await startAmiSimulator(simulator);
  out.write(`${JSON.stringify({ host: sim.host, port: sim.port, username: Object.keys(simulator.users)[0] })}\n`);
  return sim;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (sim) => {
      const stop = () => void sim.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      process.stderr.write(`sim:ami: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
