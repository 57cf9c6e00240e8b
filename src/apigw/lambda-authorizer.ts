// Lambda authorizers of REST APIs, TOKEN and REQUEST (FACTS §5.8): the checks made before invoking (identity
// sources, identityValidationExpression), the event AWS sends, the validation of the function's answer, its
// policy evaluated against the method ARN, and the result cache (authorizerResultTtlInSeconds).
import type { LambdaService } from '../lambda/service.js';
import { GatewayError } from './errors.js';
import { compilePolicy, Decision, evaluatePolicy as evaluateIamPolicy, PolicyDocumentError, type CompiledPolicy } from './iam-policy.js';
import { lambdaFunctionOf, withTimeout } from './integrations.js';
import { buildProxyEvent } from './lambda-proxy.js';
import { methodArn } from './resource-policy.js';
import type { Authorizer } from './model.js';
import type { InvocationContext } from './pipeline.js';
import type { Trace } from './trace.js';

/** FACTS §5.8: the function's `Unauthorized` error, the only error that is not a configuration error. */
const UNAUTHORIZED_MESSAGE = 'Unauthorized';
/** The ACCESS_DENIED messages AWS answers (body key `Message`, FACTS §5.7). */
export const EXPLICIT_DENY = 'User is not authorized to access this resource with an explicit deny';
export const NO_ALLOW = 'User is not authorized to access this resource';
/** AWS's default TTL when authorizerResultTtlInSeconds is not set. */
export const DEFAULT_TTL_SECONDS = 300;
/** How long API Gateway waits for the authorizer function (the integration limit; AWS's own is unverified). */
const AUTHORIZER_TIMEOUT_MS = 29_000;
const MAX_CACHE_ENTRIES = 10_000;

export interface LambdaAuthorizerOptions {
  lambda: LambdaService;
  region: string;
  accountId: string;
  /** epoch milliseconds; tests pass a fake clock to move past the TTL without sleeping */
  now?: () => number;
}

/** One statement of the returned policy, keys normalised. */
interface Statement {
  effect: 'allow' | 'deny';
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
}

/** The function's answer once validated. */
export interface AuthorizerOutput {
  principalId: string;
  statements: Statement[];
  /** the statements compiled once (a cached answer is evaluated again for every method ARN) */
  policy: CompiledPolicy;
  /** the policyDocument as returned (TestInvokeAuthorizer's `policy`) */
  policyText: string;
  context: Record<string, string | number | boolean>;
  usageIdentifierKey?: string;
}

/** What running an authorizer needs from the request (an invocation, or a TestInvokeAuthorizer input). */
export interface AuthorizerCall {
  authorizer: Authorizer;
  methodArn: string;
  /** the value of a mapping expression (`method.request.header.X`, `stageVariables.s`, `context.x`, ...) */
  source(expression: string): string | undefined;
  /** the REQUEST event without `type` and `methodArn` */
  requestEvent(): Record<string, unknown>;
  /** API and stage, so a stage's cached results are its own */
  cacheScope: string;
  trace: Trace;
  tracing: boolean;
}

export interface AuthorizerResult {
  output: AuthorizerOutput;
  decision: 'allow' | 'deny' | 'none';
  /** ms spent invoking the function (0 for a cached result) */
  latency: number;
  cached: boolean;
}

/** The part of a cache key that makes cached results a stage's own (FlushStageAuthorizersCache drops them by it). */
const cacheScopeOf = (apiId: string, stageName: string): string => `${apiId}/${stageName}`;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The comma list of an identitySource (`method.request.header.A, method.request.querystring.b`). */
export function identitySources(identitySource: string | undefined): string[] {
  return (identitySource ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The header a TOKEN (or Cognito) authorizer reads: `method.request.header.X` → `X`. */
export function tokenHeaderOf(identitySource: string | undefined): string | undefined {
  const m = /^method\.request\.header\.(.+)$/.exec((identitySource ?? '').trim());
  return m ? m[1] : undefined;
}

/** Java `String.matches`: the whole subject must match (an invalid expression matches nothing). */
export function fullMatch(pattern: string, subject: string): boolean {
  try { return new RegExp(`^(?:${pattern})$`).test(subject); } catch { return false; }
}

// ------------------------------------------------------------------------------------------------ output

/** Keys of IAM policy elements are matched without regard to case (AWS's parser accepts `statement`; unverified). */
function field(o: Record<string, unknown>, name: string): unknown {
  if (name in o) return o[name];
  const l = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === l) return o[k];
  return undefined;
}

function stringList(v: unknown): string[] | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return null;
}

/**
 * Validates the function's answer (FACTS §5.8): principalId, policyDocument with Statement(s) of Effect / Action /
 * Resource (string or list), context values only string, number or boolean. Returns the reason when invalid.
 */
export function parseAuthorizerOutput(payload: string): AuthorizerOutput | string {
  let doc: unknown;
  try { doc = JSON.parse(payload); } catch { return 'Invalid JSON in response'; }
  if (!isObj(doc)) return 'Invalid JSON in response';
  const principal = doc.principalId;
  if (typeof principal !== 'string' && typeof principal !== 'number') return 'Invalid principalId in response';
  const policy = doc.policyDocument;
  if (!isObj(policy)) return 'Invalid policy document in response';
  const rawStatements = field(policy, 'Statement');
  const list = Array.isArray(rawStatements) ? rawStatements : rawStatements === undefined ? undefined : [rawStatements];
  if (!list) return 'Invalid policy document in response: no Statement';
  const statements: Statement[] = [];
  for (const raw of list) {
    if (!isObj(raw)) return 'Invalid policy statement';
    const effect = field(raw, 'Effect');
    if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase())) return 'Invalid policy statement: Effect must be Allow or Deny';
    const actions = stringList(field(raw, 'Action'));
    const notActions = stringList(field(raw, 'NotAction'));
    const resources = stringList(field(raw, 'Resource'));
    const notResources = stringList(field(raw, 'NotResource'));
    if (actions === null || notActions === null || resources === null || notResources === null) return 'Invalid policy statement: Action and Resource must be strings or lists of strings';
    if (!actions && !notActions) return 'Invalid policy statement: no Action';
    if (!resources && !notResources) return 'Invalid policy statement: no Resource';
    statements.push({
      effect: effect.toLowerCase() as Statement['effect'],
      ...(actions ? { actions } : {}), ...(notActions ? { notActions } : {}),
      ...(resources ? { resources } : {}), ...(notResources ? { notResources } : {}),
    });
  }
  const context: Record<string, string | number | boolean> = {};
  if (doc.context !== undefined && doc.context !== null) {
    if (!isObj(doc.context)) return 'Invalid context in response';
    for (const [k, v] of Object.entries(doc.context)) {
      // "you cannot set a JSON object or array as a valid value of any key in the context map" (AWS docs)
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return `Invalid value for context key ${k}: only strings, numbers and booleans are allowed`;
      context[k] = v;
    }
  }
  const key = doc.usageIdentifierKey;
  if (key !== undefined && key !== null && typeof key !== 'string') return 'Invalid usageIdentifierKey in response';
  let compiled: CompiledPolicy;
  try {
    compiled = compileStatements(statements);
  } catch (e) {
    if (e instanceof PolicyDocumentError) return `Invalid policy document in response: ${e.message}`;
    throw e;
  }
  return {
    principalId: String(principal), statements, policy: compiled, policyText: JSON.stringify(policy), context,
    ...(typeof key === 'string' ? { usageIdentifierKey: key } : {}),
  };
}

// ------------------------------------------------------------------------------------------------ policy

const INVOKE_ACTION = 'execute-api:Invoke';
const DECISIONS = { [Decision.ALLOW]: 'allow', [Decision.EXPLICIT_DENY]: 'deny', [Decision.IMPLICIT_DENY]: 'none' } as const;

/** The statements as an IAM policy (iam-policy.ts: wildcards, case-insensitive actions, segment-wise ARNs). */
function compileStatements(statements: readonly Statement[]): CompiledPolicy {
  // An empty Statement list allows nothing (compilePolicy refuses it as a resource policy).
  if (statements.length === 0) return { statements: [] };
  return compilePolicy({
    Statement: statements.map((s) => ({
      Effect: s.effect === 'deny' ? 'Deny' : 'Allow',
      ...(s.actions ? { Action: s.actions } : {}), ...(s.notActions ? { NotAction: s.notActions } : {}),
      ...(s.resources ? { Resource: s.resources } : {}), ...(s.notResources ? { NotResource: s.notResources } : {}),
    })),
  });
}

function decide(policy: CompiledPolicy, methodArn: string): 'allow' | 'deny' | 'none' {
  return DECISIONS[evaluateIamPolicy(policy, { action: INVOKE_ACTION, resource: methodArn })];
}

/** An explicit Deny beats any Allow; without a matching Allow the request is denied too. */
export function evaluatePolicy(statements: readonly Statement[], methodArn: string): 'allow' | 'deny' | 'none' {
  return decide(compileStatements(statements), methodArn);
}

// ------------------------------------------------------------------------------------------------ the authorizer

/** `$context.authorizer`: principalId and the context values, stringified as mapping templates see them. */
export function templateAuthorizerContext(output: AuthorizerOutput): Record<string, string> {
  const out: Record<string, string> = { principalId: output.principalId };
  for (const [k, v] of Object.entries(output.context)) if (k !== 'principalId') out[k] = String(v);
  return out;
}

export class LambdaAuthorizers {
  private readonly cache = new Map<string, { expires: number; output: AuthorizerOutput }>();
  private readonly now: () => number;

  constructor(private readonly options: LambdaAuthorizerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** FlushStageAuthorizersCache: forgets the cached results of every authorizer of one API stage. */
  flush(apiId: string, stageName: string): void {
    const prefix = `${cacheScopeOf(apiId, stageName)}\u0000`;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  /** The CUSTOM part of the authorization stage: runs the method's authorizer, throws GatewayError to reject. */
  async authorize(ctx: InvocationContext): Promise<void> {
    const cm = ctx.route?.compiled;
    if (!cm) return;
    const authorizer = ctx.api.snapshot.authorizers.find((a) => a.id === cm.method.authorizerId);
    if (!authorizer || authorizer.type === 'COGNITO_USER_POOLS') {
      ctx.trace.add(`Execution failed due to configuration error: Invalid authorizer ${String(cm.method.authorizerId)}`);
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR');
    }
    const apiId = ctx.api.snapshot.api.id;
    const call: AuthorizerCall = {
      authorizer,
      methodArn: methodArn(this.options.region, this.options.accountId, apiId, ctx.stage.stageName, ctx.req.method, ctx.req.path),
      source: (expr) => sourceOf(ctx, expr),
      requestEvent: () => requestEventOf(ctx, this.options.accountId),
      cacheScope: cacheScopeOf(apiId, ctx.stage.stageName),
      trace: ctx.trace,
      tracing: ctx.tracing,
    };
    const result = await this.run(call);
    if (result.decision === 'deny') throw new GatewayError('ACCESS_DENIED', EXPLICIT_DENY);
    if (result.decision === 'none') throw new GatewayError('ACCESS_DENIED', NO_ALLOW);
    const { output } = result;
    ctx.context.authorizer = templateAuthorizerContext(output);
    // The proxy event keeps the JSON types of the context values [observed: `"number_key": 1, "boolean_key": true`].
    const event: Record<string, unknown> = { ...output.context };
    event.principalId = output.principalId;
    event.integrationLatency = result.latency;
    ctx.authorizerEvent = event;
    if (output.usageIdentifierKey !== undefined) ctx.usageIdentifierKey = output.usageIdentifierKey;
  }

  /**
   * Runs an authorizer: identity checks (401 without invoking), the cache, the function, the output's
   * validation (500 AUTHORIZER_CONFIGURATION_ERROR), then the policy against the method ARN.
   */
  async run(call: AuthorizerCall): Promise<AuthorizerResult> {
    const { authorizer, trace } = call;
    const ttl = authorizer.authorizerResultTtlInSeconds ?? DEFAULT_TTL_SECONDS;
    if (call.tracing) trace.add(`Starting authorizer: ${authorizer.id} for request: ${call.methodArn}`);
    let event: Record<string, unknown>;
    let cacheKey: string | undefined;
    if (authorizer.type === 'TOKEN') {
      const header = tokenHeaderOf(authorizer.identitySource);
      const token = header === undefined ? undefined : call.source(`method.request.header.${header}`);
      // FACTS §5.8: a missing token, or one the validation expression rejects, is 401 without invoking.
      if (token === undefined || token === '') {
        trace.add('Unauthorized request: the identity source is missing');
        throw new GatewayError('UNAUTHORIZED');
      }
      if (authorizer.identityValidationExpression && !fullMatch(authorizer.identityValidationExpression, token)) {
        trace.add('Unauthorized request: the token does not match the identity validation expression');
        throw new GatewayError('UNAUTHORIZED');
      }
      if (call.tracing) trace.add(`Incoming identity: ${mask(token)}`);
      event = { type: 'TOKEN', methodArn: call.methodArn, authorizationToken: token };
      cacheKey = token;
    } else {
      // Every identity source must be present, not null and non-empty, or API Gateway answers 401 itself
      // (CreateAuthorizer reference, identitySource); their values are the cache key.
      const sources = identitySources(authorizer.identitySource);
      const values: string[] = [];
      for (const s of sources) {
        const v = call.source(s);
        if (v === undefined || v === '') {
          trace.add(`Unauthorized request: the identity source ${s} is missing`);
          throw new GatewayError('UNAUTHORIZED');
        }
        values.push(v);
      }
      event = { type: 'REQUEST', methodArn: call.methodArn, ...call.requestEvent() };
      cacheKey = sources.length > 0 ? JSON.stringify(values) : undefined;
    }
    const key = ttl > 0 && cacheKey !== undefined ? `${call.cacheScope}\u0000${authorizer.id}\u0000${cacheKey}` : undefined;
    let output: AuthorizerOutput | undefined;
    let cached = false;
    let latency = 0;
    if (key !== undefined) {
      const hit = this.cache.get(key);
      if (hit && hit.expires > this.now()) { output = hit.output; cached = true; }
      else if (hit) this.cache.delete(key);
    }
    if (output) {
      if (call.tracing) trace.add(`Using cached authorizer policy for principal: ${output.principalId}`);
    } else {
      const started = this.now();
      output = await this.invoke(authorizer, event, call);
      latency = Math.max(0, this.now() - started);
      if (key !== undefined) {
        if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
        // The policy is cached, not the decision: it is evaluated again against each request's method ARN.
        this.cache.set(key, { expires: this.now() + ttl * 1000, output });
      }
    }
    const decision = decide(output.policy, call.methodArn);
    if (call.tracing) {
      trace.add(decision === 'allow' ? `Using valid authorizer policy for principal: ${mask(output.principalId)}`
        : `The client is not authorized to perform this operation.`);
      trace.add('Successfully completed authorizer execution');
    }
    return { output, decision, latency, cached };
  }

  private async invoke(authorizer: Authorizer, event: Record<string, unknown>, call: AuthorizerCall): Promise<AuthorizerOutput> {
    const { trace } = call;
    const fn = lambdaFunctionOf(authorizer.authorizerUri ?? '');
    if (fn === undefined) {
      trace.add(`Execution failed due to configuration error: Invalid authorizer URI: ${String(authorizer.authorizerUri)}`);
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR');
    }
    const payload = JSON.stringify(event);
    if (call.tracing) {
      trace.add(`Endpoint request body after transformations: ${payload}`);
      trace.add(`Sending request to https://lambda.${this.options.region}.amazonaws.com/2015-03-31/functions/${fn}/invocations`);
    }
    let result;
    try {
      result = await withTimeout(this.options.lambda.invoke(fn, payload), AUTHORIZER_TIMEOUT_MS);
    } catch (e) {
      // An unknown function, a throttle or a timeout: API Gateway could not run the authorizer.
      trace.add(`Execution failed due to configuration error: Authorizer error: ${e instanceof Error ? e.message : String(e)}`);
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR');
    }
    if (call.tracing) trace.add(`Authorizer result body before parsing: ${result.payload}`);
    if (result.functionError) {
      let message: unknown;
      try { message = (JSON.parse(result.payload) as { errorMessage?: unknown }).errorMessage; } catch { /* not an error document */ }
      if (message === UNAUTHORIZED_MESSAGE) {
        trace.add('Unauthorized request: the authorizer function answered Unauthorized');
        throw new GatewayError('UNAUTHORIZED');
      }
      trace.add(`Execution failed due to configuration error: Authorizer error`);
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR');
    }
    const output = parseAuthorizerOutput(result.payload);
    if (typeof output === 'string') {
      trace.add(`Execution failed due to configuration error: ${output}`);
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR');
    }
    return output;
  }
}

/** Identities in the log show only their last characters. */
function mask(s: string): string {
  return s.length <= 6 ? '***' : `***${s.slice(-6)}`;
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  if (name in headers) return headers[name];
  const l = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === l) return headers[k];
  return undefined;
}

/** A mapping expression on the invocation: headers (any case), query string, stage variables, `$context` paths. */
export function sourceOf(ctx: Pick<InvocationContext, 'headers' | 'query' | 'stageVariables' | 'context'>, expr: string): string | undefined {
  let m = /^method\.request\.header\.(.+)$/.exec(expr);
  if (m) return headerOf(ctx.headers, m[1] as string);
  m = /^method\.request\.querystring\.(.+)$/.exec(expr);
  if (m) return ctx.query[m[1] as string];
  m = /^stageVariables\.(.+)$/.exec(expr);
  if (m) return ctx.stageVariables[m[1] as string];
  m = /^context\.(.+)$/.exec(expr);
  if (m) {
    let cur: unknown = ctx.context;
    for (const part of (m[1] as string).split('.')) cur = isObj(cur) ? cur[part] : undefined;
    return cur === undefined || cur === null || typeof cur === 'object' ? undefined : String(cur);
  }
  return undefined;
}

/** The REQUEST authorizer event: the Lambda proxy event's request fields (FACTS §5.8), without body. */
function requestEventOf(ctx: InvocationContext, accountId: string): Record<string, unknown> {
  const cm = ctx.route?.compiled;
  let path = ctx.req.path;
  try { path = decodeURI(path); } catch { /* keep the raw path */ }
  const full = buildProxyEvent({
    resourcePath: cm?.resource.path ?? path, path, method: ctx.req.method, headers: ctx.req.headers, mappedHeaders: [],
    query: ctx.multiQuery, pathParameters: ctx.route?.pathParameters ?? {}, stageVariables: ctx.stageVariables,
    body: Buffer.alloc(0), isBinary: false, context: ctx.context, traceId: ctx.traceId, domainName: ctx.req.domainName, accountId,
    stage: ctx.stage.stageName, apiId: ctx.api.snapshot.api.id, resourceId: cm?.resource.id ?? '', requestId: ctx.requestId,
    edge: (ctx.api.snapshot.api.endpointConfiguration.types[0] ?? 'EDGE') === 'EDGE',
  });
  // AWS's example event shows empty maps as {} where the proxy event has null (unverified beyond the docs' example).
  const map = (v: unknown): unknown => (v === null ? {} : v);
  return {
    resource: full.resource, path: full.path, httpMethod: full.httpMethod,
    headers: map(full.headers), multiValueHeaders: map(full.multiValueHeaders),
    queryStringParameters: map(full.queryStringParameters), multiValueQueryStringParameters: map(full.multiValueQueryStringParameters),
    pathParameters: map(full.pathParameters), stageVariables: map(full.stageVariables), requestContext: full.requestContext,
  };
}
