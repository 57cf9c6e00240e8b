// End to end: activities (GetActivityTask long poll, SendTask*), .waitForTaskToken callbacks, tags,
// versions and aliases, and TestState, through @aws-sdk/client-sfn against a real server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateActivityCommand, CreateStateMachineAliasCommand, CreateStateMachineCommand, DeleteActivityCommand, DeleteStateMachineAliasCommand,
  DeleteStateMachineVersionCommand, DescribeActivityCommand, DescribeExecutionCommand, DescribeStateMachineAliasCommand, DescribeStateMachineCommand,
  GetActivityTaskCommand, GetExecutionHistoryCommand, ListActivitiesCommand, ListExecutionsCommand, ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand, ListTagsForResourceCommand, PublishStateMachineVersionCommand, RedriveExecutionCommand, SendTaskFailureCommand,
  SendTaskHeartbeatCommand, SendTaskSuccessCommand, StartExecutionCommand, TagResourceCommand, TestStateCommand, UntagResourceCommand,
  UpdateStateMachineAliasCommand, UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { ACCOUNT, awsError, eventually, PASS, REGION, ROLE, smArn, startHarness, type Harness } from './sfn-support.js';

let h: Harness;
before(async () => { h = await startHarness({ activityPollMs: 300 }); });
after(async () => { await h.close(); });

const actArn = (name: string): string => `arn:aws:states:${REGION}:${ACCOUNT}:activity:${name}`;

async function status(arn: string): Promise<string> {
  return eventually(async () => {
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    return d.status === 'RUNNING' ? undefined : d.status;
  }, `execution ${arn}`);
}

async function historyTypes(arn: string): Promise<string[]> {
  return ((await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? []).map((e) => e.type as string);
}

describe('activities', () => {
  test('create (idempotent), describe, list, delete, ActivityDoesNotExist', async () => {
    const c = await h.sfn.send(new CreateActivityCommand({ name: 'act-a' }));
    assert.equal(c.activityArn, actArn('act-a'));
    const again = await h.sfn.send(new CreateActivityCommand({ name: 'act-a' }));
    assert.equal(again.creationDate?.getTime(), c.creationDate?.getTime());
    const d = await h.sfn.send(new DescribeActivityCommand({ activityArn: actArn('act-a') }));
    assert.equal(d.name, 'act-a');
    const l = await h.sfn.send(new ListActivitiesCommand({}));
    assert.ok(l.activities?.some((a) => a.activityArn === actArn('act-a')));
    await h.sfn.send(new DeleteActivityCommand({ activityArn: actArn('act-a') }));
    const gone = await awsError(() => h.sfn.send(new DescribeActivityCommand({ activityArn: actArn('act-a') })));
    assert.equal(gone.name, 'ActivityDoesNotExist');
    const poll = await awsError(() => h.sfn.send(new GetActivityTaskCommand({ activityArn: actArn('act-a') })));
    assert.equal(poll.name, 'ActivityDoesNotExist');
    const name = await awsError(() => h.sfn.send(new CreateActivityCommand({ name: 'a*b' })));
    assert.equal(name.name, 'InvalidName');
  });

  test('a worker long-polls the task, heartbeats and succeeds; history has the Activity events', async () => {
    await h.sfn.send(new CreateActivityCommand({ name: 'worker' }));
    const def = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: actArn('worker'), HeartbeatSeconds: 60, End: true } } });
    await h.sfn.send(new CreateStateMachineCommand({ name: 'act-sm', definition: def, roleArn: ROLE }));
    // The poll starts before the execution: the long poll must wake up when the task is scheduled.
    const poll = h.sfn.send(new GetActivityTaskCommand({ activityArn: actArn('worker'), workerName: 'w1' }));
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('act-sm'), input: '{"job":1}' }));
    const task = await poll;
    assert.ok(task.taskToken);
    assert.equal(task.input, '{"job":1}');
    await h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done":true}' }));
    assert.equal(await status(s.executionArn as string), 'SUCCEEDED');
    assert.equal((await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }))).output, '{"done":true}');
    const types = await historyTypes(s.executionArn as string);
    assert.deepEqual(types, ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    const hist = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn }));
    assert.equal(hist.events?.[3]?.activityStartedEventDetails?.workerName, 'w1');
    // The task is over: its token answers TaskTimedOut.
    const late = await awsError(() => h.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' })));
    assert.equal(late.name, 'TaskTimedOut');
  });

  test('an empty poll answers without a token; SendTaskFailure fails the execution verbatim', async () => {
    await h.sfn.send(new CreateActivityCommand({ name: 'idle' }));
    const empty = await h.sfn.send(new GetActivityTaskCommand({ activityArn: actArn('idle') }));
    assert.equal(empty.taskToken, undefined);
    const def = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: actArn('idle'), End: true } } });
    await h.sfn.send(new CreateStateMachineCommand({ name: 'act-fail', definition: def, roleArn: ROLE }));
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('act-fail') }));
    const task = await eventually(async () => (await h.sfn.send(new GetActivityTaskCommand({ activityArn: actArn('idle') }))).taskToken, 'an activity task');
    // FACTS §4.5 [rec]: error and cause reach the history verbatim.
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: task, error: 'Failure error', cause: 'Failure cause' }));
    assert.equal(await status(s.executionArn as string), 'FAILED');
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }));
    assert.equal(d.error, 'Failure error');
    assert.equal(d.cause, 'Failure cause');
  });

  test('a missing activity fails the task with States.Runtime', async () => {
    const def = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: actArn('never-created'), End: true } } });
    await h.sfn.send(new CreateStateMachineCommand({ name: 'act-missing', definition: def, roleArn: ROLE }));
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('act-missing') }));
    assert.equal(await status(s.executionArn as string), 'FAILED');
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn: s.executionArn }));
    assert.equal(d.error, 'States.Runtime');
    assert.match(d.cause as string, new RegExp(`The activity ${actArn('never-created')} does not exist\\.`));
  });
});

describe('.waitForTaskToken', () => {
  const def = JSON.stringify({
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'https://sqs/q', 'MessageBody.$': '$$.Task.Token' }, End: true } },
  });
  before(async () => { await h.sfn.send(new CreateStateMachineCommand({ name: 'tok', definition: def, roleArn: ROLE })); });

  async function tokenOf(arn: string): Promise<string> {
    return eventually(async () => {
      const ev = ((await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? []).find((e) => e.type === 'TaskScheduled');
      return ev ? (JSON.parse(ev.taskScheduledEventDetails?.parameters as string) as { MessageBody: string }).MessageBody : undefined;
    }, 'TaskScheduled');
  }

  test('SendTaskSuccess resumes the execution with the output', async () => {
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('tok') }));
    const token = await tokenOf(s.executionArn as string);
    const bad = await awsError(() => h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })));
    assert.equal(bad.name, 'InvalidOutput');
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"r":1}' }));
    assert.equal(await status(s.executionArn as string), 'SUCCEEDED');
    // FACTS §3.3: optimized task sequence.
    assert.deepEqual(await historyTypes(s.executionArn as string), ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    const hist = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn }));
    assert.equal(hist.events?.[2]?.taskScheduledEventDetails?.resourceType, 'sqs');
    assert.equal(hist.events?.[2]?.taskScheduledEventDetails?.resource, 'sendMessage.waitForTaskToken');
  });

  test('SendTaskFailure with error and cause; tokens nobody issued are InvalidToken', async () => {
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('tok') }));
    const token = await tokenOf(s.executionArn as string);
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Failure error', cause: 'Failure cause' }));
    assert.equal(await status(s.executionArn as string), 'FAILED');
    const hist = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn }));
    const failed = hist.events?.find((e) => e.type === 'TaskFailed');
    assert.equal(failed?.taskFailedEventDetails?.error, 'Failure error');
    assert.equal(failed?.taskFailedEventDetails?.cause, 'Failure cause');
    const inv = await awsError(() => h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'bogus' })));
    assert.equal(inv.name, 'InvalidToken');
    const empty = await awsError(() => h.sfn.send(new SendTaskSuccessCommand({ taskToken: '', output: '{}' })));
    assert.equal(empty.name, 'ValidationException');
  });
});

describe('tags', () => {
  test('tag, list, untag; unknown resource is ResourceNotFound', async () => {
    await h.sfn.send(new CreateStateMachineCommand({ name: 'tagged', definition: PASS, roleArn: ROLE, tags: [{ key: 'team', value: 'a' }] }));
    await h.sfn.send(new TagResourceCommand({ resourceArn: smArn('tagged'), tags: [{ key: 'env', value: 'dev' }, { key: 'team', value: 'b' }] }));
    const l = await h.sfn.send(new ListTagsForResourceCommand({ resourceArn: smArn('tagged') }));
    assert.deepEqual(l.tags, [{ key: 'team', value: 'b' }, { key: 'env', value: 'dev' }]);
    await h.sfn.send(new UntagResourceCommand({ resourceArn: smArn('tagged'), tagKeys: ['team'] }));
    assert.deepEqual((await h.sfn.send(new ListTagsForResourceCommand({ resourceArn: smArn('tagged') }))).tags, [{ key: 'env', value: 'dev' }]);
    const nf = await awsError(() => h.sfn.send(new ListTagsForResourceCommand({ resourceArn: smArn('untagged-missing') })));
    assert.equal(nf.name, 'ResourceNotFound');
    const many = await awsError(() => h.sfn.send(new TagResourceCommand({ resourceArn: smArn('tagged'), tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })) })));
    assert.equal(many.name, 'TooManyTags');
  });
});

describe('versions and aliases', () => {
  test('publish, list, describe a version, alias routing, executions carry version and alias ARNs', async () => {
    const c = await h.sfn.send(new CreateStateMachineCommand({ name: 'ver', definition: PASS, roleArn: ROLE, publish: true, versionDescription: 'first' }));
    assert.equal(c.stateMachineVersionArn, `${smArn('ver')}:1`);
    const v2def = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'v2', End: true } } });
    const u = await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('ver'), definition: v2def, publish: true }));
    assert.equal(u.stateMachineVersionArn, `${smArn('ver')}:2`);
    const current = await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('ver') }));
    // Publishing an unchanged revision returns the latest version.
    const p = await h.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('ver'), revisionId: current.revisionId }));
    assert.equal(p.stateMachineVersionArn, `${smArn('ver')}:2`);
    const conflict = await awsError(() => h.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('ver'), revisionId: 'stale' })));
    assert.equal(conflict.name, 'ConflictException');
    const versions = await h.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('ver') }));
    assert.deepEqual(versions.stateMachineVersions?.map((v) => v.stateMachineVersionArn), [`${smArn('ver')}:2`, `${smArn('ver')}:1`]);
    const v1 = await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${smArn('ver')}:1` }));
    assert.equal(v1.definition, PASS);
    assert.equal(v1.description, 'first');

    const alias = await h.sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', routingConfiguration: [{ stateMachineVersionArn: `${smArn('ver')}:1`, weight: 100 }] }));
    assert.equal(alias.stateMachineAliasArn, `${smArn('ver')}:prod`);
    const da = await h.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn }));
    assert.equal(da.name, 'prod');
    assert.deepEqual(da.routingConfiguration, [{ stateMachineVersionArn: `${smArn('ver')}:1`, weight: 100 }]);
    const la = await h.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: smArn('ver') }));
    assert.deepEqual(la.stateMachineAliases?.map((a) => a.stateMachineAliasArn), [alias.stateMachineAliasArn]);

    const viaAlias = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: alias.stateMachineAliasArn }));
    assert.equal(await status(viaAlias.executionArn as string), 'SUCCEEDED');
    const dx = await h.sfn.send(new DescribeExecutionCommand({ executionArn: viaAlias.executionArn }));
    assert.equal(dx.stateMachineAliasArn, alias.stateMachineAliasArn);
    assert.equal(dx.stateMachineVersionArn, `${smArn('ver')}:1`);
    assert.equal(dx.output, '{}');
    const viaVersion = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: `${smArn('ver')}:2` }));
    assert.equal(await status(viaVersion.executionArn as string), 'SUCCEEDED');
    assert.equal((await h.sfn.send(new DescribeExecutionCommand({ executionArn: viaVersion.executionArn }))).output, '"v2"');
    const byVersion = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: `${smArn('ver')}:2` }));
    assert.deepEqual(byVersion.executions?.map((e) => e.executionArn), [viaVersion.executionArn]);

    const weights = await awsError(() => h.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn, routingConfiguration: [{ stateMachineVersionArn: `${smArn('ver')}:1`, weight: 50 }] })));
    assert.equal(weights.name, 'ValidationException');
    await h.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn, routingConfiguration: [{ stateMachineVersionArn: `${smArn('ver')}:1`, weight: 50 }, { stateMachineVersionArn: `${smArn('ver')}:2`, weight: 50 }] }));
    const inUse = await awsError(() => h.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${smArn('ver')}:1` })));
    assert.equal(inUse.name, 'ConflictException');
    await h.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn }));
    const noAlias = await awsError(() => h.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn })));
    assert.equal(noAlias.name, 'ResourceNotFound');
    await h.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${smArn('ver')}:1` }));
    const left = await h.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('ver') }));
    assert.deepEqual(left.stateMachineVersions?.map((v) => v.stateMachineVersionArn), [`${smArn('ver')}:2`]);
  });
});

describe('RedriveExecution', () => {
  test('a SUCCEEDED execution is not redrivable', async () => {
    await h.sfn.send(new CreateStateMachineCommand({ name: 'rd', definition: PASS, roleArn: ROLE }));
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('rd') }));
    await status(s.executionArn as string);
    const e = await awsError(() => h.sfn.send(new RedriveExecutionCommand({ executionArn: s.executionArn })));
    assert.equal(e.name, 'ExecutionNotRedrivable');
  });

  test('a FAILED execution is REDRIVABLE; redrive restarts the failed state and the count shows in $$ and history', async () => {
    const def = JSON.stringify({
      StartAt: 'Before',
      States: {
        Before: { Type: 'Pass', Result: { step: 1 }, Next: 'T' },
        T: {
          Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'https://sqs/q', 'MessageBody.$': '$$.Task.Token', 'redrives.$': '$$.Execution.RedriveCount' }, End: true,
        },
      },
    });
    await h.sfn.send(new CreateStateMachineCommand({ name: 'rd2', definition: def, roleArn: ROLE }));
    const s = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('rd2') }));
    const arn = s.executionArn as string;
    const scheduled = async (n: number): Promise<{ MessageBody: string; redrives: number }> => eventually(async () => {
      const evs = ((await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? []).filter((e) => e.type === 'TaskScheduled');
      const ev = evs[n - 1];
      return ev ? JSON.parse(ev.taskScheduledEventDetails?.parameters as string) as { MessageBody: string; redrives: number } : undefined;
    }, `TaskScheduled #${n}`);
    const first = await scheduled(1);
    assert.equal(first.redrives, 0);
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: first.MessageBody, error: 'Flaky', cause: 'try again' }));
    assert.equal(await status(arn), 'FAILED');
    const failed = await h.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    assert.equal(failed.redriveStatus, 'REDRIVABLE');

    const rd = await h.sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
    assert.ok(rd.redriveDate instanceof Date);
    const second = await scheduled(2);
    assert.equal(second.redrives, 1);
    const running = await h.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    assert.equal(running.status, 'RUNNING');
    assert.equal(running.redriveCount, 1);
    assert.equal(running.error, undefined);
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: second.MessageBody, output: '{"ok":true}' }));
    assert.equal(await status(arn), 'SUCCEEDED');
    const types = ((await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? []).map((e) => e.type);
    // The Pass state before the failure does not run again: the execution resumes at the failed state.
    assert.deepEqual(types, [
      'ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'ExecutionFailed',
      'ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    const redriven = ((await h.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? []).find((e) => e.type === 'ExecutionRedriven');
    assert.equal(redriven?.executionRedrivenEventDetails?.redriveCount, 1);
    const listed = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('rd2'), redriveFilter: 'REDRIVEN' }));
    assert.deepEqual(listed.executions?.map((e) => e.executionArn), [arn]);
  });
});

describe('TestState', () => {
  test('a Pass state: output and next state', async () => {
    const r = await h.sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Pass', Result: { v: 1 }, ResultPath: '$.r', Next: 'After' }), input: '{"a":0}' }));
    assert.equal(r.status, 'SUCCEEDED');
    assert.equal(r.nextState, 'After');
    assert.deepEqual(JSON.parse(r.output as string), { a: 0, r: { v: 1 } });
    assert.equal(r.inspectionData?.input, '{"a":0}');
  });

  test('a Task with a mocked result, a mocked error caught, and a retriable error', async () => {
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f', 'Payload.$': '$' }, ResultSelector: { 'p.$': '$.Payload' }, End: true };
    const ok = await h.sfn.send(new TestStateCommand({ definition: JSON.stringify(task), input: '{"x":1}', mock: { result: '{"Payload":{"y":2}}' } }));
    assert.equal(ok.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(ok.output as string), { p: { y: 2 } });
    assert.equal(ok.inspectionData?.result, '{"Payload":{"y":2}}');
    const caught = await h.sfn.send(new TestStateCommand({
      definition: JSON.stringify({ ...task, End: undefined, Next: 'N', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }] }),
      mock: { errorOutput: { error: 'Boom', cause: 'why' } },
    }));
    assert.equal(caught.status, 'CAUGHT_ERROR');
    assert.equal(caught.nextState, 'Handler');
    assert.equal(caught.error, 'Boom');
    const retry = await h.sfn.send(new TestStateCommand({
      definition: JSON.stringify({ ...task, Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2 }] }),
      mock: { errorOutput: { error: 'Boom', cause: 'why' } },
    }));
    assert.equal(retry.status, 'RETRIABLE');
    assert.equal(retry.error, 'Boom');
  });

  test('a Fail state fails; a state of a whole machine is picked by stateName; bad definitions are InvalidDefinition', async () => {
    const f = await h.sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Fail', Error: 'E', Cause: 'C' }) }));
    assert.equal(f.status, 'FAILED');
    assert.equal(f.error, 'E');
    assert.equal(f.cause, 'C');
    const machine = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Result: 'b', End: true } } });
    const b = await h.sfn.send(new TestStateCommand({ definition: machine, stateName: 'B' }));
    assert.equal(b.output, '"b"');
    assert.equal(b.nextState, undefined);
    const bad = await awsError(() => h.sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Nope' }) })));
    assert.equal(bad.name, 'InvalidDefinition');
  });
});
