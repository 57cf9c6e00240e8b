// The REST API model as the API Gateway management API returns it (RestApi, Resource, Method,
// Integration, ...), plus the per-API state stepgate keeps: resources, models, validators, gateway
// responses, deployments (frozen snapshots) and stages.

export const IntegrationType = {
  AWS: 'AWS', AWS_PROXY: 'AWS_PROXY', HTTP: 'HTTP', HTTP_PROXY: 'HTTP_PROXY', MOCK: 'MOCK',
} as const;
export type IntegrationType = (typeof IntegrationType)[keyof typeof IntegrationType];

export const PassthroughBehavior = {
  WHEN_NO_MATCH: 'WHEN_NO_MATCH', WHEN_NO_TEMPLATES: 'WHEN_NO_TEMPLATES', NEVER: 'NEVER',
} as const;
export type PassthroughBehavior = (typeof PassthroughBehavior)[keyof typeof PassthroughBehavior];

export interface RestApi {
  id: string;
  name: string;
  description?: string;
  version?: string;
  createdDate: number;
  binaryMediaTypes?: string[];
  apiKeySource: 'HEADER' | 'AUTHORIZER';
  endpointConfiguration: { types: string[] };
  disableExecuteApiEndpoint: boolean;
  rootResourceId: string;
  tags?: Record<string, string>;
  warnings?: string[];
  /** the resource policy as AWS returns it: a JSON document in a string */
  policy?: string;
}

export interface IntegrationResponse {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string | null>;
  contentHandling?: string;
}

export interface Integration {
  type: IntegrationType;
  httpMethod?: string;
  uri?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string | null>;
  passthroughBehavior: PassthroughBehavior;
  contentHandling?: string;
  timeoutInMillis: number;
  cacheNamespace?: string;
  cacheKeyParameters: string[];
  integrationResponses?: Record<string, IntegrationResponse>;
  connectionType?: string;
}

export interface MethodResponse {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
}

export interface Method {
  httpMethod: string;
  authorizationType: string;
  authorizerId?: string;
  /** COGNITO_USER_POOLS: OAuth scopes, any of which an access token must carry */
  authorizationScopes?: string[];
  apiKeyRequired: boolean;
  requestValidatorId?: string;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  methodResponses?: Record<string, MethodResponse>;
  methodIntegration?: Integration;
}

export interface Resource {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  resourceMethods?: Record<string, Method>;
}

export interface Model {
  id: string;
  name: string;
  description?: string;
  contentType: string;
  schema?: string;
}

export interface RequestValidator {
  id: string;
  name: string;
  validateRequestBody: boolean;
  validateRequestParameters: boolean;
}

export interface GatewayResponse {
  responseType: string;
  statusCode?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  defaultResponse: boolean;
}

export const AuthorizerType = { TOKEN: 'TOKEN', REQUEST: 'REQUEST', COGNITO_USER_POOLS: 'COGNITO_USER_POOLS' } as const;
export type AuthorizerType = (typeof AuthorizerType)[keyof typeof AuthorizerType];

/** An authorizer as GetAuthorizer returns it (FACTS §5.8, §7 `x-amazon-apigateway-authorizer`). */
export interface Authorizer {
  id: string;
  name: string;
  type: AuthorizerType;
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  /** e.g. `method.request.header.Authorization` or a comma list for REQUEST */
  identitySource?: string;
  identityValidationExpression?: string;
  /** default 300, 0 disables caching, max 3600 */
  authorizerResultTtlInSeconds?: number;
}

export interface Stage {
  stageName: string;
  deploymentId: string;
  description?: string;
  variables?: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
  cacheClusterEnabled: boolean;
  cacheClusterStatus: string;
  methodSettings: Record<string, unknown>;
  tracingEnabled: boolean;
  /** a canary release on this stage: `percentTraffic` % of requests run `deploymentId` with the overrides */
  canarySettings?: CanarySettings;
}

export interface CanarySettings {
  deploymentId: string;
  percentTraffic: number;
  stageVariableOverrides?: Record<string, string>;
  useStageCache: boolean;
}

/** An API key as GetApiKey returns it (with `value` only when asked for). */
export interface ApiKey {
  id: string;
  name?: string;
  value: string;
  enabled: boolean;
  createdDate: number;
  lastUpdatedDate: number;
  /** `restApiId/stageName` (deprecated for usage plans; kept as data) */
  stageKeys: string[];
  description?: string;
  customerId?: string;
  tags?: Record<string, string>;
}

/** Usage-plan throttling: a token bucket of `burstLimit` tokens refilled at `rateLimit` per second. */
export interface ThrottleSettings { burstLimit?: number; rateLimit?: number }

/** `period` is DAY, WEEK or MONTH; `offset` requests are subtracted in the initial period. */
export interface QuotaSettings { limit: number; offset?: number; period: string }

export interface UsagePlanStage {
  apiId: string;
  stage: string;
  /** per-method throttling keyed `/resourcePath/VERB` */
  throttle?: Record<string, ThrottleSettings>;
}

export interface UsagePlan {
  id: string;
  name: string;
  description?: string;
  apiStages: UsagePlanStage[];
  throttle?: ThrottleSettings;
  quota?: QuotaSettings;
  productCode?: string;
  tags?: Record<string, string>;
  /** the keys of the plan (CreateUsagePlanKey); not part of AWS's UsagePlan shape */
  keyIds: string[];
  /** epoch s when the quota was set: its `offset` applies to the period containing this instant */
  quotaSince?: number;
}

/** Everything one REST API holds. Deployments are frozen copies that invocations run against. */
export interface ApiState {
  api: RestApi;
  resources: Map<string, Resource>;
  models: Map<string, Model>;
  validators: Map<string, RequestValidator>;
  gatewayResponses: Map<string, GatewayResponse>;
  authorizers: Map<string, Authorizer>;
  deployments: Map<string, Deployment>;
  stages: Map<string, Stage>;
}

/** The definition part of an API as it was when deployed (what a stage serves). */
export interface ApiSnapshot {
  api: RestApi;
  resources: Resource[];
  models: Model[];
  validators: RequestValidator[];
  gatewayResponses: GatewayResponse[];
  authorizers: Authorizer[];
}

export interface Deployment {
  id: string;
  description?: string;
  createdDate: number;
  snapshot: ApiSnapshot;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** API Gateway ids are 10 lower-case alphanumerics (resource ids 6; root ids 10). */
export function newId(length = 10, random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
  return s;
}

export function snapshotOf(state: ApiState): ApiSnapshot {
  return structuredClone({
    api: state.api,
    resources: [...state.resources.values()],
    models: [...state.models.values()],
    validators: [...state.validators.values()],
    gatewayResponses: [...state.gatewayResponses.values()],
    authorizers: [...state.authorizers.values()],
  });
}
