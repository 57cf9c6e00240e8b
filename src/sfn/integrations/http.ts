// HTTP Task, `arn:aws:states:::http:invoke` (FACTS §4.3): calls ApiEndpoint with Method, Headers,
// QueryParameters and RequestBody (Transform: URL_ENCODED bodies with the INDICES / REPEAT / COMMAS /
// BRACKETS array formats). The EventBridge connection named by Authentication.ConnectionArn is
// configured locally (headers, query parameters, body fields and API-key / basic credentials it adds).
// Non-2xx answers fail with `States.Http.StatusCode.<n>` (cause: the response body), network
// failures and the 60 s request timeout with `States.Http.Socket`.
import { isJsonObject, type JsonObject, type JsonValue } from '../../asl/json.js';
import type { InvokeTaskCommand } from '../../asl/engine-types.js';
import { TaskFailure, type TaskContext, type TaskDispatcher } from '../dispatch.js';
import { endpointAndMethod, invalidParameters } from './common.js';

export const HTTP_INVOKE_RESOURCE = /^arn:[^:]+:states:::http:invoke$/;

export const ArrayFormat = { INDICES: 'INDICES', REPEAT: 'REPEAT', COMMAS: 'COMMAS', BRACKETS: 'BRACKETS' } as const;
export type ArrayFormat = (typeof ArrayFormat)[keyof typeof ArrayFormat];

/** What an EventBridge connection contributes to each request (its authorization and invocation parameters). */
export interface HttpConnection {
  apiKey?: { name: string; value: string };
  basic?: { username: string; password: string };
  /** an OAuth access token already obtained (sent as `Authorization: Bearer …`) */
  bearerToken?: string;
  headers?: Record<string, string>;
  queryParameters?: Record<string, string>;
  bodyParameters?: Record<string, string>;
}

export interface HttpDispatcherOptions {
  /** connections by ARN; a connection that is not listed adds nothing */
  connections?: Record<string, HttpConnection>;
  /** per-request timeout in ms (AWS: 60 s) */
  timeoutMs?: number;
}


function scalar(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** URL-encodes a JSON object; nested objects as `a[b]=…`, arrays per the ArrayFormat. */
export function urlEncode(value: JsonObject, format: ArrayFormat = ArrayFormat.INDICES): string {
  const pairs: [string, string][] = [];
  const walk = (key: string, v: JsonValue): void => {
    if (Array.isArray(v)) {
      if (format === ArrayFormat.COMMAS) { pairs.push([key, v.map(scalar).join(',')]); return; }
      v.forEach((x, i) => walk(format === ArrayFormat.INDICES ? `${key}[${i}]` : format === ArrayFormat.BRACKETS ? `${key}[]` : key, x));
      return;
    }
    if (isJsonObject(v)) { for (const [k, x] of Object.entries(v)) walk(`${key}[${k}]`, x); return; }
    pairs.push([key, v === null ? '' : scalar(v)]);
  };
  for (const [k, v] of Object.entries(value)) walk(k, v);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

export class HttpDispatcher implements TaskDispatcher {
  constructor(private readonly options: HttpDispatcherOptions = {}) {}

  handles(resource: string): boolean {
    return HTTP_INVOKE_RESOURCE.test(resource);
  }

  async invoke(command: InvokeTaskCommand, context: TaskContext): Promise<JsonValue> {
    const { p, endpoint, method } = endpointAndMethod(command.parameters);
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw invalidParameters(p, `The ApiEndpoint '${endpoint}' is not a valid URL`);
    }
    const transform = isJsonObject(p.Transform) ? p.Transform : {};
    const options = isJsonObject(transform.RequestEncodingOptions) ? transform.RequestEncodingOptions : {};
    const format = (typeof options.ArrayFormat === 'string' && options.ArrayFormat in ArrayFormat ? options.ArrayFormat : ArrayFormat.INDICES) as ArrayFormat;
    const auth = isJsonObject(p.Authentication) ? p.Authentication : {};
    const connection = typeof auth.ConnectionArn === 'string' ? this.options.connections?.[auth.ConnectionArn] : undefined;

    const query: JsonObject = { ...(connection?.queryParameters ?? {}), ...(isJsonObject(p.QueryParameters) ? p.QueryParameters : {}) };
    const qs = urlEncode(query, format);
    if (qs) url.search = url.search ? `${url.search}&${qs}` : `?${qs}`;

    const headers: Record<string, string> = { ...(connection?.headers ?? {}) };
    if (isJsonObject(p.Headers)) for (const [k, v] of Object.entries(p.Headers)) headers[k] = scalar(v);
    if (connection?.apiKey) headers[connection.apiKey.name] = connection.apiKey.value;
    if (connection?.basic) headers.Authorization = `Basic ${Buffer.from(`${connection.basic.username}:${connection.basic.password}`).toString('base64')}`;
    if (connection?.bearerToken) headers.Authorization = `Bearer ${connection.bearerToken}`;

    let body: string | undefined;
    if (p.RequestBody !== undefined && method !== 'GET' && method !== 'HEAD') {
      if (transform.RequestBodyEncoding === 'URL_ENCODED' && isJsonObject(p.RequestBody)) {
        body = urlEncode({ ...(connection?.bodyParameters ?? {}), ...p.RequestBody }, format);
        headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      } else if (typeof p.RequestBody === 'string') {
        body = p.RequestBody;
      } else {
        body = JSON.stringify(isJsonObject(p.RequestBody) ? { ...(connection?.bodyParameters ?? {}), ...p.RequestBody } : p.RequestBody);
        headers['Content-Type'] ??= 'application/json';
      }
    }

    let res: Response;
    let text: string;
    try {
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(this.options.timeoutMs ?? 60_000)]);
      res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal, redirect: 'follow' });
      text = await res.text();
    } catch (e) {
      const cause = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      throw new TaskFailure('States.Http.Socket', cause);
    }
    if (res.status < 200 || res.status > 299) throw new TaskFailure(`States.Http.StatusCode.${res.status}`, text);
    const outHeaders: JsonObject = {};
    res.headers.forEach((v, k) => { outHeaders[k] = [v]; });
    let responseBody: JsonValue = text;
    if (/json/i.test(res.headers.get('content-type') ?? '')) {
      try { responseBody = JSON.parse(text) as JsonValue; } catch { responseBody = text; }
    }
    return { Headers: outHeaders, ResponseBody: responseBody, StatusCode: res.status, StatusText: res.statusText };
  }
}
