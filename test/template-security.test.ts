// `stepgate start` on templates that secure their APIs, end to end over HTTP (and the aws CLI where it
// applies): SAM Auth.ApiKeyRequired + Auth.UsagePlan (403 without the key, 200 with the key the template
// created, read back with GetApiKeys includeValues), Cors preflights, SAM Lambda/Cognito/IAM authorizers
// with per-event overrides and ResourcePolicy, and a CloudFormation API built resource by resource
// (MOCK and Step Functions integrations, TOKEN authorizer, validator, gateway response, two deployments,
// API key in a usage plan). Keys and plans keep their ids across a restart on the same store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type StepgateServer } from '../src/index.js';
import { loadTemplate } from '../src/template/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/templates/${name}`, import.meta.url));
const hasAws = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
type Json = Record<string, any>;

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Json;
  try { body = JSON.parse(text) as Json; } catch { body = { text }; }
  return { status: res.status, body, headers: res.headers };
}

/** `aws apigateway …` against the server, parsed JSON output. */
function aws(server: StepgateServer, ...args: string[]): Promise<Json> {
  return new Promise((resolve, reject) => {
    execFile('aws', ['apigateway', '--endpoint-url', server.url, '--output', 'json', ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1' },
    }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Json)));
  });
}

describe('SAM Api: ApiKeyRequired, UsagePlan and Cors', () => {
  const template = fixture('sam-api-key-cors.yaml');
  const outputs = loadTemplate(template).outputs;
  let dir: string;
  let store: string;
  let server: StepgateServer;
  let base = '';
  let keyValue = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stepgate-template-security-'));
    store = `sqlite:${join(dir, 'state.db')}`;
    server = await startServer({ port: 0, store, timeScale: 0, template });
    const api = server.stack?.apis[0];
    base = `${server.url}/restapis/${api?.apiId}/dev/_user_request_`;
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the stack has the key and plan SAM names <Api>ApiKey / <Api>UsagePlan, with the ids the template Refs resolve to', () => {
    assert.deepEqual(server.stack?.apiKeys, [{ logicalId: 'ShopApiApiKey', id: outputs.ApiKeyId }]);
    assert.deepEqual(server.stack?.usagePlans, [{ logicalId: 'ShopApiUsagePlan', id: outputs.UsagePlanId }]);
  });

  test('GetApiKeys includeValues shows the enabled key; without it a method that requires a key answers 403', async () => {
    const keys = await json(`${server.url}/apikeys?includeValues=true`);
    assert.equal(keys.status, 200);
    assert.equal(keys.body.item.length, 1);
    const key = keys.body.item[0];
    assert.equal(key.id, outputs.ApiKeyId);
    assert.equal(key.enabled, true);
    assert.match(key.name, /^stepgate-ShopApiApiKey-/);
    assert.match(key.value, /^[A-Za-z0-9]{40}$/);
    keyValue = key.value;
    const denied = await json(`${base}/hello`);
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, { message: 'Forbidden' });
    const wrong = await json(`${base}/hello`, { headers: { 'x-api-key': 'not-the-key-0123456789' } });
    assert.equal(wrong.status, 403);
  });

  test('with the key the template created the method answers, and the Lambda sees the key', async () => {
    const ok = await json(`${base}/hello`, { headers: { 'x-api-key': keyValue } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { path: '/hello', key: keyValue });
  });

  test('the aws CLI reads the same key value (get-api-keys --include-values)', { skip: hasAws ? false : 'the aws CLI is not on PATH' }, async () => {
    const out = await aws(server, 'get-api-keys', '--include-values');
    assert.deepEqual(out.items.map((k: Json) => [k.id, k.value, k.enabled]), [[outputs.ApiKeyId, keyValue, true]]);
  });

  test('an event with Auth.ApiKeyRequired: false opts out of the API default', async () => {
    const open = await json(`${base}/open`);
    assert.equal(open.status, 200);
    assert.deepEqual(open.body, { path: '/open', key: null });
  });

  test('Cors: the OPTIONS preflight answers the Access-Control headers; the proxy method adds none', async () => {
    const res = await fetch(`${base}/hello`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET,OPTIONS');
    assert.equal(res.headers.get('access-control-allow-headers'), 'Content-Type,X-Api-Key');
    assert.equal(res.headers.get('access-control-max-age'), '600');
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
    assert.equal(await res.text(), '{}\n');
    const get = await fetch(`${base}/hello`, { headers: { 'x-api-key': keyValue } });
    assert.equal(get.headers.get('access-control-allow-origin'), null);
    await get.arrayBuffer();
  });

  test('the usage plan binds the stage and holds the key (GetUsagePlans, GetUsagePlanKeys)', async () => {
    const plans = await json(`${server.url}/usageplans`);
    assert.equal(plans.body.item.length, 1);
    const plan = plans.body.item[0];
    assert.deepEqual({ id: plan.id, name: plan.name, description: plan.description, apiStages: plan.apiStages, throttle: plan.throttle, quota: { limit: plan.quota.limit, period: plan.quota.period } }, {
      id: outputs.UsagePlanId, name: 'shop-gold', description: 'Gold customers', apiStages: [{ apiId: server.stack?.apis[0]?.apiId, stage: 'dev' }],
      throttle: { burstLimit: 20, rateLimit: 10 }, quota: { limit: 1000, period: 'DAY' },
    });
    const keys = await json(`${server.url}/usageplans/${plan.id}/keys`);
    assert.deepEqual(keys.body.item.map((k: Json) => [k.id, k.type]), [[outputs.ApiKeyId, 'API_KEY']]);
  });

  test('a restart on the same store updates the key and plan instead of adding copies; the key value stays', async () => {
    await server.close();
    server = await startServer({ port: 0, store, timeScale: 0, template });
    base = `${server.url}/restapis/${server.stack?.apis[0]?.apiId}/dev/_user_request_`;
    const keys = await json(`${server.url}/apikeys?includeValues=true`);
    assert.deepEqual(keys.body.item.map((k: Json) => [k.id, k.value]), [[outputs.ApiKeyId, keyValue]]);
    const plans = await json(`${server.url}/usageplans`);
    assert.deepEqual(plans.body.item.map((p: Json) => p.id), [outputs.UsagePlanId]);
    const planKeys = await json(`${server.url}/usageplans/${outputs.UsagePlanId}/keys`);
    assert.equal(planKeys.body.item.length, 1);
    assert.equal((await json(`${base}/hello`, { headers: { 'x-api-key': keyValue } })).status, 200);
  });
});

describe('SAM Api: Lambda, Cognito and IAM authorizers, event overrides, ResourcePolicy', () => {
  let server: StepgateServer;
  let secure = '';
  let blocked = '';
  before(async () => {
    server = await startServer({ port: 0, store: 'memory', timeScale: 0, template: fixture('sam-authorizers.yaml') });
    const url = (logicalId: string): string => {
      const api = server.stack?.apis.find((a) => a.logicalId === logicalId);
      return `${server.url}/restapis/${api?.apiId}/${api?.stageName}/_user_request_`;
    };
    secure = url('SecureApi');
    blocked = url('BlockedApi');
  });
  after(async () => { await server?.close(); });

  test('DefaultAuthorizer (Lambda TOKEN, header X-Token): 401 without a token or when the validation expression fails, 200 when allowed', async () => {
    assert.deepEqual(await json(`${secure}/default`).then((r) => [r.status, r.body]), [401, { message: 'Unauthorized' }]);
    assert.equal((await json(`${secure}/default`, { headers: { 'x-token': 'Bad-Token' } })).status, 401);
    assert.equal((await json(`${secure}/default`, { headers: { 'x-token': 'deny' } })).status, 401);
    const ok = await json(`${secure}/default`, { headers: { 'x-token': 'allow' } });
    assert.deepEqual([ok.status, ok.body], [200, { path: '/default', principal: 'token-user' }]);
  });

  test('an event naming another authorizer (REQUEST, query string token) uses it', async () => {
    assert.equal((await json(`${secure}/request`, { headers: { 'x-token': 'allow' } })).status, 401);
    const ok = await json(`${secure}/request?token=allow`);
    assert.deepEqual([ok.status, ok.body], [200, { path: '/request', principal: 'request-user' }]);
  });

  test('Authorizer: NONE opts out of the default authorizer', async () => {
    const open = await json(`${secure}/public`);
    assert.deepEqual([open.status, open.body], [200, { path: '/public', principal: null }]);
  });

  test('a Cognito authorizer with scopes rejects a request without a token', async () => {
    assert.deepEqual(await json(`${secure}/cognito`, { method: 'POST' }).then((r) => [r.status, r.body]), [401, { message: 'Unauthorized' }]);
  });

  test('Authorizer: AWS_IAM — an unsigned request is refused (403 Missing Authentication Token)', async () => {
    const r = await json(`${secure}/iam`);
    assert.deepEqual([r.status, r.body], [403, { message: 'Missing Authentication Token' }]);
  });

  test('ResourcePolicy custom statements: a Deny on the caller\'s source IP refuses the request', async () => {
    const r = await fetch(`${blocked}/blocked`);
    assert.equal(r.status, 403);
    assert.match(await r.text(), /explicit deny/);
  });
});

describe('CloudFormation API built step by step', () => {
  const template = fixture('cfn-step-by-step.yaml');
  const outputs = loadTemplate(template).outputs;
  let server: StepgateServer;
  let apiId = '';
  const url = (stage: string, path: string): string => `${server.url}/restapis/${apiId}/${stage}/_user_request_${path}`;
  before(async () => {
    server = await startServer({ port: 0, store: 'memory', timeScale: 0, template });
    apiId = server.stack?.apis[0]?.apiId ?? '';
  });
  after(async () => { await server?.close(); });

  test('the API has the resources, root and deployments with the ids Ref / Fn::GetAtt gave the template', async () => {
    const api = await json(`${server.url}/restapis/${apiId}`);
    assert.equal(api.body.name, 'pets');
    assert.equal(api.body.rootResourceId, outputs.RootResourceId);
    const resources = await json(`${server.url}/restapis/${apiId}/resources?embed=methods`);
    const byPath = Object.fromEntries(resources.body.item.map((r: Json) => [r.path, r]));
    assert.equal(byPath['/pets'].id, outputs.PetsResourceId);
    assert.deepEqual(Object.keys(byPath['/pets'].resourceMethods).sort(), ['GET', 'POST']);
    assert.equal(byPath['/pets/{id}'].resourceMethods.GET.apiKeyRequired, true);
    assert.equal(byPath['/secret'].resourceMethods.GET.authorizationType, 'CUSTOM');
    const stages = await json(`${server.url}/restapis/${apiId}/stages`);
    assert.deepEqual(stages.body.item.map((s: Json) => s.stageName).sort(), ['early', 'v1']);
    assert.equal(stages.body.item.find((s: Json) => s.stageName === 'v1').deploymentId, outputs.DeploymentId);
  });

  test('MOCK integration with response parameters and stage variables', async () => {
    const r = await json(url('v1', '/pets'));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-source'), 'mock');
    assert.deepEqual(r.body, { kind: 'cat', resource: outputs.PetsResourceId });
  });

  test('the early deployment only has the method it depends on; the GatewayResponse answers the others', async () => {
    assert.deepEqual((await json(url('early', '/pets'))).body, { kind: 'early-cat', resource: outputs.PetsResourceId });
    const missing = await json(url('early', '/pets'), { method: 'POST', body: '{"name":"rex"}', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([missing.status, missing.body], [404, { message: 'no such route' }]);
  });

  test('AWS integration: StartSyncExecution on the template\'s state machine, behind a body validator', async () => {
    const adopted = await fetch(url('v1', '/pets'), { method: 'POST', body: '{"name":"rex"}', headers: { 'content-type': 'application/json' } });
    assert.equal(adopted.status, 200);
    assert.equal(await adopted.text(), 'adopted rex');
    const invalid = await json(url('v1', '/pets'), { method: 'POST', body: '{"nom":"rex"}', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([invalid.status, invalid.body], [400, { message: 'Invalid request body' }]);
  });

  test('ApiKeyRequired with the ApiKey of the template\'s UsagePlan', async () => {
    assert.equal((await json(url('v1', '/pets/7'))).status, 403);
    const ok = await json(url('v1', '/pets/7'), { headers: { 'x-api-key': 'pets-key-0123456789abcdef' } });
    assert.deepEqual([ok.status, ok.body], [200, { id: '7' }]);
  });

  test('an AWS::ApiGateway::Authorizer-protected method: 401 without a token, 200 with an allowed one', async () => {
    assert.deepEqual(await json(url('v1', '/secret')).then((r) => [r.status, r.body]), [401, { message: 'Unauthorized' }]);
    const ok = await json(url('v1', '/secret'), { headers: { authorization: 'allow' } });
    assert.deepEqual([ok.status, ok.body], [200, { secret: 'pet-owner' }]);
  });
});

test('an API Gateway error while the stack comes up names the file, line and logical id (CREATE_FAILED)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-template-conflict-'));
  const file = join(dir, 'template.yaml');
  writeFileSync(file, `Resources:
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: twice } }
  Get:
    Type: AWS::ApiGateway::Method
    Properties: { RestApiId: !Ref Api, ResourceId: !GetAtt Api.RootResourceId, HttpMethod: GET, Integration: { Type: MOCK } }
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Get
    Properties: { RestApiId: !Ref Api, StageName: live }
  Live:
    Type: AWS::ApiGateway::Stage
    Properties: { RestApiId: !Ref Api, DeploymentId: !Ref Deployment, StageName: live }
`);
  try {
    await assert.rejects(startServer({ port: 0, store: 'memory', template: file }), (e: Error & { where?: Json }) => {
      assert.match(e.message, /line 10: Live: Resource handler returned message: "Stage already exists \(Service: ApiGateway, Status Code: 409\)"/);
      assert.equal(e.where?.file, file);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
