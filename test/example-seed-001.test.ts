// examples/seed-001-iam-identity end to end, run as its README says: the real `stepgate start` CLI with
// `--credentials examples/seed-001-iam-identity/credentials.json`, the example's echo backend, the
// `aws` CLI to import and deploy (stage variable backendPort), and the example's signed-request.mjs.
// Expected values come from the seed's thread (under AWS_IAM the Authorization header is consumed;
// $context.identity names the signer: caller/user = the user id, userArn = the ARN), FACTS §5.1 (the
// unsigned and non-SigV4 answers) and the keys in credentials.json, not from stepgate's output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startExample } from './example-support.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const dir = 'examples/seed-001-iam-identity';
const NICK = { AWS_ACCESS_KEY_ID: 'AKIANICKEXAMPLE00001', AWS_SECRET_ACCESS_KEY: 'nick-example-secret-do-not-use-in-aws' };
const ROLE = { AWS_ACCESS_KEY_ID: 'ASIAROLEEXAMPLE00001', AWS_SECRET_ACCESS_KEY: 'role-example-secret', AWS_SESSION_TOKEN: 'example-session-token' };

type Json = Record<string, any>;
const children: ChildProcess[] = [];
let endpoint: string;
let url: string;

/** Starts a process and waits for a line of its stdout to match. */
async function startProcess(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = ready.exec(out);
    if (m) return { child, match: m };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${args.join(' ')} did not start:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const awsEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true' };

before(async () => {
  const backend = await startProcess([`${dir}/backend.mjs`, '0'], /listening on http:\/\/127\.0\.0\.1:(\d+)/);
  const backendPort = backend.match[1] as string;
  const stepgate = await startProcess(['--import', 'tsx', 'src/cli/main.ts', 'start', '--port', '0', '--store', 'memory', '--credentials', `${dir}/credentials.json`], /listening on (http:\/\/\S+)/);
  endpoint = stepgate.match[1] as string;
  const { stdout } = await run('aws', ['--endpoint-url', endpoint, 'apigateway', 'import-rest-api', '--body', `fileb://${dir}/openapi.yaml`, '--query', 'id', '--output', 'text'], { cwd: repo, env: awsEnv });
  const apiId = stdout.trim();
  await run('aws', ['--endpoint-url', endpoint, 'apigateway', 'create-deployment', '--rest-api-id', apiId, '--stage-name', 'dev', '--variables', `backendPort=${backendPort}`], { cwd: repo, env: awsEnv });
  url = `${endpoint}/restapis/${apiId}/dev/_user_request_`;
});

after(async () => {
  for (const c of children) {
    if (c.exitCode !== null) continue;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
});

/** The README's signed call: `signed-request.mjs URL` with the keys in the environment. */
async function signedRequest(target: string, keys: Record<string, string>): Promise<{ status: string; json: Json }> {
  const { stdout, stderr } = await run(process.execPath, [`${dir}/signed-request.mjs`, target], { cwd: repo, env: { ...process.env, ...keys } });
  return { status: stderr.trim(), json: JSON.parse(stdout) as Json };
}

function curl(target: string, headers: Record<string, string> = {}): Promise<{ status: number; errorType: string | undefined; json: Json }> {
  const u = new URL(target);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => {
        resolve({ status: res.statusCode ?? 0, errorType: res.headers['x-amzn-errortype'] as string | undefined, json: JSON.parse(text) as Json });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('seed 001: signed, the backend gets no Authorization header but the identity of the signer', async () => {
  const r = await signedRequest(`${url}/resource/42?startDate=20151201&endDate=20151231`, NICK);
  assert.equal(r.status, 'HTTP 200 (x-amzn-ErrorType: -)');
  const { headers, body, method } = r.json;
  // Solution 4: the GET is turned into a POST so the template body reaches the endpoint.
  assert.equal(method, 'POST');
  assert.equal(headers.authorization, undefined, 'the Authorization header is consumed by API Gateway');
  assert.equal(body.Authorization, '');
  assert.equal(body['resource-path'], '/resource/{id}');
  assert.equal(body['http-method'], 'GET');
  assert.deepEqual(body.params, { id: '42' });
  assert.deepEqual(body.query, { startDate: '20151201', endDate: '20151231' });
  assert.equal(body.AccountID, '000000000000');
  assert.equal(body.UserARN, 'arn:aws:iam::000000000000:user/nick');
  assert.match(body.Caller, /^AIDA[A-Z2-7]{17}$/);
  assert.equal(body.User, body.Caller);
  assert.equal(body.identity.userArn, 'arn:aws:iam::000000000000:user/nick');
  assert.equal(body.identity.caller, body.Caller);
  assert.equal(body.identity.sourceIp, '127.0.0.1');
  assert.deepEqual(body.body, {});
});

test('seed 001: signed with temporary credentials, the caller is the role session', async () => {
  const r = await signedRequest(`${url}/resource/7`, ROLE);
  assert.equal(r.status, 'HTTP 200 (x-amzn-ErrorType: -)');
  assert.match(r.json.body.Caller, /^AROA[A-Z2-7]{17}:nick-laptop$/);
  assert.equal(r.json.body.UserARN, 'arn:aws:sts::000000000000:assumed-role/ReportsReader/nick-laptop');
});

test('seed 001: unsigned is 403 Missing Authentication Token; a Bearer token is 403 IncompleteSignatureException', async () => {
  const unsigned = await curl(`${url}/resource/42`);
  assert.equal(unsigned.status, 403);
  assert.equal(unsigned.errorType, 'MissingAuthenticationTokenException');
  assert.deepEqual(unsigned.json, { message: 'Missing Authentication Token' });
  const bearer = await curl(`${url}/resource/42`, { Authorization: 'Bearer my-token' });
  assert.equal(bearer.status, 403);
  assert.equal(bearer.errorType, 'IncompleteSignatureException');
  const hash = createHash('sha256').update('Bearer my-token').digest('base64');
  assert.deepEqual(bearer.json, { message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hash}'.` });
});

test('seed 001: a wrong secret is 403 InvalidSignatureException showing the canonical request', async () => {
  const r = await signedRequest(`${url}/resource/42`, { ...NICK, AWS_SECRET_ACCESS_KEY: 'not-nicks-secret' });
  assert.equal(r.status, 'HTTP 403 (x-amzn-ErrorType: InvalidSignatureException)');
  assert.match(r.json.message, /^The request signature we calculated does not match the signature you provided\./);
  assert.match(r.json.message, /The Canonical String for this request should have been\n'GET\n\/restapis\/\w+\/dev\/_user_request_\/resource\/42\n/);
});

test('seed 001: without AWS_IAM the mapped Authorization header reaches the endpoint (solution 2)', async () => {
  const r = await curl(`${url}/open/42?startDate=20151201`, { Authorization: 'Bearer my-token' });
  assert.equal(r.status, 200);
  assert.equal(r.json.headers.authorization, 'Bearer my-token');
  assert.equal(r.json.body.Authorization, 'Bearer my-token');
  assert.equal(r.json.body.UserARN, '');
  assert.equal(r.json.body.identity.caller, '');
});

test('seed 001 from its template: stepgate start template.yaml --credentials, signed by Host form too', async () => {
  const backend = await startProcess([`${dir}/backend.mjs`, '0'], /listening on http:\/\/127\.0\.0\.1:(\d+)/);
  const example = await startExample(`${dir}/template.yaml`, ['--credentials', `${dir}/credentials.json`, '--parameter-overrides', `BackendPort=${backend.match[1] as string}`]);
  try {
    const api = example.apis[0];
    assert.ok(api, example.banner);
    assert.equal(api.stage, 'dev');
    for (const base of [api.pathUrl, api.hostUrl]) {
      const r = await signedRequest(`${base.replace(/\/$/, '')}/resource/42`, NICK);
      assert.equal(r.status, 'HTTP 200 (x-amzn-ErrorType: -)', base);
      assert.equal(r.json.headers.authorization, undefined);
      assert.equal(r.json.body.UserARN, 'arn:aws:iam::000000000000:user/nick');
    }
    const unsigned = await curl(`${api.pathUrl.replace(/\/$/, '')}/resource/42`);
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.errorType, 'MissingAuthenticationTokenException');
  } finally {
    await example.stop();
  }
});
