// Replays every API Gateway end-to-end case (kind "e2e") of the AWS-recorded corpus against the real
// server over HTTP: the case's API is built through the management API (CreateRestApi, PutMethod,
// PutIntegration, ..., CreateDeployment), the recorded request is sent by Host
// `{apiId}.execute-api.localhost`, and the answer is compared with the README's comparison rules.
// Cases not passing yet are listed with a reason in apigw-e2e-known-failures.json; a listed case that
// starts passing fails this test so the list stays true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { conformanceDir, readJsonl } from './corpus.js';
import { registerCorpusFunctions, startBackends, type Backends } from './apigw-backends.js';
import { startServer, type StepgateServer } from '../../src/index.js';
import { InProcessLambdaService } from '../../src/lambda/service.js';
import { matchString, matchValue, type Binds } from './apigw-compare.js';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

interface E2eCase {
  id: string;
  kind: string;
  feature: string;
  api: ApiSpec;
  backend?: string;
  request: {
    mode?: string; method: string; path: string; query?: string | null; headers?: Record<string, string> | null; body?: string | null;
    resourcePath?: string; pathWithQueryString?: string;
  };
  expected: {
    status?: number | string; headers?: Record<string, string>; absentHeaders?: string[];
    body?: string | { json: unknown; select?: string[]; ignore?: string[] }; bodyBase64?: string; testInvoke?: unknown;
    select?: string[]; ignore?: string[];
  };
  compare: 'exact' | 'json' | 'json-subset' | 'status' | 'bytes';
  select?: string[];
  ignore?: string[];
}

interface MethodSpec {
  authorizationType?: string; apiKeyRequired?: boolean; requestParameters?: Record<string, boolean>; requestValidator?: string;
  requestModels?: Record<string, string>; methodResponses?: Record<string, { responseParameters?: Record<string, boolean> }>;
  integration?: {
    type: string; uri?: string; httpMethod?: string; requestTemplates?: Record<string, string>; requestParameters?: Record<string, string>;
    passthroughBehavior?: string; contentHandling?: string; credentials?: string; timeoutInMillis?: number;
    responses?: { statusCode: string; selectionPattern?: string; responseTemplates?: Record<string, string>; responseParameters?: Record<string, string>; contentHandling?: string }[];
  };
}

interface ApiSpec {
  endpointType: string;
  stage: { name: string; variables: Record<string, string> };
  resources: Record<string, Record<string, MethodSpec>>;
  models?: Record<string, { contentType: string; schema: unknown }>;
  requestValidators?: Record<string, { validateRequestBody: boolean; validateRequestParameters: boolean }>;
  gatewayResponses?: Record<string, { statusCode?: string; responseParameters?: Record<string, string>; responseTemplates?: Record<string, string> }>;
  binaryMediaTypes?: string[];
  apiKeySource?: string;
  apiKeys?: { name: string; value: string; enabled: boolean }[];
  usagePlans?: { apiStages: { stage: string }[]; quota?: unknown; throttle?: unknown; keys: string[] }[];
  canary?: { percentTraffic: number; stageVariableOverrides?: Record<string, string>; resources: Record<string, Record<string, MethodSpec>> };
}

// Comparison rules: ./apigw-compare.ts

function dropIgnored(v: unknown, paths: string[]): unknown {
  if (v === null || typeof v !== 'object' || paths.length === 0) return v;
  const copy = structuredClone(v) as Record<string, unknown>;
  for (const p of paths) {
    const parts = p.split('.');
    let cur: unknown = copy;
    for (const k of parts.slice(0, -1)) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
    if (cur === null || typeof cur !== 'object') continue;
    const last = parts[parts.length - 1] as string;
    const re = new RegExp(`^${last.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    for (const k of Object.keys(cur)) if (re.test(k)) delete (cur as Record<string, unknown>)[k];
  }
  return copy;
}

// ------------------------------------------------------------------ building the case's API through the management API
interface Ctx { server: StepgateServer; backends: Backends }

async function mgmt(ctx: Ctx, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${ctx.server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text === '' ? {} : JSON.parse(text) as Record<string, unknown>;
}

function expandTokens(ctx: Ctx, s: string): string {
  return s.replace(/<<backendHost:([^>]+)>>/g, (_, n: string) => new URL(ctx.backends.urls[n] ?? 'http://127.0.0.1').host);
}

function integrationUri(ctx: Ctx, uri: string | undefined): string | undefined {
  if (uri === undefined || uri === 'mock') return undefined;
  const lambda = /^lambda:(.+)$/.exec(uri);
  if (lambda) return `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:${lambda[1]}/invocations`;
  const states = /^states:(action\/.+)$/.exec(uri);
  if (states) return `arn:aws:apigateway:${REGION}:states:${states[1]}`;
  const http = /^([a-z-]+):(\/.*)$/.exec(uri);
  if (http && ctx.backends.urls[http[1] as string]) return `${ctx.backends.urls[http[1] as string]}${http[2]}`;
  return expandTokens(ctx, uri);
}

const credentialsArn = (c: string | undefined): string | undefined => (c?.startsWith('role:') ? `arn:aws:iam::${ACCOUNT}:role/${c.slice(5)}` : c);

async function buildApi(ctx: Ctx, c: E2eCase): Promise<{ apiId: string; resourceIds: Map<string, string>; cleanup: string[][] }> {
  const spec = c.api;
  const api = await mgmt(ctx, 'POST', '/restapis', {
    name: `corpus-${c.id}`, endpointConfiguration: { types: [spec.endpointType] },
    ...(spec.binaryMediaTypes ? { binaryMediaTypes: spec.binaryMediaTypes } : {}), ...(spec.apiKeySource ? { apiKeySource: spec.apiKeySource } : {}),
  });
  const apiId = api.id as string;
  const base = `/restapis/${apiId}`;
  for (const [name, m] of Object.entries(spec.models ?? {})) {
    const schema = JSON.stringify(m.schema).replace(/\{restApiId\}/g, apiId);
    await mgmt(ctx, 'POST', `${base}/models`, { name, contentType: m.contentType, schema });
  }
  const validatorIds = new Map<string, string>();
  for (const [name, v] of Object.entries(spec.requestValidators ?? {})) {
    const created = await mgmt(ctx, 'POST', `${base}/requestvalidators`, { name, ...v });
    validatorIds.set(name, created.id as string);
  }
  for (const [type, g] of Object.entries(spec.gatewayResponses ?? {})) await mgmt(ctx, 'PUT', `${base}/gatewayresponses/${type}`, g);
  const resourceIds = new Map<string, string>([['/', api.rootResourceId as string]]);
  const ensure = async (path: string): Promise<string> => {
    const known = resourceIds.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const parent = await ensure(cut <= 0 ? '/' : path.slice(0, cut));
    const r = await mgmt(ctx, 'POST', `${base}/resources/${parent}`, { pathPart: path.slice(cut + 1) });
    resourceIds.set(path, r.id as string);
    return r.id as string;
  };
  const putResources = async (resources: ApiSpec['resources']): Promise<void> => {
    for (const [path, methods] of Object.entries(resources)) {
      const rid = await ensure(path);
      for (const [verb, m] of Object.entries(methods)) {
        const mp = `${base}/resources/${rid}/methods/${verb}`;
        await mgmt(ctx, 'PUT', mp, {
          authorizationType: m.authorizationType ?? 'NONE', apiKeyRequired: m.apiKeyRequired === true,
          ...(m.requestParameters ? { requestParameters: m.requestParameters } : {}),
          ...(m.requestModels ? { requestModels: m.requestModels } : {}),
          ...(m.requestValidator ? { requestValidatorId: validatorIds.get(m.requestValidator) } : {}),
        });
        for (const [code, mr] of Object.entries(m.methodResponses ?? {})) await mgmt(ctx, 'PUT', `${mp}/responses/${code}`, mr);
        const i = m.integration;
        if (!i) continue;
        const uri = integrationUri(ctx, i.uri);
        const expandMap = (o: Record<string, string> | undefined): Record<string, string> | undefined =>
          o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, expandTokens(ctx, v)])) : undefined;
        await mgmt(ctx, 'PUT', `${mp}/integration`, {
          type: i.type, ...(uri ? { uri } : {}), ...(i.httpMethod ? { httpMethod: i.httpMethod } : i.type !== 'MOCK' ? { httpMethod: 'POST' } : {}),
          ...(i.requestTemplates ? { requestTemplates: expandMap(i.requestTemplates) } : {}),
          ...(i.requestParameters ? { requestParameters: i.requestParameters } : {}),
          ...(i.passthroughBehavior ? { passthroughBehavior: i.passthroughBehavior } : {}),
          ...(i.contentHandling ? { contentHandling: i.contentHandling } : {}),
          ...(i.timeoutInMillis ? { timeoutInMillis: i.timeoutInMillis } : {}),
          ...(credentialsArn(i.credentials) ? { credentials: credentialsArn(i.credentials) } : {}),
        });
        for (const r of i.responses ?? []) {
          await mgmt(ctx, 'PUT', `${mp}/integration/responses/${r.statusCode}`, {
            ...(r.selectionPattern !== undefined ? { selectionPattern: r.selectionPattern } : {}),
            ...(r.responseTemplates ? { responseTemplates: expandMap(r.responseTemplates) } : {}),
            ...(r.responseParameters ? { responseParameters: r.responseParameters } : {}),
            ...(r.contentHandling ? { contentHandling: r.contentHandling } : {}),
          });
        }
      }
    }
  };
  await putResources(spec.resources);
  await mgmt(ctx, 'POST', `${base}/deployments`, { stageName: spec.stage.name, ...(Object.keys(spec.stage.variables).length > 0 ? { variables: spec.stage.variables } : {}) });
  if (spec.canary) {
    // The recorded flow: change the methods, then deploy them as the stage's canary.
    await putResources(spec.canary.resources);
    await mgmt(ctx, 'POST', `${base}/deployments`, {
      stageName: spec.stage.name, canarySettings: { percentTraffic: spec.canary.percentTraffic, ...(spec.canary.stageVariableOverrides ? { stageVariableOverrides: spec.canary.stageVariableOverrides } : {}) },
    });
  }
  const keyIds = new Map<string, string>();
  // API key values are unique (409 "API Key already exists"): each case removes its keys and plans.
  const cleanup: string[][] = [];
  for (const k of spec.apiKeys ?? []) keyIds.set(k.name, (await mgmt(ctx, 'POST', '/apikeys', k)).id as string);
  for (const p of spec.usagePlans ?? []) {
    const plan = await mgmt(ctx, 'POST', '/usageplans', { name: `plan-${apiId}`, apiStages: p.apiStages.map((s) => ({ apiId, stage: s.stage })), ...(p.quota ? { quota: p.quota } : {}), ...(p.throttle ? { throttle: p.throttle } : {}) });
    for (const k of p.keys) await mgmt(ctx, 'POST', `/usageplans/${plan.id as string}/keys`, { keyId: keyIds.get(k), keyType: 'API_KEY' });
    cleanup.push(...p.apiStages.map((s) => ['PATCH', `/usageplans/${plan.id as string}`, `${apiId}:${s.stage}`]), ['DELETE', `/usageplans/${plan.id as string}`]);
  }
  for (const id of keyIds.values()) cleanup.push(['DELETE', `/apikeys/${id}`]);
  return { apiId, resourceIds, cleanup };
}

interface Answer { status: number; headers: [string, string][]; body: Buffer }

function send(ctx: Ctx, apiId: string, r: E2eCase['request']): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const path = `${r.path}${r.query ? `?${r.query}` : ''}`;
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    headers.Host = `${apiId}.execute-api.localhost:${ctx.server.port}`;
    const body = r.body === null || r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
    const chunked = Object.keys(headers).some((k) => k.toLowerCase() === 'transfer-encoding');
    const lenKey = Object.keys(headers).find((k) => k.toLowerCase() === 'content-length');
    if (lenKey && !chunked) headers[lenKey] = String(body.length);
    const req = httpRequest({ host: '127.0.0.1', port: ctx.server.port, method: r.method, path, headers, agent: false, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const hs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) hs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, headers: hs, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end(body.length > 0 ? body : undefined);
  });
}

function check(c: E2eCase, a: Answer, binds: Binds): string | undefined {
  const e = c.expected;
  if (e.status !== undefined) {
    const okStatus = e.status === 'ok' ? a.status < 400 : e.status === '4xx' ? a.status >= 400 && a.status < 500 : a.status === e.status;
    if (!okStatus) return `status ${a.status}, expected ${String(e.status)}; body ${a.body.toString('utf8').slice(0, 300)}`;
  }
  const joined = new Map<string, string>();
  for (const [k, v] of a.headers) {
    const l = k.toLowerCase();
    joined.set(l, joined.has(l) ? `${joined.get(l) as string}, ${v}` : v);
  }
  for (const [k, v] of Object.entries(e.headers ?? {})) {
    const got = joined.get(k.toLowerCase());
    if (got === undefined || !matchString(v, got, binds)) return `header ${k}: got ${String(got)}, expected ${v}`;
  }
  for (const k of e.absentHeaders ?? []) if (joined.has(k.toLowerCase())) return `header ${k} should be absent`;
  if (c.compare === 'status') return undefined;
  if (c.compare === 'bytes') {
    return e.bodyBase64 !== undefined && a.body.toString('base64') !== e.bodyBase64 ? `bytes differ: ${a.body.toString('base64').slice(0, 200)}` : undefined;
  }
  const text = a.body.toString('utf8');
  if (e.body === undefined) return undefined;
  if (typeof e.body === 'string') {
    return matchString(e.body, text, binds) ? undefined : `body ${JSON.stringify(text.slice(0, 1500))}, expected ${JSON.stringify(e.body)}`;
  }
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return `body is not JSON: ${text.slice(0, 300)}`; }
  let exp = e.body.json;
  const select = e.select ?? e.body.select ?? c.select;
  const ignore = e.ignore ?? e.body.ignore ?? c.ignore;
  if (select && parsed !== null && typeof parsed === 'object') {
    parsed = Object.fromEntries(select.filter((k) => k in (parsed as object)).map((k) => [k, (parsed as Record<string, unknown>)[k]]));
    exp = Object.fromEntries(select.filter((k) => k in (exp as object)).map((k) => [k, (exp as Record<string, unknown>)[k]]));
  }
  if (ignore) { parsed = dropIgnored(parsed, ignore); exp = dropIgnored(exp, ignore); }
  return matchValue(exp, parsed, binds, c.compare === 'json-subset') ? undefined : `json mismatch\n  got:      ${JSON.stringify(parsed).slice(0, 3000)}\n  expected: ${JSON.stringify(exp).slice(0, 3000)}`;
}

async function runCase(ctx: Ctx, c: E2eCase): Promise<string | undefined> {
  const { apiId, resourceIds, cleanup } = await buildApi(ctx, c);
  const binds: Binds = new Map([['apiId', apiId], ['accountId', ACCOUNT], ['region', REGION]]);
  binds.set('rootResourceId', resourceIds.get('/') as string);
  try {
    if (c.request.mode === 'test-invoke') {
      const rid = resourceIds.get(c.request.resourcePath ?? '/') as string;
      const out = await mgmt(ctx, 'POST', `/restapis/${apiId}/resources/${rid}/methods/${c.request.method}`, {
        pathWithQueryString: c.request.pathWithQueryString, ...(c.request.body ? { body: c.request.body } : {}), ...(c.request.headers ? { headers: c.request.headers } : {}),
      });
      return matchValue(c.expected.testInvoke, out, binds, c.compare === 'json-subset') ? undefined
        : `test-invoke mismatch\n  got:      ${JSON.stringify(out)}\n  expected: ${JSON.stringify(c.expected.testInvoke)}`;
    }
    return check(c, await send(ctx, apiId, c.request), binds);
  } finally {
    for (const [method, path, stage] of cleanup) await mgmt(ctx, method as string, path as string, stage ? { patchOperations: [{ op: 'remove', path: '/apiStages', value: stage }] } : undefined);
    await mgmt(ctx, 'DELETE', `/restapis/${apiId}`);
  }
}

const dir = conformanceDir();
if (!dir) {
  test('apigw e2e conformance', { skip: 'corpus not found (set STEPGATE_CONFORMANCE_DIR)' }, () => {});
} else {
  const cases = readJsonl<E2eCase>(join(dir, 'apigw', 'dev.jsonl')).filter((c) => c.kind === 'e2e');
  const known = JSON.parse(readFileSync(new URL('./apigw-e2e-known-failures.json', import.meta.url), 'utf8')) as Record<string, string>;
  test('apigw e2e conformance (corpus over HTTP)', async (t) => {
    const lambda = new InProcessLambdaService(REGION, ACCOUNT);
    registerCorpusFunctions(lambda);
    const backends = await startBackends();
    const server = await startServer({ port: 0, store: 'memory', timeScale: 0, region: REGION, accountId: ACCOUNT, lambda });
    const ctx: Ctx = { server, backends };
    let passed = 0;
    try {
      for (const c of cases) {
        const reason = known[c.id];
        let why: string | undefined;
        try { why = await runCase(ctx, c); } catch (e) { why = `error: ${e instanceof Error ? e.message : String(e)}`; }
        if (why === undefined) passed++;
        else if (process.env.APIGW_DEBUG) console.error(`--- ${c.id}: ${why}`);
        await t.test(`${c.feature}: ${c.id}`, () => {
          if (reason !== undefined) assert.ok(why !== undefined, `${c.id} now passes: remove it from apigw-e2e-known-failures.json`);
          else assert.equal(why, undefined, why);
        });
      }
    } finally {
      t.diagnostic(`corpus e2e: ${passed}/${cases.length} pass`);
      await server.close();
      await backends.close();
    }
  });
}
