// TestState: runs one state in isolation with the real engine (virtual time), optionally with a
// mocked task result or error, and reports output, next state, status and inspection data the way
// the TestState API does (FACTS §1.2). The state is wrapped in a small machine whose transition
// targets are Succeed stubs, so the engine's own history tells what happened.
import { isJsonObject, type JsonObject, type JsonValue } from '../asl/json.js';
import type { HistoryEvent } from '../asl/history.js';
import { validateDefinition, formatInvalidDefinition } from '../asl/validate.js';
import { loadStateMachine, TaskFailure } from './machine.js';
import type { TaskDispatcher } from './dispatch.js';
import { invalidDefinition, invalidExecutionInput, serviceValidation } from './errors.js';

export interface TestStateRequest {
  definition: string;
  input?: string;
  inspectionLevel: string;
  variables?: string;
  stateName?: string;
  mock?: Record<string, unknown>;
  context?: string;
  region: string;
  accountId: string;
  /** without a mock, Task states run through these integrations (Lambda, HTTP, nested executions…) */
  dispatchers?: readonly TaskDispatcher[];
}

const VARS_STATE = '__stepgate_variables';
const SCHEDULED = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);
const FAILED = new Set(['TaskFailed', 'LambdaFunctionFailed', 'ActivityFailed', 'TaskTimedOut', 'LambdaFunctionTimedOut', 'ActivityTimedOut']);

function parseObject(text: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    if (what === 'input') throw invalidExecutionInput(e instanceof Error ? e.message : String(e));
    throw serviceValidation(`Invalid ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The transition targets of a state, which become Succeed stubs in the wrapper machine. */
function targets(state: JsonObject): string[] {
  const out: string[] = [];
  if (typeof state.Next === 'string') out.push(state.Next);
  if (typeof state.Default === 'string') out.push(state.Default);
  for (const list of [state.Choices, state.Catch]) {
    if (Array.isArray(list)) for (const c of list) if (isJsonObject(c) && typeof c.Next === 'string') out.push(c.Next);
  }
  return out;
}

export async function testState(req: TestStateRequest): Promise<Record<string, unknown>> {
  const parsed = parseObject(req.definition, 'definition');
  if (!isJsonObject(parsed)) throw invalidDefinition(formatInvalidDefinition(validateDefinition(req.definition)));
  let state: JsonValue | undefined = parsed;
  let name = req.stateName ?? 'TestState';
  let queryLanguage: JsonValue | undefined;
  if (isJsonObject(parsed.States)) {
    // A whole state machine: stateName picks the state to test.
    if (req.stateName === undefined) throw serviceValidation('State name must be specified when the definition is a state machine');
    state = parsed.States[req.stateName];
    if (!isJsonObject(state)) throw serviceValidation(`State '${req.stateName}' does not exist in the state machine definition`);
    queryLanguage = parsed.QueryLanguage;
    name = req.stateName;
  }
  const st = state as JsonObject;
  const states: JsonObject = { [name]: st };
  for (const t of targets(st)) if (t !== name) states[t] = { Type: 'Succeed' };
  const variables = req.variables !== undefined ? parseObject(req.variables, 'variables') : undefined;
  let startAt = name;
  if (isJsonObject(variables) && Object.keys(variables).length > 0) {
    states[VARS_STATE] = { Type: 'Pass', Assign: variables, Next: name };
    startAt = VARS_STATE;
  }
  const machine: JsonObject = { StartAt: startAt, States: states, ...(queryLanguage !== undefined ? { QueryLanguage: queryLanguage } : {}) };
  const diags = validateDefinition(machine).filter((d) => d.severity === 'ERROR');
  if (diags.length > 0) throw invalidDefinition(formatInvalidDefinition(diags));
  const input = req.input !== undefined ? parseObject(req.input, 'input') : {};

  const loaded = loadStateMachine(machine, { region: req.region, accountId: req.accountId, name: 'TestState' });
  const history: HistoryEvent[] = [];
  const abort = new AbortController();
  let scheduled = 0;
  let retried = false;
  const mock = req.mock;
  const run = await loaded.run(input, {
    timeScale: 0,
    signal: abort.signal,
    onEvent: (e) => {
      history.push(e);
      // A second scheduling is a retry: TestState stops there and answers RETRIABLE.
      if (SCHEDULED.has(e.type) && ++scheduled > 1) { retried = true; abort.abort(); }
    },
    ...(req.dispatchers && !mock ? { dispatchers: [...req.dispatchers] } : {}),
    resolveTask: (command) => (!mock && req.dispatchers?.some((d) => d.handles(command.resource)) ? undefined : async () => {
      if (!mock) throw new TaskFailure('States.Runtime', `stepgate TestState has no integration for the resource '${command.resource}': give a mock`);
      if (isJsonObject(mock.errorOutput as JsonValue)) {
        const eo = mock.errorOutput as Record<string, unknown>;
        throw new TaskFailure(String(eo.error ?? ''), eo.cause === undefined ? undefined : String(eo.cause));
      }
      return typeof mock.result === 'string' ? JSON.parse(mock.result) as JsonValue : null;
    }),
  });

  const entered = history.find((e) => e.type.endsWith('StateEntered') && (e.stateEnteredEventDetails as { name?: string } | undefined)?.name === name);
  const exited = history.find((e) => e.type.endsWith('StateExited') && (e.stateExitedEventDetails as { name?: string } | undefined)?.name === name);
  const after = exited ? history.slice(history.indexOf(exited) + 1).find((e) => e.type.endsWith('StateEntered')) : undefined;
  const failure = [...history].reverse().find((e) => FAILED.has(e.type));
  const failureDetails = failure ? (Object.values(failure).find((v) => isJsonObject(v as JsonValue)) as { error?: string; cause?: string } | undefined) : undefined;
  const inspection: Record<string, unknown> = {};
  const enteredInput = (entered?.stateEnteredEventDetails as { input?: string } | undefined)?.input;
  if (enteredInput !== undefined) inspection.input = enteredInput;
  const sched = history.find((e) => SCHEDULED.has(e.type));
  if (sched) {
    const d = Object.values(sched).find((v) => isJsonObject(v as JsonValue)) as { parameters?: string; input?: string } | undefined;
    const params = d?.parameters ?? d?.input;
    if (params !== undefined) inspection.afterParameters = params;
  }
  const succeeded = history.find((e) => ['TaskSucceeded', 'LambdaFunctionSucceeded', 'ActivitySucceeded'].includes(e.type));
  if (succeeded) {
    const d = Object.values(succeeded).find((v) => isJsonObject(v as JsonValue)) as { output?: string } | undefined;
    if (d?.output !== undefined) inspection.result = d.output;
  }
  const exitedDetails = exited?.stateExitedEventDetails as { output?: string; assignedVariables?: Record<string, string> } | undefined;
  if (exitedDetails?.output !== undefined) inspection.afterResultPath = exitedDetails.output;
  if (isJsonObject(variables) || exitedDetails?.assignedVariables) {
    const vars: Record<string, JsonValue> = { ...(isJsonObject(variables) ? variables : {}) };
    for (const [k, v] of Object.entries(exitedDetails?.assignedVariables ?? {})) vars[k] = JSON.parse(v) as JsonValue;
    inspection.variables = JSON.stringify(vars);
  }
  const out: Record<string, unknown> = {};
  if (retried) {
    out.status = 'RETRIABLE';
    if (failureDetails?.error !== undefined) out.error = failureDetails.error;
    if (failureDetails?.cause !== undefined) out.cause = failureDetails.cause;
  } else if (exited) {
    out.output = exitedDetails?.output;
    if (after) out.nextState = (after.stateEnteredEventDetails as { name: string }).name;
    const caught = failure && failure.id < exited.id;
    out.status = caught ? 'CAUGHT_ERROR' : 'SUCCEEDED';
    if (caught && failureDetails?.error !== undefined) out.error = failureDetails.error;
    if (caught && failureDetails?.cause !== undefined) out.cause = failureDetails.cause;
  } else {
    out.status = run.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED';
    if (run.error !== undefined) out.error = run.error;
    if (run.cause !== undefined) out.cause = run.cause;
    if (run.status === 'SUCCEEDED') out.output = JSON.stringify(run.output ?? null);
  }
  out.inspectionData = inspection;
  return out;
}
