// Canary releases of a stage over HTTP: CreateDeployment/CreateStage/UpdateStage with canarySettings,
// which deployment and stage variables a request runs with, promotion, and AWS's validation messages.
// Expected shapes and messages are AWS's as recorded in LocalStack's test_apigateway_canary snapshots
// (recorded against AWS, 30-05-2025); the 50 % split is checked as a count, not a timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, type StepgateServer } from '../src/index.js';

const run = promisify(execFile);
type Json = Record<string, unknown>;
const AWS_ENV = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };

async function call(server: StepgateServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : JSON.parse(text) as Json };
}

const TEMPLATE = (label: string): string =>
  `{"message": "${label}", "variable": "$stageVariables.testVar", "nonExistingDefault": "$stageVariables.noStageVar", "nonOverridden": "$stageVariables.defaultVar", "isCanary": "$context.isCanaryRequest"}`;

/** A MOCK GET / whose response template names the deployment it belongs to. */
async function putRoot(server: StepgateServer, apiId: string, rootId: string, label: string): Promise<void> {
  const mp = `/restapis/${apiId}/resources/${rootId}/methods/GET`;
  assert.equal((await call(server, 'PUT', mp, { authorizationType: 'NONE' })).status, 201);
  assert.equal((await call(server, 'PUT', `${mp}/responses/200`, {})).status, 201);
  assert.equal((await call(server, 'PUT', `${mp}/integration`, { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } })).status, 201);
  assert.equal((await call(server, 'PUT', `${mp}/integration/responses/200`, { selectionPattern: '', responseTemplates: { 'application/json': TEMPLATE(label) } })).status, 201);
}

async function setUp(server: StepgateServer): Promise<{ apiId: string; first: string; second: string }> {
  const api = await call(server, 'POST', '/restapis', { name: 'canary' });
  const apiId = api.json.id as string;
  await putRoot(server, apiId, api.json.rootResourceId as string, 'default deployment');
  const first = await call(server, 'POST', `/restapis/${apiId}/deployments`, { stageName: 'dev', variables: { testVar: 'default', defaultVar: 'default' } });
  assert.equal(first.status, 201);
  await putRoot(server, apiId, api.json.rootResourceId as string, 'canary deployment');
  const second = await call(server, 'POST', `/restapis/${apiId}/deployments`, { stageName: 'dev', canarySettings: { percentTraffic: 0, stageVariableOverrides: { testVar: 'canary', noStageVar: 'canary' } } });
  assert.equal(second.status, 201);
  return { apiId, first: first.json.id as string, second: second.json.id as string };
}

const get = async (server: StepgateServer, apiId: string): Promise<Json> =>
  (await (await fetch(`${server.url}/restapis/${apiId}/dev/_user_request_/`)).json()) as Json;

test('a canary deployment keeps the stage on its deployment; 0 % and 100 % route as AWS does', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const { apiId, first, second } = await setUp(server);
    const stage = await call(server, 'GET', `/restapis/${apiId}/stages/dev`);
    assert.equal(stage.json.deploymentId, first);
    assert.deepEqual(stage.json.canarySettings, { deploymentId: second, percentTraffic: 0, stageVariableOverrides: { testVar: 'canary', noStageVar: 'canary' }, useStageCache: false });
    assert.deepEqual(await get(server, apiId), { message: 'default deployment', variable: 'default', nonExistingDefault: '', nonOverridden: 'default', isCanary: 'false' });

    const up = await call(server, 'PATCH', `/restapis/${apiId}/stages/dev`, { patchOperations: [{ op: 'replace', path: '/canarySettings/percentTraffic', value: '100' }] });
    assert.equal(up.status, 200);
    assert.equal((up.json.canarySettings as Json).percentTraffic, 100);
    assert.deepEqual(await get(server, apiId), { message: 'canary deployment', variable: 'canary', nonExistingDefault: 'canary', nonOverridden: 'default', isCanary: 'true' });

    // Removing the canary: every request runs the stage's deployment, and $context.isCanaryRequest is not set.
    const removed = await call(server, 'PATCH', `/restapis/${apiId}/stages/dev`, { patchOperations: [{ op: 'remove', path: '/canarySettings' }] });
    assert.equal(removed.json.canarySettings, undefined);
    assert.deepEqual(await get(server, apiId), { message: 'default deployment', variable: 'default', nonExistingDefault: '', nonOverridden: 'default', isCanary: '' });
  } finally { await server.close(); }
});

test('a 50 % canary sends about half of the requests to each side', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const { apiId } = await setUp(server);
    await call(server, 'PATCH', `/restapis/${apiId}/stages/dev`, { patchOperations: [{ op: 'replace', path: '/canarySettings/percentTraffic', value: '50.0' }] });
    let canary = 0;
    const n = 400;
    for (let i = 0; i < n; i++) if ((await get(server, apiId)).isCanary === 'true') canary++;
    // Binomial(400, 0.5): 140..260 holds with probability 1 − 10⁻⁹.
    assert.ok(canary > 140 && canary < 260, `${canary} of ${n} requests went to the canary`);
  } finally { await server.close(); }
});

test('promotion copies the canary onto the stage, then the canary can be removed', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const { apiId, second } = await setUp(server);
    const promoted = await call(server, 'PATCH', `/restapis/${apiId}/stages/dev`, {
      patchOperations: [
        { op: 'replace', path: '/canarySettings/percentTraffic', value: '0.0' },
        { op: 'copy', from: '/canarySettings/stageVariableOverrides', path: '/variables' },
        { op: 'copy', from: '/canarySettings/deploymentId', path: '/deploymentId' },
      ],
    });
    assert.equal(promoted.status, 200, JSON.stringify(promoted.json));
    assert.equal(promoted.json.deploymentId, second);
    assert.deepEqual(promoted.json.variables, { testVar: 'canary', defaultVar: 'default', noStageVar: 'canary' });
    assert.deepEqual(await get(server, apiId), { message: 'canary deployment', variable: 'canary', nonExistingDefault: 'canary', nonOverridden: 'default', isCanary: 'false' });
  } finally { await server.close(); }
});

test('CreateStage and UpdateStage accept canary settings (recorded shapes)', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const api = await call(server, 'POST', '/restapis', { name: 'canary-crud' });
    const apiId = api.json.id as string;
    await putRoot(server, apiId, api.json.rootResourceId as string, 'x');
    const d1 = (await call(server, 'POST', `/restapis/${apiId}/deployments`, {})).json.id as string;
    const d2 = (await call(server, 'POST', `/restapis/${apiId}/deployments`, {})).json.id as string;
    // Without a deploymentId the canary runs the stage's own deployment.
    const s1 = await call(server, 'POST', `/restapis/${apiId}/stages`, { stageName: 'dev1', deploymentId: d1, description: 'dev stage', variables: { testVar: 'default' }, canarySettings: { percentTraffic: 40, stageVariableOverrides: { testVar: 'canary1' } } });
    assert.equal(s1.status, 201);
    assert.deepEqual(s1.json.canarySettings, { deploymentId: d1, percentTraffic: 40, stageVariableOverrides: { testVar: 'canary1' }, useStageCache: false });
    // A stage without a canary gets one from a single replace, on its own deployment at the given percentage.
    const s2 = await call(server, 'POST', `/restapis/${apiId}/stages`, { stageName: 'dev', deploymentId: d1 });
    assert.equal(s2.json.canarySettings, undefined);
    const p = await call(server, 'PATCH', `/restapis/${apiId}/stages/dev`, { patchOperations: [{ op: 'replace', path: '/canarySettings/deploymentId', value: d2 }] });
    assert.deepEqual(p.json.canarySettings, { deploymentId: d2, percentTraffic: 0, useStageCache: false });
    // The aws CLI's canary flags reach the same settings.
    const { stdout } = await run('aws', ['--endpoint-url', server.url, 'apigateway', 'create-deployment', '--rest-api-id', apiId, '--stage-name', 'dev', '--canary-settings', 'percentTraffic=25,useStageCache=false'], { env: AWS_ENV });
    const created = JSON.parse(stdout) as Json;
    const { stdout: stageOut } = await run('aws', ['--endpoint-url', server.url, 'apigateway', 'get-stage', '--rest-api-id', apiId, '--stage-name', 'dev'], { env: AWS_ENV });
    const stage = JSON.parse(stageOut) as Json;
    assert.equal(stage.deploymentId, d1);
    assert.deepEqual(stage.canarySettings, { deploymentId: created.id, percentTraffic: 25, useStageCache: false });
  } finally { await server.close(); }
});

test('bad canary input gets AWS\'s messages and changes nothing', async () => {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  try {
    const { apiId, first, second } = await setUp(server);
    const noStage = await call(server, 'POST', `/restapis/${apiId}/deployments`, { canarySettings: { percentTraffic: 50 } });
    assert.deepEqual([noStage.status, noStage.json.message], [400, 'Invalid deployment content specified.Non null and non empty stageName must be provided for canary deployment. Provided value is null']);
    const missing = await call(server, 'POST', `/restapis/${apiId}/deployments`, { stageName: 'non-existing', canarySettings: { percentTraffic: 50 } });
    assert.deepEqual([missing.status, missing.json.message], [400, 'Invalid deployment content specified.Stage non-existing must already be created before making a canary release deployment']);
    const patch = (ops: unknown[]): Promise<{ status: number; json: Json }> => call(server, 'PATCH', `/restapis/${apiId}/stages/dev`, { patchOperations: ops });
    const removeBad = await patch([{ op: 'remove', path: '/canarySettings/badPath' }]);
    assert.deepEqual([removeBad.status, removeBad.json.message], [400, 'Cannot remove method setting canarySettings/badPath because there is no method setting for this method ']);
    const replaceBad = await patch([{ op: 'replace', path: '/canarySettings/badPath', value: 'x' }]);
    assert.equal(replaceBad.status, 400);
    assert.match(String(replaceBad.json.message), /^Invalid method setting path: \/canarySettings\/badPath\. Must be one of: \[\/deploymentId, \/description,/);
    const add = await patch([{ op: 'add', path: '/canarySettings/deploymentId', value: first }]);
    assert.deepEqual([add.status, add.json.message], [400, 'Invalid add operation with path: /canarySettings/deploymentId']);
    // A batch that fails part-way leaves the stage exactly as it was.
    const partial = await patch([{ op: 'replace', path: '/canarySettings/percentTraffic', value: '90' }, { op: 'replace', path: '/canarySettings/deploymentId', value: 'nope00' }]);
    assert.equal(partial.status, 400);
    const stage = await call(server, 'GET', `/restapis/${apiId}/stages/dev`);
    assert.deepEqual(stage.json.canarySettings, { deploymentId: second, percentTraffic: 0, stageVariableOverrides: { testVar: 'canary', noStageVar: 'canary' }, useStageCache: false });
    assert.deepEqual(await get(server, apiId), { message: 'default deployment', variable: 'default', nonExistingDefault: '', nonOverridden: 'default', isCanary: 'false' });
  } finally { await server.close(); }
});
