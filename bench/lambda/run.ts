// bench/lambda: invocations per second of a trivial handler (returns its event) run by stepgate's local
// Lambda runtime, (1) through Lambda's Invoke API over loopback HTTP and (2) as `lambda:invoke` tasks of
// an Express state machine called with StartSyncExecution (one task per round trip), plus (3) the same
// task in-process with loadStateMachine().run. Not part of `npm test`.
//   node --import tsx bench/lambda/run.ts [--seconds 5] [--concurrency 32] [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../src/server/server.js';
import { LocalLambdaRuntime } from '../../src/lambda/runtime.js';
import { loadStateMachine } from '../../src/sfn/machine.js';
import { LambdaDispatcher } from '../../src/sfn/integrations/lambda.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const SECONDS = opt('seconds', 5);
const CONCURRENCY = opt('concurrency', 32);
const root = fileURLToPath(new URL('../..', import.meta.url));
const APP = join(root, 'test/functions/app');
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string; functionError?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const fe = res.headers['x-amz-function-error'];
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), ...(typeof fe === 'string' ? { functionError: fe } : {}) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `op` from CONCURRENCY loops for SECONDS; returns completed operations/s, p50/p99 latency and errors. */
async function load(op: () => Promise<boolean>): Promise<{ perSecond: number; p50: number; p99: number; errors: number; count: number }> {
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const ok = await op().catch(() => false);
      lat.push(performance.now() - t);
      if (!ok) errors++;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  return { perSecond: lat.length / elapsed, p50: q(0.5), p99: q(0.99), errors, count: lat.length };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const server = await startServer({ port: 0, store: 'memory', timeScale: 0, log: () => undefined });
const results: Record<string, { perSecond: number; p50: number; p99: number; errors: number; count: number }> = {};
try {
  const created = await post(server.url, '/2015-03-31/functions', { 'content-type': 'application/json' }, JSON.stringify({
    FunctionName: 'echo', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'echo.handler',
    Code: { S3Bucket: 'hot-reload', S3Key: APP }, Timeout: 30,
  }));
  if (created.status !== 201) throw new Error(`CreateFunction: ${created.status} ${created.text}`);
  // Warm-up: the environments start before measuring (Lambda's cold starts are not what is measured).
  await Promise.all(Array.from({ length: CONCURRENCY }, () => post(server.url, '/2015-03-31/functions/echo/invocations', {}, '{"warm":true}')));

  results.invoke = await load(async () => {
    const r = await post(server.url, '/2015-03-31/functions/echo/invocations', { 'content-type': 'application/json' }, '{"n":1}');
    return r.status === 200 && r.functionError === undefined && r.text === '{"n":1}';
  });

  const definition = JSON.stringify({ StartAt: 'L', States: { L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'echo', 'Payload.$': '$' }, OutputPath: '$.Payload', End: true } } });
  const sfnHeaders = (action: string): Record<string, string> => ({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` });
  const sm = await post(server.url, '/', sfnHeaders('CreateStateMachine'), JSON.stringify({ name: 'lambda-bench', definition, roleArn: 'arn:aws:iam::000000000000:role/bench', type: 'EXPRESS' }));
  const smArn = (JSON.parse(sm.text) as { stateMachineArn: string }).stateMachineArn;
  results.task = await load(async () => {
    const r = await post(server.url, '/', sfnHeaders('StartSyncExecution'), JSON.stringify({ stateMachineArn: smArn, input: '{"n":1}' }));
    return r.status === 200 && (JSON.parse(r.text) as { status: string }).status === 'SUCCEEDED';
  });

  const runtime = new LocalLambdaRuntime({ onLog: () => undefined });
  runtime.createFunction({ name: 'echo', directory: APP, handler: 'echo.handler', timeout: 30 });
  const machine = loadStateMachine(definition);
  const dispatchers = [new LambdaDispatcher(runtime)];
  try {
    results.inProcess = await load(async () => (await machine.run({ n: 1 }, { dispatchers })).status === 'SUCCEEDED');
  } finally {
    await runtime.close();
  }
} finally {
  await server.close();
  agent.destroy();
}

const env = `Node ${process.version.slice(1)}, ${cpus().length} CPU(s) (${(cpus()[0]?.model ?? '').split(' ').slice(0, 2).join(' ')}), ${new Date().toISOString().slice(0, 10)}`;
const row = (label: string, r: { perSecond: number; p50: number; p99: number; errors: number; count: number }): string =>
  `| ${label} | ${fmt(r.perSecond)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.errors} errors (${fmt(r.count)} calls) |`;
const section = `## Lambda

\`node --import tsx bench/lambda/run.ts --write\`; one in-process server (\`--store memory --time-scale 0\`), loopback
HTTP with keep-alive, concurrency ${CONCURRENCY}, ${SECONDS} s per measure, a trivial handler (\`test/functions/app/echo.mjs\`,
returns its event) in warm worker-thread environments (up to 10 per function, the runtime's default);
${env}.

| measure | result |
|---|---|
${row('Invoke API (`POST /2015-03-31/functions/echo/invocations`)', results.invoke as never)}
${row('`lambda:invoke` task: StartSyncExecution of a 1-task Express machine', results.task as never)}
${row('`lambda:invoke` task in-process: `loadStateMachine().run({ dispatchers })`', results.inProcess as never)}

No peer is measured here (LocalStack and SAM CLI's \`sam local\` are not installed on this machine).
`;
console.log(section);
if (args.includes('--write')) {
  const file = join(root, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('## Lambda\n');
  let updated: string;
  if (start < 0) {
    updated = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf('\n## ', start + 1);
    updated = text.slice(0, start) + section + (next < 0 ? '' : text.slice(next));
  }
  writeFileSync(file, updated);
}
