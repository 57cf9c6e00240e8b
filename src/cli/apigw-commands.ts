// `stepgate test-invoke`: TestInvokeMethod against a running stepgate, printing AWS's execution log
// (method request, endpoint request URI, headers and body after transformations, endpoint response,
// method response). Argument parsing and printing only; the server does the work.
import type { Command } from 'commander';

interface TestInvokeOptions {
  endpoint: string;
  restApiId: string;
  resourcePath?: string;
  resourceId?: string;
  method: string;
  path?: string;
  body?: string;
  header: string[];
  stageVariable: string[];
  json?: boolean;
}

async function getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  const text = await res.text();
  const body = text === '' ? {} : JSON.parse(text) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${res.headers.get('x-amzn-errortype') ?? res.status}: ${String(body.message ?? text)}`);
  return body;
}

const pairs = (list: string[]): Record<string, string> => Object.fromEntries(list.map((p) => {
  const i = p.indexOf('=') >= 0 ? p.indexOf('=') : p.indexOf(':');
  return i < 0 ? [p, ''] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
}));

export function addApiGatewayCommands(program: Command): void {
  program.command('test-invoke')
    .summary('TestInvokeMethod: a request through every mapping step, logged')
    .description('run TestInvokeMethod on a running stepgate and print the execution log')
    .requiredOption('--rest-api-id <id>', 'REST API id')
    .option('--resource-path <path>', 'resource path, e.g. /orders/{id} (or --resource-id)')
    .option('--resource-id <id>', 'resource id')
    .option('-X, --method <verb>', 'HTTP method', 'GET')
    .option('--path <pathWithQueryString>', 'request path and query, e.g. /orders/1?x=y (default: the resource path)')
    .option('-d, --body <text>', 'request body')
    .option('-H, --header <name=value>', 'request header (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--stage-variable <name=value>', 'stage variable (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--endpoint <url>', 'stepgate URL', 'http://127.0.0.1:4599')
    .option('--json', 'print the whole TestInvokeMethod answer as JSON')
    .addHelpText('after', `
Example:
  $ stepgate test-invoke --rest-api-id abc123defg --resource-path /orders -X POST \\
      -d '{"item":"tea"}' -H Content-Type=application/json`)
    .action(async (o: TestInvokeOptions) => {
      try {
        let resourceId = o.resourceId;
        let resourcePath = o.resourcePath;
        if (resourceId === undefined) {
          const listed = await getJson(`${o.endpoint}/restapis/${encodeURIComponent(o.restApiId)}/resources`);
          const found = (listed.item as { id: string; path: string }[]).find((r) => r.path === (o.resourcePath ?? '/'));
          if (!found) throw new Error(`no resource ${o.resourcePath ?? '/'} in API ${o.restApiId}`);
          resourceId = found.id;
          resourcePath = found.path;
        }
        const out = await getJson(`${o.endpoint}/restapis/${encodeURIComponent(o.restApiId)}/resources/${encodeURIComponent(resourceId)}/methods/${o.method.toUpperCase()}`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            pathWithQueryString: o.path ?? resourcePath, ...(o.body !== undefined ? { body: o.body } : {}),
            headers: pairs(o.header), stageVariables: pairs(o.stageVariable),
          }),
        });
        if (o.json) console.log(JSON.stringify(out, null, 2));
        else {
          console.log(String(out.log));
          console.log(`Status: ${String(out.status)}`);
          console.log(`Body: ${String(out.body)}`);
        }
        process.exitCode = 0;
      } catch (e) {
        console.error(`stepgate: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
      }
    });
}
