// OpenAPI 2.0 / 3.0 import (JSON or YAML) with the x-amazon-apigateway-* extensions of FACTS §7, and
// the export (GetExport) of a stage's deployment. Local `$ref`s are resolved; problems that AWS
// reports as import errors come back as BadRequestException with the list of errors.
import { parse as parseYaml } from 'yaml';
import { badRequest } from './errors.js';
import {
  newId, type ApiSnapshot, type ApiState, type GatewayResponse, type Integration, type IntegrationResponse, type Method,
  type MethodResponse, type Model,
} from './model.js';
import { isObj, type ApiRegistry } from './registry.js';
import { authorizerScheme, importAuthorizers, methodAuthorization } from './management-authorizers.js';
import { INVALID_POLICY_MESSAGE, policyProblem } from './resource-policy.js';

const VERBS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'x-amazon-apigateway-any-method'] as const;
type Obj = Record<string, unknown>;

export interface ImportOptions {
  mode: 'create' | 'overwrite' | 'merge';
  failOnWarnings?: boolean;
}

/** Parses a definition body: JSON, else YAML. Unparseable input is AWS's BadRequest. */
export function parseDefinition(text: string): Obj {
  let doc: unknown;
  const trimmed = text.trim();
  try {
    doc = trimmed.startsWith('{') ? JSON.parse(trimmed) : parseYaml(trimmed);
  } catch {
    throw badRequest('Invalid OpenAPI input.');
  }
  if (!isObj(doc)) throw badRequest('Invalid OpenAPI input.');
  if (typeof doc.swagger !== 'string' && typeof doc.openapi !== 'string') {
    throw badRequest('Invalid OpenAPI input.');
  }
  return doc;
}

class RefResolver {
  constructor(private readonly doc: Obj, private readonly errors: string[]) {}
  /** Follows `$ref` chains to local targets (`#/a/b`). */
  deref(v: unknown, seen = new Set<string>()): unknown {
    if (!isObj(v) || typeof v.$ref !== 'string') return v;
    const ref = v.$ref;
    if (seen.has(ref)) { this.errors.push(`Circular reference: ${ref}`); return undefined; }
    seen.add(ref);
    if (!ref.startsWith('#/')) { this.errors.push(`Unsupported external reference: ${ref}`); return undefined; }
    let cur: unknown = this.doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      cur = isObj(cur) ? cur[key] : undefined;
    }
    if (cur === undefined) { this.errors.push(`Invalid reference: ${ref}`); return undefined; }
    return this.deref(cur, seen);
  }
}

const lowerType = (t: unknown): string => String(t ?? '').toUpperCase();

function strMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

function convertIntegration(raw: Obj, errors: string[], where: string): Integration | undefined {
  const type = lowerType(raw.type);
  if (!['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'].includes(type)) {
    errors.push(`Invalid integration type '${String(raw.type)}' for ${where}`);
    return undefined;
  }
  if (type !== 'MOCK' && typeof raw.uri !== 'string') {
    errors.push(`Unable to put integration on '${where}': Invalid integration URI specified`);
    return undefined;
  }
  const responses: Record<string, IntegrationResponse> = {};
  if (isObj(raw.responses)) {
    for (const [pattern, r] of Object.entries(raw.responses)) {
      if (!isObj(r)) continue;
      const statusCode = String(r.statusCode ?? '');
      const ir: IntegrationResponse = {
        statusCode,
        ...(pattern !== 'default' ? { selectionPattern: pattern } : {}),
        ...(strMap(r.responseParameters) ? { responseParameters: strMap(r.responseParameters) as Record<string, string> } : {}),
        ...(strMap(r.responseTemplates) ? { responseTemplates: strMap(r.responseTemplates) as Record<string, string> } : {}),
        ...(typeof r.contentHandling === 'string' ? { contentHandling: r.contentHandling } : {}),
      };
      responses[statusCode] = ir;
    }
  }
  const timeout = raw.timeoutInMillis === undefined ? 29_000 : Number(raw.timeoutInMillis);
  if (!(timeout >= 50 && timeout <= 29_000)) errors.push(`Invalid timeout for ${where}: timeoutInMillis must be between 50 and 29000`);
  return {
    type: type as Integration['type'],
    ...(typeof raw.httpMethod === 'string' ? { httpMethod: raw.httpMethod.toUpperCase() } : {}),
    ...(typeof raw.uri === 'string' ? { uri: raw.uri } : {}),
    ...(typeof raw.credentials === 'string' ? { credentials: raw.credentials } : {}),
    ...(strMap(raw.requestParameters) ? { requestParameters: strMap(raw.requestParameters) as Record<string, string> } : {}),
    ...(strMap(raw.requestTemplates) ? { requestTemplates: strMap(raw.requestTemplates) as Record<string, string> } : {}),
    passthroughBehavior: (typeof raw.passthroughBehavior === 'string' ? raw.passthroughBehavior.toUpperCase() : 'WHEN_NO_MATCH') as Integration['passthroughBehavior'],
    ...(typeof raw.contentHandling === 'string' ? { contentHandling: raw.contentHandling } : {}),
    timeoutInMillis: timeout,
    cacheNamespace: typeof raw.cacheNamespace === 'string' ? raw.cacheNamespace : '',
    cacheKeyParameters: Array.isArray(raw.cacheKeyParameters) ? raw.cacheKeyParameters.map(String) : [],
    ...(Object.keys(responses).length > 0 ? { integrationResponses: responses } : {}),
  };
}

/** Imports a definition into `state` (a fresh API, or overwrite/merge of an existing one). Returns warnings. */
export function importDefinition(registry: ApiRegistry, state: ApiState, doc: Obj, options: ImportOptions): string[] {
  const errors: string[] = [];
  const warnings: string[] = [];
  const refs = new RefResolver(doc, errors);
  const oas3 = typeof doc.openapi === 'string';
  const info = isObj(doc.info) ? doc.info : {};
  if (options.mode !== 'merge') {
    if (typeof info.title === 'string') state.api.name = info.title;
    if (typeof info.description === 'string') state.api.description = info.description;
    if (typeof info.version === 'string') state.api.version = info.version;
  }
  if (Array.isArray(doc['x-amazon-apigateway-binary-media-types'])) state.api.binaryMediaTypes = (doc['x-amazon-apigateway-binary-media-types'] as unknown[]).map(String);
  const keySource = doc['x-amazon-apigateway-api-key-source'];
  if (keySource === 'HEADER' || keySource === 'AUTHORIZER') state.api.apiKeySource = keySource;
  // The resource policy, stored as AWS returns it: JSON text (FACTS §7 x-amazon-apigateway-policy).
  const policy = doc['x-amazon-apigateway-policy'];
  if (policy !== undefined) {
    const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
    if (policyProblem(text) !== undefined) errors.push(`${INVALID_POLICY_MESSAGE} (${policyProblem(text) as string})`);
    else state.api.policy = text;
  }

  if (options.mode === 'overwrite') {
    const root = state.resources.get(state.api.rootResourceId);
    state.resources = new Map(root ? [[root.id, { id: root.id, path: '/' }]] : []);
    state.models.clear();
    state.validators.clear();
    state.gatewayResponses.clear();
    state.authorizers.clear();
  }

  // Models: Swagger `definitions`, OAS3 `components.schemas` (JSON Schema draft-04, FACTS §7).
  const schemas = oas3 ? (isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {}) : (isObj(doc.definitions) ? doc.definitions : {});
  const modelPrefix = oas3 ? '#/components/schemas/' : '#/definitions/';
  for (const [name, schema] of Object.entries(schemas)) {
    if (!/^[A-Za-z0-9]+$/.test(name)) { errors.push(`Unable to create model for '${name}': Model name must be alphanumeric`); continue; }
    const m: Model = { id: newId(6), name, contentType: 'application/json', schema: JSON.stringify(rewriteRefs(schema, modelPrefix, state.api.id)) };
    state.models.set(name, m);
  }

  // Request validators.
  const validators = doc['x-amazon-apigateway-request-validators'];
  const validatorIds = new Map<string, string>();
  if (isObj(validators)) {
    for (const [name, v] of Object.entries(validators)) {
      if (!isObj(v)) continue;
      const id = newId(6);
      validatorIds.set(name, id);
      state.validators.set(id, { id, name, validateRequestBody: v.validateRequestBody === true, validateRequestParameters: v.validateRequestParameters === true });
    }
  }
  const defaultValidator = typeof doc['x-amazon-apigateway-request-validator'] === 'string' ? doc['x-amazon-apigateway-request-validator'] : undefined;

  // Gateway responses.
  const grs = doc['x-amazon-apigateway-gateway-responses'];
  if (isObj(grs)) {
    for (const [type, g] of Object.entries(grs)) {
      if (!isObj(g)) continue;
      const gr: GatewayResponse = {
        responseType: type, defaultResponse: false,
        ...(g.statusCode !== undefined ? { statusCode: String(g.statusCode) } : {}),
        ...(strMap(g.responseParameters) ? { responseParameters: strMap(g.responseParameters) as Record<string, string> } : {}),
        ...(strMap(g.responseTemplates) ? { responseTemplates: strMap(g.responseTemplates) as Record<string, string> } : {}),
      };
      state.gatewayResponses.set(type, gr);
    }
  }

  // API-key security schemes: an operation's `security` naming one ⇒ apiKeyRequired (FACTS §7).
  const schemes = oas3 ? (isObj(doc.components) && isObj(doc.components.securitySchemes) ? doc.components.securitySchemes : {}) : (isObj(doc.securityDefinitions) ? doc.securityDefinitions : {});
  const apiKeySchemes = new Set(Object.entries(schemes).filter(([, s]) => isObj(s) && s.type === 'apiKey' && String(s.name).toLowerCase() === 'x-api-key' && s['x-amazon-apigateway-authtype'] === undefined).map(([n]) => n));
  // `x-amazon-apigateway-authtype: awsSigv4` schemes: an operation naming one is AWS_IAM (FACTS §7).
  const iamSchemes = new Set(Object.entries(schemes).filter(([, s]) => isObj(s) && String(s['x-amazon-apigateway-authtype']).toLowerCase() === 'awssigv4').map(([n]) => n));
  // Authorizer schemes (x-amazon-apigateway-authorizer) become the API's authorizers.
  const authorizers = importAuthorizers(registry, state, schemes, errors);

  const paths = isObj(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = refs.deref(rawItem);
    if (!isObj(item)) continue;
    if (!path.startsWith('/')) { errors.push(`Invalid path '${path}'`); continue; }
    const bad = path.split('/').filter((p) => p !== '').find((p) => !/^(\{[A-Za-z0-9_.\-:,]+\+?\}|[A-Za-z0-9_.\-:,]+)$/.test(p));
    if (bad !== undefined) { errors.push(`Resource ${path} should start with a '/' and only contain alphanumerics, _ - . , : and whole-segment path parameters`); continue; }
    let resource;
    try { resource = registry.ensurePath(state, path); } catch (e) { errors.push(`Unable to create resource at path '${path}': ${(e as Error).message}`); continue; }
    const pathParams = Array.isArray(item.parameters) ? item.parameters : [];
    for (const verb of VERBS) {
      const op = item[verb];
      if (!isObj(op)) continue;
      const httpMethod = verb === 'x-amazon-apigateway-any-method' ? 'ANY' : verb.toUpperCase();
      const where = `${httpMethod} ${path}`;
      const requestParameters: Record<string, boolean> = {};
      for (const rawP of [...pathParams, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const p = refs.deref(rawP);
        if (!isObj(p) || typeof p.name !== 'string') continue;
        const loc = p.in === 'query' ? 'querystring' : p.in;
        if (loc === 'path' || loc === 'querystring' || loc === 'header') requestParameters[`method.request.${loc}.${p.name}`] = p.required === true;
      }
      const requestModels: Record<string, string> = {};
      const bodyModel = (schema: unknown, mime: string): void => {
        const s = isObj(schema) && typeof schema.$ref === 'string' ? schema.$ref : undefined;
        if (s && s.startsWith(modelPrefix)) requestModels[mime] = s.slice(modelPrefix.length);
      };
      if (oas3) {
        const rb = refs.deref(op.requestBody);
        if (isObj(rb) && isObj(rb.content)) for (const [mime, c] of Object.entries(rb.content)) if (isObj(c)) bodyModel(c.schema, mime);
      } else {
        for (const rawP of Array.isArray(op.parameters) ? op.parameters : []) {
          const p = refs.deref(rawP);
          if (isObj(p) && p.in === 'body') bodyModel(p.schema, 'application/json');
        }
      }
      const methodResponses: Record<string, MethodResponse> = {};
      if (isObj(op.responses)) {
        for (const [code, rawR] of Object.entries(op.responses)) {
          if (!/^[1-5]\d\d$/.test(code)) { if (code !== 'default') warnings.push(`Ignoring response code '${code}' for ${where}`); continue; }
          const r = refs.deref(rawR);
          const params: Record<string, boolean> = {};
          if (isObj(r) && isObj(r.headers)) for (const h of Object.keys(r.headers)) params[`method.response.header.${h}`] = false;
          methodResponses[code] = { statusCode: code, ...(Object.keys(params).length > 0 ? { responseParameters: params } : {}) };
        }
      }
      const rawIntegration = refs.deref(op['x-amazon-apigateway-integration']);
      let integration: Integration | undefined;
      if (isObj(rawIntegration)) integration = convertIntegration(rawIntegration, errors, where);
      else warnings.push(`No integration defined for method ${where}`);
      const validatorName = typeof op['x-amazon-apigateway-request-validator'] === 'string' ? op['x-amazon-apigateway-request-validator'] : defaultValidator;
      const validatorId = validatorName !== undefined ? validatorIds.get(validatorName) : undefined;
      if (validatorName !== undefined && validatorId === undefined) errors.push(`Invalid request validator '${validatorName}' for ${where}`);
      const security = Array.isArray(op.security) ? op.security : [];
      const apiKeyRequired = security.some((s) => isObj(s) && Object.keys(s).some((k) => apiKeySchemes.has(k)));
      const method: Method = {
        httpMethod, authorizationType: 'NONE', apiKeyRequired,
        ...(security.some((s) => isObj(s) && Object.keys(s).some((k) => iamSchemes.has(k))) ? { authorizationType: 'AWS_IAM' } : {}),
        ...methodAuthorization(security, authorizers),
        ...(typeof op.operationId === 'string' ? { operationName: op.operationId } : {}),
        ...(Object.keys(requestParameters).length > 0 ? { requestParameters } : {}),
        ...(Object.keys(requestModels).length > 0 ? { requestModels } : {}),
        ...(validatorId !== undefined ? { requestValidatorId: validatorId } : {}),
        ...(Object.keys(methodResponses).length > 0 ? { methodResponses } : {}),
        ...(integration ? { methodIntegration: integration } : {}),
      };
      resource.resourceMethods = { ...(resource.resourceMethods ?? {}), [httpMethod]: method };
    }
  }
  if (errors.length > 0) throw badRequest(`Errors found during import:\n\t${errors.join('\n\t')}`);
  if (options.failOnWarnings && warnings.length > 0) throw badRequest(`Warnings found during import:\n\t${warnings.join('\n\t')}`);
  return warnings;
}

/** Model `$ref`s point at other models by URL in API Gateway: `https://apigateway.amazonaws.com/restapis/{id}/models/{name}`. */
function rewriteRefs(v: unknown, prefix: string, apiId: string): unknown {
  if (Array.isArray(v)) return v.map((x) => rewriteRefs(x, prefix, apiId));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = k === '$ref' && typeof x === 'string' && x.startsWith(prefix)
      ? `https://apigateway.amazonaws.com/restapis/${apiId}/models/${x.slice(prefix.length)}`
      : rewriteRefs(x, prefix, apiId);
  }
  return out;
}

/** GetExport: the deployed API as OpenAPI 3.0 (`oas30`) or Swagger 2.0 (`swagger`) with the extensions. */
/** the security scheme an export names for AWS_IAM methods (`x-amazon-apigateway-authtype: awsSigv4`) */
const SIGV4_SCHEME = 'sigv4';

export function exportDefinition(snap: ApiSnapshot, stageName: string, type: 'oas30' | 'swagger', withExtensions: boolean, host: string): Obj {
  const paths: Obj = {};
  for (const r of [...snap.resources].sort((a, b) => a.path.localeCompare(b.path))) {
    const item: Obj = {};
    for (const [verb, m] of Object.entries(r.resourceMethods ?? {})) {
      const op: Obj = {};
      const params = Object.entries(m.requestParameters ?? {}).map(([k, required]) => {
        const m2 = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(k);
        const name = m2?.[2] ?? k;
        const where = m2?.[1] === 'querystring' ? 'query' : (m2?.[1] ?? 'header');
        return type === 'oas30' ? { name, in: where, required: required || where === 'path', schema: { type: 'string' } } : { name, in: where, required: required || where === 'path', type: 'string' };
      });
      if (params.length > 0) op.parameters = params;
      const responses: Obj = {};
      for (const [code, mr] of Object.entries(m.methodResponses ?? {})) {
        const headers = Object.keys(mr.responseParameters ?? {}).map((h) => h.replace('method.response.header.', ''));
        responses[code] = {
          description: `${code} response`,
          ...(headers.length > 0 ? { headers: Object.fromEntries(headers.map((h) => [h, type === 'oas30' ? { schema: { type: 'string' } } : { type: 'string' }])) } : {}),
        };
      }
      op.responses = responses;
      const authorizer = m.authorizerId !== undefined && (m.authorizationType === 'CUSTOM' || m.authorizationType === 'COGNITO_USER_POOLS') ? snap.authorizers.find((a) => a.id === m.authorizerId) : undefined;
      const iam = m.authorizationType === 'AWS_IAM';
      if (m.apiKeyRequired || authorizer || iam) {
        op.security = [{ ...(m.apiKeyRequired ? { api_key: [] } : {}), ...(authorizer ? { [authorizer.name]: m.authorizationScopes ?? [] } : {}), ...(iam ? { [SIGV4_SCHEME]: [] } : {}) }];
      }
      const validator = m.requestValidatorId !== undefined ? snap.validators.find((v) => v.id === m.requestValidatorId) : undefined;
      if (withExtensions && validator) op['x-amazon-apigateway-request-validator'] = validator.name;
      if (withExtensions && m.methodIntegration) {
        const i = m.methodIntegration;
        const ext: Obj = { type: i.type.toLowerCase() };
        if (i.httpMethod) ext.httpMethod = i.httpMethod;
        if (i.uri) ext.uri = i.uri;
        if (i.credentials) ext.credentials = i.credentials;
        if (i.requestParameters) ext.requestParameters = i.requestParameters;
        if (i.requestTemplates) ext.requestTemplates = i.requestTemplates;
        ext.passthroughBehavior = i.passthroughBehavior.toLowerCase();
        if (i.timeoutInMillis !== 29_000) ext.timeoutInMillis = i.timeoutInMillis;
        const rs: Obj = {};
        for (const ir of Object.values(i.integrationResponses ?? {})) {
          rs[ir.selectionPattern ?? 'default'] = {
            statusCode: ir.statusCode,
            ...(ir.responseParameters ? { responseParameters: ir.responseParameters } : {}),
            ...(ir.responseTemplates ? { responseTemplates: ir.responseTemplates } : {}),
          };
        }
        ext.responses = rs;
        op['x-amazon-apigateway-integration'] = ext;
      }
      item[verb === 'ANY' ? 'x-amazon-apigateway-any-method' : verb.toLowerCase()] = op;
    }
    paths[r.path] = item;
  }
  const schemas = Object.fromEntries(snap.models.map((m) => [m.name, m.schema ? JSON.parse(m.schema) as unknown : {}]));
  const info = { version: snap.api.version ?? new Date(snap.api.createdDate * 1000).toISOString(), title: snap.api.name, ...(snap.api.description ? { description: snap.api.description } : {}) };
  const hasKeys = snap.resources.some((r) => Object.values(r.resourceMethods ?? {}).some((m) => m.apiKeyRequired));
  const usedAuthorizers = snap.authorizers.filter((a) => snap.resources.some((r) => Object.values(r.resourceMethods ?? {}).some((m) => m.authorizerId === a.id)));
  const hasIam = snap.resources.some((r) => Object.values(r.resourceMethods ?? {}).some((m) => m.authorizationType === 'AWS_IAM'));
  const keyScheme: Obj = {
    ...(hasKeys ? { api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' } } : {}),
    ...(hasIam ? { [SIGV4_SCHEME]: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' } } : {}),
    ...Object.fromEntries(usedAuthorizers.map((a) => [a.name, authorizerScheme(a, withExtensions)])),
  };
  const ext: Obj = {};
  if (withExtensions) {
    // What the import reads back (x-amazon-apigateway-* of FACTS §7), so an export imports as the same API.
    if (snap.api.apiKeySource === 'AUTHORIZER') ext['x-amazon-apigateway-api-key-source'] = 'AUTHORIZER';
    if (snap.api.policy !== undefined) {
      try { ext['x-amazon-apigateway-policy'] = JSON.parse(snap.api.policy) as unknown; } catch { ext['x-amazon-apigateway-policy'] = snap.api.policy; }
    }
    if (snap.validators.length > 0) {
      ext['x-amazon-apigateway-request-validators'] = Object.fromEntries(snap.validators.map((v) => [v.name, { validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters }]));
    }
    const customised = snap.gatewayResponses.filter((g) => !g.defaultResponse);
    if (customised.length > 0) {
      ext['x-amazon-apigateway-gateway-responses'] = Object.fromEntries(customised.map((g) => [g.responseType, {
        ...(g.statusCode !== undefined ? { statusCode: g.statusCode } : {}),
        ...(g.responseParameters ? { responseParameters: g.responseParameters } : {}),
        ...(g.responseTemplates ? { responseTemplates: g.responseTemplates } : {}),
      }]));
    }
  }
  if (withExtensions && snap.api.binaryMediaTypes) ext['x-amazon-apigateway-binary-media-types'] = snap.api.binaryMediaTypes;
  if (type === 'oas30') {
    return {
      openapi: '3.0.1', info, servers: [{ url: `https://${host}/{basePath}`, variables: { basePath: { default: stageName } } }], paths,
      components: { schemas, ...(Object.keys(keyScheme).length > 0 ? { securitySchemes: keyScheme } : {}) }, ...ext,
    };
  }
  return { swagger: '2.0', info, host, basePath: `/${stageName}`, schemes: ['https'], paths, definitions: schemas, ...(Object.keys(keyScheme).length > 0 ? { securityDefinitions: keyScheme } : {}), ...ext };
}
