// Task dispatch: the interface through which integrations (Lambda, API Gateway, HTTP, nested
// executions — a later issue) carry out Task states, and the AWS-shaped failure of a resource that
// nothing here can run.
import type { JsonValue } from '../asl/json.js';
import type { InvokeTaskCommand } from '../asl/engine-types.js';
import { TaskFailure } from './machine.js';

export { TaskFailure };

export interface TaskContext {
  executionArn: string;
  stateMachineArn: string;
  region: string;
  accountId: string;
  /** aborted when the task is cancelled (timeout, stop, the execution failed elsewhere) */
  signal: AbortSignal;
  /** `.sync` / `.waitForTaskToken`: records the initial API response (TaskSubmitted) */
  submitted(output: JsonValue): void;
}

export interface TaskDispatcher {
  /** true when this dispatcher carries out the resource */
  handles(resource: string): boolean;
  /** Resolves with the task result; throws TaskFailure (or any Error) to fail the task. For
   * `.waitForTaskToken` the resolved value is the initial response: the result comes from SendTask*. */
  invoke(command: InvokeTaskCommand, context: TaskContext): Promise<JsonValue>;
}

export const ACTIVITY_RESOURCE = /^arn:[^:]+:states:[^:]*:[^:]*:activity:/;

/** The failure of a Task whose resource has no dispatcher yet (shaped like AWS's own failures). */
export function noDispatcher(resource: string): TaskFailure {
  if (/^arn:[^:]+:lambda:[^:]+:[^:]+:function:[^:]+/.test(resource)) {
    // Lambda's answer for a function that does not exist (FACTS §4.1 [rec]).
    const arn = resource.split(':').length > 7 ? resource : `${resource}:$LATEST`;
    return new TaskFailure('Lambda.ResourceNotFoundException',
      `Function not found: ${arn} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: 00000000-0000-0000-0000-000000000000; Proxy: null)`);
  }
  return new TaskFailure('States.Runtime', `stepgate does not support the resource '${resource}' yet: no task integration is available for it.`);
}
