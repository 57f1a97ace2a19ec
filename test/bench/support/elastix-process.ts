// The Elastix simulator of the cdr-sync-elastix benchmark, in a process of its own so that its
// SQL emulation does not count against the sync it serves. Reports its URL and key.
import { startElastixSimulator } from '../../../src-main/sim/elastix/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startElastixSimulator>[0];
const sim = await startElastixSimulator(options);
process.send?.({ url: sim.url, key: sim.key, rows: sim.state.cdrs.filter((row) => row.dst !== 's').length });
