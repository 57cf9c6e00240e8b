// Task integration with Lambda (FACTS §4.1): the legacy form (Resource = function ARN; the result is the
// function's payload) and the optimised `arn:aws:states:::lambda:invoke[.waitForTaskToken]` (the result
// is Lambda's Invoke response: ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata,
// StatusCode). A function error fails the task with error = errorType and cause = the error document
// text; a Lambda service error fails it with `Lambda.<Code>` and the Java SDK's exception text.
import { randomUUID } from 'node:crypto';
import { isJsonObject, type JsonObject, type JsonValue } from '../../asl/json.js';
import type { InvokeTaskCommand } from '../../asl/engine-types.js';
import { LambdaServiceError, type LambdaInvokeOptions, type LambdaInvokeResult, type LambdaService } from '../../lambda/service.js';
import { TaskFailure, type TaskContext, type TaskDispatcher } from '../dispatch.js';
import { invalidParameters, sdkDate } from './common.js';

export const LAMBDA_FUNCTION_RESOURCE = /^arn:[^:]+:lambda:[^:]+:[^:]+:function:[^:]+(:[^:]+)?$/;
export const LAMBDA_INVOKE_RESOURCE = /^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$/;

/** The Java SDK's rendering of a service exception, as Step Functions puts it in `cause` [rec]. */
export function lambdaServiceCause(e: LambdaServiceError): string {
  return `${e.message} (Service: AWSLambda; Status Code: ${e.statusCode}; Error Code: ${e.code}; Request ID: ${randomUUID()}; Proxy: null)`;
}

function parsePayload(text: string): JsonValue {
  if (text === '') return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    // Not JSON (e.g. raw bytes): kept as text; the engine still applies the 256 KiB result limit.
    return text;
  }
}

/** Turns a function error (the error document) into the task failure Step Functions records. */
function functionFailure(r: LambdaInvokeResult): TaskFailure {
  let errorType: string | undefined;
  try {
    const doc = JSON.parse(r.payload) as unknown;
    if (isJsonObject(doc as JsonValue) && typeof (doc as JsonObject).errorType === 'string') errorType = (doc as JsonObject).errorType as string;
  } catch {
    errorType = undefined;
  }
  // Errors Lambda reports without a type (e.g. an environment crash) surface as Lambda.Unknown (FACTS §4.1).
  return new TaskFailure(errorType ?? 'Lambda.Unknown', r.payload);
}

async function call(lambda: LambdaService, name: string, payload: string, options: LambdaInvokeOptions): Promise<LambdaInvokeResult> {
  try {
    return await lambda.invoke(name, payload, options);
  } catch (e) {
    if (e instanceof LambdaServiceError) throw new TaskFailure(`Lambda.${e.code}`, lambdaServiceCause(e));
    throw new TaskFailure('Lambda.ServiceException', e instanceof Error ? e.message : String(e));
  }
}

/** The `lambda:invoke` result: the Invoke response as the Java SDK v1 returns it [rec]. */
export function invokeEnvelope(r: LambdaInvokeResult, payload: JsonValue): JsonObject {
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': String(Buffer.byteLength(r.payload)),
    'Content-Type': 'application/json',
    Date: sdkDate(),
    'X-Amz-Executed-Version': r.executedVersion,
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': r.requestId,
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Sampled=0`,
  };
  if (r.logResult !== undefined) headers['X-Amz-Log-Result'] = r.logResult;
  const all: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(headers)) all[k] = [v];
  return {
    ExecutedVersion: r.executedVersion,
    ...(r.logResult !== undefined ? { LogResult: r.logResult } : {}),
    Payload: payload,
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: headers, HttpStatusCode: r.statusCode },
    SdkResponseMetadata: { RequestId: r.requestId },
    StatusCode: r.statusCode,
  };
}

export class LambdaDispatcher implements TaskDispatcher {
  constructor(private readonly lambda: LambdaService) {}

  handles(resource: string): boolean {
    return LAMBDA_FUNCTION_RESOURCE.test(resource) || LAMBDA_INVOKE_RESOURCE.test(resource);
  }

  async invoke(command: InvokeTaskCommand, _context: TaskContext): Promise<JsonValue> {
    if (LAMBDA_FUNCTION_RESOURCE.test(command.resource)) {
      const r = await call(this.lambda, command.resource, JSON.stringify(command.parameters), {});
      if (r.functionError) throw functionFailure(r);
      return parsePayload(r.payload);
    }
    const p = command.parameters;
    if (!isJsonObject(p) || typeof p.FunctionName !== 'string') {
      throw invalidParameters(p, "The field 'FunctionName' is required but was missing");
    }
    // A string Payload is sent as its raw bytes (FACTS §4.1); anything else as JSON. No (or a null)
    // Payload sends an empty body, which the function receives as {} [rec: lambda_task_service/test_invoke].
    const payload = p.Payload === undefined || p.Payload === null ? '' : typeof p.Payload === 'string' ? p.Payload : JSON.stringify(p.Payload);
    const options: LambdaInvokeOptions = {
      ...(p.InvocationType === 'Event' || p.InvocationType === 'DryRun' || p.InvocationType === 'RequestResponse' ? { invocationType: p.InvocationType } : {}),
      ...(typeof p.Qualifier === 'string' ? { qualifier: p.Qualifier } : {}),
      ...(typeof p.ClientContext === 'string' ? { clientContext: p.ClientContext } : {}),
      ...(p.LogType === 'Tail' ? { logType: 'Tail' as const } : {}),
    };
    const r = await call(this.lambda, p.FunctionName, payload, options);
    if (r.functionError) throw functionFailure(r);
    // For .waitForTaskToken the runner records this response as TaskSubmitted; SendTask* ends the task.
    return invokeEnvelope(r, parsePayload(r.payload));
  }
}
