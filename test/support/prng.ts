import { Random } from '../../src-main/sim/random.js';

/**
 * A seeded generator for property-style tests, so a failure replays the same way. It is the demo
 * PBX's own mulberry32 as a bare function: one implementation, one sequence per seed.
 */
export function prng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
