// examples/seed-000-headers-to-workflow end to end: `stepgate start examples/seed-000-headers-to-workflow/template.yaml`
// (the real CLI) brings up the REST API and the Standard workflow, and the seed's question is replayed
// over plain HTTP. Expected values: StartExecution accepts only stateMachineArn, name, input and
// traceHeader, and API Gateway forwards no client header to an AWS integration (FACTS §5.5), so only
// what the mapping template puts into "input" reaches the execution.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { call, readme, startExample, type Example } from './example-support.js';

const EXAMPLE = 'seed-000-headers-to-workflow';
let ex: Example;

before(async () => { ex = await startExample(`examples/${EXAMPLE}/template.yaml`); });
after(async () => { await ex.stop(); });

const input = async (executionArn: unknown): Promise<unknown> => {
  const d = await ex.sfn.send(new DescribeExecutionCommand({ executionArn: String(executionArn) }));
  return JSON.parse(d.input ?? 'null') as unknown;
};

test('the banner lists the API at both addresses and the workflow\'s ARN', () => {
  assert.equal(ex.apis.length, 1);
  const api = ex.apis[0];
  assert.match(api?.label ?? '', /^HeadersApi \(\w{10}\)$/);
  assert.equal(api?.stage, 'dev');
  assert.equal(api?.pathUrl, `${ex.url}/restapis/${api?.apiId}/dev/_user_request_/`);
  assert.equal(api?.hostUrl, `http://${api?.apiId}.execute-api.localhost:${ex.port}/dev/`);
  assert.deepEqual([...ex.stateMachines], [['EchoWorkflow', 'arn:aws:states:us-east-1:000000000000:stateMachine:seed-000-echo']]);
});

test('POST /broken (the asker\'s template): the execution starts, but its input is the body alone', async () => {
  const api = ex.apis[0];
  const r = await call('POST', `${api?.pathUrl}broken`, JSON.stringify({ surname: 'TESTSURNAME' }), { HeaderA: 'ValueA', HeaderB: 'ValueB' });
  assert.equal(r.status, 200, r.text);
  assert.match(String(r.json.executionArn), /^arn:aws:states:us-east-1:000000000000:execution:seed-000-echo:/);
  assert.deepEqual(await input(r.json.executionArn), { surname: 'TESTSURNAME' });
});

test('POST /fixed (the answer), at the execute-api.localhost address: the headers arrive inside input', async () => {
  const api = ex.apis[0];
  const r = await call('POST', `${api?.hostUrl}fixed`, JSON.stringify({ surname: 'TESTSURNAME' }), { HeaderA: 'ValueA', HeaderB: 'ValueB' });
  assert.equal(r.status, 200, r.text);
  const got = await input(r.json.executionArn) as { body: unknown; headers: Record<string, string> };
  assert.deepEqual(got.body, { surname: 'TESTSURNAME' });
  assert.equal(got.headers.HeaderA, 'ValueA');
  assert.equal(got.headers.HeaderB, 'ValueB');
});

test('malformed input: an apostrophe in a header breaks the rendered request (escapeJavaScript turns it into a backslash-quote), answered 200 by the default mapping; an unknown path is 403', async () => {
  const api = ex.apis[0];
  // FACTS §5.4: $util.escapeJavaScript escapes ' as \', which is not JSON; FACTS §5.3: a Step Functions 400
  // behind a default-only 200 integration response reaches the client as 200 with the error body.
  const bad = await call('POST', `${api?.pathUrl}fixed`, '{}', { HeaderA: "O'Brien" });
  assert.equal(bad.status, 200, bad.text);
  assert.match(String(bad.json.__type), /SerializationException$/);
  const missing = await call('POST', `${api?.pathUrl}nowhere`, '{}');
  assert.equal(missing.status, 403);
  assert.deepEqual(missing.json, { message: 'Missing Authentication Token' });
});

test('the README starts this template and calls the URL the banner prints', () => {
  const text = readme(EXAMPLE);
  assert.match(text, new RegExp(`stepgate start examples/${EXAMPLE}/template\\.yaml`));
  assert.ok(text.includes(`${ex.apis[0]?.pathUrl.replace(ex.url, 'http://127.0.0.1:4599')}fixed`), 'the README\'s curl URL is the started API\'s');
});
