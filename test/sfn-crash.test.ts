// Durability: 200 Standard executions parked in Wait states, retry back-offs, task tokens and
// activity tasks; the server (a child process on an SQLite file) is killed with SIGKILL and started
// again on the same file; every execution then completes exactly once with a well-formed history.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateActivityCommand, CreateStateMachineCommand, DescribeExecutionCommand, GetActivityTaskCommand, GetExecutionHistoryCommand,
  SendTaskSuccessCommand, SFNClient, StartExecutionCommand, type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { ACCOUNT, REGION, ROLE, smArn } from './sfn-support.js';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'stepgate-crash-'));
const db = join(dir, 'state.db');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `stepgate start` as a child process and resolves with its URL. */
function startChild(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--port', '0', '--store', `sqlite:${db}`, '--time-scale', '1'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && out.includes('account:')) resolve({ child, url: m[1] as string, output: () => out });
    });
    child.stderr?.on('data', () => undefined);
    child.on('exit', (code) => reject(new Error(`stepgate exited with ${code}: ${out}`)));
  });
}

const client = (url: string): SFNClient => new SFNClient({ endpoint: url, region: REGION, disableHostPrefix: true, maxAttempts: 1, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
const ACT = `arn:aws:states:${REGION}:${ACCOUNT}:activity:crash-worker`;

const MACHINES = {
  wait: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3, Next: 'Done' }, Done: { Type: 'Pass', End: true } } },
  token: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', 'MessageBody.$': '$$.Task.Token' }, Next: 'Done' }, Done: { Type: 'Pass', End: true } } },
  activity: { StartAt: 'A', States: { A: { Type: 'Task', Resource: ACT, Next: 'Done' }, Done: { Type: 'Pass', End: true } } },
  // No Lambda integration yet: the call fails with Lambda.ResourceNotFoundException, is retried after 3 s once, then caught.
  retry: {
    StartAt: 'L',
    States: {
      L: { Type: 'Task', Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:missing`, Retry: [{ ErrorEquals: ['Lambda.ResourceNotFoundException'], IntervalSeconds: 3, MaxAttempts: 1 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }], Next: 'Done' },
      Done: { Type: 'Pass', End: true },
    },
  },
} as const;
type Kind = keyof typeof MACHINES;
const COUNTS: Record<Kind, number> = { wait: 80, token: 50, activity: 35, retry: 35 };
/** The event that shows an execution is parked where the crash must find it. */
const PARKED: Record<Kind, (types: string[]) => boolean> = {
  wait: (t) => t.includes('WaitStateEntered'),
  token: (t) => t.includes('TaskScheduled'),
  activity: (t) => t.includes('ActivityScheduled'),
  retry: (t) => t.includes('LambdaFunctionFailed'),
};
const EXPECTED: Record<Kind, string[]> = {
  wait: ['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
  token: ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
  activity: ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
  retry: ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
    'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
};

async function history(sfn: SFNClient, arn: string): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  let token: string | undefined;
  do {
    const p = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, ...(token ? { nextToken: token } : {}) }));
    out.push(...(p.events ?? []));
    token = p.nextToken;
  } while (token);
  return out;
}

async function until(what: string, fn: () => Promise<boolean>, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('kill -9 and restart: 200 parked executions complete exactly once', async () => {
  const first = await startChild();
  let sfn = client(first.url);
  await sfn.send(new CreateActivityCommand({ name: 'crash-worker' }));
  for (const [kind, def] of Object.entries(MACHINES)) {
    await sfn.send(new CreateStateMachineCommand({ name: `crash-${kind}`, definition: JSON.stringify(def), roleArn: ROLE }));
  }
  const executions: { arn: string; kind: Kind }[] = [];
  await Promise.all((Object.keys(COUNTS) as Kind[]).flatMap((kind) => Array.from({ length: COUNTS[kind] }, async (_, i) => {
    const s = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn(`crash-${kind}`), name: `${kind}-${i}`, input: JSON.stringify({ i }) }));
    executions.push({ arn: s.executionArn as string, kind });
  })));
  assert.equal(executions.length, 200);

  const tokens = new Map<string, string>();
  await until('all executions parked', async () => {
    const states = await Promise.all(executions.map(async (e) => PARKED[e.kind]((await history(sfn, e.arn)).map((x) => x.type as string))));
    return states.every(Boolean);
  });
  for (const e of executions.filter((x) => x.kind === 'token')) {
    const scheduled = (await history(sfn, e.arn)).find((x) => x.type === 'TaskScheduled');
    tokens.set(e.arn, (JSON.parse(scheduled?.taskScheduledEventDetails?.parameters as string) as { MessageBody: string }).MessageBody);
  }

  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  sfn.destroy();

  const second = await startChild();
  sfn = client(second.url);
  // Nothing had finished at the crash: all 200 are resumed from the file.
  await until('start-up report', async () => /resumed \d+ running/.test(second.output()), 5000);
  assert.match(second.output(), /resumed 200 running execution\(s\)/);
  for (const [arn, token] of tokens) {
    assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status, 'RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"token":true}' }));
  }
  for (let i = 0; i < COUNTS.activity; i++) {
    const t = await sfn.send(new GetActivityTaskCommand({ activityArn: ACT, workerName: 'after-crash' }));
    assert.ok(t.taskToken, 'every activity task is handed out after the restart');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: t.input }));
  }
  await until('all executions finished', async () => {
    const st = await Promise.all(executions.map(async (e) => (await sfn.send(new DescribeExecutionCommand({ executionArn: e.arn }))).status));
    return st.every((s) => s !== 'RUNNING');
  });
  for (const e of executions) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.arn }));
    assert.equal(d.status, 'SUCCEEDED', `${e.arn}: ${d.error} ${d.cause}`);
    const h = await history(sfn, e.arn);
    assert.deepEqual(h.map((x) => x.type), EXPECTED[e.kind], e.arn);
    assert.deepEqual(h.map((x) => x.id), h.map((_, i) => i + 1), `${e.arn}: ids are sequential`);
    for (const x of h) assert.ok((x.previousEventId ?? 0) < (x.id ?? 0));
  }
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
  sfn.destroy();
});
