// ASL errors. Inside a running state they are thrown as StatesError (a value with a name and a cause)
// and turned into data ({Error, Cause}) at the state boundary, where Retry/Catch match them by name.

/** Predefined error names (ASL spec, FACTS §2.10). */
export const StatesErrorName = {
  ALL: 'States.ALL',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const;
export type StatesErrorName = (typeof StatesErrorName)[keyof typeof StatesErrorName];

/** A failure raised while a state runs. `cause` is free text (often JSON text). */
export class StatesError extends Error {
  readonly error: string;
  override readonly cause: string | undefined;
  /** the field that failed, for JSONata EvaluationFailed events (`Output/result`, `Items`, ...) */
  readonly location: string | undefined;
  constructor(error: string, cause?: string, location?: string) {
    super(cause === undefined ? error : `${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
    this.location = location;
  }
}

/** The error value as Retry/Catch and the history see it. */
export interface ErrorValue {
  error: string;
  cause?: string;
}

/** A JSONata expression failed while being evaluated (as opposed to its result failing a check afterwards). */
export class ExpressionError extends StatesError {}
