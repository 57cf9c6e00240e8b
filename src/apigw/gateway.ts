// The API Gateway face of the server: management API requests and API invocations (by path
// `/restapis/{id}/{stage}/_user_request_/...` or by Host `{id}.execute-api.localhost`), with
// deployments compiled once and cached, and TestInvokeMethod running the same pipeline traced.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { LambdaService } from '../lambda/service.js';
import { authorizationStage } from './authorize.js';
import { CognitoAuthorizers, type CognitoJwksConfig } from './cognito-authorizer.js';
import { CredentialStore } from './credentials.js';
import { LambdaAuthorizers } from './lambda-authorizer.js';
import { testInvokeAuthorizer } from './management-authorizers.js';
import { pickRelease } from './canary.js';
import { CompiledApi } from './compiled-api.js';
import { ApiGatewayError, GATEWAY_DEFAULTS } from './errors.js';
import type { StepFunctionsBackend } from './integrations.js';
import { ManagementApi } from './management.js';
import { UsageApi } from './management-usage.js';
import type { ApiSnapshot, ApiState, Resource, Stage } from './model.js';
import { MAX_PAYLOAD_BYTES, Pipeline, type InvocationRequest, type InvocationResponse } from './pipeline.js';
import { ApiRegistry } from './registry.js';
import { resourcePolicyStage } from './resource-policy.js';
import { iamStage } from './sigv4-verify.js';
import { TraceLog } from './trace.js';
import { randomBase64, randomHex } from './random-ids.js';
import { UsageMeter } from './usage-meter.js';

export interface ApiGatewayOptions {
  lambda: LambdaService;
  stepFunctions: StepFunctionsBackend;
  region: string;
  accountId: string;
  log?: (message: string) => void;
  /** COGNITO_USER_POOLS authorizers: user pool ARN / id / `*` → its JWKS (src/apigw/cognito-authorizer.ts) */
  jwks?: CognitoJwksConfig;
  /** the clock of authorizer result caches, token expiry and usage metering (epoch ms; tests pass a fake one) */
  now?: () => number;
  /** called after every change made through the management API (the server persists the registry) */
  onChange?: () => void;
  /** the access keys AWS_IAM methods accept (default: CredentialStore.defaults, src/apigw/credentials.ts) */
  credentials?: CredentialStore;
}

/** A request path WHATWG URL parsing leaves as it is: no dot segments, nothing it would escape. */
const PLAIN_PATH = /^\/(?:[A-Za-z0-9\-_~!$&'()*+,;=:@/]|\.(?<!\/\.)|%(?![2][eE]))*$/;
const EXECUTE_API_HOST = /^([a-z0-9]+)\.execute-api\.[^:]+(?::\d+)?$/i;
/** Management API (larger definitions are allowed, FACTS §7: ≤ 6 MB) */
const MAX_MGMT_BYTES = 6 * 1024 * 1024 + 65_536;

export class ApiGateway {
  readonly registry: ApiRegistry;
  readonly pipeline: Pipeline;
  /** usage-plan and stage throttling, quota counts (src/apigw/usage-meter.ts) */
  readonly usage: UsageMeter;
  /** API keys and usage plans as their management operations change them (src/apigw/management-usage.ts) */
  readonly usageApi: UsageApi;
  private readonly management: ManagementApi;
  /** keyed by the deployment's frozen snapshot, not its id: a template redeployed under the same
   * deployment id (`stepgate start --watch`) brings a new snapshot, which must be compiled again */
  private readonly compiled = new WeakMap<ApiSnapshot, CompiledApi>();
  private hostHeader = 'localhost';

  constructor(private readonly options: ApiGatewayOptions) {
    this.registry = new ApiRegistry({ accountId: options.accountId, region: options.region });
    this.usage = new UsageMeter(options.now ? { now: options.now } : {});
    this.usageApi = new UsageApi(this.registry, this.usage);
    const lambdaAuthorizers = new LambdaAuthorizers({ lambda: options.lambda, region: options.region, accountId: options.accountId, ...(options.now ? { now: options.now } : {}) });
    const cognitoAuthorizers = new CognitoAuthorizers({ ...(options.jwks ? { jwks: options.jwks } : {}), ...(options.now ? { now: options.now } : {}), ...(options.log ? { log: options.log } : {}) });
    this.pipeline = new Pipeline({
      lambda: options.lambda, stepFunctions: options.stepFunctions, region: options.region, accountId: options.accountId,
      apiKeyAllowed: (apiId, stage, value) => this.registry.apiKeyAllowed(apiId, stage, value),
      meter: (ctx) => this.usage.meter(ctx),
      authorize: authorizationStage({
        lambda: (ctx) => lambdaAuthorizers.authorize(ctx),
        cognito: (ctx) => cognitoAuthorizers.authorize(ctx),
        iam: iamStage({ credentials: options.credentials ?? CredentialStore.defaults(options.accountId), region: options.region, ...(options.now ? { now: options.now } : {}) }),
        resourcePolicy: resourcePolicyStage({ region: options.region, accountId: options.accountId, ...(options.now ? { now: options.now } : {}) }),
      }),
    });
    this.management = new ManagementApi(this.registry, (state, resource, verb, input) => this.testInvoke(state, resource, verb, input), () => this.hostHeader,
      (state, authorizer, input) => testInvokeAuthorizer(state, authorizer, input, { lambda: lambdaAuthorizers, cognito: cognitoAuthorizers, region: options.region, accountId: options.accountId }),
      this.usageApi, (apiId, stageName) => lambdaAuthorizers.flush(apiId, stageName));
  }

  /** True for requests this component answers (management paths, invocations by path or Host). */
  matches(req: IncomingMessage): boolean {
    const url = req.url ?? '/';
    if (EXECUTE_API_HOST.test(req.headers.host ?? '')) return true;
    return url.startsWith('/restapis') || url.startsWith('/apikeys') || url.startsWith('/usageplans');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const host = req.headers.host ?? 'localhost';
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
      // WHATWG URL parsing normalises dot segments and escapes some characters; a plain path is already normal.
      const pathname = PLAIN_PATH.test(rawPath) ? rawPath : new URL(rawUrl, 'http://x').pathname;
      const byHost = EXECUTE_API_HOST.exec(host);
      const segments = pathname.split('/');
      if (byHost || segments[4] === '_user_request_') {
        let apiId: string;
        let stage: string;
        let rest: string;
        if (byHost) {
          apiId = (byHost[1] as string).toLowerCase();
          stage = decodeURIComponent(segments[1] ?? '');
          rest = '/' + segments.slice(2).join('/');
        } else {
          apiId = segments[2] ?? '';
          stage = decodeURIComponent(segments[3] ?? '');
          rest = '/' + segments.slice(5).join('/');
        }
        const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
        await this.invokeHttp(req, res, apiId, stage, rest, rawQuery, byHost ? host : `${apiId}.execute-api.localhost`);
        return;
      }
      this.hostHeader = host.replace(/^[^.:]+(?=:|$)/, 'localhost');
      const body = await readBody(req, MAX_MGMT_BYTES);
      if (body === undefined) throw new ApiGatewayError('BadRequestException', 400, 'Request body too large');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const url = new URL(rawUrl, 'http://x');
      const out = await this.management.handle({
        method: req.method ?? 'GET', segments: url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent), query: url.searchParams, headers, body: body.toString('utf8'),
      });
      if (req.method !== 'GET' && out.status < 400) this.options.onChange?.();
      send(res, out.status, { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID(), ...(out.headers ?? {}) }, out.body);
    } catch (e) {
      const err = e instanceof ApiGatewayError ? e : new ApiGatewayError('InternalFailure', 500, 'Internal server error');
      if (!(e instanceof ApiGatewayError)) this.options.log?.(`apigw internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      const w = err.toWire();
      if (!res.headersSent) send(res, w.status, { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID(), ...w.headers }, w.body);
    }
  }

  /** The compiled deployment a stage serves (compiled once per deployment, STYLE habit 8). */
  compiledFor(state: ApiState, stage: Stage, deploymentId = stage.deploymentId): CompiledApi | undefined {
    const d = state.deployments.get(deploymentId);
    if (!d) return undefined;
    let c = this.compiled.get(d.snapshot);
    if (!c) {
      c = new CompiledApi(d.snapshot);
      this.compiled.set(d.snapshot, c);
    }
    return c;
  }

  private async invokeHttp(req: IncomingMessage, res: ServerResponse, apiId: string, stageName: string, path: string, rawQuery: string, domainName: string): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > MAX_PAYLOAD_BYTES ? undefined : await readBody(req, MAX_PAYLOAD_BYTES);
    if (body === undefined) {
      // FACTS §5.2: payload ≤ 10 MB; REQUEST_TOO_LARGE is not customisable.
      req.resume();
      const d = GATEWAY_DEFAULTS.REQUEST_TOO_LARGE as { status: number; message: string; errorType: string };
      send(res, d.status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': d.errorType, 'x-amzn-RequestId': randomUUID(), Connection: 'close' }, JSON.stringify({ message: d.message }));
      return;
    }
    const state = this.registry.apis.get(apiId);
    const stage = state?.stages.get(stageName);
    const release = stage ? pickRelease(stage) : undefined;
    const compiled = state && stage && release ? this.compiledFor(state, stage, release.deploymentId) : undefined;
    if (!state || !stage || !compiled) {
      const d = GATEWAY_DEFAULTS.MISSING_AUTHENTICATION_TOKEN as { status: number; message: string; errorType: string };
      send(res, d.status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': d.errorType, 'x-amzn-RequestId': randomUUID() }, JSON.stringify({ message: d.message }));
      return;
    }
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i] as string;
      if (k.toLowerCase() === 'host') continue;
      headers.push([k, req.rawHeaders[i + 1] as string]);
    }
    const invocation: InvocationRequest = {
      method: req.method ?? 'GET', path, rawQuery, headers, body, sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1', domainName,
      received: { host: req.headers.host ?? '', path: (req.url ?? '/').split('?')[0] as string },
    };
    const out = await this.pipeline.invoke(compiled, stage, invocation, release?.canary === undefined ? {} : { release });
    // An edge-optimised API answers through CloudFront, which adds its response headers [rec: the
    // Headers of apigateway:invoke task outputs in the Step Functions corpus]. Regional: none.
    if ((state.api.endpointConfiguration.types[0] ?? 'EDGE') === 'EDGE') {
      out.headers.push(
        ['X-Cache', out.status >= 400 ? 'Error from cloudfront' : 'Miss from cloudfront'],
        ['Via', `1.1 ${randomHex(32)}.cloudfront.net (CloudFront)`],
        ['X-Amz-Cf-Pop', 'IAD89-C1'],
        ['X-Amz-Cf-Id', randomBase64(42, 'base64url')],
      );
    }
    writeInvocation(res, out, req.method === 'HEAD');
  }

  /** TestInvokeMethod: the pipeline on the API as it is now (not a deployment), with the execution log. */
  async testInvoke(state: ApiState, resource: Resource, verb: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const method = resource.resourceMethods?.[verb] ?? resource.resourceMethods?.ANY;
    if (!method) throw new ApiGatewayError('NotFoundException', 404, 'Invalid Method identifier specified');
    const compiled = new CompiledApi({
      api: state.api, resources: [...state.resources.values()], models: [...state.models.values()],
      validators: [...state.validators.values()], gatewayResponses: [...state.gatewayResponses.values()],
      authorizers: [...state.authorizers.values()],
    });
    const pathWithQuery = typeof input.pathWithQueryString === 'string' && input.pathWithQueryString !== '' ? input.pathWithQueryString : resource.path;
    const qi = pathWithQuery.indexOf('?');
    const headers: [string, string][] = [];
    if (input.headers && typeof input.headers === 'object') for (const [k, v] of Object.entries(input.headers as Record<string, unknown>)) headers.push([k, String(v)]);
    if (input.multiValueHeaders && typeof input.multiValueHeaders === 'object') {
      for (const [k, vs] of Object.entries(input.multiValueHeaders as Record<string, unknown>)) if (Array.isArray(vs)) for (const v of vs) headers.push([k, String(v)]);
    }
    const stage: Stage = {
      stageName: 'test-invoke-stage', deploymentId: '', createdDate: 0, lastUpdatedDate: 0, cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE',
      methodSettings: {}, tracingEnabled: false,
      ...(input.stageVariables && typeof input.stageVariables === 'object' ? { variables: input.stageVariables as Record<string, string> } : {}),
    };
    const trace = new TraceLog();
    const requestId = randomUUID();
    const started = Date.now();
    const out = await this.pipeline.invoke(compiled, stage, {
      method: verb, path: qi < 0 ? pathWithQuery : pathWithQuery.slice(0, qi), rawQuery: qi < 0 ? '' : pathWithQuery.slice(qi + 1), headers,
      body: Buffer.from(typeof input.body === 'string' ? input.body : ''), sourceIp: 'test-invoke-source-ip', domainName: 'testPrefix.testDomainName',
    }, { trace, resourceId: resource.id, requestId });
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    // A gateway error shows only its x-amzn-ErrorType (recorded).
    const errorType = out.headers.find(([k]) => k.toLowerCase() === 'x-amzn-errortype');
    for (const [k, v] of errorType ? [errorType] : out.headers) {
      if (['x-amzn-requestid', 'x-amz-apigw-id'].includes(k.toLowerCase())) continue;
      single[k] = v;
      (multi[k] ??= []).push(v);
    }
    return { status: out.status, body: out.body.toString('utf8'), headers: single, multiValueHeaders: multi, log: trace.render(requestId), latency: Date.now() - started };
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  const buf = Buffer.from(body);
  res.writeHead(status, { ...headers, 'Content-Length': String(buf.length) });
  res.end(buf);
}

function writeInvocation(res: ServerResponse, out: InvocationResponse, head: boolean): void {
  const grouped = new Map<string, { name: string; values: string[] }>();
  for (const [k, v] of out.headers) {
    const l = k.toLowerCase();
    if (l === 'content-length' || l === 'transfer-encoding' || l === 'connection') continue;
    const cur = grouped.get(l);
    if (cur) cur.values.push(v);
    else grouped.set(l, { name: k, values: [v] });
  }
  const raw: string[] = [];
  for (const { name, values } of grouped.values()) {
    // Repeated headers travel as one comma-joined line (as AWS's front end answers).
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) raw.push(name, values.join(', ').replace(/[\r\n]/g, ' '));
  }
  raw.push('Content-Length', String(out.body.length));
  try {
    res.writeHead(out.status, raw);
  } catch {
    res.writeHead(500, ['Content-Type', 'application/json']);
    res.end('{"message": "Internal server error"}');
    return;
  }
  // A latin1 string maps bytes 1:1 and lets Node send status line, headers and body in one write.
  res.end(head ? undefined : out.body.toString('latin1'), 'latin1');
}
