#!/usr/bin/env node
// Sets up one example project against a running stepgate (default http://127.0.0.1:4599): creates
// the state machine through the Step Functions API, imports openapi.yaml through the API Gateway
// management API, deploys it to a stage and, with --api-key VALUE, adds a key and a usage plan.
// Usage: node examples/setup.mjs <example-dir> [--endpoint URL] [--api-key VALUE]
/* global fetch */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
if (!dir) { console.error('usage: node examples/setup.mjs <example-dir> [--endpoint URL] [--api-key VALUE]'); process.exit(2); }
const endpoint = flag('--endpoint') ?? 'http://127.0.0.1:4599';
const apiKey = flag('--api-key');
const config = JSON.parse(readFileSync(join(dir, 'example.json'), 'utf8'));

async function sfn(action, body) {
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` }, body: JSON.stringify(body) });
  const out = await res.json();
  if (!res.ok && !(action === 'CreateStateMachine' && String(out.__type).endsWith('StateMachineAlreadyExists'))) throw new Error(`${action}: ${JSON.stringify(out)}`);
  return out;
}

async function apigw(method, path, body, raw) {
  const res = await fetch(`${endpoint}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: raw ? body : JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? {} : JSON.parse(text);
}

const sm = await sfn('CreateStateMachine', {
  name: config.stateMachineName, type: config.type, roleArn: 'arn:aws:iam::000000000000:role/StepFunctionsRole',
  definition: readFileSync(join(dir, 'state-machine.asl.json'), 'utf8'),
});
const api = await apigw('POST', '/restapis?mode=import', readFileSync(join(dir, 'openapi.yaml'), 'utf8'), true);
await apigw('POST', `/restapis/${api.id}/deployments`, { stageName: config.stage });
if (apiKey) {
  const key = await apigw('POST', '/apikeys', { name: `${config.stateMachineName}-key`, value: apiKey, enabled: true });
  const plan = await apigw('POST', '/usageplans', { name: `${config.stateMachineName}-plan`, apiStages: [{ apiId: api.id, stage: config.stage }] });
  await apigw('POST', `/usageplans/${plan.id}/keys`, { keyId: key.id, keyType: 'API_KEY' });
}
console.log(JSON.stringify({ stateMachineArn: sm.stateMachineArn ?? `(exists) ${config.stateMachineName}`, apiId: api.id, url: `${endpoint}/restapis/${api.id}/${config.stage}/_user_request_` }, null, 2));
