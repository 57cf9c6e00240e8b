// `stepgate start template.yaml` end to end: the SAM example stack comes up (function, Express state
// machine, REST API with the ids the template resolves to) and answers plain HTTP requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type StepgateServer } from '../src/index.js';
import { loadTemplate } from '../src/template/index.js';

const template = fileURLToPath(new URL('../examples/orders-sam/template.yaml', import.meta.url));
let server: StepgateServer;
let apiId = '';

before(async () => {
  server = await startServer({ port: 0, store: 'memory', timeScale: 0, template });
  apiId = loadTemplate(template).apis[0]?.apiId ?? '';
});
after(async () => { await server.close(); });

async function order(body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}/restapis/${apiId}/dev/_user_request_/orders`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

test('the stack is up: what the template describes is listed', () => {
  assert.deepEqual(server.stack?.stateMachines, [{ logicalId: 'OrderWorkflow', arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:orders-dev' }]);
  assert.deepEqual(server.stack?.functions, [{ logicalId: 'PriceFunction', name: 'PriceFunction' }]);
  assert.equal(server.stack?.apis[0]?.apiId, apiId);
  assert.deepEqual(server.stack?.unsupported, []);
});

test('POST /orders runs the Express workflow (lambda:invoke inside) and maps its output to the response', async () => {
  const ok = await order({ item: 'tea', quantity: 4 });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json, { item: 'tea', quantity: 4, total: 18, status: 'ACCEPTED' });
});

test('a failed workflow becomes a 500 with error and cause through the response template', async () => {
  const failed = await order({ item: 'tea', quantity: 100 });
  assert.equal(failed.status, 500);
  assert.deepEqual(failed.json, { error: 'OrderTooExpensive', cause: 'The order total is above the limit' });
});

test('a template error stops the start with the file and logical id', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-bad-template-'));
  const file = join(dir, 'template.yaml');
  writeFileSync(file, 'Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: !GetAtt Nope.Arn\n      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}\n');
  await assert.rejects(startServer({ port: 0, store: 'memory', template: file }), /Template error: instance of Fn::GetAtt references undefined resource Nope/);
});
