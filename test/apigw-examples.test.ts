// The seed example projects (examples/seed-000, -002, -004) through the AWS management API instead of
// their templates (test/example-seed-*.test.ts start those): the state machine is created through the
// SFN API (AWS SDK), the OpenAPI document is imported, deployed and test-invoked with the `aws` CLI,
// and the API is called over plain HTTP. Seeds 000 and 004 import their openapi.yaml as it is; seed
// 002's holds CloudFormation intrinsics (Fn::Sub, Fn::GetAtt, like the seed's swagger.yaml), so its
// stack is started from the template and the aws CLI imports the document as CloudFormation resolves
// it. Expectations come from the seeds' questions and FACTS §5 (headers are not forwarded to an AWS
// integration; StartExecution's request shape; StartSyncExecution's answer fields), not from
// stepgate's own output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startServer, type StartServerOptions, type StepgateServer } from '../src/index.js';
import { loadTemplate } from '../src/template/index.js';

const run = promisify(execFile);
const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const ROLE = 'arn:aws:iam::000000000000:role/StepFunctionsRole';

interface Env { server: StepgateServer; sfn: SFNClient; cli(...args: string[]): Promise<Record<string, unknown>> }

async function withEnv(fn: (env: Env) => Promise<void>, options: StartServerOptions = {}): Promise<void> {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0, ...options });
  const sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', disableHostPrefix: true, maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const cli = async (...args: string[]): Promise<Record<string, unknown>> => {
    const { stdout } = await run('aws', ['--endpoint-url', server.url, '--output', 'json', ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    return stdout.trim() === '' ? {} : JSON.parse(stdout) as Record<string, unknown>;
  };
  try { await fn({ server, sfn, cli }); } finally { sfn.destroy(); await server.close(); }
}

/**
 * The example by hand: its state machine through the SFN API (name, type and definition as its template
 * gives them), the OpenAPI document imported and deployed to the template's stage with the aws CLI.
 */
async function setup(env: Env, name: string, options: { body?: string; createStateMachine?: boolean } = {}): Promise<{ apiId: string; resources: Map<string, string>; url: string }> {
  const dir = join(examples, name);
  const plan = loadTemplate(join(dir, 'template.yaml'));
  const sm = plan.stateMachines[0];
  const stage = plan.apis[0]?.stageName ?? '';
  if (options.createStateMachine !== false && sm) {
    await env.sfn.send(new CreateStateMachineCommand({ name: sm.name, type: sm.type, roleArn: ROLE, definition: JSON.stringify(sm.definition) }));
  }
  const api = await env.cli('apigateway', 'import-rest-api', '--body', `fileb://${options.body ?? join(dir, 'openapi.yaml')}`);
  const apiId = api.id as string;
  await env.cli('apigateway', 'create-deployment', '--rest-api-id', apiId, '--stage-name', stage);
  const listed = await env.cli('apigateway', 'get-resources', '--rest-api-id', apiId);
  const resources = new Map((listed.items as { id: string; path: string }[]).map((r) => [r.path, r.id]));
  return { apiId, resources, url: `${env.server.url}/restapis/${apiId}/${stage}/_user_request_` };
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

test('seed 000: headers reach the workflow only when the template puts them into input', async () => {
  await withEnv(async (env) => {
    const { apiId, resources, url } = await setup(env, 'seed-000-headers-to-workflow');
    const payload = JSON.stringify({ surname: 'TESTSURNAME' });

    // The asker's template: StartExecution starts, the execution input is only the body.
    const broken = await post(`${url}/broken`, payload, { HeaderA: 'ValueA', HeaderB: 'ValueB' });
    assert.equal(broken.status, 200, broken.text);
    assert.match(String(broken.json.executionArn), /^arn:aws:states:us-east-1:000000000000:execution:seed-000-echo:/);
    assert.equal(typeof broken.json.startDate, 'number');
    const brokenExec = await env.sfn.send(new DescribeExecutionCommand({ executionArn: broken.json.executionArn as string }));
    assert.deepEqual(JSON.parse(brokenExec.input ?? ''), { surname: 'TESTSURNAME' });

    // The fix: headers inside input.
    const fixed = await post(`${url}/fixed`, payload, { HeaderA: 'ValueA', HeaderB: 'ValueB' });
    assert.equal(fixed.status, 200, fixed.text);
    const fixedExec = await env.sfn.send(new DescribeExecutionCommand({ executionArn: fixed.json.executionArn as string }));
    const input = JSON.parse(fixedExec.input ?? '') as { body: unknown; headers: Record<string, string> };
    assert.deepEqual(input.body, { surname: 'TESTSURNAME' });
    assert.equal(input.headers.HeaderA, 'ValueA');
    assert.equal(input.headers.HeaderB, 'ValueB');

    // What the asker saw with test-invoke: the headers are in the body after transformations.
    const trace = await env.cli('apigateway', 'test-invoke-method', '--rest-api-id', apiId, '--resource-id', resources.get('/broken') as string,
      '--http-method', 'POST', '--path-with-query-string', '/broken', '--body', payload, '--headers', 'HeaderA=ValueA,Content-Type=application/json');
    assert.equal(trace.status, 200);
    const log = String(trace.log);
    assert.match(log, /Endpoint request body after transformations: \{[\s\S]*"headers": \{[\s\S]*"HeaderA": "ValueA"/);
    assert.match(log, /Method request headers: \{HeaderA=ValueA, Content-Type=application\/json\}/);
    assert.match(log, /Method completed with status: 200/);

    // The same view from `stepgate test-invoke`.
    const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', main, 'test-invoke', '--endpoint', env.server.url, '--rest-api-id', apiId,
      '--resource-path', '/fixed', '-X', 'POST', '-d', payload, '-H', 'HeaderA=ValueA', '-H', 'Content-Type=application/json']);
    assert.match(stdout, /Endpoint request URI: https:\/\/states\.us-east-1\.amazonaws\.com\/\?Action=StartExecution/);
    assert.match(stdout, /Endpoint request body after transformations: \{\n {3}"input": "\{\\"body\\": \{\\"surname\\":\\"TESTSURNAME\\"\}, \\"headers\\": \{\\"HeaderA\\": \\"ValueA\\"/);
    assert.match(stdout, /Endpoint response body before transformations: \{"executionArn":"arn:aws:states:us-east-1:000000000000:execution:seed-000-echo:/);
    assert.match(stdout, /Status: 200/);
  });
});

test('seed 002: the escaped JSON payload arrives intact; an apostrophe is SerializationException', async () => {
  const template = join(examples, 'seed-002-json-payload', 'template.yaml');
  // The OpenAPI document as CloudFormation hands it to API Gateway: the include with its intrinsics resolved.
  const resolved = join(mkdtempSync(join(tmpdir(), 'stepgate-seed-002-')), 'openapi.json');
  writeFileSync(resolved, JSON.stringify(loadTemplate(template).apis[0]?.body));
  await withEnv(async (env) => {
    const { url, apiId, resources } = await setup(env, 'seed-002-json-payload', { body: resolved, createStateMachine: false });
    const payload = { order: { id: 7, items: [{ sku: 'A-1', qty: 2 }], note: 'quote " backslash \\ tab \t newline \n unicode é ✓' }, flag: true, none: null };
    const r = await post(`${url}/execution`, JSON.stringify(payload));
    assert.equal(r.status, 200, r.text);
    const exec = await env.sfn.send(new DescribeExecutionCommand({ executionArn: r.json.executionArn as string }));
    assert.deepEqual(JSON.parse(exec.input ?? ''), payload);

    // $util.escapeJavaScript turns ' into \' (invalid JSON, FACTS §5.4): Step Functions rejects the request.
    const bad = await post(`${url}/execution`, JSON.stringify({ name: "O'Brien" }));
    assert.equal(bad.status, 400, bad.text);
    assert.match(String(bad.json.__type), /SerializationException$/);

    const trace = await env.cli('apigateway', 'test-invoke-method', '--rest-api-id', apiId, '--resource-id', resources.get('/execution') as string,
      '--http-method', 'POST', '--path-with-query-string', '/execution', '--body', '{"a":1}');
    assert.match(String(trace.log), /Endpoint request body after transformations: \{\n {2}"input": "\{\\"a\\":1\}",\n {2}"name": "[0-9a-f-]{36}",\n {2}"stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-state-machine"/);
  }, { template });
});

test('seed 004: synchronous express output mapped to the response, failure to 500 with error and cause; quota and disabled key', async () => {
  await withEnv(async (env) => {
    const { apiId, url } = await setup(env, 'seed-004-sync-express');
    const key = await env.cli('apigateway', 'create-api-key', '--name', 'seed-004', '--value', 'Seed004ApiKeyValue0123456789abcdef', '--enabled');
    // A small daily quota, so the example shows the usage plan at work (FACTS §5.1 step 3).
    const plan = await env.cli('apigateway', 'create-usage-plan', '--name', 'seed-004-plan', '--api-stages', `apiId=${apiId},stage=dev`,
      '--quota', 'limit=3,offset=0,period=DAY', '--throttle', 'burstLimit=10,rateLimit=5');
    await env.cli('apigateway', 'create-usage-plan-key', '--usage-plan-id', plan.id as string, '--key-id', key.id as string, '--key-type', 'API_KEY');

    // apiKeyRequired without a key: 403 Forbidden (FACTS §5.1 step 3).
    const noKey = await post(`${url}/orders`, JSON.stringify({ orderId: '42' }));
    assert.equal(noKey.status, 403);
    assert.deepEqual(noKey.json, { message: 'Forbidden' });

    const headers = { 'x-api-key': 'Seed004ApiKeyValue0123456789abcdef' };
    const ok = await post(`${url}/orders`, JSON.stringify({ orderId: '42' }), headers);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json, { reference: 'REF-42', method: 'POST', apiKey: 'Seed004ApiKeyValue0123456789abcdef' });

    const failed = await post(`${url}/orders`, JSON.stringify({ orderId: '43', reject: true }), headers);
    assert.equal(failed.status, 500, failed.text);
    assert.deepEqual(failed.json, { cause: 'The order was rejected', error: 'OrderRejected' });

    // The third request of the day is the last the quota allows; the fourth is 429 Limit Exceeded
    // before any workflow runs (FACTS §5.7 QUOTA_EXCEEDED).
    assert.equal((await post(`${url}/orders`, JSON.stringify({ orderId: '44' }), headers)).status, 200);
    const over = await post(`${url}/orders`, JSON.stringify({ orderId: '45' }), headers);
    assert.equal(over.status, 429, over.text);
    assert.deepEqual(over.json, { message: 'Limit Exceeded' });
    const day = new Date().toISOString().slice(0, 10);
    const usage = await env.cli('apigateway', 'get-usage', '--usage-plan-id', plan.id as string, '--start-date', day, '--end-date', day);
    assert.deepEqual((usage.items as Record<string, number[][]>)[key.id as string], [[3, 0]]);

    // A disabled key is refused (403 Forbidden) even with quota left.
    await env.cli('apigateway', 'update-usage', '--usage-plan-id', plan.id as string, '--key-id', key.id as string, '--patch-operations', 'op=replace,path=/remaining,value=5');
    await env.cli('apigateway', 'update-api-key', '--api-key', key.id as string, '--patch-operations', 'op=replace,path=/enabled,value=false');
    const disabled = await post(`${url}/orders`, JSON.stringify({ orderId: '46' }), headers);
    assert.equal(disabled.status, 403, disabled.text);
    assert.deepEqual(disabled.json, { message: 'Forbidden' });
  });
});
