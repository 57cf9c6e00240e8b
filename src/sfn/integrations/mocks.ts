// Mocked service integrations in AWS Step Functions Local's MockConfigFile format, so existing test
// suites move over unchanged: StateMachines → <name> → TestCases → <case> → {<state>: <response
// name>}, MockedResponses → <response name> → {"0": {Return|Throw}, "1-2": …} keyed by the state's
// invocation number (retries count). An execution uses a test case when it is started with
// `stateMachineArn#TestCaseName`; its other states run for real.
import { readFileSync } from 'node:fs';
import { isJsonObject, type JsonValue } from '../../asl/json.js';
import { IntegrationPattern, type InvokeTaskCommand } from '../../asl/engine-types.js';
import type { TaskHandler } from '../machine.js';
import { noDispatcher, TaskFailure, type TaskContext, type TaskDispatcher } from '../dispatch.js';
import type { SfnApi } from './aws-sdk-sfn.js';

export type MockedResponse = { Return: JsonValue } | { Throw: { Error: string; Cause?: string } };

export interface MockConfigFile {
  StateMachines: Record<string, { TestCases: Record<string, Record<string, string>> }>;
  MockedResponses: Record<string, Record<string, MockedResponse>>;
}

export class MockConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MockConfigError';
  }
}

/** A loaded, checked MockConfigFile. */
export class MockConfig {
  private constructor(private readonly file: MockConfigFile) {}

  static load(source: string | MockConfigFile): MockConfig {
    const raw = typeof source === 'string' ? JSON.parse(readFileSync(source, 'utf8')) as unknown : source;
    if (!isJsonObject(raw as JsonValue)) throw new MockConfigError('The mock config must be a JSON object');
    const file = raw as MockConfigFile;
    if (!isJsonObject(file.StateMachines as unknown as JsonValue) || !isJsonObject(file.MockedResponses as unknown as JsonValue)) {
      throw new MockConfigError('The mock config needs the objects "StateMachines" and "MockedResponses"');
    }
    for (const [sm, def] of Object.entries(file.StateMachines)) {
      for (const [tc, states] of Object.entries(def.TestCases ?? {})) {
        for (const [state, response] of Object.entries(states)) {
          if (!file.MockedResponses[response]) throw new MockConfigError(`${sm}.TestCases.${tc}.${state} names the mocked response '${response}', which is not defined`);
        }
      }
    }
    for (const [name, byCount] of Object.entries(file.MockedResponses)) {
      for (const [key, r] of Object.entries(byCount)) {
        if (!/^\d+(-\d+)?$/.test(key)) throw new MockConfigError(`MockedResponses.${name}: '${key}' is not an invocation number or range (e.g. "0", "1-2")`);
        const hasReturn = isJsonObject(r as unknown as JsonValue) && 'Return' in r;
        const hasThrow = isJsonObject(r as unknown as JsonValue) && 'Throw' in r;
        if (hasReturn === hasThrow) throw new MockConfigError(`MockedResponses.${name}.${key} must have exactly one of Return and Throw`);
      }
    }
    return new MockConfig(file);
  }

  hasTestCase(stateMachineName: string, testCase: string): boolean {
    return this.file.StateMachines[stateMachineName]?.TestCases?.[testCase] !== undefined;
  }

  /** The response for the `invocation`-th call (0-based) of a state, or undefined when the state is not mocked. */
  response(stateMachineName: string, testCase: string, stateName: string, invocation: number): MockedResponse | undefined {
    const name = this.file.StateMachines[stateMachineName]?.TestCases?.[testCase]?.[stateName];
    if (name === undefined) return undefined;
    const byCount = this.file.MockedResponses[name] ?? {};
    let last: MockedResponse | undefined;
    let lastEnd = -1;
    for (const [key, r] of Object.entries(byCount)) {
      const [a, b] = key.split('-').map(Number) as [number, number | undefined];
      if (invocation >= a && invocation <= (b ?? a)) return r;
      if ((b ?? a) > lastEnd) { lastEnd = b ?? a; last = r; }
    }
    // Past the last listed invocation the last response repeats.
    return last;
  }
}

function outcome(r: MockedResponse): JsonValue {
  if ('Throw' in r) throw new TaskFailure(r.Throw.Error, r.Throw.Cause);
  return r.Return;
}

/** Which test case each execution runs (bound at StartExecution), and per-state invocation counters. */
export class MockSessions {
  private readonly cases = new Map<string, { stateMachine: string; testCase: string; counts: Map<string, number> }>();

  constructor(readonly config: MockConfig) {}

  /** Binds an execution (state machine name + execution name) to a test case. */
  bind(stateMachineName: string, executionName: string, testCase: string): void {
    this.cases.set(`${stateMachineName}:${executionName}`, { stateMachine: stateMachineName, testCase, counts: new Map() });
  }

  /** The next mocked response of a state in an execution, if it is mocked. */
  next(executionArn: string, stateName: string): MockedResponse | undefined {
    // …:execution:<sm>:<name>  or  …:express:<sm>:<name>:<uuid>
    const parts = executionArn.split(':');
    const key = `${parts[6] ?? ''}:${parts[7] ?? ''}`;
    const s = this.cases.get(key);
    if (!s) return undefined;
    const n = s.counts.get(stateName) ?? 0;
    const r = this.config.response(s.stateMachine, s.testCase, stateName, n);
    if (r) s.counts.set(stateName, n + 1);
    return r;
  }

  /** Forgets an execution's binding once it is over. */
  release(executionArn: string): void {
    const parts = executionArn.split(':');
    this.cases.delete(`${parts[6] ?? ''}:${parts[7] ?? ''}`);
  }
}

/** Puts mocked responses in front of the real integrations. */
export class MockingDispatcher implements TaskDispatcher {
  constructor(private readonly sessions: MockSessions, private readonly inner: () => readonly TaskDispatcher[], private readonly api?: SfnApi) {}

  handles(): boolean {
    return true;
  }

  async invoke(command: InvokeTaskCommand, context: TaskContext): Promise<JsonValue> {
    const mocked = this.sessions.next(context.executionArn, command.stateName);
    if (mocked) {
      if (command.pattern === IntegrationPattern.WAIT_FOR_TASK_TOKEN && command.taskToken && this.api) {
        // The mocked answer completes the token, as Step Functions Local does for callback tasks.
        const token = command.taskToken;
        const api = this.api;
        setImmediate(() => {
          const call = 'Throw' in mocked
            ? api.call('SendTaskFailure', { taskToken: token, error: mocked.Throw.Error, ...(mocked.Throw.Cause !== undefined ? { cause: mocked.Throw.Cause } : {}) })
            : api.call('SendTaskSuccess', { taskToken: token, output: JSON.stringify(mocked.Return) });
          void call.catch(() => undefined);
        });
        return {};
      }
      return outcome(mocked);
    }
    const real = this.inner().find((d) => d !== this && d.handles(command.resource));
    if (real) return real.invoke(command, context);
    if (command.pattern === IntegrationPattern.WAIT_FOR_TASK_TOKEN) {
      // No integration: the token comes back through SendTask* (the runner's own behaviour).
      return new Promise<JsonValue>((_res, rej) => context.signal.addEventListener('abort', () => rej(new Error('cancelled')), { once: true }));
    }
    throw noDispatcher(command.resource);
  }
}

/** For loadStateMachine().run: `resolveTask` answering the mocked states of one test case. */
export function mockedTasks(config: MockConfig, stateMachineName: string, testCase: string): (command: InvokeTaskCommand) => TaskHandler | undefined {
  if (!config.hasTestCase(stateMachineName, testCase)) throw new MockConfigError(`No test case '${testCase}' for state machine '${stateMachineName}' in the mock config`);
  const counts = new Map<string, number>();
  return (command) => {
    const n = counts.get(command.stateName) ?? 0;
    const r = config.response(stateMachineName, testCase, command.stateName, n);
    if (!r) return undefined;
    counts.set(command.stateName, n + 1);
    return () => outcome(r);
  };
}

