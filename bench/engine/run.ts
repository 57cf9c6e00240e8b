// bench/engine: runs the same state machines through stepgate's engine and through
// aws-local-stepfunctions in one process, and prints state transitions per second and the ratio.
//   npm run bench            (or: node --import tsx bench/engine/run.ts [--seconds 2] [--rounds 5])
import { StateMachine as AlsfMachine } from 'aws-local-stepfunctions';
import { loadStateMachine } from '../../src/sfn/machine.js';
import { SimulatedClock } from '../../src/asl/clock.js';
import { MACHINES } from './machines.js';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 2) || 2;
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 5) || 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Runs `once` repeatedly for the given time; returns runs per second. */
async function measure(once: () => Promise<unknown>, ms: number): Promise<number> {
  for (let i = 0; i < 20; i++) await once(); // warm-up
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await once();
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

const rows: string[] = [];
for (const m of MACHINES) {
  const sg = loadStateMachine(m.definition);
  const clock = new SimulatedClock(Date.UTC(2025, 0, 1));
  // Default entropy (crypto UUIDs for execution names), as users run it.
  const probe = await sg.run(m.input, { clock });
  if (probe.status !== 'SUCCEEDED') throw new Error(`${m.name}: stepgate run ${probe.status} ${probe.error} ${probe.cause}`);
  const transitions = probe.history.filter((e) => e.type.endsWith('StateEntered')).length;
  const sgRates: number[] = [];
  const peerRates: number[] = [];
  const peer = m.stepgateOnly ? undefined : new AlsfMachine(m.definition as never, { validationOptions: { noValidate: true } });
  if (peer) {
    const out = await peer.run(m.input as never).result;
    if (JSON.stringify(out) !== JSON.stringify(probe.output)) throw new Error(`${m.name}: outputs differ`);
  }
  for (let r = 0; r < rounds; r++) {
    sgRates.push(transitions * await measure(() => sg.run(m.input, { clock }), seconds * 1000));
    if (peer) peerRates.push(transitions * await measure(() => peer.run(m.input as never).result, seconds * 1000));
  }
  const sgT = median(sgRates);
  const peerT = peer ? median(peerRates) : undefined;
  const row = `| ${m.name} | ${transitions} | ${Math.round(sgT).toLocaleString('en-US')} | ${peerT === undefined ? 'n/a' : Math.round(peerT).toLocaleString('en-US')} | ${peerT === undefined ? 'n/a' : (sgT / peerT).toFixed(1) + '×'} |`;
  rows.push(row);
  console.error(row);
}
console.log(`\nNode ${process.version}, ${rounds} rounds of ${seconds} s each, medians; transitions = StateEntered events per run.\n`);
console.log('| machine | transitions/run | stepgate transitions/s | aws-local-stepfunctions transitions/s | ratio |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
