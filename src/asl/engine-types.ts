// The engine's contract with the outside world: what it is told (EngineInput), what it asks for
// (Command) and the plain-data snapshot that makes an execution durable. The runner in sfn/ (or
// the in-process runner of machine.ts) carries commands out and feeds results back in.
import type { JsonValue } from './json.js';
import type { Entropy } from './clock.js';

export const ExecutionStatus = {
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  TIMED_OUT: 'TIMED_OUT',
  ABORTED: 'ABORTED',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export const StateMachineType = { STANDARD: 'STANDARD', EXPRESS: 'EXPRESS' } as const;
export type StateMachineType = (typeof StateMachineType)[keyof typeof StateMachineType];

/** What the context object ($$ / $states.context) says about the execution. */
export interface ExecutionInfo {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  /** epoch ms */
  startTime: number;
  redriveCount: number;
  /** epoch ms of the last redrive ($$.Execution.RedriveTime) */
  redriveTime?: number;
  type: StateMachineType;
  region: string;
  accountId: string;
}

/** How a Task waits for its result (ASL service integration patterns). */
export const IntegrationPattern = {
  REQUEST_RESPONSE: 'REQUEST_RESPONSE',
  SYNC: 'SYNC',
  SYNC2: 'SYNC2',
  WAIT_FOR_TASK_TOKEN: 'WAIT_FOR_TASK_TOKEN',
} as const;
export type IntegrationPattern = (typeof IntegrationPattern)[keyof typeof IntegrationPattern];

export type EngineInput =
  | { kind: 'start' }
  | { kind: 'taskStarted'; taskId: string; workerName?: string }
  | { kind: 'taskSubmitted'; taskId: string; output: JsonValue }
  | { kind: 'taskSucceeded'; taskId: string; output: JsonValue }
  | { kind: 'taskFailed'; taskId: string; error: string; cause?: string }
  | { kind: 'taskHeartbeat'; taskId: string }
  | { kind: 'timerFired'; timerId: string }
  | { kind: 'stop'; error?: string; cause?: string }
  /** RedriveExecution: restart a FAILED / TIMED_OUT / ABORTED execution from the state it stopped in */
  | { kind: 'redrive' };

export interface InvokeTaskCommand {
  kind: 'invokeTask';
  taskId: string;
  stateName: string;
  /** the Resource field, verbatim */
  resource: string;
  /** effective input (Parameters / Arguments applied) */
  parameters: JsonValue;
  pattern: IntegrationPattern;
  /** set for .waitForTaskToken and activities */
  taskToken?: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  roleArn?: string;
}

export type Command =
  | InvokeTaskCommand
  | { kind: 'cancelTask'; taskId: string }
  | { kind: 'startTimer'; timerId: string; dueAt: number }
  | { kind: 'cancelTimer'; timerId: string };

/** Everything the engine needs from the host for one step. */
export interface StepEnv {
  now: number;
  entropy: Entropy;
  /** record payloads as JsonPayload (text made on demand) instead of JSON text */
  lazyPayloads?: boolean;
}

export interface Outcome {
  status: ExecutionStatus;
  output?: JsonValue;
  error?: string;
  cause?: string;
}
