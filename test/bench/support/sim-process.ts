// The load PBX of the live-latency benchmark, in a process of its own so its work does not count
// against the core's event loop. Reports its port, then when each channel's Newchannel was written
// (batched every 100 ms), and its event count and concurrent calls when asked.
import { startAmiSimulator } from '../../../src-main/sim/ami/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startAmiSimulator>[0];
const sim = await startAmiSimulator(options);
let batch: Array<[string, number]> = [];
sim.onEvent((name, message) => {
  if (name !== 'Newchannel') return;
  const uniqueid = /\r\nUniqueid: (.*)\r\n/.exec(message)?.[1];
  if (uniqueid) batch.push([uniqueid, Date.now()]);
});
setInterval(() => {
  if (batch.length === 0) return;
  process.send?.({ sent: batch });
  batch = [];
}, 100);
process.on('message', (message: { ask?: string }) => {
  if (message.ask === 'stats') process.send?.({ stats: { events: sim.eventCount, calls: sim.truth().calls.length } });
});
process.send?.({ port: sim.port });
