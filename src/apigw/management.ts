// The API Gateway management API (AWS REST JSON, paths `/restapis/...`, `/apikeys`, `/usageplans`)
// that the `aws` CLI and SDKs call with --endpoint-url. Handlers work on the ApiRegistry; every
// failure is an ApiGatewayError, converted to the wire by the endpoint.
import { stringify as toYaml } from 'yaml';
import { applyCanaryOp, isCanaryOp } from './canary.js';
import { badRequest, notFound } from './errors.js';
import { jsonBody, ok } from './management-wire.js';
import type { ApiState, GatewayResponse, Integration, IntegrationResponse, Method, MethodResponse, Resource, Stage } from './model.js';
import { newId, snapshotOf } from './model.js';
import { exportDefinition, importDefinition, parseDefinition } from './openapi.js';
import { isObj, validateVariables, type ApiRegistry } from './registry.js';
import { isMethodSettingOp, patchMethodSettings, UsageApi } from './management-usage.js';
import { UsageMeter } from './usage-meter.js';
import { authorizersApi, checkMethodAuthorizer, type AuthorizerTester } from './management-authorizers.js';
import { INVALID_POLICY_MESSAGE, policyProblem } from './resource-policy.js';

export interface MgmtRequest {
  method: string;
  segments: string[];
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
}

export interface MgmtResponse {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface TestInvokeRunner {
  (state: ApiState, resource: Resource, verb: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

type Json = Record<string, unknown>;

const resourceView = (r: Resource, embed: boolean): Json => {
  const out: Json = { id: r.id, ...(r.parentId ? { parentId: r.parentId } : {}), ...(r.pathPart ? { pathPart: r.pathPart } : {}), path: r.path };
  if (r.resourceMethods && Object.keys(r.resourceMethods).length > 0) {
    out.resourceMethods = embed ? r.resourceMethods : Object.fromEntries(Object.keys(r.resourceMethods).map((k) => [k, {}]));
  }
  return out;
};

const stageView = (s: Stage): Json => ({ ...s });

/** JSON-patch-like patchOperations of Update* calls (replace/add/remove on `/a/b` paths). */
function applyPatch(target: Json, ops: unknown): void {
  if (!Array.isArray(ops)) return;
  for (const op of ops) {
    if (!isObj(op) || typeof op.path !== 'string') continue;
    const parts = op.path.split('/').filter((p) => p !== '').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let cur: Json = target;
    for (const p of parts.slice(0, -1)) {
      if (!isObj(cur[p])) cur[p] = {};
      cur = cur[p] as Json;
    }
    const last = parts[parts.length - 1];
    if (last === undefined) continue;
    if (op.op === 'remove') delete cur[last];
    else cur[last] = op.value;
  }
}

/** PutMethod (also what a template's AWS::ApiGateway::Method creates): replaces `verb` on the resource. */
export function putMethod(state: ApiState, resource: Resource, verb: string, b: Json): Method {
  const created: Method = {
    httpMethod: verb, authorizationType: typeof b.authorizationType === 'string' ? b.authorizationType : 'NONE',
    apiKeyRequired: b.apiKeyRequired === true,
    ...(typeof b.authorizerId === 'string' ? { authorizerId: b.authorizerId } : {}),
    ...(Array.isArray(b.authorizationScopes) ? { authorizationScopes: b.authorizationScopes.map(String) } : {}),
    ...(typeof b.requestValidatorId === 'string' ? { requestValidatorId: b.requestValidatorId } : {}),
    ...(typeof b.operationName === 'string' ? { operationName: b.operationName } : {}),
    ...(isObj(b.requestParameters) ? { requestParameters: b.requestParameters as Record<string, boolean> } : {}),
    ...(isObj(b.requestModels) ? { requestModels: b.requestModels as Record<string, string> } : {}),
  };
  checkMethodAuthorizer(state, created.authorizationType, created.authorizerId);
  if (created.requestValidatorId !== undefined && !state.validators.has(created.requestValidatorId)) throw badRequest('Invalid Request Validator identifier specified');
  (resource.resourceMethods ??= {})[verb] = created;
  return created;
}

/** PutIntegration on a method of resource `resourceId` (defaults, FACTS §7: WHEN_NO_MATCH, 29 000 ms). */
export function putIntegration(resourceId: string, method: Method, b: Json): Integration {
  const type = String(b.type ?? '').toUpperCase();
  if (!['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'].includes(type)) throw badRequest('Invalid integration type specified');
  if (type !== 'MOCK' && typeof b.uri !== 'string') throw badRequest('Enumeration value for HttpMethod must be non-empty');
  if (type !== 'MOCK' && typeof b.httpMethod !== 'string' && typeof b.integrationHttpMethod !== 'string') throw badRequest('Enumeration value for HttpMethod must be non-empty');
  const timeout = b.timeoutInMillis === undefined ? 29_000 : Number(b.timeoutInMillis);
  if (!(timeout >= 50 && timeout <= 29_000)) throw badRequest('Timeout should be between 50 ms and 29000 ms');
  const pt = typeof b.passthroughBehavior === 'string' ? b.passthroughBehavior.toUpperCase() : 'WHEN_NO_MATCH';
  if (!['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'].includes(pt)) throw badRequest('Invalid passthrough behavior specified');
  const i: Integration = {
    type: type as Integration['type'],
    ...(typeof b.integrationHttpMethod === 'string' ? { httpMethod: b.integrationHttpMethod } : typeof b.httpMethod === 'string' ? { httpMethod: b.httpMethod } : {}),
    ...(typeof b.uri === 'string' ? { uri: b.uri } : {}),
    ...(typeof b.credentials === 'string' ? { credentials: b.credentials } : {}),
    ...(isObj(b.requestParameters) ? { requestParameters: b.requestParameters as Record<string, string> } : {}),
    ...(isObj(b.requestTemplates) ? { requestTemplates: b.requestTemplates as Record<string, string> } : {}),
    passthroughBehavior: pt as Integration['passthroughBehavior'],
    ...(typeof b.contentHandling === 'string' ? { contentHandling: b.contentHandling } : {}),
    timeoutInMillis: timeout,
    cacheNamespace: typeof b.cacheNamespace === 'string' ? b.cacheNamespace : resourceId,
    cacheKeyParameters: Array.isArray(b.cacheKeyParameters) ? b.cacheKeyParameters.map(String) : [],
  };
  method.methodIntegration = i;
  return i;
}

/** PutIntegrationResponse for status `code`. */
export function putIntegrationResponse(integration: Integration, code: string, b: Json): IntegrationResponse {
  const ir: IntegrationResponse = {
    statusCode: code,
    ...(typeof b.selectionPattern === 'string' ? { selectionPattern: b.selectionPattern } : {}),
    ...(isObj(b.responseParameters) ? { responseParameters: b.responseParameters as Record<string, string> } : {}),
    ...(isObj(b.responseTemplates) ? { responseTemplates: b.responseTemplates as Record<string, string> } : {}),
    ...(typeof b.contentHandling === 'string' ? { contentHandling: b.contentHandling } : {}),
  };
  integration.integrationResponses = { ...(integration.integrationResponses ?? {}), [code]: ir };
  return ir;
}

/** PutMethodResponse for status `code`. */
export function putMethodResponse(method: Method, code: string, b: Json): MethodResponse {
  const mr: MethodResponse = {
    statusCode: code,
    ...(isObj(b.responseParameters) ? { responseParameters: b.responseParameters as Record<string, boolean> } : {}),
    ...(isObj(b.responseModels) ? { responseModels: b.responseModels as Record<string, string> } : {}),
  };
  method.methodResponses = { ...(method.methodResponses ?? {}), [code]: mr };
  return mr;
}

export class ManagementApi {
  constructor(
    private readonly registry: ApiRegistry, private readonly testInvoke: TestInvokeRunner, private readonly host: () => string, private readonly authorizerTester?: AuthorizerTester,
    /** API keys, usage plans and usage (management-usage.ts) */
    private readonly usage: UsageApi = new UsageApi(registry, new UsageMeter()),
    /** FlushStageAuthorizersCache: drops a stage's cached authorizer results */
    private readonly flushAuthorizers: (apiId: string, stageName: string) => void = () => undefined,
  ) {}

  async handle(req: MgmtRequest): Promise<MgmtResponse> {
    const [root, id, sub, subId, ...rest] = req.segments;
    const m = req.method;
    if (root === 'apikeys' || root === 'usageplans') return this.usage.handle(req);
    if (root !== 'restapis') throw notFound('Unknown operation');
    const reg = this.registry;
    if (id === undefined) {
      if (m === 'GET') {
        const items = [...reg.apis.values()].map((s) => s.api);
        return ok(200, { item: items });
      }
      if (m === 'POST' && req.query.get('mode') === 'import') return this.importApi(req);
      if (m === 'POST') return ok(201, reg.createApi(jsonBody(req.body)).api);
      throw notFound('Unknown operation');
    }
    if (sub === 'authorizers') return authorizersApi(reg, req, id, subId, this.authorizerTester);
    const state = reg.api(id);
    if (sub === undefined) {
      if (m === 'GET') return ok(200, state.api);
      if (m === 'DELETE') { reg.deleteApi(id); return ok(202, undefined); }
      if (m === 'PUT') return this.putApi(req, state);
      if (m === 'PATCH') {
        const policyBefore = state.api.policy;
        applyPatch(state.api as unknown as Json, jsonBody(req.body).patchOperations);
        // UpdateRestApi `/policy` takes JSON text; an empty value removes the policy, an invalid one is refused.
        if (state.api.policy !== policyBefore) {
          const p: unknown = state.api.policy;
          if (p === '' || p === null || p === undefined) delete state.api.policy;
          else if (typeof p !== 'string' || policyProblem(p) !== undefined) {
            if (policyBefore === undefined) delete state.api.policy; else state.api.policy = policyBefore;
            throw badRequest(INVALID_POLICY_MESSAGE);
          }
        }
        return ok(200, state.api);
      }
    }
    switch (sub) {
      case 'resources': return this.resources(req, state, subId, rest);
      case 'deployments': return this.deployments(req, state, subId);
      case 'stages': return this.stages(req, state, subId, rest);
      case 'models': return this.models(req, state, subId);
      case 'requestvalidators': return this.validators(req, state, subId);
      case 'gatewayresponses': return this.gatewayResponses(req, state, subId);
      default: throw notFound('Unknown operation');
    }
  }

  private importApi(req: MgmtRequest): MgmtResponse {
    const doc = parseDefinition(req.body);
    const state = this.registry.createApi({ name: 'imported' });
    try {
      const warnings = importDefinition(this.registry, state, doc, { mode: 'create', failOnWarnings: req.query.get('failonwarnings') === 'true' });
      const endpoint = req.query.get('endpointConfigurationTypes') ?? req.query.get('parameters[endpointConfigurationTypes]');
      if (endpoint) state.api.endpointConfiguration = { types: [endpoint] };
      return ok(201, { ...state.api, ...(warnings.length > 0 ? { warnings } : {}) });
    } catch (e) {
      this.registry.apis.delete(state.api.id);
      throw e;
    }
  }

  private putApi(req: MgmtRequest, state: ApiState): MgmtResponse {
    const doc = parseDefinition(req.body);
    const mode = req.query.get('mode') === 'merge' ? 'merge' : 'overwrite';
    const backup = snapshotOf(state);
    try {
      const warnings = importDefinition(this.registry, state, doc, { mode, failOnWarnings: req.query.get('failonwarnings') === 'true' });
      return ok(200, { ...state.api, ...(warnings.length > 0 ? { warnings } : {}) });
    } catch (e) {
      // A failed PutRestApi leaves the API as it was.
      state.api = backup.api;
      state.resources = new Map(backup.resources.map((r) => [r.id, r]));
      state.models = new Map(backup.models.map((x) => [x.name, x]));
      state.validators = new Map(backup.validators.map((x) => [x.id, x]));
      state.gatewayResponses = new Map(backup.gatewayResponses.map((x) => [x.responseType, x]));
      state.authorizers = new Map(backup.authorizers.map((x) => [x.id, x]));
      throw e;
    }
  }

  private async resources(req: MgmtRequest, state: ApiState, rid: string | undefined, rest: string[]): Promise<MgmtResponse> {
    const reg = this.registry;
    const m = req.method;
    if (rid === undefined) {
      if (m !== 'GET') throw notFound('Unknown operation');
      const embed = req.query.getAll('embed').includes('methods');
      return ok(200, { item: [...state.resources.values()].map((r) => resourceView(r, embed)) });
    }
    const resource = reg.resource(state, rid);
    if (rest.length === 0) {
      if (m === 'GET') return ok(200, resourceView(resource, req.query.getAll('embed').includes('methods')));
      if (m === 'POST') return ok(201, resourceView(reg.createResource(state, rid, jsonBody(req.body).pathPart), false));
      if (m === 'DELETE') { reg.deleteResource(state, rid); return ok(202, undefined); }
      if (m === 'PATCH') {
        const body = jsonBody(req.body);
        const patch: Json = {};
        applyPatch(patch, body.patchOperations);
        if (typeof patch.pathPart === 'string') resource.pathPart = patch.pathPart;
        return ok(200, resourceView(resource, false));
      }
      throw notFound('Unknown operation');
    }
    if (rest[0] !== 'methods' || rest[1] === undefined) throw notFound('Unknown operation');
    const verb = rest[1].toUpperCase();
    const methods = (resource.resourceMethods ??= {});
    const tail = rest.slice(2);
    const method = (): Method => {
      const x = methods[verb];
      if (!x) throw notFound('Invalid Method identifier specified');
      return x;
    };
    if (tail.length === 0) {
      if (m === 'PUT') return ok(201, putMethod(state, resource, verb, jsonBody(req.body)));
      if (m === 'GET') return ok(200, method());
      if (m === 'DELETE') { method(); delete methods[verb]; return ok(204, undefined); }
      if (m === 'POST') {
        const result = await this.testInvoke(state, resource, verb, jsonBody(req.body));
        return ok(200, result);
      }
      if (m === 'PATCH') {
        // UpdateMethod to CUSTOM / COGNITO_USER_POOLS needs a valid authorizer [rec]; a refused patch changes nothing
        const x = structuredClone(method());
        applyPatch(x as unknown as Json, jsonBody(req.body).patchOperations);
        checkMethodAuthorizer(state, x.authorizationType, x.authorizerId);
        methods[verb] = x;
        return ok(200, x);
      }
      throw notFound('Unknown operation');
    }
    if (tail[0] === 'integration') {
      const integ = (): Integration => {
        const x = method().methodIntegration;
        if (!x) throw notFound('Invalid Integration identifier specified');
        return x;
      };
      if (tail[1] === 'responses' && tail[2] !== undefined) {
        const code = tail[2];
        if (m === 'PUT') return ok(201, putIntegrationResponse(integ(), code, jsonBody(req.body)));
        const ir = integ().integrationResponses?.[code];
        if (!ir) throw notFound('Invalid Response status code specified');
        if (m === 'GET') return ok(200, ir);
        if (m === 'DELETE') { delete integ().integrationResponses?.[code]; return ok(204, undefined); }
        throw notFound('Unknown operation');
      }
      if (m === 'PUT') return ok(201, putIntegration(rid, method(), jsonBody(req.body)));
      if (m === 'GET') return ok(200, integ());
      if (m === 'DELETE') { integ(); delete method().methodIntegration; return ok(204, undefined); }
      if (m === 'PATCH') { const x = integ(); applyPatch(x as unknown as Json, jsonBody(req.body).patchOperations); return ok(200, x); }
      throw notFound('Unknown operation');
    }
    if (tail[0] === 'responses' && tail[1] !== undefined) {
      const code = tail[1];
      if (m === 'PUT') return ok(201, putMethodResponse(method(), code, jsonBody(req.body)));
      const mr = method().methodResponses?.[code];
      if (!mr) throw notFound('Invalid Response status code specified');
      if (m === 'GET') return ok(200, mr);
      if (m === 'DELETE') { delete method().methodResponses?.[code]; return ok(204, undefined); }
    }
    throw notFound('Unknown operation');
  }

  private deployments(req: MgmtRequest, state: ApiState, did: string | undefined): MgmtResponse {
    const view = (d: { id: string; description?: string; createdDate: number }): Json => ({ id: d.id, createdDate: d.createdDate, ...(d.description ? { description: d.description } : {}) });
    if (did === undefined) {
      if (req.method === 'POST') return ok(201, view(this.registry.createDeployment(state, jsonBody(req.body))));
      if (req.method === 'GET') return ok(200, { item: [...state.deployments.values()].map(view) });
    } else {
      const d = state.deployments.get(did);
      if (!d) throw notFound('Invalid Deployment identifier specified');
      if (req.method === 'GET') return ok(200, view(d));
      if (req.method === 'DELETE') {
        if ([...state.stages.values()].some((s) => s.deploymentId === did)) throw badRequest('Active stages pointing to this deployment must be moved or deleted');
        state.deployments.delete(did);
        return ok(202, undefined);
      }
    }
    throw notFound('Unknown operation');
  }

  private stages(req: MgmtRequest, state: ApiState, name: string | undefined, rest: string[]): MgmtResponse {
    const reg = this.registry;
    if (name === undefined) {
      if (req.method === 'POST') return ok(201, stageView(reg.createStage(state, jsonBody(req.body))));
      if (req.method === 'GET') return ok(200, { item: [...state.stages.values()].map(stageView) });
      throw notFound('Unknown operation');
    }
    const stage = reg.stage(state, name);
    if (rest[0] === 'exports' && rest[1] !== undefined) {
      const type = rest[1] === 'oas30' ? 'oas30' : rest[1] === 'swagger' ? 'swagger' : undefined;
      if (!type) throw badRequest(`No API exporter for type '${rest[1]}'`);
      const d = state.deployments.get(stage.deploymentId);
      if (!d) throw notFound('Invalid Deployment identifier specified');
      // `extensions=integrations`, `authorizers` or `apigateway` (all of them); the SDK sends the parameter unprefixed
      const extensions = /integrations|authorizers|apigateway/.test(req.query.get('parameters[extensions]') ?? req.query.get('extensions') ?? '');
      const doc = exportDefinition(d.snapshot, name, type, extensions, `${state.api.id}.execute-api.${this.host()}`);
      const yaml = (req.headers.accept ?? '').includes('yaml');
      return { status: 200, body: yaml ? toYaml(doc) : JSON.stringify(doc, null, 2), headers: { 'Content-Type': yaml ? 'application/yaml' : 'application/json' } };
    }
    if (rest[0] === 'cache' && rest[1] === 'authorizers' && rest.length === 2 && req.method === 'DELETE') {
      this.flushAuthorizers(state.api.id, stage.stageName);
      return ok(202, undefined);
    }
    if (rest.length > 0) throw notFound('Unknown operation');
    if (req.method === 'GET') return ok(200, stageView(stage));
    if (req.method === 'DELETE') { state.stages.delete(name); reg.version++; return ok(202, undefined); }
    if (req.method === 'PATCH') {
      const all = jsonBody(req.body).patchOperations;
      const before = structuredClone(stage);
      const ops = Array.isArray(all) ? all.filter((op) => !(isObj(op) && (isCanaryOp(op) || isMethodSettingOp(op)))) : [];
      // Method settings (throttling of the stage and its methods: usage-meter.ts) are patched as a copy first.
      const methodSettings = patchMethodSettings(stage.methodSettings, Array.isArray(all) ? all.filter((op): op is Json => isObj(op) && isMethodSettingOp(op)) : [],
        (path, verb) => [...state.resources.values()].some((r) => r.path === path && r.resourceMethods?.[verb] !== undefined));
      const view = { variables: { ...(stage.variables ?? {}) }, deploymentId: stage.deploymentId, description: stage.description } as Json;
      applyPatch(view, ops);
      const vars = validateVariables(isObj(view.variables) ? view.variables : {});
      if (typeof view.deploymentId === 'string') {
        if (!state.deployments.has(view.deploymentId)) throw badRequest('Invalid deployment identifier specified');
        stage.deploymentId = view.deploymentId;
      }
      stage.variables = vars;
      stage.methodSettings = methodSettings;
      if (typeof view.description === 'string') stage.description = view.description;
      // Canary operations last: a promotion copies onto the fields just patched.
      try {
        if (Array.isArray(all)) for (const op of all) if (isObj(op) && isCanaryOp(op)) applyCanaryOp(state, stage, op);
      } catch (e) {
        // a rejected UpdateStage changes nothing
        for (const k of Object.keys(stage)) delete (stage as unknown as Json)[k];
        Object.assign(stage, before);
        throw e;
      }
      stage.lastUpdatedDate = reg.now();
      reg.version++;
      return ok(200, stageView(stage));
    }
    throw notFound('Unknown operation');
  }

  private models(req: MgmtRequest, state: ApiState, name: string | undefined): MgmtResponse {
    if (name === undefined) {
      if (req.method === 'GET') return ok(200, { item: [...state.models.values()] });
      if (req.method === 'POST') {
        const b = jsonBody(req.body);
        if (typeof b.name !== 'string' || !/^[A-Za-z0-9]+$/.test(b.name)) throw badRequest('Invalid model name specified');
        if (typeof b.contentType !== 'string') throw badRequest('Invalid content type specified');
        if (typeof b.schema === 'string') { try { JSON.parse(b.schema); } catch { throw badRequest('Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]'); } }
        const model = { id: newId(6), name: b.name, contentType: b.contentType, ...(typeof b.schema === 'string' ? { schema: b.schema } : {}), ...(typeof b.description === 'string' ? { description: b.description } : {}) };
        state.models.set(b.name, model);
        return ok(201, model);
      }
    } else {
      const model = state.models.get(name);
      if (!model) throw notFound('Invalid model name specified');
      if (req.method === 'GET') return ok(200, model);
      if (req.method === 'DELETE') { state.models.delete(name); return ok(202, undefined); }
    }
    throw notFound('Unknown operation');
  }

  private validators(req: MgmtRequest, state: ApiState, vid: string | undefined): MgmtResponse {
    if (vid === undefined) {
      if (req.method === 'GET') return ok(200, { item: [...state.validators.values()] });
      if (req.method === 'POST') {
        const b = jsonBody(req.body);
        const v = { id: newId(6), name: typeof b.name === 'string' ? b.name : '', validateRequestBody: b.validateRequestBody === true, validateRequestParameters: b.validateRequestParameters === true };
        state.validators.set(v.id, v);
        return ok(201, v);
      }
    } else {
      const v = state.validators.get(vid);
      if (!v) throw notFound('Invalid Request Validator identifier specified');
      if (req.method === 'GET') return ok(200, v);
      if (req.method === 'DELETE') { state.validators.delete(vid); return ok(202, undefined); }
    }
    throw notFound('Unknown operation');
  }

  private gatewayResponses(req: MgmtRequest, state: ApiState, type: string | undefined): MgmtResponse {
    if (type === undefined) {
      if (req.method === 'GET') return ok(200, { item: [...state.gatewayResponses.values()] });
      throw notFound('Unknown operation');
    }
    if (req.method === 'PUT') {
      const b = jsonBody(req.body);
      const gr: GatewayResponse = {
        responseType: type, defaultResponse: false,
        ...(typeof b.statusCode === 'string' ? { statusCode: b.statusCode } : {}),
        ...(isObj(b.responseParameters) ? { responseParameters: b.responseParameters as Record<string, string> } : {}),
        ...(isObj(b.responseTemplates) ? { responseTemplates: b.responseTemplates as Record<string, string> } : {}),
      };
      state.gatewayResponses.set(type, gr);
      return ok(201, gr);
    }
    const gr = state.gatewayResponses.get(type);
    if (req.method === 'GET') return ok(200, gr ?? { responseType: type, defaultResponse: true });
    if (req.method === 'DELETE') { state.gatewayResponses.delete(type); return ok(202, undefined); }
    throw notFound('Unknown operation');
  }
}

