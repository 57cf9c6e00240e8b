#!/usr/bin/env node
// The stepgate command line: argument parsing and printing only (DESIGN layers). `stepgate start`
// serves every endpoint on one port until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../server/server.js';
import { DEFAULT_SQLITE_PATH } from '../store/open.js';
import { addLocalCommands } from './local-commands.js';
import { addApiGatewayCommands } from './apigw-commands.js';
import { addServerCommands } from './server-commands.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function number(name: string, min: number, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
    return n;
  };
}

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

const program = new Command();
program.name('stepgate').description('AWS API Gateway and AWS Step Functions on your own machine').version(version(), '-v, --version');

program.command('start')
  .description('serve Step Functions, API Gateway and Lambda on one port, optionally bringing up a SAM / CloudFormation template')
  .argument('[template]', 'SAM / CloudFormation template (YAML or JSON) to bring up')
  .option('-p, --port <port>', 'port to listen on', number('--port', 0, true), DEFAULT_PORT)
  .option('--host <host>', 'address to listen on', DEFAULT_HOST)
  .option('--store <store>', 'memory | sqlite:PATH', `sqlite:${DEFAULT_SQLITE_PATH}`)
  .option('--time-scale <n>', 'multiplies Wait and retry delays (0 = no waiting)', number('--time-scale', 0, false), 1)
  .option('--region <region>', 'AWS region of the ARNs', 'us-east-1')
  .option('--account-id <id>', 'AWS account id of the ARNs', '000000000000')
  .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, 'info')
  .option('--mock-config <path>', 'Step Functions Local MockConfigFile (default: $SFN_MOCK_CONFIG)', process.env.SFN_MOCK_CONFIG)
  .option('--parameter-overrides <pairs...>', 'template parameters as Name=Value')
  .option('--stack-name <name>', 'stack name (AWS::StackName)', 'stepgate')
  .action(async (template: string | undefined, o: { port: number; host: string; store: string; timeScale: number; region: string; accountId: string; logLevel: string; mockConfig?: string; parameterOverrides?: string[]; stackName: string }) => {
    const quiet = o.logLevel === 'error';
    const log = (m: string): void => { if (o.logLevel !== 'error') console.error(`stepgate: ${m}`); };
    const overrides: Record<string, string> = {};
    for (const pair of o.parameterOverrides ?? []) {
      const i = pair.indexOf('=');
      if (i <= 0) { console.error(`stepgate: --parameter-overrides takes Name=Value, got ${pair}`); process.exit(2); }
      overrides[pair.slice(0, i).replace(/^ParameterKey=/, '')] = pair.slice(i + 1);
    }
    let server;
    try {
      server = await startServer({
        port: o.port, host: o.host, store: o.store, timeScale: o.timeScale, region: o.region, accountId: o.accountId, log,
        ...(o.mockConfig ? { mockConfig: o.mockConfig } : {}),
        ...(template !== undefined ? { template, parameterOverrides: overrides, stackName: o.stackName } : {}),
      });
    } catch (e) {
      console.error(`stepgate: cannot start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    }
    if (!quiet) {
      console.log(`stepgate ${version()} listening on ${server.url}`);
      console.log(`  Step Functions API: ${server.url}  (aws stepfunctions --endpoint-url ${server.url})`);
      console.log(`  Lambda API:         ${server.url}  (aws lambda --endpoint-url ${server.url})`);
      console.log(`  API Gateway: ${server.url}/restapis  (aws apigateway --endpoint-url ${server.url}); invoke ${server.url}/restapis/{apiId}/{stage}/_user_request_/{path}`);
      console.log(`  store: ${o.store}   time-scale: ${o.timeScale}   region: ${o.region}   account: ${o.accountId}`);
      if (server.resumed > 0) console.log(`  resumed ${server.resumed} running execution(s)`);
      const stack = server.stack;
      if (stack) {
        console.log(`  stack ${o.stackName} from ${template}:`);
        for (const a of stack.apis) console.log(`    API ${a.logicalId} (stage ${a.stageName}): ${server.url}/restapis/${a.apiId}/${a.stageName}/_user_request_/  or  http://${a.apiId}.execute-api.localhost:${server.port}/${a.stageName}/`);
        for (const m of stack.stateMachines) console.log(`    state machine ${m.logicalId}: ${m.arn}`);
        for (const f of stack.functions) console.log(`    function ${f.logicalId}: ${f.name}`);
        for (const u of stack.unsupported) console.log(`    not run locally: ${u}`);
      }
    }
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      if (!quiet) console.log(`stepgate: ${signal}, shutting down`);
      void server.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

addLocalCommands(program);
addApiGatewayCommands(program);
addServerCommands(program);

await program.parseAsync(process.argv);
