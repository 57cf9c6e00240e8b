// Step Functions Local's MockConfigFile, end to end: the test case is picked per execution with
// `stateMachineArn#TestCaseName`; Return / Throw responses by invocation number (ranges, retries);
// unmocked executions run the real integrations; the same file drives loadStateMachine().run.
// The config follows the example of the Step Functions Local guide ("Using mocked service integrations").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { eventually, REGION, ACCOUNT, ROLE, smArn, startHarness, type Harness } from './sfn-support.js';
import { loadStateMachine } from '../src/index.js';
import { MockConfig, mockedTasks, type MockConfigFile } from '../src/sfn/integrations/mocks.js';

const FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:HelloFunction`;
const DEFINITION = {
  StartAt: 'LambdaState',
  States: {
    LambdaState: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: FN, 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['Lambda.ResourceNotFoundException', 'Lambda.TooManyRequestsException', 'Lambda.ServiceException'], IntervalSeconds: 1, MaxAttempts: 3 }],
      ResultSelector: { 'body.$': '$.Payload.body' }, Next: 'SQSState',
    },
    SQSState: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q', 'MessageBody.$': '$' }, End: true },
  },
};

const CONFIG: MockConfigFile = {
  StateMachines: {
    LambdaSQSIntegration: {
      TestCases: {
        HappyPath: { LambdaState: 'MockedLambdaSuccess', SQSState: 'MockedSQSSuccess' },
        RetryPath: { LambdaState: 'MockedLambdaRetry', SQSState: 'MockedSQSSuccess' },
        HybridPath: { LambdaState: 'MockedLambdaSuccess' },
      },
    },
  },
  MockedResponses: {
    MockedLambdaSuccess: { 0: { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } } },
    MockedSQSSuccess: { 0: { Return: { MD5OfMessageBody: '3bcb6e8e-7h85-4375-b0bc-1a59812c6e51', MessageId: '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51' } } },
    MockedLambdaRetry: {
      0: { Throw: { Error: 'Lambda.ResourceNotFoundException', Cause: 'Lambda resource is not found.' } },
      '1-2': { Throw: { Error: 'Lambda.TooManyRequestsException', Cause: 'Lambda resource is not found.' } },
      3: { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } },
    },
  } as unknown as MockConfigFile['MockedResponses'],
};

let h: Harness;
before(async () => {
  h = await startHarness({ mockConfig: CONFIG });
  await h.sfn.send(new CreateStateMachineCommand({ name: 'LambdaSQSIntegration', definition: JSON.stringify(DEFINITION), roleArn: ROLE }));
});
after(async () => { await h.close(); });

async function run(target: string): Promise<{ status: string; output?: unknown; error?: string; types: string[] }> {
  const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: target, input: '{"hello":"world"}' }));
  const d = await eventually(async () => {
    const x = await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }));
    return x.status === 'RUNNING' ? undefined : x;
  }, target);
  const events = (await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn }))).events ?? [];
  return { status: d.status as string, types: events.map((e) => e.type as string), ...(d.output ? { output: JSON.parse(d.output) as unknown } : {}), ...(d.error ? { error: d.error } : {}) };
}

test('HappyPath: both states answer with their Return values', async () => {
  const r = await run(`${smArn('LambdaSQSIntegration')}#HappyPath`);
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { MD5OfMessageBody: '3bcb6e8e-7h85-4375-b0bc-1a59812c6e51', MessageId: '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51' });
});

test('RetryPath: invocations 0, 1-2 throw, 3 returns; Retry runs through them', async () => {
  const r = await run(`${smArn('LambdaSQSIntegration')}#RetryPath`);
  assert.equal(r.status, 'SUCCEEDED');
  assert.equal(r.types.filter((t) => t === 'TaskFailed').length, 3);
  assert.equal(r.types.filter((t) => t === 'TaskScheduled').length, 5);
});

test('HybridPath: the unmocked SQS state runs for real (no SQS integration here: States.Runtime)', async () => {
  const r = await run(`${smArn('LambdaSQSIntegration')}#HybridPath`);
  assert.equal(r.status, 'FAILED');
  assert.equal(r.error, 'States.Runtime');
  assert.ok(r.types.includes('TaskSucceeded'));
});

test('without a test case the real Lambda integration runs (no such function)', async () => {
  const r = await run(smArn('LambdaSQSIntegration'));
  assert.equal(r.error, 'Lambda.ResourceNotFoundException');
});

test('an unknown test case is rejected at StartExecution', async () => {
  await assert.rejects(h.sfn.send(new StartExecutionCommand({ stateMachineArn: `${smArn('LambdaSQSIntegration')}#Nope` })), /Nope/);
});

test('the same config drives loadStateMachine().run, with retries across a range of invocations', async () => {
  const config = MockConfig.load({
    ...CONFIG,
    MockedResponses: {
      ...CONFIG.MockedResponses,
      MockedLambdaRetry: {
        0: { Throw: { Error: 'Lambda.ServiceException', Cause: 'first' } },
        '1-2': { Throw: { Error: 'Lambda.TooManyRequestsException', Cause: 'again' } },
        3: { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } },
      },
    } as unknown as MockConfigFile['MockedResponses'],
  });
  const machine = loadStateMachine(DEFINITION, { name: 'LambdaSQSIntegration' });
  const r = await machine.run({ hello: 'world' }, { resolveTask: mockedTasks(config, 'LambdaSQSIntegration', 'RetryPath') });
  assert.equal(r.status, 'SUCCEEDED');
  assert.equal(r.history.filter((e) => e.type === 'TaskFailed').length, 3);
  assert.throws(() => mockedTasks(config, 'LambdaSQSIntegration', 'Nope'), /No test case 'Nope'/);
});
