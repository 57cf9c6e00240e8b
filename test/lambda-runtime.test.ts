// The local Lambda runtime end to end: a real server on port 0 and the AWS SDK's Lambda client
// (CreateFunction from a local directory and from a .zip, Invoke), handler files in JavaScript and
// TypeScript, ESM and CommonJS, the context object and environment variables, and isolation: a
// handler that throws, hangs past its timeout, exits the process or returns something JSON cannot
// hold fails its own invocation with AWS's error while the server keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaServiceError, LocalLambdaRuntime, startServer, type StepgateServer } from '../src/index.js';

const APP = fileURLToPath(new URL('./functions/app', import.meta.url));
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
let server: StepgateServer;
let lambda: LambdaClient;

const decode = (p: Uint8Array | undefined): string => Buffer.from(p ?? new Uint8Array()).toString('utf8');

async function create(name: string, handler: string, extra: Record<string, unknown> = {}): Promise<void> {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: handler,
    Code: { S3Bucket: 'hot-reload', S3Key: APP }, ...extra,
  }));
}

async function invoke(name: string, payload: unknown = {}): Promise<{ status?: number; functionError?: string; body: string; version?: string; log?: string }> {
  const r = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)), LogType: 'Tail' }));
  return { ...(r.StatusCode !== undefined ? { status: r.StatusCode } : {}), ...(r.FunctionError !== undefined ? { functionError: r.FunctionError } : {}), body: decode(r.Payload), ...(r.ExecutedVersion !== undefined ? { version: r.ExecutedVersion } : {}), ...(r.LogResult !== undefined ? { log: r.LogResult } : {}) };
}

/** A minimal .zip writer (stored entries) so the test builds a real deployment package. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBuf.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

before(async () => {
  server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  lambda = new LambdaClient({ endpoint: server.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await create('context', 'context.handler', { Timeout: 10, MemorySize: 256, Environment: { Variables: { GREETING: 'hello' } } });
  await create('throws', 'throws.handler');
  await create('hangs', 'hangs.handler', { Timeout: 1 });
  await create('exits', 'exits.handler');
  await create('circular', 'circular.handler');
  await create('callback', 'callback.handler');
});

after(async () => {
  lambda.destroy();
  await server.close();
});

test('Invoke runs a TypeScript handler with the context object and environment variables', async () => {
  const r = await invoke('context');
  assert.equal(r.status, 200);
  assert.equal(r.functionError, undefined);
  assert.equal(r.version, '$LATEST');
  const out = JSON.parse(r.body) as Record<string, unknown>;
  assert.equal(out.functionName, 'context');
  assert.equal(out.functionVersion, '$LATEST');
  assert.equal(out.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:context');
  assert.equal(out.memoryLimitInMB, '256');
  assert.equal(out.logGroupName, '/aws/lambda/context');
  assert.equal(out.remainingPositive, true);
  assert.match(String(out.awsRequestId), /^[0-9a-f-]{36}$/);
  assert.deepEqual(out.env, { AWS_LAMBDA_FUNCTION_NAME: 'context', AWS_REGION: 'us-east-1', GREETING: 'hello', _HANDLER: 'context.handler' });
  // LogType Tail: the log's last 4 KB, base64 — with the START / END / REPORT lines Lambda writes.
  const log = Buffer.from(r.log ?? '', 'base64').toString('utf8');
  assert.match(log, /^START RequestId: /);
  assert.match(log, /handling /);
  assert.match(log, /REPORT RequestId: /);
});

test('a CommonJS callback-style handler answers through the callback', async () => {
  const r = await invoke('callback', { a: 1 });
  assert.deepEqual(JSON.parse(r.body), { echoed: { a: 1 }, style: 'callback' });
});

test('concurrent invocations run in separate execution environments', async () => {
  const results = await Promise.all([1, 2, 3].map(() => invoke('context', { wait: 200 })));
  const threads = new Set(results.map((r) => (JSON.parse(r.body) as { thread: number }).thread));
  assert.ok(threads.size > 1, 'expected more than one environment');
});

test('a handler that throws: Unhandled function error {errorType, errorMessage, trace}', async () => {
  const r = await invoke('throws');
  assert.equal(r.status, 200);
  assert.equal(r.functionError, 'Unhandled');
  const doc = JSON.parse(r.body) as { errorType: string; errorMessage: string; trace: string[] };
  // The Node.js runtime's error document (Lambda developer guide, "Node.js function errors").
  assert.equal(doc.errorType, 'TypeError');
  assert.equal(doc.errorMessage, 'no such order');
  assert.ok(Array.isArray(doc.trace) && doc.trace[0] === 'TypeError: no such order');
});

test('a handler that hangs past its timeout: Sandbox.Timedout, and the function still serves', async () => {
  const r = await invoke('hangs');
  assert.equal(r.functionError, 'Unhandled');
  const doc = JSON.parse(r.body) as { errorType: string; errorMessage: string };
  assert.equal(doc.errorType, 'Sandbox.Timedout');
  assert.match(doc.errorMessage, /Task timed out after 1\.00 seconds/);
  const again = await invoke('hangs');
  assert.equal((JSON.parse(again.body) as { errorType: string }).errorType, 'Sandbox.Timedout');
});

test('a handler that exits the process: Runtime.ExitError', async () => {
  const r = await invoke('exits');
  assert.equal(r.functionError, 'Unhandled');
  const doc = JSON.parse(r.body) as { errorType: string; errorMessage: string };
  assert.equal(doc.errorType, 'Runtime.ExitError');
  assert.match(doc.errorMessage, /Runtime exited with error: exit status 3/);
});

test('a handler whose result is not JSON-serialisable fails its invocation', async () => {
  const r = await invoke('circular');
  assert.equal(r.functionError, 'Unhandled');
  const doc = JSON.parse(r.body) as { errorType: string; errorMessage: string };
  assert.equal(doc.errorMessage, 'Unable to stringify response body');
});

test('after every failure above the server and the runtime keep serving', async () => {
  const r = await invoke('context');
  assert.equal(r.functionError, undefined);
  assert.equal((JSON.parse(r.body) as { functionName: string }).functionName, 'context');
});

test('unknown function: ResourceNotFoundException (404) with AWS message', async () => {
  const err = await lambda.send(new InvokeCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') })).then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } });
  assert.ok(err);
  assert.equal(err.name, 'ResourceNotFoundException');
  assert.equal(err.$metadata.httpStatusCode, 404);
  assert.match(err.message, /^Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope/);
});

test('a request body that is not JSON: InvalidRequestContentException (400)', async () => {
  const err = await lambda.send(new InvokeCommand({ FunctionName: 'context', Payload: Buffer.from('not json') })).then(() => undefined, (e: unknown) => e as { name: string; $metadata: { httpStatusCode?: number } });
  assert.ok(err);
  assert.equal(err.name, 'InvalidRequestContentException');
  assert.equal(err.$metadata.httpStatusCode, 400);
});

test('CreateFunction from a .zip, Event and DryRun invocations, GetFunction, DeleteFunction', async () => {
  const pkg = zip({ 'lib/main.mjs': 'export const run = async (e) => ({ doubled: e.n * 2 });\n' });
  const created = await lambda.send(new CreateFunctionCommand({ FunctionName: 'zipped', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'lib/main.run', Code: { ZipFile: pkg } }));
  assert.equal(created.FunctionName, 'zipped');
  assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:zipped');
  assert.equal(created.Timeout, 3);
  assert.equal(created.MemorySize, 128);
  assert.equal(created.CodeSize, pkg.length);
  assert.deepEqual(JSON.parse((await invoke('zipped', { n: 21 })).body), { doubled: 42 });
  const ev = await lambda.send(new InvokeCommand({ FunctionName: 'zipped', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }));
  assert.equal(ev.StatusCode, 202);
  const dry = await lambda.send(new InvokeCommand({ FunctionName: 'zipped', InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'zipped' }));
  assert.equal(got.Configuration?.Handler, 'lib/main.run');
  const dup = await lambda.send(new CreateFunctionCommand({ FunctionName: 'zipped', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'x.y', Code: { ZipFile: pkg } })).then(() => undefined, (e: unknown) => e as { name: string; $metadata: { httpStatusCode?: number } });
  assert.equal(dup?.name, 'ResourceConflictException');
  assert.equal(dup?.$metadata.httpStatusCode, 409);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'zipped' }));
  const gone = await lambda.send(new GetFunctionCommand({ FunctionName: 'zipped' })).then(() => undefined, (e: unknown) => e as { name: string });
  assert.equal(gone?.name, 'ResourceNotFoundException');
});

test('a handler that is not exported: Runtime.HandlerNotFound', async () => {
  await create('missing-export', 'echo.nothere');
  const r = await invoke('missing-export');
  assert.equal(r.functionError, 'Unhandled');
  const doc = JSON.parse(r.body) as { errorType: string; errorMessage: string };
  assert.equal(doc.errorType, 'Runtime.HandlerNotFound');
  assert.equal(doc.errorMessage, 'echo.nothere is undefined or not exported');
});

test('an uncaught exception in a timer fails the invocation and retires the environment', async () => {
  await create('crash-later', 'crash-later.handler');
  const r = await invoke('crash-later');
  assert.equal(r.functionError, 'Unhandled');
  const doc = JSON.parse(r.body) as { errorType: string; errorMessage: string };
  assert.equal(doc.errorType, 'RangeError');
  assert.equal(doc.errorMessage, 'late failure');
  const again = await invoke('crash-later');
  assert.equal((JSON.parse(again.body) as { errorType: string }).errorType, 'RangeError');
});

test('reserved concurrency: invocations beyond it are throttled (TooManyRequestsException, 429)', async () => {
  const runtime = new LocalLambdaRuntime({ onLog: () => undefined });
  try {
    runtime.createFunction({ name: 'slow', directory: APP, handler: 'context.handler', reservedConcurrency: 1, timeout: 10 });
    const first = runtime.invoke('slow', '{"wait":300}');
    const second = await runtime.invoke('slow', '{}').then(() => undefined, (e: unknown) => e);
    assert.ok(second instanceof LambdaServiceError);
    assert.equal(second.code, 'TooManyRequestsException');
    assert.equal(second.statusCode, 429);
    assert.equal((await first).functionError, undefined);
  } finally {
    await runtime.close();
  }
});
