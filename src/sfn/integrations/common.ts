// Pieces shared by the task integrations: the States.Runtime failure of unusable Parameters and the
// HTTP metadata the Java SDK v1 puts into integration results (SdkHttpMetadata / SdkResponseMetadata).
import { isJsonObject, type JsonObject, type JsonValue } from '../../asl/json.js';
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

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

/** ApiEndpoint and Method, required by the HTTP and API Gateway tasks (FACTS §4.2, §4.3). */
export function endpointAndMethod(p: JsonValue): { p: JsonObject; endpoint: string; method: string } {
  if (!isJsonObject(p)) throw invalidParameters(p, 'The Parameters must be an object');
  if (typeof p.ApiEndpoint !== 'string') throw invalidParameters(p, "The field 'ApiEndpoint' is required but was missing");
  const method = typeof p.Method === 'string' ? p.Method.toUpperCase() : '';
  if (!METHODS.has(method)) throw invalidParameters(p, "The field 'Method' is required and must be one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS");
  return { p, endpoint: p.ApiEndpoint, method };
}
