// `stepgate start template.yaml --watch` as a user runs it: the real CLI process serving a temporary
// copy of examples/orders-sam, files edited on disk, requests over plain HTTP. Each edit is followed by
// the next request seeing it (same API id, same state machine ARN); a template or definition that no
// longer loads or checks is reported and the previous version keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'stepgate-watch-e2e-'));
cpSync(fileURLToPath(new URL('../examples/orders-sam', import.meta.url)), dir, { recursive: true });

let child: ChildProcess;
let stdout = '';
let stderr = '';
let ordersUrl = '';

/** Waits until `stream` has, after `from`, text matching `pattern`; returns the match. */
async function waitFor(stream: () => string, from: number, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = pattern.exec(stream().slice(from));
    if (m) return m;
    if (Date.now() > deadline || child.exitCode !== null) assert.fail(`no ${what}; stdout:\n${stdout}\nstderr:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function edit(file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  assert.notEqual(next, text, `${file} contains ${String(from)}`);
  writeFileSync(path, next);
}

async function order(quantity = 4): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(ordersUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'tea', quantity }) });
  return { status: res.status, json: await res.json() as Record<string, unknown> };
}

before(async () => {
  child = spawn(process.execPath, ['--import', tsx, main, 'start', 'template.yaml', '--port', '0', '--store', 'memory', '--time-scale', '0', '--watch'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const url = await waitFor(() => stdout, 0, /API OrdersApi \(\w+\), stage dev:\n\s+(http:\/\/127\.0\.0\.1:\d+\/restapis\/\w+\/dev\/_user_request_\/)/, 'banner');
  ordersUrl = `${url[1]}orders`;
  await waitFor(() => stdout, 0, /watching functions, openapi\.yaml, template\.yaml, workflow\.asl\.json for changes/, 'watch line');
});

after(async () => {
  child.kill('SIGTERM');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
});

test('the stack serves before any edit; off a terminal there is no progress line', async () => {
  assert.deepEqual(await order(), { status: 200, json: { item: 'tea', quantity: 4, total: 18, status: 'ACCEPTED' } });
  assert.ok(!stderr.includes('\r'), 'no spinner when stderr is not a TTY');
});

test('editing the state machine definition: the next request runs the new definition', async () => {
  const from = stdout.length;
  edit('workflow.asl.json', '"status": "ACCEPTED"', '"status": "RECEIVED"');
  await waitFor(() => stdout, from, /reloaded \(workflow\.asl\.json changed\): updated state machine OrderWorkflow\n/, 'reload of the definition');
  assert.deepEqual(await order(), { status: 200, json: { item: 'tea', quantity: 4, total: 18, status: 'RECEIVED' } });
});

test('editing a mapping template in the included OpenAPI file: same API id, new response template', async () => {
  const from = stdout.length;
  edit('openapi.yaml', /^( +)\$result\.output$/m, '$1{"order": $result.output}');
  await waitFor(() => stdout, from, /reloaded \(openapi\.yaml changed\): updated API OrdersApi\n/, 'reload of the API');
  assert.deepEqual(await order(), { status: 200, json: { order: { item: 'tea', quantity: 4, total: 18, status: 'RECEIVED' } } });
});

test('editing the function\'s code and its Environment in the template: the next invocation runs them', async () => {
  let from = stdout.length;
  edit('functions/price.mjs', 'event.quantity * Number', '2 * event.quantity * Number');
  await waitFor(() => stdout, from, /reloaded \(functions\/price\.mjs changed\): updated function PriceFunction\n/, 'reload of the code');
  assert.equal(((await order()).json.order as Record<string, unknown>).total, 36);
  from = stdout.length;
  edit('template.yaml', 'UNIT_PRICE: "4.5"', 'UNIT_PRICE: "5"');
  await waitFor(() => stdout, from, /reloaded \(template\.yaml changed\): updated function PriceFunction\n/, 'reload of the environment');
  assert.equal(((await order()).json.order as Record<string, unknown>).total, 40);
});

test('a template that no longer loads: the error (file:line, logical id) is printed and the previous version keeps serving', async () => {
  const from = stderr.length;
  edit('template.yaml', '!GetAtt PriceFunction.Arn', '!GetAtt Nope.Arn');
  const m = await waitFor(() => stderr, from, /cannot reload \(template\.yaml changed\), still serving the previous version:\n {2}template\.yaml:(\d+): OrderWorkflow: Template error: instance of Fn::GetAtt references undefined resource Nope\n/, 'load error');
  const line = readFileSync(join(dir, 'template.yaml'), 'utf8').split('\n').findIndex((l) => l.trim() === 'OrderWorkflow:') + 1;
  assert.equal(Number(m[1]), line);
  assert.equal(((await order()).json.order as Record<string, unknown>).total, 40);
  // Fixed back to what is deployed: loaded and checked again, nothing to deploy.
  const fixed = stdout.length;
  edit('template.yaml', '!GetAtt Nope.Arn', '!GetAtt PriceFunction.Arn');
  await waitFor(() => stdout, fixed, /template\.yaml changed; nothing to deploy\n/, 'reload after the fix');
  assert.equal((await order()).status, 200);
});

test('a definition AWS would reject: its diagnostics are printed and the previous definition keeps running', async () => {
  const from = stderr.length;
  edit('workflow.asl.json', '"Type": "Pass"', '"Type": "Pasz"');
  await waitFor(() => stderr, from, /cannot reload \(workflow\.asl\.json changed\)[\s\S]*state machine OrderWorkflow \(orders-dev, EXPRESS, line \d+\): FAIL\n {4}error SCHEMA_VALIDATION_FAILED at \/States\/Accepted\/Type/, 'definition diagnostics');
  const ok = await order();
  assert.equal(ok.status, 200);
  assert.equal((ok.json.order as Record<string, unknown>).status, 'RECEIVED');
  const fixed = stdout.length;
  edit('workflow.asl.json', '"Type": "Pasz"', '"Type": "Pass"');
  await waitFor(() => stdout, fixed, /workflow\.asl\.json changed; nothing to deploy\n/, 'reload after the fix');
});

test('a resource added to the template is created; removed again, it is deleted, as a stack update does', async () => {
  const list = async (): Promise<string[]> => {
    const res = await fetch(new URL(ordersUrl).origin + '/', {
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, body: '{}',
    });
    return ((await res.json()) as { stateMachines: { name: string }[] }).stateMachines.map((m) => m.name).sort();
  };
  const extra = '\n  Extra:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Name: extra-flow\n      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}\n';
  let from = stdout.length;
  edit('template.yaml', /\nOutputs:/, `${extra}\nOutputs:`);
  await waitFor(() => stdout, from, /reloaded \(template\.yaml changed\): added state machine Extra\n/, 'reload with the added resource');
  assert.deepEqual(await list(), ['extra-flow', 'orders-dev']);
  from = stdout.length;
  edit('template.yaml', extra, '');
  await waitFor(() => stdout, from, /reloaded \(template\.yaml changed\): removed state machine Extra\n/, 'reload without it');
  assert.deepEqual(await list(), ['orders-dev']);
});
