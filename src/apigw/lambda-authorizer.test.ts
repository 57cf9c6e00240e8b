// Lambda authorizer units: the answer's validation, the policy matcher (IAM wildcards, Deny beats Allow),
// the method ARN, and the result cache driven by a fake clock (no test here sleeps or measures time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { methodArn } from './resource-policy.js';
import { InProcessLambdaService } from '../lambda/service.js';
import { GatewayError } from './errors.js';
import {
  evaluatePolicy, fullMatch, identitySources, LambdaAuthorizers, parseAuthorizerOutput, sourceOf, templateAuthorizerContext,
  type AuthorizerCall, type AuthorizerOutput,
} from './lambda-authorizer.js';
import type { Authorizer } from './model.js';
import { NO_TRACE } from './trace.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/7';
const stmt = (Effect: string, Resource: unknown, Action: unknown = 'execute-api:Invoke'): unknown => ({ Effect, Action, Resource });
const out = (statements: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: statements }, ...extra });
const parsed = (payload: string): AuthorizerOutput => {
  const r = parseAuthorizerOutput(payload);
  assert.equal(typeof r, 'object', String(r));
  return r as AuthorizerOutput;
};

test('the answer: what is valid and what is a configuration error', () => {
  const ok = parsed(out([stmt('Allow', ARN)], { context: { s: 'x', n: 1.5, b: false }, usageIdentifierKey: 'k' }));
  assert.deepEqual(ok.context, { s: 'x', n: 1.5, b: false });
  assert.equal(ok.usageIdentifierKey, 'k');
  assert.equal(ok.principalId, 'p');
  // a single statement object, a numeric principalId, lists of actions and resources
  assert.equal(parsed(JSON.stringify({ principalId: 42, policyDocument: { Statement: stmt('Deny', [ARN, '*'], ['execute-api:Invoke']) } })).principalId, '42');
  const invalid: [string, string][] = [
    ['not JSON', '{'],
    ['an array', '[]'],
    ['no principalId', JSON.stringify({ policyDocument: { Statement: [stmt('Allow', ARN)] } })],
    ['an object principalId', JSON.stringify({ principalId: {}, policyDocument: { Statement: [stmt('Allow', ARN)] } })],
    ['no policyDocument', JSON.stringify({ principalId: 'p' })],
    ['no Statement', JSON.stringify({ principalId: 'p', policyDocument: { Version: '2012-10-17' } })],
    ['Effect Maybe', out([stmt('Maybe', ARN)])],
    ['no Action', out([{ Effect: 'Allow', Resource: ARN }])],
    ['no Resource', out([{ Effect: 'Allow', Action: 'execute-api:Invoke' }])],
    ['a numeric Resource', out([stmt('Allow', 7)])],
    ['an object in context', out([stmt('Allow', ARN)], { context: { o: { a: 1 } } })],
    ['an array in context', out([stmt('Allow', ARN)], { context: { l: [1] } })],
    ['null in context', out([stmt('Allow', ARN)], { context: { z: null } })],
    ['context not an object', out([stmt('Allow', ARN)], { context: 'x' })],
    ['a numeric usageIdentifierKey', out([stmt('Allow', ARN)], { usageIdentifierKey: 5 })],
  ];
  for (const [why, payload] of invalid) assert.equal(typeof parseAuthorizerOutput(payload), 'string', why);
});

test('the policy: wildcards, segments, Deny beats Allow, NotResource / NotAction', () => {
  const decide = (statements: unknown[], arn = ARN): string => evaluatePolicy(parsed(out(statements)).statements, arn);
  const cases: [string, unknown[], string][] = [
    ['exact', [stmt('Allow', ARN)], 'allow'],
    ['* everything', [stmt('Allow', '*')], 'allow'],
    ['stage wildcard', [stmt('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/pets/*')], 'allow'],
    ['* crosses slashes in the resource', [stmt('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc123/*')], 'allow'],
    ['? one character', [stmt('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/?')], 'allow'],
    ['? is not two', [stmt('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pet?')], 'none'],
    ['region and account wildcards', [stmt('Allow', 'arn:aws:execute-api:*:*:abc123/dev/*')], 'allow'],
    ['a wildcard does not cross segments', [stmt('Allow', 'arn:aws:execute-api:*')], 'none'],
    ['another method', [stmt('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/pets/7')], 'none'],
    ['resources are case sensitive', [stmt('Allow', ARN.toUpperCase())], 'none'],
    ['actions are not', [stmt('Allow', ARN, 'EXECUTE-API:invoke')], 'allow'],
    ['action wildcard', [stmt('Allow', ARN, 'execute-api:*')], 'allow'],
    ['another action', [stmt('Allow', ARN, 'execute-api:ManageConnections')], 'none'],
    ['Deny beats Allow', [stmt('Allow', '*'), stmt('Deny', ARN)], 'deny'],
    ['a Deny elsewhere does not matter', [stmt('Allow', '*'), stmt('Deny', 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/DELETE/*')], 'allow'],
    ['NotResource', [{ Effect: 'Allow', Action: 'execute-api:Invoke', NotResource: 'arn:aws:execute-api:*:*:abc123/dev/DELETE/*' }], 'allow'],
    ['NotResource excluding it', [{ Effect: 'Allow', Action: 'execute-api:Invoke', NotResource: ARN }], 'none'],
    ['NotAction', [{ Effect: 'Deny', NotAction: 'execute-api:Invoke', Resource: '*' }, stmt('Allow', '*')], 'allow'],
    ['effect in lower case', [stmt('allow', ARN)], 'allow'],
    ['nothing', [], 'none'],
  ];
  for (const [why, statements, expected] of cases) assert.equal(decide(statements), expected, why);
});

test('method ARN, identity sources, validation expression, mapping expressions', () => {
  assert.equal(methodArn('eu-west-1', '111', 'api1', 'prod', 'GET', '/'), 'arn:aws:execute-api:eu-west-1:111:api1/prod/GET/');
  assert.equal(methodArn('eu-west-1', '111', 'api1', 'prod', 'POST', '/a%20b/c'), 'arn:aws:execute-api:eu-west-1:111:api1/prod/POST/a b/c');
  // an encoded slash stays encoded: it is not a path separator of the ARN
  assert.equal(methodArn('eu-west-1', '111', 'api1', 'prod', 'GET', '/files/a%2Fb'), 'arn:aws:execute-api:eu-west-1:111:api1/prod/GET/files/a%2Fb');
  assert.deepEqual(identitySources(' method.request.header.A ,method.request.querystring.q,, '), ['method.request.header.A', 'method.request.querystring.q']);
  assert.deepEqual(identitySources(undefined), []);
  // Java String.matches: the whole token
  assert.equal(fullMatch('[a-z]+', 'abc'), true);
  assert.equal(fullMatch('[a-z]+', 'abc1'), false);
  assert.equal(fullMatch('(', 'abc'), false);
  const ctx = { headers: { 'X-Token': 't' }, query: { q: '1' }, stageVariables: { s: 'v' }, context: { identity: { sourceIp: '10.0.0.1' }, requestTimeEpoch: 5 } };
  assert.equal(sourceOf(ctx, 'method.request.header.x-token'), 't');
  assert.equal(sourceOf(ctx, 'method.request.querystring.q'), '1');
  assert.equal(sourceOf(ctx, 'stageVariables.s'), 'v');
  assert.equal(sourceOf(ctx, 'context.identity.sourceIp'), '10.0.0.1');
  assert.equal(sourceOf(ctx, 'context.requestTimeEpoch'), '5');
  assert.equal(sourceOf(ctx, 'context.identity'), undefined);
  assert.equal(sourceOf(ctx, 'method.request.path.id'), undefined);
  assert.deepEqual(templateAuthorizerContext(parsed(out([], { context: { n: 2, b: true, principalId: 'ignored' } }))), { principalId: 'p', n: '2', b: 'true' });
});

/** A TOKEN authorizer on an in-process function that counts its invocations. */
function setup(ttl: number | undefined, answer: (token: string) => unknown): { authorizers: LambdaAuthorizers; calls: string[]; clock: { now: number }; call: (token: string, arn?: string) => AuthorizerCall } {
  const lambda = new InProcessLambdaService();
  const calls: string[] = [];
  lambda.register('auth', (event) => {
    const token = (event as { authorizationToken: string }).authorizationToken;
    calls.push(token);
    const a = answer(token);
    if (a instanceof Error) throw a;
    return a;
  });
  const clock = { now: 1_000_000 };
  const authorizers = new LambdaAuthorizers({ lambda, region: 'us-east-1', accountId: '123456789012', now: () => clock.now });
  const authorizer: Authorizer = {
    id: 'au1', name: 'a', type: 'TOKEN', identitySource: 'method.request.header.Authorization',
    authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations',
    ...(ttl !== undefined ? { authorizerResultTtlInSeconds: ttl } : {}),
  };
  const call = (token: string, arn = ARN): AuthorizerCall => ({
    authorizer, methodArn: arn, source: (e) => (e === 'method.request.header.Authorization' ? token : undefined),
    requestEvent: () => ({}), cacheScope: 'abc123/dev', trace: NO_TRACE, tracing: false,
  });
  return { authorizers, calls, clock, call };
}

const allowPets = JSON.parse(out([stmt('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/*')])) as unknown;

test('cache: the default TTL is 300 s; within it the function runs once, after it again', async () => {
  const { authorizers, calls, clock, call } = setup(undefined, () => allowPets);
  assert.equal((await authorizers.run(call('t1'))).decision, 'allow');
  clock.now += 299_999;
  const hit = await authorizers.run(call('t1'));
  assert.equal(hit.cached, true);
  assert.equal(hit.latency, 0);
  assert.deepEqual(calls, ['t1']);
  clock.now += 1;
  assert.equal((await authorizers.run(call('t1'))).cached, false);
  assert.deepEqual(calls, ['t1', 't1']);
  // another token is another entry
  await authorizers.run(call('t2'));
  assert.deepEqual(calls, ['t1', 't1', 't2']);
});

test('cache: the cached policy is evaluated against each method ARN', async () => {
  const { authorizers, calls, call } = setup(60, () => allowPets);
  assert.equal((await authorizers.run(call('t'))).decision, 'allow');
  const other = await authorizers.run(call('t', 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/DELETE/pets/7'));
  assert.equal(other.cached, true);
  assert.equal(other.decision, 'none');
  assert.equal(calls.length, 1);
});

test('cache: TTL 0 runs the function every time; failures are not cached', async () => {
  const off = setup(0, () => allowPets);
  await off.authorizers.run(off.call('t'));
  await off.authorizers.run(off.call('t'));
  assert.equal(off.calls.length, 2);
  const failing = setup(300, () => new Error('Unauthorized'));
  for (let i = 0; i < 2; i++) {
    await assert.rejects(failing.authorizers.run(failing.call('t')), (e: unknown) => e instanceof GatewayError && e.type === 'UNAUTHORIZED');
  }
  assert.equal(failing.calls.length, 2);
});

test('function errors: "Unauthorized" is 401, anything else, a missing function or a bad URI is a configuration error', async () => {
  const cases: [unknown, string][] = [
    [new Error('Unauthorized'), 'UNAUTHORIZED'],
    [new Error('unauthorized'), 'AUTHORIZER_CONFIGURATION_ERROR'],
    [new Error('boom'), 'AUTHORIZER_CONFIGURATION_ERROR'],
    ['just a string', 'AUTHORIZER_CONFIGURATION_ERROR'],
  ];
  for (const [answer, type] of cases) {
    const { authorizers, call } = setup(0, () => answer);
    await assert.rejects(authorizers.run(call('t')), (e: unknown) => e instanceof GatewayError && e.type === type, String(answer));
  }
  const { authorizers, call } = setup(0, () => allowPets);
  const missing = call('t');
  await assert.rejects(authorizers.run({ ...missing, authorizer: { ...missing.authorizer, authorizerUri: missing.authorizer.authorizerUri?.replace(':auth/', ':nope/') } }),
    (e: unknown) => e instanceof GatewayError && e.type === 'AUTHORIZER_CONFIGURATION_ERROR' && e.detail === null);
  await assert.rejects(authorizers.run({ ...missing, authorizer: { ...missing.authorizer, authorizerUri: 'https://example.com/auth' } }),
    (e: unknown) => e instanceof GatewayError && e.type === 'AUTHORIZER_CONFIGURATION_ERROR');
});

test('REQUEST: every identity source must be present and non-empty; without sources nothing is cached', async () => {
  const lambda = new InProcessLambdaService();
  let n = 0;
  lambda.register('auth', () => { n++; return allowPets; });
  const authorizers = new LambdaAuthorizers({ lambda, region: 'us-east-1', accountId: '123456789012', now: () => 0 });
  const base: Authorizer = {
    id: 'r1', name: 'r', type: 'REQUEST', authorizerResultTtlInSeconds: 300,
    authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/auth/invocations',
  };
  const call = (authorizer: Authorizer, values: Record<string, string>): AuthorizerCall => ({
    authorizer, methodArn: ARN, source: (e) => values[e], requestEvent: () => ({ path: '/pets/7' }), cacheScope: 's', trace: NO_TRACE, tracing: false,
  });
  const two = { ...base, identitySource: 'method.request.header.A, stageVariables.s' };
  await assert.rejects(authorizers.run(call(two, { 'method.request.header.A': 'x' })), (e: unknown) => e instanceof GatewayError && e.type === 'UNAUTHORIZED');
  await assert.rejects(authorizers.run(call(two, { 'method.request.header.A': 'x', 'stageVariables.s': '' })), (e: unknown) => e instanceof GatewayError && e.type === 'UNAUTHORIZED');
  assert.equal(n, 0);
  await authorizers.run(call(two, { 'method.request.header.A': 'x', 'stageVariables.s': 'y' }));
  await authorizers.run(call(two, { 'method.request.header.A': 'x', 'stageVariables.s': 'y' }));
  assert.equal(n, 1);
  // no identity sources (allowed with caching off, or imported): the function runs every time
  const none = { ...base, id: 'r2', authorizerResultTtlInSeconds: 0 };
  await authorizers.run(call(none, {}));
  await authorizers.run(call(none, {}));
  assert.equal(n, 3);
});
