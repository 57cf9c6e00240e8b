// API Gateway task, `arn:aws:states:::apigateway:invoke` (FACTS §4.2): calls a REST API of this
// stepgate by its execute-api endpoint (`<apiId>.execute-api.<region>.amazonaws.com`), through the
// server's own HTTP endpoint, so the request passes the same pipeline a client's would. Output
// {Headers (lists), ResponseBody (JSON when it parses), StatusCode, StatusText}; a non-2xx answer fails
// the task with `ApiGateway.<status>` and the response body as cause [rec]. AuthType IAM_ROLE signs the
// request with SigV4 (service execute-api) for the endpoint's own host, as Step Functions does with the
// execution role's credentials (locally: the configured credentials).
import { request as httpRequest, STATUS_CODES } from 'node:http';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { isJsonObject, type JsonObject, type JsonValue } from '../../asl/json.js';
import type { InvokeTaskCommand } from '../../asl/engine-types.js';
import { TaskFailure, type TaskContext, type TaskDispatcher } from '../dispatch.js';
import { endpointAndMethod, invalidParameters } from './common.js';

export const APIGATEWAY_INVOKE_RESOURCE = /^arn:[^:]+:states:::apigateway:invoke(\.waitForTaskToken)?$/;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Headers a task may not set (FACTS §4.2). */
const FORBIDDEN = new Set(['authorization', 'connection', 'content-md5', 'expect', 'host', 'max-forwards', 'proxy-authenticate', 'server', 'te', 'transfer-encoding', 'trailer', 'upgrade', 'via', 'www-authenticate']);
const FORBIDDEN_PREFIXES = ['x-forwarded', 'x-amz', 'x-amzn'];

export interface ApiGatewayInvokeOptions {
  /** the URL of this stepgate server (resolves once it listens) */
  baseUrl: () => Promise<string>;
  /** integration timeout in ms (API Gateway's own limit is 29 s; this is the task's HTTP call) */
  timeoutMs?: number;
  /** credentials AuthType IAM_ROLE signs with (default: the local test pair `test` / `test`) */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** SHA-256 / HMAC-SHA256 for the SigV4 signer, from node:crypto. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array => (typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));

export class NodeSha256 {
  private h: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;
  constructor(secret?: SourceData) { this.secret = secret === undefined ? undefined : bytes(secret); this.h = this.fresh(); }
  private fresh(): Hash | Hmac { return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret); }
  update(data: SourceData): void { this.h.update(bytes(data)); }
  digest(): Promise<Uint8Array> { return Promise.resolve(new Uint8Array(this.h.digest())); }
  reset(): void { this.h = this.fresh(); }
}

/** `<apiId>.execute-api.<region>.amazonaws.com` (or `.localhost`) → apiId. */
export function apiIdOfEndpoint(endpoint: string): string | undefined {
  const host = endpoint.replace(/^https?:\/\//, '').split('/')[0] ?? '';
  const m = /^([a-z0-9]+)\.execute-api\./.exec(host);
  return m ? m[1] : undefined;
}

function dropNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isJsonObject(v)) return v;
  const o: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) o[k] = dropNulls(x);
  return o;
}

export class ApiGatewayInvokeDispatcher implements TaskDispatcher {
  constructor(private readonly options: ApiGatewayInvokeOptions) {}

  handles(resource: string): boolean {
    return APIGATEWAY_INVOKE_RESOURCE.test(resource);
  }

  async invoke(command: InvokeTaskCommand, context: TaskContext): Promise<JsonValue> {
    const { p, endpoint, method } = endpointAndMethod(command.parameters);
    const apiId = apiIdOfEndpoint(endpoint);
    if (!apiId) throw new TaskFailure('ApiGateway.UnknownHostException', `${endpoint}: not an execute-api endpoint of this stepgate`);
    const base = await this.options.baseUrl();

    const headers: Record<string, string[]> = {};
    if (isJsonObject(p.Headers)) {
      for (const [name, values] of Object.entries(p.Headers)) {
        const lower = name.toLowerCase();
        if (FORBIDDEN.has(lower) || FORBIDDEN_PREFIXES.some((x) => lower.startsWith(x))) throw invalidParameters(p, `The header '${name}' is not allowed`);
        headers[name] = [...(headers[name] ?? []), ...(values as string[])];
      }
    }
    const query = new URLSearchParams();
    if (isJsonObject(p.QueryParameters)) for (const [name, values] of Object.entries(p.QueryParameters)) for (const v of values as string[]) query.append(name, v);
    let body: string | undefined;
    if (p.RequestBody !== undefined && p.RequestBody !== null && BODY_METHODS.has(method)) {
      const value = p.AllowNullValues === true ? p.RequestBody : dropNulls(p.RequestBody);
      body = typeof value === 'string' ? value : JSON.stringify(value);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = ['application/json'];
    }
    const stage = typeof p.Stage === 'string' ? p.Stage : '$default';
    const path = typeof p.Path === 'string' ? p.Path.replace(/^\/+/, '') : '';
    // Addressed by Host, like the real endpoint: `/{stage}/{path}` on `<apiId>.execute-api.<region>.amazonaws.com`.
    const host = endpoint.replace(/^https?:\/\//, '').split('/')[0] as string;
    const pathname = `/${encodeURIComponent(stage)}/${path}`;
    const url = `${base}${pathname}${query.size ? `?${query}` : ''}`;
    headers.Host = [host];
    if (p.AuthType === 'IAM_ROLE') {
      const signed = await this.sign(host, method, pathname, query, headers, body, command, context);
      for (const [k, v] of Object.entries(signed)) headers[k] = [v];
    }

    let res: RawResponse;
    try {
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(this.options.timeoutMs ?? 60_000)]);
      res = await send(url, method, headers, body, signal);
    } catch (e) {
      throw new TaskFailure('ApiGateway.SdkClientException', e instanceof Error ? e.message : String(e));
    }
    const text = res.body;
    if (res.status < 200 || res.status > 299) throw new TaskFailure(`ApiGateway.${res.status}`, text);
    // Header names as the API sent them (AWS reports `Content-Type`, `x-amzn-RequestId`, …), each a list.
    const outHeaders: JsonObject = {};
    for (const [k, v] of res.headers) {
      // Node's own transport header: API Gateway's front end does not send it.
      if (k.toLowerCase() === 'keep-alive') continue;
      const list = outHeaders[k];
      if (Array.isArray(list)) list.push(v); else outHeaders[k] = [v];
    }
    let responseBody: JsonValue;
    try { responseBody = JSON.parse(text) as JsonValue; } catch { responseBody = text; }
    return { Headers: outHeaders, ResponseBody: responseBody, StatusCode: res.status, StatusText: STATUS_CODES[res.status] ?? '' };
  }

  /** SigV4 headers (Authorization, X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token) for execute-api. */
  private async sign(host: string, method: string, path: string, query: URLSearchParams, headers: Record<string, string[]>, body: string | undefined, command: InvokeTaskCommand, context: TaskContext): Promise<Record<string, string>> {
    const region = /\.execute-api\.([a-z0-9-]+)\./.exec(host)?.[1] ?? context.region;
    const signer = new SignatureV4({
      service: 'execute-api', region, sha256: NodeSha256, uriEscapePath: true,
      credentials: this.options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) flat[k] = v.join(',');
    const q: Record<string, string | string[]> = {};
    for (const k of new Set(query.keys())) { const all = query.getAll(k); q[k] = all.length === 1 ? all[0] as string : all; }
    void command;
    const signed = await signer.sign({ method, protocol: 'https:', hostname: host, path, query: q, headers: flat, ...(body !== undefined ? { body } : {}) });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) if (/^(authorization|x-amz-date|x-amz-content-sha256|x-amz-security-token)$/i.test(k)) out[k] = v;
    return out;
  }
}

interface RawResponse { status: number; headers: [string, string][]; body: string }

/** One HTTP call that keeps the response's header names as sent (fetch lower-cases them). */
function send(url: string, method: string, headers: Record<string, string[]>, body: string | undefined, signal: AbortSignal): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Single-valued headers go as strings (Node requires Host to be one); repeated ones as lists.
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) out[k] = v.length === 1 ? v[0] as string : v;
    if (body !== undefined) out['Content-Length'] = String(Buffer.byteLength(body));
    const req = httpRequest(url, { method, headers: out, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const hs: [string, string][] = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) hs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, headers: hs, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
