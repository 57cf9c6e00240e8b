// bench/service: the Step Functions service over loopback HTTP against a `stepgate start` child
// process on an SQLite file. Measures (1) start-up: spawn → first answered request, median of
// repeated runs; (2) 10,000 StartExecution calls at concurrency 64 (zero errors, every execution
// completes): executions/s and p99 latency; (3) StartSyncExecution round trips/s of a 5-state Express
// machine. Not part of `npm test`. Needs `npm run build` first (it runs dist/cli/main.js).
//   node --import tsx bench/service/run.ts [--executions 10000] [--concurrency 64] [--sync-seconds 5] [--startups 9] [--write]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const EXECUTIONS = opt('executions', 10_000);
const CONCURRENCY = opt('concurrency', 64);
const SYNC_SECONDS = opt('sync-seconds', 5);
const STARTUPS = opt('startups', 9);
const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
if (!existsSync(cli)) { console.error('run `npm run build` first (bench/service runs dist/cli/main.js)'); process.exit(1); }
const ROLE = 'arn:aws:iam::000000000000:role/bench';
const sm = (name: string): string => `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function call(url: string, action: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}`, 'content-length': Buffer.byteLength(data) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function startChild(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--store', `sqlite:${db}`, '--time-scale', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] as string });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] as number; };
const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number; };

/** Runs `count` jobs with at most `concurrency` in flight. */
async function pool(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await job(next++);
  }));
}

async function startup(dir: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < STARTUPS; i++) {
    const t0 = performance.now();
    const { child, url } = await startChild(join(dir, `startup-${i}.db`));
    const r = await call(url, 'ListStateMachines', {});
    if (r.status !== 200) throw new Error(`start-up request failed: ${r.status}`);
    times.push(performance.now() - t0);
    await stop(child);
  }
  return times;
}

const STANDARD = { StartAt: 'A', States: { A: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.a', Next: 'B' }, B: { Type: 'Wait', Seconds: 1, Next: 'C' }, C: { Type: 'Pass', End: true } } };
const EXPRESS5 = {
  StartAt: 'S1',
  States: {
    S1: { Type: 'Pass', Result: 1, ResultPath: '$.one', Next: 'S2' },
    S2: { Type: 'Choice', Choices: [{ Variable: '$.one', NumericEquals: 1, Next: 'S3' }], Default: 'S5' },
    S3: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.one, 41)' }, Next: 'S4' },
    S4: { Type: 'Wait', Seconds: 1, Next: 'S5' },
    S5: { Type: 'Succeed' },
  },
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-bench-'));
  try {
    const startTimes = await startup(dir);
    const { child, url } = await startChild(join(dir, 'load.db'));
    try {
      await call(url, 'CreateStateMachine', { name: 'bench-std', definition: JSON.stringify(STANDARD), roleArn: ROLE });
      await call(url, 'CreateStateMachine', { name: 'bench-x5', definition: JSON.stringify(EXPRESS5), roleArn: ROLE, type: 'EXPRESS' });
      // Warm-up outside the measurement.
      await pool(200, 16, async () => { await call(url, 'StartSyncExecution', { stateMachineArn: sm('bench-x5'), input: '{}' }); });
      await call(url, 'CreateStateMachine', { name: 'bench-warm', definition: JSON.stringify(STANDARD), roleArn: ROLE });
      await pool(1000, CONCURRENCY, async () => { await call(url, 'StartExecution', { stateMachineArn: sm('bench-warm'), input: '{}' }); });
      for (;;) {
        const running = await call(url, 'ListExecutions', { stateMachineArn: sm('bench-warm'), statusFilter: 'RUNNING', maxResults: 1 });
        if (((running.json.executions as unknown[]) ?? []).length === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }

      const latencies: number[] = [];
      let errors = 0;
      const t0 = performance.now();
      await pool(EXECUTIONS, CONCURRENCY, async (i) => {
        const s = performance.now();
        const r = await call(url, 'StartExecution', { stateMachineArn: sm('bench-std'), name: `e-${i}`, input: JSON.stringify({ i }) });
        latencies.push(performance.now() - s);
        if (r.status !== 200) errors++;
      });
      const startedMs = performance.now() - t0;
      // Every execution must complete: count until nothing is RUNNING and all are SUCCEEDED.
      let succeeded = 0;
      for (;;) {
        const running = await call(url, 'ListExecutions', { stateMachineArn: sm('bench-std'), statusFilter: 'RUNNING', maxResults: 1 });
        if (((running.json.executions as unknown[]) ?? []).length === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const completedMs = performance.now() - t0;
      let token: string | undefined;
      do {
        const page = await call(url, 'ListExecutions', { stateMachineArn: sm('bench-std'), statusFilter: 'SUCCEEDED', maxResults: 1000, ...(token ? { nextToken: token } : {}) });
        succeeded += ((page.json.executions as unknown[]) ?? []).length;
        token = page.json.nextToken as string | undefined;
      } while (token);

      let syncCalls = 0;
      let syncErrors = 0;
      const syncEnd = performance.now() + SYNC_SECONDS * 1000;
      const s0 = performance.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < syncEnd) {
          const r = await call(url, 'StartSyncExecution', { stateMachineArn: sm('bench-x5'), input: '{}' });
          if (r.status !== 200 || r.json.status !== 'SUCCEEDED') syncErrors++;
          syncCalls++;
        }
      }));
      const syncRate = syncCalls / ((performance.now() - s0) / 1000);

      const results = {
        startupMedianMs: median(startTimes), startupRuns: startTimes.length,
        executions: EXECUTIONS, concurrency: CONCURRENCY, errors, succeeded,
        startCallsPerSec: EXECUTIONS / (startedMs / 1000), executionsPerSec: EXECUTIONS / (completedMs / 1000),
        p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), syncPerSec: syncRate, syncCalls, syncErrors,
      };
      console.log(JSON.stringify(results, null, 2));
      if (errors > 0 || succeeded !== EXECUTIONS || syncErrors > 0) { console.error('FAILED: errors or incomplete executions'); process.exitCode = 1; }
      if (args.includes('--write')) writeSection(results);
    } finally {
      await stop(child);
    }
  } finally {
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeSection(r: Record<string, number>): void {
  const file = join(root, 'BENCHMARKS.md');
  const f = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const section = `## Step Functions service

\`node --import tsx bench/service/run.ts --write\` after \`npm run build\`; loopback HTTP against a
\`stepgate start --store sqlite:… --time-scale 0\` child process (WAL; every engine step is committed before its
commands run, steps of one event-loop turn share a transaction: group commit);
Node ${process.versions.node}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString().slice(0, 10)}.

| measure | result |
|---|---|
| start-up: \`stepgate start\` → first answered request (median of ${r.startupRuns}) | ${f(r.startupMedianMs as number)} ms |
| StartExecution, ${f(r.executions as number)} calls at concurrency ${r.concurrency} (Standard, Pass → Wait → Pass) | ${f(r.startCallsPerSec as number)} calls/s, p50 ${f(r.p50Ms as number, 1)} ms, p99 ${f(r.p99Ms as number, 1)} ms, ${r.errors} errors |
| the same ${f(r.executions as number)} executions started and completed (all SUCCEEDED: ${r.succeeded}) | ${f(r.executionsPerSec as number)} executions/s |
| StartSyncExecution round trips, 5-state Express machine, concurrency ${r.concurrency} | ${f(r.syncPerSec as number)} round trips/s (${f(r.syncCalls as number)} calls, ${r.syncErrors} errors) |

No peer is measured here yet (LocalStack and Step Functions Local are not installed on this machine).
`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf('## Step Functions service');
  let next = start >= 0 ? current.indexOf('\n## ', start + 1) : -1;
  if (next >= 0) next += 1;
  const updated = start >= 0
    ? current.slice(0, start) + section + (next >= 0 ? '\n' + current.slice(next) : '')
    : current.trimEnd() + '\n\n' + section;
  writeFileSync(file, updated);
  console.log(`wrote the "Step Functions service" section of ${file}`);
}

await main();
