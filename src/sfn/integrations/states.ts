// Nested executions (FACTS §4.4): `arn:aws:states:::states:startExecution` (request-response: the
// StartExecution response), `.sync` (DescribeExecution-shaped result with Input/Output as JSON text),
// `.sync:2` (the same with Input/Output parsed) and `.waitForTaskToken` (the child answers with
// SendTask*). The executions themselves come from a NestedExecutions port: the server's own service,
// or the in-process runner's registry of loaded machines.
import { randomUUID } from 'node:crypto';
import { isJsonObject, type JsonObject, type JsonValue } from '../../asl/json.js';
import { IntegrationPattern, type InvokeTaskCommand } from '../../asl/engine-types.js';
import { TaskFailure, type TaskContext, type TaskDispatcher } from '../dispatch.js';
import { invalidParameters, jsonServiceMetadata } from './common.js';

export const STATES_START_RESOURCE = /^arn:[^:]+:states:::states:startExecution(\.sync(:2)?|\.waitForTaskToken)?$/;

/** What DescribeExecution says about a nested execution (dates in epoch ms). */
export interface NestedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount?: number;
}

/** A Step Functions API failure of StartExecution (AWS's error code and message). */
export class StartExecutionError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

/** The executions a parent can start and wait for. */
export interface NestedExecutions {
  start(request: { stateMachineArn: string; input: string; name?: string }): Promise<{ executionArn: string; startDate: number }>;
  describe(executionArn: string): Promise<NestedExecution>;
  /** resolves once the execution has ended */
  finished(executionArn: string): Promise<void>;
  /** StopExecution (a cancelled `.sync` parent stops its child) */
  stop?(executionArn: string): Promise<void>;
}

/** The Java SDK's text of a Step Functions service exception, as recorded in `cause` [rec]. */
function serviceFailure(e: StartExecutionError): TaskFailure {
  const name = e.code.endsWith('Exception') ? e.code : `${e.code}Exception`;
  return new TaskFailure(`StepFunctions.${name}`, `${e.message} (Service: AWSStepFunctions; Status Code: 400; Error Code: ${e.code}; Request ID: ${randomUUID()}; Proxy: null)`);
}

function parseOrText(text: string | undefined): JsonValue {
  if (text === undefined) return null;
  try { return JSON.parse(text) as JsonValue; } catch { return text; }
}

/** The `.sync` / `.sync:2` result: DescribeExecution in the Java SDK's PascalCase [rec]. */
export function describeOutput(d: NestedExecution, parsed: boolean): JsonObject {
  const out: JsonObject = {
    ExecutionArn: d.executionArn,
    Input: parsed ? parseOrText(d.input) : d.input,
    InputDetails: { Included: true },
    Name: d.name,
  };
  if (d.output !== undefined) {
    out.Output = parsed ? parseOrText(d.output) : d.output;
    out.OutputDetails = { Included: true };
  }
  if (d.error !== undefined) out.Error = d.error;
  if (d.cause !== undefined) out.Cause = d.cause;
  out.RedriveCount = d.redriveCount ?? 0;
  out.RedriveStatus = d.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE';
  if (d.status === 'SUCCEEDED') out.RedriveStatusReason = 'Execution is SUCCEEDED and cannot be redriven';
  out.StartDate = d.startDate;
  out.StateMachineArn = d.stateMachineArn;
  out.Status = d.status;
  if (d.stopDate !== undefined) out.StopDate = d.stopDate;
  return out;
}

export class StatesDispatcher implements TaskDispatcher {
  constructor(private readonly executions: NestedExecutions) {}

  handles(resource: string): boolean {
    return STATES_START_RESOURCE.test(resource);
  }

  async invoke(command: InvokeTaskCommand, context: TaskContext): Promise<JsonValue> {
    const p = command.parameters;
    if (!isJsonObject(p) || typeof p.StateMachineArn !== 'string') throw invalidParameters(p, "The field 'StateMachineArn' is required but was missing");
    // Input: JSON is sent as its text, a string as-is; no (or null) input starts the child with {} [rec].
    const input = p.Input === undefined || p.Input === null ? '{}' : typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input);
    let started: { executionArn: string; startDate: number };
    try {
      started = await this.executions.start({ stateMachineArn: p.StateMachineArn, input, ...(typeof p.Name === 'string' ? { name: p.Name } : {}) });
    } catch (e) {
      if (e instanceof StartExecutionError) throw serviceFailure(e);
      throw e;
    }
    const body = JSON.stringify({ executionArn: started.executionArn, startDate: started.startDate / 1000 });
    const response: JsonObject = { ExecutionArn: started.executionArn, ...jsonServiceMetadata(body, randomUUID()), StartDate: started.startDate };
    if (command.pattern === IntegrationPattern.REQUEST_RESPONSE || command.pattern === IntegrationPattern.WAIT_FOR_TASK_TOKEN) return response;
    context.submitted(response);
    const onAbort = (): void => { void this.executions.stop?.(started.executionArn).catch(() => undefined); };
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.executions.finished(started.executionArn);
    } finally {
      context.signal.removeEventListener('abort', onAbort);
    }
    const d = await this.executions.describe(started.executionArn);
    const out = describeOutput(d, command.pattern === IntegrationPattern.SYNC2);
    if (d.status === 'SUCCEEDED') return out;
    // FACTS §4.4 [rec]: a child that did not succeed fails the task with States.TaskFailed and the description as cause.
    throw new TaskFailure('States.TaskFailed', JSON.stringify(out));
  }
}
