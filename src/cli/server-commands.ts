// `stepgate invoke`, `stepgate exec`, `stepgate executions` and `stepgate history`: talk to a running
// stepgate over HTTP (API Gateway invocations, the Step Functions AWS JSON 1.0 API) and print what it
// answers. Argument parsing and printing only; the server does the work.
// Exit codes: 0 ok; 1 a failed / timed-out / aborted execution, an HTTP status ≥ 400, an AWS error or an
// unreachable server; 2 a usage error (bad arguments, input that is not JSON, an ambiguous API).
import type { Command, CommanderError } from 'commander';
import { colours, progress, type Paint } from './terminal.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4599';

type Json = Record<string, unknown>;

/** Wrong arguments: exit 2. */
class UsageError extends Error {}

/** An error answered by the server (AWS error type and message), or no server at all: exit 1. */
class RemoteError extends Error {}

// ── output ─────────────────────────────────────────────────────────────────────────────────────────

function statusColour(p: Paint, status: string): string {
  if (status === 'SUCCEEDED') return p.green(status);
  if (status === 'RUNNING' || status === 'PENDING_REDRIVE') return p.yellow(status);
  return p.red(status);
}

/** Columns padded to the widest cell; the last column is not padded. */
function table(header: string[], rows: string[][], p: Paint): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [p.bold(line(header)), ...rows.map(line)].join('\n');
}

const oneLine = (s: string, max = 80): string => {
  const flat = s.replace(/\s*\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const date = (seconds: unknown): string => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : '');

/** Parsed JSON when the text is JSON, else the text itself. */
function maybeJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The short details of one history event: state name, resource, index, error and cause, input or output. */
function eventDetails(e: Json): string {
  const key = Object.keys(e).find((k) => k.endsWith('EventDetails'));
  const d = key && typeof e[key] === 'object' && e[key] !== null ? e[key] as Json : {};
  const parts: string[] = [];
  if (typeof d.name === 'string') parts.push(d.name);
  if (typeof d.resourceType === 'string' && typeof d.resource === 'string') parts.push(`${d.resourceType}:${d.resource}`);
  else if (typeof d.resource === 'string') parts.push(d.resource);
  if (typeof d.index === 'number') parts.push(`index ${d.index}`);
  if (typeof d.error === 'string') parts.push(`error ${d.error}`);
  if (typeof d.cause === 'string') parts.push(`cause ${d.cause}`);
  if (typeof d.error !== 'string') {
    if (typeof d.output === 'string') parts.push(`output ${d.output}`);
    else if (typeof d.input === 'string') parts.push(`input ${d.input}`);
  }
  return oneLine(parts.join('  '));
}

function historyTable(events: Json[], p: Paint): string {
  const rows = events.map((e) => [String(e.id ?? ''), String(e.previousEventId ?? ''), String(e.type ?? ''), eventDetails(e)]);
  const out = table(['ID', 'PREV', 'TYPE', 'DETAILS'], rows, p);
  return out.split('\n').map((l, i) => (i > 0 && /Failed|TimedOut|Aborted/.test(events[i - 1]?.type as string) ? p.red(l) : l)).join('\n');
}

/** Status, then the output (SUCCEEDED) or the error and cause. */
function outcome(x: Json, p: Paint): string {
  const lines = [`${p.bold('status')}  ${statusColour(p, String(x.status))}`];
  if (x.output !== undefined) lines.push(`${p.bold('output')}  ${String(x.output)}`);
  if (x.error !== undefined) lines.push(`${p.bold('error')}   ${p.red(String(x.error))}`);
  if (x.cause !== undefined) lines.push(`${p.bold('cause')}   ${String(x.cause)}`);
  return lines.join('\n');
}

/** What --json prints for an execution: AWS's fields, with input and output parsed. */
function executionJson(x: Json, events?: Json[]): Json {
  return {
    executionArn: x.executionArn, stateMachineArn: x.stateMachineArn, name: x.name, status: x.status,
    startDate: x.startDate, ...(x.stopDate !== undefined ? { stopDate: x.stopDate } : {}),
    ...(x.input !== undefined ? { input: maybeJson(x.input) } : {}),
    ...(x.output !== undefined ? { output: maybeJson(x.output) } : {}),
    ...(x.error !== undefined ? { error: x.error } : {}),
    ...(x.cause !== undefined ? { cause: x.cause } : {}),
    ...(events ? { events } : {}),
  };
}

const failed = (status: unknown): boolean => status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED';

// ── HTTP ───────────────────────────────────────────────────────────────────────────────────────────

const base = (endpoint: string): string => endpoint.replace(/\/+$/, '');

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const reason = e instanceof Error && e.cause instanceof Error ? e.cause.message : (e as Error).message;
    throw new RemoteError(`cannot reach stepgate at ${new URL(url).origin} (${reason}); is \`stepgate start\` running?`);
  }
}

/** One Step Functions API call (AWS JSON 1.0). */
async function sfn(endpoint: string, action: string, body: Json): Promise<Json> {
  const res = await send(`${base(endpoint)}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = (maybeJson(text) ?? {}) as Json;
  if (!res.ok) {
    const type = String(json.__type ?? res.headers.get('x-amzn-errortype') ?? res.status).split('#').pop() as string;
    throw new RemoteError(`${action}: ${type}: ${String(json.message ?? json.Message ?? text)}`);
  }
  return json;
}

/** Every page of a paginated list. */
async function all(endpoint: string, action: string, body: Json, key: string): Promise<Json[]> {
  const out: Json[] = [];
  let token: unknown;
  do {
    const page = await sfn(endpoint, action, { ...body, ...(token !== undefined ? { nextToken: token } : {}) });
    out.push(...(page[key] as Json[] ?? []));
    token = page.nextToken;
  } while (token !== undefined);
  return out;
}

async function getJson(url: string): Promise<Json> {
  const res = await send(url, { headers: { accept: 'application/json' } });
  const json = (maybeJson(await res.text()) ?? {}) as Json;
  if (!res.ok) throw new RemoteError(`GET ${new URL(url).pathname}: ${res.status} ${String(json.message ?? '')}`);
  return json;
}

/** A state machine by ARN, or by name among ListStateMachines. */
async function stateMachineArn(endpoint: string, ref: string): Promise<string> {
  if (ref.startsWith('arn:')) return ref;
  const machines = await all(endpoint, 'ListStateMachines', {}, 'stateMachines');
  const found = machines.find((m) => m.name === ref);
  if (!found) throw new RemoteError(`no state machine named ${ref} (state machines: ${machines.map((m) => String(m.name)).join(', ') || 'none'})`);
  return found.stateMachineArn as string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function parseJsonArg(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

// ── commands ───────────────────────────────────────────────────────────────────────────────────────

/** Runs a command body with the exit codes of this module. */
function handled<A extends unknown[]>(fn: (...args: A) => Promise<number>) {
  return async (...args: A): Promise<void> => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      console.error(`stepgate: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    }
  };
}

/** Commander's own usage errors (missing argument, unknown option) exit 2, help and version 0. */
export function usageExit(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

interface InvokeOptions { data?: string; header: string[]; endpoint: string; api?: string; stage?: string; include?: boolean; json?: boolean }

/** The invoke URL: a full URL, a /restapis/… path, or a resource path of --api/--stage (found when there is only one). */
async function invokeUrl(path: string, o: InvokeOptions): Promise<string> {
  if (/^https?:\/\//.test(path)) return path;
  if (!path.startsWith('/')) throw new UsageError(`the path must start with /, got ${path}`);
  if (path.startsWith('/restapis/')) return `${base(o.endpoint)}${path}`;
  let apiId = o.api;
  const apis = (await getJson(`${base(o.endpoint)}/restapis?limit=500`)).item as Json[] ?? [];
  if (apiId === undefined) {
    if (apis.length !== 1) throw new UsageError(`${apis.length === 0 ? 'no REST API on the server' : `${apis.length} REST APIs on the server`}: pass --api ID${apis.length ? ` (${apis.map((a) => `${String(a.id)} ${String(a.name)}`).join(', ')})` : ''}`);
    apiId = (apis[0] as Json).id as string;
  } else {
    const byName = apis.filter((a) => a.name === apiId && a.id !== apiId);
    if (!apis.some((a) => a.id === apiId) && byName.length === 1) apiId = (byName[0] as Json).id as string;
  }
  let stage = o.stage;
  if (stage === undefined) {
    const stages = (await getJson(`${base(o.endpoint)}/restapis/${encodeURIComponent(apiId)}/stages`)).item as Json[] ?? [];
    if (stages.length !== 1) throw new UsageError(`API ${apiId} has ${stages.length === 0 ? 'no stage' : `stages ${stages.map((s) => String(s.stageName)).join(', ')}`}: pass --stage NAME`);
    stage = (stages[0] as Json).stageName as string;
  }
  return `${base(o.endpoint)}/restapis/${encodeURIComponent(apiId)}/${encodeURIComponent(stage)}/_user_request_${path}`;
}

async function invoke(methodArg: string, path: string, o: InvokeOptions): Promise<number> {
  const method = methodArg.toUpperCase();
  if (!HTTP_METHODS.includes(method)) throw new UsageError(`unknown HTTP method ${methodArg} (one of ${HTTP_METHODS.join(', ')})`);
  const headers = new Headers();
  for (const h of o.header) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header takes Name:Value, got ${h}`);
    headers.append(h.slice(0, i).trim(), h.slice(i + 1).trim());
  }
  if (o.data !== undefined) {
    const type = headers.get('content-type');
    if (type === null || /json/i.test(type)) parseJsonArg(o.data, '--data');
    if (type === null) headers.set('content-type', 'application/json');
  }
  const url = await invokeUrl(path, o);
  const res = await send(url, { method, headers, ...(o.data !== undefined ? { body: o.data } : {}) });
  const body = await res.text();
  const p = colours(o.json);
  if (o.json) {
    console.log(JSON.stringify({ url, status: res.status, headers: Object.fromEntries(res.headers), body: maybeJson(body) }, null, 2));
  } else {
    const statusLine = `HTTP ${res.status} ${res.statusText}`;
    const lines = [res.status >= 400 ? p.red(statusLine) : p.green(statusLine)];
    if (o.include) for (const [k, v] of res.headers) lines.push(`${p.cyan(k)}: ${v}`);
    lines.push('');
    if (body !== '') lines.push(body);
    console.log(lines.join('\n'));
  }
  return res.status >= 400 ? 1 : 0;
}

interface ExecOptions { input: string; name?: string; endpoint: string; timeout?: string; json?: boolean }

async function history(endpoint: string, executionArn: string): Promise<Json[]> {
  return all(endpoint, 'GetExecutionHistory', { executionArn, maxResults: 1000 }, 'events');
}

async function exec(ref: string, o: ExecOptions): Promise<number> {
  const input = parseJsonArg(o.input, '--input');
  const timeoutMs = o.timeout === undefined ? undefined : Number(o.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--timeout must be a number of seconds > 0, got ${o.timeout}`);
  const arn = await stateMachineArn(o.endpoint, ref);
  const machine = await sfn(o.endpoint, 'DescribeStateMachine', { stateMachineArn: arn });
  const p = colours(o.json);
  const start = { stateMachineArn: arn, input: JSON.stringify(input), ...(o.name !== undefined ? { name: o.name } : {}) };
  if (machine.type === 'EXPRESS') {
    // Express workflows answer synchronously and keep no execution history (AWS).
    const running = progress(`running ${String(machine.name)} (StartSyncExecution)`, { json: o.json });
    let x: Json;
    try {
      x = await sfn(o.endpoint, 'StartSyncExecution', start);
    } finally {
      running.done();
    }
    if (o.json) console.log(JSON.stringify(executionJson(x), null, 2));
    else console.log(`${p.dim(`${String(x.executionArn)} (EXPRESS: no execution history)`)}\n${outcome(x, p)}`);
    return x.status === 'SUCCEEDED' ? 0 : 1;
  }
  const started = await sfn(o.endpoint, 'StartExecution', start);
  const executionArn = started.executionArn as string;
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  const waiting = progress(`waiting for execution ${String(started.executionArn).split(':').pop() ?? ''}`, { json: o.json });
  let x: Json;
  try {
    x = await sfn(o.endpoint, 'DescribeExecution', { executionArn });
    for (let wait = 10; x.status === 'RUNNING' && Date.now() < deadline; wait = Math.min(wait * 2, 500)) {
      await sleep(wait);
      x = await sfn(o.endpoint, 'DescribeExecution', { executionArn });
    }
  } finally {
    waiting.done();
  }
  const events = await history(o.endpoint, executionArn);
  if (o.json) console.log(JSON.stringify(executionJson(x, events), null, 2));
  else console.log(`${p.dim(executionArn)}\n${historyTable(events, p)}\n\n${outcome(x, p)}`);
  if (x.status === 'RUNNING') {
    console.error(`stepgate: the execution is still RUNNING after --timeout ${String(o.timeout)} s`);
    return 1;
  }
  return failed(x.status) ? 1 : 0;
}

interface ListOptions { endpoint: string; status?: string; json?: boolean }

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

async function executions(ref: string | undefined, o: ListOptions): Promise<number> {
  const status = o.status?.toUpperCase();
  if (status !== undefined && !STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got ${o.status}`);
  let arns: string[];
  if (ref !== undefined) arns = [await stateMachineArn(o.endpoint, ref)];
  else {
    // Express executions are not listed by ListExecutions (AWS): only Standard state machines.
    const machines = await all(o.endpoint, 'ListStateMachines', {}, 'stateMachines');
    arns = machines.filter((m) => m.type !== 'EXPRESS').map((m) => m.stateMachineArn as string);
  }
  const list: Json[] = [];
  for (const arn of arns) {
    list.push(...await all(o.endpoint, 'ListExecutions', { stateMachineArn: arn, maxResults: 1000, ...(status ? { statusFilter: status } : {}) }, 'executions'));
  }
  list.sort((a, b) => Number(b.startDate) - Number(a.startDate));
  const p = colours(o.json);
  if (o.json) console.log(JSON.stringify({ executions: list }, null, 2));
  else if (list.length === 0) console.log('no executions');
  else {
    const machineName = (arn: unknown): string => String(arn).split(':').pop() ?? '';
    const rows = list.map((e) => [String(e.status), date(e.startDate), date(e.stopDate), machineName(e.stateMachineArn), String(e.executionArn)]);
    const text = table(['STATUS', 'STARTED', 'STOPPED', 'STATE MACHINE', 'EXECUTION ARN'], rows, p);
    // colour the status column after padding, so the columns stay aligned
    console.log(text.split('\n').map((l, i) => (i === 0 ? l : l.replace(/^\S+/, (s) => statusColour(p, s)))).join('\n'));
  }
  return 0;
}

async function showHistory(executionArn: string, o: { endpoint: string; json?: boolean }): Promise<number> {
  if (!executionArn.startsWith('arn:')) throw new UsageError(`EXECUTION_ARN must be an execution ARN, got ${executionArn}`);
  const x = await sfn(o.endpoint, 'DescribeExecution', { executionArn });
  const events = await history(o.endpoint, executionArn);
  const p = colours(o.json);
  if (o.json) console.log(JSON.stringify(executionJson(x, events), null, 2));
  else console.log(`${p.dim(executionArn)}\n${historyTable(events, p)}\n\n${outcome(x, p)}`);
  return failed(x.status) ? 1 : 0;
}

export function addServerCommands(program: Command): void {
  const endpoint = ['--endpoint <url>', 'URL of a running stepgate', DEFAULT_ENDPOINT] as const;

  program.command('invoke')
    .summary('call an API route of a running server, print the response')
    .description('call an API Gateway route of a running stepgate and print status, headers (-i) and body (exit 1 on HTTP ≥ 400)')
    .argument('<method>', 'HTTP method')
    .argument('<path>', 'resource path (e.g. /orders), /restapis/{id}/{stage}/_user_request_/… or a full URL')
    .option('-d, --data <json>', 'request body (JSON unless a non-JSON content-type header is given)')
    .option('-H, --header <name:value>', 'request header (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--api <id>', 'REST API id or name (default: the only API)')
    .option('--stage <name>', 'stage (default: the API\'s only stage)')
    .option('-i, --include', 'print the response headers')
    .option(...endpoint)
    .option('--json', 'print {url, status, headers, body} as JSON')
    .addHelpText('after', `
Examples:
  $ stepgate invoke POST /orders -d '{"item":"tea","quantity":4}'
  $ stepgate invoke GET /orders/7 --api orders --stage dev -i
  $ stepgate invoke POST http://abc123defg.execute-api.localhost:4599/dev/orders -H 'x-api-key: KEY' -d '{}'`)
    .exitOverride(usageExit)
    .action(handled(invoke));

  program.command('exec')
    .summary('start an execution, wait, print its history and outcome')
    .description('start an execution on a running stepgate, wait for its end and print its history, status and output (exit 1 unless SUCCEEDED)')
    .argument('<state-machine>', 'state machine ARN or name')
    .option('--input <json>', 'execution input', '{}')
    .option('--name <name>', 'execution name')
    .option('--timeout <seconds>', 'stop waiting after this long (exit 1)')
    .option(...endpoint)
    .option('--json', 'print the execution and its events as JSON')
    .addHelpText('after', `
Examples:
  $ stepgate exec orders-dev --input '{"item":"tea","quantity":4}'
  $ stepgate exec arn:aws:states:us-east-1:000000000000:stateMachine:bills --timeout 30 --json`)
    .exitOverride(usageExit)
    .action(handled(exec));

  program.command('executions')
    .summary('list executions, newest first')
    .description('list the executions of one state machine, or of every Standard state machine, newest first')
    .argument('[state-machine]', 'state machine ARN or name')
    .option('--status <status>', `only executions with this status (${STATUSES.join(', ')})`)
    .option(...endpoint)
    .option('--json', 'print {executions: [...]} as ListExecutions returns them')
    .addHelpText('after', `
Examples:
  $ stepgate executions
  $ stepgate executions orders-dev --status FAILED`)
    .exitOverride(usageExit)
    .action(handled(executions));

  program.command('history')
    .summary('print an execution\'s event history and outcome')
    .description('print the event history, status and output of an execution (exit 1 if it failed, timed out or was aborted)')
    .argument('<execution-arn>', 'execution ARN')
    .option(...endpoint)
    .option('--json', 'print the execution and its events as JSON')
    .addHelpText('after', `
Example:
  $ stepgate history arn:aws:states:us-east-1:000000000000:execution:orders-dev:1f0c…`)
    .exitOverride(usageExit)
    .action(handled(showHistory));
}
