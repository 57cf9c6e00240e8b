// The clean-clone check (issue #9): what a newcomer does on a fresh machine works from the committed
// repository alone. `git clone` of this repository's HEAD into a temporary folder, `npm ci`, `npm start`
// (the build runs first, as prestart) until the default example answers a POST with 200, then the tests
// in the clone.
// Slow (a dependency install and a second test run), so it runs only with CI=true (`.ci/run` sets it)
// or STEPGATE_CLONE_TEST=1, and is skipped with its reason otherwise. The nested run gets
// STEPGATE_NESTED_CLONE=1 so it skips this test (no recursion). To keep CI well under 15 minutes the
// nested run is not the whole suite a second time (the outer run is that): `npm test -- <filters>`
// type-checks and lints the whole clone, then runs a representative subset (NESTED_SUITES below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
/**
 * Path filters of scripts/run-tests.mjs for the nested run: Velocity and the template loader (unit), the
 * CLI in its own process, and two template stacks end to end (an Express workflow calling Lambda behind
 * an API; a workflow calling an API). About half a minute with type-check and lint; `npm ci`, which
 * compiles better-sqlite3 when no prebuilt binary can be downloaded, is most of this test's few minutes.
 */
const NESTED_SUITES = ['src/vtl', 'src/template', 'test/cli-local', 'test/template-start', 'test/example-seed-003'];

const enabled = process.env.CI === 'true' || process.env.STEPGATE_CLONE_TEST === '1';
const nested = process.env.STEPGATE_NESTED_CLONE === '1';

/** Runs a command in the clone; on failure the assertion shows the end of its output. */
async function step(cwd: string, file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    assert.fail(`${file} ${args.join(' ')} failed: ${err.message}\n${(err.stdout ?? '').slice(-4000)}\n${(err.stderr ?? '').slice(-4000)}`);
  }
}

test('a clean clone: npm ci, npm start serves the default example, npm test passes', { timeout: 12 * 60_000 }, async (t) => {
  if (nested) { t.skip('inside the clean-clone run itself (STEPGATE_NESTED_CLONE=1)'); return; }
  if (!enabled) { t.skip('slow (npm ci and a second test run): runs with CI=true or STEPGATE_CLONE_TEST=1'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-clone-'));
  const clone = join(dir, 'stepgate');
  try {
    await step(dir, 'git', ['clone', '--quiet', repo, clone]);
    // --prefer-offline: packages come from npm's cache when it has them (the registry is still reachable).
    await step(clone, 'npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']);

    // `npm start` (prestart builds with tsc) on a free port, so a server already on 4599 is no obstacle.
    const server = spawn('npm', ['start', '--', '--port', '0'], { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    server.stdout?.setEncoding('utf8').on('data', (d: string) => { out += d; });
    server.stderr?.setEncoding('utf8').on('data', (d: string) => { out += d; });
    try {
      const deadline = Date.now() + 180_000;
      let apiUrl: string | undefined;
      while (apiUrl === undefined) {
        apiUrl = /(http:\/\/127\.0\.0\.1:\d+\/restapis\/\w+\/\w+\/_user_request_\/)/.exec(out)?.[1];
        if (apiUrl === undefined && (server.exitCode !== null || Date.now() > deadline)) assert.fail(`npm start did not come up:\n${out.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // examples/orders-sam: POST /orders runs the Express workflow and its Lambda function.
      const res = await fetch(`${apiUrl}orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'tea', quantity: 4 }) });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.deepEqual(JSON.parse(body), { item: 'tea', quantity: 4, total: 18, status: 'ACCEPTED' });
    } finally {
      // npm, its shell and the server form the process group this test started.
      if (server.exitCode === null && server.pid !== undefined) {
        const exited = new Promise((r) => server.once('exit', r));
        process.kill(-server.pid, 'SIGTERM');
        await exited;
      }
    }

    // The conformance corpus lives beside the repository, not in it (.ci/run: "../shared beside it").
    await step(clone, 'npm', ['test', '--', ...NESTED_SUITES], {
      ...process.env, STEPGATE_NESTED_CLONE: '1', STEPGATE_CONFORMANCE_DIR: process.env.STEPGATE_CONFORMANCE_DIR ?? join(repo, '..', 'shared', 'conformance'),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
