// AWS_IAM methods and resource policies end to end over HTTP: requests signed by @smithy/signature-v4
// (what the AWS SDKs send: header form, presigned query form, session tokens) and by botocore (the
// signer of the `aws` CLI; awscli has no command that calls execute-api, so botocore's SigV4Auth is
// driven directly), every rejection with AWS's status, body and x-amzn-ErrorType (texts quoted in
// issues against execute-api, FACTS §5.1 / §5.7), and resource policies (AWS's "resource policies
// affect authorization workflow" tables; denial texts as AWS answers them). Management calls use the
// AWS SDK's API Gateway client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../src/sfn/integrations/apigateway.js';
import {
  APIGatewayClient, CreateDeploymentCommand, CreateRestApiCommand, GetRestApiCommand, ImportRestApiCommand, PutGatewayResponseCommand, UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { startServer, type StepgateServer } from '../src/index.js';

const run = promisify(execFile);
type Json = Record<string, any>;

const ACCOUNT = '000000000000';
const USER = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const ROLE = { accessKeyId: 'ASIAEXAMPLETEMPORARY', secretAccessKey: 'role-secret', sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
const OUTSIDER = { accessKeyId: 'AKIAOTHERACCOUNT0001', secretAccessKey: 'outsider-secret' };

let server: StepgateServer;
let apigw: APIGatewayClient;
let backend: Server;
let backendUrl: string;
let apiId: string;
let host: string;

/** The signer's SHA-256 from node:crypto, as the apigateway:invoke task signs with it. */
const Sha256 = NodeSha256;

interface Reply { status: number; headers: Record<string, string>; text: string; json: Json }

/** One HTTP request to the server with exactly these headers (Host included), over node:http. */
function send(method: string, pathWithQuery: string, headers: Record<string, string>, body = ''): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: '127.0.0.1', port: server.port, method, path: pathWithQuery, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Json = {};
        try { json = JSON.parse(text) as Json; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, text, json });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

interface SignOptions {
  method?: string; path?: string; query?: Record<string, string>; body?: string; headers?: Record<string, string>;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string; service?: string; date?: Date; presign?: boolean; hostHeader?: string;
}

/** Signs like an AWS SDK (the wire path, Host as sent) and sends the request. */
async function signed(o: SignOptions): Promise<Reply> {
  const hostHeader = o.hostHeader ?? host;
  const signer = new SignatureV4({ service: o.service ?? 'execute-api', region: o.region ?? 'us-east-1', sha256: Sha256, credentials: o.credentials ?? USER });
  const req = {
    method: o.method ?? 'GET', protocol: 'http:', hostname: hostHeader, path: o.path ?? `/restapis/${apiId}/test/_user_request_/pets`,
    query: o.query ?? {}, headers: { host: hostHeader, ...(o.headers ?? {}) }, ...(o.body !== undefined ? { body: o.body } : {}),
  };
  const date = o.date ?? new Date();
  const s = o.presign ? await signer.presign(req, { signingDate: date, expiresIn: 300 }) : await signer.sign(req, { signingDate: date });
  const qs = Object.entries(s.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return send(s.method, `${s.path}${qs ? `?${qs}` : ''}`, s.headers as Record<string, string>, o.body ?? '');
}

const invokePath = (path: string, stage = 'test', api = apiId): string => `/restapis/${api}/${stage}/_user_request_${path}`;

const IDENTITY_TEMPLATE = '{"accountId":"$context.identity.accountId","caller":"$context.identity.caller","user":"$context.identity.user","userArn":"$context.identity.userArn",'
  + '"accessKey":"$context.identity.accessKey","sourceIp":"$context.identity.sourceIp","authorization":"$input.params(\'Authorization\')","date":"$input.params(\'X-Amz-Date\')"}';

const mock = (template: string): Json => ({
  type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
  responses: { default: { statusCode: '200', responseTemplates: { 'application/json': template } } },
});

const SIGV4 = { sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' } };

function definition(extra: Json = {}): Json {
  return {
    openapi: '3.0.1', info: { title: 'iam', version: '1' },
    components: { securitySchemes: SIGV4 },
    paths: {
      '/pets': {
        get: { security: [{ sigv4: [] }], 'x-amazon-apigateway-integration': mock(IDENTITY_TEMPLATE) },
        post: { security: [{ sigv4: [] }], 'x-amazon-apigateway-integration': mock('{"posted":true}') },
      },
      '/proxy': { get: { security: [{ sigv4: [] }], 'x-amazon-apigateway-integration': { type: 'http_proxy', httpMethod: 'GET', uri: `${backendUrl}/echo` } } },
      '/open': { get: { 'x-amazon-apigateway-integration': mock('{"open":true,"authorization":"$input.params(\'Authorization\')"}') } },
    },
    ...extra,
  };
}

async function deploy(doc: Json): Promise<string> {
  const api = await apigw.send(new ImportRestApiCommand({ body: new TextEncoder().encode(JSON.stringify(doc)) }));
  await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'test' }));
  return api.id as string;
}

before(async () => {
  backend = createServer((req, res) => {
    const text = JSON.stringify({ headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  // The credentials file of `stepgate start --credentials` (JSON form): a user and a role session of
  // the server's account, and a user of another account.
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-iam-'));
  const file = join(dir, 'credentials.json');
  writeFileSync(file, JSON.stringify({ credentials: [
    { ...USER, userName: 'stepgate-test' },
    { ...ROLE, roleName: 'Admin', sessionName: 'bob' },
    { ...OUTSIDER, userName: 'eve', accountId: '111122223333' },
  ] }));
  server = await startServer({ port: 0, store: 'memory', timeScale: 0, credentials: file });
  host = `127.0.0.1:${server.port}`;
  apigw = new APIGatewayClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  apiId = await deploy(definition());
});

after(async () => {
  apigw.destroy();
  await server.close();
  await new Promise<void>((resolve) => backend.close(() => resolve()));
});

// ------------------------------------------------------------------------------------------------ success

test('the OpenAPI awsSigv4 security scheme makes the method AWS_IAM', async () => {
  const res = await send('GET', `/restapis/${apiId}/resources?embed=methods`, { host });
  const pets = (res.json.item as Json[]).find((r) => r.path === '/pets');
  assert.equal(pets?.resourceMethods.GET.authorizationType, 'AWS_IAM');
  const open = (res.json.item as Json[]).find((r) => r.path === '/open');
  assert.equal(open?.resourceMethods.GET.authorizationType, 'NONE');
});

test('a request signed by @smithy/signature-v4 passes; $context.identity names the IAM user; Authorization is consumed', async () => {
  const r = await signed({});
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.caller, /^AIDA[A-Z2-7]{17}$/);
  assert.equal(r.json.user, r.json.caller);
  assert.equal(r.json.userArn, `arn:aws:iam::${ACCOUNT}:user/stepgate-test`);
  assert.equal(r.json.accountId, ACCOUNT);
  assert.equal(r.json.accessKey, USER.accessKeyId);
  assert.equal(r.json.sourceIp, '127.0.0.1');
  // The seed 001 answer: "if AWS_IAM auth is enabled, the Authorization header will be consumed by API Gateway".
  assert.equal(r.json.authorization, '');
  assert.match(r.json.date, /^\d{8}T\d{6}Z$/);
});

test('a signed POST with a body passes; the body is part of the signature', async () => {
  const ok = await signed({ method: 'POST', body: '{"name":"Rex"}', headers: { 'content-type': 'application/json' } });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { posted: true });
});

test('addressed by Host ({apiId}.execute-api.localhost), the signature covers that Host and path', async () => {
  const hostHeader = `${apiId}.execute-api.localhost:${server.port}`;
  const r = await signed({ hostHeader, path: '/test/pets' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.userArn, `arn:aws:iam::${ACCOUNT}:user/stepgate-test`);
});

test('temporary credentials: x-amz-security-token (header form) and a presigned URL; the caller is the role session', async () => {
  const header = await signed({ credentials: ROLE });
  assert.equal(header.status, 200, header.text);
  assert.match(header.json.caller, /^AROA[A-Z2-7]{17}:bob$/);
  assert.equal(header.json.userArn, `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/bob`);
  assert.equal(header.json.accessKey, ROLE.accessKeyId);
  const presigned = await signed({ credentials: ROLE, presign: true, query: { limit: '5' } });
  assert.equal(presigned.status, 200, presigned.text);
  assert.equal(presigned.json.userArn, `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/bob`);
});

test('an HTTP_PROXY integration behind AWS_IAM does not receive the Authorization header', async () => {
  const r = await signed({ path: invokePath('/proxy') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.headers.authorization, undefined);
  assert.match(String(r.json.headers['x-amz-date']), /^\d{8}T\d{6}Z$/);
});

test('botocore\'s SigV4Auth (the aws CLI\'s signer) produces requests that pass', async (t) => {
  const python = `
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
a = json.loads(sys.argv[1])
req = AWSRequest(method=a['method'], url=a['url'], data=a['body'], headers={'Content-Type': 'application/json'})
SigV4Auth(Credentials(a['key'], a['secret'], a.get('token')), 'execute-api', 'us-east-1').add_auth(req)
print(json.dumps(dict(req.headers.items())))
`;
  let out: string;
  try {
    const url = `http://${host}${invokePath('/pets')}?b=2&a=x%20y`;
    ({ stdout: out } = await run('python3', ['-c', python, JSON.stringify({ method: 'POST', url, body: '{"a":1}', key: ROLE.accessKeyId, secret: ROLE.secretAccessKey, token: ROLE.sessionToken })]));
  } catch (e) {
    t.skip(`botocore is not available: ${(e as Error).message.split('\n')[0]}`);
    return;
  }
  const headers = JSON.parse(out) as Record<string, string>;
  assert.match(headers.Authorization ?? '', /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLETEMPORARY\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=/);
  const r = await send('POST', `${invokePath('/pets')}?b=2&a=x%20y`, { host, ...headers }, '{"a":1}');
  assert.equal(r.status, 200, r.text);
});

// ------------------------------------------------------------------------------------------------ rejections

function assertGatewayError(r: Reply, status: number, errorType: string, message: string | RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers['x-amzn-errortype'], errorType);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(Object.keys(r.json), ['message']);
  if (typeof message === 'string') assert.equal(r.json.message, message);
  else assert.match(r.json.message, message);
}

const hashed = (s: string): string => createHash('sha256').update(s).digest('base64');

test('no signature: 403 Missing Authentication Token', async () => {
  assertGatewayError(await send('GET', invokePath('/pets'), { host }), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
});

test('a non-SigV4 Authorization header: 403 IncompleteSignatureException, the header hashed', async () => {
  const r = await send('GET', invokePath('/pets'), { host, Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig' });
  assertGatewayError(r, 403, 'IncompleteSignatureException', `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashed('Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig')}'.`);
  const token = await send('GET', invokePath('/pets'), { host, Authorization: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' });
  assertGatewayError(token, 403, 'IncompleteSignatureException', /^Authorization header requires 'Credential' parameter\. Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\. /);
});

test('an Authorization header on a path with no method: IncompleteSignatureException too (FACTS §5.1)', async () => {
  const r = await send('GET', invokePath('/nowhere'), { host, Authorization: 'Bearer abc' });
  assertGatewayError(r, 403, 'IncompleteSignatureException', `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashed('Bearer abc')}'.`);
  assertGatewayError(await send('GET', invokePath('/nowhere'), { host }), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
});

test('a method without authorization passes any Authorization header on [rec: "Authorization": "Unauthorized"]', async () => {
  const r = await send('GET', invokePath('/open'), { host, Authorization: 'Unauthorized' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { open: true, authorization: 'Unauthorized' });
});

test('a bad signature: 403 InvalidSignatureException with the canonical request and string to sign', async () => {
  const r = await signed({ credentials: { accessKeyId: USER.accessKeyId, secretAccessKey: 'not-the-secret' }, query: { b: '2', a: '1' } });
  assertGatewayError(r, 403, 'InvalidSignatureException', /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'GET\n/);
  const path = `/restapis/${apiId}/test/_user_request_/pets`;
  assert.ok(r.json.message.includes(`'GET\n${path}\na=1&b=2\nhost:${host}\n`), r.json.message);
  assert.match(r.json.message, /\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/execute-api\/aws4_request\n[0-9a-f]{64}'\n$/);
});

test('a request dated 20 minutes ago: Signature expired; 20 minutes ahead: Signature not yet current', async () => {
  const old = await signed({ date: new Date(Date.now() - 20 * 60_000) });
  assertGatewayError(old, 403, 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  const future = await signed({ date: new Date(Date.now() + 20 * 60_000) });
  assertGatewayError(future, 403, 'InvalidSignatureException', /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
});

test('a credential scoped to another region or service: InvalidSignatureException', async () => {
  assertGatewayError(await signed({ region: 'eu-west-1' }), 403, 'InvalidSignatureException', "Credential should be scoped to a valid region, not 'eu-west-1'. ");
  assertGatewayError(await signed({ service: 'lambda' }), 403, 'InvalidSignatureException', "Credential should be scoped to correct service: 'execute-api'. ");
});

test('an unknown access key or a bad session token: UnrecognizedClientException', async () => {
  const message = 'The security token included in the request is invalid.';
  assertGatewayError(await signed({ credentials: { accessKeyId: 'AKIANOBODYKNOWSTHIS', secretAccessKey: 'x' } }), 403, 'UnrecognizedClientException', message);
  assertGatewayError(await signed({ credentials: { ...ROLE, sessionToken: 'forged' } }), 403, 'UnrecognizedClientException', message);
  assertGatewayError(await signed({ credentials: { accessKeyId: ROLE.accessKeyId, secretAccessKey: ROLE.secretAccessKey } }), 403, 'UnrecognizedClientException', message);
});

test('a malformed Credential: IncompleteSignatureException', async () => {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const r = await send('GET', invokePath('/pets'), { host, 'X-Amz-Date': date, Authorization: `AWS4-HMAC-SHA256 Credential=${USER.accessKeyId}/${date.slice(0, 8)}/us-east-1, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}` });
  assertGatewayError(r, 403, 'IncompleteSignatureException', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${USER.accessKeyId}/${date.slice(0, 8)}/us-east-1'`);
});

test('gateway responses: INVALID_SIGNATURE and MISSING_AUTHENTICATION_TOKEN can be customised', async () => {
  const id = await deploy(definition());
  await apigw.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'INVALID_SIGNATURE', statusCode: '401', responseTemplates: { 'application/json': '{"error":$context.error.messageString,"type":"$context.error.responseType"}' } }));
  await apigw.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'DEFAULT_4XX', responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" } }));
  await apigw.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'test' }));
  const r = await signed({ path: invokePath('/pets', 'test', id), region: 'eu-west-1' });
  assert.equal(r.status, 401, r.text);
  assert.deepEqual(r.json, { error: "Credential should be scoped to a valid region, not 'eu-west-1'. ", type: 'INVALID_SIGNATURE' });
  assert.equal(r.headers['access-control-allow-origin'], '*');
  const missing = await send('GET', invokePath('/pets', 'test', id), { host });
  assert.equal(missing.status, 403);
  assert.equal(missing.headers['access-control-allow-origin'], '*');
});

// ------------------------------------------------------------------------------------------------ resource policies

const POLICY_HEAD = { Version: '2012-10-17' };
const statement = (effect: 'Allow' | 'Deny', extra: Json = {}): Json => ({ Effect: effect, Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', ...extra });

/** Sets the policy with UpdateRestApi `/policy` and redeploys (a policy takes effect with a deployment). */
async function withPolicy(statements: Json[]): Promise<string> {
  const id = await deploy(definition());
  await apigw.send(new UpdateRestApiCommand({ restApiId: id, patchOperations: [{ op: 'replace', path: '/policy', value: JSON.stringify({ ...POLICY_HEAD, Statement: statements }) }] }));
  await apigw.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'test' }));
  return id;
}

const denied = (id: string, path: string, who = 'anonymous', explicit = false): string =>
  `User: ${who} is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:${id}/test/GET/${path}${explicit ? ' with an explicit deny' : ''}`;

function assertAccessDenied(r: Reply, message: string): void {
  assert.equal(r.status, 403, r.text);
  assert.equal(r.headers['x-amzn-errortype'], 'AccessDeniedException');
  assert.deepEqual(r.json, { Message: message });
}

test('resource policy, no authentication: an IpAddress Allow for 127.0.0.0/8 lets loopback callers in', async () => {
  const id = await withPolicy([statement('Allow', { Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } })]);
  const r = await send('GET', invokePath('/open', 'test', id), { host });
  assert.equal(r.status, 200, r.text);
});

test('resource policy, no authentication: an Allow for another CIDR leaves loopback callers implicitly denied', async () => {
  const id = await withPolicy([statement('Allow', { Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '198.51.100.0/24'] } } })]);
  assertAccessDenied(await send('GET', invokePath('/open', 'test', id), { host }), denied(id, 'open'));
});

test('resource policy: a NotIpAddress Deny refuses loopback callers with an explicit deny', async () => {
  const id = await withPolicy([statement('Allow'), statement('Deny', { Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })]);
  assertAccessDenied(await send('GET', invokePath('/open', 'test', id), { host }), denied(id, 'open', 'anonymous', true));
});

test('resource policy and AWS_IAM: a caller of the owner account needs no Allow; an explicit Deny for it wins', async () => {
  const onlyOthers = await withPolicy([statement('Allow', { Resource: 'execute-api:/*/GET/open' })]);
  const ok = await signed({ path: invokePath('/pets', 'test', onlyOthers) });
  assert.equal(ok.status, 200, ok.text);
  // ...but the unauthenticated method still needs the policy's Allow, which it has.
  assert.equal((await send('GET', invokePath('/open', 'test', onlyOthers), { host })).status, 200);
  const denyUser = await withPolicy([statement('Allow'), statement('Deny', { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/stepgate-test` } })]);
  assertAccessDenied(await signed({ path: invokePath('/pets', 'test', denyUser) }), denied(denyUser, 'pets', `arn:aws:iam::${ACCOUNT}:user/stepgate-test`, true));
  // The role session of the same account is not named by that Deny.
  assert.equal((await signed({ path: invokePath('/pets', 'test', denyUser), credentials: ROLE })).status, 200);
});

test('resource policy and AWS_IAM from another account: the policy must allow that principal', async () => {
  const id = await withPolicy([statement('Allow', { Principal: { AWS: 'arn:aws:iam::111122223333:user/eve' }, Resource: 'execute-api:/test/GET/pets' })]);
  const eve = await signed({ path: invokePath('/pets', 'test', id), credentials: OUTSIDER });
  assert.equal(eve.status, 200, eve.text);
  assert.equal(eve.json.userArn, 'arn:aws:iam::111122223333:user/eve');
  assert.equal(eve.json.accountId, '111122223333');
  const none = await withPolicy([statement('Allow', { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })]);
  assertAccessDenied(await signed({ path: invokePath('/pets', 'test', none), credentials: OUTSIDER }), denied(none, 'pets', 'arn:aws:iam::111122223333:user/eve'));
});

test('policies from CreateRestApi and OpenAPI import (x-amazon-apigateway-policy) are stored as JSON text and enforced', async () => {
  const policy = { ...POLICY_HEAD, Statement: [statement('Deny', { Resource: 'execute-api:/*/GET/open' }), statement('Allow')] };
  const imported = await deploy(definition({ 'x-amazon-apigateway-policy': policy }));
  const got = await apigw.send(new GetRestApiCommand({ restApiId: imported }));
  assert.deepEqual(JSON.parse(got.policy ?? ''), policy);
  assertAccessDenied(await send('GET', invokePath('/open', 'test', imported), { host }), denied(imported, 'open', 'anonymous', true));
  const created = await apigw.send(new CreateRestApiCommand({ name: 'with-policy', policy: JSON.stringify(policy) }));
  assert.deepEqual(JSON.parse(created.policy ?? ''), policy);
});

test('invalid policies are BadRequestException and nothing changes', async () => {
  const message = 'Invalid policy document. Please check the policy syntax and ensure that Principals are valid.';
  await assert.rejects(apigw.send(new CreateRestApiCommand({ name: 'bad', policy: '{"Statement": [' })), (e: Error) => e.name === 'BadRequestException' && e.message === message);
  const id = await withPolicy([statement('Allow')]);
  const before = (await apigw.send(new GetRestApiCommand({ restApiId: id }))).policy;
  await assert.rejects(
    apigw.send(new UpdateRestApiCommand({ restApiId: id, patchOperations: [{ op: 'replace', path: '/policy', value: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }] }) }] })),
    (e: Error) => e.name === 'BadRequestException' && e.message === message,
  );
  assert.equal((await apigw.send(new GetRestApiCommand({ restApiId: id }))).policy, before);
  const bad = await fetch(`${server.url}/restapis?mode=import`, { method: 'POST', body: JSON.stringify(definition({ 'x-amazon-apigateway-policy': { Statement: [{ Effect: 'Perhaps' }] } })) });
  assert.equal(bad.status, 400);
  // Removing the policy (an empty value) opens the API again once deployed.
  await apigw.send(new UpdateRestApiCommand({ restApiId: id, patchOperations: [{ op: 'replace', path: '/policy', value: '' }] }));
  assert.equal((await apigw.send(new GetRestApiCommand({ restApiId: id }))).policy, undefined);
});
