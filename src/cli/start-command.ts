// `stepgate start [template.yaml] [--watch]`: serves every endpoint on one port until SIGINT/SIGTERM,
// prints where (every API's two invoke URLs, every state machine's ARN), and with --watch deploys the
// template again whenever it or a file it refers to changes. Argument parsing and printing only.
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, startServer, type StepgateServer } from '../server/server.js';
import { DEFAULT_SQLITE_PATH } from '../store/open.js';
import { loadTemplate, type LoadTemplateOptions, type StackPlan } from '../template/load.js';
import { readImports } from '../template/imports.js';
import { describeReport, formatTemplateProblem } from './local-commands.js';
import { colours, painter, progress } from './terminal.js';
import { checkPlan, templateProblem } from './validation.js';
import { describePaths, FileWatcher, watchSet } from './watch.js';

function number(name: string, min: number, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
    return n;
  };
}

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

interface StartOptions {
  port: number; host: string; store: string; timeScale: number; region: string; accountId: string; logLevel: string;
  mockConfig?: string; parameterOverrides?: string[]; stackName: string; watch?: boolean; jwks?: string; credentials?: string; imports?: string;
}

type Json = Record<string, unknown>;

async function getJson(url: string, init?: RequestInit): Promise<Json> {
  const res = await fetch(url, init);
  return res.ok ? await res.json() as Json : {};
}

/** The two invoke URLs of a stage (DESIGN "One server, one port"). */
function invokeUrls(server: StepgateServer, apiId: string, stage: string): [string, string] {
  return [`${server.url}/restapis/${apiId}/${stage}/_user_request_/`, `http://${apiId}.execute-api.localhost:${server.port}/${stage}/`];
}

/**
 * Every REST API stage and state machine the server holds — the template's, and those a persistent
 * store kept from earlier sessions — asked over the server's own AWS APIs, as any client would.
 */
async function banner(server: StepgateServer, version: string, o: StartOptions, template: string | undefined): Promise<string[]> {
  const p = colours(false);
  const lines = [
    `stepgate ${version} listening on ${server.url}`,
    `  Step Functions API: ${server.url}  (aws stepfunctions --endpoint-url ${server.url})`,
    `  Lambda API:         ${server.url}  (aws lambda --endpoint-url ${server.url})`,
    `  API Gateway API:    ${server.url}  (aws apigateway --endpoint-url ${server.url})`,
    `  store: ${o.store}   time-scale: ${o.timeScale}   region: ${o.region}   account: ${o.accountId}`,
  ];
  if (server.resumed > 0) lines.push(`  resumed ${server.resumed} running execution(s)`);
  const stack = server.stack;
  const apis = ((await getJson(`${server.url}/restapis?limit=500`)).item ?? []) as Json[];
  const sfn = (action: string, body: Json): Promise<Json> => getJson(`${server.url}/`, {
    method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` }, body: JSON.stringify(body),
  });
  const machines = ((await sfn('ListStateMachines', { maxResults: 1000 })).stateMachines ?? []) as Json[];
  const stackApiIds = new Set(stack?.apis.map((a) => a.apiId) ?? []);
  const stackArns = new Set(stack?.stateMachines.map((m) => m.arn) ?? []);
  const apiLines = async (api: Json, label: string): Promise<string[]> => {
    const stages = ((await getJson(`${server.url}/restapis/${String(api.id)}/stages`)).item ?? []) as Json[];
    if (stages.length === 0) return [`    API ${label}: no stage deployed yet`];
    return stages.flatMap((s) => {
      const [path, host] = invokeUrls(server, String(api.id), String(s.stageName));
      return [`    API ${label}, stage ${String(s.stageName)}:`, `      ${path}`, `      ${host}`];
    });
  };
  if (stack) {
    lines.push(`  stack ${o.stackName} from ${template ?? ''}:`);
    for (const a of stack.apis) {
      const api = apis.find((x) => x.id === a.apiId) ?? { id: a.apiId };
      lines.push(...await apiLines(api, `${a.logicalId} (${a.apiId})`));
      for (const w of a.warnings) lines.push(`      ${p.yellow('import warning')}: ${w}`);
    }
    for (const m of stack.stateMachines) lines.push(`    state machine ${m.logicalId}: ${m.arn}`);
    for (const f of stack.functions) lines.push(`    function ${f.logicalId}: ${f.name}`);
    for (const u of stack.unsupported) lines.push(`    not run locally: ${u}`);
  }
  const otherApis = apis.filter((a) => !stackApiIds.has(String(a.id)));
  const otherMachines = machines.filter((m) => !stackArns.has(String(m.stateMachineArn)));
  if (otherApis.length > 0 || otherMachines.length > 0) {
    lines.push(`  ${stack ? 'also ' : ''}in the store:`);
    for (const a of otherApis) lines.push(...await apiLines(a, `${String(a.name)} (${String(a.id)})`));
    for (const m of otherMachines) lines.push(`    state machine ${String(m.name)}: ${String(m.stateMachineArn)}`);
  }
  return lines;
}

/** A plan without source lines, to tell whether an edit changed anything that is deployed. */
function deployable(plan: StackPlan): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(plan)) {
    out[k] = Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null ? { ...x, line: undefined } : x)) : v;
  }
  return JSON.stringify(out);
}

const OTHER_KINDS: Record<string, string> = { apiKeys: 'API key', usagePlans: 'usage plan', usagePlanKeys: 'usage plan key' };

/** "updated state machine Flow", "added API Api", "removed function Fn" — what a reload changes. */
function stackChanges(before: StackPlan, after: StackPlan, touchedCode: (dir: string) => boolean): string[] {
  const out: string[] = [];
  const compare = <T extends { logicalId: string; line?: number }>(kind: string, a: T[], b: T[], touched: (x: T) => boolean = () => false): void => {
    const same = (x: T, y: T): boolean => JSON.stringify({ ...x, line: undefined }) === JSON.stringify({ ...y, line: undefined });
    for (const x of b) {
      const old = a.find((o) => o.logicalId === x.logicalId);
      if (!old) out.push(`added ${kind} ${x.logicalId}`);
      else if (!same(old, x) || touched(x)) out.push(`updated ${kind} ${x.logicalId}`);
    }
    for (const o of a) if (!b.some((x) => x.logicalId === o.logicalId)) out.push(`removed ${kind} ${o.logicalId}`);
  };
  compare('state machine', before.stateMachines, after.stateMachines);
  compare('API', before.apis, after.apis);
  compare('function', before.functions, after.functions, (f) => f.codeDir !== undefined && touchedCode(f.codeDir));
  // Other deployed lists of the plan (API keys, usage plans, …), named after their field.
  for (const [field, list] of Object.entries(after)) {
    if (['stateMachines', 'apis', 'functions', 'roles', 'unsupported'].includes(field) || !Array.isArray(list)) continue;
    const old = (before as unknown as Record<string, unknown>)[field];
    const entries = (l: unknown): { logicalId: string }[] => (Array.isArray(l) ? l.filter((x): x is { logicalId: string } => typeof x === 'object' && x !== null && typeof (x as { logicalId?: unknown }).logicalId === 'string') : []);
    compare(OTHER_KINDS[field] ?? field, entries(old), entries(list));
  }
  for (const sm of after.stateMachines) {
    const old = before.stateMachines.find((o) => o.logicalId === sm.logicalId);
    if (old && old.type !== sm.type) out.push(`(state machine ${sm.logicalId}: a type change from ${old.type} to ${sm.type} needs a new state machine — UpdateStateMachine cannot change the type; restart with a fresh store)`);
  }
  return out;
}

/** Reloads on change, one reload at a time; a template that fails to load or check leaves the server as it was. */
function watchTemplate(server: StepgateServer, template: string, loadOptions: LoadTemplateOptions, firstPlan: StackPlan | undefined, overrideValues: string[]): FileWatcher {
  let current = firstPlan;
  let queue = Promise.resolve();
  const p = painter(process.stderr.isTTY === true && !process.env.NO_COLOR);
  const reload = async (changed: string[]): Promise<void> => {
    const what = describePaths(changed, template);
    let plan: StackPlan;
    try {
      plan = loadTemplate(template, loadOptions);
    } catch (e) {
      console.error(`stepgate: ${p.red('cannot reload')} (${what} changed), still serving the previous version:\n  ${formatTemplateProblem(templateProblem(e), template)}`);
      watcher.update(watchSet(template, current, overrideValues));
      return;
    }
    watcher.update(watchSet(template, plan, overrideValues));
    const report = checkPlan(template, plan);
    if (report.result === 'FAIL') {
      console.error(`stepgate: ${p.red('cannot reload')} (${what} changed), still serving the previous version:\n${describeReport(report, p)}`);
      return;
    }
    const touched = (dir: string): boolean => changed.some((c) => c === dir || c.startsWith(`${dir}/`));
    const changes = current ? stackChanges(current, plan, touched) : [];
    if (current && changes.length === 0 && deployable(current) === deployable(plan)) {
      console.log(`stepgate: ${what} changed; nothing to deploy`);
      return;
    }
    try {
      await server.deploy(plan);
    } catch (e) {
      console.error(`stepgate: ${p.red('cannot deploy')} (${what} changed): ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    current = plan;
    console.log(`stepgate: reloaded (${what} changed): ${changes.length > 0 ? changes.join(', ') : 'deployed again'}`);
  };
  const watcher = new FileWatcher({ onChange: (changed) => { queue = queue.then(() => reload(changed)); } });
  watcher.update(watchSet(template, firstPlan, overrideValues));
  return watcher;
}

export function addStartCommand(program: Command, version: string): void {
  program.command('start')
    .summary('serve the AWS APIs on one port, optionally a template\'s stack')
    .description('serve Step Functions, API Gateway and Lambda on one port, optionally bringing up a SAM / CloudFormation template')
    .argument('[template]', 'SAM / CloudFormation template (YAML or JSON) to bring up')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', number('--port', 0, true), DEFAULT_PORT)
    .option('--host <host>', 'address to listen on', DEFAULT_HOST)
    .option('--store <store>', 'where state machines, executions and APIs are kept: memory | sqlite:PATH', `sqlite:${DEFAULT_SQLITE_PATH}`)
    .option('--time-scale <n>', 'multiplies Wait and retry delays (0 = no waiting)', number('--time-scale', 0, false), 1)
    .option('--region <region>', 'AWS region of the ARNs', 'us-east-1')
    .option('--account-id <id>', 'AWS account id of the ARNs', '000000000000')
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')} (error: print nothing but errors)`, 'info')
    .option('--mock-config <path>', 'Step Functions Local MockConfigFile (default: $SFN_MOCK_CONFIG)', process.env.SFN_MOCK_CONFIG)
    .option('--parameter-overrides <pairs...>', 'template parameters as Name=Value')
    .option('--stack-name <name>', 'stack name (AWS::StackName)', 'stepgate')
    .option('--imports <file>', 'values for Fn::ImportValue: JSON {"ExportName": value} or `aws cloudformation list-exports` output')
    .option('-w, --watch', 'deploy the template again when it or a file it refers to changes')
    .option('--jwks <file>', 'keys of Cognito user pool authorizers: a JWKS, or {"<user pool ARN or id>": JWKS | file | URL}')
    .option('--credentials <file>', 'access keys AWS_IAM methods accept: JSON or AWS shared-credentials file (default: $STEPGATE_CREDENTIALS, else the built-in test keys)', process.env.STEPGATE_CREDENTIALS)
    .addHelpText('after', `
Every API is served at two addresses, http://127.0.0.1:PORT/restapis/{apiId}/{stage}/_user_request_/
and http://{apiId}.execute-api.localhost:PORT/{stage}/; the banner prints both for each API, and
the ARN of each state machine. Point the aws CLI or an SDK at http://127.0.0.1:PORT.

Examples:
  $ stepgate start                                        # an empty server on 127.0.0.1:4599
  $ stepgate start examples/orders-sam/template.yaml --watch
  $ stepgate start template.yaml --store memory --time-scale 0 --port 0
  $ stepgate start template.yaml --parameter-overrides Stage=test`)
    .action(async (template: string | undefined, o: StartOptions) => {
      const quiet = o.logLevel === 'error';
      const log = (m: string): void => { if (o.logLevel !== 'error') console.error(`stepgate: ${m}`); };
      const overrides: Record<string, string> = {};
      for (const pair of o.parameterOverrides ?? []) {
        const i = pair.indexOf('=');
        if (i <= 0) { console.error(`stepgate: --parameter-overrides takes Name=Value, got ${pair}`); process.exit(2); }
        overrides[pair.slice(0, i).replace(/^ParameterKey=/, '')] = pair.slice(i + 1);
      }
      if (o.watch && template === undefined) { console.error('stepgate: --watch needs a template to watch'); process.exit(2); }
      let imports: Record<string, unknown> | undefined;
      if (o.imports !== undefined) {
        try { imports = readImports(o.imports); } catch (e) { console.error(`stepgate: ${e instanceof Error ? e.message : String(e)}`); process.exit(2); }
      }
      const starting = progress('starting stepgate', { json: quiet });
      let server: StepgateServer;
      try {
        server = await startServer({
          port: o.port, host: o.host, store: o.store, timeScale: o.timeScale, region: o.region, accountId: o.accountId, log,
          onProgress: (step) => starting.update(step),
          ...(o.mockConfig ? { mockConfig: o.mockConfig } : {}),
          ...(o.jwks ? { jwks: o.jwks } : {}),
          ...(o.credentials ? { credentials: o.credentials } : {}),
          ...(template !== undefined ? { template, parameterOverrides: overrides, stackName: o.stackName, ...(imports ? { imports } : {}) } : {}),
        });
      } catch (e) {
        starting.done();
        console.error(`stepgate: cannot start: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      }
      starting.done();
      if (!quiet) console.log((await banner(server, version, o, template)).join('\n'));
      let watcher: FileWatcher | undefined;
      if (o.watch && template !== undefined) {
        const loadOptions: LoadTemplateOptions = { region: o.region, accountId: o.accountId, stackName: o.stackName, parameterOverrides: overrides, ...(imports ? { imports } : {}) };
        // The plan the server just deployed (loading is cheap and has no side effects).
        let plan: StackPlan | undefined;
        try { plan = loadTemplate(template, loadOptions); } catch { plan = undefined; }
        watcher = watchTemplate(server, template, loadOptions, plan, Object.values(overrides));
        const watched = watchSet(template, plan, Object.values(overrides));
        if (!quiet) console.log(`  watching ${describePaths([...watched.files, ...watched.trees], template)} for changes`);
      }
      if (!quiet) console.log('  Ctrl-C stops the server');
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        watcher?.close();
        if (!quiet) console.log(`stepgate: ${signal}, shutting down`);
        void server.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
