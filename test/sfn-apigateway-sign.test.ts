// apigateway:invoke with AuthType IAM_ROLE: the request is signed with SigV4 for execute-api on the
// endpoint's own host. The signature is checked here by recomputing it from AWS's published algorithm
// (canonical request → string to sign → HMAC chain), independently of the signing library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createHash, createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiGatewayInvokeDispatcher } from '../src/sfn/integrations/apigateway.js';
import type { InvokeTaskCommand } from '../src/asl/engine-types.js';

const HOST = 'abc123defg.execute-api.us-east-1.amazonaws.com';
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string): Buffer => createHmac('sha256', key).update(s).digest();

async function capture(authType: string | undefined): Promise<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> {
  let seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string } | undefined;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dispatcher = new ApiGatewayInvokeDispatcher({ baseUrl: () => Promise.resolve(base), credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } });
  const command: InvokeTaskCommand = {
    kind: 'invokeTask', taskId: 't', stateName: 'S', resource: 'arn:aws:states:::apigateway:invoke', pattern: 'REQUEST_RESPONSE',
    parameters: { ApiEndpoint: HOST, Method: 'POST', Stage: 'prod', Path: 'orders/1', QueryParameters: { b: ['2'], a: ['1'] }, RequestBody: { x: 1 }, ...(authType ? { AuthType: authType } : {}) },
  };
  try {
    const out = await dispatcher.invoke(command, { executionArn: 'e', stateMachineArn: 's', region: 'us-east-1', accountId: '0', signal: new AbortController().signal, submitted: () => undefined });
    assert.deepEqual((out as { ResponseBody: unknown }).ResponseBody, { ok: true });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  assert.ok(seen);
  return seen;
}

test('IAM_ROLE: Authorization is a valid SigV4 signature for execute-api on the endpoint host', async () => {
  const req = await capture('IAM_ROLE');
  assert.equal(req.headers.host, HOST);
  assert.equal(req.url, '/prod/orders/1?b=2&a=1');
  const auth = String(req.headers.authorization);
  const m = /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/(\d{8})\/us-east-1\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  assert.ok(m, auth);
  const [, day, signedHeaders, signature] = m;
  const amzDate = String(req.headers['x-amz-date']);
  assert.match(amzDate, /^\d{8}T\d{6}Z$/);
  assert.equal(amzDate.slice(0, 8), day);
  // AWS SigV4: canonical request (query sorted by name, headers lower-cased and sorted, payload hash).
  const names = (signedHeaders as string).split(';');
  assert.ok(names.includes('host') && names.includes('x-amz-date'));
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n]).trim()}\n`).join('');
  const canonicalRequest = ['POST', '/prod/orders/1', 'a=1&b=2', canonicalHeaders, signedHeaders, sha256(req.body)].join('\n');
  const scope = `${day}/us-east-1/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac('AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', day as string);
  for (const part of ['us-east-1', 'execute-api', 'aws4_request']) key = hmac(key, part);
  assert.equal(hmac(key, stringToSign).toString('hex'), signature);
});

test('NO_AUTH (the default) sends no signature', async () => {
  const req = await capture(undefined);
  assert.equal(req.headers.authorization, undefined);
  assert.equal(req.headers['x-amz-date'], undefined);
  assert.equal(req.headers.host, HOST);
});
