// Developer report: replays the engine-only cases of the Step Functions corpus and prints, per case
// group, how many match AWS on outcome and on full history (compare.mjs rules). Usage:
//   node --import tsx scripts/sfn-conformance.ts [--verbose] [--filter text] [--ql JSONPath]
import { join } from 'node:path';
import { conformanceDir, importFrom, readJsonl } from '../test/conformance/corpus.js';
import { runCase, type SfnCase } from '../test/conformance/sfn-harness.js';

interface Compare {
  compareOutcome(e: unknown, a: unknown, o: unknown): { ok: boolean; diffs: string[] };
  compareHistory(e: unknown, a: unknown, o: unknown): { ok: boolean; diffs: string[] };
  skipKeys(c: unknown): string[];
}

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;
const ql = args.includes('--ql') ? args[args.indexOf('--ql') + 1] : undefined;
const dir = conformanceDir();
if (!dir) { console.error('no corpus'); process.exit(2); }
const cmp = await importFrom<Compare>(join(dir, 'sfn', 'compare.mjs'));
const cases = readJsonl<SfnCase>(join(dir, 'sfn', 'dev.jsonl'))
  .filter((c) => c.needs.length === 0 && (!filter || c.id.includes(filter)) && (!ql || c.queryLanguage === ql));
const groups = new Map<string, [number, number, number]>();
let outcomeOk = 0, historyOk = 0;
for (const c of cases) {
  const opts = { tokens: c.tokens ?? [], ignoreKeys: cmp.skipKeys(c), parallelNormalised: c.tags.includes('parallel_normalised') };
  let r;
  try { r = await runCase(c); } catch (e) { r = { id: c.id, status: 'CRASH', error: 'CRASH', cause: String((e as Error).stack) }; }
  const o = cmp.compareOutcome(c.expected, r, opts);
  const h = r.history ? cmp.compareHistory(c.history, r.history, opts) : { ok: false, diffs: ['no history'] };
  if (o.ok) outcomeOk++;
  if (o.ok && h.ok) historyOk++;
  for (const g of ['all', `ql:${c.queryLanguage}`, ...c.tags.map((t) => `tag:${t}`)]) {
    const x = groups.get(g) ?? [0, 0, 0];
    x[0]++; if (o.ok) x[1]++; if (o.ok && h.ok) x[2]++;
    groups.set(g, x);
  }
  if (verbose && !(o.ok && h.ok)) {
    if (r.status === 'CRASH' || r.status === 'INVALID_DEFINITION') console.log(`  ${String(r.cause).split('\n').slice(0, 3).join(' | ')}`);
    console.log(`FAIL ${c.id}${o.ok ? ' (history)' : ''}\n  ${[...o.diffs, ...h.diffs.map((d) => 'history ' + d)].slice(0, 6).join('\n  ')}`);
  }
}
for (const [g, [n, o, h]] of [...groups].sort()) console.log(`${g.padEnd(28)} outcome ${String(o).padStart(4)}/${n}  history ${String(h).padStart(4)}/${n}`);
console.log(`outcome: ${outcomeOk}/${cases.length}, history: ${historyOk}/${cases.length}`);
