// examples/seed-002-json-payload end to end: the accepted answer's CloudFormation — SAM, the OpenAPI
// file brought in with AWS::Include (with Fn::Sub / Fn::GetAtt inside it), a state machine whose
// DefinitionString is a !Sub of four Lambda ARNs — started unchanged with `stepgate start` (the real
// CLI), then the seed's question over plain HTTP: the POST body arrives intact as the execution input.
// Expected values: the mapping template of the seed (input = the escaped body, name = $context.requestId,
// the CORS headers from the template's parameters), FACTS §5.4 (escapeJavaScript and apostrophes).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeExecutionCommand, GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { call, readme, startExample, type Example } from './example-support.js';
import { eventually } from './sfn-support.js';

const EXAMPLE = 'seed-002-json-payload';
const ORIGIN = 'https://app.example';
let ex: Example;

// A parameter override reaches the Fn::Sub inside the included OpenAPI file.
before(async () => { ex = await startExample(`examples/${EXAMPLE}/template.yaml`, ['--parameter-overrides', `CorsOrigin='${ORIGIN}'`]); });
after(async () => { await ex.stop(); });

test('the stack: the API (Name from !Sub ${AWS::StackName}-api) and the state machine named by !Sub', () => {
  assert.equal(ex.apis.length, 1);
  assert.match(ex.apis[0]?.label ?? '', /^RestApi \(\w{10}\)$/);
  assert.equal(ex.apis[0]?.stage, 'dev');
  assert.deepEqual([...ex.stateMachines], [['Workflow', 'arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-state-machine']]);
  for (const f of ['Start', 'Wait3000', 'Wait500', 'End']) assert.match(ex.banner, new RegExp(`function ${f}: stepgate-${f.toLowerCase()}\\n`));
});

test('POST /execution: the body is the execution input, the execution is named after the request id, the CORS headers come from the parameters', async () => {
  const payload = { order: { id: 7, items: [{ sku: 'A-1', qty: 2 }], note: 'quote " backslash \\ tab \t newline \n unicode é ✓' }, flag: true, none: null };
  const r = await call('POST', `${ex.apis[0]?.pathUrl}execution`, JSON.stringify(payload));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['access-control-allow-origin'], ORIGIN);
  assert.equal(r.headers['access-control-allow-headers'], 'Content-Type,X-Amz-Date,Authorization,X-Api-Key');
  const requestId = r.headers['x-amzn-requestid'];
  assert.equal(r.json.executionArn, `arn:aws:states:us-east-1:000000000000:execution:stepgate-state-machine:${requestId}`);
  const done = await eventually(async () => {
    const d = await ex.sfn.send(new DescribeExecutionCommand({ executionArn: String(r.json.executionArn) }));
    return d.status === 'RUNNING' ? undefined : d;
  }, 'the execution', 20_000);
  assert.deepEqual(JSON.parse(done.input ?? ''), payload);
  // Start → Parallel (Wait3000, Wait500) → End, each a Lambda function of the template.
  assert.equal(done.status, 'SUCCEEDED', done.cause);
  assert.deepEqual(JSON.parse(done.output ?? ''), { function: 'end' });
  const history = await ex.sfn.send(new GetExecutionHistoryCommand({ executionArn: String(r.json.executionArn) }));
  const invoked = (history.events ?? []).filter((e) => e.type === 'LambdaFunctionScheduled').map((e) => e.lambdaFunctionScheduledEventDetails?.resource).sort();
  assert.deepEqual(invoked, ['end', 'start', 'wait3000', 'wait500'].map((n) => `arn:aws:lambda:us-east-1:000000000000:function:stepgate-${n}`));
});

test('the same at the execute-api.localhost address', async () => {
  const r = await call('POST', `${ex.apis[0]?.hostUrl}execution`, '{"a":1}');
  assert.equal(r.status, 200, r.text);
  const d = await ex.sfn.send(new DescribeExecutionCommand({ executionArn: String(r.json.executionArn) }));
  assert.deepEqual(JSON.parse(d.input ?? ''), { a: 1 });
});

test('malformed input: an apostrophe makes the rendered request invalid JSON — SerializationException, 400 through "4\\d{2}"', async () => {
  const r = await call('POST', `${ex.apis[0]?.pathUrl}execution`, JSON.stringify({ name: "O'Brien" }));
  assert.equal(r.status, 400, r.text);
  assert.match(String(r.json.__type), /SerializationException$/);
});

test('OPTIONS /execution: the MOCK integration answers the CORS preflight with the three headers', async () => {
  const r = await call('OPTIONS', `${ex.apis[0]?.pathUrl}execution`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['access-control-allow-origin'], ORIGIN);
  assert.equal(r.headers['access-control-allow-methods'], '*');
  assert.equal(r.headers['access-control-allow-headers'], 'Content-Type,X-Amz-Date,Authorization,X-Api-Key');
});

test('the README starts this template and calls the URL the banner prints', () => {
  const text = readme(EXAMPLE);
  assert.match(text, new RegExp(`stepgate start examples/${EXAMPLE}/template\\.yaml`));
  assert.ok(text.includes(`${ex.apis[0]?.pathUrl.replace(ex.url, 'http://127.0.0.1:4599')}execution`), 'the README\'s curl URL is the started API\'s');
});
