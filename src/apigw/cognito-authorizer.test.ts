// Cognito user pool authorizer units: token checks against a locally minted key pair (issuer, expiry with a
// fake clock, token use and scopes, the validation expression), claims as API Gateway hands them on, and
// the `--jwks` file formats with their malformed variants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { CognitoAuthorizers, loadJwksConfig, parseUserPoolArn, stringifyClaims, type CognitoJwksConfig } from './cognito-authorizer.js';
import { GatewayError } from './errors.js';
import type { Authorizer } from './model.js';
import { NO_TRACE } from './trace.js';

const POOL_ARN = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Abc';
const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc';
const NOW = Date.parse('2024-05-01T12:00:00Z');
const authorizer: Authorizer = { id: 'c1', name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: [POOL_ARN], identitySource: 'method.request.header.Authorization' };

const keys = await generateKeyPair('RS256');
const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256' };

function mint(claims: JWTPayload, issuer = ISSUER, expSeconds = NOW / 1000 + 3600): Promise<string> {
  return new SignJWT({ token_use: 'id', aud: 'client-1', ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(issuer).setIssuedAt(NOW / 1000 - 10).setExpirationTime(expSeconds).setSubject('s-1').sign(keys.privateKey);
}

async function verify(token: string | undefined, opts: { jwks?: CognitoJwksConfig; scopes?: string[]; authorizer?: Authorizer; now?: number } = {}): Promise<Record<string, string> | string> {
  const c = new CognitoAuthorizers({ jwks: opts.jwks ?? { [POOL_ARN]: { keys: [jwk] } }, now: () => opts.now ?? NOW });
  try {
    return (await c.verify(opts.authorizer ?? authorizer, (e) => (e === 'method.request.header.Authorization' ? token : undefined), opts.scopes ?? [], NO_TRACE)).claims;
  } catch (e) {
    if (e instanceof GatewayError) return e.type;
    throw e;
  }
}

test('a valid ID token, raw or with a Bearer prefix; keys found by ARN, pool id or *', async () => {
  const token = await mint({ email: 'a@b.c' });
  const claims = await verify(token);
  assert.equal(typeof claims, 'object');
  assert.equal((claims as Record<string, string>).email, 'a@b.c');
  assert.equal(typeof await verify(`Bearer ${token}`), 'object');
  assert.equal(typeof await verify(token, { jwks: { 'eu-west-1_Abc': { keys: [jwk] } } }), 'object');
  assert.equal(typeof await verify(token, { jwks: { '*': { keys: [jwk] } } }), 'object');
});

test('401 for every bad token; 500 when no keys are configured for the pool', async () => {
  const cases: [string, string | undefined, Parameters<typeof verify>[1]?][] = [
    ['missing', undefined],
    ['blank', '  '],
    ['not a JWT', 'abc.def'],
    ['expired', await mint({}, ISSUER, NOW / 1000 - 1)],
    ['other issuer', await mint({}, 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other')],
    ['access token without scopes on the method', await mint({ token_use: 'access', scope: 'x/y' })],
    ['ID token where scopes are required', await mint({}), { scopes: ['x/y'] }],
    ['access token with another scope', await mint({ token_use: 'access', scope: 'x/z openid' }), { scopes: ['x/y'] }],
    ['audience not matching the validation expression', await mint({}), { authorizer: { ...authorizer, identityValidationExpression: 'client-2' } }],
  ];
  for (const [why, token, opts] of cases) assert.equal(await verify(token, opts), 'UNAUTHORIZED', why);
  const tampered = (await mint({})).replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
  assert.equal(await verify(tampered), 'UNAUTHORIZED');
  assert.equal(await verify(await mint({}), { jwks: { 'eu-west-1_Other': { keys: [jwk] } } }), 'AUTHORIZER_CONFIGURATION_ERROR');
  // the clock decides expiry: the same token is fine an hour earlier
  assert.equal(typeof await verify(await mint({}, ISSUER, NOW / 1000 - 1), { now: NOW - 3_600_000 }), 'object');
});

test('scopes: any one of the method\'s scopes; a pool entry may name its own issuer', async () => {
  assert.equal(typeof await verify(await mint({ token_use: 'access', scope: 'openid x/y' }), { scopes: ['a/b', 'x/y'] }), 'object');
  const local = 'http://127.0.0.1:9229/eu-west-1_Abc';
  assert.equal(typeof await verify(await mint({}, local), { jwks: { [POOL_ARN]: { jwks: { keys: [jwk] }, issuer: local } } }), 'object');
  assert.equal(typeof await verify(await mint({ aud: 'client-7' }), { authorizer: { ...authorizer, identityValidationExpression: 'client-\\d' } }), 'object');
});

test('claims are strings; exp / iat Java dates; lists comma-joined', () => {
  assert.deepEqual(stringifyClaims({ sub: 's', email_verified: true, auth_time: 1616935242, exp: 1616938842, iat: 1616935242, 'cognito:groups': ['a', 'b'], o: { k: 1 } }), {
    sub: 's', email_verified: 'true', auth_time: '1616935242', exp: 'Sun Mar 28 13:40:42 UTC 2021', iat: 'Sun Mar 28 12:40:42 UTC 2021', 'cognito:groups': 'a,b', o: '{"k":1}',
  });
  assert.deepEqual(parseUserPoolArn(POOL_ARN), { region: 'eu-west-1', poolId: 'eu-west-1_Abc' });
  assert.equal(parseUserPoolArn('arn:aws:iam::1:role/x'), undefined);
});

test('--jwks files: a JWKS, a map to JWKS / files / URLs, and malformed files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-jwks-'));
  try {
    const file = (name: string, text: string): string => { writeFileSync(join(dir, name), text); return join(dir, name); };
    assert.deepEqual(loadJwksConfig(file('plain.json', JSON.stringify({ keys: [jwk] }))), { '*': { keys: [jwk] } });
    file('pool.json', JSON.stringify({ keys: [jwk] }));
    assert.deepEqual(loadJwksConfig(file('map.json', JSON.stringify({ [POOL_ARN]: 'pool.json', other: 'https://example.com/jwks.json', third: { jwks: { keys: [] }, issuer: 'http://x' } }))), {
      [POOL_ARN]: { keys: [jwk] }, other: 'https://example.com/jwks.json', third: { jwks: { keys: [] }, issuer: 'http://x' },
    });
    const bad: [string, string, RegExp][] = [
      ['missing.json', '', /cannot read JWKS file/],
      ['broken.json', '{"keys": [', /cannot read JWKS file/],
      ['array.json', '[]', /expected a JWKS or a map/],
      ['number.json', JSON.stringify({ pool: 5 }), /pool is not a JWKS, a file or a URL/],
      ['nofile.json', JSON.stringify({ pool: 'absent.json' }), /cannot read JWKS file/],
      ['notjwks.json', JSON.stringify({ pool: 'array.json' }), /not a JWKS/],
    ];
    for (const [name, text, message] of bad) {
      const path = name === 'missing.json' ? join(dir, name) : file(name, text);
      assert.throws(() => loadJwksConfig(path), message, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
