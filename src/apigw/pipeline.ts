// The invocation pipeline of a REST API stage as named stages (STYLE habit 7): route → api key →
// validate → map request → integrate → map response, and the gateway responses of FACTS §5.7 for
// every way it can fail. Each stage writes to a Trace, which is TestInvokeMethod's execution log.
import type { CompiledTemplate } from '../vtl/compiler.js';
import { renderMappingTemplate, type MappingRequest } from '../vtl/apigw-context.js';
import type { LambdaService } from '../lambda/service.js';
import type { CompiledApi, CompiledMethod, RouteMatch } from './compiled-api.js';
import { GATEWAY_DEFAULTS, GatewayError, type GatewayResponseType } from './errors.js';
import {
  callHttp, callLambda, lambdaFunctionOf, statesActionOf, withTimeout, type EndpointResponse, type StepFunctionsBackend,
} from './integrations.js';
import type { IntegrationResponse, Stage, UsagePlan } from './model.js';
import { javaMap, NO_TRACE, type Trace } from './trace.js';
import { buildProxyEvent, parseProxyResponse } from './lambda-proxy.js';
import { unroutableError } from './sigv4-verify.js';
import { randomBase64, randomHex, randomUuid } from './random-ids.js';

/** FACTS §5.2: payload ≤ 10 MB. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface InvocationRequest {
  method: string;
  /** the path below the stage, starting with `/` (still URL-encoded) */
  path: string;
  rawQuery: string;
  /** header pairs as the client sent them (names keep their case) */
  headers: [string, string][];
  body: Buffer;
  sourceIp: string;
  domainName: string;
  /** the Host header and request-target path exactly as received: what a SigV4 signature covers (AWS_IAM) */
  received?: { host: string; path: string };
}

export interface InvocationResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

export interface PipelineDeps {
  lambda: LambdaService;
  stepFunctions: StepFunctionsBackend;
  region: string;
  accountId: string;
  /** FACTS §5.1 step 3: the enabled key with this value and the usage plan binding it to the API stage */
  apiKeyAllowed(apiId: string, stage: string, value: string | undefined): { ok: boolean; keyId?: string; plan?: UsagePlan };
  /** The metering stage after the API key check (usage-meter.ts); throws GatewayError THROTTLED / QUOTA_EXCEEDED. */
  meter?: (ctx: InvocationContext) => void;
  /** The authorization stage (FACTS §5.1 step 2, src/apigw/authorize.ts); throws GatewayError to reject. */
  authorize?: (ctx: InvocationContext) => Promise<void>;
}

/** What one invocation carries from stage to stage (the stages outside this file see it as InvocationContext). */
export type InvocationContext = Ctx;
interface Ctx {
  api: CompiledApi;
  stage: Stage;
  req: InvocationRequest;
  requestId: string;
  traceId: string;
  trace: Trace;
  /** false for ordinary invocations: log lines are not even formatted */
  tracing: boolean;
  headers: Record<string, string>;
  multiHeaders: Record<string, string[]>;
  query: Record<string, string>;
  multiQuery: Record<string, string[]>;
  stageVariables: Record<string, string>;
  context: Record<string, unknown>;
  route?: RouteMatch;
  bodyText: string;
  requestOverride?: { header: Record<string, unknown>; path: Record<string, unknown>; querystring: Record<string, unknown> };
  responseOverride?: { status?: unknown; header: Record<string, unknown> };
  errorContext?: { message: string; responseType: string; validationErrorString?: string };
  /** the API key a Lambda authorizer returned (`usageIdentifierKey`), used when apiKeySource is AUTHORIZER */
  usageIdentifierKey?: string;
  /** the checked API key and the usage plan that meters it (set by the API key stage) */
  apiKeyMatch?: { keyId: string; plan: UsagePlan };
  /** `requestContext.authorizer` of a Lambda proxy event (values keep their JSON types, unlike `$context.authorizer`) */
  authorizerEvent?: Record<string, unknown>;
}

const HOP_HEADERS = new Set(['connection', 'content-length', 'content-md5', 'expect', 'max-forwards', 'proxy-authenticate', 'server', 'te', 'transfer-encoding', 'trailer', 'upgrade', 'www-authenticate']);
const PROXY_DROPPED = new Set(['host', 'x-amzn-trace-id', 'via', 'content-encoding']);
/** Response headers API Gateway renames to `x-amzn-Remapped-<name>` (recorded, FACTS §5.6). */
const REMAPPED_RESPONSE = new Set(['authorization', 'connection', 'content-length', 'content-md5', 'date', 'expect', 'host', 'max-forwards', 'proxy-authenticate', 'server', 'trailer', 'upgrade', 'user-agent', 'www-authenticate']);
/** Integration request headers that cannot be mapped (recorded: 500 Internal server error). */
const UNMAPPABLE = {
  AWS: new Set(['authorization', 'connection', 'content-length', 'proxy-authenticate', 'te', 'transfer-encoding']),
  HTTP: new Set(['transfer-encoding']),
} as const;

function lower(h: [string, string][]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [k, v] of h) o[k.toLowerCase()] = v;
  return o;
}

function headerGet(headers: Record<string, string>, name: string): string | undefined {
  if (name in headers) return headers[name];
  const l = name.toLowerCase();
  for (const k in headers) if (k.toLowerCase() === l) return headers[k];
  return undefined;
}

function parseQuery(raw: string): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  if (raw === '') return { single, multi };
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    const dec = (s: string): string => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; } };
    const k = dec(i < 0 ? part : part.slice(0, i));
    const v = i < 0 ? '' : dec(part.slice(i + 1));
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { single, multi };
}

function newTraceId(): string {
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomHex(24)}`;
}

const mediaType = (ct: string | undefined): string => (ct ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** Selects a template by media type (FACTS §5.2); exact match, then `*\/*`-style wildcards. */
function pickTemplate(templates: Record<string, string | null> | undefined, type: string): { key: string; text: string } | undefined {
  if (!templates) return undefined;
  for (const [k, v] of Object.entries(templates)) if (k.toLowerCase() === type && typeof v === 'string') return { key: k, text: v };
  return undefined;
}

function binaryMatch(types: string[] | undefined, ct: string | undefined): boolean {
  if (!types || types.length === 0) return false;
  const t = mediaType(ct);
  return types.some((p) => {
    const pt = p.toLowerCase();
    if (pt === '*/*') return true;
    // Left-wildcard entries (`*/test`) never match (recorded).
    if (pt.startsWith('*/')) return false;
    if (pt.endsWith('/*')) return t.startsWith(pt.slice(0, -1));
    return pt === t;
  });
}

export class Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** Runs one invocation; never throws (every failure is a gateway response). */
  async invoke(api: CompiledApi, stage: Stage, req: InvocationRequest, options: { trace?: Trace; resourceId?: string; requestId?: string; release?: { variables: Record<string, string>; canary?: boolean } } = {}): Promise<InvocationResponse> {
    const requestId = options.requestId ?? randomUuid();
    const clientTrace = req.headers.find(([k]) => k.toLowerCase() === 'x-amzn-trace-id')?.[1];
    const rootMatch = clientTrace ? /Root=[^;]+/.exec(clientTrace) : null;
    const traceId = `${rootMatch ? rootMatch[0] : newTraceId()};Parent=${randomHex(16)};Sampled=0`;
    const headers: Record<string, string> = {};
    const multiHeaders: Record<string, string[]> = {};
    for (const [k, v] of req.headers) {
      headers[k] = v;
      (multiHeaders[k] ??= []).push(v);
    }
    const q = parseQuery(req.rawQuery);
    const now = Date.now();
    const ctx: Ctx = {
      api, stage, req, requestId, traceId, trace: options.trace ?? NO_TRACE, tracing: options.trace !== undefined, headers, multiHeaders,
      query: q.single, multiQuery: q.multi, stageVariables: { ...(options.release?.variables ?? stage.variables ?? {}) }, bodyText: req.body.toString('utf8'),
      context: {
        accountId: this.deps.accountId, apiId: api.snapshot.api.id, domainName: req.domainName,
        domainPrefix: req.domainName.split('.')[0] ?? '', extendedRequestId: randomBase64(11, 'base64').replace(/[+/]/g, 'A'),
        httpMethod: req.method, identity: {
          accountId: '', apiKey: '', apiKeyId: '', caller: '', cognitoAuthenticationProvider: '', cognitoAuthenticationType: '',
          cognitoIdentityId: '', cognitoIdentityPoolId: '', principalOrgId: '', sourceIp: req.sourceIp, user: '',
          userAgent: headerGet(headers, 'User-Agent') ?? '', userArn: '',
        },
        path: `/${stage.stageName}${req.path}`, protocol: 'HTTP/1.1', requestId, requestTime: requestTime(now), requestTimeEpoch: now,
        stage: stage.stageName,
        // only stages with a canary say which side a request ran on [rec: "false" at 0 %, "true" at 100 %]
        ...(options.release?.canary !== undefined ? { isCanaryRequest: options.release.canary } : {}),
      },
    };
    try {
      this.route(ctx, options.resourceId);
      // TestInvokeMethod (a resourceId is given) skips authorization and API keys, as the console's test does.
      if (options.resourceId === undefined) {
        if (this.deps.authorize) await this.deps.authorize(ctx);
        this.checkApiKey(ctx);
        this.deps.meter?.(ctx);
      }
      this.validate(ctx);
      const mapped = this.mapRequest(ctx);
      const endpoint = await this.integrate(ctx, mapped);
      // `$context.awsEndpointRequestId`: the request id an AWS service (Lambda, Step Functions) answered with.
      const type = ctx.route?.compiled.method.methodIntegration?.type;
      if (type === 'AWS' || type === 'AWS_PROXY') {
        const id = endpoint.headers.find(([k]) => k.length === 16 && k.toLowerCase() === 'x-amzn-requestid')?.[1];
        if (id !== undefined) ctx.context.awsEndpointRequestId = id;
      }
      return this.mapResponse(ctx, endpoint);
    } catch (e) {
      if (e instanceof GatewayError) return this.gatewayResponse(ctx, e.type, e.detail, e.errorType);
      ctx.trace.add(`Execution failed due to an internal error: ${e instanceof Error ? e.message : String(e)}`);
      return this.gatewayResponse(ctx, 'API_CONFIGURATION_ERROR');
    }
  }

  // ------------------------------------------------------------------------------------ route
  private route(ctx: Ctx, resourceId: string | undefined): void {
    let match: RouteMatch | undefined;
    if (resourceId !== undefined) {
      const compiled = ctx.api.method(resourceId, ctx.req.method) ?? ctx.api.method(resourceId, 'ANY');
      if (compiled) match = { compiled, pathParameters: pathParamsFor(compiled.resource.path, ctx.req.path) };
    } else {
      let path = ctx.req.path;
      if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
      match = ctx.api.route(path, ctx.req.method);
    }
    // FACTS §5.1: an unroutable request with a non-SigV4 Authorization header is IncompleteSignatureException.
    if (!match) throw resourceId === undefined ? unroutableError(ctx.headers) : new GatewayError('MISSING_AUTHENTICATION_TOKEN');
    ctx.route = match;
    const res = match.compiled.resource;
    ctx.context.resourceId = res.id;
    ctx.context.resourcePath = res.path;
    if (!ctx.tracing) return;
    ctx.trace.add(`Starting execution for request: ${ctx.requestId}`);
    // The log names the requested path (recorded: a test-invoke of /pets with path /random/test logs /random/test).
    ctx.trace.add(`HTTP Method: ${ctx.req.method}, Resource Path: ${ctx.req.path}`);
    ctx.trace.add(`Method request path: ${javaMap(Object.entries(match.pathParameters))}`);
    ctx.trace.add(`Method request query string: ${javaMap(Object.entries(ctx.query))}`);
    ctx.trace.add(`Method request headers: ${javaMap(Object.entries(ctx.headers))}`);
    ctx.trace.add(`Method request body before transformations: ${ctx.bodyText}`);
  }

  // ------------------------------------------------------------------------------------ api key
  private checkApiKey(ctx: Ctx): void {
    const m = ctx.route?.compiled.method;
    if (!m?.apiKeyRequired) return;
    const key = ctx.api.snapshot.api.apiKeySource === 'AUTHORIZER' ? ctx.usageIdentifierKey : headerGet(ctx.headers, 'x-api-key');
    const r = this.deps.apiKeyAllowed(ctx.api.snapshot.api.id, ctx.stage.stageName, key);
    if (!r.ok) throw new GatewayError('INVALID_API_KEY');
    const identity = ctx.context.identity as Record<string, unknown>;
    identity.apiKey = key;
    identity.apiKeyId = r.keyId;
    if (r.keyId !== undefined && r.plan) ctx.apiKeyMatch = { keyId: r.keyId, plan: r.plan };
  }

  // ------------------------------------------------------------------------------------ validate
  private validate(ctx: Ctx): void {
    const cm = ctx.route?.compiled as CompiledMethod;
    const vid = cm.method.requestValidatorId;
    if (vid === undefined) return;
    const validator = ctx.api.snapshot.validators.find((v) => v.id === vid);
    if (!validator) return;
    if (validator.validateRequestParameters) {
      // FACTS §5.1 step 4: names listed sorted by their method.request.* key (header → path → querystring).
      const missing = Object.entries(cm.method.requestParameters ?? {}).filter(([, req]) => req).map(([k]) => k).sort()
        .filter((k) => this.methodParam(ctx, k) === undefined).map((k) => k.split('.').slice(3).join('.'));
      if (missing.length > 0) {
        ctx.trace.add(`Request validation failed for: Missing required request parameters: [${missing.join(', ')}]`);
        throw new GatewayError('BAD_REQUEST_PARAMETERS', `Missing required request parameters: [${missing.join(', ')}]`);
      }
    }
    if (validator.validateRequestBody && cm.validateBody) {
      const ct = mediaType(headerGet(ctx.headers, 'Content-Type')) || 'application/json';
      const fn = cm.validateBody.get(ct) ?? cm.validateBody.get('$default');
      if (fn) {
        let value: unknown;
        let ok: boolean;
        try {
          value = ctx.bodyText.trim() === '' ? {} : JSON.parse(ctx.bodyText);
          ok = fn(value);
        } catch { ok = false; }
        if (!ok) {
          ctx.errorContext = { message: 'Invalid request body', responseType: 'BAD_REQUEST_BODY', validationErrorString: '[Invalid request body]' };
          ctx.trace.add('Request body does not match model schema for content type ' + ct);
          throw new GatewayError('BAD_REQUEST_BODY');
        }
      }
    }
  }

  /** `method.request.{path|querystring|header|multivalue*}.name` of the client request. */
  private methodParam(ctx: Ctx, key: string): string | undefined {
    const m = /^method\.request\.(path|querystring|header|multivalueheader|multivaluequerystring)\.(.+)$/.exec(key);
    if (!m) return undefined;
    const name = m[2] as string;
    switch (m[1]) {
      case 'path': return ctx.route?.pathParameters[name];
      case 'querystring': return ctx.query[name];
      case 'header': return headerGet(ctx.headers, name);
      case 'multivaluequerystring': return ctx.multiQuery[name]?.join(',');
      default: {
        const l = name.toLowerCase();
        const k = Object.keys(ctx.multiHeaders).find((x) => x.toLowerCase() === l);
        return k !== undefined ? ctx.multiHeaders[k]?.join(',') : undefined;
      }
    }
  }

  /** A mapping source (FACTS §7): method.request.*, `'static'`, context.x, stageVariables.x, method.request.body[.path]. */
  private source(ctx: Ctx, expr: string, response?: EndpointResponse): string | undefined {
    if (expr.startsWith("'") && expr.endsWith("'") && expr.length >= 2) return expr.slice(1, -1);
    if (expr === 'method.request.body') return ctx.bodyText;
    if (expr.startsWith('method.request.body.')) return jsonPick(ctx.bodyText, expr.slice('method.request.body.'.length));
    if (expr.startsWith('method.request.')) return this.methodParam(ctx, expr);
    if (expr.startsWith('stageVariables.')) return ctx.stageVariables[expr.slice('stageVariables.'.length)];
    if (expr.startsWith('context.')) {
      let cur: unknown = ctx.context;
      for (const k of expr.slice('context.'.length).split('.')) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
      return cur === undefined || cur === null ? undefined : String(cur);
    }
    if (response) {
      if (expr.startsWith('integration.response.header.')) {
        const n = expr.slice('integration.response.header.'.length).toLowerCase();
        return response.headers.find(([k]) => k.toLowerCase() === n)?.[1];
      }
      if (expr.startsWith('integration.response.multivalueheader.')) {
        const n = expr.slice('integration.response.multivalueheader.'.length).toLowerCase();
        const vs = response.headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
        return vs.length > 0 ? vs.join(',') : undefined;
      }
      if (expr === 'integration.response.body') return response.body.toString('utf8');
      if (expr.startsWith('integration.response.body.')) return jsonPick(response.body.toString('utf8'), expr.slice('integration.response.body.'.length));
    }
    return undefined;
  }

  private mappingRequest(ctx: Ctx, body: string | null, bodyJson?: unknown): MappingRequest {
    return {
      method: ctx.req.method, path: ctx.context.path as string, resourcePath: ctx.route?.compiled.resource.path ?? '',
      pathParameters: ctx.route?.pathParameters ?? {}, query: ctx.multiQuery, headers: ctx.multiHeaders, body,
      stageVariables: ctx.stageVariables, context: ctx.context, ...(bodyJson !== undefined ? { bodyJson } : {}),
    };
  }

  private render(ctx: Ctx, cm: CompiledMethod, text: string, req: MappingRequest) {
    const compiled: CompiledTemplate | string = cm.templates.get(text) ?? text;
    return renderMappingTemplate(compiled, req);
  }

  // ------------------------------------------------------------------------------------ map request
  private mapRequest(ctx: Ctx): { headers: [string, string][]; query: Record<string, string>; path: Record<string, string>; body: Buffer; templated: boolean } {
    const cm = ctx.route?.compiled as CompiledMethod;
    const integ = cm.method.methodIntegration;
    if (!integ) throw new GatewayError('API_CONFIGURATION_ERROR');
    const headers: [string, string][] = [];
    const query: Record<string, string> = {};
    const path: Record<string, string> = {};
    const forbidden = integ.type === 'AWS' || integ.type === 'AWS_PROXY' ? UNMAPPABLE.AWS : UNMAPPABLE.HTTP;
    for (const [target, src] of Object.entries(integ.requestParameters ?? {})) {
      const m = /^integration\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.(.+)$/.exec(target);
      if (!m) continue;
      const value = this.source(ctx, src);
      const name = m[2] as string;
      if (m[1] === 'header' || m[1] === 'multivalueheader') {
        if (forbidden.has(name.toLowerCase())) {
          ctx.trace.add(`Execution failed due to configuration error: Invalid mapping expression specified: integration.request.header.${name}`);
          throw new GatewayError('API_CONFIGURATION_ERROR');
        }
        if (value !== undefined) headers.push([name, value]);
      } else if (m[1] === 'path') { if (value !== undefined) path[name] = value; } else if (value !== undefined) query[name] = value;
    }
    // Proxy integrations: no templates; the body goes through unchanged (FACTS §5.2).
    if (integ.type === 'AWS_PROXY' || integ.type === 'HTTP_PROXY') return { headers, query, path, body: ctx.req.body, templated: false };
    const ct = mediaType(headerGet(ctx.headers, 'Content-Type')) || 'application/json';
    const templates = integ.requestTemplates ?? {};
    const hasTemplates = Object.values(templates).some((t) => typeof t === 'string');
    const chosen = pickTemplate(templates, ct);
    if (!chosen) {
      const behaviour = integ.passthroughBehavior;
      if (behaviour === 'NEVER' || (behaviour === 'WHEN_NO_TEMPLATES' && hasTemplates)) {
        ctx.trace.add('Execution failed: Unsupported Media Type');
        throw new GatewayError('UNSUPPORTED_MEDIA_TYPE');
      }
      return { headers, query, path, body: ctx.req.body, templated: false };
    }
    const result = this.render(ctx, cm, chosen.text, this.mappingRequest(ctx, ctx.bodyText));
    if (result.error) {
      ctx.trace.add(`Execution failed due to configuration error: Unable to transform request`);
      throw new GatewayError('API_CONFIGURATION_ERROR');
    }
    ctx.requestOverride = result.requestOverride;
    ctx.responseOverride = result.responseOverride;
    const ro = result.requestOverride;
    for (const [k, v] of Object.entries(ro.header)) { removeHeader(headers, k); headers.push([k, String(v)]); }
    for (const [k, v] of Object.entries(ro.querystring)) query[k] = String(v);
    for (const [k, v] of Object.entries(ro.path)) path[k] = String(v);
    // The overrides are readable in the response template as $context.requestOverride / responseOverride.
    ctx.context.requestOverride = ro;
    ctx.context.responseOverride = result.responseOverride;
    return { headers, query, path, body: Buffer.from(result.body), templated: true };
  }

  // ------------------------------------------------------------------------------------ integrate
  private async integrate(ctx: Ctx, mapped: ReturnType<Pipeline['mapRequest']>): Promise<EndpointResponse> {
    const cm = ctx.route?.compiled as CompiledMethod;
    const integ = cm.method.methodIntegration as NonNullable<typeof cm.method.methodIntegration>;
    const timeoutMs = integ.timeoutInMillis || 29_000;
    const apiId = ctx.api.snapshot.api.id;
    const started = Date.now();
    const bodyText = mapped.body.toString('utf8');
    const logRequest = (uri: string, headers: [string, string][] | (() => [string, string][]), sending: string): void => {
      if (!ctx.tracing) return;
      ctx.trace.add(`Endpoint request URI: ${uri}`);
      ctx.trace.add(`Endpoint request headers: ${javaMap(typeof headers === 'function' ? headers() : headers)}`);
      ctx.trace.add(`Endpoint request body after transformations: ${bodyText}`);
      ctx.trace.add(`Sending request to ${sending}`);
    };
    const logResponse = (r: EndpointResponse): EndpointResponse => {
      if (!ctx.tracing) return r;
      ctx.trace.add(`Received response. Status: ${r.status}, Integration latency: ${Date.now() - started} ms`);
      ctx.trace.add(`Endpoint response headers: ${javaMap(r.headers)}`);
      ctx.trace.add(`Endpoint response body before transformations: ${r.body.toString('utf8')}`);
      return r;
    };
    const uri = substituteStageVariables(integ.uri ?? '', ctx.stageVariables);
    switch (integ.type) {
      case 'MOCK': {
        // The mock's status comes from `statusCode` in the mapped request body (FACTS §5.2).
        let status = 200;
        const m = /"?statusCode"?\s*:\s*"?(\d{3})/.exec(bodyText);
        if (m) status = Number(m[1]);
        return { status, headers: [], body: Buffer.alloc(0) };
      }
      case 'HTTP':
      case 'HTTP_PROXY': {
        const proxy = integ.type === 'HTTP_PROXY';
        let url = uri.replace(/\{([^}]+?)\+?\}/g, (_, name: string) => {
          const v = mapped.path[name] ?? (proxy ? ctx.route?.pathParameters[name] : undefined);
          return v === undefined ? `{${name}}` : encodePath(v);
        });
        const qs = new URLSearchParams();
        if (proxy) for (const [k, vs] of Object.entries(ctx.multiQuery)) for (const v of vs) qs.append(k, v);
        for (const [k, v] of Object.entries(mapped.query)) qs.set(k, v);
        try {
          if (new URL(url).hostname === '') throw new Error('no host');
        } catch {
          ctx.trace.add('Execution failed due to configuration error: Invalid endpoint address');
          throw new GatewayError('API_CONFIGURATION_ERROR');
        }
        const qsText = qs.toString();
        if (qsText !== '') url += (url.includes('?') ? '&' : '?') + qsText;
        const method = !integ.httpMethod || integ.httpMethod === 'ANY' ? ctx.req.method : integ.httpMethod;
        const headers: [string, string][] = [];
        if (proxy) {
          // The client's hop-by-hop headers, Via and Content-Encoding are not passed on (recorded).
          for (const [k, v] of ctx.req.headers) if (!HOP_HEADERS.has(k.toLowerCase()) && !PROXY_DROPPED.has(k.toLowerCase())) headers.push([k, v]);
        }
        for (const [k, v] of mapped.headers) { removeHeader(headers, k); headers.push([k, v]); }
        const has = (n: string): boolean => headers.some(([k]) => k.toLowerCase() === n);
        if (!has('user-agent')) headers.push(['User-Agent', `AmazonAPIGateway_${apiId}`]);
        if (!has('accept')) headers.push(['Accept', 'application/json']);
        if (!proxy && !has('content-type')) headers.push(['Content-Type', headerGet(ctx.headers, 'Content-Type') ?? 'application/json']);
        headers.push(['X-Amzn-Trace-Id', ctx.traceId]);
        headers.push(['X-Amzn-Apigateway-Api-Id', apiId]);
        // GET/HEAD bodies are not forwarded to HTTP backends (FACTS §5.6).
        const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : mapped.body;
        logRequest(url, headers, url);
        return logResponse(await callHttp({ method, url, headers, body, timeoutMs }));
      }
      case 'AWS': {
        const fn = lambdaFunctionOf(uri);
        if (fn !== undefined) {
          const invocationType = mapped.headers.find(([k]) => k.toLowerCase() === 'x-amz-invocation-type')?.[1] === "Event" ? 'Event' as const : undefined;
          const lambdaUri = `https://lambda.${this.deps.region}.amazonaws.com/2015-03-31/functions/${fn}/invocations`;
          logRequest(lambdaUri, () => signedHeaders(ctx.requestId, apiId, this.deps.region, mapped.headers), lambdaUri);
          const payload = bodyText.trim() === '' ? '{}' : bodyText;
          return logResponse(withTraceHeader(await callLambda(this.deps.lambda, fn, payload, timeoutMs, invocationType), ctx.traceId));
        }
        const action = statesActionOf(uri);
        if (action !== undefined) {
          // FACTS §5.5: the mapped body is the action's request; client headers are not forwarded.
          const sfnUri = `https://states.${this.deps.region}.amazonaws.com/?Action=${action}`;
          if (ctx.tracing) logRequest(sfnUri, [['X-Amz-Target', `AWSStepFunctions.${action}`], ['Content-Type', 'application/x-amz-json-1.0'], ['User-Agent', `AmazonAPIGateway_${apiId}`], ...mapped.headers], `https://states.${this.deps.region}.amazonaws.com/`);
          const r = await withTimeout(this.deps.stepFunctions.call(action, bodyText), timeoutMs);
          return logResponse({
            status: r.status, headers: [['Content-Type', 'application/x-amz-json-1.0'], ['x-amzn-RequestId', randomUuid()], ...Object.entries(r.headers ?? {})], body: Buffer.from(r.body),
            text: r.body, ...(r.json !== undefined ? { json: r.json } : {}),
          });
        }
        ctx.trace.add(`Execution failed due to configuration error: AWS service of the integration URI is not supported by stepgate: ${uri}`);
        throw new GatewayError('API_CONFIGURATION_ERROR');
      }
      case 'AWS_PROXY': {
        const fn = lambdaFunctionOf(uri);
        // Lambda's Invoke API is POST only: another integration method fails (recorded: 500).
        if (fn === undefined || (integ.httpMethod ?? 'POST') !== 'POST') {
          ctx.trace.add('Execution failed due to configuration error: Lambda integrations must use POST');
          throw new GatewayError('API_CONFIGURATION_ERROR');
        }
        const event = buildProxyEvent({
          resourcePath: cm.resource.path, path: decodePath(ctx.req.path), method: ctx.req.method, headers: ctx.req.headers, mappedHeaders: mapped.headers,
          query: ctx.multiQuery, pathParameters: ctx.route?.pathParameters ?? {}, stageVariables: ctx.stageVariables,
          body: ctx.req.body, isBinary: binaryMatch(ctx.api.snapshot.api.binaryMediaTypes, headerGet(ctx.headers, 'Content-Type')),
          context: ctx.context, traceId: ctx.traceId, domainName: ctx.req.domainName, accountId: this.deps.accountId, stage: ctx.stage.stageName, apiId,
          resourceId: cm.resource.id, requestId: ctx.requestId, edge: (ctx.api.snapshot.api.endpointConfiguration.types[0] ?? 'EDGE') === 'EDGE',
          ...(ctx.authorizerEvent ? { authorizer: ctx.authorizerEvent } : {}),
        });
        const payload = JSON.stringify(event);
        const lambdaUri = `https://lambda.${this.deps.region}.amazonaws.com/2015-03-31/functions/${fn}/invocations`;
        if (ctx.tracing) {
          ctx.trace.add(`Endpoint request URI: ${lambdaUri}`);
          ctx.trace.add(`Endpoint request headers: ${javaMap(signedHeaders(ctx.requestId, apiId, this.deps.region, []))}`);
          ctx.trace.add(`Endpoint request body after transformations: ${payload}`);
          ctx.trace.add(`Sending request to ${lambdaUri}`);
        }
        return logResponse(withTraceHeader(await callLambda(this.deps.lambda, fn, payload, timeoutMs), ctx.traceId));
      }
      default:
        throw new GatewayError('API_CONFIGURATION_ERROR');
    }
  }

  // ------------------------------------------------------------------------------------ map response
  private mapResponse(ctx: Ctx, r: EndpointResponse): InvocationResponse {
    const cm = ctx.route?.compiled as CompiledMethod;
    const integ = cm.method.methodIntegration as NonNullable<typeof cm.method.methodIntegration>;
    const isLambda = integ.type === 'AWS_PROXY' || (integ.type === 'AWS' && lambdaFunctionOf(integ.uri ?? '') !== undefined);
    const base: [string, string][] = [];
    if (integ.type === 'AWS_PROXY') {
      // A function error or a malformed answer is 502 Internal server error (FACTS §5.7).
      const accept = (headerGet(ctx.headers, 'Accept') ?? '').split(',')[0]?.trim();
      const parsed = r.status >= 300 || r.lambdaErrorMessage !== undefined ? undefined
        : parseProxyResponse(r.body.toString('utf8'), binaryMatch(ctx.api.snapshot.api.binaryMediaTypes, accept));
      if (parsed === null) {
        ctx.trace.add('Execution failed due to configuration error: Unable to base64 decode the body.');
        throw new GatewayError('API_CONFIGURATION_ERROR');
      }
      if (!parsed) {
        ctx.trace.add('Execution failed due to configuration error: Malformed Lambda proxy response');
        return this.finish(ctx, 502, [['x-amzn-ErrorType', 'InternalServerErrorException']], Buffer.from('{"message": "Internal server error"}'), true);
      }
      const headers: [string, string][] = [...parsed.headers];
      if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
      headers.push(['X-Amzn-Trace-Id', ctx.traceId]);
      if (ctx.tracing) ctx.trace.add(`Method response body after transformations: ${parsed.body.toString('utf8')}`);
      return this.finish(ctx, parsed.statusCode, headers, parsed.body, false);
    }
    if (integ.type === 'HTTP_PROXY') {
      const headers: [string, string][] = [];
      for (const [k, v] of r.headers) {
        const l = k.toLowerCase();
        if (l === 'transfer-encoding') continue;
        headers.push([REMAPPED_RESPONSE.has(l) ? `x-amzn-Remapped-${k}` : k, v]);
      }
      return this.finish(ctx, r.status, headers, r.body, false);
    }
    // FACTS §5.3: the selection pattern is matched against the Lambda errorMessage, else the status.
    const responses = cm.responses;
    const subject = r.lambdaErrorMessage !== undefined ? r.lambdaErrorMessage : isLambda ? undefined : String(r.status);
    let chosen: IntegrationResponse | undefined;
    if (subject !== undefined) {
      chosen = responses.find((x) => x.selectionPattern !== undefined && x.selectionPattern !== '' && fullMatch(x.selectionPattern, subject));
    }
    chosen ??= responses.find((x) => x.selectionPattern === undefined || x.selectionPattern === '');
    if (!chosen) {
      ctx.trace.add(`Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: ${r.status}`);
      throw new GatewayError('API_CONFIGURATION_ERROR');
    }
    const headers: [string, string][] = [...base];
    for (const [target, src] of Object.entries(chosen.responseParameters ?? {})) {
      const m = /^method\.response\.header\.(.+)$/.exec(target);
      if (!m) continue;
      const v = this.source(ctx, src, r);
      if (v === undefined) continue;
      const name = m[1] as string;
      headers.push([REMAPPED_RESPONSE.has(name.toLowerCase()) ? `x-amzn-Remapped-${name}` : name, v]);
    }
    // Response template by the request's Accept (first type only); absent ⇒ application/json; no match ⇒ first (FACTS §5.2).
    const accept = (headerGet(ctx.headers, 'Accept') ?? '').split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? '';
    const templates = cm.responseTemplates.get(chosen) ?? [];
    let body = r.body;
    let status = Number(chosen.statusCode) || 200;
    let contentType: string | undefined;
    if (templates.length > 0) {
      const byAccept = templates.find(([k]) => k.toLowerCase() === (accept === '' || accept === '*/*' ? 'application/json' : accept))
        ?? templates.find(([k]) => k.toLowerCase() === 'application/json') ?? templates[0] as [string, string];
      contentType = byAccept[0];
      const req = this.mappingRequest(ctx, r.text ?? r.body.toString('utf8'), r.json);
      const result = this.render(ctx, cm, byAccept[1], req);
      if (result.error) {
        ctx.trace.add('Execution failed due to configuration error: Unable to transform response');
        throw new GatewayError('API_CONFIGURATION_ERROR');
      }
      body = Buffer.from(result.body);
      const ov = result.responseOverride;
      const s = Number(ov.status);
      if (ov.status !== undefined && Number.isInteger(s) && s >= 100 && s <= 599) status = s;
      for (const [k, v] of Object.entries(ov.header)) { removeHeader(headers, k); headers.push([k, String(v)]); }
    } else if (ctx.responseOverride) {
      const s = Number(ctx.responseOverride.status);
      if (ctx.responseOverride.status !== undefined && Number.isInteger(s) && s >= 100 && s <= 599) status = s;
      for (const [k, v] of Object.entries(ctx.responseOverride.header)) { removeHeader(headers, k); headers.push([k, String(v)]); }
    }
    if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) {
      const fromBackend = r.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      headers.push(['Content-Type', contentType ?? (integ.type === 'HTTP' && fromBackend ? 'application/json' : 'application/json')]);
    }
    if (isLambda) headers.unshift(['X-Amzn-Trace-Id', ctx.traceId]);
    if (ctx.tracing) ctx.trace.add(`Method response body after transformations: ${body.toString('utf8')}`);
    return this.finish(ctx, status, headers, body, false);
  }

  private finish(ctx: Ctx, status: number, headers: [string, string][], body: Buffer, failed: boolean): InvocationResponse {
    if (ctx.tracing) {
      ctx.trace.add(`Method response headers: ${javaMap(headers.filter(([k]) => k.toLowerCase() !== 'x-amzn-errortype'))}`);
      ctx.trace.add(failed ? 'Execution failed' : 'Successfully completed execution');
      ctx.trace.add(`Method completed with status: ${status}`);
    }
    headers.push(['x-amzn-RequestId', ctx.requestId], ['x-amz-apigw-id', (ctx.context.extendedRequestId as string)]);
    return { status, headers, body };
  }

  // ------------------------------------------------------------------------------------ gateway responses
  /** FACTS §5.7: the API's customised response for the type, else DEFAULT_4XX/5XX, else AWS's default. */
  gatewayResponse(ctx: Ctx, type: GatewayResponseType | string, message?: string | null, errorType?: string): InvocationResponse {
    const def = GATEWAY_DEFAULTS[type] ?? { status: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' };
    const msg = message !== undefined ? message : def.message;
    const grs = ctx.api.snapshot.gatewayResponses;
    const own = grs.find((g) => g.responseType === type);
    const family = grs.find((g) => g.responseType === (def.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'));
    const status = Number(own?.statusCode ?? (type === 'REQUEST_TOO_LARGE' ? undefined : family?.statusCode) ?? def.status);
    const params = { ...(family?.responseParameters ?? {}), ...(own?.responseParameters ?? {}) };
    const templates = own?.responseTemplates ?? family?.responseTemplates;
    const errorCtx = { message: msg, messageString: JSON.stringify(msg), responseType: type, ...(ctx.errorContext?.validationErrorString ? { validationErrorString: ctx.errorContext.validationErrorString } : {}) };
    ctx.context.error = errorCtx;
    const headers: [string, string][] = [['Content-Type', 'application/json']];
    for (const [target, src] of Object.entries(params)) {
      const m = /^gatewayresponse\.header\.(.+)$/.exec(target);
      if (!m) continue;
      const v = this.source(ctx, src);
      if (v !== undefined) { removeHeader(headers, m[1] as string); headers.push([m[1] as string, v]); }
    }
    let body = JSON.stringify({ [def.messageKey ?? 'message']: msg });
    const tmpl = templates ? (templates['application/json'] ?? Object.values(templates)[0]) : undefined;
    if (tmpl !== undefined) {
      const r = renderMappingTemplate(tmpl, {
        method: ctx.req.method, path: `/${ctx.stage.stageName}${ctx.req.path}`, resourcePath: ctx.route?.compiled.resource.path ?? '',
        pathParameters: ctx.route?.pathParameters ?? {}, query: ctx.multiQuery, headers: ctx.multiHeaders, body: ctx.bodyText,
        stageVariables: ctx.stageVariables, context: ctx.context,
      });
      if (!r.error) body = r.body;
    }
    headers.push(['x-amzn-ErrorType', errorType ?? def.errorType]);
    if (type !== 'MISSING_AUTHENTICATION_TOKEN') {
      ctx.trace.add(`Method completed with status: ${status}`);
    }
    headers.push(['x-amzn-RequestId', ctx.requestId], ['x-amz-apigw-id', String(ctx.context.extendedRequestId ?? '')]);
    return { status, headers, body: Buffer.from(body) };
  }
}

/** What API Gateway sends to Lambda: a SigV4-signed Invoke with its own headers (the log cuts the token). */
function signedHeaders(requestId: string, apiId: string, region: string, mapped: [string, string][]): [string, string][] {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return [
    ['x-amzn-lambda-integration-tag', requestId],
    ['Authorization', `AWS4-HMAC-SHA256 Credential=ASIAXXXXXXXXXXXXXXXX/${date.slice(0, 8)}/${region}/lambda/aws4_request, SignedHeaders=accept;host;x-amz-date;x-amz-security-token;x-amzn-apigateway-api-id;x-amzn-lambda-integration-tag, Signature=${'0'.repeat(64)}`],
    ['X-Amz-Date', date], ['x-amzn-apigateway-api-id', apiId], ['Accept', 'application/json'], ['User-Agent', `AmazonAPIGateway_${apiId}`],
    ['X-Amz-Security-Token', 'IQoJb3JpZ2luX2VjE'.padEnd(1024, 'A')], ...mapped,
  ];
}

function withTraceHeader(r: EndpointResponse, traceId: string): EndpointResponse {
  r.headers.push(['X-Amzn-Trace-Id', traceId]);
  return r;
}

function removeHeader(headers: [string, string][], name: string): void {
  const l = name.toLowerCase();
  for (let i = headers.length - 1; i >= 0; i--) if ((headers[i] as [string, string])[0].toLowerCase() === l) headers.splice(i, 1);
}

/** Java `String.matches`: the whole subject must match. */
function fullMatch(pattern: string, subject: string): boolean {
  try { return new RegExp(`^(?:${pattern})$`).test(subject); } catch { return false; }
}

function jsonPick(text: string, path: string): string | undefined {
  let cur: unknown;
  try { cur = JSON.parse(text); } catch { return undefined; }
  for (const k of path.replace(/^\$\.?/, '').split('.').filter((x) => x !== '')) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  }
  if (cur === undefined) return undefined;
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

function substituteStageVariables(uri: string, vars: Record<string, string>): string {
  if (!uri.includes('${')) return uri;
  return uri.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_, n: string) => vars[n] ?? '');
}

function encodePath(v: string): string {
  return v.split('/').map((s) => encodeURIComponent(s)).join('/');
}

function decodePath(p: string): string {
  try { return decodeURI(p); } catch { return p; }
}

/** Path parameters of a test-invoke path against the resource's template; none when it does not fit (recorded). */
function pathParamsFor(resourcePath: string, path: string): Record<string, string> {
  const rs = resourcePath.split('/').filter((s) => s !== '');
  const ps = path.split('?')[0]?.split('/').filter((s) => s !== '') ?? [];
  const out: Record<string, string> = {};
  for (let i = 0; i < rs.length; i++) {
    const seg = rs[i] as string;
    const m = /^\{(.+?)(\+?)\}$/.exec(seg);
    if (!m) { if (ps[i] !== seg) return {}; continue; }
    if (m[2] === '+') { out[m[1] as string] = ps.slice(i).join('/'); return out; }
    if (ps[i] === undefined) return {};
    out[m[1] as string] = ps[i] as string;
  }
  return ps.length === rs.length ? out : {};
}

/** the last requestTime formatted, by epoch second (requests of one second share the text) */
let lastRequestTime = { second: -1, text: '' };

/** `$context.requestTime`: `dd/MMM/yyyy:HH:mm:ss +0000` (FACTS §5.4). */
function requestTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastRequestTime.second) lastRequestTime = { second, text: formatRequestTime(ms) };
  return lastRequestTime.text;
}

function formatRequestTime(ms: number): string {
  const d = new Date(ms);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export { lower };
