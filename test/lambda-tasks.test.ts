// Task integrations on the server, end to end with the AWS SDK: Lambda (legacy function ARN and
// lambda:invoke), nested executions (states:startExecution, .sync, .sync:2, .waitForTaskToken with the
// child answering through aws-sdk:sfn:sendTaskSuccess) and the HTTP Task against a local HTTP server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand, TestStateCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { ACCOUNT, eventually, REGION, ROLE, smArn, startHarness, type Harness } from './sfn-support.js';

const APP = fileURLToPath(new URL('./functions/app', import.meta.url));
const fnArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
let h: Harness;
let lambda: LambdaClient;
let web: Server;
let webUrl: string;
const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];

before(async () => {
  h = await startHarness({ http: { connections: { 'arn:aws:events:us-east-1:000000000000:connection/local/1': { apiKey: { name: 'x-api-key', value: 'secret' } } } } });
  lambda = new LambdaClient({ endpoint: h.server.url, region: REGION, maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  for (const [name, handler] of [['echo', 'echo.handler'], ['fail-custom', 'fail-custom.handler']]) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: handler, Code: { S3Bucket: 'hot-reload', S3Key: APP } }));
  }
  web = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if ((req.url ?? '').startsWith('/missing')) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"message":"no such thing"}'); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});

after(async () => {
  lambda.destroy();
  await h.close();
  await new Promise<void>((r) => web.close(() => r()));
});

let n = 0;
async function run(definition: unknown, input: unknown = {}): Promise<{ status: string; output?: unknown; error?: string; cause?: string; events: HistoryEvent[] }> {
  const name = `sm-${++n}`;
  await h.sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }));
  const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn(name), input: JSON.stringify(input) }));
  const d = await eventually(async () => {
    const x = await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }));
    return x.status === 'RUNNING' ? undefined : x;
  }, name);
  const events = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn }))).events ?? [];
  return {
    status: d.status as string, events,
    ...(d.output !== undefined ? { output: JSON.parse(d.output) as unknown } : {}),
    ...(d.error !== undefined ? { error: d.error } : {}),
    ...(d.cause !== undefined ? { cause: d.cause } : {}),
  };
}

const task = (resource: string, extra: Record<string, unknown> = {}): unknown => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true, ...extra } } });

describe('Lambda tasks', () => {
  test('legacy function ARN: the payload is the result; LambdaFunction* events', async () => {
    const r = await run(task(fnArn('echo')), { a: [1, 2] });
    assert.equal(r.status, 'SUCCEEDED');
    assert.deepEqual(r.output, { a: [1, 2] });
    assert.deepEqual(r.events.map((e) => e.type), ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });

  test('lambda:invoke: the Invoke response envelope (FACTS §4.1)', async () => {
    const r = await run(task('arn:aws:states:::lambda:invoke', { Parameters: { FunctionName: 'echo', 'Payload.$': '$' } }), { x: 1 });
    assert.equal(r.status, 'SUCCEEDED');
    const out = r.output as Record<string, unknown>;
    assert.deepEqual(Object.keys(out).sort(), ['ExecutedVersion', 'Payload', 'SdkHttpMetadata', 'SdkResponseMetadata', 'StatusCode']);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.deepEqual(out.Payload, { x: 1 });
    assert.equal(out.StatusCode, 200);
    const meta = out.SdkHttpMetadata as { HttpStatusCode: number; AllHttpHeaders: Record<string, string[]>; HttpHeaders: Record<string, string> };
    assert.equal(meta.HttpStatusCode, 200);
    assert.deepEqual(meta.AllHttpHeaders['X-Amz-Executed-Version'], ['$LATEST']);
    assert.equal(meta.HttpHeaders['Content-Type'], 'application/json');
  });

  test('a function error: error = errorType, cause = the error document; Retry/Catch match the type', async () => {
    const def = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fnArn('fail-custom') }, Catch: [{ ErrorEquals: ['PaymentDeclined'], Next: 'Caught' }], Next: 'Caught' },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const c = await run(def);
    assert.equal(c.status, 'SUCCEEDED');
    const out = c.output as { Error: string; Cause: string };
    assert.equal(out.Error, 'PaymentDeclined');
    const doc = JSON.parse(out.Cause) as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(doc.errorType, 'PaymentDeclined');
    assert.equal(doc.errorMessage, 'card expired');
    assert.ok(Array.isArray(doc.trace));
  });

  test('an unknown function: Lambda.ResourceNotFoundException with AWS cause', async () => {
    const r = await run(task(fnArn('no-such-fn')));
    assert.equal(r.status, 'FAILED');
    assert.equal(r.error, 'Lambda.ResourceNotFoundException');
    assert.match(r.cause ?? '', /^Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-fn:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]+; Proxy: null\)$/);
  });
});

describe('TestState', () => {
  test('a Task without a mock runs the real integration (lambda:invoke)', async () => {
    const def = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'echo', 'Payload.$': '$' }, OutputPath: '$.Payload', End: true };
    const r = await h.sfn.send(new TestStateCommand({ definition: JSON.stringify(def), roleArn: ROLE, input: '{"q":7}' }));
    assert.equal(r.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(r.output ?? 'null'), { q: 7 });
  });
});

describe('nested executions', () => {
  const child = { StartAt: 'P', States: { P: { Type: 'Pass', Result: { Arg1: 'argument1' }, End: true } } };
  const failing = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'SomeFailure', Cause: 'boom' } } };
  before(async () => {
    await h.sfn.send(new CreateStateMachineCommand({ name: 'child', definition: JSON.stringify(child), roleArn: ROLE }));
    await h.sfn.send(new CreateStateMachineCommand({ name: 'child-fails', definition: JSON.stringify(failing), roleArn: ROLE }));
  });

  test('startExecution (request-response): ExecutionArn and StartDate', async () => {
    const r = await run(task('arn:aws:states:::states:startExecution', { Parameters: { StateMachineArn: smArn('child'), Name: 'rr' } }));
    assert.equal(r.status, 'SUCCEEDED');
    const out = r.output as Record<string, unknown>;
    assert.equal(out.ExecutionArn, `arn:aws:states:${REGION}:${ACCOUNT}:execution:child:rr`);
    assert.ok(out.StartDate !== undefined && out.SdkHttpMetadata !== undefined && out.SdkResponseMetadata !== undefined);
  });

  test('.sync: TaskSubmitted, then the DescribeExecution-shaped result with Output as text', async () => {
    const r = await run(task('arn:aws:states:::states:startExecution.sync', { Parameters: { StateMachineArn: smArn('child'), Input: null, Name: 'sync1' } }));
    assert.equal(r.status, 'SUCCEEDED');
    assert.ok(r.events.some((e) => e.type === 'TaskSubmitted'));
    const out = r.output as Record<string, unknown>;
    assert.equal(out.Status, 'SUCCEEDED');
    assert.equal(out.Output, '{"Arg1":"argument1"}');
    assert.equal(out.Input, '{}');
    assert.equal(out.Name, 'sync1');
  });

  test('.sync:2: Input and Output parsed', async () => {
    const r = await run(task('arn:aws:states:::states:startExecution.sync:2', { Parameters: { StateMachineArn: smArn('child'), Input: { k: 1 } } }));
    const out = r.output as Record<string, unknown>;
    assert.deepEqual(out.Output, { Arg1: 'argument1' });
    assert.deepEqual(out.Input, { k: 1 });
  });

  test('.sync with a failing child: States.TaskFailed, cause = the description with Error/Cause', async () => {
    const r = await run(task('arn:aws:states:::states:startExecution.sync', { Parameters: { StateMachineArn: smArn('child-fails') } }));
    assert.equal(r.status, 'FAILED');
    assert.equal(r.error, 'States.TaskFailed');
    const cause = JSON.parse(r.cause ?? '{}') as Record<string, unknown>;
    assert.equal(cause.Status, 'FAILED');
    assert.equal(cause.Error, 'SomeFailure');
    assert.equal(cause.Cause, 'boom');
  });

  test('an unknown state machine: StepFunctions.StateMachineDoesNotExistException', async () => {
    const r = await run(task('arn:aws:states:::states:startExecution', { Parameters: { StateMachineArn: smArn('nope') } }));
    assert.equal(r.error, 'StepFunctions.StateMachineDoesNotExistException');
    assert.match(r.cause ?? '', /^State Machine Does Not Exist: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope' \(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: [0-9a-f-]+; Proxy: null\)$/);
  });

  test('.waitForTaskToken: the child returns the token with aws-sdk:sfn:sendTaskSuccess', async () => {
    const answering = task('arn:aws:states:::aws-sdk:sfn:sendTaskSuccess', { Parameters: { 'TaskToken.$': '$.token', Output: '{"from":"child"}' } });
    await h.sfn.send(new CreateStateMachineCommand({ name: 'answering', definition: JSON.stringify(answering), roleArn: ROLE }));
    const r = await run(task('arn:aws:states:::states:startExecution.waitForTaskToken', { Parameters: { StateMachineArn: smArn('answering'), Input: { 'token.$': '$$.Task.Token' } } }));
    assert.equal(r.status, 'SUCCEEDED');
    assert.deepEqual(r.output, { from: 'child' });
  });
});

describe('HTTP Task', () => {
  const conn = { ConnectionArn: 'arn:aws:events:us-east-1:000000000000:connection/local/1' };
  test('success: Headers / ResponseBody / StatusCode / StatusText; connection credentials and query encoding', async () => {
    const r = await run(task('arn:aws:states:::http:invoke', {
      Parameters: {
        ApiEndpoint: `${webUrl}/orders`, Method: 'POST', Authentication: conn,
        QueryParameters: { ids: ['a', 'b'] }, RequestBody: { items: [1, 2], name: 'x y' },
        Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'BRACKETS' } },
      },
    }));
    assert.equal(r.status, 'SUCCEEDED');
    const out = r.output as Record<string, unknown>;
    assert.deepEqual(out.ResponseBody, { ok: true });
    assert.equal(out.StatusCode, 200);
    assert.equal(out.StatusText, 'OK');
    const req = seen.at(-1);
    assert.equal(req?.url, '/orders?ids%5B%5D=a&ids%5B%5D=b');
    assert.equal(req?.body, 'items%5B%5D=1&items%5B%5D=2&name=x%20y');
    assert.equal(req?.headers['x-api-key'], 'secret');
    assert.equal(req?.headers['content-type'], 'application/x-www-form-urlencoded');
  });

  test('non-2xx: States.Http.StatusCode.404 with the body as cause; unreachable: States.Http.Socket', async () => {
    const r = await run(task('arn:aws:states:::http:invoke', { Parameters: { ApiEndpoint: `${webUrl}/missing`, Method: 'GET', Authentication: conn } }));
    assert.equal(r.error, 'States.Http.StatusCode.404');
    assert.equal(r.cause, '{"message":"no such thing"}');
    const s = await run(task('arn:aws:states:::http:invoke', { Parameters: { ApiEndpoint: 'http://127.0.0.1:1/x', Method: 'GET', Authentication: conn } }));
    assert.equal(s.error, 'States.Http.Socket');
  });
});
