// Authorizer management units: CreateAuthorizer's validation table (AWS's error code for each malformed
// input), UpdateAuthorizer's patch operations, and the OpenAPI import of authorizer security schemes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiGatewayError } from './errors.js';
import { authorizerFromInput, authorizersApi, authorizerScheme, methodAuthorization } from './management-authorizers.js';
import type { MgmtRequest } from './management.js';
import { importDefinition } from './openapi.js';
import { ApiRegistry } from './registry.js';

const URI = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations';
const POOL = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc';
const token = { name: 't', type: 'TOKEN', authorizerUri: URI, identitySource: 'method.request.header.Authorization' };

const codeOf = (input: Record<string, unknown>): string => {
  try { authorizerFromInput(input, 'a1'); return 'ok'; } catch (e) { return e instanceof ApiGatewayError ? e.code : String(e); }
};

test('CreateAuthorizer input: valid shapes and defaults', () => {
  assert.deepEqual(authorizerFromInput(token, 'a1'), {
    id: 'a1', name: 't', type: 'TOKEN', authType: 'custom', authorizerUri: URI, identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: 300,
  });
  const cognito = authorizerFromInput({ name: 'c', type: 'COGNITO_USER_POOLS', providerARNs: [POOL], identitySource: 'method.request.header.Authorization' }, 'a2');
  assert.equal(cognito.authType, 'cognito_user_pools');
  assert.deepEqual(cognito.providerARNs, [POOL]);
  const request = authorizerFromInput({ name: 'r', type: 'REQUEST', authorizerUri: URI, identitySource: 'method.request.header.A, method.request.querystring.q, stageVariables.s, context.identity.sourceIp', authorizerResultTtlInSeconds: '60' }, 'a3');
  assert.equal(request.authorizerResultTtlInSeconds, 60);
  assert.equal(codeOf({ name: 'r', type: 'REQUEST', authorizerUri: URI, authorizerResultTtlInSeconds: 0 }), 'ok');
});

test('CreateAuthorizer input: every malformed variant is refused with AWS\'s error code', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['no name', { ...token, name: undefined }, 'ValidationException'],
    ['blank name', { ...token, name: ' ' }, 'BadRequestException'],
    ['no type', { ...token, type: undefined }, 'ValidationException'],
    ['unknown type', { ...token, type: 'token' }, 'ValidationException'],
    ['no URI', { ...token, authorizerUri: undefined }, 'BadRequestException'],
    ['a function ARN instead of an invocation URI', { ...token, authorizerUri: 'arn:aws:lambda:us-east-1:1:function:auth' }, 'BadRequestException'],
    ['numeric URI', { ...token, authorizerUri: 5 }, 'SerializationException'],
    ['TOKEN without identity source', { ...token, identitySource: undefined }, 'BadRequestException'],
    ['TOKEN from the query string', { ...token, identitySource: 'method.request.querystring.t' }, 'BadRequestException'],
    ['TOKEN with two sources', { ...token, identitySource: 'method.request.header.A, method.request.header.B' }, 'BadRequestException'],
    ['REQUEST with a path parameter source', { ...token, type: 'REQUEST', identitySource: 'method.request.path.id' }, 'BadRequestException'],
    ['REQUEST caching without sources', { ...token, type: 'REQUEST', identitySource: undefined }, 'BadRequestException'],
    ['TTL negative', { ...token, authorizerResultTtlInSeconds: -1 }, 'BadRequestException'],
    ['TTL over an hour', { ...token, authorizerResultTtlInSeconds: 3601 }, 'BadRequestException'],
    ['TTL fractional', { ...token, authorizerResultTtlInSeconds: 2.5 }, 'BadRequestException'],
    ['TTL a word', { ...token, authorizerResultTtlInSeconds: 'long' }, 'BadRequestException'],
    ['Cognito without pools', { name: 'c', type: 'COGNITO_USER_POOLS', identitySource: 'method.request.header.Authorization' }, 'BadRequestException'],
    ['Cognito with an empty pool list', { name: 'c', type: 'COGNITO_USER_POOLS', providerARNs: [], identitySource: 'method.request.header.Authorization' }, 'BadRequestException'],
    ['Cognito with a non-pool ARN', { name: 'c', type: 'COGNITO_USER_POOLS', providerARNs: ['arn:aws:iam::1:role/r'], identitySource: 'method.request.header.Authorization' }, 'BadRequestException'],
    ['Cognito without a header', { name: 'c', type: 'COGNITO_USER_POOLS', providerARNs: [POOL] }, 'BadRequestException'],
  ];
  for (const [why, input, code] of cases) assert.equal(codeOf(input), code, why);
});

test('UpdateAuthorizer: patch paths, provider ARN add/remove, refused changes keep the authorizer', async () => {
  const registry = new ApiRegistry({ accountId: '123456789012', region: 'us-east-1' });
  const state = registry.createApi({ name: 'a' });
  const cognito = registry.createAuthorizer(state, { name: 'c', type: 'COGNITO_USER_POOLS', providerARNs: [POOL], identitySource: 'method.request.header.Authorization' });
  const patch = (ops: unknown[]): Promise<{ status: number; body: string }> => {
    const req: MgmtRequest = { method: 'PATCH', segments: [], query: new URLSearchParams(), headers: {}, body: JSON.stringify({ patchOperations: ops }) };
    return authorizersApi(registry, req, state.api.id, cognito.id);
  };
  const other = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_def';
  await patch([{ op: 'add', path: `/providerARNs/${other}` }]);
  assert.deepEqual(state.authorizers.get(cognito.id)?.providerARNs, [POOL, other]);
  await patch([{ op: 'remove', path: `/providerARNs/${POOL}` }, { op: 'replace', path: '/identitySource', value: 'method.request.header.X-Token' }]);
  assert.deepEqual(state.authorizers.get(cognito.id)?.providerARNs, [other]);
  assert.equal(state.authorizers.get(cognito.id)?.identitySource, 'method.request.header.X-Token');
  const before = structuredClone(state.authorizers.get(cognito.id));
  for (const ops of [
    [{ op: 'remove', path: `/providerARNs/${other}` }],
    [{ op: 'replace', path: '/id', value: 'x' }],
    [{ op: 'add', path: '/name', value: 'x' }],
    [{ op: 'replace', path: '/identitySource', value: 'method.request.querystring.t' }],
  ]) {
    await assert.rejects(patch(ops), (e: unknown) => e instanceof ApiGatewayError && e.code === 'BadRequestException', JSON.stringify(ops));
  }
  assert.deepEqual(state.authorizers.get(cognito.id), before);
});

test('OpenAPI import: authorizer schemes, defaults from the scheme, security → method fields, errors listed', () => {
  const registry = new ApiRegistry({ accountId: '123456789012', region: 'us-east-1' });
  const state = registry.createApi({ name: 'a' });
  const mockOp = (security: unknown): unknown => ({ security, 'x-amazon-apigateway-integration': { type: 'mock' } });
  importDefinition(registry, state, {
    swagger: '2.0', info: { title: 't', version: '1' },
    securityDefinitions: {
      tok: { type: 'apiKey', name: 'X-Auth', in: 'header', 'x-amazon-apigateway-authtype': 'oauth2', 'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: URI, authorizerResultTtlInSeconds: '60' } },
      q: { type: 'apiKey', name: 'key', in: 'query', 'x-amazon-apigateway-authtype': 'custom', 'x-amazon-apigateway-authorizer': { type: 'request', authorizerUri: URI } },
      pool: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools', 'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [POOL] } },
    },
    paths: { '/a': { get: mockOp([{ tok: [] }]), post: mockOp([{ pool: ['s/1'] }]), put: mockOp([{ q: [] }]), delete: mockOp([{ unknown: [] }]) } },
  }, { mode: 'create' });
  const byName = new Map([...state.authorizers.values()].map((a) => [a.name, a]));
  assert.equal(byName.get('tok')?.identitySource, 'method.request.header.X-Auth');
  assert.equal(byName.get('tok')?.authorizerResultTtlInSeconds, 60);
  assert.equal(byName.get('tok')?.authType, 'oauth2');
  assert.equal(byName.get('q')?.identitySource, 'method.request.querystring.key');
  const methods = [...state.resources.values()].find((r) => r.path === '/a')?.resourceMethods ?? {};
  assert.equal(methods.GET?.authorizationType, 'CUSTOM');
  assert.equal(methods.GET?.authorizerId, byName.get('tok')?.id);
  assert.equal(methods.POST?.authorizationType, 'COGNITO_USER_POOLS');
  assert.deepEqual(methods.POST?.authorizationScopes, ['s/1']);
  assert.equal(methods.DELETE?.authorizationType, 'NONE');
  assert.deepEqual(authorizerScheme(byName.get('tok') as never, false), { type: 'apiKey', name: 'X-Auth', in: 'header' });
  assert.deepEqual(methodAuthorization('not a list', new Map()), {});

  const fresh = registry.createApi({ name: 'b' });
  assert.throws(() => importDefinition(registry, fresh, {
    openapi: '3.0.1', info: { title: 't', version: '1' }, paths: {},
    components: { securitySchemes: {
      jwt: { type: 'oauth2', 'x-amazon-apigateway-authorizer': { type: 'jwt' } },
      nouri: { type: 'apiKey', name: 'A', in: 'header', 'x-amazon-apigateway-authorizer': { type: 'token' } },
    } },
  }, { mode: 'create' }), (e: unknown) => e instanceof ApiGatewayError && /Unable to create authorizer 'jwt'/.test(e.message) && /Unable to create authorizer 'nouri'/.test(e.message));
});
