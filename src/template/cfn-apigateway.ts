// CloudFormation's AWS::ApiGateway::* resources besides RestApi: Resource, Method, Authorizer, Model,
// RequestValidator, GatewayResponse, Deployment, Stage (the API built step by step) and ApiKey,
// UsagePlan, UsagePlanKey. Their physical ids are fixed before any property is resolved (Ref and
// Fn::GetAtt work across them) and derived from the stack and logical id, so a restart keeps them.
// A Deployment captures the methods it depends on (Ref, Fn::GetAtt, Fn::Sub or DependsOn), as a
// CloudFormation deployment only sees the methods created before it.
import { TemplateError, type TemplateLocation } from './errors.js';
import { generatedName, stableId } from './ids.js';
import type { PlannedApi } from './load.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface PhysicalEntry { type: string; ref: string; atts: Record<string, unknown> }

/** What Ref and Fn::GetAtt return for the AWS::ApiGateway::* types handled here (undefined: another type). */
export function apigwPhysical(type: string, id: string, stackName: string, nameProp: (key: string) => string | undefined): PhysicalEntry | undefined {
  switch (type) {
    case 'AWS::ApiGateway::Resource': {
      const rid = stableId(stackName, id, 6);
      return { type, ref: rid, atts: { ResourceId: rid } };
    }
    case 'AWS::ApiGateway::Deployment': {
      const did = stableId(stackName, id, 6);
      return { type, ref: did, atts: { DeploymentId: did } };
    }
    case 'AWS::ApiGateway::Authorizer': {
      const aid = stableId(stackName, id, 6);
      return { type, ref: aid, atts: { AuthorizerId: aid } };
    }
    case 'AWS::ApiGateway::RequestValidator': {
      const vid = stableId(stackName, id, 6);
      return { type, ref: vid, atts: { RequestValidatorId: vid } };
    }
    case 'AWS::ApiGateway::GatewayResponse':
      return { type, ref: stableId(stackName, id, 6), atts: {} };
    // A model's name is its id; without Name the logical id (alphanumeric, as model names must be) is used.
    case 'AWS::ApiGateway::Model':
      return { type, ref: nameProp('Name') ?? id, atts: {} };
    case 'AWS::ApiGateway::ApiKey': {
      const kid = stableId(stackName, id, 10);
      return { type, ref: kid, atts: { APIKeyId: kid } };
    }
    case 'AWS::ApiGateway::UsagePlan': {
      const pid = stableId(stackName, id, 6);
      return { type, ref: pid, atts: { Id: pid } };
    }
    case 'AWS::ApiGateway::UsagePlanKey': {
      const uid = stableId(stackName, id, 10);
      return { type, ref: uid, atts: { Id: uid } };
    }
    case 'AWS::ApiGateway::Method':
      return { type, ref: id, atts: {} };
    case 'AWS::ApiGateway::Stage':
      return { type, ref: nameProp('StageName') ?? id, atts: {} };
    default:
      return undefined;
  }
}

/** Logical ids a resource refers to: Ref, Fn::GetAtt, Fn::Sub `${X}` / `${X.Attr}`, and DependsOn. */
export function referencesOf(raw: Obj): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (!isObj(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Ref' && typeof x === 'string') out.add(x);
      else if (k === 'Fn::GetAtt') {
        if (typeof x === 'string') out.add(x.split('.')[0] as string);
        else if (Array.isArray(x) && typeof x[0] === 'string') out.add(x[0]);
        walk(x);
      } else if (k === 'Fn::Sub') {
        const text = typeof x === 'string' ? x : Array.isArray(x) && typeof x[0] === 'string' ? x[0] : '';
        for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) out.add((m[1] as string).trim().split('.')[0] as string);
        walk(x);
      } else walk(x);
    }
  };
  walk(raw.Properties);
  const dependsOn = raw.DependsOn;
  for (const d of Array.isArray(dependsOn) ? dependsOn : [dependsOn]) if (typeof d === 'string') out.add(d);
  return out;
}

export interface PlannedApiKey {
  logicalId: string;
  line?: number;
  id: string;
  name: string;
  /** absent: API Gateway generates one (a restart keeps the stored value) */
  value?: string;
  enabled: boolean;
  description?: string;
  customerId?: string;
  /** `restApiId/stageName` */
  stageKeys: string[];
}

export interface PlannedUsagePlan {
  logicalId: string;
  line?: number;
  id: string;
  name: string;
  description?: string;
  apiStages: { apiId: string; stage: string; throttle?: Record<string, { burstLimit?: number; rateLimit?: number }> }[];
  throttle?: { burstLimit?: number; rateLimit?: number };
  quota?: { limit: number; offset?: number; period: string };
}

export interface PlannedUsagePlanKey { logicalId: string; line?: number; keyId: string; keyType: 'API_KEY'; usagePlanId: string }

interface Located { logicalId: string; line?: number }

/** The step-by-step part of a REST API; bodies are the management API's requests (camelCase). */
export interface PlannedApiParts {
  models: (Located & { id: string; name: string; contentType: string; schema?: string; description?: string })[];
  validators: (Located & { id: string; name: string; validateRequestBody: boolean; validateRequestParameters: boolean })[];
  authorizers: (Located & { id: string; input: Obj })[];
  gatewayResponses: (Located & { responseType: string; statusCode?: string; responseParameters?: Record<string, string>; responseTemplates?: Record<string, string> })[];
  /** parents before children */
  resources: (Located & { id: string; parentId: string; pathPart: string })[];
  methods: (Located & { resourceId: string; httpMethod: string; method: Obj; integration?: Obj; integrationResponses: (Obj & { statusCode: string })[]; methodResponses: (Obj & { statusCode: string })[] })[];
  /** in creation order; `excludeMethods` (`resourceId VERB`) are the template's methods it does not depend on */
  deployments: (Located & { id: string; description?: string; stageName?: string; stageDescription?: string; variables?: Record<string, string>; methodSettings?: Obj; excludeMethods: string[] })[];
  stages: (Located & { stageName: string; deploymentId: string; description?: string; variables?: Record<string, string>; methodSettings?: Obj; tracingEnabled?: boolean })[];
}

export function emptyParts(): PlannedApiParts {
  return { models: [], validators: [], authorizers: [], gatewayResponses: [], resources: [], methods: [], deployments: [], stages: [] };
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'];
const AUTHORIZATION_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'];
const INTEGRATION_TYPES = ['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'];
const AUTHORIZER_TYPES = ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'];
const PATH_PART = /^(\{[A-Za-z0-9_.\-:,]+\+?\}|[A-Za-z0-9_.\-:,]+)$/;

/** a resource: resolved properties, the properties as written, where it is */
interface Entry { id: string; type: string; props: Obj; raw: Obj; at: TemplateLocation; line?: number }

/** CloudFormation's schema check: "Properties validation failed for resource X with message: ..." */
function invalid(e: Entry, detail: string): TemplateError {
  return new TemplateError(`Properties validation failed for resource ${e.id} with message: ${detail}`, e.at);
}

/** API Gateway's answer to the call CloudFormation makes for the resource, as CREATE_FAILED reports it. */
function rejected(e: Entry, message: string, status = 400, hint = ''): TemplateError {
  return new TemplateError(`Resource handler returned message: "${message} (Service: ApiGateway, Status Code: ${status})"${hint}`, e.at);
}

const jsonType = (v: unknown): string => (Array.isArray(v) ? 'JSONArray' : isObj(v) ? 'JSONObject' : typeof v === 'string' ? 'String' : typeof v === 'boolean' ? 'Boolean' : typeof v === 'number' ? (Number.isInteger(v) ? 'Integer' : 'Number') : 'Null');

function prop(e: Entry, key: string, type: 'String' | 'Boolean' | 'Integer' | 'JSONObject' | 'JSONArray', required = false, path = '#'): unknown {
  const v = e.props[key];
  if (v === undefined || v === null) {
    if (required) throw invalid(e, `${path}: required key [${key}] not found`);
    return undefined;
  }
  const t = jsonType(v);
  // CloudFormation turns scalar template values into the type the schema asks for ("true", "10").
  if (type === 'String' && (t === 'Integer' || t === 'Number' || t === 'Boolean')) return String(v);
  if (type === 'Boolean' && (v === 'true' || v === 'false')) return v === 'true';
  if (type === 'Integer' && typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  if (t !== type && !(type === 'Integer' && t === 'Integer')) throw invalid(e, `${path}/${key}: expected type: ${type}, found: ${t}`);
  return v;
}

function sub(e: Entry, v: unknown, path: string): Entry {
  if (!isObj(v)) throw invalid(e, `${path}: expected type: JSONObject, found: ${jsonType(v)}`);
  return { ...e, props: v, raw: {} };
}

const stringMap = (v: unknown): Record<string, string> | undefined => {
  if (!isObj(v)) return undefined;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
};

/** Stage MethodSettings (`[{ResourcePath, HttpMethod, ...}]`) as GetStage shows them: `{"~1path/GET": {...}}`. */
function methodSettings(e: Entry, list: unknown, path: string): Obj | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw invalid(e, `${path}: expected type: JSONArray, found: ${jsonType(list)}`);
  const out: Obj = {};
  list.forEach((raw, i) => {
    const s = sub(e, raw, `${path}/${i}`);
    const resourcePath = String(s.props.ResourcePath ?? '/*');
    const method = String(s.props.HttpMethod ?? '*');
    const settings: Obj = {};
    for (const [k, v] of Object.entries(s.props)) {
      if (k === 'ResourcePath' || k === 'HttpMethod') continue;
      settings[k.charAt(0).toLowerCase() + k.slice(1)] = v;
    }
    out[`${resourcePath.slice(1)}/${method}`] = settings;
  });
  return out;
}

/** Collects the AWS::ApiGateway::* resources of a template and attaches them to its APIs. */
export class ApiGatewayResources {
  private readonly entries: Entry[] = [];

  constructor(private readonly o: {
    accountId: string;
    stackName: string;
    /** direct references (Ref/GetAtt/Sub/DependsOn) of a logical id */
    references: (logicalId: string) => Set<string>;
    /** the resource type of a logical id (including resources SAM generates) */
    typeOf: (logicalId: string) => string | undefined;
  }) {}

  add(id: string, type: string, props: Obj, raw: Obj, at: TemplateLocation): void {
    this.entries.push({ id, type, props, raw, at, ...(at.line !== undefined ? { line: at.line } : {}) });
  }

  private of(type: string): Entry[] {
    return this.entries.filter((e) => e.type === type);
  }

  private apiOf(e: Entry, apis: Map<string, PlannedApi>, key = 'RestApiId'): PlannedApi {
    const apiId = prop(e, key, 'String', true) as string;
    const api = apis.get(apiId);
    if (!api) throw rejected(e, `Invalid API identifier specified ${this.o.accountId}:${apiId}`, 404);
    return api;
  }

  /** Everything a logical id depends on, directly or not. */
  private closure(id: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...this.o.references(id)];
    while (stack.length > 0) {
      const x = stack.pop() as string;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...this.o.references(x));
    }
    return seen;
  }

  /** Fills each API's parts; returns the API keys, usage plans and usage plan keys. */
  finish(apiList: PlannedApi[]): { apiKeys: PlannedApiKey[]; usagePlans: PlannedUsagePlan[]; usagePlanKeys: PlannedUsagePlanKey[] } {
    const apis = new Map(apiList.map((a) => [a.apiId, a]));
    const line = (e: Entry): { line?: number } => (e.line !== undefined ? { line: e.line } : {});
    const ids = (e: Entry): Located => ({ logicalId: e.id, ...line(e) });
    const stable = (e: Entry, length = 6): string => stableId(this.o.stackName, e.id, length);

    // Models, validators, authorizers, gateway responses.
    for (const e of this.of('AWS::ApiGateway::Model')) {
      const api = this.apiOf(e, apis);
      const name = (prop(e, 'Name', 'String') as string | undefined) ?? e.id;
      const schema = e.props.Schema;
      if (schema !== undefined && typeof schema !== 'string' && !isObj(schema)) throw invalid(e, `#/Schema: expected type: JSONObject, found: ${jsonType(schema)}`);
      const description = prop(e, 'Description', 'String') as string | undefined;
      api.parts.models.push({
        ...ids(e), id: stable(e), name, contentType: (prop(e, 'ContentType', 'String') as string | undefined) ?? 'application/json',
        ...(schema !== undefined ? { schema: typeof schema === 'string' ? schema : JSON.stringify(schema) } : {}),
        ...(description !== undefined ? { description } : {}),
      });
    }
    const validators = new Map<string, string>();
    for (const e of this.of('AWS::ApiGateway::RequestValidator')) {
      const api = this.apiOf(e, apis);
      const id = stable(e);
      validators.set(id, api.apiId);
      api.parts.validators.push({
        ...ids(e), id, name: (prop(e, 'Name', 'String') as string | undefined) ?? e.id,
        validateRequestBody: prop(e, 'ValidateRequestBody', 'Boolean') === true,
        validateRequestParameters: prop(e, 'ValidateRequestParameters', 'Boolean') === true,
      });
    }
    const authorizers = new Map<string, string>();
    for (const e of this.of('AWS::ApiGateway::Authorizer')) {
      const api = this.apiOf(e, apis);
      const name = prop(e, 'Name', 'String', true) as string;
      const type = prop(e, 'Type', 'String', true) as string;
      if (!AUTHORIZER_TYPES.includes(type)) throw invalid(e, `#/Type: ${type} is not a valid enum value`);
      const providers = prop(e, 'ProviderARNs', 'JSONArray') as unknown[] | undefined;
      const ttl = prop(e, 'AuthorizerResultTtlInSeconds', 'Integer') as number | undefined;
      const input: Obj = { name, type, ...(providers ? { providerARNs: providers.map(String) } : {}), ...(ttl !== undefined ? { authorizerResultTtlInSeconds: ttl } : {}) };
      for (const [k, key] of [['AuthType', 'authType'], ['AuthorizerUri', 'authorizerUri'], ['AuthorizerCredentials', 'authorizerCredentials'], ['IdentitySource', 'identitySource'], ['IdentityValidationExpression', 'identityValidationExpression']] as const) {
        const v = prop(e, k, 'String');
        if (v !== undefined) input[key] = v;
      }
      const id = stable(e);
      authorizers.set(id, api.apiId);
      api.parts.authorizers.push({ ...ids(e), id, input });
    }
    for (const e of this.of('AWS::ApiGateway::GatewayResponse')) {
      const api = this.apiOf(e, apis);
      const statusCode = prop(e, 'StatusCode', 'String') as string | undefined;
      const parameters = stringMap(prop(e, 'ResponseParameters', 'JSONObject'));
      const templates = stringMap(prop(e, 'ResponseTemplates', 'JSONObject'));
      api.parts.gatewayResponses.push({
        ...ids(e), responseType: prop(e, 'ResponseType', 'String', true) as string,
        ...(statusCode !== undefined ? { statusCode } : {}), ...(parameters ? { responseParameters: parameters } : {}), ...(templates ? { responseTemplates: templates } : {}),
      });
    }

    // Resources: each under the root or another resource of the same API, parents first.
    const resources = new Map<string, { e: Entry; api: PlannedApi; parentId: string; pathPart: string }>();
    for (const e of this.of('AWS::ApiGateway::Resource')) {
      const api = this.apiOf(e, apis);
      const parentId = prop(e, 'ParentId', 'String', true) as string;
      const pathPart = prop(e, 'PathPart', 'String', true) as string;
      if (!PATH_PART.test(pathPart)) {
        throw rejected(e, "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.");
      }
      resources.set(stable(e), { e, api, parentId, pathPart });
    }
    const placed = new Set<string>();
    const place = (rid: string, chain: string[]): void => {
      if (placed.has(rid)) return;
      const r = resources.get(rid) as { e: Entry; api: PlannedApi; parentId: string; pathPart: string };
      if (chain.includes(rid)) throw rejected(r.e, 'Invalid Resource identifier specified', 404);
      if (r.parentId !== r.api.rootResourceId) {
        const parent = resources.get(r.parentId);
        if (!parent || parent.api !== r.api) throw rejected(r.e, 'Invalid Resource identifier specified', 404);
        if (parent.pathPart.endsWith('+}')) throw rejected(r.e, `Cannot create a child of a resource with a greedy path variable: /${parent.pathPart}`);
        place(r.parentId, [...chain, rid]);
      }
      const sibling = r.api.parts.resources.find((x) => x.parentId === r.parentId && x.pathPart === r.pathPart);
      if (sibling) throw rejected(r.e, `Another resource with the same parent already has this name: ${r.pathPart}`, 409);
      placed.add(rid);
      r.api.parts.resources.push({ ...ids(r.e), id: rid, parentId: r.parentId, pathPart: r.pathPart });
    };
    for (const rid of resources.keys()) place(rid, []);

    // Methods.
    const methodKeys = new Map<string, { api: PlannedApi; key: string; integrated: boolean }>();
    for (const e of this.of('AWS::ApiGateway::Method')) {
      const api = this.apiOf(e, apis);
      const resourceId = prop(e, 'ResourceId', 'String', true) as string;
      if (resourceId !== api.rootResourceId && resources.get(resourceId)?.api !== api) throw rejected(e, 'Invalid Resource identifier specified', 404);
      const verb = (prop(e, 'HttpMethod', 'String', true) as string).toUpperCase();
      if (!HTTP_METHODS.includes(verb)) throw rejected(e, 'Invalid HttpMethod specified. Valid options are ANY,DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT');
      const key = `${resourceId} ${verb}`;
      if ([...methodKeys.values()].some((m) => m.key === key)) throw rejected(e, 'Method already exists for this resource', 409);
      const authorizationType = ((prop(e, 'AuthorizationType', 'String') as string | undefined) ?? 'NONE').toUpperCase();
      if (!AUTHORIZATION_TYPES.includes(authorizationType)) throw rejected(e, `Invalid authorization type specified. Valid options are ${AUTHORIZATION_TYPES.join(',')}`);
      const authorizerId = prop(e, 'AuthorizerId', 'String') as string | undefined;
      if ((authorizationType === 'CUSTOM' || authorizationType === 'COGNITO_USER_POOLS') && (authorizerId === undefined || authorizers.get(authorizerId) !== api.apiId)) {
        throw rejected(e, 'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.');
      }
      const validatorId = prop(e, 'RequestValidatorId', 'String') as string | undefined;
      if (validatorId !== undefined && validators.get(validatorId) !== api.apiId) throw rejected(e, 'Invalid Request Validator identifier specified');
      const method: Obj = { authorizationType, apiKeyRequired: prop(e, 'ApiKeyRequired', 'Boolean') === true };
      if (authorizerId !== undefined) method.authorizerId = authorizerId;
      const scopes = prop(e, 'AuthorizationScopes', 'JSONArray') as unknown[] | undefined;
      if (scopes) method.authorizationScopes = scopes.map(String);
      if (validatorId !== undefined) method.requestValidatorId = validatorId;
      const operationName = prop(e, 'OperationName', 'String');
      if (operationName !== undefined) method.operationName = operationName;
      const requestParameters = prop(e, 'RequestParameters', 'JSONObject') as Obj | undefined;
      if (requestParameters) method.requestParameters = Object.fromEntries(Object.entries(requestParameters).map(([k, v]) => [k, v === true || v === 'true']));
      const requestModels = stringMap(prop(e, 'RequestModels', 'JSONObject'));
      if (requestModels) method.requestModels = requestModels;
      const methodResponses = ((prop(e, 'MethodResponses', 'JSONArray') as unknown[] | undefined) ?? []).map((raw, i) => {
        const r = sub(e, raw, `#/MethodResponses/${i}`);
        const statusCode = prop(r, 'StatusCode', 'String', true, `#/MethodResponses/${i}`) as string;
        const params = prop(r, 'ResponseParameters', 'JSONObject', false, `#/MethodResponses/${i}`) as Obj | undefined;
        const models = stringMap(prop(r, 'ResponseModels', 'JSONObject', false, `#/MethodResponses/${i}`));
        return {
          statusCode,
          ...(params ? { responseParameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === true || v === 'true'])) } : {}),
          ...(models ? { responseModels: models } : {}),
        };
      });
      let integration: Obj | undefined;
      const integrationResponses: (Obj & { statusCode: string })[] = [];
      const rawIntegration = prop(e, 'Integration', 'JSONObject') as Obj | undefined;
      if (rawIntegration) {
        const i = sub(e, rawIntegration, '#/Integration');
        const type = (prop(i, 'Type', 'String', true, '#/Integration') as string).toUpperCase();
        if (!INTEGRATION_TYPES.includes(type)) throw invalid(e, `#/Integration/Type: ${type} is not a valid enum value`);
        integration = { type };
        for (const [k, key] of [['Uri', 'uri'], ['IntegrationHttpMethod', 'integrationHttpMethod'], ['Credentials', 'credentials'], ['PassthroughBehavior', 'passthroughBehavior'],
          ['ContentHandling', 'contentHandling'], ['CacheNamespace', 'cacheNamespace'], ['ConnectionType', 'connectionType'], ['ConnectionId', 'connectionId']] as const) {
          const v = prop(i, k, 'String', false, '#/Integration');
          if (v !== undefined) integration[key] = v;
        }
        const timeout = prop(i, 'TimeoutInMillis', 'Integer', false, '#/Integration');
        if (timeout !== undefined) integration.timeoutInMillis = timeout;
        const reqParams = stringMap(prop(i, 'RequestParameters', 'JSONObject', false, '#/Integration'));
        if (reqParams) integration.requestParameters = reqParams;
        const reqTemplates = stringMap(prop(i, 'RequestTemplates', 'JSONObject', false, '#/Integration'));
        if (reqTemplates) integration.requestTemplates = reqTemplates;
        const cacheKeys = prop(i, 'CacheKeyParameters', 'JSONArray', false, '#/Integration') as unknown[] | undefined;
        if (cacheKeys) integration.cacheKeyParameters = cacheKeys.map(String);
        if (type !== 'MOCK' && integration.uri === undefined) throw rejected(e, 'Invalid integration URI specified');
        if (type !== 'MOCK' && integration.integrationHttpMethod === undefined) throw rejected(e, 'Enumeration value for HttpMethod must be non-empty');
        ((prop(i, 'IntegrationResponses', 'JSONArray', false, '#/Integration') as unknown[] | undefined) ?? []).forEach((raw, n) => {
          const path = `#/Integration/IntegrationResponses/${n}`;
          const r = sub(e, raw, path);
          const ir: Obj & { statusCode: string } = { statusCode: prop(r, 'StatusCode', 'String', true, path) as string };
          const pattern = prop(r, 'SelectionPattern', 'String', false, path);
          if (pattern !== undefined) ir.selectionPattern = pattern;
          const params = stringMap(prop(r, 'ResponseParameters', 'JSONObject', false, path));
          if (params) ir.responseParameters = params;
          const templates = stringMap(prop(r, 'ResponseTemplates', 'JSONObject', false, path));
          if (templates) ir.responseTemplates = templates;
          const handling = prop(r, 'ContentHandling', 'String', false, path);
          if (handling !== undefined) ir.contentHandling = handling;
          integrationResponses.push(ir);
        });
      }
      methodKeys.set(e.id, { api, key, integrated: integration !== undefined });
      api.parts.methods.push({ ...ids(e), resourceId, httpMethod: verb, method, ...(integration ? { integration } : {}), integrationResponses, methodResponses });
    }

    // Deployments capture the methods they depend on; the imported Body's methods are always there.
    const deployments = new Map<string, string>();
    for (const e of this.of('AWS::ApiGateway::Deployment')) {
      const api = this.apiOf(e, apis);
      const before = this.closure(e.id);
      const mine = [...methodKeys.entries()].filter(([, m]) => m.api === api);
      const included = mine.filter(([id]) => before.has(id));
      if (included.length === 0 && !bodyHasMethods(api.body)) {
        throw rejected(e, "The REST API doesn't contain any methods", 400, ' (a Deployment sees only the methods it depends on: name them in its DependsOn)');
      }
      if (included.some(([, m]) => !m.integrated)) throw rejected(e, 'No integration defined for method');
      const stageName = prop(e, 'StageName', 'String') as string | undefined;
      const description = prop(e, 'Description', 'String') as string | undefined;
      const sd = prop(e, 'StageDescription', 'JSONObject') as Obj | undefined;
      const stageDescription = sd ? sub(e, sd, '#/StageDescription') : undefined;
      let settings: Obj | undefined;
      if (stageDescription) {
        settings = methodSettings(e, stageDescription.props.MethodSettings, '#/StageDescription/MethodSettings') ?? {};
        const all: Obj = {};
        for (const k of ['ThrottlingBurstLimit', 'ThrottlingRateLimit', 'LoggingLevel', 'MetricsEnabled', 'DataTraceEnabled', 'CachingEnabled', 'CacheTtlInSeconds', 'CacheDataEncrypted']) {
          if (stageDescription.props[k] !== undefined) all[k.charAt(0).toLowerCase() + k.slice(1)] = stageDescription.props[k];
        }
        if (Object.keys(all).length > 0) settings['*/*'] = { ...(isObj(settings['*/*']) ? settings['*/*'] : {}), ...all };
        if (Object.keys(settings).length === 0) settings = undefined;
      }
      const variables = stageDescription ? stringMap(stageDescription.props.Variables) : undefined;
      const stageDescriptionText = stageDescription && typeof stageDescription.props.Description === 'string' ? stageDescription.props.Description : undefined;
      const id = stable(e);
      deployments.set(id, api.apiId);
      api.parts.deployments.push({
        ...ids(e), id, excludeMethods: mine.filter(([mid]) => !before.has(mid)).map(([, m]) => m.key),
        ...(stageName !== undefined ? { stageName } : {}), ...(description !== undefined ? { description } : {}),
        ...(stageDescriptionText !== undefined ? { stageDescription: stageDescriptionText } : {}),
        ...(variables ? { variables } : {}), ...(settings ? { methodSettings: settings } : {}),
      });
      if (stageName !== undefined && api.stageName === '') { api.stageName = stageName; api.variables = variables ?? {}; }
    }
    // Deployments are made in dependency order (one may depend on another).
    for (const api of apiList) {
      const order = new Map(api.parts.deployments.map((d) => [d.logicalId, this.closure(d.logicalId).size]));
      api.parts.deployments.sort((a, b) => (order.get(a.logicalId) ?? 0) - (order.get(b.logicalId) ?? 0));
    }
    for (const e of this.of('AWS::ApiGateway::Stage')) {
      const api = this.apiOf(e, apis);
      const stageName = prop(e, 'StageName', 'String', true) as string;
      const deploymentId = prop(e, 'DeploymentId', 'String', true) as string;
      if (deployments.get(deploymentId) !== api.apiId) throw rejected(e, 'Invalid deployment identifier specified');
      const variables = stringMap(prop(e, 'Variables', 'JSONObject'));
      const description = prop(e, 'Description', 'String') as string | undefined;
      const settings = methodSettings(e, e.props.MethodSettings, '#/MethodSettings');
      const tracing = prop(e, 'TracingEnabled', 'Boolean') as boolean | undefined;
      api.parts.stages.push({
        ...ids(e), stageName, deploymentId, ...(variables ? { variables } : {}), ...(description !== undefined ? { description } : {}),
        ...(settings ? { methodSettings: settings } : {}), ...(tracing !== undefined ? { tracingEnabled: tracing } : {}),
      });
      if (api.stageName === '' || !api.parts.deployments.some((d) => d.stageName === api.stageName)) { api.stageName = stageName; api.variables = variables ?? {}; }
    }

    // API keys, usage plans and their keys.
    const apiKeys: PlannedApiKey[] = [];
    for (const e of this.of('AWS::ApiGateway::ApiKey')) {
      const value = prop(e, 'Value', 'String') as string | undefined;
      if (value !== undefined && value.length < 20) throw rejected(e, 'API Key value should be at least 20 characters');
      const stageKeys = ((prop(e, 'StageKeys', 'JSONArray') as unknown[] | undefined) ?? []).map((raw, i) => {
        const s = sub(e, raw, `#/StageKeys/${i}`);
        return `${String(prop(s, 'RestApiId', 'String', false, `#/StageKeys/${i}`) ?? '')}/${String(prop(s, 'StageName', 'String', false, `#/StageKeys/${i}`) ?? '')}`;
      });
      const description = prop(e, 'Description', 'String') as string | undefined;
      const customerId = prop(e, 'CustomerId', 'String') as string | undefined;
      const id = stable(e, 10);
      apiKeys.push({
        ...ids(e), id, name: (prop(e, 'Name', 'String') as string | undefined) ?? generatedName(this.o.stackName, e.id),
        ...(value !== undefined ? { value } : {}), enabled: prop(e, 'Enabled', 'Boolean') === true, stageKeys,
        ...(description !== undefined ? { description } : {}), ...(customerId !== undefined ? { customerId } : {}),
      });
    }
    const usagePlans: PlannedUsagePlan[] = [];
    for (const e of this.of('AWS::ApiGateway::UsagePlan')) {
      const apiStages = ((prop(e, 'ApiStages', 'JSONArray') as unknown[] | undefined) ?? []).map((raw, i) => {
        const path = `#/ApiStages/${i}`;
        const s = sub(e, raw, path);
        const throttle = prop(s, 'Throttle', 'JSONObject', false, path) as Obj | undefined;
        return {
          apiId: String(prop(s, 'ApiId', 'String', false, path) ?? ''), stage: String(prop(s, 'Stage', 'String', false, path) ?? ''),
          ...(throttle ? { throttle: Object.fromEntries(Object.entries(throttle).map(([k, t]) => [k, throttleOf(sub(e, t, `${path}/Throttle/${k}`))])) } : {}),
        };
      });
      const throttle = prop(e, 'Throttle', 'JSONObject') as Obj | undefined;
      const quota = prop(e, 'Quota', 'JSONObject') as Obj | undefined;
      const description = prop(e, 'Description', 'String') as string | undefined;
      const id = stable(e);
      usagePlans.push({
        ...ids(e), id, name: (prop(e, 'UsagePlanName', 'String') as string | undefined) ?? generatedName(this.o.stackName, e.id), apiStages,
        ...(throttle ? { throttle: throttleOf(sub(e, throttle, '#/Throttle')) } : {}),
        ...(quota ? { quota: quotaOf(sub(e, quota, '#/Quota')) } : {}),
        ...(description !== undefined ? { description } : {}),
      });
    }
    const usagePlanKeys: PlannedUsagePlanKey[] = [];
    for (const e of this.of('AWS::ApiGateway::UsagePlanKey')) {
      const keyId = prop(e, 'KeyId', 'String', true) as string;
      const keyType = prop(e, 'KeyType', 'String', true) as string;
      const usagePlanId = prop(e, 'UsagePlanId', 'String', true) as string;
      if (keyType !== 'API_KEY') throw invalid(e, `#/KeyType: ${keyType} is not a valid enum value`);
      // A Ref to a resource of the template must name an ApiKey / a UsagePlan; other ids are looked up when deployed.
      const keyRef = refTarget(e.raw.KeyId);
      if (keyRef !== undefined && this.o.typeOf(keyRef) !== 'AWS::ApiGateway::ApiKey') throw rejected(e, 'Invalid API Key identifier specified', 404);
      const planRef = refTarget(e.raw.UsagePlanId);
      if (planRef !== undefined && this.o.typeOf(planRef) !== 'AWS::ApiGateway::UsagePlan') throw rejected(e, 'Invalid Usage Plan ID specified', 404);
      usagePlanKeys.push({ ...ids(e), keyId, keyType: 'API_KEY', usagePlanId });
    }
    return { apiKeys, usagePlans, usagePlanKeys };
  }
}

/** The logical id a property value written as `!Ref X` or `!GetAtt X.Attr` names. */
function refTarget(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v.Ref === 'string') return v.Ref;
  const g = v['Fn::GetAtt'];
  if (typeof g === 'string') return g.split('.')[0];
  if (Array.isArray(g) && typeof g[0] === 'string') return g[0];
  return undefined;
}

function throttleOf(e: Entry): { burstLimit?: number; rateLimit?: number } {
  prop(e, 'BurstLimit', 'Integer');
  return throttleFrom(e.props);
}

function quotaOf(e: Entry): { limit: number; offset?: number; period: string } {
  prop(e, 'Limit', 'Integer');
  prop(e, 'Offset', 'Integer');
  prop(e, 'Period', 'String');
  return quotaFrom(e.props);
}

/** ThrottleSettings {BurstLimit, RateLimit} as the usage plan API holds them. */
export function throttleFrom(t: Obj): { burstLimit?: number; rateLimit?: number } {
  return { ...(t.BurstLimit !== undefined ? { burstLimit: Number(t.BurstLimit) } : {}), ...(t.RateLimit !== undefined ? { rateLimit: Number(t.RateLimit) } : {}) };
}

/** QuotaSettings {Limit, Offset, Period}. */
export function quotaFrom(q: Obj): { limit: number; offset?: number; period: string } {
  return { limit: Number(q.Limit ?? 0), ...(q.Offset !== undefined ? { offset: Number(q.Offset) } : {}), period: String(q.Period ?? 'DAY') };
}

function bodyHasMethods(body: Obj): boolean {
  const paths = isObj(body.paths) ? body.paths : {};
  return Object.values(paths).some((item) => isObj(item) && Object.entries(item).some(([k, v]) => !['summary', 'description', 'parameters', 'servers', '$ref'].includes(k) && isObj(v)));
}
