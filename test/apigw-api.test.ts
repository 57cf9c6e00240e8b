// API Gateway over HTTP beyond the corpus: OpenAPI import errors, the management API step by step
// (stages and stage variables, export), and bad input answered as AWS does while the server keeps
// serving: unknown stages, invalid StartExecution bodies, oversized bodies, slow backends, 415, 400.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, type StepgateServer } from '../src/index.js';
import { listen, slowHandler } from './conformance/apigw-backends.js';

const run = promisify(execFile);
type Json = Record<string, unknown>;

async function call(server: StepgateServer, method: string, path: string, body?: unknown, raw = false): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: raw ? String(body) : JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: Json;
  try { json = JSON.parse(text) as Json; } catch { json = { text }; }
  return { status: res.status, json, headers: res.headers };
}

async function importApi(server: StepgateServer, doc: unknown, stage = 'dev'): Promise<string> {
  const r = await call(server, 'POST', '/restapis?mode=import', doc);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const d = await call(server, 'POST', `/restapis/${r.json.id as string}/deployments`, { stageName: stage });
  assert.equal(d.status, 201, JSON.stringify(d.json));
  return r.json.id as string;
}

const invokeUrl = (server: StepgateServer, apiId: string, stage: string, path: string): string => `${server.url}/restapis/${apiId}/${stage}/_user_request_${path}`;

const mockOp = (template: string, extra: Json = {}): Json => ({
  responses: { 200: { description: 'ok' } },
  'x-amazon-apigateway-integration': {
    type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
    responses: { default: { statusCode: '200', responseTemplates: { 'application/json': template } } }, ...extra,
  },
});

test('import errors are BadRequestException and nothing is stored', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const garbage = await call(server, 'POST', '/restapis?mode=import', 'openapi: [unclosed', true);
    assert.equal(garbage.status, 400);
    assert.equal(garbage.headers.get('x-amzn-errortype'), 'BadRequestException');
    const badType = await call(server, 'POST', '/restapis?mode=import', {
      openapi: '3.0.1', info: { title: 't', version: '1' },
      paths: { '/x': { get: { 'x-amazon-apigateway-integration': { type: 'ftp', uri: 'ftp://x' } } } },
    });
    assert.equal(badType.status, 400);
    assert.match(String(badType.json.message), /^Errors found during import:/);
    const list = await call(server, 'GET', '/restapis');
    assert.deepEqual(list.json.item, []);
    // The aws CLI reports the same error by its code.
    await assert.rejects(
      run('aws', ['--endpoint-url', server.url, 'apigateway', 'get-rest-api', '--rest-api-id', 'nope123456'], { env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' } }),
      (e: { stderr?: string }) => /NotFoundException/.test(e.stderr ?? ''),
    );
  } finally { await server.close(); }
});

test('step-by-step API with stage variables, UpdateStage and GetExport', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const api = await call(server, 'POST', '/restapis', { name: 'steps' });
    const id = api.json.id as string;
    const root = api.json.rootResourceId as string;
    const res = await call(server, 'POST', `/restapis/${id}/resources/${root}`, { pathPart: 'hello' });
    const base = `/restapis/${id}/resources/${res.json.id as string}/methods/GET`;
    assert.equal((await call(server, 'PUT', base, { authorizationType: 'NONE' })).status, 201);
    const integ = await call(server, 'PUT', `${base}/integration`, { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } });
    // PutIntegration defaults (FACTS §7): WHEN_NO_MATCH, 29 000 ms.
    assert.equal(integ.json.passthroughBehavior, 'WHEN_NO_MATCH');
    assert.equal(integ.json.timeoutInMillis, 29000);
    await call(server, 'PUT', `${base}/responses/200`, {});
    await call(server, 'PUT', `${base}/integration/responses/200`, { responseTemplates: { 'application/json': '{"greeting": "$stageVariables.greeting"}' } });
    await call(server, 'POST', `/restapis/${id}/deployments`, { stageName: 'dev', variables: { greeting: 'hi' } });
    const first = await fetch(invokeUrl(server, id, 'dev', '/hello'));
    assert.deepEqual(await first.json(), { greeting: 'hi' });
    const upd = await call(server, 'PATCH', `/restapis/${id}/stages/dev`, { patchOperations: [{ op: 'replace', path: '/variables/greeting', value: 'hello' }] });
    assert.deepEqual((upd.json.variables as Json), { greeting: 'hello' });
    const second = await fetch(invokeUrl(server, id, 'dev', '/hello'));
    assert.deepEqual(await second.json(), { greeting: 'hello' });
    const exported = await call(server, 'GET', `/restapis/${id}/stages/dev/exports/oas30?extensions=integrations`);
    assert.equal(exported.json.openapi, '3.0.1');
    const op = ((exported.json.paths as Json)['/hello'] as Json).get as Json;
    assert.equal((op['x-amazon-apigateway-integration'] as Json).type, 'mock');
  } finally { await server.close(); }
});

test('bad requests answered as AWS does, and the server keeps serving', async () => {
  const slow = await listen(slowHandler(2_000));
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const id = await importApi(server, {
      openapi: '3.0.1', info: { title: 'errors', version: '1' },
      'x-amazon-apigateway-request-validators': { all: { validateRequestBody: true, validateRequestParameters: true } },
      'x-amazon-apigateway-gateway-responses': {
        DEFAULT_4XX: { responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" } },
      },
      components: { schemas: { Order: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } } },
      paths: {
        '/ok': { get: mockOp('{"ok": true}') },
        '/never': { post: mockOp('{}', { passthroughBehavior: 'never' }) },
        '/slow': { get: { 'x-amazon-apigateway-integration': { type: 'http', httpMethod: 'GET', uri: `${slow.url}/slow`, timeoutInMillis: 100, responses: { default: { statusCode: '200' } } } } },
        '/start': {
          post: {
            'x-amazon-apigateway-integration': {
              type: 'aws', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:states:action/StartExecution',
              requestTemplates: { 'application/json': '{"input": $input.body, "stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:none"' },
              responses: { default: { statusCode: '200' } },
            },
          },
        },
        '/orders/{id}': {
          post: {
            'x-amazon-apigateway-request-validator': 'all',
            parameters: [{ name: 'id', in: 'path', required: true }, { name: 'q', in: 'query', required: true }, { name: 'x-h', in: 'header', required: true }],
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } },
            ...mockOp('{"valid": true}'),
          },
        },
      },
    });
    const ok = invokeUrl(server, id, 'dev', '/ok');
    // Unknown stage and unknown path: 403 Missing Authentication Token (FACTS §5.1 step 1).
    const noStage = await fetch(invokeUrl(server, id, 'nostage', '/ok'));
    assert.equal(noStage.status, 403);
    assert.deepEqual(await noStage.json(), { message: 'Missing Authentication Token' });
    const noPath = await fetch(invokeUrl(server, id, 'dev', '/missing'));
    assert.equal(noPath.status, 403);
    assert.equal(noPath.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.equal(noPath.headers.get('access-control-allow-origin'), '*', 'DEFAULT_4XX parameters apply');
    // A mapped body that is not JSON: Step Functions' SerializationException behind a default-only
    // 200 mapping reaches the client as 200 with the error body (FACTS §5.3).
    const bad = await fetch(invokeUrl(server, id, 'dev', '/start'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.equal(bad.status, 200);
    assert.match(String(((await bad.json()) as Json).__type), /SerializationException$/);
    // passthroughBehavior NEVER with an unmapped content type: 415.
    const never = await fetch(invokeUrl(server, id, 'dev', '/never'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(never.status, 415);
    assert.deepEqual(await never.json(), { message: 'Unsupported Media Type' });
    // Integration timeout: 504 Endpoint request timed out.
    const timedOut = await fetch(invokeUrl(server, id, 'dev', '/slow'));
    assert.equal(timedOut.status, 504);
    assert.deepEqual(await timedOut.json(), { message: 'Endpoint request timed out' });
    // Validation: parameters first (names sorted by method.request.* key), then the body.
    const missing = await fetch(invokeUrl(server, id, 'dev', '/orders/1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id": 1}' });
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), { message: 'Missing required request parameters: [x-h, q]' });
    const invalid = await fetch(`${invokeUrl(server, id, 'dev', '/orders/1')}?q=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-h': 'v' }, body: '{"id": "one"}' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(await invalid.json(), { message: 'Invalid request body' });
    const valid = await fetch(`${invokeUrl(server, id, 'dev', '/orders/1')}?q=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-h': 'v' }, body: '{"id": 1}' });
    assert.equal(valid.status, 200);
    // Payload over 10 MB: 413.
    const big = await fetch(ok, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    assert.equal(big.status, 413);
    // Still serving.
    const after = await fetch(ok);
    assert.equal(after.status, 200);
    assert.deepEqual(await after.json(), { ok: true });
  } finally {
    await server.close();
    slow.server.closeAllConnections();
    await new Promise((r) => slow.server.close(r));
  }
});

test('CORS preflight by a MOCK OPTIONS method, integration $ref, PutRestApi merge and overwrite', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const yaml = `openapi: 3.0.1
info: { title: cors, version: '1' }
components:
  x-amazon-apigateway-integrations:
    hello:
      type: mock
      requestTemplates: { application/json: '{"statusCode": 200}' }
      responses:
        default:
          statusCode: '200'
          responseParameters: { method.response.header.Access-Control-Allow-Origin: "'http://localhost:3000'" }
          responseTemplates: { application/json: '{"hello": "world"}' }
paths:
  /execute:
    options:
      responses:
        '200':
          description: CORS
          headers:
            Access-Control-Allow-Headers: { schema: { type: string } }
            Access-Control-Allow-Methods: { schema: { type: string } }
            Access-Control-Allow-Origin: { schema: { type: string } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode" : 200}' }
        responses:
          default:
            statusCode: '200'
            responseParameters:
              method.response.header.Access-Control-Allow-Headers: "'Content-Type,X-Amz-Date,Authorization,X-Api-Key'"
              method.response.header.Access-Control-Allow-Methods: "'*'"
              method.response.header.Access-Control-Allow-Origin: "'http://localhost:3000'"
            responseTemplates: { application/json: '{}' }
    get:
      x-amazon-apigateway-integration: { $ref: '#/components/x-amazon-apigateway-integrations/hello' }
`;
    const r = await call(server, 'POST', '/restapis?mode=import', yaml, true);
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const id = r.json.id as string;
    await call(server, 'POST', `/restapis/${id}/deployments`, { stageName: 'dev' });
    const pre = await fetch(invokeUrl(server, id, 'dev', '/execute'), { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.equal(pre.headers.get('access-control-allow-methods'), '*');
    assert.equal(pre.headers.get('access-control-allow-headers'), 'Content-Type,X-Amz-Date,Authorization,X-Api-Key');
    const get = await fetch(invokeUrl(server, id, 'dev', '/execute'));
    assert.deepEqual(await get.json(), { hello: 'world' });
    assert.equal(get.headers.get('access-control-allow-origin'), 'http://localhost:3000');

    // PutRestApi merge adds a path; overwrite replaces the definition. Deployed stages keep serving their deployment.
    const extra = { openapi: '3.0.1', info: { title: 'cors', version: '2' }, paths: { '/other': { get: mockOp('{"other": true}') } } };
    const merged = await call(server, 'PUT', `/restapis/${id}?mode=merge`, extra);
    assert.equal(merged.status, 200, JSON.stringify(merged.json));
    let paths = ((await call(server, 'GET', `/restapis/${id}/resources`)).json.item as { path: string }[]).map((r) => r.path).sort();
    assert.deepEqual(paths, ['/', '/execute', '/other']);
    await call(server, 'PUT', `/restapis/${id}?mode=overwrite`, extra);
    paths = ((await call(server, 'GET', `/restapis/${id}/resources`)).json.item as { path: string }[]).map((r) => r.path).sort();
    assert.deepEqual(paths, ['/', '/other']);
    assert.equal((await fetch(invokeUrl(server, id, 'dev', '/execute'))).status, 200, 'the stage still serves its deployment');
    await call(server, 'POST', `/restapis/${id}/deployments`, { stageName: 'dev' });
    assert.equal((await fetch(invokeUrl(server, id, 'dev', '/execute'))).status, 403);
    assert.equal((await fetch(invokeUrl(server, id, 'dev', '/other'))).status, 200);
  } finally { await server.close(); }
});

test('GetExport with extensions imports back as the same API: validators, gateway responses, AWS_IAM, resource policy', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] };
    const original = await importApi(server, {
      openapi: '3.0.1', info: { title: 'round-trip', version: '1' },
      'x-amazon-apigateway-policy': policy,
      'x-amazon-apigateway-request-validators': { params: { validateRequestBody: false, validateRequestParameters: true } },
      'x-amazon-apigateway-gateway-responses': { BAD_REQUEST_PARAMETERS: { statusCode: 422, responseTemplates: { 'application/json': '{"missing": "$context.error.message"}' } } },
      components: { securitySchemes: { iam: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' } } },
      paths: {
        '/needs': { get: { parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }], 'x-amazon-apigateway-request-validator': 'params', ...mockOp('{"ok": true}') } },
        '/signed': { get: { security: [{ iam: [] }], ...mockOp('{"signed": true}') } },
      },
    });
    for (const type of ['oas30', 'swagger']) {
      const exported = await call(server, 'GET', `/restapis/${original}/stages/dev/exports/${type}?extensions=integrations`);
      assert.equal(exported.status, 200);
      assert.deepEqual(exported.json['x-amazon-apigateway-policy'], policy);
      const copy = await importApi(server, exported.json);
      // the validator and the customised gateway response came along
      const missing = await fetch(invokeUrl(server, copy, 'dev', '/needs'));
      assert.equal(missing.status, 422, type);
      assert.equal(await missing.text(), '{"missing": "Missing required request parameters: [q]"}');
      assert.equal((await fetch(invokeUrl(server, copy, 'dev', '/needs?q=1'))).status, 200);
      // AWS_IAM came along: unsigned is 403 Missing Authentication Token
      const unsigned = await fetch(invokeUrl(server, copy, 'dev', '/signed'));
      assert.equal(unsigned.status, 403, type);
      const methods = await call(server, 'GET', `/restapis/${copy}/resources?embed=methods`);
      const signed = (methods.json.item as Json[]).find((r) => r.path === '/signed') as Json;
      assert.equal(((signed.resourceMethods as Json).GET as Json).authorizationType, 'AWS_IAM');
      const api = await call(server, 'GET', `/restapis/${copy}`);
      assert.deepEqual(JSON.parse(api.json.policy as string), policy);
    }
  } finally { await server.close(); }
});

test('$context.awsEndpointRequestId is the request id of the Lambda or Step Functions call', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const fn = await fetch(`${server.url}/2015-03-31/functions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ FunctionName: 'ctx', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'context.handler', Code: { S3Bucket: 'hot-reload', S3Key: new URL('./functions/app', import.meta.url).pathname } }),
    });
    assert.equal(fn.status, 201, await fn.text());
    const sfn = await fetch(`${server.url}/`, {
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateStateMachine' },
      body: JSON.stringify({ name: 'xp', type: 'EXPRESS', roleArn: 'arn:aws:iam::000000000000:role/r', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) }),
    });
    assert.equal(sfn.status, 200, await sfn.text());
    const template = '{"endpoint": "$context.awsEndpointRequestId", "body": $input.json(\'$\')}';
    const id = await importApi(server, {
      openapi: '3.0.1', info: { title: 'endpoint-ids', version: '1' },
      paths: {
        '/fn': { post: { 'x-amazon-apigateway-integration': { type: 'aws', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:ctx/invocations', responses: { default: { statusCode: '200', responseTemplates: { 'application/json': template } } } } } },
        '/sfn': { post: { 'x-amazon-apigateway-integration': { type: 'aws', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:states:action/StartSyncExecution', requestTemplates: { 'application/json': '{"stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:xp"}' }, responses: { default: { statusCode: '200', responseTemplates: { 'application/json': template } } } } } },
        '/mock': { post: mockOp('{"endpoint": "$context.awsEndpointRequestId"}') },
      },
    });
    const post = async (path: string): Promise<Json> => (await (await fetch(invokeUrl(server, id, 'dev', path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as Json;
    const viaLambda = await post('/fn');
    assert.equal(viaLambda.endpoint, (viaLambda.body as Json).awsRequestId);
    assert.match(String(viaLambda.endpoint), /^[0-9a-f-]{36}$/);
    const viaSfn = await post('/sfn');
    assert.match(String(viaSfn.endpoint), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal((viaSfn.body as Json).status, 'SUCCEEDED');
    // no AWS service was called: empty
    assert.deepEqual(await post('/mock'), { endpoint: '' });
  } finally { await server.close(); }
});
