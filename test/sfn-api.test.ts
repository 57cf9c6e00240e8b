// End to end: the Step Functions API of a real server driven with @aws-sdk/client-sfn — state
// machines, executions, history, Express, validation and the protocol errors. Expected messages come
// from FACTS §1 (recorded against AWS where marked [rec]).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateStateMachineCommand, DeleteStateMachineCommand, DescribeExecutionCommand, DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand,
  StartExecutionCommand, StartSyncExecutionCommand, StopExecutionCommand, UpdateStateMachineCommand, ValidateStateMachineDefinitionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { ACCOUNT, awsError, eventually, execArn, PASS, REGION, ROLE, smArn, startHarness, type Harness } from './sfn-support.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const WAIT = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, Next: 'P' }, P: { Type: 'Pass', End: true } } });
/** Stays RUNNING until its task token comes back (no dispatcher handles SQS yet). */
const TOKEN = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', 'MessageBody.$': '$$.Task.Token' }, End: true } } });
const FAIL = JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'MyError', Cause: 'my cause' } } });

async function finished(arn: string): Promise<string> {
  return eventually(async () => {
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    return d.status === 'RUNNING' ? undefined : d.status;
  }, `execution ${arn}`);
}

describe('state machines', () => {
  test('create, describe with defaults, idempotent create, conflicting create', async () => {
    const c = await h.sfn.send(new CreateStateMachineCommand({ name: 'sm-a', definition: PASS, roleArn: ROLE }));
    assert.equal(c.stateMachineArn, smArn('sm-a'));
    assert.ok(c.creationDate instanceof Date);
    const d = await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('sm-a') }));
    assert.equal(d.name, 'sm-a');
    assert.equal(d.type, 'STANDARD');
    assert.equal(d.status, 'ACTIVE');
    assert.equal(d.definition, PASS);
    assert.equal(d.roleArn, ROLE);
    // FACTS §1.4 [rec]: defaults of Describe.
    assert.deepEqual(d.loggingConfiguration, { level: 'OFF', includeExecutionData: false });
    assert.deepEqual(d.tracingConfiguration, { enabled: false });
    // FACTS §1.3 [rec]: an exact duplicate answers 200 with the same ARN and creationDate; roleArn is ignored.
    const again = await h.sfn.send(new CreateStateMachineCommand({ name: 'sm-a', definition: PASS, roleArn: `${ROLE}2` }));
    assert.equal(again.stateMachineArn, c.stateMachineArn);
    assert.equal(again.creationDate?.getTime(), c.creationDate?.getTime());
    const e = await awsError(() => h.sfn.send(new CreateStateMachineCommand({ name: 'sm-a', definition: WAIT, roleArn: ROLE })));
    assert.deepEqual(e, { name: 'StateMachineAlreadyExists', message: `State Machine Already Exists: '${smArn('sm-a')}'`, status: 400 });
  });

  test('create errors: InvalidName, InvalidDefinition, ValidationException, missing fields', async () => {
    const bad = await awsError(() => h.sfn.send(new CreateStateMachineCommand({ name: 'a b', definition: PASS, roleArn: ROLE })));
    assert.deepEqual(bad, { name: 'InvalidName', message: "Invalid Name: 'a b'", status: 400 });
    const def = await awsError(() => h.sfn.send(new CreateStateMachineCommand({ name: 'x', definition: '{"StartAt":"A"}', roleArn: ROLE })));
    assert.equal(def.name, 'InvalidDefinition');
    assert.equal(def.message, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'");
    const vd = await awsError(() => h.sfn.send(new CreateStateMachineCommand({ name: 'x', definition: PASS, roleArn: ROLE, versionDescription: 'd' })));
    assert.deepEqual(vd, { name: 'ValidationException', message: 'Version description can only be set when publish is true', status: 400 });
    // Express rejects .waitForTaskToken at creation (FACTS §1.3).
    const wft = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'MessageBody.$': '$$.Task.Token' }, End: true } } });
    const ex = await awsError(() => h.sfn.send(new CreateStateMachineCommand({ name: 'x', definition: wft, roleArn: ROLE, type: 'EXPRESS' })));
    assert.equal(ex.name, 'InvalidDefinition');
    assert.match(ex.message, /Express state machine does not support '.waitForTaskToken' service integration\s+at \/States\/T\/Resource/);
    const arn = await awsError(() => h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })));
    assert.deepEqual(arn, { name: 'InvalidArn', message: "Invalid Arn: 'Invalid ARN prefix: not-an-arn'", status: 400 });
    const missing = await awsError(() => h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('nope') })));
    assert.deepEqual(missing, { name: 'StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${smArn('nope')}'`, status: 400 });
  });

  test('list with pagination, update, delete (unknown ARN is 200)', async () => {
    for (const n of ['pg-1', 'pg-2', 'pg-3']) await h.sfn.send(new CreateStateMachineCommand({ name: n, definition: PASS, roleArn: ROLE }));
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await h.sfn.send(new ListStateMachinesCommand({ maxResults: 2, ...(token ? { nextToken: token } : {}) }));
      assert.ok((page.stateMachines ?? []).length <= 2);
      names.push(...(page.stateMachines ?? []).map((m) => m.name as string));
      token = page.nextToken;
    } while (token);
    for (const n of ['pg-1', 'pg-2', 'pg-3']) assert.ok(names.includes(n));
    assert.equal(new Set(names).size, names.length);
    const tooMany = await awsError(() => h.sfn.send(new ListStateMachinesCommand({ maxResults: 1001 })));
    assert.deepEqual(tooMany, { name: 'ValidationException', status: 400, message: "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000" });
    const badToken = await awsError(() => h.sfn.send(new ListStateMachinesCommand({ nextToken: 'garbage' })));
    assert.equal(badToken.name, 'InvalidToken');

    const nothing = await awsError(() => h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('pg-1') })));
    assert.deepEqual(nothing, { name: 'MissingRequiredParameter', status: 400, message: 'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified' });
    const u = await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('pg-1'), definition: WAIT }));
    assert.ok(u.updateDate instanceof Date);
    assert.equal((await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('pg-1') }))).definition, WAIT);
    const badDef = await awsError(() => h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('pg-1'), definition: '{}' })));
    assert.equal(badDef.name, 'InvalidDefinition');

    await h.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: smArn('pg-3') }));
    const gone = await awsError(() => h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('pg-3') })));
    assert.equal(gone.name, 'StateMachineDoesNotExist');
    // FACTS §1.3 [rec]: deleting an unknown state machine answers 200 {}.
    await h.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: smArn('never-existed') }));
    const start = await awsError(() => h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('pg-3') })));
    assert.deepEqual(start, { name: 'StateMachineDoesNotExist', status: 400, message: `State Machine Does Not Exist: '${smArn('pg-3')}'` });
  });
});

describe('executions', () => {
  before(async () => {
    await h.sfn.send(new CreateStateMachineCommand({ name: 'ex-pass', definition: PASS, roleArn: ROLE }));
    await h.sfn.send(new CreateStateMachineCommand({ name: 'ex-wait', definition: TOKEN, roleArn: ROLE }));
    await h.sfn.send(new CreateStateMachineCommand({ name: 'ex-fail', definition: FAIL, roleArn: ROLE }));
  });

  test('start, describe a SUCCEEDED execution, history shape', async () => {
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-pass'), name: 'one', input: '{"a":1}' }));
    assert.equal(s.executionArn, execArn('ex-pass', 'one'));
    assert.equal(await finished(s.executionArn as string), 'SUCCEEDED');
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }));
    // FACTS §1.4 [rec]: DescribeExecution of a SUCCEEDED execution.
    assert.equal(d.input, '{"a":1}');
    assert.equal(d.output, '{"a":1}');
    assert.deepEqual(d.inputDetails, { included: true });
    assert.deepEqual(d.outputDetails, { included: true });
    assert.equal(d.redriveCount, 0);
    assert.equal(d.redriveStatus, 'NOT_REDRIVABLE');
    assert.equal(d.redriveStatusReason, 'Execution is SUCCEEDED and cannot be redriven');
    assert.equal(d.stateMachineArn, smArn('ex-pass'));
    const hist = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn }));
    // FACTS §3.3 [rec]: 1:0 ExecutionStarted, 2:0 PassStateEntered, 3:2 PassStateExited, 4:3 ExecutionSucceeded.
    assert.deepEqual(hist.events?.map((e) => [e.id, e.previousEventId, e.type]), [
      [1, 0, 'ExecutionStarted'], [2, 0, 'PassStateEntered'], [3, 2, 'PassStateExited'], [4, 3, 'ExecutionSucceeded']]);
    assert.ok(hist.events?.[0]?.timestamp instanceof Date);
    assert.equal(hist.events?.[0]?.executionStartedEventDetails?.input, '{"a":1}');
    assert.equal(hist.events?.[0]?.executionStartedEventDetails?.roleArn, ROLE);
    const dm = await h.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: s.executionArn }));
    assert.equal(dm.definition, PASS);
    assert.equal(dm.stateMachineArn, smArn('ex-pass'));
    assert.equal(dm.name, 'ex-pass');
  });

  test('history pagination, reverseOrder and includeExecutionData=false', async () => {
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-pass'), input: '{"b":2}' }));
    await finished(s.executionArn as string);
    const ids: number[] = [];
    let token: string | undefined;
    do {
      const p = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, maxResults: 3, ...(token ? { nextToken: token } : {}) }));
      ids.push(...(p.events ?? []).map((e) => e.id as number));
      token = p.nextToken;
    } while (token);
    assert.deepEqual(ids, [1, 2, 3, 4]);
    const rev = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, reverseOrder: true, maxResults: 2 }));
    assert.deepEqual(rev.events?.map((e) => e.id), [4, 3]);
    const rest = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, reverseOrder: true, nextToken: rev.nextToken }));
    assert.deepEqual(rest.events?.map((e) => e.id), [2, 1]);
    const bare = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, includeExecutionData: false }));
    const started = bare.events?.[0] as HistoryEvent;
    assert.equal(started.executionStartedEventDetails?.input, undefined);
    assert.equal(started.executionStartedEventDetails?.roleArn, ROLE);
    const wrongScope = await awsError(() => h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, nextToken: rev.nextToken })));
    assert.equal(wrongScope.name, 'InvalidToken');
  });

  test('name idempotency while RUNNING, ExecutionAlreadyExists, stop, list', async () => {
    const first = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-wait'), name: 'idem', input: '{"k":1}' }));
    // FACTS §1.4: same name and input while RUNNING → the original execution.
    const same = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-wait'), name: 'idem', input: '{"k":1}' }));
    assert.equal(same.executionArn, first.executionArn);
    assert.equal(same.startDate?.getTime(), first.startDate?.getTime());
    const diff = await awsError(() => h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-wait'), name: 'idem', input: '{"k":2}' })));
    assert.deepEqual(diff, { name: 'ExecutionAlreadyExists', status: 400, message: `Execution Already Exists: '${execArn('ex-wait', 'idem')}'` });
    const running = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('ex-wait'), statusFilter: 'RUNNING' }));
    assert.deepEqual(running.executions?.map((e) => e.name), ['idem']);
    const stop = await h.sfn.send(new StopExecutionCommand({ executionArn: first.executionArn, error: 'E', cause: 'C' }));
    assert.ok(stop.stopDate instanceof Date);
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    assert.equal(d.status, 'ABORTED');
    const hist = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: first.executionArn, reverseOrder: true, maxResults: 1 }));
    assert.equal(hist.events?.[0]?.type, 'ExecutionAborted');
    // Closed → the same name and input is ExecutionAlreadyExists.
    const closed = await awsError(() => h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-wait'), name: 'idem', input: '{"k":1}' })));
    assert.equal(closed.name, 'ExecutionAlreadyExists');
    const aborted = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('ex-wait'), statusFilter: 'ABORTED' }));
    assert.deepEqual(aborted.executions?.map((e) => e.name), ['idem']);
    const badFilter = await awsError(() => h.sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('ex-wait'), statusFilter: 'NOPE' as never })));
    assert.equal(badFilter.message, "1 validation error detected: Value 'NOPE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]");
  });

  test('list newest first with pagination; FAILED carries error and cause', async () => {
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) arns.push((await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-fail'), name: `f${i}` }))).executionArn as string);
    for (const a of arns) assert.equal(await finished(a), 'FAILED');
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: arns[0] }));
    assert.equal(d.error, 'MyError');
    assert.equal(d.cause, 'my cause');
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const p = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('ex-fail'), maxResults: 2, ...(token ? { nextToken: token } : {}) }));
      seen.push(...(p.executions ?? []).map((e) => e.name as string));
      token = p.nextToken;
    } while (token);
    assert.deepEqual(seen, ['f4', 'f3', 'f2', 'f1', 'f0']);
  });

  test('start errors: InvalidName, InvalidExecutionInput, ExecutionDoesNotExist, InvalidArn', async () => {
    const n = await awsError(() => h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-pass'), name: 'a/b' })));
    assert.deepEqual(n, { name: 'InvalidName', message: "Invalid Name: 'a/b'", status: 400 });
    const i = await awsError(() => h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-pass'), input: '{not json' })));
    assert.equal(i.name, 'InvalidExecutionInput');
    assert.match(i.message, /^Invalid State Machine Execution Input: '/);
    const missing = execArn('ex-pass', 'nope');
    const e = await awsError(() => h.sfn.send(new DescribeExecutionCommand({ executionArn: missing })));
    assert.deepEqual(e, { name: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${missing}'`, status: 400 });
    const s = await awsError(() => h.sfn.send(new StopExecutionCommand({ executionArn: missing })));
    assert.equal(s.name, 'ExecutionDoesNotExist');
    const g = await awsError(() => h.sfn.send(new GetExecutionHistoryCommand({ executionArn: 'x' })));
    assert.equal(g.name, 'InvalidArn');
    const nul = await awsError(() => h.sfn.send(new StartExecutionCommand({ stateMachineArn: undefined as never })));
    assert.equal(nul.name, 'ValidationException');
    assert.equal(nul.message, "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null");
  });

  test('omitted input is {}', async () => {
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ex-pass') }));
    await finished(s.executionArn as string);
    assert.equal((await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }))).output, '{}');
  });
});

describe('express', () => {
  const FIVE = JSON.stringify({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Result: 1, ResultPath: '$.a', Next: 'B' }, B: { Type: 'Pass', Result: 2, ResultPath: '$.b', Next: 'C' },
      C: { Type: 'Wait', Seconds: 10, Next: 'D' }, D: { Type: 'Pass', Result: 4, ResultPath: '$.d', Next: 'E' }, E: { Type: 'Succeed' },
    },
  });
  before(async () => {
    await h.sfn.send(new CreateStateMachineCommand({ name: 'xp', definition: FIVE, roleArn: ROLE, type: 'EXPRESS' }));
    await h.sfn.send(new CreateStateMachineCommand({ name: 'xp-fail', definition: FAIL, roleArn: ROLE, type: 'EXPRESS' }));
    await h.sfn.send(new CreateStateMachineCommand({ name: 'xp-long', definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 400, End: true } } }), roleArn: ROLE, type: 'EXPRESS' }));
    await h.sfn.send(new CreateStateMachineCommand({ name: 'xp-wait', definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 290, End: true } } }), roleArn: ROLE, type: 'EXPRESS' }));
  });

  test('StartSyncExecution SUCCEEDED, FAILED, and TIMED_OUT after five minutes', async () => {
    const ok = await h.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: smArn('xp'), name: 'sync1', input: '{"x":0}' }));
    assert.equal(ok.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(ok.output as string), { x: 0, a: 1, b: 2, d: 4 });
    assert.match(ok.executionArn as string, new RegExp(`^arn:aws:states:${REGION}:${ACCOUNT}:express:xp:sync1:[0-9a-f-]{36}$`));
    // FACTS §1.4 [rec]: FAILED is HTTP 200 with error/cause and outputDetails but no output.
    const bad = await h.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: smArn('xp-fail') }));
    assert.equal(bad.status, 'FAILED');
    assert.equal(bad.error, 'MyError');
    assert.equal(bad.cause, 'my cause');
    assert.equal(bad.output, undefined);
    assert.deepEqual(bad.outputDetails, { included: true });
    // FACTS §1.4: Express runs at most 5 minutes (States.Timeout).
    const long = await h.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: smArn('xp-long') }));
    assert.equal(long.status, 'TIMED_OUT');
    assert.equal(long.error, 'States.Timeout');
    // just under the limit (virtual time): the limit, armed once the execution waits, does not fire first
    const waited = await h.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: smArn('xp-wait'), input: '{"w":1}' }));
    assert.equal(waited.status, 'SUCCEEDED');
    assert.equal(waited.output, '{"w":1}');
    assert.ok((waited.stopDate as Date).getTime() - (waited.startDate as Date).getTime() >= 290_000);
  });

  test('Express restrictions: not listable, not describable, no sync on STANDARD, names reusable', async () => {
    const a = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('xp'), name: 'same' }));
    const b = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('xp'), name: 'same' }));
    assert.notEqual(a.executionArn, b.executionArn);
    const list = await awsError(() => h.sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('xp') })));
    assert.deepEqual(list, { name: 'StateMachineTypeNotSupported', status: 400, message: 'This operation is not supported by this type of state machine' });
    const desc = await awsError(() => h.sfn.send(new DescribeExecutionCommand({ executionArn: a.executionArn })));
    assert.deepEqual(desc, { name: 'InvalidArn', status: 400, message: "Invalid Arn: 'Resource type not valid in this context: express'" });
    const stop = await awsError(() => h.sfn.send(new StopExecutionCommand({ executionArn: a.executionArn })));
    assert.equal(stop.message, "Invalid Arn: 'Resource type not valid in this context: express'");
    await h.sfn.send(new CreateStateMachineCommand({ name: 'std-for-sync', definition: PASS, roleArn: ROLE }));
    const sync = await awsError(() => h.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: smArn('std-for-sync') })));
    assert.deepEqual(sync, { name: 'StateMachineTypeNotSupported', status: 400, message: 'This operation is not supported by this type of state machine' });
  });
});

describe('ValidateStateMachineDefinition', () => {
  test('OK, FAIL with diagnostics, non-JSON', async () => {
    const ok = await h.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: PASS }));
    assert.equal(ok.result, 'OK');
    assert.deepEqual(ok.diagnostics, []);
    // FACTS §1.3 [rec]: `{}` → SCHEMA_VALIDATION_FAILED at / "These fields are required: [States, StartAt]".
    const empty = await h.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: '{}' }));
    assert.equal(empty.result, 'FAIL');
    assert.deepEqual(empty.diagnostics?.[0], { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'These fields are required: [States, StartAt]', location: '/' });
    const junk = await h.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: 'not json' }));
    assert.equal(junk.result, 'FAIL');
    assert.equal(junk.diagnostics?.[0]?.code, 'INVALID_JSON_DESCRIPTION');
  });
});

describe('protocol errors', () => {
  const post = (headers: Record<string, string>, body: string): Promise<Response> =>
    fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', ...headers }, body });

  test('unknown target, malformed JSON, wrong content type, oversized body; the server keeps serving', async () => {
    const unknown = await post({ 'x-amz-target': 'AWSStepFunctions.NoSuchAction' }, '{}');
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { __type: string }).__type, 'com.amazon.coral.service#UnknownOperationException');
    const malformed = await post({ 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, '{"maxResults":');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { __type: string }).__type, 'com.amazon.coral.service#SerializationException');
    const wrongType = await post({ 'x-amz-target': 'AWSStepFunctions.ListStateMachines', 'content-type': 'text/plain' }, '{}');
    assert.equal(wrongType.status, 400);
    await wrongType.body?.cancel();
    const big = await post({ 'x-amz-target': 'AWSStepFunctions.StartExecution' }, JSON.stringify({ stateMachineArn: smArn('x'), input: 'x'.repeat(2_000_000) }));
    assert.equal(big.status, 413);
    await big.body?.cancel();
    const ok = await post({ 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, '{}');
    assert.equal(ok.status, 200);
    assert.ok(Array.isArray(((await ok.json()) as { stateMachines: unknown[] }).stateMachines));
  });

  test('any Host header, including the sync- prefix', async () => {
    const { request } = await import('node:http');
    const url = new URL(h.server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: {
        host: 'sync-states.us-east-1.amazonaws.com', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(status, 200);
  });
});

describe('X-Stepgate-Time-Scale', () => {
  test('a StartExecution header overrides the server time-scale for that execution', async () => {
    const real = await startHarness({ timeScale: 1 });
    try {
      await real.sfn.send(new CreateStateMachineCommand({ name: 'hour', definition: WAIT, roleArn: ROLE }));
      const slow = await real.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('hour'), name: 'slow' }));
      const client = real.sfn;
      const fast = await (async () => {
        client.middlewareStack.add((next) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-stepgate-time-scale'] = '0';
          return next(args);
        }, { step: 'build', name: 'timeScaleHeader' });
        try {
          return await client.send(new StartExecutionCommand({ stateMachineArn: smArn('hour'), name: 'fast' }));
        } finally {
          client.middlewareStack.remove('timeScaleHeader');
        }
      })();
      const done = await eventually(async () => {
        const d = await real.sfn.send(new DescribeExecutionCommand({ executionArn: fast.executionArn }));
        return d.status === 'RUNNING' ? undefined : d;
      }, 'the time-scaled execution');
      assert.equal(done.status, 'SUCCEEDED');
      // Virtual time: the hour-long Wait shows in the execution's own clock.
      assert.ok((done.stopDate as Date).getTime() - (done.startDate as Date).getTime() >= 3_600_000);
      assert.equal((await real.sfn.send(new DescribeExecutionCommand({ executionArn: slow.executionArn }))).status, 'RUNNING');
    } finally {
      await real.close();
    }
  });
});

describe('virtual time', () => {
  test('under time-scale 0 the execution TimeoutSeconds still fires before a longer Wait', async () => {
    const def = JSON.stringify({ TimeoutSeconds: 5, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } });
    await h.sfn.send(new CreateStateMachineCommand({ name: 'vt-timeout', definition: def, roleArn: ROLE }));
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('vt-timeout') }));
    assert.equal(await finished(s.executionArn as string), 'TIMED_OUT');
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }));
    // FACTS §1.4 [rec]: no error/cause on a timed-out execution.
    assert.equal(d.error, undefined);
    const last = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, reverseOrder: true, maxResults: 1 }));
    assert.equal(last.events?.[0]?.type, 'ExecutionTimedOut');
  });
});
