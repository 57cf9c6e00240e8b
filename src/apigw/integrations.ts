// Integration backends of the invocation pipeline: MOCK, HTTP / HTTP_PROXY (node:http with the
// integration timeout), AWS Lambda (non-proxy and proxy, through the LambdaService port) and the
// Step Functions actions (through the StepFunctionsBackend port). Each answers an EndpointResponse.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LambdaService } from '../lambda/service.js';
import { LambdaServiceError } from '../lambda/service.js';
import { GatewayError } from './errors.js';

/** The Step Functions API as API Gateway's AWS integration sees it (wired to SfnService in server/). */
export interface StepFunctionsBackend {
  /** Calls an action (`StartExecution`, ...) with its JSON request text; answers the AWS JSON 1.0 response. */
  call(action: string, jsonBody: string): Promise<{ status: number; body: string; headers?: Record<string, string>; json?: unknown }>;
}

export interface EndpointRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: Buffer;
  timeoutMs: number;
}

export interface EndpointResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
  /** Lambda non-proxy: the function error's errorMessage (selection patterns match it, FACTS §5.3) */
  lambdaErrorMessage?: string;
  /** the body as text and the JSON value it was printed from, when the integration answered in-process
   * (Step Functions): response templates read the value instead of parsing the text again */
  text?: string;
  json?: unknown;
}

/** HTTP call with the integration timeout (FACTS §5.1 step 6: → 504 Endpoint request timed out). */
export function callHttp(req: EndpointRequest): Promise<EndpointResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try { url = new URL(req.url); } catch { reject(new GatewayError('API_CONFIGURATION_ERROR')); return; }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of req.headers) {
      const cur = headers[k];
      headers[k] = cur === undefined ? v : Array.isArray(cur) ? [...cur, v] : [cur, v];
    }
    if (req.body.length > 0 || !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) headers['Content-Length'] = String(req.body.length);
    const r = send(url, { method: req.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const out: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) out.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', () => { clearTimeout(timer); reject(new GatewayError('INTEGRATION_FAILURE')); });
    });
    const timer = setTimeout(() => { r.destroy(); reject(new GatewayError('INTEGRATION_TIMEOUT')); }, req.timeoutMs);
    r.on('error', () => { clearTimeout(timer); reject(new GatewayError('INTEGRATION_FAILURE', 'Internal server error')); });
    r.end(req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body);
  });
}

/** Races a backend promise against the integration timeout. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new GatewayError('INTEGRATION_TIMEOUT')), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}

/** `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{fn}/invocations` → `{fn}`. */
export function lambdaFunctionOf(uri: string): string | undefined {
  const m = /^arn:[^:]+:apigateway:[^:]*:lambda:path\/[^/]+\/functions\/(.+?)\/invocations$/.exec(uri);
  return m ? m[1] : undefined;
}

/** `arn:aws:apigateway:{region}:states:action/{Action}` → `{Action}`. */
export function statesActionOf(uri: string): string | undefined {
  const m = /^arn:[^:]+:apigateway:[^:]*:states:action\/([A-Za-z]+)$/.exec(uri);
  return m ? m[1] : undefined;
}

export async function callLambda(lambda: LambdaService, fn: string, payload: string, timeoutMs: number, invocationType?: 'Event'): Promise<EndpointResponse> {
  try {
    const r = await withTimeout(lambda.invoke(fn, payload, invocationType ? { invocationType } : {}), timeoutMs);
    // The headers Lambda's Invoke answers with (recorded in TestInvokeMethod logs).
    const headers: [string, string][] = [
      ['Date', new Date().toUTCString()], ['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(r.payload))],
      ['Connection', 'keep-alive'], ['x-amzn-RequestId', r.requestId], ['x-amzn-Remapped-Content-Length', '0'], ['X-Amz-Executed-Version', r.executedVersion],
    ];
    if (r.functionError) {
      headers.push(['X-Amz-Function-Error', r.functionError]);
      let message = '';
      try {
        const doc = JSON.parse(r.payload) as { errorMessage?: unknown };
        message = typeof doc.errorMessage === 'string' ? doc.errorMessage : '';
      } catch { /* not an error document */ }
      return { status: r.statusCode, headers, body: Buffer.from(r.payload), lambdaErrorMessage: message };
    }
    return { status: r.statusCode, headers, body: Buffer.from(r.payload) };
  } catch (e) {
    if (e instanceof LambdaServiceError) {
      return { status: e.statusCode, headers: [['Content-Type', 'application/json'], ['x-amzn-ErrorType', e.code]], body: Buffer.from(JSON.stringify({ Type: 'User', message: e.message })) };
    }
    throw e;
  }
}
