// `stepgate invoke`, `exec`, `executions` and `history` as a user calls them: a real server on a free
// port, state machines and an API created through the AWS APIs, and the real CLI process against it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, type StepgateServer } from '../src/index.js';

type Json = Record<string, unknown>;
const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** The CLI in its own process (asynchronously: the server answers from this one). */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let server: StepgateServer;
let endpoint: string;
const ROLE = 'arn:aws:iam::000000000000:role/stepgate';

async function sfn(action: string, body: Json): Promise<Json> {
  const res = await fetch(`${server.url}/`, {
    method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` }, body: JSON.stringify(body),
  });
  const json = await res.json() as Json;
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

async function rest(method: string, path: string, body: unknown): Promise<Json> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json() as Json;
  assert.equal(res.status, 201, JSON.stringify(json));
  return json;
}

const machines: Record<string, string> = {};
let apiId = '';

before(async () => {
  server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  endpoint = server.url;
  const create = async (name: string, definition: Json, type = 'STANDARD'): Promise<void> => {
    machines[name] = (await sfn('CreateStateMachine', { name, definition: JSON.stringify(definition), roleArn: ROLE, type })).stateMachineArn as string;
  };
  await create('greeter', {
    StartAt: 'Greet',
    States: {
      Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('Hello, {}!', $.name)" }, Next: 'Nap' },
      Nap: { Type: 'Wait', Seconds: 3600, End: true },
    },
  });
  await create('failing', { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Oops', Cause: 'on purpose' } } });
  await create('express-echo', { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } }, 'EXPRESS');
  const api = await rest('POST', '/restapis?mode=import', {
    openapi: '3.0.1', info: { title: 'hello-api', version: '1' },
    paths: {
      '/hello': {
        'x-amazon-apigateway-any-method': {
          responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': {
            type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '{"hello": "world", "method": "$context.httpMethod"}' } } },
          },
        },
      },
    },
  });
  apiId = api.id as string;
  await rest('POST', `/restapis/${apiId}/deployments`, { stageName: 'dev' });
});

after(async () => {
  await server.close();
});

test('exec: runs a Standard workflow by name, waits for the end and prints the history table, status and output', async () => {
  const r = await cli('exec', 'greeter', '--input', '{"name":"stepgate"}', '--endpoint', endpoint);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0] ?? '', /^arn:aws:states:us-east-1:000000000000:execution:greeter:/);
  assert.match(lines[1] ?? '', /^ID\s+PREV\s+TYPE\s+DETAILS$/);
  assert.match(r.stdout, /^1\s+0\s+ExecutionStarted\s+input \{"name":"stepgate"\}$/m);
  assert.match(r.stdout, /^2\s+0\s+PassStateEntered\s+Greet\s+input \{"name":"stepgate"\}$/m);
  assert.match(r.stdout, /^4\s+3\s+WaitStateEntered\s+Nap/m);
  assert.match(r.stdout, /^6\s+5\s+ExecutionSucceeded\s+output \{"greeting":"Hello, stepgate!"\}$/m);
  assert.match(r.stdout, /^status {2}SUCCEEDED$/m);
  assert.match(r.stdout, /^output {2}\{"greeting":"Hello, stepgate!"\}$/m);
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colours when stdout is not a terminal');
});

test('exec --json: the execution with its parsed output and the events GetExecutionHistory returns', async () => {
  const r = await cli('exec', machines.greeter as string, '--input', '{"name":"json"}', '--name', 'by-arn', '--json', '--endpoint', endpoint);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { executionArn: string; status: string; output: unknown; input: unknown; events: Json[] };
  assert.equal(out.status, 'SUCCEEDED');
  assert.equal(out.executionArn, 'arn:aws:states:us-east-1:000000000000:execution:greeter:by-arn');
  assert.deepEqual(out.input, { name: 'json' });
  assert.deepEqual(out.output, { greeting: 'Hello, json!' });
  assert.deepEqual(out.events.map((e) => e.type), ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded']);
  const direct = await sfn('GetExecutionHistory', { executionArn: out.executionArn });
  assert.deepEqual(out.events, direct.events);
});

test('exec: a failing execution exits 1 with its error and cause', async () => {
  const r = await cli('exec', 'failing', '--endpoint', endpoint);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^2\s+0\s+FailStateEntered\s+Boom/m);
  assert.match(r.stdout, /^3\s+2\s+ExecutionFailed\s+error Oops {2}cause on purpose$/m);
  assert.match(r.stdout, /^status {2}FAILED$/m);
  assert.match(r.stdout, /^error {3}Oops$/m);
  assert.match(r.stdout, /^cause {3}on purpose$/m);
  const j = await cli('exec', 'failing', '--json', '--endpoint', endpoint);
  assert.equal(j.status, 1);
  const out = JSON.parse(j.stdout) as Json;
  assert.equal(out.status, 'FAILED');
  assert.equal(out.error, 'Oops');
  assert.equal(out.cause, 'on purpose');
});

test('exec: an Express workflow runs with StartSyncExecution', async () => {
  const r = await cli('exec', 'express-echo', '--input', '{"x":[1,2]}', '--json', '--endpoint', endpoint);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Json;
  assert.equal(out.status, 'SUCCEEDED');
  assert.deepEqual(out.output, { x: [1, 2] });
  assert.match(String(out.executionArn), /^arn:aws:states:us-east-1:000000000000:express:express-echo:/);
  const text = await cli('exec', 'express-echo', '--endpoint', endpoint);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /EXPRESS: no execution history/);
  assert.match(text.stdout, /^output {2}\{\}$/m);
});

test('exec: usage errors exit 2, an unknown state machine or an unreachable server exit 1', async () => {
  const badInput = await cli('exec', 'greeter', '--input', '{nope', '--endpoint', endpoint);
  assert.equal(badInput.status, 2);
  assert.match(badInput.stderr, /--input is not JSON/);
  const missing = await cli('exec', '--endpoint', endpoint);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /missing required argument/);
  const unknownOption = await cli('exec', 'greeter', '--bogus', '--endpoint', endpoint);
  assert.equal(unknownOption.status, 2);
  const unknown = await cli('exec', 'nobody', '--endpoint', endpoint);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no state machine named nobody \(state machines: .*greeter/);
  const byArn = await cli('exec', 'arn:aws:states:us-east-1:000000000000:stateMachine:nobody', '--endpoint', endpoint);
  assert.equal(byArn.status, 1);
  assert.match(byArn.stderr, /StateMachineDoesNotExist/);
  const down = await cli('exec', 'greeter', '--endpoint', 'http://127.0.0.1:1');
  assert.equal(down.status, 1);
  assert.match(down.stderr, /cannot reach stepgate at http:\/\/127\.0\.0\.1:1/);
});

test('executions and history: list, filter and inspect', async () => {
  const failed = JSON.parse((await cli('exec', 'failing', '--json', '--endpoint', endpoint)).stdout) as { executionArn: string };
  const ok = JSON.parse((await cli('exec', 'greeter', '--input', '{"name":"list"}', '--json', '--endpoint', endpoint)).stdout) as { executionArn: string };

  const listed = await cli('executions', 'greeter', '--json', '--endpoint', endpoint);
  assert.equal(listed.status, 0, listed.stderr);
  const greeterRuns = (JSON.parse(listed.stdout) as { executions: Json[] }).executions;
  assert.ok(greeterRuns.some((e) => e.executionArn === ok.executionArn && e.status === 'SUCCEEDED'));
  assert.ok(greeterRuns.every((e) => e.stateMachineArn === machines.greeter));

  const everything = await cli('executions', '--endpoint', endpoint);
  assert.equal(everything.status, 0, everything.stderr);
  assert.match(everything.stdout, /^STATUS\s+STARTED\s+STOPPED\s+STATE MACHINE\s+EXECUTION ARN$/m);
  assert.ok(everything.stdout.includes(failed.executionArn) && everything.stdout.includes(ok.executionArn));
  assert.match(everything.stdout, new RegExp(`^FAILED\\s+\\d{4}-\\d\\d-\\d\\dT\\S+\\s+\\S+\\s+failing\\s+${failed.executionArn}$`, 'm'));

  const onlyFailed = await cli('executions', '--status', 'failed', '--json', '--endpoint', endpoint);
  const failedRuns = (JSON.parse(onlyFailed.stdout) as { executions: Json[] }).executions;
  assert.ok(failedRuns.length >= 1 && failedRuns.every((e) => e.status === 'FAILED'));
  const badStatus = await cli('executions', '--status', 'DONE', '--endpoint', endpoint);
  assert.equal(badStatus.status, 2);

  const h = await cli('history', ok.executionArn, '--endpoint', endpoint);
  assert.equal(h.status, 0, h.stderr);
  assert.match(h.stdout, /^6\s+5\s+ExecutionSucceeded/m);
  const hj = await cli('history', failed.executionArn, '--json', '--endpoint', endpoint);
  assert.equal(hj.status, 1, 'the history of a failed execution exits 1');
  const out = JSON.parse(hj.stdout) as { status: string; events: Json[] };
  assert.equal(out.status, 'FAILED');
  assert.deepEqual(out.events, (await sfn('GetExecutionHistory', { executionArn: failed.executionArn })).events);

  const none = await cli('history', 'arn:aws:states:us-east-1:000000000000:execution:greeter:never', '--endpoint', endpoint);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /ExecutionDoesNotExist/);
  const notArn = await cli('history', 'greeter', '--endpoint', endpoint);
  assert.equal(notArn.status, 2);
});

test('invoke: calls a route of the only API and stage, with -i headers and --json', async () => {
  const r = await cli('invoke', 'GET', '/hello', '--endpoint', endpoint);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'HTTP 200 OK\n\n{"hello": "world", "method": "GET"}\n');
  const i = await cli('invoke', 'post', '/hello', '-i', '--data', '{"a":1}', '-H', 'x-trace: 1', '--api', apiId, '--stage', 'dev', '--endpoint', endpoint);
  assert.equal(i.status, 0, i.stderr);
  assert.match(i.stdout, /^HTTP 200 OK\n/);
  assert.match(i.stdout, /^content-type: application\/json$/m);
  assert.match(i.stdout, /\n\n\{"hello": "world", "method": "POST"\}\n$/);
  const j = await cli('invoke', 'GET', '/hello', '--json', '--api', 'hello-api', '--endpoint', endpoint);
  assert.equal(j.status, 0, j.stderr);
  const out = JSON.parse(j.stdout) as { url: string; status: number; headers: Record<string, string>; body: unknown };
  assert.equal(out.status, 200);
  assert.equal(out.url, `${endpoint}/restapis/${apiId}/dev/_user_request_/hello`);
  assert.deepEqual(out.body, { hello: 'world', method: 'GET' });
  assert.equal(out.headers['content-type'], 'application/json');
  const full = await cli('invoke', 'GET', `/restapis/${apiId}/dev/_user_request_/hello`, '--endpoint', endpoint);
  assert.equal(full.status, 0, full.stderr);
});

test('invoke: HTTP ≥ 400 exits 1, usage errors exit 2', async () => {
  const missing = await cli('invoke', 'GET', '/nope', '--endpoint', endpoint);
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /^HTTP 403 Forbidden\n\n\{"message":"Missing Authentication Token"\}/);
  const badData = await cli('invoke', 'POST', '/hello', '--data', '{oops', '--endpoint', endpoint);
  assert.equal(badData.status, 2);
  assert.match(badData.stderr, /--data is not JSON/);
  const badMethod = await cli('invoke', 'FETCH', '/hello', '--endpoint', endpoint);
  assert.equal(badMethod.status, 2);
  const badHeader = await cli('invoke', 'GET', '/hello', '-H', 'no-colon', '--endpoint', endpoint);
  assert.equal(badHeader.status, 2);
  assert.match(badHeader.stderr, /--header takes Name:Value/);
  const noStage = await cli('invoke', 'GET', '/hello', '--api', 'nope', '--endpoint', endpoint);
  assert.equal(noStage.status, 1);
  const noArgs = await cli('invoke', '--endpoint', endpoint);
  assert.equal(noArgs.status, 2);
});
