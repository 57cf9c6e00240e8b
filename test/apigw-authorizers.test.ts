// Lambda (TOKEN, REQUEST) and Cognito user pool authorizers end to end: an OpenAPI document with
// x-amazon-apigateway-authorizer schemes is imported over HTTP, real local Lambda functions authorize
// (test/functions/authorizer-*.mjs), tokens are minted with a local key pair and verified against the JWKS
// the server was started with; the management API is driven with the AWS SDK, the aws CLI and raw fetch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  APIGatewayClient, CreateApiKeyCommand, CreateAuthorizerCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand, DeleteAuthorizerCommand, FlushStageAuthorizersCacheCommand,
  GetAuthorizerCommand, GetAuthorizersCommand, GetExportCommand, TestInvokeAuthorizerCommand, UpdateAuthorizerCommand,
} from '@aws-sdk/client-api-gateway';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { startServer, type StepgateServer } from '../src/index.js';

const run = promisify(execFile);
const FUNCTIONS = fileURLToPath(new URL('./functions', import.meta.url));
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda`;
const POOL_ID = 'us-east-1_TestPool1';
const POOL_ARN = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${POOL_ID}`;
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL_ID}`;
const API_KEY = 'authorizer-issued-key-0123456789';
const lambdaUri = (fn: string): string => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}/invocations`;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
type Json = Record<string, unknown>;

let server: StepgateServer;
let apigw: APIGatewayClient;
let dir: string;
let logFile: string;
let apiId: string;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signKey: PrivateKey;
let otherKey: PrivateKey;

const mock = (template: string): Json => ({
  responses: { 200: { description: 'ok' } },
  'x-amazon-apigateway-integration': {
    type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
    responses: { default: { statusCode: '200', responseTemplates: { 'application/json': template } } },
  },
});

/** The events the authorizer function received so far. */
function received(): Json[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json);
}
const invocationsWith = (token: string): number => received().filter((e) => e.authorizationToken === token).length;

async function call(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; text: string; headers: Headers }> {
  const res = await fetch(`${server.url}/restapis/${apiId}/dev/_user_request_${path}`, { headers });
  const text = await res.text();
  let body: Json = {};
  try { body = JSON.parse(text) as Json; } catch { /* not JSON */ }
  return { status: res.status, body, text, headers: res.headers };
}

async function idToken(claims: JWTPayload = {}, opts: { key?: PrivateKey; issuer?: string; expires?: string | number } = {}): Promise<string> {
  return new SignJWT({ token_use: 'id', 'cognito:username': 'alice', email: 'alice@example.com', email_verified: true, aud: 'client-1', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).setSubject('sub-123').setIssuer(opts.issuer ?? ISSUER).setIssuedAt()
    .setExpirationTime(opts.expires ?? '1h').sign(opts.key ?? signKey);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stepgate-authorizers-'));
  logFile = join(dir, 'authorizer.log');
  const pair = await generateKeyPair('RS256');
  signKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  // --jwks file: user pool ARN → a JWKS file next to it
  writeFileSync(join(dir, 'pool.jwks.json'), JSON.stringify({ keys: [jwk] }));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ [POOL_ARN]: 'pool.jwks.json' }));
  server = await startServer({ port: 0, store: 'memory', timeScale: 0, jwks: join(dir, 'jwks.json') });
  apigw = new APIGatewayClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
  const lambda = new LambdaClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'authz', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'authorizer-policy.handler', Code: { S3Bucket: 'hot-reload', S3Key: FUNCTIONS },
    Environment: { Variables: { AUTHORIZER_LOG: logFile } },
  }));
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'proxy-echo', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'authorizer-proxy-echo.handler', Code: { S3Bucket: 'hot-reload', S3Key: FUNCTIONS },
  }));
  lambda.destroy();

  const tokenAuthorizer = (ttl: number, header = 'Authorization'): Json => ({
    type: 'apiKey', name: header, in: 'header', 'x-amazon-apigateway-authtype': 'custom',
    'x-amazon-apigateway-authorizer': {
      type: 'token', authorizerUri: lambdaUri('authz'), authorizerResultTtlInSeconds: ttl,
      identityValidationExpression: '[a-z-]+(:[A-Za-z0-9-]+)?',
    },
  });
  const doc = {
    openapi: '3.0.1', info: { title: 'authorizers', version: '1' },
    'x-amazon-apigateway-api-key-source': 'AUTHORIZER',
    components: {
      securitySchemes: {
        tok: tokenAuthorizer(0),
        cached: tokenAuthorizer(300, 'X-Cached'),
        req: {
          type: 'apiKey', name: 'Unused', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
          'x-amazon-apigateway-authorizer': { type: 'request', authorizerUri: lambdaUri('authz'), identitySource: 'method.request.header.X-User, method.request.querystring.tenant', authorizerResultTtlInSeconds: 300 },
        },
        pool: {
          type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools',
          'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [POOL_ARN] },
        },
        api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
      },
    },
    paths: {
      '/mapped': { get: { security: [{ tok: [] }], ...mock('{"principalId":"$context.authorizer.principalId","user":"$context.authorizer.user","tier":"$context.authorizer.tier","admin":"$context.authorizer.admin"}') } },
      '/proxy': {
        get: {
          security: [{ tok: [] }], responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri: lambdaUri('proxy-echo') },
        },
      },
      '/cached': { get: { security: [{ cached: [] }], ...mock('{"principalId":"$context.authorizer.principalId"}') } },
      '/req/{id}': { get: { security: [{ req: [] }], ...mock('{"principalId":"$context.authorizer.principalId","tenant":"$context.authorizer.tenant"}') } },
      '/keyed': { get: { security: [{ tok: [], api_key: [] }], ...mock('{"apiKey":"$context.identity.apiKey"}') } },
      '/cognito': { get: { security: [{ pool: [] }], ...mock('{"sub":"$context.authorizer.claims.sub","username":"$context.authorizer.claims[\'cognito:username\']","verified":"$context.authorizer.claims.email_verified","use":"$context.authorizer.claims.token_use"}') } },
      '/scoped': { get: { security: [{ pool: ['orders/read', 'orders/write'] }], ...mock('{"scope":"$context.authorizer.claims.scope"}') } },
      '/cognito-proxy': {
        get: {
          security: [{ pool: [] }], responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri: lambdaUri('proxy-echo') },
        },
      },
    },
  };
  const imported = await fetch(`${server.url}/restapis?mode=import`, { method: 'POST', body: JSON.stringify(doc) });
  const api = await imported.json() as Json;
  assert.equal(imported.status, 201, JSON.stringify(api));
  apiId = api.id as string;
  const deployed = await fetch(`${server.url}/restapis/${apiId}/deployments`, { method: 'POST', body: JSON.stringify({ stageName: 'dev' }) });
  assert.equal(deployed.status, 201);
  // The key an authorizer returns (usageIdentifierKey) must be in a usage plan of the stage (FACTS §5.1 step 3).
  const key = await apigw.send(new CreateApiKeyCommand({ name: 'from-authorizer', value: API_KEY, enabled: true }));
  const plan = await apigw.send(new CreateUsagePlanCommand({ name: 'plan', apiStages: [{ apiId, stage: 'dev' }] }));
  await apigw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
});

after(async () => {
  apigw.destroy();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TOKEN authorizer', () => {
  test('Allow: principalId and context values reach a mapping template, stringified', async () => {
    const r = await call('/mapped', { Authorization: 'allow' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { principalId: 'user-7', user: 'alice', tier: '3', admin: 'true' });
    const event = received().find((e) => e.authorizationToken === 'allow');
    assert.deepEqual(event, { type: 'TOKEN', methodArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiId}/dev/GET/mapped`, authorizationToken: 'allow' });
  });

  test('Allow: the Lambda proxy event carries requestContext.authorizer with the JSON types kept', async () => {
    const r = await call('/proxy', { Authorization: 'allow' });
    assert.equal(r.status, 200, r.text);
    const authorizer = r.body.authorizer as Json;
    assert.equal(authorizer.principalId, 'user-7');
    assert.equal(authorizer.user, 'alice');
    assert.equal(authorizer.tier, 3);
    assert.equal(authorizer.admin, true);
    assert.equal(typeof authorizer.integrationLatency, 'number');
  });

  test('policy element names in lower case and wildcard actions are accepted', async () => {
    const r = await call('/mapped', { Authorization: 'lower' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.principalId, 'user-8');
  });

  test('a missing token is 401 without invoking the function', async () => {
    const before = received().length;
    const r = await call('/mapped');
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { message: 'Unauthorized' });
    assert.equal(r.headers.get('x-amzn-errortype'), 'UnauthorizedException');
    assert.equal(received().length, before);
  });

  test('a token the identityValidationExpression rejects is 401 without invoking the function', async () => {
    const r = await call('/mapped', { Authorization: 'Not A Token!' });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { message: 'Unauthorized' });
    assert.equal(invocationsWith('Not A Token!'), 0);
  });

  test('the function failing with "Unauthorized" is 401', async () => {
    const r = await call('/mapped', { Authorization: 'unauthorized' });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { message: 'Unauthorized' });
    assert.equal(invocationsWith('unauthorized'), 1);
  });

  test('an explicit Deny is 403 with capital "Message"', async () => {
    const r = await call('/mapped', { Authorization: 'deny' });
    assert.equal(r.status, 403);
    assert.equal(r.text, '{"Message":"User is not authorized to access this resource with an explicit deny"}');
    assert.equal(r.headers.get('x-amzn-errortype'), 'AccessDeniedException');
  });

  test('an Allow for another resource only is 403', async () => {
    const r = await call('/mapped', { Authorization: 'elsewhere' });
    assert.equal(r.status, 403);
    assert.equal(r.text, '{"Message":"User is not authorized to access this resource"}');
  });

  test('invalid answers and function errors are 500 {"message":null}', async () => {
    for (const token of ['object-context', 'no-policy', 'boom']) {
      const r = await call('/mapped', { Authorization: token });
      assert.equal(r.status, 500, token);
      assert.equal(r.text, '{"message":null}', token);
      assert.equal(r.headers.get('x-amzn-errortype'), 'AuthorizerConfigurationException', token);
    }
  });

  test('caching: the function runs once for two requests with the same token within the TTL', async () => {
    const first = await call('/cached', { 'X-Cached': 'allow:once' });
    const second = await call('/cached', { 'X-Cached': 'allow:once' });
    assert.equal(first.status, 200, first.text);
    assert.equal(second.status, 200, second.text);
    assert.equal(invocationsWith('allow:once'), 1);
    // the cached policy is evaluated against the new method ARN: a Deny cached for one path stays a Deny
    const denied = await call('/cached', { 'X-Cached': 'deny:once' });
    const deniedAgain = await call('/cached', { 'X-Cached': 'deny:once' });
    assert.equal(denied.status, 403);
    assert.equal(deniedAgain.status, 403);
    assert.equal(invocationsWith('deny:once'), 1);
  });

  test('FlushStageAuthorizersCache (SDK): the next request with a cached token runs the function again', async () => {
    await call('/cached', { 'X-Cached': 'allow:flushed' });
    await call('/cached', { 'X-Cached': 'allow:flushed' });
    assert.equal(invocationsWith('allow:flushed'), 1);
    const out = await apigw.send(new FlushStageAuthorizersCacheCommand({ restApiId: apiId, stageName: 'dev' }));
    assert.equal(out.$metadata.httpStatusCode, 202);
    await call('/cached', { 'X-Cached': 'allow:flushed' });
    assert.equal(invocationsWith('allow:flushed'), 2);
    // an unknown stage is NotFoundException, as for every stage operation
    await assert.rejects(apigw.send(new FlushStageAuthorizersCacheCommand({ restApiId: apiId, stageName: 'nope' })), (e: Error) => e.name === 'NotFoundException');
  });

  test('caching off (TTL 0): the function runs for every request', async () => {
    await call('/mapped', { Authorization: 'allow:twice' });
    await call('/mapped', { Authorization: 'allow:twice' });
    assert.equal(invocationsWith('allow:twice'), 2);
  });

  test('usageIdentifierKey is the API key when apiKeySource is AUTHORIZER', async () => {
    const ok = await call('/keyed', { Authorization: `key:${API_KEY}` });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body, { apiKey: API_KEY });
    // an x-api-key header is not what counts here; a key in no usage plan is Forbidden
    const noKey = await call('/keyed', { Authorization: 'allow', 'x-api-key': API_KEY });
    assert.equal(noKey.status, 403);
    assert.deepEqual(noKey.body, { message: 'Forbidden' });
    const unknown = await call('/keyed', { Authorization: 'key:not-a-key-of-any-plan-000' });
    assert.equal(unknown.status, 403);
    assert.deepEqual(unknown.body, { message: 'Forbidden' });
  });
});

describe('REQUEST authorizer', () => {
  test('header and query string identity sources: the REQUEST event, 401 when one is missing, cache by their values', async () => {
    const r = await call('/req/42?tenant=acme', { 'X-User': 'allow' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { principalId: 'user-7', tenant: 'acme' });
    const events = received().filter((e) => e.type === 'REQUEST');
    assert.equal(events.length, 1);
    const event = events[0] as Json;
    assert.equal(event.methodArn, `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiId}/dev/GET/req/42`);
    assert.equal(event.resource, '/req/{id}');
    assert.equal(event.path, '/req/42');
    assert.equal(event.httpMethod, 'GET');
    assert.deepEqual(event.pathParameters, { id: '42' });
    assert.deepEqual(event.queryStringParameters, { tenant: 'acme' });
    assert.deepEqual(event.multiValueQueryStringParameters, { tenant: ['acme'] });
    assert.equal(Object.entries(event.headers as Json).find(([k]) => k.toLowerCase() === 'x-user')?.[1], 'allow');
    const rc = event.requestContext as Json;
    assert.equal(rc.resourcePath, '/req/{id}');
    assert.equal(rc.stage, 'dev');
    assert.equal(rc.apiId, apiId);
    assert.equal(rc.httpMethod, 'GET');
    assert.equal('body' in event, false);

    // the same identity values: answered from the cache
    await call('/req/42?tenant=acme', { 'X-User': 'allow' });
    assert.equal(received().filter((e) => e.type === 'REQUEST').length, 1);
    // another tenant: another cache entry
    const other = await call('/req/42?tenant=globex', { 'X-User': 'allow' });
    assert.deepEqual(other.body, { principalId: 'user-7', tenant: 'globex' });
    assert.equal(received().filter((e) => e.type === 'REQUEST').length, 2);

    const before = received().length;
    const noQuery = await call('/req/42', { 'X-User': 'allow' });
    assert.equal(noQuery.status, 401);
    assert.deepEqual(noQuery.body, { message: 'Unauthorized' });
    const noHeader = await call('/req/42?tenant=acme');
    assert.equal(noHeader.status, 401);
    const emptyQuery = await call('/req/42?tenant=', { 'X-User': 'allow' });
    assert.equal(emptyQuery.status, 401);
    assert.equal(received().length, before);
  });
});

describe('COGNITO_USER_POOLS authorizer', () => {
  test('a valid ID token: its claims reach the mapping template as strings', async () => {
    const r = await call('/cognito', { Authorization: await idToken() });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { sub: 'sub-123', username: 'alice', verified: 'true', use: 'id' });
    const bearer = await call('/cognito', { Authorization: `Bearer ${await idToken()}` });
    assert.equal(bearer.status, 200, bearer.text);
  });

  test('claims in the Lambda proxy event: strings, exp and iat as Java dates', async () => {
    const r = await call('/cognito-proxy', { Authorization: await idToken() });
    assert.equal(r.status, 200, r.text);
    const claims = (r.body.authorizer as Json).claims as Json;
    assert.equal(claims.sub, 'sub-123');
    assert.equal(claims.email_verified, 'true');
    assert.equal(claims.iss, ISSUER);
    assert.match(String(claims.exp), /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
  });

  test('expired, wrong issuer, bad signature, missing and malformed tokens are 401', async () => {
    const cases: [string, string | undefined][] = [
      ['expired', await idToken({}, { expires: Math.floor(Date.now() / 1000) - 60 })],
      ['wrong issuer', await idToken({}, { issuer: `https://cognito-idp.${REGION}.amazonaws.com/us-east-1_Other` })],
      ['bad signature', await idToken({}, { key: otherKey })],
      ['not a JWT', 'not-a-jwt'],
      ['missing', undefined],
    ];
    for (const [why, token] of cases) {
      const r = await call('/cognito', token === undefined ? {} : { Authorization: token });
      assert.equal(r.status, 401, why);
      assert.deepEqual(r.body, { message: 'Unauthorized' }, why);
    }
  });

  test('OAuth scopes: an access token with one of the method\'s scopes passes; an ID token or another scope is 401', async () => {
    const access = (scope: string): Promise<string> => idToken({ token_use: 'access', scope, client_id: 'client-1', aud: undefined });
    const ok = await call('/scoped', { Authorization: await access('openid orders/read') });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body, { scope: 'openid orders/read' });
    assert.equal((await call('/scoped', { Authorization: await access('orders/delete') })).status, 401);
    assert.equal((await call('/scoped', { Authorization: await idToken() })).status, 401);
    // without scopes on the method an access token is not accepted
    assert.equal((await call('/cognito', { Authorization: await access('orders/read') })).status, 401);
  });
});

describe('management API', () => {
  const createInput = {
    name: 'mgmt', type: 'TOKEN' as const, authorizerUri: lambdaUri('authz'), identitySource: 'method.request.header.Authorization',
  };

  test('CreateAuthorizer, GetAuthorizer(s), UpdateAuthorizer, TestInvokeAuthorizer, DeleteAuthorizer with the SDK', async () => {
    const created = await apigw.send(new CreateAuthorizerCommand({ restApiId: apiId, ...createInput }));
    assert.equal(created.name, 'mgmt');
    assert.equal(created.type, 'TOKEN');
    assert.equal(created.authorizerResultTtlInSeconds, 300);
    assert.match(String(created.id), /^[a-z0-9]{6}$/);
    const got = await apigw.send(new GetAuthorizerCommand({ restApiId: apiId, authorizerId: created.id }));
    assert.equal(got.identitySource, 'method.request.header.Authorization');
    const list = await apigw.send(new GetAuthorizersCommand({ restApiId: apiId }));
    assert.ok((list.items ?? []).some((a) => a.id === created.id));
    assert.ok((list.items ?? []).some((a) => a.name === 'pool' && a.type === 'COGNITO_USER_POOLS'));
    const updated = await apigw.send(new UpdateAuthorizerCommand({
      restApiId: apiId, authorizerId: created.id,
      patchOperations: [{ op: 'replace', path: '/authorizerResultTtlInSeconds', value: '60' }, { op: 'replace', path: '/name', value: 'renamed' }],
    }));
    assert.equal(updated.authorizerResultTtlInSeconds, 60);
    assert.equal(updated.name, 'renamed');
    const tested = await apigw.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId: created.id, headers: { Authorization: 'allow' } }));
    assert.equal(tested.clientStatus, 200);
    assert.equal(tested.principalId, 'user-7');
    assert.equal((JSON.parse(String(tested.policy)) as { Statement: { Effect: string }[] }).Statement[0]?.Effect, 'Allow');
    assert.match(String(tested.log), /^Execution log for request /);
    const refused = await apigw.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId: created.id, headers: { Authorization: 'unauthorized' } }));
    assert.equal(refused.clientStatus, 401);
    await apigw.send(new DeleteAuthorizerCommand({ restApiId: apiId, authorizerId: created.id }));
    await assert.rejects(apigw.send(new GetAuthorizerCommand({ restApiId: apiId, authorizerId: created.id })),
      (e: { name?: string; message?: string }) => e.name === 'NotFoundException' && e.message === 'Invalid Authorizer identifier specified');
  });

  test('TestInvokeAuthorizer of a Cognito authorizer answers the claims', async () => {
    const pool = (await apigw.send(new GetAuthorizersCommand({ restApiId: apiId }))).items?.find((a) => a.name === 'pool');
    const ok = await apigw.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId: pool?.id, headers: { Authorization: await idToken() } }));
    assert.equal(ok.clientStatus, 200);
    assert.equal(ok.claims?.['cognito:username'], 'alice');
    const bad = await apigw.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId: pool?.id, headers: { Authorization: 'nope' } }));
    assert.equal(bad.clientStatus, 401);
  });

  test('the aws CLI creates and lists authorizers', async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: REGION, AWS_PAGER: '' };
    const { stdout } = await run('aws', ['--endpoint-url', server.url, 'apigateway', 'create-authorizer', '--rest-api-id', apiId, '--name', 'from-cli',
      '--type', 'REQUEST', '--authorizer-uri', lambdaUri('authz'), '--identity-source', 'method.request.header.X-User,stageVariables.stage',
      '--authorizer-result-ttl-in-seconds', '0'], { env });
    const created = JSON.parse(stdout) as Json;
    assert.equal(created.name, 'from-cli');
    assert.equal(created.authorizerResultTtlInSeconds, 0);
    const listed = JSON.parse((await run('aws', ['--endpoint-url', server.url, 'apigateway', 'get-authorizers', '--rest-api-id', apiId], { env })).stdout) as { items: Json[] };
    assert.ok(listed.items.some((a) => a.id === created.id && a.identitySource === 'method.request.header.X-User,stageVariables.stage'));
    await assert.rejects(
      run('aws', ['--endpoint-url', server.url, 'apigateway', 'create-authorizer', '--rest-api-id', apiId, '--name', 'x', '--type', 'TOKEN',
        '--authorizer-uri', lambdaUri('authz'), '--identity-source', 'method.request.querystring.token'], { env }),
      (e: { stderr?: string }) => /BadRequestException/.test(e.stderr ?? '') && /Invalid token source expression/.test(e.stderr ?? ''),
    );
  });

  test('GetExport round-trips the authorizer schemes and the operations\' security', async () => {
    const out = await apigw.send(new GetExportCommand({ restApiId: apiId, stageName: 'dev', exportType: 'oas30', parameters: { extensions: 'apigateway' } }));
    const doc = JSON.parse(Buffer.from(out.body ?? new Uint8Array()).toString('utf8')) as { components: { securitySchemes: Record<string, Json> }; paths: Record<string, Record<string, Json>> };
    const pool = doc.components.securitySchemes.pool as Json;
    assert.equal(pool['x-amazon-apigateway-authtype'], 'cognito_user_pools');
    assert.deepEqual((pool['x-amazon-apigateway-authorizer'] as Json).providerARNs, [POOL_ARN]);
    assert.equal(((doc.components.securitySchemes.req as Json)['x-amazon-apigateway-authorizer'] as Json).identitySource, 'method.request.header.X-User, method.request.querystring.tenant');
    assert.deepEqual(doc.paths['/scoped']?.get?.security, [{ pool: ['orders/read', 'orders/write'] }]);
    assert.deepEqual(doc.paths['/keyed']?.get?.security, [{ api_key: [], tok: [] }]);
    // the export imports again, with the same authorizers
    const again = await fetch(`${server.url}/restapis?mode=import`, { method: 'POST', body: JSON.stringify(doc) });
    assert.equal(again.status, 201);
    const id = (await again.json() as Json).id as string;
    const names = ((await apigw.send(new GetAuthorizersCommand({ restApiId: id }))).items ?? []).map((a) => a.name).sort();
    assert.deepEqual(names, ['cached', 'pool', 'req', 'tok']);
  });

  test('malformed input gets AWS\'s errors and changes nothing', async () => {
    const post = async (body: unknown, api = apiId): Promise<{ status: number; type: string | null; message: unknown }> => {
      const res = await fetch(`${server.url}/restapis/${api}/authorizers`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      const json = await res.json() as Json;
      return { status: res.status, type: res.headers.get('x-amzn-errortype'), message: json.message };
    };
    const before = (await apigw.send(new GetAuthorizersCommand({ restApiId: apiId }))).items?.length;
    const badType = await post({ ...createInput, type: 'JWT' });
    assert.equal(badType.status, 400);
    assert.equal(badType.type, 'ValidationException');
    assert.match(String(badType.message), /^1 validation error detected: Value 'JWT' at 'createAuthorizerInput.type' failed to satisfy constraint: Member must satisfy enum value set: \[/);
    const noType = await post({ name: 'x', authorizerUri: lambdaUri('authz') });
    assert.equal(noType.type, 'ValidationException');
    assert.equal(noType.message, "1 validation error detected: Value null at 'createAuthorizerInput.type' failed to satisfy constraint: Member must not be null");
    const noUri = await post({ name: 'x', type: 'TOKEN', identitySource: 'method.request.header.Authorization' });
    assert.equal(noUri.status, 400);
    assert.equal(noUri.type, 'BadRequestException');
    const badUri = await post({ ...createInput, authorizerUri: 'arn:aws:lambda:us-east-1:000000000000:function:authz' });
    assert.equal(badUri.status, 400);
    assert.match(String(badUri.message), /^Invalid Authorizer URI: /);
    for (const ttl of [-1, 3601, 1.5, 'soon']) {
      const badTtl = await post({ ...createInput, authorizerResultTtlInSeconds: ttl });
      assert.equal(badTtl.status, 400, String(ttl));
      assert.equal(badTtl.type, 'BadRequestException', String(ttl));
    }
    const requestNoSource = await post({ name: 'x', type: 'REQUEST', authorizerUri: lambdaUri('authz') });
    assert.equal(requestNoSource.status, 400);
    assert.equal(requestNoSource.message, 'Identity source must be set if authorizer caching is enabled (TTL is greater than 0)');
    const cognitoNoPools = await post({ name: 'x', type: 'COGNITO_USER_POOLS', identitySource: 'method.request.header.Authorization' });
    assert.equal(cognitoNoPools.status, 400);
    const notJson = await post('{"name":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.type, 'SerializationException');
    // [rec] an unknown API: CreateAuthorizer answers ConflictException, GetAuthorizers NotFoundException
    const noApi = await post(createInput, 'nosuchapi1');
    assert.equal(noApi.status, 409);
    assert.equal(noApi.message, 'Unable to complete operation due to concurrent modification. Please try again later.');
    const list = await fetch(`${server.url}/restapis/nosuchapi1/authorizers`);
    assert.equal(list.status, 404);
    assert.deepEqual(await list.json(), { message: `Invalid API identifier specified ${ACCOUNT}:nosuchapi1` });
    const badPatch = await fetch(`${server.url}/restapis/${apiId}/authorizers/${(await apigw.send(new GetAuthorizersCommand({ restApiId: apiId }))).items?.[0]?.id}`, {
      method: 'PATCH', body: JSON.stringify({ patchOperations: [{ op: 'replace', path: '/authorizerResultTtlInSeconds', value: '9999' }] }),
    });
    assert.equal(badPatch.status, 400);
    assert.equal((await apigw.send(new GetAuthorizersCommand({ restApiId: apiId }))).items?.length, before);
  });

  test('PutMethod with CUSTOM needs a valid authorizerId [rec]; a referenced authorizer cannot be deleted', async () => {
    const api = await (await fetch(`${server.url}/restapis`, { method: 'POST', body: JSON.stringify({ name: 'put-method' }) })).json() as Json;
    const base = `${server.url}/restapis/${String(api.id)}/resources/${String(api.rootResourceId)}/methods/GET`;
    for (const body of [{ authorizationType: 'CUSTOM' }, { authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'nope00' }]) {
      const res = await fetch(base, { method: 'PUT', body: JSON.stringify(body) });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { message: 'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.' });
    }
    const created = await apigw.send(new CreateAuthorizerCommand({ restApiId: String(api.id), ...createInput }));
    const put = await fetch(base, { method: 'PUT', body: JSON.stringify({ authorizationType: 'CUSTOM', authorizerId: created.id }) });
    assert.equal(put.status, 201);
    assert.equal((await put.json() as Json).authorizerId, created.id);
    await assert.rejects(apigw.send(new DeleteAuthorizerCommand({ restApiId: String(api.id), authorizerId: created.id })), (e: { name?: string }) => e.name === 'ConflictException');
    // UpdateMethod: the same rule [rec], and a refused patch changes nothing
    const post = `${server.url}/restapis/${String(api.id)}/resources/${String(api.rootResourceId)}/methods/POST`;
    assert.equal((await fetch(post, { method: 'PUT', body: JSON.stringify({ authorizationType: 'NONE' }) })).status, 201);
    const refused = await fetch(post, { method: 'PATCH', body: JSON.stringify({ patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'CUSTOM' }] }) });
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), { message: 'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.' });
    assert.equal((await (await fetch(post)).json() as Json).authorizationType, 'NONE');
    const patched = await fetch(post, { method: 'PATCH', body: JSON.stringify({ patchOperations: [{ op: 'replace', path: '/authorizerId', value: created.id }, { op: 'replace', path: '/authorizationType', value: 'CUSTOM' }] }) });
    assert.equal(patched.status, 200);
    assert.equal((await patched.json() as Json).authorizationType, 'CUSTOM');
  });
});

describe('resource policy with a Lambda authorizer', () => {
  test('an explicit Deny in the resource policy refuses before the authorizer runs', async () => {
    const doc = {
      openapi: '3.0.1', info: { title: 'policy-first', version: '1' },
      'x-amazon-apigateway-policy': {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
          { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*/GET/denied', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } },
        ],
      },
      components: {
        securitySchemes: {
          tok: {
            type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
            'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: lambdaUri('authz'), authorizerResultTtlInSeconds: 0 },
          },
        },
      },
      paths: {
        '/denied': { get: { security: [{ tok: [] }], ...mock('{"ok":true}') } },
        '/open': { get: { security: [{ tok: [] }], ...mock('{"principalId":"$context.authorizer.principalId"}') } },
      },
    };
    const imported = await fetch(`${server.url}/restapis?mode=import`, { method: 'POST', body: JSON.stringify(doc) });
    const id = (await imported.json() as Json).id as string;
    assert.equal(imported.status, 201);
    assert.equal((await fetch(`${server.url}/restapis/${id}/deployments`, { method: 'POST', body: JSON.stringify({ stageName: 'dev' }) })).status, 201);
    const denied = await fetch(`${server.url}/restapis/${id}/dev/_user_request_/denied`, { headers: { Authorization: 'allow:policyfirst' } });
    assert.equal(denied.status, 403);
    assert.match(await denied.text(), /^\{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:\*{8}\d{4}:[a-z0-9]+\/dev\/GET\/denied with an explicit deny"\}$/);
    assert.equal(invocationsWith('allow:policyfirst'), 0);
    // the same caller on a path the policy allows goes on to the authorizer
    const open = await fetch(`${server.url}/restapis/${id}/dev/_user_request_/open`, { headers: { Authorization: 'allow:policyfirst' } });
    assert.equal(open.status, 200, await open.clone().text());
    assert.equal(invocationsWith('allow:policyfirst'), 1);
  });
});
