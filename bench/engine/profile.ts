// Profiling helper for the engine: runs one bench machine in a loop for 3 s.
//   npx tsc -p tsconfig.bench.json && node --cpu-prof .bench-dist/bench/engine/profile.js [index]
import { loadStateMachine } from '../../src/sfn/machine.js';
import { SimulatedClock } from '../../src/asl/clock.js';
import { MACHINES } from './machines.js';

const m = MACHINES[Number(process.argv[2] ?? 0)];
if (!m) throw new Error('no such machine');
const sg = loadStateMachine(m.definition);
const clock = new SimulatedClock(0);
const t0 = performance.now();
let n = 0;
while (performance.now() - t0 < 3000) {
  await sg.run(m.input, { clock });
  n++;
}
console.log(`${m.name}: ${(n / 3).toFixed(0)} runs/s`);
