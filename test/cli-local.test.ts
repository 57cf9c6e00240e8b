// `stepgate run` and `stepgate validate` as a user calls them: a real process, files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stepgate-cli-'));
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8' });

test('stepgate run: a one-hour Wait finishes at once (virtual time) with the output', () => {
  const def = join(dir, 'hello.json');
  writeFileSync(def, JSON.stringify({
    StartAt: 'Hello',
    States: {
      Hello: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('Hello, {}!', $.name)" }, Next: 'Wait' },
      Wait: { Type: 'Wait', Seconds: 3600, End: true },
    },
  }));
  const r = cli('run', def, '--input', '{"name":"stepgate"}', '--history');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { status: string; output: unknown; events: { type: string }[] };
  assert.equal(out.status, 'SUCCEEDED');
  assert.deepEqual(out.output, { greeting: 'Hello, stepgate!' });
  assert.deepEqual(out.events.map((e) => e.type), ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded']);
});

test('stepgate run: a failing execution exits 1 with error and cause; bad input JSON exits 2', () => {
  const def = join(dir, 'fail.json');
  writeFileSync(def, JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops', Cause: 'on purpose' } } }));
  const r = cli('run', def);
  assert.equal(r.status, 1);
  assert.deepEqual(JSON.parse(r.stdout), { status: 'FAILED', error: 'Oops', cause: 'on purpose' });
  const bad = cli('run', def, '--input', '{nope');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /the input is not JSON/);
});

test('stepgate validate: OK, and FAIL with AWS diagnostics and exit 1', () => {
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }));
  const ok = cli('validate', good);
  assert.equal(ok.status, 0);
  assert.deepEqual(JSON.parse(ok.stdout), { result: 'OK', diagnostics: [] });
  const badFile = join(dir, 'bad.json');
  writeFileSync(badFile, JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pasz', End: true } } }));
  const bad = cli('validate', badFile);
  assert.equal(bad.status, 1);
  const res = JSON.parse(bad.stdout) as { result: string; diagnostics: { code: string; location: string }[] };
  assert.equal(res.result, 'FAIL');
  assert.equal(res.diagnostics[0]?.code, 'SCHEMA_VALIDATION_FAILED');
  assert.equal(res.diagnostics[0]?.location, '/States/P/Type');
});
