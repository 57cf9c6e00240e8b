// Child process of bench/gateway: a stepgate server (memory store, virtual time) with a 5-state
// Express machine behind POST /orders (request template → StartSyncExecution → response template).
// Prints `READY <invoke-url>` when the API is deployed. `--bare` serves a node:http hello world instead.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from '../../src/index.js';
import { MACHINE, MACHINE_NAME, OPENAPI } from './fixture.js';

if (process.argv.includes('--bare')) {
  const body = Buffer.from('{"message":"hello world"}');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }); res.end(body); });
  });
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}/`));
} else {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0 });
  const sfn = await fetch(`${server.url}/`, {
    method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateStateMachine' },
    body: JSON.stringify({ name: MACHINE_NAME, type: 'EXPRESS', roleArn: 'arn:aws:iam::000000000000:role/bench', definition: JSON.stringify(MACHINE) }),
  });
  if (!sfn.ok) throw new Error(await sfn.text());
  const api = await fetch(`${server.url}/restapis?mode=import`, { method: 'POST', body: JSON.stringify(OPENAPI) });
  const { id } = await api.json() as { id: string };
  await fetch(`${server.url}/restapis/${id}/deployments`, { method: 'POST', body: JSON.stringify({ stageName: 'bench' }) });
  console.log(`READY ${server.url}/restapis/${id}/bench/_user_request_/orders`);
}
// A clean exit on SIGTERM (lets `--cpu-prof` write its profile).
process.on('SIGTERM', () => process.exit(0));
