// Deploys REST APIs, API keys and usage plans with known ids (templates: SAM AWS::Serverless::Api,
// AWS::ApiGateway::RestApi with a Body and/or the step-by-step AWS::ApiGateway::* resources): the
// OpenAPI import, then resources, methods and integrations as PutMethod/PutIntegration make them, then
// deployments and stages. Ids stay the same from one start to the next; a restart updates what the
// store kept instead of adding a second copy.
import type { ApiRegistry } from './registry.js';
import { importDefinition } from './openapi.js';
import { badRequest, conflict, notFound } from './errors.js';
import { putIntegration, putIntegrationResponse, putMethod, putMethodResponse } from './management.js';
import type { ApiKey, ApiState, Method, UsagePlan } from './model.js';

export interface DeployApiInput {
  id: string;
  name: string;
  body: Record<string, unknown>;
  stageName: string;
  variables?: Record<string, string>;
}

/** Creates (or replaces) the API `id`; returns the import warnings. */
export function deployApi(registry: ApiRegistry, input: DeployApiInput): string[] {
  return deployRestApi(registry, {
    id: input.id, name: input.name, body: input.body,
    deployments: [{ id: '', stageName: input.stageName, ...(input.variables ? { variables: input.variables } : {}) }],
  });
}

type Json = Record<string, unknown>;

/** Runs one step of a deployment; templates use it to say which resource a failure belongs to. */
export type DeployStep = <T>(tag: string | undefined, fn: () => T) => T;
const plainStep: DeployStep = (_tag, fn) => fn();

/** A REST API as a template describes it. Request bodies are the management API's (camelCase). */
export interface RestApiSpec {
  id: string;
  name: string;
  /** the root resource id templates already handed out (`Fn::GetAtt Api.RootResourceId`) */
  rootResourceId?: string;
  /** CreateRestApi input: description, binaryMediaTypes, apiKeySource, endpointConfiguration, ... */
  create?: Json;
  /** the resource policy (a JSON document as text) */
  policy?: string;
  /** an OpenAPI document imported first */
  body?: Json;
  tag?: string;
  models?: { tag?: string; id: string; name: string; contentType: string; schema?: string; description?: string }[];
  validators?: { tag?: string; id: string; name: string; validateRequestBody: boolean; validateRequestParameters: boolean }[];
  /** CreateAuthorizer inputs */
  authorizers?: { tag?: string; id: string; input: Json }[];
  gatewayResponses?: { tag?: string; responseType: string; statusCode?: string; responseParameters?: Record<string, string>; responseTemplates?: Record<string, string> }[];
  /** parents before children */
  resources?: { tag?: string; id: string; parentId: string; pathPart: string }[];
  methods?: {
    tag?: string; resourceId: string; httpMethod: string; method: Json; integration?: Json;
    integrationResponses?: (Json & { statusCode: string })[]; methodResponses?: (Json & { statusCode: string })[];
  }[];
  /** in creation order; `excludeMethods` (`resourceId VERB`) are methods not yet created when it was made */
  deployments?: {
    tag?: string; id: string; description?: string; stageName?: string; stageDescription?: string;
    variables?: Record<string, string>; methodSettings?: Json; excludeMethods?: string[];
  }[];
  stages?: { tag?: string; stageName: string; deploymentId: string; description?: string; variables?: Record<string, string>; methodSettings?: Json; tracingEnabled?: boolean }[];
}

/** Creates (or replaces) the API `spec.id` step by step; returns the import warnings. */
export function deployRestApi(registry: ApiRegistry, spec: RestApiSpec, step: DeployStep = plainStep): string[] {
  if (registry.apis.has(spec.id)) registry.deleteApi(spec.id);
  const state = step(spec.tag, () => registry.createApi({ ...(spec.create ?? {}), name: spec.name }, spec.id));
  try {
    if (spec.rootResourceId !== undefined && spec.rootResourceId !== state.api.rootResourceId) rekeyRoot(state, spec.rootResourceId);
    const warnings = spec.body ? step(spec.tag, () => importDefinition(registry, state, spec.body as Json, { mode: 'create', failOnWarnings: false })) : [];
    // The template's Name wins over the document's title, as CloudFormation's RestApi Name does.
    state.api.name = spec.name;
    if (spec.policy !== undefined) state.api.policy = spec.policy;
    for (const m of spec.models ?? []) step(m.tag, () => {
      if (!/^[A-Za-z0-9]+$/.test(m.name)) throw badRequest('Invalid model name specified');
      if (m.schema !== undefined) {
        try { JSON.parse(m.schema); } catch { throw badRequest('Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]'); }
      }
      state.models.set(m.name, { id: m.id, name: m.name, contentType: m.contentType, ...(m.schema !== undefined ? { schema: m.schema } : {}), ...(m.description !== undefined ? { description: m.description } : {}) });
    });
    for (const v of spec.validators ?? []) state.validators.set(v.id, { id: v.id, name: v.name, validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters });
    for (const a of spec.authorizers ?? []) step(a.tag, () => registry.createAuthorizer(state, a.input, a.id));
    for (const g of spec.gatewayResponses ?? []) {
      state.gatewayResponses.set(g.responseType, {
        responseType: g.responseType, defaultResponse: false,
        ...(g.statusCode !== undefined ? { statusCode: g.statusCode } : {}),
        ...(g.responseParameters ? { responseParameters: g.responseParameters } : {}),
        ...(g.responseTemplates ? { responseTemplates: g.responseTemplates } : {}),
      });
    }
    for (const r of spec.resources ?? []) step(r.tag, () => registry.createResource(state, r.parentId, r.pathPart, r.id));
    for (const m of spec.methods ?? []) step(m.tag, () => {
      const resource = registry.resource(state, m.resourceId);
      if (resource.resourceMethods?.[m.httpMethod]) throw conflict('Method already exists for this resource');
      const method = putMethod(state, resource, m.httpMethod, m.method);
      if (method.authorizerId !== undefined && !state.authorizers.has(method.authorizerId)) throw badRequest('Invalid authorizer ID specified');
      for (const mr of m.methodResponses ?? []) putMethodResponse(method, mr.statusCode, mr);
      if (m.integration) {
        const integration = putIntegration(resource.id, method, m.integration);
        for (const ir of m.integrationResponses ?? []) putIntegrationResponse(integration, ir.statusCode, ir);
      }
    });
    const deploymentIds = new Map<string, string>();
    for (const d of spec.deployments ?? []) step(d.tag, () => {
      const made = withoutMethods(state, d.excludeMethods ?? [], () => registry.createDeployment(state, {
        ...(d.stageName !== undefined ? { stageName: d.stageName } : {}), ...(d.description !== undefined ? { description: d.description } : {}),
        ...(d.variables ? { variables: d.variables } : {}), ...(d.stageDescription !== undefined ? { stageDescription: d.stageDescription } : {}),
      }));
      if (d.id !== '' && d.id !== made.id) rekeyDeployment(state, made.id, d.id);
      deploymentIds.set(d.id, d.id === '' ? made.id : d.id);
      if (d.stageName !== undefined && d.methodSettings) {
        const stage = state.stages.get(d.stageName);
        if (stage) stage.methodSettings = d.methodSettings;
      }
    });
    for (const s of spec.stages ?? []) step(s.tag, () => {
      const stage = registry.createStage(state, { stageName: s.stageName, deploymentId: s.deploymentId, ...(s.variables ? { variables: s.variables } : {}), ...(s.description !== undefined ? { description: s.description } : {}) });
      if (s.methodSettings) stage.methodSettings = s.methodSettings;
      if (s.tracingEnabled !== undefined) stage.tracingEnabled = s.tracingEnabled;
    });
    registry.version++;
    return warnings;
  } catch (e) {
    registry.apis.delete(spec.id);
    registry.version++;
    throw e;
  }
}

/** The root resource gets the id the template resolved `RootResourceId` to. */
function rekeyRoot(state: ApiState, rootId: string): void {
  const root = state.resources.get(state.api.rootResourceId);
  if (!root) return;
  state.resources.delete(root.id);
  root.id = rootId;
  state.resources.set(rootId, root);
  state.api.rootResourceId = rootId;
}

function rekeyDeployment(state: ApiState, from: string, to: string): void {
  const d = state.deployments.get(from);
  if (!d) return;
  state.deployments.delete(from);
  d.id = to;
  state.deployments.set(to, d);
  for (const s of state.stages.values()) if (s.deploymentId === from) s.deploymentId = to;
}

/**
 * A CloudFormation Deployment captures the methods created before it (those it depends on); the
 * others are hidden from the snapshot while it is taken.
 */
function withoutMethods<T>(state: ApiState, keys: string[], fn: () => T): T {
  const hidden: [Record<string, Method>, string, Method][] = [];
  for (const key of keys) {
    const [rid, verb] = key.split(' ') as [string, string];
    const methods = state.resources.get(rid)?.resourceMethods;
    const m = methods?.[verb];
    if (methods && m) { hidden.push([methods, verb, m]); delete methods[verb]; }
  }
  try {
    return fn();
  } finally {
    for (const [methods, verb, m] of hidden) methods[verb] = m;
  }
}

/** AWS::ApiGateway::ApiKey: created with its template id, or brought up to date (keeping a generated value). */
export function deployApiKey(registry: ApiRegistry, k: { id: string; name: string; value?: string; enabled: boolean; description?: string; customerId?: string; stageKeys: string[] }): ApiKey {
  const input = {
    name: k.name, enabled: k.enabled, stageKeys: k.stageKeys, ...(k.value !== undefined ? { value: k.value } : {}),
    ...(k.description !== undefined ? { description: k.description } : {}), ...(k.customerId !== undefined ? { customerId: k.customerId } : {}),
  };
  let key = registry.apiKeys.get(k.id);
  if (!key) {
    key = registry.createApiKey(input);
    registry.apiKeys.delete(key.id);
    key.id = k.id;
    registry.apiKeys.set(k.id, key);
  } else {
    if (k.value !== undefined && k.value !== key.value) {
      if (k.value.length < 20) throw badRequest('API Key value should be at least 20 characters');
      if ([...registry.apiKeys.values()].some((x) => x.value === k.value)) throw conflict('API Key already exists');
      key.value = k.value;
    }
    key.name = k.name;
    key.enabled = k.enabled;
    key.stageKeys = [...k.stageKeys];
    if (k.description !== undefined) key.description = k.description; else delete key.description;
    if (k.customerId !== undefined) key.customerId = k.customerId; else delete key.customerId;
    key.lastUpdatedDate = registry.now();
  }
  registry.apiKeysChanged();
  return key;
}

/** AWS::ApiGateway::UsagePlan: created with its template id, or updated (keys added at run time stay). */
export function deployUsagePlan(registry: ApiRegistry, p: { id: string; name: string; description?: string; apiStages: UsagePlan['apiStages']; throttle?: UsagePlan['throttle']; quota?: UsagePlan['quota'] }): UsagePlan {
  // CreateUsagePlan checks the settings; the plan it makes replaces or becomes the template's plan.
  const fresh = registry.createUsagePlan({
    name: p.name, apiStages: p.apiStages, ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.throttle ? { throttle: p.throttle } : {}), ...(p.quota ? { quota: p.quota } : {}),
  });
  registry.usagePlans.delete(fresh.id);
  const existing = registry.usagePlans.get(p.id);
  fresh.id = p.id;
  if (existing) {
    fresh.keyIds = existing.keyIds;
    // The quota period keeps running when the quota itself did not change.
    if (fresh.quota && existing.quota && JSON.stringify(fresh.quota) === JSON.stringify(existing.quota)) {
      if (existing.quotaSince !== undefined) fresh.quotaSince = existing.quotaSince; else delete fresh.quotaSince;
    }
  }
  registry.usagePlans.set(p.id, fresh);
  return fresh;
}

/** AWS::ApiGateway::UsagePlanKey (CreateUsagePlanKey): the key joins the plan once. */
export function deployUsagePlanKey(registry: ApiRegistry, usagePlanId: string, keyId: string): void {
  const plan = registry.usagePlans.get(usagePlanId);
  if (!plan) throw notFound('Invalid Usage Plan ID specified');
  if (!registry.apiKeys.has(keyId)) throw notFound('Invalid API Key identifier specified');
  if (!plan.keyIds.includes(keyId)) plan.keyIds.push(keyId);
}
