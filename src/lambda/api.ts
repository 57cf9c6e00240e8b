// Lambda's REST JSON API (version 2015-03-31) over node:http, so SDK users can call local functions
// directly: Invoke (`POST /2015-03-31/functions/{name}/invocations`), CreateFunction from a .zip
// (Code.ZipFile) or a local directory (Code.S3Bucket `hot-reload` + S3Key = absolute path, the
// convention LocalStack uses), GetFunction, ListFunctions, DeleteFunction. Errors carry AWS's code in
// the `x-amzn-ErrorType` header and `{"Type":"User","message":…}` in the body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { LambdaServiceError, type LambdaInvokeOptions } from './service.js';
import type { LocalLambdaRuntime } from './runtime.js';
import { extractZip, ZipError } from './zip.js';

export const LAMBDA_PATH_PREFIX = '/2015-03-31/functions';
/** Code.S3Bucket values that mean "this S3Key is a local directory". */
export const LOCAL_CODE_BUCKETS = ['hot-reload', 'stepgate-local'] as const;
const NAME = /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export function isLambdaRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(LAMBDA_PATH_PREFIX);
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, e: unknown): void {
  const err = e instanceof LambdaServiceError ? e : new LambdaServiceError('ServiceException', 500, e instanceof Error ? e.message : String(e));
  send(res, err.statusCode, JSON.stringify({ Type: err.statusCode >= 500 ? 'Service' : 'User', message: err.message }), { 'x-amzn-errortype': err.code });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    // Invoke's request limit is 6 MB; CreateFunction's zip upload is capped at 50 MB.
    if (size > 70 * 1024 * 1024) throw new LambdaServiceError('RequestTooLargeException', 413, 'Request must be smaller than 70167211 bytes for the CreateFunction operation');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function validName(name: string): void {
  if (!NAME.test(name) || name.length > 170) {
    throw new LambdaServiceError('ValidationException', 400, `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`);
  }
}

export async function handleLambda(runtime: LocalLambdaRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rest = url.pathname.slice(LAMBDA_PATH_PREFIX.length).replace(/^\/+/, '');
    const parts = rest.split('/').map((p) => decodeURIComponent(p));
    const body = await readBody(req);
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'invocations') {
      await invoke(runtime, parts[0] as string, url, req, body, res);
      return;
    }
    if (req.method === 'POST' && rest === '') { createFunction(runtime, body, res); return; }
    if (req.method === 'GET' && rest === '') { send(res, 200, JSON.stringify({ Functions: runtime.listFunctions() })); return; }
    if (parts.length === 1 && (req.method === 'GET' || req.method === 'DELETE')) {
      const name = parts[0] as string;
      validName(name);
      const conf = runtime.getFunction(name);
      if (!conf) throw new LambdaServiceError('ResourceNotFoundException', 404, `Function not found: ${runtime.functionArn(name)}`);
      if (req.method === 'DELETE') { runtime.deleteFunction(name); res.writeHead(204, { 'x-amzn-requestid': randomUUID() }); res.end(); return; }
      send(res, 200, JSON.stringify({ Configuration: conf, Code: { RepositoryType: 'S3', Location: `file://${name}` } }));
      return;
    }
    throw new LambdaServiceError('UnrecognizedClientException', 404, `stepgate does not implement ${req.method ?? ''} ${url.pathname} of the Lambda API`);
  } catch (e) {
    sendError(res, e);
  }
}

async function invoke(runtime: LocalLambdaRuntime, name: string, url: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
  validName(name);
  const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
    throw new LambdaServiceError('ValidationException', 400, `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
  }
  const logType = req.headers['x-amz-log-type'] === 'Tail' ? 'Tail' as const : 'None' as const;
  const qualifier = url.searchParams.get('Qualifier') ?? undefined;
  const clientContext = req.headers['x-amz-client-context'];
  const options: LambdaInvokeOptions = {
    invocationType: type, logType,
    ...(qualifier !== undefined ? { qualifier } : {}),
    ...(typeof clientContext === 'string' ? { clientContext } : {}),
  };
  const r = await runtime.invoke(name, body.toString('utf8'), options);
  const headers: Record<string, string> = { 'x-amz-executed-version': r.executedVersion, 'x-amzn-requestid': r.requestId };
  if (r.functionError) headers['x-amz-function-error'] = r.functionError;
  if (r.logResult !== undefined && type === 'RequestResponse') headers['x-amz-log-result'] = r.logResult;
  if (r.statusCode !== 200) {
    res.writeHead(r.statusCode, { ...headers, 'content-length': '0' });
    res.end();
    return;
  }
  send(res, 200, r.payload, headers);
}

function createFunction(runtime: LocalLambdaRuntime, body: Buffer, res: ServerResponse): void {
  let req: Record<string, unknown>;
  try {
    req = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new LambdaServiceError('SerializationException', 400, 'Could not parse the request body as JSON');
  }
  const name = typeof req.FunctionName === 'string' ? req.FunctionName : '';
  validName(name);
  if (runtime.has(name)) throw new LambdaServiceError('ResourceConflictException', 409, `Function already exist: ${name}`);
  const runtimeName = typeof req.Runtime === 'string' ? req.Runtime : 'nodejs20.x';
  if (!/^(nodejs|python)/.test(runtimeName)) {
    throw new LambdaServiceError('InvalidParameterValueException', 400, `stepgate runs Node.js handlers only; the runtime parameter of ${runtimeName} is not supported here`);
  }
  const code = (req.Code ?? {}) as Record<string, unknown>;
  let directory: string;
  let codeSize = 0;
  let codeSha256: string | undefined;
  if (typeof code.ZipFile === 'string') {
    const zip = Buffer.from(code.ZipFile, 'base64');
    codeSize = zip.length;
    codeSha256 = createHash('sha256').update(zip).digest('base64');
    mkdirSync(join(tmpdir(), 'stepgate-lambda'), { recursive: true });
    directory = mkdtempSync(join(tmpdir(), 'stepgate-lambda', `${name}-`));
    try {
      extractZip(zip, directory);
    } catch (e) {
      throw new LambdaServiceError('InvalidParameterValueException', 400, e instanceof ZipError ? e.message : 'Could not unzip uploaded file. Please check your file, then try to upload again.');
    }
  } else if (typeof code.S3Bucket === 'string' && (LOCAL_CODE_BUCKETS as readonly string[]).includes(code.S3Bucket) && typeof code.S3Key === 'string') {
    directory = code.S3Key;
    let ok: boolean;
    try { ok = isAbsolute(directory) && statSync(directory).isDirectory(); } catch { ok = false; }
    if (!ok) throw new LambdaServiceError('InvalidParameterValueException', 400, `Local code directory ${directory} does not exist (Code.S3Key must be an absolute directory path)`);
  } else {
    throw new LambdaServiceError('InvalidParameterValueException', 400, 'Please provide a source for function code (Code.ZipFile, or Code.S3Bucket "hot-reload" with S3Key = a local directory).');
  }
  const env = (req.Environment as { Variables?: Record<string, string> } | undefined)?.Variables;
  const conf = runtime.createFunction({
    name, directory, runtime: runtimeName, codeSize, temporaryDirectory: typeof code.ZipFile === 'string',
    ...(codeSha256 !== undefined ? { codeSha256 } : {}),
    ...(typeof req.Handler === 'string' ? { handler: req.Handler } : {}),
    ...(typeof req.Timeout === 'number' ? { timeout: req.Timeout } : {}),
    ...(typeof req.MemorySize === 'number' ? { memorySize: req.MemorySize } : {}),
    ...(typeof req.Description === 'string' ? { description: req.Description } : {}),
    ...(typeof req.Role === 'string' ? { role: req.Role } : {}),
    ...(env ? { environment: env } : {}),
  });
  send(res, 201, JSON.stringify(conf));
}
