// REST APIs, stages and API keys made through the management API are still there after a restart
// on the same SQLite store, and their deployed stages still answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/index.js';

const OPENAPI = {
  swagger: '2.0',
  info: { title: 'kept', version: '1' },
  paths: {
    '/ping': {
      get: {
        responses: { '200': { description: 'ok' } },
        'x-amazon-apigateway-integration': {
          type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
          responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '{"pong": "$stageVariables.who"}' } } },
        },
      },
    },
  },
};

test('APIs, stages with variables and API keys survive a restart (SQLite store)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-apigw-store-'));
  const store = `sqlite:${join(dir, 'state.db')}`;
  try {
    const first = await startServer({ port: 0, store, timeScale: 0 });
    let apiId: string;
    try {
      const imported = await fetch(`${first.url}/restapis?mode=import`, { method: 'POST', body: JSON.stringify(OPENAPI) });
      assert.equal(imported.status, 201);
      apiId = ((await imported.json()) as { id: string }).id;
      const dep = await fetch(`${first.url}/restapis/${apiId}/deployments`, { method: 'POST', body: JSON.stringify({ stageName: 'live', variables: { who: 'stepgate' } }) });
      assert.equal(dep.status, 201);
      const key = await fetch(`${first.url}/apikeys`, { method: 'POST', body: JSON.stringify({ name: 'k1', value: 'secret-value-1234567890', enabled: true }) });
      assert.equal(key.status, 201);
    } finally {
      await first.close();
    }
    const second = await startServer({ port: 0, store, timeScale: 0 });
    try {
      const list = (await (await fetch(`${second.url}/restapis`)).json()) as { item: { id: string; name: string }[] };
      assert.deepEqual(list.item.map((a) => [a.id, a.name]), [[apiId, 'kept']]);
      const pong = await fetch(`${second.url}/restapis/${apiId}/live/_user_request_/ping`);
      assert.equal(pong.status, 200);
      assert.deepEqual(await pong.json(), { pong: 'stepgate' });
      const keys = (await (await fetch(`${second.url}/apikeys`)).json()) as { item: { name: string }[] };
      assert.deepEqual(keys.item.map((k) => k.name), ['k1']);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
