// Renders the seed templates and the corpus templates with stepgate and with velocityjs (the engine of
// serverless-offline) in one run, and writes renders per second and the ratio to BENCHMARKS.md "## VTL".
//   npm run bench:vtl   (compiled JS, as users run it)   or: node --import tsx bench/vtl/run.ts [--no-write]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVariables, compileTemplate, renderMappingTemplate, type MappingRequest } from '../../src/vtl/index.js';
import { SEED_TEMPLATES, type BenchTemplate } from './seed-templates.js';
import { compileVelocityjs, velocityjsVars } from './velocityjs-shim.js';

/** The repository root: the nearest folder above this file with a package.json (works from .bench-dist too). */
function findRepo(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dir !== '/') dir = join(dir, '..');
  return dir;
}
const repo = findRepo();
const corpusFile = join(process.env.STEPGATE_CONFORMANCE_DIR ?? join(repo, '..', 'shared', 'conformance'), 'apigw', 'dev.jsonl');

function corpusTemplates(): BenchTemplate[] {
  if (!existsSync(corpusFile)) {
    console.warn(`corpus not found at ${corpusFile}; benchmarking the seed templates only`);
    return [];
  }
  return readFileSync(corpusFile, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; kind: string; phase: string; template: string; request: MappingRequest; integrationBody?: string; context?: Record<string, unknown>; stageVariables?: Record<string, string> })
    .filter((c) => c.kind === 'template')
    .map((c) => ({
      id: c.id,
      template: c.template,
      request: { ...c.request, body: c.phase === 'response' ? (c.integrationBody ?? '') : c.request.body, ...(c.context ? { context: c.context } : {}), ...(c.stageVariables ? { stageVariables: c.stageVariables } : {}) },
    }));
}

type Renderer = () => void;

/** Renders each template in turn until `ms` have passed; returns renders per second. */
function measure(renderers: Renderer[], ms: number): number {
  for (let k = 0; k < 3; k++) for (const r of renderers) r();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (const r of renderers) r();
    n += renderers.length;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

interface Row { set: string; mode: string; templates: number; stepgate: number; velocityjs: number; failedPeer: number }

/**
 * `full`: every render builds the request's variables ($input, $util, $context, $stageVariables) and
 * renders, as a gateway does per request. `engine`: variables are built once per template and only the
 * compiled template runs in the timed loop.
 */
function bench(set: string, templates: BenchTemplate[], ms: number): Row[] {
  const full: [Renderer[], Renderer[]] = [[], []];
  const engine: [Renderer[], Renderer[]] = [[], []];
  let failedPeer = 0;
  for (const t of templates) {
    const compiled = compileTemplate(t.template);
    full[0].push(() => { renderMappingTemplate(compiled, t.request); });
    const vars = buildVariables(t.request, compiled.variables);
    engine[0].push(() => { compiled.execute(vars); });
    try {
      const peer = compileVelocityjs(t.template);
      peer.render(t.request);
      full[1].push(() => { peer.render(t.request); });
      const peerVars = velocityjsVars(t.request);
      engine[1].push(() => { peer.compiled.render(peerVars); });
    } catch {
      failedPeer++; // velocityjs cannot render this template; it is left out of the peer's set.
    }
  }
  const run = (mode: string, [ours, peer]: [Renderer[], Renderer[]]): Row => {
    // Alternate the engines so both see the same machine state.
    let a = 0;
    let b = 0;
    for (let round = 0; round < 3; round++) {
      a += measure(ours, ms / 6);
      b += measure(peer, ms / 6);
    }
    return { set, mode, templates: templates.length, stepgate: a / 3, velocityjs: b / 3, failedPeer };
  };
  return [run('full', full), run('engine', engine)];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const corpus = corpusTemplates();
const rows = [...bench('seed templates', [...SEED_TEMPLATES], 4000)];
if (corpus.length) rows.push(...bench('corpus templates (dev)', corpus, 4000));
rows.push(...bench('all', [...SEED_TEMPLATES, ...corpus], 4000));

const table = [
  '| template set | measured | templates | stepgate renders/s | velocityjs renders/s | ratio |',
  '|---|---|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.set} | ${r.mode === 'full' ? 'variables + render' : 'render only'} | ${r.templates}${r.failedPeer ? ` (${r.failedPeer} not renderable by velocityjs)` : ''} | ${fmt(r.stepgate)} | ${fmt(r.velocityjs)} | ${(r.stepgate / r.velocityjs).toFixed(1)}× |`),
].join('\n');
console.log(table);

if (!process.argv.includes('--no-write')) {
  const section = [
    '## VTL',
    '',
    `Mapping-template rendering, \`node --import tsx bench/vtl/run.ts\` (Node ${process.version}, ${cpus().length} CPU(s), shared machine).`,
    'Both engines compile each template once, then render the templates round-robin: the seed questions\'',
    'templates (`bench/vtl/seed-templates.ts`) and every `template` case of the conformance corpus',
    '(`apigw/dev.jsonl`). velocityjs gets `$input`/`$util`/`$context` from a shim written from the AWS reference',
    '(`bench/vtl/velocityjs-shim.ts`, as serverless-offline wires it); its output differs from AWS in places, only',
    'its speed is compared. *variables + render*: each render first builds the request\'s variables (what a',
    'gateway does per request; JSON bodies are parsed by both). *render only*: variables are built once per',
    'template and only the compiled template runs. Each figure is the mean of three alternating 0.67 s runs.',
    '',
    table,
    '',
  ].join('\n');
  const file = join(repo, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const re = /## VTL\n[\s\S]*?(?=\n## |$)/;
  const next = re.test(current) ? current.replace(re, section.trimEnd() + '\n') : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(file, next);
  console.log(`wrote ${file}`);
}
