// Engine behaviour through the public programmatic API: data flow, retries, catchers, timeouts,
// fan-out, variables and virtual time. Expected values follow the ASL specification and FACTS.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStateMachine, TaskFailure, type RunOptions } from './machine.js';
import { SimulatedClock, seededEntropy } from '../asl/clock.js';

const T0 = Date.UTC(2025, 0, 1);
const opts = (extra: RunOptions = {}): RunOptions => ({ clock: new SimulatedClock(T0), entropy: seededEntropy(1), ...extra });
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:f';
const TASK = 'arn:aws:states:::lambda:invoke';

test('Pass: InputPath → Parameters → ResultPath → OutputPath in AWS order', async () => {
  const m = loadStateMachine({
    StartAt: 'P',
    States: { P: { Type: 'Pass', InputPath: '$.in', Parameters: { 'x.$': '$.a', k: 1 }, ResultPath: '$.res', OutputPath: '$.res', End: true } },
  });
  const r = await m.run({ in: { a: 'A' }, other: 1 }, opts());
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { x: 'A', k: 1 });
});

test('ResultPath null keeps the raw input; InputPath/OutputPath null give {}', async () => {
  const m = loadStateMachine({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Result: 'ignored', ResultPath: null, Next: 'B' },
      B: { Type: 'Pass', InputPath: null, Next: 'C' },
      C: { Type: 'Pass', OutputPath: null, End: true },
    },
  });
  const r = await m.run({ keep: true }, opts());
  assert.deepEqual(r.output, {});
  const exitedA = r.history.find((e) => e.type === 'PassStateExited') as Record<string, any>;
  assert.equal(exitedA.stateExitedEventDetails.output, '{"keep":true}');
});

test('history ids: first state Entered points at 0, then a chain; payloads are JSON text', async () => {
  const m = loadStateMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const r = await m.run({ a: 1 }, opts());
  assert.deepEqual(r.history.map((e) => [e.id, e.previousEventId, e.type]), [
    [1, 0, 'ExecutionStarted'], [2, 0, 'PassStateEntered'], [3, 2, 'PassStateExited'], [4, 3, 'ExecutionSucceeded'],
  ]);
  const started = r.history[0] as Record<string, any>;
  assert.equal(started.executionStartedEventDetails.input, '{"a":1}');
  assert.deepEqual(started.executionStartedEventDetails.inputDetails, { truncated: false });
});

test('Retry: IntervalSeconds × BackoffRate^(n-1), capped by MaxDelaySeconds, in virtual time', async () => {
  let calls = 0;
  const m = loadStateMachine({
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task', Resource: TASK, End: true,
        Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3, MaxDelaySeconds: 10 }],
      },
    },
  });
  const r = await m.run({}, opts({ tasks: { [TASK]: () => { calls++; if (calls < 4) throw new TaskFailure('Boom', 'x'); return { ok: true }; } } }));
  assert.equal(r.status, 'SUCCEEDED');
  assert.equal(calls, 4);
  const scheduled = r.history.filter((e) => e.type === 'TaskScheduled').map((e) => (e.timestamp.getTime() - T0) / 1000);
  // delays 2, 6, then 18 capped at 10
  assert.deepEqual(scheduled, [0, 2, 8, 18]);
});

test('Retry exhausted goes to the matching catcher; ResultPath inserts {Error, Cause} into the input', async () => {
  const m = loadStateMachine({
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task', Resource: TASK, Next: 'Ok',
        Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Handled' }],
      },
      Ok: { Type: 'Succeed' },
      Handled: { Type: 'Pass', End: true },
    },
  });
  const r = await m.run({ orig: 1 }, opts({ tasks: { [TASK]: () => { throw new TaskFailure('Boom', 'bad thing'); } } }));
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { orig: 1, err: { Error: 'Boom', Cause: 'bad thing' } });
  assert.equal(r.history.filter((e) => e.type === 'TaskFailed').length, 2);
  // a caught failure still exits the Task state
  assert.ok(r.history.some((e) => e.type === 'TaskStateExited'));
});

test('States.ALL does not catch States.Runtime', async () => {
  const m = loadStateMachine({
    StartAt: 'P',
    States: {
      P: { Type: 'Pass', InputPath: '$.missing', Next: 'E' },
      E: { Type: 'Succeed' },
    },
  });
  const r = await m.run({}, opts());
  assert.equal(r.status, 'FAILED');
  assert.equal(r.error, 'States.Runtime');
  assert.equal(r.cause, "An error occurred while executing the state 'P' (entered at the event id #2). Invalid path '$.missing' : No results for path: $['missing']");
});

test('Task TimeoutSeconds → TaskTimedOut with States.Timeout, caught by the matching catcher', async () => {
  const m = loadStateMachine({
    StartAt: 'T',
    States: {
      T: { Type: 'Task', Resource: TASK, TimeoutSeconds: 5, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'C' }], End: true },
      C: { Type: 'Pass', End: true },
    },
  });
  const r = await m.run({}, opts({ tasks: { [TASK]: async (_p, task) => { await task.sleep(60); return 'late'; } } }));
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { Error: 'States.Timeout' });
  const timedOut = r.history.find((e) => e.type === 'TaskTimedOut') as Record<string, any>;
  assert.equal(timedOut.taskTimedOutEventDetails.error, 'States.Timeout');
  assert.equal((timedOut.timestamp.getTime() - T0) / 1000, 5);
});

test('execution TimeoutSeconds → TIMED_OUT with ExecutionTimedOut', async () => {
  const m = loadStateMachine({ TimeoutSeconds: 10, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
  const r = await m.run({}, opts());
  assert.equal(r.status, 'TIMED_OUT');
  assert.equal(r.history.at(-1)?.type, 'ExecutionTimedOut');
  assert.equal(((r.history.at(-1)?.timestamp.getTime() ?? 0) - T0) / 1000, 10);
});

test('virtual time: a one-year Wait takes no real time and the clock moves by exactly one year', async () => {
  const m = loadStateMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 31_536_000, End: true } } });
  const started = performance.now();
  const r = await m.run({}, opts());
  assert.equal(r.status, 'SUCCEEDED');
  assert.ok(performance.now() - started < 5_000);
  const exited = r.history.find((e) => e.type === 'WaitStateExited');
  assert.equal(((exited?.timestamp.getTime() ?? 0) - T0) / 1000, 31_536_000);
});

test('Wait Timestamp in the past does not wait; Timestamp needs a zone', async () => {
  const m = loadStateMachine({ StartAt: 'W', States: { W: { Type: 'Wait', TimestampPath: '$.t', End: true } } });
  const past = await m.run({ t: '2001-01-01T00:00:00Z' }, opts());
  assert.equal(past.status, 'SUCCEEDED');
  const noZone = await m.run({ t: '2001-01-01T00:00:00' }, opts());
  assert.equal(noZone.error, 'States.Runtime');
  assert.match(noZone.cause ?? '', /The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: \$\.t == 2001-01-01T00:00:00$/);
});

test('stop (AbortSignal) → ABORTED with ExecutionAborted', async () => {
  const m = loadStateMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } });
  const ac = new AbortController();
  const r = await m.run({}, { ...opts(), signal: ac.signal, onEvent: (e) => { if (e.type === 'WaitStateEntered') ac.abort(); } });
  assert.equal(r.status, 'ABORTED');
  assert.equal(r.history.at(-1)?.type, 'ExecutionAborted');
});

test('Parallel: branch outputs in branch order, each branch gets a copy of the input', async () => {
  const m = loadStateMachine({
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel', End: true,
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Task', Resource: TASK, End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', Result: 'b', End: true } } },
        ],
      },
    },
  });
  const r = await m.run({ v: 1 }, opts({ tasks: { [TASK]: async (p) => { await new Promise((res) => setTimeout(res, 10)); return { got: p }; } } }));
  assert.deepEqual(r.output, [{ got: { v: 1 } }, 'b']);
});

test('Map: results in item order even when iterations finish out of order; MaxConcurrency bounds in-flight tasks', async () => {
  let inflight = 0;
  let peak = 0;
  const m = loadStateMachine({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map', MaxConcurrency: 2, ItemsPath: '$.items', End: true,
        ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: TASK, End: true } } },
      },
    },
  });
  const r = await m.run({ items: [30, 5, 20, 1] }, opts({
    tasks: {
      [TASK]: async (p) => {
        inflight++; peak = Math.max(peak, inflight);
        await new Promise((res) => setTimeout(res, p as number));
        inflight--;
        return (p as number) * 2;
      },
    },
  }));
  assert.deepEqual(r.output, [60, 10, 40, 2]);
  assert.equal(peak, 2);
});

test('Map: ItemSelector sees $$.Map.Item.Index and Value', async () => {
  const m = loadStateMachine({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map', End: true,
        ItemSelector: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value', 'c.$': '$.c' },
        ItemsPath: '$.xs',
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      },
    },
  });
  const r = await m.run({ xs: ['a', 'b'], c: 7 }, opts());
  assert.deepEqual(r.output, [{ i: 0, v: 'a', c: 7 }, { i: 1, v: 'b', c: 7 }]);
});

test('Map failure: the failing iteration\'s error fails the state; ToleratedFailureCount lets it pass', async () => {
  const def = (tolerated?: number) => ({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map', End: true, ...(tolerated !== undefined ? { ToleratedFailureCount: tolerated } : {}),
        ItemProcessor: {
          StartAt: 'C',
          States: {
            C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'F' }], Default: 'P' },
            F: { Type: 'Fail', Error: 'Two', Cause: 'item two' },
            P: { Type: 'Pass', End: true },
          },
        },
      },
    },
  });
  const failed = await loadStateMachine(def()).run([1, 2, 3], opts());
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.error, 'Two');
  assert.equal(failed.cause, 'item two');
  const tolerated = await loadStateMachine(def(1)).run([1, 2, 3], opts());
  assert.equal(tolerated.status, 'SUCCEEDED');
  assert.deepEqual(tolerated.output, [1, null, 3]);
});

test('Choice: first matching rule wins; no match and no Default → States.NoChoiceMatched', async () => {
  const m = loadStateMachine({
    StartAt: 'C',
    States: {
      C: {
        Type: 'Choice',
        Choices: [
          { And: [{ Variable: '$.n', IsNumeric: true }, { Variable: '$.n', NumericGreaterThan: 10 }], Next: 'Big' },
          { Variable: '$.s', StringMatches: 'log-*.txt', Next: 'Log' },
        ],
      },
      Big: { Type: 'Pass', Result: 'big', End: true },
      Log: { Type: 'Pass', Result: 'log', End: true },
    },
  });
  assert.equal((await m.run({ n: 11 }, opts())).output, 'big');
  assert.equal((await m.run({ n: '11', s: 'log-1.txt' }, opts())).output, 'log');
  const none = await m.run({ n: 1, s: 'x' }, opts());
  assert.equal(none.status, 'FAILED');
  assert.equal(none.error, 'States.NoChoiceMatched');
});

test('variables: references in a state see values as of state entry; assignedVariables are JSON text', async () => {
  const m = loadStateMachine({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Assign: { answer: 1 }, Next: 'B' },
      B: { Type: 'Pass', Assign: { answer: 2 }, OutputPath: '$answer', End: true },
    },
  });
  const r = await m.run({}, opts());
  assert.equal(r.output, 1);
  const exitedB = r.history.filter((e) => e.type === 'PassStateExited')[1] as Record<string, any>;
  assert.deepEqual(exitedB.stateExitedEventDetails.assignedVariables, { answer: '2' });
  assert.deepEqual(exitedB.stateExitedEventDetails.assignedVariablesDetails, { truncated: false });
});

test('context object: Execution, StateMachine and State fields', async () => {
  const m = loadStateMachine({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'ctx.$': '$$' }, End: true } } }, { name: 'my-sm' });
  const r = await m.run({ a: 1 }, { ...opts(), executionName: 'run-1' });
  const ctx = (r.output as any).ctx;
  assert.equal(ctx.Execution.Id, 'arn:aws:states:us-east-1:000000000000:execution:my-sm:run-1');
  assert.equal(ctx.Execution.Name, 'run-1');
  assert.deepEqual(ctx.Execution.Input, { a: 1 });
  assert.equal(ctx.Execution.StartTime, '2025-01-01T00:00:00.000Z');
  assert.equal(ctx.Execution.RedriveCount, 0);
  assert.deepEqual(ctx.StateMachine, { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:my-sm', Name: 'my-sm' });
  assert.deepEqual(ctx.State, { Name: 'P', EnteredTime: '2025-01-01T00:00:00.000Z' });
});

test('legacy Lambda ARN records LambdaFunction* events; a missing function fails like AWS', async () => {
  const m = loadStateMachine({ StartAt: 'L', States: { L: { Type: 'Task', Resource: FN, End: true } } });
  const ok = await m.run({ x: 1 }, opts({ tasks: { [FN]: (p) => ({ echo: p }) } }));
  assert.deepEqual(ok.history.map((e) => e.type), [
    'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
  ]);
  assert.deepEqual(ok.output, { echo: { x: 1 } });
  const missing = await m.run({}, opts());
  assert.equal(missing.error, 'Lambda.ResourceNotFoundException');
  assert.match(missing.cause ?? '', /^Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException;/);
});

test('a task result over 256 KiB fails with States.DataLimitExceeded, which States.ALL catches (recorded AWS behaviour)', async () => {
  const m = loadStateMachine({
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: TASK, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }], End: true }, C: { Type: 'Pass', End: true } },
  });
  const r = await m.run({}, opts({ tasks: { [TASK]: () => 'a'.repeat(262_145) } }));
  assert.equal(r.status, 'SUCCEEDED');
  // corpus: errors/states_errors/test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response
  assert.deepEqual(r.output, { Error: 'States.DataLimitExceeded', Cause: "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit." });
});

test('a state output over 256 KiB is terminal: States.ALL does not catch it', async () => {
  const m = loadStateMachine({
    StartAt: 'P',
    States: { P: { Type: 'Pass', Parameters: { 'big.$': '$.s' }, Next: 'E' }, E: { Type: 'Succeed' } },
  });
  const r = await m.run({ s: 'a'.repeat(200_000) }, opts());
  assert.equal(r.status, 'SUCCEEDED');
  const over = loadStateMachine({
    StartAt: 'P',
    States: {
      P: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, End: true },
    },
  });
  const failed = await over.run({ s: 'a'.repeat(140_000) }, opts());
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.error, 'States.DataLimitExceeded');
  assert.equal(failed.cause, "The state/task 'P' returned a result with a size exceeding the maximum number of bytes service limit.");
});

test('JSONata: Arguments, Output and Assign with $states; Assign and Output see the same (entry) variables', async () => {
  const m = loadStateMachine({
    QueryLanguage: 'JSONata',
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Assign: { n: 1 }, Next: 'B' },
      B: { Type: 'Task', Resource: TASK, Arguments: { v: '{% $states.input.v * 10 %}' }, Assign: { n: '{% $n + 1 %}' }, Output: { r: '{% $states.result %}', n: '{% $n %}' }, End: true },
    },
  });
  const r = await m.run({ v: 2 }, opts({ tasks: { [TASK]: (p) => (p as { v: number }).v + 1 } }));
  assert.deepEqual(r.output, { r: 21, n: 1 });
});

test('invalid definitions are rejected with AWS diagnostics', () => {
  assert.throws(() => loadStateMachine({ StartAt: 'X' }), (e: Error & { code?: string }) => e.code === 'InvalidDefinition' && /SCHEMA_VALIDATION_FAILED/.test(e.message));
});

test('apigateway:invoke Headers must map names to lists: a single string fails before the task is scheduled', async () => {
  const API = 'arn:aws:states:::apigateway:invoke';
  const m = loadStateMachine({
    StartAt: 'Call',
    States: { Call: { Type: 'Task', Resource: API, Parameters: { 'ApiEndpoint': 'abc.execute-api.us-east-1.amazonaws.com', 'Method': 'GET', 'Headers.$': '$.h' }, End: true } },
  });
  const bad = await m.run({ h: { custom_header: 'singleStringHeader' } }, opts());
  // corpus: services/apigetway_task_service/test_invoke_with_headers[singleStringHeader]
  assert.equal(bad.error, 'States.Runtime');
  assert.equal(bad.cause, "An error occurred while executing the state 'Call' (entered at the event id #2). The Parameters "
    + `'{"ApiEndpoint":"abc.execute-api.us-east-1.amazonaws.com","Method":"GET","Headers":{"custom_header":"singleStringHeader"}}' could not be used to start the Task: [The value of the field 'Headers' has an invalid format]`);
  assert.deepEqual(bad.history.map((e) => e.type), ['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
  const good = await m.run({ h: { custom_header: ['a', 'b'] } }, opts({ tasks: { [API]: () => ({ StatusCode: 200 }) } }));
  assert.equal(good.status, 'SUCCEEDED');
});
