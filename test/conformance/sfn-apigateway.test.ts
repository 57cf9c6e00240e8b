// Replays the corpus cases that call API Gateway (`needs` includes `apigateway`) against a real
// stepgate server: the API each case's `apis` field describes is imported (OpenAPI, AWS Lambda
// integration with the corpus function of `lambdaBehaviour`) and deployed, the definition runs through
// StartExecution, and outcome + GetExecutionHistory are compared with the corpus's compare.mjs exactly as
// sfn.test.ts does. Cases that do not pass are listed in sfn-apigateway-known-failures.json with their
// reason; a listed case that starts passing fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conformanceDir, readJsonl } from './corpus.js';
import { corpusChecker } from './sfn-compare.js';
import { corpusFunctionName, type SfnCase, type SfnResult } from './sfn-harness.js';
import { startServer, type StepgateServer } from '../../src/index.js';
import { LocalLambdaRuntime } from '../../src/lambda/runtime.js';


interface Route {
  path: string;
  method: string;
  authorization: string;
  integration: { type: string; httpMethod: string; lambda?: string; lambdaBehaviour?: string };
  integrationResponse: { statusCode: string };
  methodResponse: { statusCode: string };
}
interface ApiSpec { kind: string; invokeHost: string; routes: Route[]; stage: string }
type ApigwCase = SfnCase & { apis?: Record<string, ApiSpec> };

const REGION = 'us-east-1';
const ACCOUNT = '111111111111';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/stepgate-role`;
/** Behaviour keys of functions.md the API routes use → handler files under test/functions/corpus. */
const CORPUS_HANDLERS: Record<string, string> = { identity: 'identity.handler' };

const dir = conformanceDir();

/** One AWS JSON 1.0 call to the Step Functions endpoint; the answer exactly as the API sends it. */
async function sfn(server: StepgateServer, action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
    body: JSON.stringify(body),
  });
  const out = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}

/** The case's REST API as OpenAPI 2.0: each route an AWS (non-proxy) Lambda integration, no templates. */
function openApiOf(name: string, spec: ApiSpec): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of spec.routes) {
    const fn = corpusFunctionName(r.integration.lambdaBehaviour ?? 'identity');
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      responses: { [r.methodResponse.statusCode]: { description: 'recorded method response' } },
      'x-amazon-apigateway-integration': {
        type: r.integration.type.toLowerCase(),
        httpMethod: r.integration.httpMethod,
        uri: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}/invocations`,
        responses: { default: { statusCode: r.integrationResponse.statusCode } },
      },
    };
  }
  return { swagger: '2.0', info: { title: name, version: '1' }, paths };
}

async function createApi(server: StepgateServer, name: string, spec: ApiSpec): Promise<string> {
  const imported = await fetch(`${server.url}/restapis?mode=import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(openApiOf(name, spec)) });
  assert.equal(imported.status, 201, await imported.clone().text());
  const id = ((await imported.json()) as { id: string }).id;
  const deployed = await fetch(`${server.url}/restapis/${id}/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stageName: spec.stage }) });
  assert.equal(deployed.status, 201, await deployed.clone().text());
  return id;
}

async function runCase(server: StepgateServer, c: ApigwCase, index: number): Promise<Record<string, unknown>> {
  const ids = new Map<string, string>();
  for (const [placeholder, spec] of Object.entries(c.apis ?? {})) ids.set(placeholder, await createApi(server, `case-${index}-${placeholder}`, spec));
  const fill = (text: string): string => text.replace(/\{\{([a-z]+\d*)\}\}/g, (m, n: string) => {
    const api = ids.get(m);
    if (api) return api;
    const behaviour = c.functions?.[m];
    return behaviour ? corpusFunctionName(behaviour) : `stepgate-${n}`;
  });
  const name = `apigw-case-${index}`;
  const sm = await sfn(server, 'CreateStateMachine', { name, definition: fill(JSON.stringify(c.definition)), roleArn: ROLE });
  const started = await sfn(server, 'StartExecution', { stateMachineArn: sm.stateMachineArn, input: fill(c.input), name: 'ex-uid0001' });
  let d: Record<string, unknown>;
  for (;;) {
    d = await sfn(server, 'DescribeExecution', { executionArn: started.executionArn });
    if (d.status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const history: unknown[] = [];
  let nextToken: unknown;
  do {
    const page = await sfn(server, 'GetExecutionHistory', { executionArn: started.executionArn, ...(nextToken ? { nextToken } : {}) });
    history.push(...(page.events as unknown[]));
    nextToken = page.nextToken;
  } while (nextToken);
  return {
    id: c.id,
    status: d.status,
    ...(typeof d.output === 'string' ? { output: JSON.parse(d.output) as unknown } : {}),
    ...(d.error !== undefined ? { error: d.error } : {}),
    ...(d.cause !== undefined ? { cause: d.cause } : {}),
    history,
  };
}

test('Step Functions conformance corpus (cases that call API Gateway, against a real server)', { skip: dir ? false : 'corpus not found (set STEPGATE_CONFORMANCE_DIR)' }, async (t) => {
  const root = dir as string;
  const checker = await corpusChecker(root, 'sfn-apigateway-known-failures.json');
  const cases = readJsonl<ApigwCase>(join(root, 'sfn', 'dev.jsonl')).filter((c) => c.needs.includes('apigateway'));
  assert.ok(cases.length > 0, 'no apigateway cases in the corpus');
  // The recorded functions were Python 3.12 functions (see sfn.test.ts); the API's Lambda integrations
  // call them in this runtime, which the server uses for API Gateway and Lambda tasks alike.
  const lambda = new LocalLambdaRuntime({ region: REGION, accountId: ACCOUNT, onLog: () => undefined });
  const functionsDir = fileURLToPath(new URL('../functions/corpus', import.meta.url));
  for (const [behaviour, handler] of Object.entries(CORPUS_HANDLERS)) {
    lambda.createFunction({ name: corpusFunctionName(behaviour), directory: functionsDir, handler, runtime: 'python3.12', timeout: 900 });
  }
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0, region: REGION, accountId: ACCOUNT, lambda });
  try {
    for (const [i, c] of cases.entries()) {
      await checker.check(t, c, await runCase(server, c, i) as unknown as SfnResult);
    }
  } finally {
    await server.close();
    await lambda.close();
  }
  t.diagnostic(`apigateway cases: ${cases.length}; outcome ${checker.outcomeOk}/${cases.length}, full history ${checker.historyOk}/${cases.length}`);
});
