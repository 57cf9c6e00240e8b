// examples/seed-004-sync-express end to end: `stepgate start examples/seed-004-sync-express/template.yaml`
// (the real CLI) brings up the REST API, the Express workflow, the API key (fixed Value) and its usage
// plan; the blog's scenario runs over plain HTTP. Expected values: FACTS §5.1 step 3 (no or unknown key:
// 403 {"message":"Forbidden"}), StartSyncExecution's answer fields (status, output, error, cause) mapped by
// the example's response template (SUCCEEDED → output; FAILED → 500 with error and cause).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, readme, startExample, type Example } from './example-support.js';

const EXAMPLE = 'seed-004-sync-express';
const KEY = 'Seed004ApiKeyValue0123456789abcdef';
let ex: Example;

before(async () => { ex = await startExample(`examples/${EXAMPLE}/template.yaml`); });
after(async () => { await ex.stop(); });

test('the banner lists the API at both addresses and the Express workflow\'s ARN', () => {
  assert.equal(ex.apis.length, 1);
  assert.match(ex.apis[0]?.label ?? '', /^SyncOrdersApi \(\w{10}\)$/);
  assert.equal(ex.apis[0]?.stage, 'dev');
  assert.deepEqual([...ex.stateMachines], [['OrdersWorkflow', 'arn:aws:states:us-east-1:000000000000:stateMachine:seed-004-orders']]);
});

test('without the API key, or with a wrong one: 403 Forbidden', async () => {
  const none = await call('POST', `${ex.apis[0]?.pathUrl}orders`, JSON.stringify({ orderId: '42' }));
  assert.equal(none.status, 403);
  assert.deepEqual(none.json, { message: 'Forbidden' });
  const wrong = await call('POST', `${ex.apis[0]?.pathUrl}orders`, JSON.stringify({ orderId: '42' }), { 'x-api-key': 'not-the-key' });
  assert.equal(wrong.status, 403);
  assert.deepEqual(wrong.json, { message: 'Forbidden' });
});

test('with the key: the synchronous workflow\'s output is the response (method and key passed through input)', async () => {
  const ok = await call('POST', `${ex.apis[0]?.pathUrl}orders`, JSON.stringify({ orderId: '42' }), { 'x-api-key': KEY });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { reference: 'REF-42', method: 'POST', apiKey: KEY });
  const viaHost = await call('POST', `${ex.apis[0]?.hostUrl}orders`, JSON.stringify({ orderId: '7' }), { 'x-api-key': KEY });
  assert.equal(viaHost.status, 200, viaHost.text);
  assert.deepEqual(viaHost.json, { reference: 'REF-7', method: 'POST', apiKey: KEY });
});

test('a rejected order: the FAILED execution becomes a 500 with error and cause', async () => {
  const failed = await call('POST', `${ex.apis[0]?.pathUrl}orders`, JSON.stringify({ orderId: '43', reject: true }), { 'x-api-key': KEY });
  assert.equal(failed.status, 500, failed.text);
  assert.deepEqual(failed.json, { cause: 'The order was rejected', error: 'OrderRejected' });
});

test('the README starts this template and calls the URL the banner prints with the key', () => {
  const text = readme(EXAMPLE);
  assert.match(text, new RegExp(`stepgate start examples/${EXAMPLE}/template\\.yaml`));
  assert.ok(text.includes(`${ex.apis[0]?.pathUrl.replace(ex.url, 'http://127.0.0.1:4599')}orders`), 'the README\'s curl URL is the started API\'s');
  assert.ok(text.includes(`x-api-key: ${KEY}`));
});
