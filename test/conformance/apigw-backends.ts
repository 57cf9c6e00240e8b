// Local stand-ins for the backends the API Gateway corpus needs (conformance/apigw/backends.json):
// HTTP echo servers on 127.0.0.1 for httpbin and the Lambda function URLs, and in-process Lambda
// handlers. Nothing here reaches the internet.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InProcessLambdaService } from '../../src/lambda/service.js';

export interface Backends {
  /** base URL per HTTP backend name (httpbin, lambda-url-echo, ...) */
  urls: Record<string, string>;
  close(): Promise<void>;
}

const titleCase = (h: string): string => h.split('-').map((p) => (p.length > 0 ? (p[0] as string).toUpperCase() + p.slice(1).toLowerCase() : p)).join('-');

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function headerPairs(req: IncomingMessage): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
  return out;
}

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...extra });
  res.end(text);
}

/** httpbin: POST/ANY /post (/anything) echoes; GET /status/<code> answers that status, empty body. */
async function httpbin(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readAll(req);
  const url = new URL(req.url ?? '/', 'http://x');
  const status = /^\/status\/(\d{3})$/.exec(url.pathname);
  if (status) { res.writeHead(Number(status[1]), { 'Content-Length': '0', Server: 'gunicorn/19.9.0' }); res.end(); return; }
  const headers: Record<string, string> = {};
  // httpbin.org sits behind a load balancer that does not pass the Connection header on.
  for (const [k, v] of headerPairs(req)) {
    if (k.toLowerCase() === 'connection') continue;
    headers[titleCase(k)] = headers[titleCase(k)] !== undefined ? `${headers[titleCase(k)]},${v}` : v;
  }
  const data = body.toString('utf8');
  let parsed: unknown;
  try { parsed = JSON.parse(data); } catch { parsed = null; }
  const args: Record<string, string> = {};
  for (const [k, v] of url.searchParams) args[k] = v;
  json(res, 200, { args, data, files: {}, form: {}, headers, json: parsed, origin: '127.0.0.1', url: `http://${req.headers.host ?? ''}${req.url ?? ''}` }, {
    'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true', Server: 'gunicorn/19.9.0', Connection: 'keep-alive',
  });
}

function urlEcho(trim: boolean) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readAll(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const headers: Record<string, string> = {};
    for (const [k, v] of headerPairs(req)) {
      const l = k.toLowerCase();
      // A function URL does not hand hop-by-hop headers to the function.
      if (l === 'connection' || (trim && (l.startsWith('x-amzn') || l.startsWith('x-forwarded-')))) continue;
      headers[l] = headers[l] !== undefined ? `${headers[l]},${v}` : v;
    }
    const args: Record<string, string> = {};
    for (const [k, v] of url.searchParams) args[k] = v;
    json(res, 200, { args, data: body.toString('utf8'), domain: req.headers.host ?? '', headers, method: req.method, origin: '127.0.0.1', path: url.pathname });
  };
}

async function statusEcho(req: IncomingMessage, res: ServerResponse): Promise<void> {
  await readAll(req);
  const code = Number(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop());
  json(res, Number.isInteger(code) && code >= 100 && code <= 599 ? code : 400, { status_code: code, message: '' });
}

async function rawBodyEcho(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readAll(req);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
  res.end(body);
}

/** Answers after `delayMs` (a slow backend for the 29 s / timeoutInMillis tests). */
export function slowHandler(delayMs: number) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await readAll(req);
    const t = setTimeout(() => json(res, 200, { slow: true }), delayMs);
    res.on('close', () => clearTimeout(t));
  };
}

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => { void handler(req, res); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function startBackends(): Promise<Backends> {
  const defs = {
    httpbin, 'lambda-url-echo': urlEcho(false), 'lambda-url-echo-trimmed': urlEcho(true),
    'lambda-url-status-echo': statusEcho, 'lambda-url-raw-body-echo': rawBodyEcho,
  } as const;
  const urls: Record<string, string> = {};
  const servers: Server[] = [];
  for (const [name, h] of Object.entries(defs)) {
    const { url, server } = await listen(h);
    urls[name] = url;
    servers.push(server);
  }
  return {
    urls,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); })));
    },
  };
}

class FunctionError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = type;
  }
}

/** The Lambda functions of backends.json, as in-process handlers. */
export function registerCorpusFunctions(lambda: InProcessLambdaService): void {
  const rec = (e: unknown): Record<string, unknown> => (e !== null && typeof e === 'object' ? e as Record<string, unknown> : {});
  lambda.register('echo', (e) => e);
  lambda.register('proxy-echo', (e) => ({ statusCode: 200, body: JSON.stringify(e), isBase64Encoded: false }));
  lambda.register('proxy-format', (e) => {
    switch (rec(e).path) {
      case '/no-body': return { statusCode: 200 };
      case '/only-headers': return { statusCode: 200, headers: { 'test-header': 'value' } };
      case '/wrong-format': return { statusCode: 200, wrongValue: 'value' };
      case '/empty-response': return {};
      default: return { statusCode: 200, body: JSON.stringify(e), isBase64Encoded: false };
    }
  });
  lambda.register('response-from-body', (e) => {
    const ev = rec(e);
    if (typeof ev.body !== 'string') throw new FunctionError('TypeError', 'the JSON object must be str, bytes or bytearray, not NoneType');
    const text = ev.isBase64Encoded === true ? Buffer.from(ev.body, 'base64').toString('utf8') : ev.body;
    return JSON.parse(text) as unknown;
  });
  lambda.register('select-pattern', (e) => {
    const code = rec(e).statusCode;
    if (code === '200') return 'Pass';
    if (code === '400') throw new FunctionError('Exception', 'Error: Raising four hundred from within the Lambda function');
    if (code === '500') throw new FunctionError('Exception', 'Error: Raising five hundred from within the Lambda function');
    return 'Error Value in the json request should either be 400 or 500 to demonstrate';
  });
  lambda.register('mapping-responses', (e) => {
    const body = rec(rec(e).body);
    return Number(body.httpStatus) >= 400 ? { statusCode: 200, body: 'customerror' } : { statusCode: 200, body: 'noerror' };
  });
  lambda.register('node-handler', (e) => ({ statusCode: 200, body: JSON.stringify(`response from localstack lambda: ${JSON.stringify(e)}`), isBase64Encoded: false, headers: {} }));
  lambda.register('node-apigw-integration', () => ({ isBase64Encoded: false, statusCode: 300, headers: { 'content-type': 'application/xml' }, body: '<message>completed</message>' }));
}
