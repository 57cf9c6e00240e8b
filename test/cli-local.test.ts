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

test('stepgate validate (ASL): OK, and FAIL with AWS diagnostics and exit 1; --json has ValidateStateMachineDefinition\'s fields', () => {
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }));
  const ok = cli('validate', good);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /good\.json: state machine definition \(STANDARD\) OK/);
  const badFile = join(dir, 'bad.json');
  writeFileSync(badFile, JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pasz', End: true } } }));
  const bad = cli('validate', badFile);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /bad\.json: state machine definition \(STANDARD\) FAIL\n {2}error SCHEMA_VALIDATION_FAILED at \/States\/P\/Type: /);
  const json = cli('validate', badFile, '--json');
  assert.equal(json.status, 1);
  const res = JSON.parse(json.stdout) as { result: string; files: { kind: string; result: string; diagnostics: { severity: string; code: string; location: string }[] }[] };
  assert.equal(res.result, 'FAIL');
  assert.equal(res.files[0]?.kind, 'asl');
  assert.equal(res.files[0]?.diagnostics[0]?.severity, 'ERROR');
  assert.equal(res.files[0]?.diagnostics[0]?.code, 'SCHEMA_VALIDATION_FAILED');
  assert.equal(res.files[0]?.diagnostics[0]?.location, '/States/P/Type');
});

test('stepgate validate (ASL): --type EXPRESS applies the Express rules; a bad --type is a usage error', () => {
  // Express workflows do not support .sync / .waitForTaskToken (AWS Step Functions developer guide).
  const def = join(dir, 'sync.json');
  writeFileSync(def, JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:x' }, End: true } } }));
  assert.equal(cli('validate', def).status, 0);
  const express = cli('validate', def, '--type', 'EXPRESS');
  assert.equal(express.status, 1, express.stdout);
  assert.match(express.stdout, /\(EXPRESS\) FAIL/);
  const usage = cli('validate', def, '--type', 'BATCH');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--type must be STANDARD or EXPRESS, got BATCH/);
});
