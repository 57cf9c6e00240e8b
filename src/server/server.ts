// The composition root: one node:http server for every endpoint of DESIGN "One server, one port".
// Only the Step Functions API is wired in this issue; API Gateway and the console come later.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../store/port.js';
import { openStore } from '../store/open.js';
import { Runner } from '../sfn/runner.js';
import { SfnService } from '../sfn/api.js';
import type { TaskDispatcher } from '../sfn/dispatch.js';
import { handleSfn, isSfnRequest, sendError } from './sfn-endpoint.js';
import { ResponseBatcher } from './response-batcher.js';
import { unknownOperation } from '../sfn/errors.js';
import { ApiGateway } from '../apigw/gateway.js';
import { loadJwksConfig, type CognitoJwksConfig } from '../apigw/cognito-authorizer.js';
import { CredentialStore } from '../apigw/credentials.js';
import { ApiGatewayInvokeDispatcher } from '../sfn/integrations/apigateway.js';
import { loadTemplate, type StackPlan } from '../template/load.js';
import { deployStack, type DeployedStack } from './deploy-stack.js';
import type { LambdaService } from '../lambda/service.js';
import { sfnBackend } from './apigw-sfn-backend.js';
import { LocalLambdaRuntime } from '../lambda/runtime.js';
import { handleLambda, isLambdaRequest } from '../lambda/api.js';
import { defaultDispatchers } from '../sfn/integrations/defaults.js';
import { ServiceExecutions } from '../sfn/integrations/service-executions.js';
import type { HttpDispatcherOptions } from '../sfn/integrations/http.js';
import { MockConfig, MockingDispatcher, MockSessions, type MockConfigFile } from '../sfn/integrations/mocks.js';

export interface StartServerOptions {
  /** 0 = any free port (default 4599) */
  port?: number;
  host?: string;
  /** a Store, or `memory` / `sqlite:PATH` (default `sqlite:.stepgate/state.db`) */
  store?: Store | string;
  /** multiplies Wait and retry delays; 0 = no waiting (default 1) */
  timeScale?: number;
  region?: string;
  accountId?: string;
  /** a SAM / CloudFormation template to bring up (state machines, functions, REST APIs) */
  template?: string;
  /** values for the template's Parameters (`--parameter-overrides`) */
  parameterOverrides?: Record<string, string>;
  /** stack name for `AWS::StackName` (default `stepgate`) */
  stackName?: string;
  /** values for the template's Fn::ImportValue (`--imports`) */
  imports?: Record<string, unknown>;
  dispatchers?: TaskDispatcher[];
  /** GetActivityTask long-poll duration in ms (default 60 000) */
  activityPollMs?: number;
  log?: (message: string) => void;
  /** the start-up step now running (`stepgate start` shows it as a progress line) */
  onProgress?: (step: string) => void;
  /** the Lambda port used by API Gateway integrations and Lambda tasks (default: a LocalLambdaRuntime,
   * which also serves Lambda's Invoke / CreateFunction API on this port) */
  lambda?: LambdaService;
  /** HTTP Task (`http:invoke`) settings: locally configured EventBridge connections, timeout */
  http?: HttpDispatcherOptions;
  /** Step Functions Local MockConfigFile (a path or the parsed object): StartExecution with
   * `stateMachineArn#TestCaseName` runs that test case's mocked responses */
  mockConfig?: string | MockConfigFile;
  /** COGNITO_USER_POOLS authorizers' keys: a `--jwks` file (a JWKS, or user pool → JWKS / file / URL) or the map itself */
  jwks?: string | CognitoJwksConfig;
  /** the access keys AWS_IAM methods accept: a `--credentials` file (JSON or AWS shared-credentials INI,
   * src/apigw/credentials.ts) or a store; default the built-in test pairs */
  credentials?: string | CredentialStore;
}

export interface StepgateServer {
  url: string;
  port: number;
  /** executions resumed from the store at start-up */
  resumed: number;
  /** what `template` brought up (or the last `deploy`) */
  stack?: DeployedStack;
  /** Deploys a (re)loaded template into the running server (`stepgate start --watch`): state machines
   * updated, functions and APIs replaced under the same names and ids, and what the previous stack had
   * but the plan no longer has deleted, as a stack update would. */
  deploy(plan: StackPlan): Promise<DeployedStack>;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4599;
/** the store document holding API Gateway's registry */
const APIGW_DOCUMENT = 'apigateway';
export const DEFAULT_HOST = '127.0.0.1';

export async function startServer(options: StartServerOptions = {}): Promise<StepgateServer> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  // Read before anything is opened: a bad file stops the start cleanly.
  const credentials = typeof options.credentials === 'string' ? CredentialStore.load(options.credentials, accountId) : options.credentials;
  const timeScale = options.timeScale ?? 1;
  const store = typeof options.store === 'object' ? options.store : openStore(options.store);
  const log = options.log;
  const holder: { service?: SfnService } = {};
  const lambda = options.lambda ?? new LocalLambdaRuntime({ region, accountId });
  // User dispatchers first; the built-in integrations are appended once the service exists.
  const dispatchers: TaskDispatcher[] = [...(options.dispatchers ?? [])];
  const runner = new Runner({
    store, timeScale, region, accountId, dispatchers,
    onActivityTask: (arn) => holder.service?.notifyActivity(arn), ...(log ? { log } : {}),
  });
  const mocks = options.mockConfig !== undefined ? new MockSessions(MockConfig.load(options.mockConfig)) : undefined;
  const service = new SfnService({ store, runner, timeScale, region, accountId, ...(options.activityPollMs !== undefined ? { activityPollMs: options.activityPollMs } : {}), ...(mocks ? { mocks } : {}), dispatchers });
  holder.service = service;
  const executions = new ServiceExecutions(() => holder.service, runner);
  dispatchers.push(...defaultDispatchers({ lambda, executions, ...(options.http ? { http: options.http } : {}) }));
  // apigateway:invoke tasks call this server's own API Gateway endpoint, once it listens.
  let listening!: (url: string) => void;
  const ownUrl = new Promise<string>((resolve) => { listening = resolve; });
  // AuthType IAM_ROLE signs with the first configured key, so AWS_IAM methods accept the task's calls.
  const signing = credentials?.first();
  dispatchers.push(new ApiGatewayInvokeDispatcher({
    baseUrl: () => ownUrl,
    ...(signing ? { credentials: { accessKeyId: signing.accessKeyId, secretAccessKey: signing.secretAccessKey, ...(signing.sessionToken ? { sessionToken: signing.sessionToken } : {}) } } : {}),
  }));
  // Mocked responses come before every integration.
  if (mocks) dispatchers.unshift(new MockingDispatcher(mocks, () => dispatchers, executions));
  const sfn = service;
  // API Gateway's APIs, keys and usage plans live in the store as one document, saved after each change.
  const saveApis = (): void => {
    store.putDocument(APIGW_DOCUMENT, apigw.registry.serialize()).catch((e: unknown) => log?.(`cannot save API Gateway state: ${String(e)}`));
  };
  const apigw = new ApiGateway({
    lambda, stepFunctions: sfnBackend(service), region, accountId, onChange: saveApis, ...(log ? { log } : {}), ...(credentials ? { credentials } : {}),
    ...(options.jwks !== undefined ? { jwks: typeof options.jwks === 'string' ? loadJwksConfig(options.jwks) : options.jwks } : {}),
  });
  const savedApis = await store.getDocument(APIGW_DOCUMENT);
  if (savedApis !== undefined) apigw.registry.restore(savedApis);
  // Usage-plan counts: loaded now, written every second and at close (src/apigw/usage-meter.ts).
  await apigw.usage.attach(store);

  const batcher = new ResponseBatcher((e) => log?.(`cannot send a response: ${e instanceof Error ? e.message : String(e)}`));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    batcher.attach(res);
    if (isLambdaRequest(req) && lambda instanceof LocalLambdaRuntime) {
      void handleLambda(lambda, req, res);
      return;
    }
    if (apigw.matches(req)) {
      void apigw.handle(req, res);
      return;
    }
    if (isSfnRequest(req) || (req.method === 'POST' && (req.url === '/' || req.url === ''))) {
      void handleSfn(sfn, req, res, log);
      return;
    }
    req.resume();
    if (req.method === 'POST') { sendError(res, unknownOperation(), log); return; }
    const text = JSON.stringify({ message: 'Not Found' });
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  server.keepAliveTimeout = 5000;
  const host = options.host ?? DEFAULT_HOST;
  // Running executions are live again before the first request can refer to them (SendTask*, Stop).
  options.onProgress?.('resuming executions');
  const resumed = await runner.recover();
  // The template's stack is up before the first request arrives.
  let stack: DeployedStack | undefined;
  if (options.template !== undefined) {
    try {
      options.onProgress?.(`loading ${options.template}`);
      const plan = loadTemplate(options.template, {
        region, accountId, ...(options.stackName ? { stackName: options.stackName } : {}),
        ...(options.parameterOverrides ? { parameterOverrides: options.parameterOverrides } : {}),
        ...(options.imports ? { imports: options.imports } : {}),
      });
      options.onProgress?.(`deploying ${plan.functions.length} function(s), ${plan.stateMachines.length} state machine(s), ${plan.apis.length} API(s)`);
      stack = await deployStack(plan, { service, lambda, apigw });
      saveApis();
    } catch (e) {
      await runner.close();
      await apigw.usage.close();
      await store.close();
      if (!options.lambda && lambda instanceof LocalLambdaRuntime) await lambda.close();
      throw e;
    }
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_PORT, host, () => { server.off('error', reject); resolve(); });
    });
  } catch (e) {
    // e.g. EADDRINUSE: release the timers and the store so the process can exit.
    await runner.close();
    await apigw.usage.close();
    await store.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  listening(`http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? '127.0.0.1' : shownHost}:${port}`);
  let closing: Promise<void> | undefined;
  const deploy = async (plan: StackPlan): Promise<DeployedStack> => {
    const next = await deployStack(plan, { service, lambda, apigw });
    // What the template no longer has goes, as a CloudFormation stack update deletes removed resources.
    for (const m of stack?.stateMachines ?? []) {
      if (!next.stateMachines.some((n) => n.arn === m.arn)) await service.handle('DeleteStateMachine', { stateMachineArn: m.arn });
    }
    for (const a of stack?.apis ?? []) if (!next.apis.some((n) => n.apiId === a.apiId) && apigw.registry.apis.has(a.apiId)) apigw.registry.deleteApi(a.apiId);
    for (const k of stack?.usagePlanKeys ?? []) {
      if (!next.usagePlanKeys.some((n) => n.usagePlanId === k.usagePlanId && n.keyId === k.keyId)) apigw.usageApi.removePlanKey(k.usagePlanId, k.keyId);
    }
    for (const k of stack?.apiKeys ?? []) if (!next.apiKeys.some((n) => n.id === k.id)) apigw.usageApi.deleteApiKey(k.id);
    for (const u of stack?.usagePlans ?? []) if (!next.usagePlans.some((n) => n.id === u.id)) apigw.usageApi.deleteUsagePlan(u.id);
    for (const f of stack?.functions ?? []) {
      if (!next.functions.some((n) => n.name === f.name) && lambda instanceof LocalLambdaRuntime && lambda.getFunction(f.name)) lambda.deleteFunction(f.name);
    }
    stack = next;
    saveApis();
    return next;
  };
  return {
    url: `http://${shownHost}:${port}`,
    port,
    resumed,
    get stack() { return stack; },
    deploy,
    close: () => {
      closing ??= (async () => {
        sfn.close();
        await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
        await runner.close();
        if (!options.lambda && lambda instanceof LocalLambdaRuntime) await lambda.close();
        await apigw.usage.close();
        await store.close();
      })();
      return closing;
    },
  };
}
