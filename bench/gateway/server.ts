// Child process of bench/gateway: a stepgate server (memory store, virtual time) with a 5-state
// Express machine behind POST /orders (request template → StartSyncExecution → response template).
// Prints `READY <invoke-url>` when the API is deployed. `--bare` serves a node:http hello world instead.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from '../../src/index.js';

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
  const machine = {
    StartAt: 'Validate',
    States: {
      Validate: { Type: 'Pass', Next: 'Price' },
      Price: { Type: 'Pass', Parameters: { 'orderId.$': '$.data.orderId', 'total.$': 'States.MathAdd($.data.qty, 41)' }, Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Variable: '$.total', NumericGreaterThan: 1000, Next: 'Reject' }], Default: 'Accept' },
      Accept: { Type: 'Pass', Parameters: { 'reference.$': "States.Format('REF-{}', $.orderId)", 'total.$': '$.total' }, End: true },
      Reject: { Type: 'Fail', Error: 'TooBig', Cause: 'total over 1000' },
    },
  };
  const sfn = await fetch(`${server.url}/`, {
    method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateStateMachine' },
    body: JSON.stringify({ name: 'bench-orders', type: 'EXPRESS', roleArn: 'arn:aws:iam::000000000000:role/bench', definition: JSON.stringify(machine) }),
  });
  if (!sfn.ok) throw new Error(await sfn.text());
  const openapi = {
    openapi: '3.0.1', info: { title: 'bench', version: '1' },
    paths: {
      '/orders': {
        post: {
          'x-amazon-apigateway-integration': {
            type: 'aws', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:states:action/StartSyncExecution',
            requestTemplates: { 'application/json': '#set($body = $input.json(\'$\'))\n{"input": "{\\"data\\": $util.escapeJavaScript($body)}", "stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:bench-orders"}' },
            responses: {
              default: {
                statusCode: '200',
                responseTemplates: { 'application/json': '#set($r = $util.parseJson($input.body))\n#if($r.status == "SUCCEEDED")$r.output#else#set($context.responseOverride.status = 500){"error": "$r.error"}#end' },
              },
            },
          },
        },
      },
    },
  };
  const api = await fetch(`${server.url}/restapis?mode=import`, { method: 'POST', body: JSON.stringify(openapi) });
  const { id } = await api.json() as { id: string };
  await fetch(`${server.url}/restapis/${id}/deployments`, { method: 'POST', body: JSON.stringify({ stageName: 'bench' }) });
  console.log(`READY ${server.url}/restapis/${id}/bench/_user_request_/orders`);
}
// A clean exit on SIGTERM (lets `--cpu-prof` write its profile).
process.on('SIGTERM', () => process.exit(0));
