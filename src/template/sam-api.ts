// The SAM transform of AWS::Serverless::Api security, CORS, gateway responses and models, done the way
// SAM's translator does it: it edits the OpenAPI document before CloudFormation imports it. Cors adds an
// OPTIONS MOCK method to every path; Auth adds security schemes (x-amazon-apigateway-authtype /
// -authorizer, `api_key`) and per-operation `security`, and ResourcePolicy an x-amazon-apigateway-policy;
// GatewayResponses and Models become x-amazon-apigateway-gateway-responses and definitions; Api events
// add their own Auth, RequestModel (body parameter and request validator) and RequestParameters.
// Shapes, defaults and messages follow samtranslator (model/api/api_generator.py, swagger/swagger.py,
// model/apigateway.py ApiGatewayAuthorizer / ApiGatewayResponse, model/eventsources/push.py Api,
// plugins/globals/globals.py fix_openapi_definitions).
import { TemplateError } from './errors.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const INTEGRATION = 'x-amazon-apigateway-integration';
const ANY_METHOD = 'x-amazon-apigateway-any-method';
const POLICY = 'x-amazon-apigateway-policy';
/** the value SAM writes for AllowOrigin when none is given: a quoted `*` (a static mapping value) */
const CORS_WILDCARD = "'*'";
const CORS_KEYS = ['AllowMethods', 'AllowHeaders', 'AllowOrigin', 'MaxAge', 'AllowCredentials'];
const AUTH_KEYS = ['Authorizers', 'DefaultAuthorizer', 'InvokeRole', 'AddDefaultAuthorizerToCorsPreflight', 'AddApiKeyRequiredToCorsPreflight', 'ApiKeyRequired', 'ResourcePolicy', 'UsagePlan'];
const USAGE_PLAN_KEYS = ['CreateUsagePlan', 'Description', 'Quota', 'Tags', 'Throttle', 'UsagePlanName'];
const CREATE_USAGE_PLAN = ['SHARED', 'PER_API', 'NONE'];
const ALL_HTTP_METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];
/** path-item keys that are not operations */
const NOT_OPERATIONS = new Set(['summary', 'description', 'parameters', 'servers', '$ref']);
/** what SAM writes as an integration's credentials to call with the caller's identity (InvokeRole CALLER_CREDENTIALS) */
const CALLER_CREDENTIALS_ARN = 'arn:aws:iam::*:user/*';
const GATEWAY_RESPONSES = 'x-amazon-apigateway-gateway-responses';
const REQUEST_VALIDATORS = 'x-amazon-apigateway-request-validators';
const REQUEST_VALIDATOR = 'x-amazon-apigateway-request-validator';
/** the keys of one entry of GatewayResponses, and of its ResponseParameters with the prefix each becomes */
const GATEWAY_RESPONSE_KEYS = ['ResponseParameters', 'ResponseTemplates', 'StatusCode'];
const GATEWAY_RESPONSE_PARAMETERS = [['Headers', 'header'], ['Paths', 'path'], ['QueryStrings', 'querystring']] as const;
/** the settings of one RequestParameters entry */
const REQUEST_PARAMETER_KEYS = ['Required', 'Caching'];
const REQUEST_PARAMETER_NAME = /^method\.request\.(querystring|path|header)\./;
/** SwaggerEditor._OPENAPI_VERSION_3_REGEX, and the versions OpenApiVersion accepts */
const OPENAPI_3 = /^3(\.\d)(\.\d)?$/;
const OPENAPI_VERSION = /^[2-3](\.\d)(\.\d)?$/;

/** SAM's transform error: "Resource with id [X] is invalid. ..." */
export function samInvalid(resourceId: string, message: string): TemplateError {
  return new TemplateError(`Resource with id [${resourceId}] is invalid. ${message}`);
}
const eventInvalid = (resourceId: string, eventId: string, message: string): TemplateError => samInvalid(resourceId, `Event with id [${eventId}] is invalid. ${message}`);

/** Python's truth value, which SAM's `if x:` tests use: null, false, 0, '', [] and {} are false. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0;
  return true;
}

/** Python's str() of a value, as SAM's messages and string conversions print it (true → 'True'). */
function pythonStr(v: unknown): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** Python's type name of a value (type(x).__name__), as SAM's messages print it. */
function pythonTypeName(v: unknown): string {
  if (v === undefined || v === null) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return Array.isArray(v) ? 'list' : 'dict';
}

/** SwaggerEditor.is_valid: a map with a `paths` map and a `swagger` version, or an OpenAPI 3.x `openapi` one. */
function isValidSwagger(doc: Obj): boolean {
  if (!isObj(doc.paths)) return false;
  if (truthy(doc.swagger)) return true;
  return truthy(doc.openapi) && OPENAPI_3.test(String(doc.openapi));
}

/** Operation key of a path item for an event Method (`any` is API Gateway's ANY extension). */
export function operationKey(method: string): string {
  const m = method.toLowerCase();
  return m === 'any' ? ANY_METHOD : m;
}

function pathsOf(doc: Obj): Obj {
  if (!isObj(doc.paths)) doc.paths = {};
  return doc.paths as Obj;
}

function pathItem(paths: Obj, path: string): Obj {
  const item = paths[path];
  if (!isObj(item)) throw new TemplateError(`Value of '${path}' path must be a dictionary according to Swagger spec.`);
  return item;
}

/** SAM's iter_on_all_methods_for_path: the operations of a path that have an API Gateway integration. */
function operationsWithIntegration(item: Obj): [string, Obj][] {
  return Object.entries(item).filter((e): e is [string, Obj] => !NOT_OPERATIONS.has(e[0]) && isObj(e[1]) && isObj(e[1][INTEGRATION]));
}

function securityList(op: Obj, path: string, method: string): Obj[] {
  const s = op.security ?? [];
  if (!Array.isArray(s)) throw new TemplateError(`Type of security for path ${path} method ${method} must be a list`);
  for (const x of s) if (!isObj(x)) throw new TemplateError(`${JSON.stringify(x)} in Security for path ${path} method ${method} is not a valid dictionary.`);
  return s as Obj[];
}

function securityDefinitions(doc: Obj): Obj {
  if (doc.securityDefinitions === undefined || doc.securityDefinitions === null) doc.securityDefinitions = {};
  if (!isObj(doc.securityDefinitions)) throw new TemplateError('securityDefinitions must be a dictionary.');
  return doc.securityDefinitions;
}

function addApiKeyDefinition(doc: Obj): void {
  const defs = securityDefinitions(doc);
  defs.api_key ??= { type: 'apiKey', name: 'x-api-key', in: 'header' };
}

function addAwsIamDefinition(doc: Obj): void {
  const defs = securityDefinitions(doc);
  defs.AWS_IAM ??= { 'x-amazon-apigateway-authtype': 'awsSigv4', type: 'apiKey', name: 'Authorization', in: 'header' };
}

// ── Cors ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * Cors: an OPTIONS method with a MOCK integration answering the Access-Control-* headers on every path
 * that has none (SAM's add_cors); the other methods' responses are left alone, so proxy integrations
 * must return the headers themselves (as SAM documents).
 */
export function addCors(doc: Obj, cors: unknown, apiLogicalId: string, inline: boolean): void {
  if (cors === undefined || cors === null || cors === '' || cors === false) return;
  if (!inline) throw samInvalid(apiLogicalId, "Cors works only with inline Swagger specified in 'DefinitionBody' property.");
  let p: { AllowOrigin?: unknown; AllowHeaders?: unknown; AllowMethods?: unknown; MaxAge?: unknown; AllowCredentials?: unknown };
  if (typeof cors === 'string') p = { AllowOrigin: cors };
  else if (isObj(cors)) {
    if (!Object.keys(cors).every((k) => CORS_KEYS.includes(k))) throw samInvalid(apiLogicalId, "Invalid value for 'Cors' property");
    p = { AllowOrigin: CORS_WILDCARD, AllowCredentials: false, ...cors };
  } else throw samInvalid(apiLogicalId, "Invalid value for 'Cors' property");
  if (p.AllowCredentials === true && p.AllowOrigin === CORS_WILDCARD) {
    throw samInvalid(apiLogicalId, `Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is "'*'" or not set`);
  }
  const paths = pathsOf(doc);
  for (const path of Object.keys(paths)) {
    let item: Obj;
    try { item = pathItem(paths, path); } catch (e) { throw samInvalid(apiLogicalId, (e as TemplateError).reason); }
    if ('options' in item) continue;
    if (!p.AllowOrigin) throw samInvalid(apiLogicalId, 'Invalid input. Value for AllowedOrigins is required');
    const methods = p.AllowMethods ? p.AllowMethods : `'${corsAllowedMethods(item)}'`;
    item.options = corsOptionsMethod(p.AllowOrigin, p.AllowHeaders, methods, p.MaxAge, p.AllowCredentials === true);
  }
}

/** Every method of the path plus OPTIONS, upper case, sorted; ANY stands for all of them. */
function corsAllowedMethods(item: Obj): string {
  const keys = Object.keys(item).filter((k) => !NOT_OPERATIONS.has(k));
  const methods = keys.includes(ANY_METHOD) ? ALL_HTTP_METHODS : [...keys, 'options'];
  return [...new Set(methods.map((m) => m.toUpperCase()))].sort().join(',');
}

function corsOptionsMethod(origin: unknown, headers: unknown, methods: unknown, maxAge: unknown, credentials: boolean): Obj {
  const header = (name: string): string => `method.response.header.${name}`;
  const parameters: Obj = { [header('Access-Control-Allow-Origin')]: origin };
  const declared: Obj = { 'Access-Control-Allow-Origin': { type: 'string' } };
  // Empty values are left out: a header with an empty value is not valid CORS (SAM).
  if (headers) { parameters[header('Access-Control-Allow-Headers')] = headers; declared['Access-Control-Allow-Headers'] = { type: 'string' }; }
  if (methods) { parameters[header('Access-Control-Allow-Methods')] = methods; declared['Access-Control-Allow-Methods'] = { type: 'string' }; }
  if (maxAge !== undefined && maxAge !== null) { parameters[header('Access-Control-Max-Age')] = maxAge; declared['Access-Control-Max-Age'] = { type: 'integer' }; }
  if (credentials) { parameters[header('Access-Control-Allow-Credentials')] = "'true'"; declared['Access-Control-Allow-Credentials'] = { type: 'string' }; }
  return {
    summary: 'CORS support',
    consumes: ['application/json'],
    produces: ['application/json'],
    [INTEGRATION]: {
      type: 'mock',
      requestTemplates: { 'application/json': '{\n  "statusCode" : 200\n}\n' },
      responses: { default: { statusCode: '200', responseParameters: parameters, responseTemplates: { 'application/json': '{}\n' } } },
    },
    responses: { '200': { description: 'Default response for CORS method', headers: declared } },
  };
}

// ── Auth ─────────────────────────────────────────────────────────────────────────────────────────

/** One entry of Auth.Authorizers (or the AWS_IAM default), validated as ApiGatewayAuthorizer does. */
interface AuthorizerConf {
  name: string;
  iam?: boolean;
  userPoolArn?: unknown;
  functionArn?: unknown;
  identity?: Obj;
  payloadType: 'TOKEN' | 'REQUEST';
  invokeRole?: unknown;
  scopes?: unknown[];
}

export interface ApiAuthOptions {
  apiLogicalId: string;
  stageName: string;
  region: string;
  /** false when the definition is not inline (DefinitionUri): SAM cannot edit it */
  inline: boolean;
}

function checkAuthMap(auth: unknown, apiLogicalId: string): Obj | undefined {
  if (auth === undefined || auth === null) return undefined;
  if (!isObj(auth)) throw samInvalid(apiLogicalId, "Property 'Auth' should be a map.");
  if (Object.keys(auth).length === 0) return undefined;
  if (!Object.keys(auth).every((k) => AUTH_KEYS.includes(k))) throw samInvalid(apiLogicalId, "Invalid value for 'Auth' property");
  return auth;
}

function authorizersOf(auth: Obj, apiLogicalId: string): Map<string, AuthorizerConf> {
  const out = new Map<string, AuthorizerConf>();
  if (auth.DefaultAuthorizer === 'AWS_IAM') out.set('AWS_IAM', { name: 'AWS_IAM', iam: true, payloadType: 'TOKEN' });
  const config = auth.Authorizers;
  if (config === undefined || config === null) return out;
  if (!isObj(config)) throw samInvalid(apiLogicalId, "Property 'Auth.Authorizers' should be a map.");
  for (const [name, a] of Object.entries(config)) {
    if (!isObj(a)) throw samInvalid(apiLogicalId, `Property 'Auth.Authorizers.${name}' should be a map.`);
    const payload = a.FunctionPayloadType;
    if (payload !== undefined && payload !== null && payload !== 'TOKEN' && payload !== 'REQUEST') {
      throw samInvalid(apiLogicalId, `${name} Authorizer has invalid 'FunctionPayloadType': ${String(payload)}.`);
    }
    const identity = a.Identity;
    if (identity !== undefined && identity !== null && !isObj(identity)) {
      throw samInvalid(apiLogicalId, 'Auth.Authorizers.<Authorizer>.Identity must be a dict (LambdaTokenAuthorizationIdentity, LambdaRequestAuthorizationIdentity or CognitoAuthorizationIdentity).');
    }
    if (payload === 'REQUEST' && missingIdentitySource(identity as Obj | undefined)) {
      throw samInvalid(apiLogicalId, `${name} Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.`);
    }
    if (a.AuthorizationScopes !== undefined && a.AuthorizationScopes !== null && !Array.isArray(a.AuthorizationScopes)) {
      throw samInvalid(apiLogicalId, 'AuthorizationScopes must be a list.');
    }
    if (!a.UserPoolArn && !a.FunctionArn) {
      // SAM would write an authorizer without a Lambda URI, which the import rejects.
      throw samInvalid(apiLogicalId, `${name} Authorizer needs a FunctionArn (Lambda authorizer) or a UserPoolArn (Cognito authorizer).`);
    }
    out.set(name, {
      name, userPoolArn: a.UserPoolArn, functionArn: a.FunctionArn, payloadType: payload === 'REQUEST' ? 'REQUEST' : 'TOKEN',
      ...(isObj(identity) ? { identity } : {}), invokeRole: a.FunctionInvokeRole,
      ...(Array.isArray(a.AuthorizationScopes) ? { scopes: a.AuthorizationScopes } : {}),
    });
  }
  return out;
}

/** A REQUEST authorizer needs an identity source unless caching is off (ReauthorizeEvery 0). */
function missingIdentitySource(identity: Obj | undefined): boolean {
  if (!identity) return true;
  const missing = !identity.Headers && !identity.QueryStrings && !identity.StageVariables && !identity.Context;
  const ttl = Number.parseInt(String(identity.ReauthorizeEvery), 10);
  if (identity.ReauthorizeEvery === undefined || Number.isNaN(ttl)) return missing;
  return ttl > 0 && missing;
}

/** The security scheme SAM writes for an authorizer (ApiGatewayAuthorizer.generate_swagger). */
function authorizerScheme(a: AuthorizerConf, region: string): Obj {
  const kind = a.iam ? 'AWS_IAM' : a.userPoolArn ? 'COGNITO_USER_POOLS' : 'LAMBDA';
  const header = kind === 'LAMBDA' && a.payloadType === 'REQUEST' ? 'Unused' : typeof a.identity?.Header === 'string' && a.identity.Header !== '' ? a.identity.Header : 'Authorization';
  const scheme: Obj = { type: 'apiKey', name: header, in: 'header', 'x-amazon-apigateway-authtype': kind === 'AWS_IAM' ? 'awsSigv4' : kind === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom' };
  if (kind === 'COGNITO_USER_POOLS') {
    scheme['x-amazon-apigateway-authorizer'] = { type: 'cognito_user_pools', providerARNs: Array.isArray(a.userPoolArn) ? a.userPoolArn : [a.userPoolArn] };
  } else if (kind === 'LAMBDA') {
    const authorizer: Obj = {
      type: a.payloadType === 'REQUEST' ? 'request' : 'token',
      authorizerUri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${String(a.functionArn)}/invocations`,
    };
    if (a.identity?.ReauthorizeEvery !== undefined && a.identity.ReauthorizeEvery !== null) authorizer.authorizerResultTtlInSeconds = a.identity.ReauthorizeEvery;
    if (a.invokeRole && a.invokeRole !== 'NONE') authorizer.authorizerCredentials = a.invokeRole;
    if (a.payloadType === 'REQUEST') {
      const source = identitySource(a.identity ?? {});
      if (source) authorizer.identitySource = source;
    }
    scheme['x-amazon-apigateway-authorizer'] = authorizer;
  }
  // A validation expression is only allowed on Cognito and Lambda TOKEN authorizers.
  const expression = a.identity?.ValidationExpression;
  if (expression && (kind === 'COGNITO_USER_POOLS' || (kind === 'LAMBDA' && a.payloadType === 'TOKEN'))) {
    (scheme['x-amazon-apigateway-authorizer'] as Obj).identityValidationExpression = expression;
  }
  return scheme;
}

/** REQUEST identity sources, comma-separated: headers, query strings, stage variables, context. */
function identitySource(identity: Obj): string {
  const parts: string[] = [];
  for (const [key, prefix] of [['Headers', 'method.request.header.'], ['QueryStrings', 'method.request.querystring.'], ['StageVariables', 'stageVariables.'], ['Context', 'context.']] as const) {
    const v = identity[key];
    if (Array.isArray(v)) for (const x of v) parts.push(prefix + String(x));
  }
  return parts.join(', ');
}

/**
 * Auth on an AWS::Serverless::Api: authorizers as security schemes, DefaultAuthorizer and ApiKeyRequired
 * on every operation that has an integration (the Cors OPTIONS method too unless
 * AddDefaultAuthorizerToCorsPreflight / AddApiKeyRequiredToCorsPreflight is false), and ResourcePolicy.
 */
export function addAuth(doc: Obj, rawAuth: unknown, o: ApiAuthOptions): void {
  const auth = checkAuthMap(rawAuth, o.apiLogicalId);
  if (!auth) return;
  if (!o.inline) throw samInvalid(o.apiLogicalId, "Auth works only with inline Swagger specified in 'DefinitionBody' property.");
  try {
    const authorizers = authorizersOf(auth, o.apiLogicalId);
    if (authorizers.size > 0) {
      const defs = securityDefinitions(doc);
      for (const [name, a] of authorizers) defs[name] = authorizerScheme(a, o.region);
      setDefaultAuthorizer(doc, authorizers, auth.DefaultAuthorizer, auth.AddDefaultAuthorizerToCorsPreflight !== false, o.apiLogicalId);
    }
    if (auth.ApiKeyRequired) {
      addApiKeyDefinition(doc);
      for (const [path, item] of Object.entries(pathsOf(doc))) {
        if (isObj(item)) setDefaultApiKeyRequired(path, item, auth.AddApiKeyRequiredToCorsPreflight !== false);
      }
    }
    if (auth.ResourcePolicy !== undefined && auth.ResourcePolicy !== null) {
      if (!isObj(auth.ResourcePolicy)) throw new TemplateError('ResourcePolicy must be a map (ResourcePolicyStatement).');
      for (const path of Object.keys(pathsOf(doc))) addResourcePolicy(doc, auth.ResourcePolicy, path, o.stageName);
      if (auth.ResourcePolicy.CustomStatements) addCustomStatements(doc, auth.ResourcePolicy.CustomStatements);
    }
  } catch (e) {
    if (e instanceof TemplateError && !e.reason.startsWith('Resource with id [')) throw samInvalid(o.apiLogicalId, e.reason);
    throw e;
  }
}

function setDefaultAuthorizer(doc: Obj, authorizers: Map<string, AuthorizerConf>, dflt: unknown, preflight: boolean, apiLogicalId: string): void {
  if (dflt === undefined || dflt === null || dflt === '') return;
  if (typeof dflt !== 'string') throw samInvalid(apiLogicalId, 'DefaultAuthorizer is not a string.');
  if (!authorizers.has(dflt) && dflt !== 'AWS_IAM') {
    throw samInvalid(apiLogicalId, `Unable to set DefaultAuthorizer because '${dflt}' was not defined in 'Authorizers'.`);
  }
  const names = new Set(['AWS_IAM', ...authorizers.keys()]);
  for (const [path, item] of Object.entries(pathsOf(doc))) {
    if (!isObj(item)) continue;
    for (const [method, op] of operationsWithIntegration(item)) {
      if (!preflight && method === 'options') continue;
      const existing = securityList(op, path, method);
      const others = existing.filter((s) => Object.keys(s).every((k) => !names.has(k)));
      const own = existing.filter((s) => Object.keys(s).some((k) => names.has(k)));
      let authorizerSecurity: Obj[] = [];
      const none = others.findIndex((s) => Object.keys(s).includes('NONE'));
      // An event's Authorizer: NONE opts out of the default; an event's own authorizer wins over it.
      if (none >= 0) others.splice(none, 1);
      else if (own.length > 0) authorizerSecurity = own;
      else authorizerSecurity = [{ [dflt]: authorizers.get(dflt)?.scopes ?? [] }];
      const security = [...others, ...authorizerSecurity];
      if (security.length > 0) {
        op.security = security;
        if (security.some((s) => 'AWS_IAM' in s)) addAwsIamDefinition(doc);
      }
    }
  }
}

function setDefaultApiKeyRequired(path: string, item: Obj, preflight: boolean): void {
  for (const [method, op] of operationsWithIntegration(item)) {
    const existing = securityList(op, path, method);
    const others = existing.filter((s) => !('api_key' in s) && !('api_key_false' in s));
    const keyed = existing.filter((s) => 'api_key' in s || 'api_key_false' in s);
    // An event's ApiKeyRequired: false (the api_key_false marker) opts out of the default.
    const optOut = keyed.some((s) => 'api_key_false' in s);
    let security = optOut ? others : [...others, { api_key: [] }];
    if (method === 'options' && !preflight) security = others;
    if (JSON.stringify(security) !== JSON.stringify(existing)) op.security = security;
  }
}

// ── ResourcePolicy ───────────────────────────────────────────────────────────────────────────────

function policyOf(doc: Obj): Obj {
  if (!isObj(doc[POLICY])) doc[POLICY] = {};
  return doc[POLICY] as Obj;
}

function appendStatements(doc: Obj, statements: Obj[], dedupe: boolean): void {
  const policy = policyOf(doc);
  policy.Version = '2012-10-17';
  const current = policy.Statement === undefined ? [] : Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  for (const s of statements) {
    if (dedupe && current.some((c) => JSON.stringify(c) === JSON.stringify(s))) continue;
    current.push(s);
  }
  policy.Statement = current;
}

/** `execute-api:/{stage}/{METHOD}{path}` for every method of the path; path parameters become `*`. */
function methodResources(doc: Obj, path: string, stage: string): string[] {
  const item = pathsOf(doc)[path];
  const methods = isObj(item) ? Object.keys(item).filter((k) => !NOT_OPERATIONS.has(k)) : [];
  const p = path.replace(/\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}/g, '*');
  return methods.map((m) => `execute-api:/${stage}/${m === ANY_METHOD || m.toLowerCase() === 'any' ? '*' : m.toUpperCase()}${p}`);
}

function addResourcePolicy(doc: Obj, rp: Obj, path: string, stage: string): void {
  const resources = methodResources(doc, path, stage);
  const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  const accounts = (list: unknown, effect: 'Allow' | 'Deny'): void => {
    if (!list || (Array.isArray(list) && list.length === 0)) return;
    if (!isObj(list) && !Array.isArray(list)) throw new TemplateError(`Type of '${JSON.stringify(list)}' must be a list or dictionary`);
    appendStatements(doc, [{ Effect: effect, Action: 'execute-api:Invoke', Resource: resources, Principal: { AWS: asList(list) } }], false);
  };
  const allowDeny = (condition: Obj): void => {
    appendStatements(doc, [
      { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resources, Principal: '*' },
      { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: resources, Principal: '*', Condition: condition },
    ], true);
  };
  const ips = (list: unknown, operator: 'IpAddress' | 'NotIpAddress'): void => {
    if (!list || (Array.isArray(list) && list.length === 0)) return;
    allowDeny({ [operator]: { 'aws:SourceIp': asList(list) } });
  };
  const vpcs = (strings: unknown, intrinsicVpc: unknown, intrinsicVpce: unknown, operator: 'StringEquals' | 'StringNotEquals'): void => {
    const condition: Record<string, unknown[]> = {};
    const add = (k: string, v: unknown): void => { (condition[k] ??= []).push(v); };
    if (strings !== undefined && strings !== null) {
      if (!Array.isArray(strings)) throw new TemplateError(`${operator === 'StringEquals' ? 'SourceVpcBlacklist' : 'SourceVpcWhitelist'} must be a list of strings. Use ${operator === 'StringEquals' ? 'IntrinsicVpcBlacklist' : 'IntrinsicVpcWhitelist'} instead for values that use Intrinsic Functions`);
      for (const e of strings) {
        if (typeof e === 'string' && e.startsWith('vpce-')) add('aws:SourceVpce', e);
        else if (typeof e === 'string' && e.startsWith('vpc-')) add('aws:SourceVpc', e);
      }
    }
    if (Array.isArray(intrinsicVpc)) for (const e of intrinsicVpc) add('aws:SourceVpc', e);
    if (Array.isArray(intrinsicVpce)) for (const e of intrinsicVpce) add('aws:SourceVpce', e);
    if (Object.keys(condition).length === 0) return;
    allowDeny({ [operator]: condition });
  };
  accounts(rp.AwsAccountWhitelist, 'Allow');
  accounts(rp.AwsAccountBlacklist, 'Deny');
  ips(rp.IpRangeWhitelist, 'NotIpAddress');
  ips(rp.IpRangeBlacklist, 'IpAddress');
  vpcs(rp.SourceVpcBlacklist, rp.IntrinsicVpcBlacklist, rp.IntrinsicVpceBlacklist, 'StringEquals');
  vpcs(rp.SourceVpcWhitelist, rp.IntrinsicVpcWhitelist, rp.IntrinsicVpceWhitelist, 'StringNotEquals');
}

function addCustomStatements(doc: Obj, custom: unknown): void {
  const policy = policyOf(doc);
  if (policy.Statement === undefined) {
    policy.Version = '2012-10-17';
    policy.Statement = custom;
    return;
  }
  appendStatements(doc, (Array.isArray(custom) ? custom : [custom]) as Obj[], true);
}

// ── Api events ───────────────────────────────────────────────────────────────────────────────────

export interface EventApiAuth {
  /** the function or state machine */
  resourceId: string;
  eventId: string;
  path: string;
  /** lower case, as SAM normalises it */
  method: string;
  auth: unknown;
  /** the target API's Auth (resolved), if any */
  apiAuth: unknown;
  apiLogicalId: string;
  stageName: string;
}

/**
 * The integration credentials SAM gives a Lambda proxy integration when the method is authorized with
 * AWS_IAM: the InvokeRole, or the caller's own identity (CALLER_CREDENTIALS, the default); NONE: none.
 */
export function eventIntegrationCredentials(auth: unknown, apiAuth: unknown): string | undefined {
  const method = isObj(auth) ? auth : {};
  const api = isObj(apiAuth) ? apiAuth : {};
  const iam = method.Authorizer === 'AWS_IAM' || (api.DefaultAuthorizer === 'AWS_IAM' && Object.keys(method).length === 0);
  if (!iam) return undefined;
  const role = (o: Obj): unknown => (!o.InvokeRole && 'InvokeRole' in o ? 'NONE' : o.InvokeRole);
  const r = role(method) || role(api);
  const credentials = r && r !== 'CALLER_CREDENTIALS' ? String(r) : CALLER_CREDENTIALS_ARN;
  return credentials === 'NONE' ? undefined : credentials;
}

/** An Api event's Auth (SAM Api.add_auth_to_swagger): Authorizer (name | AWS_IAM | NONE), ApiKeyRequired, AuthorizationScopes, ResourcePolicy. */
export function addEventAuth(doc: Obj, e: EventApiAuth): void {
  if (e.auth === undefined || e.auth === null) return;
  if (!isObj(e.auth)) throw eventInvalid(e.resourceId, e.eventId, "Property 'Auth' should be a map.");
  const auth = e.auth;
  const apiAuth = isObj(e.apiAuth) ? e.apiAuth : undefined;
  const where = `on API method [${e.method}] for path [${e.path}]`;
  const authorizer = auth.Authorizer;
  const apiAuthorizers = apiAuth && isObj(apiAuth.Authorizers) && Object.keys(apiAuth.Authorizers).length > 0 ? apiAuth.Authorizers : undefined;
  if (authorizer !== undefined && authorizer !== null && authorizer !== '') {
    if (typeof authorizer !== 'string') throw eventInvalid(e.resourceId, e.eventId, `Unable to set Authorizer ${where} because the Authorizer must be a string.`);
    if (authorizer !== 'AWS_IAM') {
      if (authorizer !== 'NONE') {
        if (!apiAuthorizers) throw eventInvalid(e.resourceId, e.eventId, `Unable to set Authorizer [${authorizer}] ${where} because the related API does not define any Authorizers.`);
        if (!apiAuthorizers[authorizer]) throw eventInvalid(e.resourceId, e.eventId, `Unable to set Authorizer [${authorizer}] ${where} because it wasn't defined in the API's Authorizers.`);
      } else if (!apiAuth?.DefaultAuthorizer) {
        throw eventInvalid(e.resourceId, e.eventId, `Unable to set Authorizer ${where} because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`);
      }
    }
  }
  if (auth.AuthorizationScopes !== undefined && auth.AuthorizationScopes !== null && !Array.isArray(auth.AuthorizationScopes)) {
    throw eventInvalid(e.resourceId, e.eventId, "Property 'Auth.AuthorizationScopes' should be a list.");
  }
  const keyRequired = auth.ApiKeyRequired;
  if (keyRequired !== undefined && keyRequired !== null && !keyRequired && !apiAuth?.ApiKeyRequired) {
    throw eventInvalid(e.resourceId, e.eventId, `Unable to set ApiKeyRequired [False] ${where} because the related API does not specify any ApiKeyRequired.`);
  }
  const item = pathsOf(doc)[e.path];
  const op = isObj(item) ? item[operationKey(e.method)] : undefined;
  if (!isObj(op)) return;
  try {
    if (typeof authorizer === 'string' && authorizer !== '') {
      let scopes: unknown = [];
      if (authorizer !== 'NONE' && apiAuthorizers && isObj(apiAuthorizers[authorizer])) {
        const configured = (apiAuthorizers[authorizer] as Obj).AuthorizationScopes;
        const own = auth.AuthorizationScopes ?? configured;
        if (own !== undefined && own !== null) scopes = own;
      }
      const security = [...securityList(op, e.path, e.method), { [authorizer]: scopes }];
      op.security = security;
      if ('AWS_IAM' in (security[0] as Obj)) addAwsIamDefinition(doc);
    }
    if (keyRequired !== undefined && keyRequired !== null) {
      if (keyRequired) addApiKeyDefinition(doc);
      op.security = [...securityList(op, e.path, e.method), { [keyRequired ? 'api_key' : 'api_key_false']: [] }];
    }
    if (auth.ResourcePolicy !== undefined && auth.ResourcePolicy !== null) {
      if (!isObj(auth.ResourcePolicy)) throw new TemplateError("Property 'Auth.ResourcePolicy' should be a map.");
      addResourcePolicy(doc, auth.ResourcePolicy, e.path, e.stageName);
      if (auth.ResourcePolicy.CustomStatements) addCustomStatements(doc, auth.ResourcePolicy.CustomStatements);
    }
  } catch (x) {
    if (x instanceof TemplateError && !x.reason.startsWith('Resource with id [')) throw eventInvalid(e.resourceId, e.eventId, x.reason);
    throw x;
  }
}

// ── Api events: RequestModel, RequestParameters ──────────────────────────────────────────────────

export interface EventApiRequest {
  /** the function */
  resourceId: string;
  eventId: string;
  path: string;
  /** lower case, as SAM normalises it */
  method: string;
  requestModel: unknown;
  requestParameters: unknown;
  /** the target API's Models (resolved), if any */
  apiModels: unknown;
}

/**
 * The types SAM's event sources declare for RequestModel (a map) and RequestParameters (a list), checked
 * when the event is read, whichever API it targets; a state machine's Api event has neither property.
 * The logical id in these messages is the resource's and the event's together, as SAM names the event.
 */
export function checkEventRequestProperties(resourceId: string, eventId: string, kind: 'function' | 'stateMachine', properties: Obj): void {
  const eventLogicalId = `${resourceId}${eventId}`;
  if (kind === 'stateMachine') {
    const unknown = Object.keys(properties).find((k) => k === 'RequestModel' || k === 'RequestParameters');
    if (unknown !== undefined) throw samInvalid(eventLogicalId, `property ${unknown} not defined for resource of type Api`);
    return;
  }
  const model = properties.RequestModel;
  if (model !== undefined && model !== null && !isObj(model)) throw samInvalid(eventLogicalId, "Property 'RequestModel' should be a map.");
  const parameters = properties.RequestParameters;
  if (parameters !== undefined && parameters !== null && !Array.isArray(parameters)) throw samInvalid(eventLogicalId, "Type of property 'RequestParameters' is invalid.");
}

/**
 * An Api event's RequestModel (the body parameter, `#/definitions/<model>` in lower case, or an OpenAPI 3
 * requestBody, and with ValidateBody / ValidateParameters a request validator named body-and-params,
 * body-only, params-only or no-validation) and RequestParameters (header / querystring / path parameters
 * of type string, and the integration's cacheKeyParameters for those with Caching), as SAM's Api event
 * writes them into the definition it manages.
 */
export function addEventRequest(doc: Obj, e: EventApiRequest): void {
  const item = pathsOf(doc)[e.path];
  const op = isObj(item) ? item[operationKey(e.method)] : undefined;
  if (!isObj(op)) return;
  if (truthy(e.requestModel) && isObj(e.requestModel)) addRequestModel(doc, op, e, e.requestModel);
  if (truthy(e.requestParameters) && Array.isArray(e.requestParameters)) addRequestParameters(op, e, e.requestParameters);
}

function addRequestModel(doc: Obj, op: Obj, e: EventApiRequest, requestModel: Obj): void {
  const model = requestModel.Model;
  // Without a Model nothing is written, not even a validator (SAM).
  if (!truthy(model)) return;
  const unable = `Unable to set RequestModel [${pythonStr(model)}] on API method [${e.method}] for path [${e.path}]`;
  const models = e.apiModels;
  if (!truthy(models)) throw eventInvalid(e.resourceId, e.eventId, `${unable} because the related API does not define any Models.`);
  if (!isObj(models)) throw eventInvalid(e.resourceId, e.eventId, `${unable} because the related API Models defined is of invalid type.`);
  if (typeof model !== 'string') throw eventInvalid(e.resourceId, e.eventId, `${unable} because the related API does not contain valid Models.`);
  if (!truthy(models[model])) throw eventInvalid(e.resourceId, e.eventId, `${unable} because it wasn't defined in the API's Models.`);
  // SAM writes model names in lower case (add_models too), so the reference matches the definition.
  const name = model.toLowerCase();
  const required = requestModel.Required;
  if (doc.swagger !== undefined && doc.swagger !== null) {
    const parameter: Obj = { in: 'body', name, schema: { $ref: `#/definitions/${name}` } };
    if (required !== undefined && required !== null) parameter.required = required;
    op.parameters = [...(Array.isArray(op.parameters) ? op.parameters : []), parameter];
  } else if (typeof doc.openapi === 'string' && OPENAPI_3.test(doc.openapi)) {
    const body: Obj = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } };
    if (required !== undefined && required !== null) body.required = required;
    op.requestBody = body;
  }
  let validateBody = requestModel.ValidateBody;
  let validateParameters = requestModel.ValidateParameters;
  const given = (v: unknown): boolean => v !== undefined && v !== null;
  if (!given(validateBody) && !given(validateParameters)) return;
  validateBody = given(validateBody) ? validateBody : false;
  validateParameters = given(validateParameters) ? validateParameters : false;
  if (typeof validateBody !== 'boolean' || typeof validateParameters !== 'boolean') {
    throw eventInvalid(e.resourceId, e.eventId, `Unable to set Validator to RequestModel [${model}] on API method [${e.method}] for path [${e.path}] ValidateBody and ValidateParameters must be a boolean type, strings or intrinsics are not supported.`);
  }
  const validator = validateBody && validateParameters ? 'body-and-params' : validateBody ? 'body-only' : validateParameters ? 'params-only' : 'no-validation';
  if (!isObj(doc[REQUEST_VALIDATORS]) || !truthy(doc[REQUEST_VALIDATORS])) doc[REQUEST_VALIDATORS] = {};
  const validators = doc[REQUEST_VALIDATORS] as Obj;
  // A validator already defined under that name is kept as it is.
  if (!truthy(validators[validator])) validators[validator] = { validateRequestBody: validateBody, validateRequestParameters: validateParameters };
  op[REQUEST_VALIDATOR] = validator;
}

function addRequestParameters(op: Obj, e: EventApiRequest, list: unknown[]): void {
  const badName = "Invalid value for 'RequestParameters' property. Keys must be in the format 'method.request.[querystring|path|header].{value}', e.g 'method.request.header.Authorization'.";
  const settings: { name: string; required: unknown; caching: unknown }[] = [];
  for (const p of list) {
    if (isObj(p)) {
      const first = Object.entries(p)[0];
      if (!first || !REQUEST_PARAMETER_NAME.test(first[0])) throw eventInvalid(e.resourceId, e.eventId, badName);
      const [name, value] = first;
      if (!isObj(value) || !Object.keys(value).every((k) => REQUEST_PARAMETER_KEYS.includes(k))) {
        throw eventInvalid(e.resourceId, e.eventId, "Invalid value for 'RequestParameters' property. Values must be an object, e.g { Required: true, Caching: false }");
      }
      settings.push({ name, required: 'Required' in value ? value.Required : false, caching: 'Caching' in value ? value.Caching : false });
    } else if (typeof p === 'string') {
      if (!REQUEST_PARAMETER_NAME.test(p)) throw eventInvalid(e.resourceId, e.eventId, badName);
      settings.push({ name: p, required: false, caching: false });
    } else {
      throw eventInvalid(e.resourceId, e.eventId, "Invalid value for 'RequestParameters' property. Property must be either a string or an object");
    }
  }
  const parameters = Array.isArray(op.parameters) ? [...op.parameters] : [];
  for (const s of settings) {
    // method.request.querystring.q → {in: query, name: q}; SAM's replace drops every "method.request.".
    const rest = s.name.split('method.request.').join('');
    const dot = rest.indexOf('.');
    const location = rest.slice(0, dot);
    parameters.push({ in: location === 'querystring' ? 'query' : location, name: rest.slice(dot + 1), required: s.required, type: 'string' });
    if (truthy(s.caching) && isObj(op[INTEGRATION])) {
      const integration = op[INTEGRATION];
      integration.cacheKeyParameters = [...(Array.isArray(integration.cacheKeyParameters) ? integration.cacheKeyParameters : []), s.name];
    }
  }
  op.parameters = parameters;
}

// ── GatewayResponses, Models, OpenApiVersion ─────────────────────────────────────────────────────

/**
 * GatewayResponses: each response type becomes an entry of x-amazon-apigateway-gateway-responses
 * (merged over those the definition has) with `responseParameters` (ResponseParameters.Headers / Paths /
 * QueryStrings as gatewayresponse.header.X / path.X / querystring.X), `responseTemplates`, and
 * `statusCode` as a string (SAM's _add_gateway_responses and ApiGatewayResponse).
 */
export function addGatewayResponses(doc: Obj, responses: unknown, apiLogicalId: string, inline: boolean): void {
  if (responses === undefined || responses === null) return;
  if (!isObj(responses)) throw samInvalid(apiLogicalId, "Property 'GatewayResponses' should be a map.");
  if (Object.keys(responses).length === 0) return;
  if (!inline) throw samInvalid(apiLogicalId, "GatewayResponses works only with inline Swagger specified in 'DefinitionBody' property.");
  for (const [type, response] of Object.entries(responses)) {
    if (!isObj(response)) throw samInvalid(apiLogicalId, `Invalid property type '${pythonTypeName(response)}' for GatewayResponses. Expected an object of type 'GatewayResponse'.`);
    const unknown = Object.keys(response).find((k) => !GATEWAY_RESPONSE_KEYS.includes(k));
    if (unknown !== undefined) throw samInvalid(apiLogicalId, `Invalid property '${unknown}' in 'GatewayResponses' property '${type}'.`);
  }
  // (sic: SAM's message names Auth here)
  if (!isValidSwagger(doc)) throw samInvalid(apiLogicalId, "Unable to add Auth configuration because 'DefinitionBody' does not contain a valid Swagger definition.");
  const written: Obj = {};
  for (const [type, response] of Object.entries(responses as Record<string, Obj>)) {
    const parameters = response.ResponseParameters;
    if (truthy(parameters)) {
      if (!isObj(parameters)) throw samInvalid(apiLogicalId, `Property 'GatewayResponses.${type}.ResponseParameters' should be a map.`);
      const unknown = Object.keys(parameters).find((k) => !GATEWAY_RESPONSE_PARAMETERS.some(([key]) => key === k));
      if (unknown !== undefined) throw samInvalid(apiLogicalId, `Invalid gateway response parameter '${unknown}'`);
    }
    const status = response.StatusCode;
    const statusCode = status === undefined || status === null ? undefined : pythonStr(status);
    if (truthy(status) && !/^[0-9]{1,3}$/.test(statusCode as string)) throw samInvalid(apiLogicalId, "Property 'StatusCode' must be numeric");
    const responseParameters: Obj = {};
    for (const [key, prefix] of GATEWAY_RESPONSE_PARAMETERS) {
      const values = truthy(parameters) ? (parameters as Obj)[key] : undefined;
      if (values === undefined) continue;
      if (!isObj(values)) throw samInvalid(apiLogicalId, `Property 'GatewayResponses.${type}.ResponseParameters.${key}' should be a map.`);
      for (const [name, value] of Object.entries(values)) responseParameters[`gatewayresponse.${prefix}.${name}`] = value;
    }
    const entry: Obj = { responseParameters, responseTemplates: truthy(response.ResponseTemplates) ? response.ResponseTemplates : {} };
    // An empty status code is left out rather than written as null (SAM).
    if (statusCode) entry.statusCode = statusCode;
    written[type] = entry;
  }
  doc[GATEWAY_RESPONSES] = { ...(isObj(doc[GATEWAY_RESPONSES]) ? doc[GATEWAY_RESPONSES] : {}), ...written };
}

/**
 * Models: each schema (which needs a `type`) becomes a definition named in lower case; an OpenAPI 3
 * document gets them as components.schemas from openApiPostprocess (SAM's _add_models and add_models).
 */
export function addModels(doc: Obj, models: unknown, apiLogicalId: string, inline: boolean): void {
  if (models === undefined || models === null) return;
  if (!isObj(models)) throw samInvalid(apiLogicalId, "Property 'Models' should be a map.");
  if (Object.keys(models).length === 0) return;
  if (!inline) throw samInvalid(apiLogicalId, "Models works only with inline Swagger specified in 'DefinitionBody' property.");
  if (!isValidSwagger(doc)) throw samInvalid(apiLogicalId, "Unable to add Models definitions because 'DefinitionBody' does not contain a valid Swagger definition.");
  if (!Object.values(models).every(isObj)) throw samInvalid(apiLogicalId, "Invalid value for 'Models' property");
  const definitions = isObj(doc.definitions) ? doc.definitions : {};
  for (const [name, schema] of Object.entries(models as Record<string, Obj>)) {
    // An InvalidTemplateException in SAM: the template, not the resource, is named.
    if (!truthy(schema.type)) throw new TemplateError("Structure of the SAM template is invalid. 'Models' schema is missing 'type'.");
    definitions[name.toLowerCase()] = schema;
  }
  doc.definitions = definitions;
}

/**
 * OpenApiVersion as SAM's Globals plugin applies it to the definitions SAM writes: a 3.x version makes
 * the skeleton an OpenAPI document (`openapi: <version>` instead of `swagger: '2.0'`); a number (YAML
 * `3.0`) is read as the text Python prints for it. Returns the version as text, if it is one.
 */
export function applyOpenApiVersion(doc: Obj, version: unknown, managed: boolean): unknown {
  const text = managed ? openApiVersionText(version) : version;
  if (managed && typeof text === 'string' && OPENAPI_3.test(text)) {
    delete doc.swagger;
    doc.openapi = text;
  }
  return text;
}

function openApiVersionText(version: unknown): unknown {
  if (typeof version !== 'number') return version;
  // YAML 3.0 is a float, which Python prints as 3.0; the converted text is kept only when it is a 3.x version.
  const text = Number.isInteger(version) ? version.toFixed(1) : String(version);
  return OPENAPI_3.test(text) ? text : version;
}

/** OpenApiVersion must be text of the form 2.x / 3.x(.y) (SAM's _validate_properties). */
export function checkOpenApiVersion(version: unknown, apiLogicalId: string): void {
  if (version === undefined || version === null) return;
  if (typeof version !== 'string') throw samInvalid(apiLogicalId, "Property 'OpenApiVersion' should be a string.");
  if (version !== '' && !OPENAPI_VERSION.test(version)) throw samInvalid(apiLogicalId, "The OpenApiVersion value must be of the format '3.0.0'.");
}

// ── OpenAPI 3 ────────────────────────────────────────────────────────────────────────────────────

/**
 * SAM's _openapi_postprocess for OpenAPI 3 documents: securityDefinitions move to
 * components.securitySchemes, and the Cors OPTIONS methods lose consumes/produces and get header schemas.
 */
export function openApiPostprocess(doc: Obj, openApiVersion?: unknown): void {
  if (doc.swagger !== undefined) return;
  // OpenApiVersion, when given, decides; else the document's own `openapi`.
  const version = openApiVersion !== undefined && openApiVersion !== null ? openApiVersion : doc.openapi;
  if (typeof version !== 'string' || !OPENAPI_3.test(version)) return;
  const components = (isObj(doc.components) ? doc.components : (doc.components = {})) as Obj;
  if (isObj(doc.securityDefinitions)) {
    components.securitySchemes = { ...(isObj(components.securitySchemes) ? components.securitySchemes : {}), ...doc.securityDefinitions };
    delete doc.securityDefinitions;
  }
  if (isObj(doc.definitions)) {
    components.schemas = { ...(isObj(components.schemas) ? components.schemas : {}), ...doc.definitions };
    delete doc.definitions;
  }
  for (const item of Object.values(pathsOf(doc))) {
    if (!isObj(item) || !isObj(item.options)) continue;
    const options = item.options;
    delete options.consumes;
    delete options.produces;
    const ok = isObj(options.responses) && isObj(options.responses['200']) ? options.responses['200'] : undefined;
    if (ok && isObj(ok.headers)) {
      for (const [h, v] of Object.entries(ok.headers)) if (!(isObj(v) && 'schema' in v)) ok.headers[h] = { schema: v };
    }
  }
}

// ── UsagePlan ────────────────────────────────────────────────────────────────────────────────────

export interface SamUsagePlan {
  mode: 'PER_API' | 'SHARED';
  /** UsagePlanName, Description, Quota, Throttle, Tags as given */
  props: Obj;
}

/** Auth.UsagePlan, validated as SAM's _construct_usage_plan does; undefined when there is none (or NONE). */
export function samUsagePlan(rawAuth: unknown, apiLogicalId: string): SamUsagePlan | undefined {
  if (!isObj(rawAuth) || rawAuth.UsagePlan === undefined || rawAuth.UsagePlan === null) return undefined;
  const up = rawAuth.UsagePlan;
  if (!isObj(up)) throw samInvalid(apiLogicalId, "'UsagePlan' must be a dictionary");
  if (!Object.keys(up).every((k) => USAGE_PLAN_KEYS.includes(k))) throw samInvalid(apiLogicalId, "Invalid property for 'UsagePlan'");
  const mode = up.CreateUsagePlan;
  if (mode === undefined || mode === null) throw samInvalid(apiLogicalId, "'CreateUsagePlan' is a required field for UsagePlan.");
  if (typeof mode !== 'string' || !CREATE_USAGE_PLAN.includes(mode)) throw samInvalid(apiLogicalId, "'CreateUsagePlan' accepts one of ['SHARED', 'PER_API', 'NONE'].");
  if (mode === 'NONE') return undefined;
  return { mode: mode as 'PER_API' | 'SHARED', props: up };
}

/** The logical ids SAM gives the resources of a usage plan (before properties are resolved). */
export function samUsagePlanIds(apiLogicalId: string, mode: unknown): { apiKey: string; usagePlan: string; usagePlanKey: string } | undefined {
  if (mode === 'PER_API') return { apiKey: `${apiLogicalId}ApiKey`, usagePlan: `${apiLogicalId}UsagePlan`, usagePlanKey: `${apiLogicalId}UsagePlanKey` };
  if (mode === 'SHARED') return { apiKey: 'ServerlessApiKey', usagePlan: 'ServerlessUsagePlan', usagePlanKey: 'ServerlessUsagePlanKey' };
  return undefined;
}
