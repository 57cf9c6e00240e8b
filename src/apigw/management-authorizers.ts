// The authorizer operations of the management API (CreateAuthorizer, GetAuthorizers, GetAuthorizer,
// UpdateAuthorizer, DeleteAuthorizer, TestInvokeAuthorizer) and the validation every way of creating an
// authorizer shares (API, OpenAPI import, templates), with AWS's error answers where they are known.
import { randomUUID } from 'node:crypto';
import { ApiGatewayError, badRequest, conflict, GATEWAY_DEFAULTS, GatewayError, notFound } from './errors.js';
import { jsonBody, ok } from './management-wire.js';
import type { CognitoAuthorizers } from './cognito-authorizer.js';
import { parseUserPoolArn } from './cognito-authorizer.js';
import { lambdaFunctionOf } from './integrations.js';
import { identitySources, sourceOf, type LambdaAuthorizers } from './lambda-authorizer.js';
import { methodArn } from './resource-policy.js';
import { buildProxyEvent } from './lambda-proxy.js';
import type { ApiState, Authorizer } from './model.js';
import type { MgmtRequest, MgmtResponse } from './management.js';
import type { ApiRegistry } from './registry.js';
import { TraceLog } from './trace.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const TYPES = ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'] as const;

/** AWS's input-validation answer (format recorded for PutIntegration's `type`). */
function validation(member: string, value: unknown, constraint: string): ApiGatewayError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return new ApiGatewayError('ValidationException', 400, `1 validation error detected: Value ${shown} at 'createAuthorizerInput.${member}' failed to satisfy constraint: ${constraint}`);
}

/** A REQUEST identity source: request header / query string parameter, stage variable or `$context` variable. */
const REQUEST_SOURCE = /^(method\.request\.(header|querystring|multivalueheader|multivaluequerystring)\.[^\s,]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/;
const TOKEN_SOURCE = /^method\.request\.header\.[a-zA-Z0-9._-]+$/;

/**
 * The authorizer `input` describes (CreateAuthorizer's body), or the AWS error it is answered with.
 * Messages marked [rec] are recorded from AWS; the others follow the documented rule (docs/api-gateway.md).
 */
export function authorizerFromInput(input: Json, id: string): Authorizer {
  const name = input.name;
  if (name === undefined || name === null) throw validation('name', name, 'Member must not be null');
  if (typeof name !== 'string' || name.trim() === '') throw badRequest('Invalid authorizer name specified');
  const type = input.type;
  if (type === undefined || type === null) throw validation('type', type, 'Member must not be null');
  if (!TYPES.includes(type as (typeof TYPES)[number])) throw validation('type', type, `Member must satisfy enum value set: [${TYPES.join(', ')}]`);
  const t = type as Authorizer['type'];
  const str = (k: string): string | undefined => {
    const v = input[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new ApiGatewayError('SerializationException', 400, `class ${typeof v === 'number' ? 'java.math.BigDecimal' : typeof v === 'boolean' ? 'java.lang.Boolean' : 'java.util.LinkedHashMap'} can not be converted to an String`);
    return v;
  };
  const uri = str('authorizerUri');
  const identitySource = str('identitySource');
  const identityValidationExpression = str('identityValidationExpression');
  const credentials = str('authorizerCredentials');
  const authType = str('authType');
  let ttl = input.authorizerResultTtlInSeconds;
  if (typeof ttl === 'string' && /^-?\d+$/.test(ttl.trim())) ttl = Number(ttl);
  if (ttl !== undefined && ttl !== null && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > 3600)) {
    throw badRequest('Invalid value for authorizerResultTtlInSeconds: must be between 0 and 3600');
  }
  const seconds = typeof ttl === 'number' ? ttl : 300;
  let providerARNs: string[] | undefined;
  if (t === 'COGNITO_USER_POOLS') {
    if (!Array.isArray(input.providerARNs) || input.providerARNs.length === 0) throw badRequest('ProviderARNs need to be specified for Cognito User Pool Authorizer');
    providerARNs = input.providerARNs.map(String);
    const bad = providerARNs.find((a) => !parseUserPoolArn(a));
    if (bad !== undefined) throw badRequest(`Invalid provider ARN specified: ${bad}`);
    if (identitySource === undefined || !TOKEN_SOURCE.test(identitySource)) throw badRequest(`Invalid token source expression: ${String(identitySource)}. The source must be a method request header, matching 'method.request.header.[a-zA-Z0-9._-]+'.`);
  } else {
    if (uri === undefined || uri === '') throw badRequest('Authorizer URI must be specified for Lambda authorizer');
    if (lambdaFunctionOf(uri) === undefined) {
      throw badRequest(`Invalid Authorizer URI: ${uri}. Authorizer URI should be a valid API Gateway ARN that represents a Lambda function invocation.`);
    }
    if (t === 'TOKEN') {
      // [rec via CloudFormation] the message for a query string source on a TOKEN authorizer.
      if (identitySource === undefined || !TOKEN_SOURCE.test(identitySource.trim())) {
        throw badRequest(`Invalid token source expression: ${String(identitySource)}. The source must be a method request header, matching 'method.request.header.[a-zA-Z0-9._-]+'.`);
      }
    } else {
      const sources = identitySources(identitySource);
      const bad = sources.find((s) => !REQUEST_SOURCE.test(s));
      if (bad !== undefined) throw badRequest(`Invalid identity source expression: ${bad}`);
      // HTTP APIs answer this [rec]; REST APIs document the same rule (identitySource required when caching).
      if (sources.length === 0 && seconds > 0) throw badRequest('Identity source must be set if authorizer caching is enabled (TTL is greater than 0)');
    }
  }
  return {
    id, name, type: t,
    ...(providerARNs ? { providerARNs } : {}),
    authType: authType ?? (t === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom'),
    ...(uri !== undefined ? { authorizerUri: uri } : {}),
    ...(credentials !== undefined ? { authorizerCredentials: credentials } : {}),
    ...(identitySource !== undefined ? { identitySource } : {}),
    ...(identityValidationExpression !== undefined && identityValidationExpression !== '' ? { identityValidationExpression } : {}),
    authorizerResultTtlInSeconds: seconds,
  };
}

/** PutMethod / UpdateMethod: CUSTOM and COGNITO_USER_POOLS need an authorizer of this API [rec]. */
export function checkMethodAuthorizer(state: ApiState, authorizationType: string, authorizerId: unknown): void {
  if (authorizationType !== 'CUSTOM' && authorizationType !== 'COGNITO_USER_POOLS') return;
  if (typeof authorizerId !== 'string' || !state.authorizers.has(authorizerId)) {
    throw badRequest('Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.');
  }
}

/** UpdateAuthorizer's patchable paths (AWS API reference, UpdateAuthorizer). */
const PATCH_PATHS = ['/name', '/type', '/authType', '/authorizerUri', '/authorizerCredentials', '/identitySource', '/identityValidationExpression', '/authorizerResultTtlInSeconds', '/providerARNs'];

function patchAuthorizer(a: Authorizer, ops: unknown): Authorizer {
  const next: Json = { ...a, ...(a.providerARNs ? { providerARNs: [...a.providerARNs] } : {}) };
  for (const op of Array.isArray(ops) ? ops : []) {
    if (!isObj(op) || typeof op.path !== 'string') continue;
    const kind = String(op.op ?? '');
    if (op.path.startsWith('/providerARNs')) {
      // add/remove one ARN (`/providerARNs/{arn}` or the value), replace the list with a single ARN
      const arn = op.path.length > '/providerARNs/'.length ? op.path.slice('/providerARNs/'.length).replace(/~1/g, '/').replace(/~0/g, '~') : String(op.value ?? '');
      const list = (next.providerARNs as string[] | undefined) ?? [];
      if (kind === 'add') next.providerARNs = [...list.filter((x) => x !== arn), arn];
      else if (kind === 'remove') next.providerARNs = list.filter((x) => x !== arn);
      else if (kind === 'replace') next.providerARNs = [String(op.value ?? '')];
      else throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace]`);
      continue;
    }
    if (!PATCH_PATHS.includes(op.path) || kind !== 'replace') {
      throw badRequest(`Invalid patch path  '${op.path}' specified for op '${kind}'. Must be one of: [${PATCH_PATHS.join(', ')}]`);
    }
    const key = op.path.slice(1);
    if (op.value === undefined || op.value === null || op.value === '') delete next[key];
    else next[key] = key === 'authorizerResultTtlInSeconds' ? Number(op.value) : op.value;
  }
  return authorizerFromInput(next, a.id);
}

/** TestInvokeAuthorizer's runner (the gateway wires the Lambda and Cognito parts in). */
export interface AuthorizerTester {
  (state: ApiState, authorizer: Authorizer, input: Json): Promise<Json>;
}

/** `/restapis/{apiId}/authorizers[/{authorizerId}]`. */
export async function authorizersApi(registry: ApiRegistry, req: MgmtRequest, apiId: string, authorizerId: string | undefined, tester?: AuthorizerTester): Promise<MgmtResponse> {
  const m = req.method;
  const body = (): Json => jsonBody(req.body);
  if (authorizerId === undefined) {
    if (m === 'POST') {
      // AWS validates the input before it looks the API up, and answers an unknown API this way [rec].
      const input = body();
      authorizerFromInput(input, 'validation');
      const state = registry.apis.get(apiId);
      if (!state) throw conflict('Unable to complete operation due to concurrent modification. Please try again later.');
      return ok(201, registry.createAuthorizer(state, input));
    }
    const state = registry.api(apiId);
    if (m === 'GET') {
      const limit = Number(req.query.get('limit') ?? '');
      const items = [...state.authorizers.values()];
      return ok(200, { item: Number.isInteger(limit) && limit > 0 ? items.slice(0, limit) : items });
    }
    throw notFound('Unknown operation');
  }
  const state = registry.api(apiId);
  const authorizer = state.authorizers.get(authorizerId);
  if (!authorizer) throw notFound('Invalid Authorizer identifier specified');
  if (m === 'GET') return ok(200, authorizer);
  if (m === 'PATCH') {
    const b = body();
    const updated = patchAuthorizer(authorizer, b.patchOperations);
    state.authorizers.set(authorizerId, updated);
    return ok(200, updated);
  }
  if (m === 'DELETE') {
    for (const r of state.resources.values()) {
      for (const [verb, method] of Object.entries(r.resourceMethods ?? {})) {
        if (method.authorizerId === authorizerId && (method.authorizationType === 'CUSTOM' || method.authorizationType === 'COGNITO_USER_POOLS')) {
          throw conflict(`Cannot delete authorizer '${authorizer.name}', is referenced in method: ${r.path}/${verb}`);
        }
      }
    }
    state.authorizers.delete(authorizerId);
    return ok(202, undefined);
  }
  if (m === 'POST') {
    if (!tester) throw notFound('Unknown operation');
    return ok(200, await tester(state, authorizer, body()));
  }
  throw notFound('Unknown operation');
}

export interface TestInvokeParts {
  lambda: LambdaAuthorizers;
  cognito: CognitoAuthorizers;
  region: string;
  accountId: string;
}

/**
 * TestInvokeAuthorizer: the authorizer on the API as it is now, with the headers, query string and stage
 * variables of the input, no cache; `clientStatus` is what a client would have been answered.
 */
export async function testInvokeAuthorizer(state: ApiState, authorizer: Authorizer, input: Json, parts: TestInvokeParts): Promise<Json> {
  const trace = new TraceLog();
  const requestId = randomUUID();
  const started = Date.now();
  const headers: Record<string, string> = {};
  const pairs: [string, string][] = [];
  if (isObj(input.headers)) for (const [k, v] of Object.entries(input.headers)) { headers[k] = String(v); pairs.push([k, String(v)]); }
  if (isObj(input.multiValueHeaders)) {
    for (const [k, vs] of Object.entries(input.multiValueHeaders)) if (Array.isArray(vs)) for (const v of vs) { headers[k] = String(v); pairs.push([k, String(v)]); }
  }
  const pathWithQuery = typeof input.pathWithQueryString === 'string' && input.pathWithQueryString !== '' ? input.pathWithQueryString : '/';
  const qi = pathWithQuery.indexOf('?');
  const path = qi < 0 ? pathWithQuery : pathWithQuery.slice(0, qi);
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(qi < 0 ? '' : pathWithQuery.slice(qi + 1))) { query[k] = v; (multiQuery[k] ??= []).push(v); }
  const stageVariables = isObj(input.stageVariables) ? Object.fromEntries(Object.entries(input.stageVariables).map(([k, v]) => [k, String(v)])) : {};
  // The stage TestInvokeAuthorizer reports in the method ARN (unverified).
  const stage = 'ESTestInvoke-stage';
  const context: Json = {
    accountId: parts.accountId, apiId: state.api.id, httpMethod: 'GET', path, requestId, stage, requestTime: '', requestTimeEpoch: started,
    identity: { sourceIp: 'test-invoke-source-ip', userAgent: '' }, ...(isObj(input.additionalContext) ? input.additionalContext : {}),
  };
  const view = { headers, query, stageVariables, context };
  trace.add(`Starting authorizer: ${authorizer.id} for request: ${requestId}`);
  try {
    if (authorizer.type === 'COGNITO_USER_POOLS') {
      const { claims } = await parts.cognito.verify(authorizer, (e) => sourceOf(view, e), [], trace);
      trace.add('Successfully completed authorizer execution');
      return { clientStatus: 200, log: trace.render(requestId), latency: Date.now() - started, claims };
    }
    const result = await parts.lambda.run({
      authorizer: { ...authorizer, authorizerResultTtlInSeconds: 0 },
      methodArn: methodArn(parts.region, parts.accountId, state.api.id, stage, 'GET', path),
      source: (e) => sourceOf(view, e),
      requestEvent: () => {
        const full = buildProxyEvent({
          resourcePath: path, path, method: 'GET', headers: pairs, mappedHeaders: [], query: multiQuery, pathParameters: {}, stageVariables,
          body: Buffer.alloc(0), isBinary: false, context, traceId: '', domainName: 'testPrefix.testDomainName', accountId: parts.accountId,
          stage, apiId: state.api.id, resourceId: '', requestId,
        });
        const { body: _body, isBase64Encoded: _b64, ...rest } = full;
        return rest;
      },
      cacheScope: `test-invoke/${state.api.id}`,
      trace, tracing: true,
    });
    return {
      clientStatus: 200, log: trace.render(requestId), latency: Date.now() - started,
      principalId: result.output.principalId, policy: result.output.policyText,
    };
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    return { clientStatus: GATEWAY_DEFAULTS[e.type]?.status ?? 500, log: trace.render(requestId), latency: Date.now() - started };
  }
}

// ------------------------------------------------------------------------------------------------ OpenAPI

const TYPE_OF_EXTENSION: Record<string, Authorizer['type']> = { token: 'TOKEN', request: 'REQUEST', cognito_user_pools: 'COGNITO_USER_POOLS' };

/**
 * OpenAPI import (FACTS §7): every security scheme with `x-amazon-apigateway-authorizer` becomes an authorizer
 * named after the scheme (an existing one of that name keeps its id). Returns scheme name → authorizer.
 */
export function importAuthorizers(registry: ApiRegistry, state: ApiState, schemes: Json, errors: string[]): Map<string, Authorizer> {
  const out = new Map<string, Authorizer>();
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isObj(scheme) || !isObj(scheme['x-amazon-apigateway-authorizer'])) continue;
    const ext = scheme['x-amazon-apigateway-authorizer'];
    const type = TYPE_OF_EXTENSION[String(ext.type ?? '').toLowerCase()];
    if (!type) { errors.push(`Unable to create authorizer '${name}': Invalid authorizer type '${String(ext.type)}'`); continue; }
    // A TOKEN or Cognito authorizer reads the header the scheme names; a REQUEST one the single header or query
    // parameter it names, unless identitySource lists the sources (AWS docs, x-amazon-apigateway-authorizer).
    let identitySource = typeof ext.identitySource === 'string' ? ext.identitySource : undefined;
    if (identitySource === undefined && typeof scheme.name === 'string' && scheme.name !== 'Unused') {
      const where = scheme.in === 'query' ? 'querystring' : 'header';
      if (type !== 'REQUEST' || scheme.in === 'header' || scheme.in === 'query') identitySource = `method.request.${type === 'REQUEST' ? where : 'header'}.${scheme.name}`;
    }
    const input: Json = {
      name, type,
      ...(typeof scheme['x-amazon-apigateway-authtype'] === 'string' ? { authType: scheme['x-amazon-apigateway-authtype'] } : {}),
      ...(ext.authorizerUri !== undefined ? { authorizerUri: ext.authorizerUri } : {}),
      ...(ext.authorizerCredentials !== undefined ? { authorizerCredentials: ext.authorizerCredentials } : {}),
      ...(identitySource !== undefined ? { identitySource } : {}),
      ...(ext.identityValidationExpression !== undefined ? { identityValidationExpression: ext.identityValidationExpression } : {}),
      ...(ext.authorizerResultTtlInSeconds !== undefined ? { authorizerResultTtlInSeconds: typeof ext.authorizerResultTtlInSeconds === 'string' ? Number(ext.authorizerResultTtlInSeconds) : ext.authorizerResultTtlInSeconds } : {}),
      ...(ext.providerARNs !== undefined ? { providerARNs: ext.providerARNs } : {}),
    };
    const existing = [...state.authorizers.values()].find((a) => a.name === name);
    try {
      out.set(name, registry.createAuthorizer(state, input, existing?.id));
    } catch (e) {
      errors.push(`Unable to create authorizer '${name}': ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

/**
 * The method fields an operation's `security` gives: naming an authorizer's scheme makes the method CUSTOM or
 * COGNITO_USER_POOLS with that authorizer; a Cognito requirement's list is the method's OAuth scopes.
 */
export function methodAuthorization(security: unknown, authorizers: ReadonlyMap<string, Authorizer>): { authorizationType?: string; authorizerId?: string; authorizationScopes?: string[] } {
  for (const requirement of Array.isArray(security) ? security : []) {
    if (!isObj(requirement)) continue;
    for (const [name, scopes] of Object.entries(requirement)) {
      const a = authorizers.get(name);
      if (!a) continue;
      const list = Array.isArray(scopes) ? scopes.map(String) : [];
      return {
        authorizationType: a.type === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'CUSTOM', authorizerId: a.id,
        ...(a.type === 'COGNITO_USER_POOLS' && list.length > 0 ? { authorizationScopes: list } : {}),
      };
    }
  }
  return {};
}

/** GetExport: the security scheme of an authorizer (the extensions when asked for, FACTS §7). */
export function authorizerScheme(a: Authorizer, withExtensions: boolean): Json {
  const header = a.type === 'REQUEST' ? undefined : /^method\.request\.header\.(.+)$/.exec(a.identitySource ?? '')?.[1];
  const scheme: Json = { type: 'apiKey', name: header ?? 'Unused', in: 'header' };
  if (!withExtensions) return scheme;
  scheme['x-amazon-apigateway-authtype'] = a.authType ?? (a.type === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom');
  scheme['x-amazon-apigateway-authorizer'] = {
    type: a.type.toLowerCase(),
    ...(a.authorizerUri !== undefined ? { authorizerUri: a.authorizerUri } : {}),
    ...(a.authorizerCredentials !== undefined ? { authorizerCredentials: a.authorizerCredentials } : {}),
    ...(a.providerARNs ? { providerARNs: a.providerARNs } : {}),
    ...(a.identitySource !== undefined ? { identitySource: a.identitySource } : {}),
    ...(a.identityValidationExpression !== undefined ? { identityValidationExpression: a.identityValidationExpression } : {}),
    ...(a.type !== 'COGNITO_USER_POOLS' ? { authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds ?? 300 } : {}),
  };
  return scheme;
}
