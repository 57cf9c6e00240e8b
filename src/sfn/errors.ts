// API failures of the Step Functions service as typed classes carrying AWS's error code and HTTP
// status (STYLE §3); toWire() is the one place that turns them into AWS JSON 1.0 error bodies.

/** Namespaces AWS puts in front of the code in `__type` (FACTS §1.1). */
const SFN_NS = 'com.amazonaws.swf.service.v2.model';
const VALIDATE_NS = 'com.amazon.coral.validate';
const SERVICE_NS = 'com.amazon.coral.service';

export class SfnError extends Error {
  readonly status: number = 400;
  constructor(readonly code: string, message: string | undefined, readonly namespace = SFN_NS, readonly extra: Record<string, unknown> = {}) {
    super(message ?? code);
    this.name = code;
    this.wireMessage = message;
  }
  readonly wireMessage: string | undefined;

  toWire(): { status: number; body: Record<string, unknown> } {
    return {
      status: this.status,
      body: { __type: `${this.namespace}#${this.code}`, ...(this.wireMessage !== undefined ? { message: this.wireMessage } : {}), ...this.extra },
    };
  }
}

/** Protocol-level failures answered by the AWS front end (coral), not by Step Functions itself. */
export class ProtocolError extends SfnError {
  override readonly status: number;
  constructor(code: string, message: string | undefined, status = 400) {
    super(code, message, SERVICE_NS);
    this.status = status;
  }
}

export const unknownOperation = (): ProtocolError => new ProtocolError('UnknownOperationException', undefined);
export const serializationError = (message?: string): ProtocolError => new ProtocolError('SerializationException', message);
export const requestTooLarge = (): ProtocolError => new ProtocolError('RequestEntityTooLargeException', 'Request content length exceeds the maximum allowed length', 413);

/** `1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: …` (FACTS §1.1 [rec]). */
export class ValidationException extends SfnError {
  constructor(message: string) { super('ValidationException', message, VALIDATE_NS); }
}

/** A ValidationException thrown by Step Functions itself (not a model constraint), e.g. versionDescription without publish. */
export const serviceValidation = (message: string): SfnError => new SfnError('ValidationException', message);

export const invalidArn = (value: string): SfnError => new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${value}'`);
export const invalidArnReason = (reason: string): SfnError => new SfnError('InvalidArn', `Invalid Arn: '${reason}'`);
export const invalidName = (name: string): SfnError => new SfnError('InvalidName', `Invalid Name: '${name}'`);
export const stateMachineDoesNotExist = (arn: string): SfnError => new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
export const stateMachineAlreadyExists = (arn: string): SfnError => new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
export const executionDoesNotExist = (arn: string): SfnError => new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
export const executionAlreadyExists = (arn: string): SfnError => new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
export const invalidExecutionInput = (detail: string): SfnError => new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${detail}'`);
export const invalidDefinition = (message: string): SfnError => new SfnError('InvalidDefinition', message);
export const typeNotSupported = (): SfnError => new SfnError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
export const expressArnNotValid = (): SfnError => invalidArnReason('Resource type not valid in this context: express');
export const missingRequiredParameter = (message: string): SfnError => new SfnError('MissingRequiredParameter', message);
export const activityDoesNotExist = (arn: string): SfnError => new SfnError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);
export const activityAlreadyExists = (arn: string): SfnError => new SfnError('ActivityAlreadyExists', `Activity Already Exists: '${arn}'`);
export const invalidToken = (detail: string): SfnError => new SfnError('InvalidToken', `Invalid Token: '${detail}'`);
export const taskDoesNotExist = (): SfnError => new SfnError('TaskDoesNotExist', 'Task Does Not Exist');
export const invalidOutput = (detail: string): SfnError => new SfnError('InvalidOutput', `Invalid Output: '${detail}'`);
export const resourceNotFound = (message: string, resourceName?: string): SfnError =>
  new SfnError('ResourceNotFound', message, SFN_NS, resourceName !== undefined ? { resourceName } : {});
export const conflict = (message: string): SfnError => new SfnError('ConflictException', message);
export const executionNotRedrivable = (message: string): SfnError => new SfnError('ExecutionNotRedrivable', message);
export const tooManyTags = (arn: string): SfnError => new SfnError('TooManyTags', `Too many tags: '${arn}'`, SFN_NS, { resourceName: arn });
