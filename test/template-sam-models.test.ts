// `stepgate start` on a SAM template with Api Models, GatewayResponses and OpenApiVersion, and Api events
// with RequestModel / RequestParameters, end to end over HTTP: the request validator SAM names answers
// API Gateway's 400s (a missing required header, a body that does not match the model, in a Swagger 2 and
// an OpenAPI 3 definition), and a customised gateway response answers with its status, header and body.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startServer, type StepgateServer } from '../src/index.js';

const template = fileURLToPath(new URL('./fixtures/templates/sam-models-gateway-responses.yaml', import.meta.url));
let server: StepgateServer;
let v2 = '';
let v3 = '';

before(async () => {
  server = await startServer({ port: 0, store: 'memory', timeScale: 0, template });
  const id = (logicalId: string): string => server.stack?.apis.find((a) => a.logicalId === logicalId)?.apiId ?? '';
  v2 = `${server.url}/restapis/${id('UsersApi')}/dev/_user_request_`;
  v3 = `${server.url}/restapis/${id('UsersApiV3')}/v3/_user_request_`;
});
after(async () => { await server.close(); });

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as unknown, headers: res.headers };
}

test('a body that matches the model, with the required header, reaches the function', async () => {
  const ok = await post(`${v2}/users`, { name: 'Ada' }, { 'X-Tenant': 't1' });
  assert.equal(ok.status, 201);
  assert.deepEqual(ok.json, { created: { name: 'Ada' }, tenant: 't1' });
});

test('the body-and-params validator: a missing required header, then a body that does not match the model, get API Gateway\'s 400s', async () => {
  const noHeader = await post(`${v2}/users`, { name: 'Ada' });
  assert.equal(noHeader.status, 400);
  assert.deepEqual(noHeader.json, { message: 'Missing required request parameters: [X-Tenant]' });
  assert.equal(noHeader.headers.get('x-amzn-errortype'), 'BadRequestException');
  const badBody = await post(`${v2}/users`, { nom: 'Ada' }, { 'X-Tenant': 't1' });
  assert.equal(badBody.status, 400);
  assert.deepEqual(badBody.json, { message: 'Invalid request body' });
  assert.equal(badBody.headers.get('x-amzn-errortype'), 'BadRequestException');
});

test('OpenApiVersion 3.0.1: the model is a components schema and the requestBody is validated the same way', async () => {
  assert.equal((await post(`${v3}/users`, { name: 'Ada' })).status, 201);
  const bad = await post(`${v3}/users`, { name: 42 });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json, { message: 'Invalid request body' });
});

test('the customised MISSING_AUTHENTICATION_TOKEN answers with its status, header and body template; the other API keeps the default', async () => {
  const res = await fetch(`${v2}/nowhere`);
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('x-gateway'), 'stepgate');
  assert.deepEqual(await res.json(), { error: 'no such route', type: 'MISSING_AUTHENTICATION_TOKEN' });
  const plain = await fetch(`${v3}/nowhere`);
  assert.equal(plain.status, 403);
  assert.deepEqual(await plain.json(), { message: 'Missing Authentication Token' });
});
