// Pieces shared by the task integrations: the States.Runtime failure of unusable Parameters and the
// HTTP metadata the Java SDK v1 puts into integration results (SdkHttpMetadata / SdkResponseMetadata).
import type { JsonValue } from '../../asl/json.js';
import { TaskFailure } from '../dispatch.js';

/** FACTS §4.2 [rec]: "The Parameters '<json>' could not be used to start the Task: [<reason>]". */
export function invalidParameters(parameters: JsonValue, reason: string): TaskFailure {
  return new TaskFailure('States.Runtime', `The Parameters '${JSON.stringify(parameters)}' could not be used to start the Task: [${reason}]`);
}

/** An HTTP Date header value (RFC 7231 IMF-fixdate). */
export function sdkDate(now = Date.now()): string {
  return new Date(now).toUTCString();
}

/** SdkHttpMetadata of an AWS JSON 1.0 response (e.g. StartExecution) [rec: services/sfn_task_service]. */
export function jsonServiceMetadata(body: string, requestId: string): { SdkHttpMetadata: JsonValue; SdkResponseMetadata: JsonValue } {
  const headers: Record<string, string> = {
    connection: 'keep-alive',
    'Content-Length': String(Buffer.byteLength(body)),
    'Content-Type': 'application/x-amz-json-1.0',
    Date: sdkDate(),
    'x-amzn-RequestId': requestId,
  };
  const all: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(headers)) all[k] = [v];
  return { SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: headers, HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: requestId } };
}
