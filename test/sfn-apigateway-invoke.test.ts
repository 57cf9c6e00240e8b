// arn:aws:states:::apigateway:invoke against a REST API of the same server (seed 003's pattern):
// query parameters and headers as lists, AWS's output shape, and ApiGateway.<status> errors caught.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { eventually, ROLE, smArn, startHarness, type Harness } from './sfn-support.js';

let h: Harness;
let apiId = '';

const OPENAPI = {
  swagger: '2.0',
  info: { title: 'greetings', version: '1' },
  paths: {
    '/hello': {
      get: {
        responses: { '200': { description: 'ok' } },
        'x-amazon-apigateway-integration': {
          type: 'mock',
          requestTemplates: { 'application/json': '{"statusCode": 200}' },
          responses: {
            default: {
              statusCode: '200',
              responseTemplates: { 'application/json': `{"greeting": "hello $input.params('name')", "custom": "$input.params('x-custom')"}` },
            },
          },
        },
      },
    },
  },
};

before(async () => {
  h = await startHarness();
  const imported = await fetch(`${h.server.url}/restapis?mode=import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OPENAPI) });
  assert.equal(imported.status, 201);
  apiId = ((await imported.json()) as { id: string }).id;
  const deployed = await fetch(`${h.server.url}/restapis/${apiId}/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stageName: 'dev' }) });
  assert.equal(deployed.status, 201);
  await h.sfn.send(new CreateStateMachineCommand({
    name: 'caller', roleArn: ROLE,
    definition: JSON.stringify({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task', Resource: 'arn:aws:states:::apigateway:invoke',
          Parameters: {
            'ApiEndpoint.$': '$.endpoint', Method: 'GET', Stage: 'dev', 'Path.$': '$.path',
            QueryParameters: { name: ['world'] }, Headers: { 'x-custom': ['abc'] },
          },
          Catch: [{ ErrorEquals: ['ApiGateway.403', 'ApiGateway.404'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    }),
  }));
});
after(async () => { await h.close(); });

async function run(path: string): Promise<Record<string, any>> {
  const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('caller'), input: JSON.stringify({ endpoint: `${apiId}.execute-api.us-east-1.amazonaws.com`, path }) }));
  const d = await eventually(async () => {
    const x = await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }));
    return x.status === 'RUNNING' ? undefined : x;
  }, 'execution');
  assert.equal(d.status, 'SUCCEEDED', `${d.error}: ${d.cause}`);
  return JSON.parse(d.output as string) as Record<string, any>;
}

test('the response comes back as {Headers (lists), ResponseBody, StatusCode, StatusText}', async () => {
  const out = await run('hello');
  assert.equal(out.StatusCode, 200);
  assert.equal(out.StatusText, 'OK');
  assert.deepEqual(out.ResponseBody, { greeting: 'hello world', custom: 'abc' });
  assert.ok(Array.isArray(out.Headers['Content-Type']));
});

test('a path the API does not have fails with ApiGateway.403 and the body as cause, caught by Catch', async () => {
  const out = await run('nowhere');
  // FACTS §4.2 [rec]: error ApiGateway.403, cause {"message":"Missing Authentication Token"}
  assert.equal(out.Error, 'ApiGateway.403');
  assert.deepEqual(JSON.parse(out.Cause as string), { message: 'Missing Authentication Token' });
});
