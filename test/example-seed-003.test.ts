// examples/seed-003-workflow-calls-api end to end: `stepgate start template.yaml` brings up the REST API
// and the Standard workflow; executions started with the AWS SDK call the API through
// `arn:aws:states:::apigateway:invoke`. Expected values: FACTS §4.2 (output shape, ApiGateway.<status>
// errors, `{"message":"Missing Authentication Token"}` [rec]) and the example's own mapping templates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { startServer, type StepgateServer } from '../src/index.js';
import { eventually } from './sfn-support.js';

const template = fileURLToPath(new URL('../examples/seed-003-workflow-calls-api/template.yaml', import.meta.url));
const WORKFLOW = 'arn:aws:states:us-east-1:000000000000:stateMachine:seed-003-bills';
let server: StepgateServer;
let sfn: SFNClient;

before(async () => {
  server = await startServer({ port: 0, store: 'memory', timeScale: 0, template });
  sfn = new SFNClient({
    endpoint: server.url, region: 'us-east-1', disableHostPrefix: true, maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
after(async () => {
  sfn.destroy();
  await server.close();
});

interface Run { status: string; output: Record<string, any>; history: HistoryEvent[] }

async function run(input: { path: string; billId: string; authType: string }): Promise<Run> {
  const s = await sfn.send(new StartExecutionCommand({ stateMachineArn: WORKFLOW, input: JSON.stringify(input) }));
  const d = await eventually(async () => {
    const x = await sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }));
    return x.status === 'RUNNING' ? undefined : x;
  }, 'execution');
  const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn }));
  assert.equal(d.status, 'SUCCEEDED', `${d.error}: ${d.cause}`);
  return { status: d.status as string, output: JSON.parse(d.output as string) as Record<string, any>, history: h.events ?? [] };
}

test('the template brings up the API and the Standard workflow', () => {
  assert.deepEqual(server.stack?.stateMachines, [{ logicalId: 'BillsWorkflow', arn: WORKFLOW }]);
  assert.equal(server.stack?.apis.length, 1);
  assert.equal(server.stack?.apis[0]?.stageName, 'prod');
  assert.deepEqual(server.stack?.apis[0]?.warnings, []);
  assert.deepEqual(server.stack?.unsupported, []);
});

test('NO_AUTH: the API echoes the query parameters and header; output {ResponseBody, Headers (lists), StatusCode 200, StatusText OK}', async () => {
  const { output, history } = await run({ path: 'bills', billId: '123456', authType: 'NO_AUTH' });
  assert.deepEqual(Object.keys(output).sort(), ['Headers', 'ResponseBody', 'StatusCode', 'StatusText']);
  assert.deepEqual(output.ResponseBody, { query: { billId: '123456', currency: 'EUR' }, customer: 'acme', path: '/bills', stage: 'prod' });
  assert.equal(output.StatusCode, 200);
  assert.equal(output.StatusText, 'OK');
  for (const [name, values] of Object.entries(output.Headers as Record<string, unknown>)) {
    assert.ok(Array.isArray(values) && values.every((v) => typeof v === 'string'), `header ${name} is a list of strings`);
  }
  assert.deepEqual(output.Headers['Content-Type'], ['application/json']);
  // The task was scheduled with the endpoint the template's !Sub built and the lists as given.
  const scheduled = history.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails;
  assert.equal(scheduled?.resourceType, 'apigateway');
  assert.equal(scheduled?.resource, 'invoke');
  const params = JSON.parse(scheduled?.parameters ?? '{}') as Record<string, unknown>;
  assert.equal(params.ApiEndpoint, `${server.stack?.apis[0]?.apiId}.execute-api.us-east-1.amazonaws.com`);
  assert.deepEqual(params.QueryParameters, { billId: ['123456'], currency: ['EUR'] });
  assert.deepEqual(params.Headers, { 'x-customer': ['acme'] });
});

test('a path the API lacks: ApiGateway.403 with {"message":"Missing Authentication Token"} as cause, caught', async () => {
  const { output, history } = await run({ path: 'invoices', billId: '1', authType: 'NO_AUTH' });
  const failed = history.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails;
  assert.equal(failed?.error, 'ApiGateway.403');
  assert.equal(failed?.cause, '{"message":"Missing Authentication Token"}');
  assert.deepEqual(output, { found: false, error: 'ApiGateway.403', cause: '{"message":"Missing Authentication Token"}' });
});

test('an integration that answers 404 (MOCK, selectionPattern "404"): ApiGateway.404 with the body as cause, caught', async () => {
  const { output, history } = await run({ path: 'bills', billId: 'unknown', authType: 'NO_AUTH' });
  const failed = history.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails;
  assert.equal(failed?.error, 'ApiGateway.404');
  assert.deepEqual(JSON.parse(failed?.cause ?? ''), { message: 'no bill unknown' });
  assert.equal(output.found, false);
  assert.equal(output.error, 'ApiGateway.404');
});

// IAM_ROLE requests are signed with SigV4 (checked in test/sfn-apigateway-sign.test.ts); RESOURCE_POLICY
// evaluates no resource policy locally. The API's methods need no authorization, so both reach it and
// answer as for NO_AUTH (README: "AuthType").
for (const authType of ['IAM_ROLE', 'RESOURCE_POLICY']) {
  test(`${authType}: the API answers as for NO_AUTH (its methods need no authorization)`, async () => {
    const { output, history } = await run({ path: 'bills', billId: '7', authType });
    const params = JSON.parse(history.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails?.parameters ?? '{}') as Record<string, unknown>;
    assert.equal(params.AuthType, authType);
    assert.equal(output.StatusCode, 200);
    assert.deepEqual(output.ResponseBody, { query: { billId: '7', currency: 'EUR' }, customer: 'acme', path: '/bills', stage: 'prod' });
  });
}
