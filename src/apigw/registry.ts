// Home of every REST API, API key and usage plan: create/update/delete with AWS's NotFound/BadRequest/
// Conflict answers. serialize()/restore() turn it into one JSON document the server keeps in the store.
import { attachCanary, canaryFromInput, checkCanaryDeployment } from './canary.js';
import { newApiKey, newUsagePlan } from './management-usage.js';
import { ApiGatewayError, badRequest, conflict, notFound } from './errors.js';
import { authorizerFromInput } from './management-authorizers.js';
import { INVALID_POLICY_MESSAGE, policyProblem } from './resource-policy.js';
import {
  newId, snapshotOf, type ApiKey, type Authorizer, type ApiState, type Deployment, type Resource, type RestApi, type Stage, type UsagePlan,
} from './model.js';

export interface RegistryOptions {
  accountId: string;
  region: string;
  now?: () => number;
}

export class ApiRegistry {
  readonly apis = new Map<string, ApiState>();
  readonly apiKeys = new Map<string, ApiKey>();
  readonly usagePlans = new Map<string, UsagePlan>();
  /** API key value → key, for the API key check of every request (rebuilt after changes) */
  private keyIndex?: Map<string, ApiKey>;
  /** bumped on every change of a stage or deployment, so compiled routes can be cached */
  version = 0;
  constructor(readonly options: RegistryOptions) {}

  /** Everything as one JSON document (Maps as entry lists; deployments keep their frozen snapshots). */
  serialize(): string {
    return JSON.stringify({
      version: 1,
      apis: [...this.apis.values()].map((a) => ({
        api: a.api,
        resources: [...a.resources.values()], models: [...a.models.values()], validators: [...a.validators.values()],
        gatewayResponses: [...a.gatewayResponses.entries()], authorizers: [...a.authorizers.values()], deployments: [...a.deployments.values()], stages: [...a.stages.values()],
      })),
      apiKeys: [...this.apiKeys.values()],
      usagePlans: [...this.usagePlans.values()],
    });
  }

  /** Loads a document written by serialize() (replacing what is here). */
  restore(text: string): void {
    const doc = JSON.parse(text) as {
      apis: { api: RestApi; resources: Resource[]; models: { name: string }[]; validators: { id: string }[]; gatewayResponses: [string, unknown][]; authorizers?: Authorizer[]; deployments: Deployment[]; stages: Stage[] }[];
      apiKeys: ApiKey[]; usagePlans: UsagePlan[];
    };
    this.apis.clear();
    this.apiKeys.clear();
    this.usagePlans.clear();
    for (const a of doc.apis) {
      this.apis.set(a.api.id, {
        api: a.api,
        resources: new Map(a.resources.map((r) => [r.id, r])),
        models: new Map(a.models.map((m) => [m.name, m])) as ApiState['models'],
        validators: new Map(a.validators.map((v) => [v.id, v])) as ApiState['validators'],
        gatewayResponses: new Map(a.gatewayResponses) as ApiState['gatewayResponses'],
        // documents written before authorizers existed have none
        authorizers: new Map((a.authorizers ?? []).map((x) => [x.id, x])),
        deployments: new Map(a.deployments.map((d) => [d.id, { ...d, snapshot: { ...d.snapshot, authorizers: d.snapshot.authorizers ?? [] } }])),
        stages: new Map(a.stages.map((st) => [st.stageName, st])),
      });
    }
    for (const k of doc.apiKeys) this.apiKeys.set(k.id, k);
    for (const p of doc.usagePlans) this.usagePlans.set(p.id, p);
    this.apiKeysChanged();
    this.version++;
  }

  now(): number {
    return Math.floor((this.options.now ?? Date.now)() / 1000);
  }

  /** `id` is for APIs deployed from a template, whose ids stay the same from one start to the next. */
  createApi(input: { name?: unknown; description?: unknown; version?: unknown; binaryMediaTypes?: unknown; apiKeySource?: unknown; endpointConfiguration?: unknown; tags?: unknown; disableExecuteApiEndpoint?: unknown; policy?: unknown }, id?: string): ApiState {
    if (typeof input.name !== 'string' || input.name === '') throw badRequest('Invalid REST API name specified');
    // CreateRestApi `policy`: JSON text of a resource policy (src/apigw/resource-policy.ts).
    if (input.policy !== undefined && input.policy !== '' && (typeof input.policy !== 'string' || policyProblem(input.policy) !== undefined)) throw badRequest(INVALID_POLICY_MESSAGE);
    if (id === undefined) {
      id = newId();
      while (this.apis.has(id)) id = newId();
    } else if (this.apis.has(id)) {
      throw badRequest(`REST API ${id} already exists`);
    }
    const rootId = newId(10);
    const api: RestApi = {
      id, name: input.name, createdDate: this.now(),
      apiKeySource: input.apiKeySource === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
      endpointConfiguration: isObj(input.endpointConfiguration) && Array.isArray(input.endpointConfiguration.types)
        ? { types: input.endpointConfiguration.types as string[] } : { types: ['EDGE'] },
      disableExecuteApiEndpoint: input.disableExecuteApiEndpoint === true,
      rootResourceId: rootId,
      ...(typeof input.description === 'string' ? { description: input.description } : {}),
      ...(typeof input.version === 'string' ? { version: input.version } : {}),
      ...(Array.isArray(input.binaryMediaTypes) && input.binaryMediaTypes.length > 0 ? { binaryMediaTypes: input.binaryMediaTypes as string[] } : {}),
      ...(isObj(input.tags) ? { tags: input.tags as Record<string, string> } : {}),
      ...(typeof input.policy === 'string' && input.policy !== '' ? { policy: input.policy } : {}),
    };
    const state: ApiState = {
      api, resources: new Map([[rootId, { id: rootId, path: '/' }]]), models: new Map(), validators: new Map(),
      gatewayResponses: new Map(), authorizers: new Map(), deployments: new Map(), stages: new Map(),
    };
    this.apis.set(id, state);
    return state;
  }

  api(id: string): ApiState {
    const s = this.apis.get(id);
    if (!s) throw notFound(`Invalid API identifier specified ${this.options.accountId}:${id}`);
    return s;
  }

  deleteApi(id: string): void {
    this.api(id);
    this.apis.delete(id);
    this.version++;
  }

  resource(state: ApiState, id: string): Resource {
    const r = state.resources.get(id);
    if (!r) throw notFound('Invalid Resource identifier specified');
    return r;
  }

  /** `id` is for resources declared in a template (AWS::ApiGateway::Resource), whose ids stay the same across starts. */
  createResource(state: ApiState, parentId: string, pathPart: unknown, id?: string): Resource {
    const parent = this.resource(state, parentId);
    if (typeof pathPart !== 'string' || pathPart === '') throw badRequest('Resource path part must be specified');
    // OpenAPI import rules (FACTS §7): alphanumerics, _ - . , : and whole-segment {param} / {proxy+}.
    if (!/^(\{[A-Za-z0-9_.\-:,]+\+?\}|[A-Za-z0-9_.\-:,]+)$/.test(pathPart)) {
      throw badRequest(`Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.`);
    }
    const path = parent.path === '/' ? `/${pathPart}` : `${parent.path}/${pathPart}`;
    for (const r of state.resources.values()) {
      if (r.parentId === parentId && r.pathPart === pathPart) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    }
    if (parent.pathPart?.endsWith('+}')) throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.path}`);
    const r: Resource = { id: id ?? newId(6), parentId, pathPart, path };
    state.resources.set(r.id, r);
    return r;
  }

  /** Creates the resources of a path (like `/a/{b}`) that do not exist yet; returns the last. */
  ensurePath(state: ApiState, path: string): Resource {
    let cur = this.resource(state, state.api.rootResourceId);
    for (const part of path.split('/').filter((p) => p !== '')) {
      const existing = [...state.resources.values()].find((r) => r.parentId === cur.id && r.pathPart === part);
      cur = existing ?? this.createResource(state, cur.id, part);
    }
    return cur;
  }

  deleteResource(state: ApiState, id: string): void {
    const r = this.resource(state, id);
    if (r.id === state.api.rootResourceId) throw badRequest('Cannot delete the root resource');
    const doomed = new Set([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const x of state.resources.values()) if (x.parentId && doomed.has(x.parentId) && !doomed.has(x.id)) { doomed.add(x.id); grew = true; }
    }
    for (const d of doomed) state.resources.delete(d);
  }

  createDeployment(state: ApiState, input: { stageName?: unknown; description?: unknown; variables?: unknown; stageDescription?: unknown; canarySettings?: unknown }): Deployment {
    const canaryStage = isObj(input.canarySettings) ? checkCanaryDeployment(state, input.stageName) : undefined;
    const hasMethods = [...state.resources.values()].some((r) => Object.keys(r.resourceMethods ?? {}).length > 0);
    if (!hasMethods) throw badRequest('The REST API doesn\'t contain any methods');
    for (const r of state.resources.values()) {
      for (const m of Object.values(r.resourceMethods ?? {})) {
        if (!m.methodIntegration) throw badRequest('No integration defined for method');
      }
    }
    const d: Deployment = {
      id: newId(6), createdDate: this.now(), snapshot: snapshotOf(state),
      ...(typeof input.description === 'string' ? { description: input.description } : {}),
    };
    state.deployments.set(d.id, d);
    if (canaryStage) {
      // A canary release: the stage keeps serving its deployment; the new one becomes the canary.
      attachCanary(canaryStage, d.id, input.canarySettings as Record<string, unknown>);
      canaryStage.lastUpdatedDate = this.now();
    } else if (typeof input.stageName === 'string' && input.stageName !== '') {
      const existing = state.stages.get(input.stageName);
      if (existing) {
        existing.deploymentId = d.id;
        existing.lastUpdatedDate = this.now();
        if (isObj(input.variables)) existing.variables = { ...(existing.variables ?? {}), ...(input.variables as Record<string, string>) };
      } else {
        this.createStage(state, { stageName: input.stageName, deploymentId: d.id, variables: input.variables, description: input.stageDescription });
      }
    }
    this.version++;
    return d;
  }

  createStage(state: ApiState, input: { stageName?: unknown; deploymentId?: unknown; variables?: unknown; description?: unknown; canarySettings?: unknown }): Stage {
    if (typeof input.stageName !== 'string' || !/^[A-Za-z0-9_-]+$/.test(input.stageName)) {
      throw badRequest('Stage name only allows a-zA-Z0-9_');
    }
    if (typeof input.deploymentId !== 'string' || !state.deployments.has(input.deploymentId)) throw badRequest('Invalid deployment identifier specified');
    if (state.stages.has(input.stageName)) throw conflict('Stage already exists');
    const variables = isObj(input.variables) ? validateVariables(input.variables) : undefined;
    const canary = canaryFromInput(state, input.canarySettings, input.deploymentId);
    const now = this.now();
    const stage: Stage = {
      stageName: input.stageName, deploymentId: input.deploymentId, createdDate: now, lastUpdatedDate: now,
      cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE', methodSettings: {}, tracingEnabled: false,
      ...(variables ? { variables } : {}),
      ...(typeof input.description === 'string' ? { description: input.description } : {}),
      ...(canary ? { canarySettings: canary } : {}),
    };
    state.stages.set(stage.stageName, stage);
    this.version++;
    return stage;
  }

  stage(state: ApiState, name: string): Stage {
    const s = state.stages.get(name);
    if (!s) throw notFound('Invalid Stage identifier specified');
    return s;
  }

  /** CreateAuthorizer (validation and AWS's answers in management-authorizers.ts). */
  createAuthorizer(state: ApiState, input: Record<string, unknown>, id?: string): Authorizer {
    const authorizer = authorizerFromInput(input, id ?? newId(6));
    state.authorizers.set(authorizer.id, authorizer);
    return authorizer;
  }

  /** CreateApiKey (validation in management-usage.ts); `stageKeys` may also be `restApiId/stageName` strings. */
  createApiKey(input: { name?: unknown; value?: unknown; enabled?: unknown; stageKeys?: unknown; description?: unknown; customerId?: unknown; tags?: unknown }): ApiKey {
    const key = newApiKey(input, this.apiKeys.values(), this.now());
    this.apiKeys.set(key.id, key);
    this.apiKeysChanged();
    return key;
  }

  /** CreateUsagePlan without the check that its API stages exist (the management API makes it). */
  createUsagePlan(input: { name?: unknown; description?: unknown; apiStages?: unknown; throttle?: unknown; quota?: unknown; productCode?: unknown; tags?: unknown }): UsagePlan {
    const plan = newUsagePlan(input, this.now());
    this.usagePlans.set(plan.id, plan);
    return plan;
  }

  /** Call after adding, removing or re-keying API keys outside createApiKey: the value index is rebuilt. */
  apiKeysChanged(): void {
    this.keyIndex = undefined;
  }

  /**
   * FACTS §5.1 step 3: the key with this value must be enabled and in a usage plan bound to this API
   * stage; that plan meters the request. A key is in at most one plan per API stage.
   */
  apiKeyAllowed(apiId: string, stage: string, value: string | undefined): { ok: boolean; keyId?: string; plan?: UsagePlan } {
    if (value === undefined) return { ok: false };
    let key = this.keyIndex?.get(value);
    // A miss or a stale entry rebuilds the index: keys can change outside this class (templates).
    if (!key || key.value !== value || this.apiKeys.get(key.id) !== key) {
      this.keyIndex = new Map([...this.apiKeys.values()].map((k) => [k.value, k]));
      key = this.keyIndex.get(value);
    }
    if (!key || !key.enabled) return { ok: false };
    for (const plan of this.usagePlans.values()) {
      if (plan.keyIds.includes(key.id) && plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage)) return { ok: true, keyId: key.id, plan };
    }
    return { ok: false };
  }
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Stage variables (FACTS §5.4): names [A-Za-z0-9_], ≤64 chars; values ≤512 chars of a restricted set. */
export function validateVariables(v: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (!/^[A-Za-z0-9_]{1,64}$/.test(k)) throw badRequest('Stage variable names must only contain alphanumeric characters and underscores. Names must be between 1 and 64 characters long.');
    const s = String(val);
    if (s.length > 512) throw badRequest('Stage variable values must be less than 512 characters long.');
    out[k] = s;
  }
  return out;
}

export { ApiGatewayError };
