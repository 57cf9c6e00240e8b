// The local Lambda runtime for Node handlers (JavaScript or TypeScript, ESM or CommonJS): each
// execution environment is a worker thread with its own environment variables, so a handler that
// throws, hangs past its timeout, exits the process or runs out of memory fails its invocation the
// way Lambda reports it while the server keeps serving. Environments are reused while warm (like
// Lambda's), one invocation at a time each; TypeScript is compiled with esbuild.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { functionNameOf, LambdaServiceError, type LambdaInvokeOptions, type LambdaInvokeResult, type LambdaService } from './service.js';
import { WORKER_SOURCE } from './worker-source.js';

/** A function as CreateFunction describes it, with its code unpacked in `directory`. */
export interface FunctionDefinition {
  name: string;
  /** the directory holding the code (a local project folder or an unpacked .zip) */
  directory: string;
  /** `module.export` as in Lambda's Handler setting (default `index.handler`) */
  handler?: string;
  /** default `nodejs20.x`; a `python*` runtime only changes the error document's shape (see worker-source.ts) */
  runtime?: string;
  /** seconds (Lambda's default: 3) */
  timeout?: number;
  /** MB (Lambda's default: 128); also caps the worker's heap, so runaway allocations end in Runtime.OutOfMemory */
  memorySize?: number;
  environment?: Record<string, string>;
  description?: string;
  role?: string;
  /** stepgate: at most this many environments at once; further invocations wait (default 10) */
  maxConcurrency?: number;
  /** Lambda's reserved concurrency: invocations beyond it are throttled (TooManyRequestsException) */
  reservedConcurrency?: number;
  codeSha256?: string;
  codeSize?: number;
  /** the directory is a scratch copy (an unpacked .zip): removed when the function is deleted or the runtime closes */
  temporaryDirectory?: boolean;
}

export interface FunctionConfiguration {
  FunctionName: string; FunctionArn: string; Runtime: string; Role: string; Handler: string; CodeSize: number;
  Description: string; Timeout: number; MemorySize: number; LastModified: string; CodeSha256: string; Version: string;
  Environment?: { Variables: Record<string, string> }; State: string; LastUpdateStatus: string; PackageType: string;
  Architectures: string[];
}

export interface LocalLambdaRuntimeOptions {
  region?: string;
  accountId?: string;
  /** where handler output (console.log) goes; default: this process's stdout */
  onLog?: (functionName: string, text: string) => void;
}

/** Limits of Lambda's Invoke API (synchronous payloads: 6 MB each way). */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const HANDLER_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;
/** where esbuild bundles of TypeScript handlers go */
const BUNDLE_DIR = join(tmpdir(), 'stepgate-lambda', 'bundles');

interface Pending {
  id: number;
  requestId: string;
  started: number;
  log: string[];
  resolve: (r: { ok: true; payload: string } | { ok: false; error: Record<string, unknown> }) => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface Environment {
  worker: Worker;
  pending?: Pending;
  dead: boolean;
}

interface Fn {
  def: Required<Pick<FunctionDefinition, 'name' | 'directory' | 'handler' | 'runtime' | 'timeout' | 'memorySize' | 'maxConcurrency'>> & FunctionDefinition;
  lastModified: string;
  entry?: Promise<string>;
  /** an esbuild bundle written for this function (removed with it) */
  bundle?: string;
  idle: Environment[];
  all: Set<Environment>;
  waiters: ((env: Environment) => void)[];
}

let nextId = 0;

export class LocalLambdaRuntime implements LambdaService {
  private readonly fns = new Map<string, Fn>();
  readonly region: string;
  readonly accountId: string;
  private closed = false;

  constructor(private readonly options: LocalLambdaRuntimeOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
  }

  functionArn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  /** Registers (or replaces) a function; replacing it retires its warm environments. */
  createFunction(def: FunctionDefinition): FunctionConfiguration {
    const old = this.fns.get(def.name);
    if (old) { this.retire(old); removeFiles(old, def.directory); }
    const fn: Fn = {
      def: { handler: 'index.handler', runtime: 'nodejs20.x', timeout: 3, memorySize: 128, maxConcurrency: 10, ...def, directory: resolve(def.directory) },
      lastModified: new Date().toISOString().replace('Z', '+0000'),
      idle: [], all: new Set(), waiters: [],
    };
    this.fns.set(def.name, fn);
    return this.configuration(fn);
  }

  deleteFunction(nameOrArn: string): boolean {
    const fn = this.fns.get(functionNameOf(nameOrArn));
    if (!fn) return false;
    this.retire(fn);
    this.fns.delete(fn.def.name);
    removeFiles(fn);
    return true;
  }

  getFunction(nameOrArn: string): FunctionConfiguration | undefined {
    const fn = this.fns.get(functionNameOf(nameOrArn));
    return fn ? this.configuration(fn) : undefined;
  }

  listFunctions(): FunctionConfiguration[] {
    return [...this.fns.values()].map((f) => this.configuration(f)).sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
  }

  has(functionName: string): boolean {
    return this.fns.has(functionNameOf(functionName));
  }

  private configuration(fn: Fn): FunctionConfiguration {
    const d = fn.def;
    return {
      FunctionName: d.name, FunctionArn: this.functionArn(d.name), Runtime: d.runtime, Role: d.role ?? `arn:aws:iam::${this.accountId}:role/lambda-role`,
      Handler: d.handler, CodeSize: d.codeSize ?? 0, Description: d.description ?? '', Timeout: d.timeout, MemorySize: d.memorySize,
      LastModified: fn.lastModified, CodeSha256: d.codeSha256 ?? createHash('sha256').update(d.directory).digest('base64'), Version: '$LATEST',
      ...(d.environment ? { Environment: { Variables: { ...d.environment } } } : {}),
      State: 'Active', LastUpdateStatus: 'Successful', PackageType: 'Zip', Architectures: ['x86_64'],
    };
  }

  async invoke(functionName: string, payload: string, options: LambdaInvokeOptions = {}): Promise<LambdaInvokeResult> {
    const name = functionNameOf(functionName);
    const qualifier = options.qualifier ?? qualifierOf(functionName);
    const fn = this.fns.get(name);
    if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) {
      // FACTS §4.1 [rec]: "Function not found: <arn>:$LATEST".
      throw new LambdaServiceError('ResourceNotFoundException', 404, `Function not found: ${this.functionArn(name)}:${qualifier ?? '$LATEST'}`);
    }
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw new LambdaServiceError('RequestTooLargeException', 413, `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    }
    let event: unknown;
    try {
      event = payload.trim() === '' ? {} : JSON.parse(payload);
    } catch {
      throw new LambdaServiceError('InvalidRequestContentException', 400, 'Could not parse request body into json: Could not parse payload into json');
    }
    const requestId = randomUUID();
    const executedVersion = '$LATEST';
    if (options.invocationType === 'DryRun') return { statusCode: 204, payload: '', executedVersion, requestId };
    if (options.invocationType === 'Event') {
      void this.run(fn, event, requestId, options).catch(() => undefined);
      return { statusCode: 202, payload: '', executedVersion, requestId };
    }
    const r = await this.run(fn, event, requestId, options);
    return {
      statusCode: 200, executedVersion, requestId,
      ...(r.ok ? { payload: r.payload } : { payload: JSON.stringify(r.error), functionError: 'Unhandled' as const }),
      ...(options.logType === 'Tail' ? { logResult: r.logResult } : {}),
    };
  }

  private async run(fn: Fn, event: unknown, requestId: string, options: LambdaInvokeOptions): Promise<({ ok: true; payload: string } | { ok: false; error: Record<string, unknown> }) & { logResult: string }> {
    const env = await this.acquire(fn);
    const d = fn.def;
    const started = Date.now();
    const id = ++nextId;
    const log: string[] = [];
    const result = await new Promise<{ ok: true; payload: string } | { ok: false; error: Record<string, unknown> }>((res) => {
      const pending: Pending = { id, requestId, started, log, resolve: res };
      env.pending = pending;
      // Lambda stops the environment at the timeout and reports Sandbox.Timedout.
      pending.timer = setTimeout(() => {
        this.kill(fn, env, { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${d.timeout.toFixed(2)} seconds` });
      }, d.timeout * 1000);
      let clientContext: unknown;
      if (options.clientContext) {
        try { clientContext = JSON.parse(Buffer.from(options.clientContext, 'base64').toString('utf8')); } catch { clientContext = undefined; }
      }
      env.worker.postMessage({
        id, event,
        ctx: {
          functionName: d.name, functionVersion: '$LATEST', invokedFunctionArn: this.functionArn(d.name), memoryLimitInMB: d.memorySize,
          awsRequestId: requestId, logGroupName: `/aws/lambda/${d.name}`, logStreamName: logStream(), deadline: started + d.timeout * 1000,
          ...(clientContext !== undefined ? { clientContext } : {}),
        },
      });
    });
    this.release(fn, env);
    const ms = Date.now() - started;
    const tail = `START RequestId: ${requestId} Version: $LATEST\n${log.join('')}END RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(ms))} ms\tMemory Size: ${d.memorySize} MB\tMax Memory Used: ${Math.min(d.memorySize, 64)} MB\t\n`;
    // X-Amz-Log-Result holds the last 4 KB of the log, base64-encoded.
    const logResult = Buffer.from(tail).subarray(-4096).toString('base64');
    return { ...result, logResult };
  }

  private async acquire(fn: Fn): Promise<Environment> {
    if (this.closed) throw new LambdaServiceError('ServiceException', 500, 'The Lambda runtime is shutting down');
    const idle = fn.idle.pop();
    if (idle) { idle.worker.ref(); return idle; }
    const limit = fn.def.reservedConcurrency ?? fn.def.maxConcurrency;
    if (fn.all.size < limit) return this.spawn(fn);
    if (fn.def.reservedConcurrency !== undefined) throw new LambdaServiceError('TooManyRequestsException', 429, 'Rate Exceeded.');
    return new Promise<Environment>((res) => fn.waiters.push(res));
  }

  private release(fn: Fn, env: Environment): void {
    env.pending = undefined;
    if (env.dead || !this.fns.has(fn.def.name) || this.fns.get(fn.def.name) !== fn) {
      if (!env.dead) { env.dead = true; fn.all.delete(env); void env.worker.terminate(); }
      this.wakeWaiter(fn);
      return;
    }
    const waiter = fn.waiters.shift();
    if (waiter) { waiter(env); return; }
    env.worker.unref();
    fn.idle.push(env);
  }

  private wakeWaiter(fn: Fn): void {
    const waiter = fn.waiters.shift();
    if (waiter) void this.spawn(fn).then(waiter);
  }

  private async spawn(fn: Fn): Promise<Environment> {
    fn.entry ??= resolveEntry(fn.def).then((file) => { if (file.startsWith(BUNDLE_DIR)) fn.bundle = file; return file; });
    const d = fn.def;
    const placeholder: Environment = { worker: undefined as unknown as Worker, dead: false };
    fn.all.add(placeholder);
    let file: string;
    try {
      file = await fn.entry;
    } catch (e) {
      fn.all.delete(placeholder);
      fn.entry = undefined;
      throw e;
    }
    const { exportPath } = splitHandler(d.handler);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, exportPath, handler: d.handler, runtime: d.runtime },
      execArgv: [],
      stdout: true,
      stderr: true,
      env: {
        PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8', TZ: ':UTC',
        AWS_REGION: this.region, AWS_DEFAULT_REGION: this.region,
        AWS_LAMBDA_FUNCTION_NAME: d.name, AWS_LAMBDA_FUNCTION_VERSION: '$LATEST', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(d.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${d.name}`, AWS_LAMBDA_LOG_STREAM_NAME: logStream(),
        AWS_EXECUTION_ENV: `AWS_Lambda_${d.runtime}`, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        LAMBDA_TASK_ROOT: d.directory, LAMBDA_RUNTIME_DIR: d.directory, _HANDLER: d.handler,
        ...(d.environment ?? {}),
      },
      resourceLimits: { maxOldGenerationSizeMb: Math.max(32, d.memorySize) },
    });
    const env: Environment = { worker, dead: false };
    fn.all.delete(placeholder);
    fn.all.add(env);
    const onOutput = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      env.pending?.log.push(text);
      if (this.options.onLog) this.options.onLog(d.name, text);
      else process.stdout.write(text);
    };
    worker.stdout.on('data', onOutput);
    worker.stderr.on('data', onOutput);
    worker.on('message', (msg: { id: number; ok: boolean; payload?: string; error?: Record<string, unknown>; fatal?: boolean }) => {
      const p = env.pending;
      if (!p || p.id !== msg.id) return;
      if (p.timer) clearTimeout(p.timer);
      // An uncaught exception ends the environment: it is not reused.
      if (msg.fatal) { env.dead = true; fn.all.delete(env); }
      env.pending = undefined;
      p.resolve(msg.ok ? { ok: true, payload: msg.payload ?? 'null' } : { ok: false, error: msg.error ?? {} });
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const p = env.pending;
      const requestId = p?.requestId ?? '';
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.kill(fn, env, { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` });
      } else {
        this.kill(fn, env, { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${e.message}` });
      }
    });
    worker.on('exit', (code) => {
      const requestId = env.pending?.requestId ?? '';
      // Lambda's report when the runtime process ends during an invocation.
      this.kill(fn, env, {
        errorType: 'Runtime.ExitError',
        errorMessage: code === 0 ? `RequestId: ${requestId} Error: Runtime exited without providing a reason` : `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`,
      });
    });
    return env;
  }

  /** Ends an environment; its in-flight invocation (if any) fails with `error`. */
  private kill(fn: Fn, env: Environment, error: Record<string, unknown>): void {
    const p = env.pending;
    env.pending = undefined;
    if (!env.dead) {
      env.dead = true;
      fn.all.delete(env);
      const i = fn.idle.indexOf(env);
      if (i >= 0) fn.idle.splice(i, 1);
      void env.worker.terminate();
      if (!p) this.wakeWaiter(fn);
    }
    if (p) {
      if (p.timer) clearTimeout(p.timer);
      env.pending = p; // release() sees the environment as dead and spawns for a waiter
      p.resolve({ ok: false, error });
    }
  }

  private retire(fn: Fn): void {
    for (const env of fn.all) {
      if (!env.worker) continue;
      if (env.pending) continue; // finishes its invocation, then release() terminates it
      env.dead = true;
      void env.worker.terminate();
    }
    fn.idle.length = 0;
  }

  /** Terminates every environment. */
  async close(): Promise<void> {
    this.closed = true;
    const all: Promise<number>[] = [];
    for (const fn of this.fns.values()) {
      for (const env of fn.all) {
        if (!env.worker) continue;
        env.dead = true;
        const p = env.pending;
        env.pending = undefined;
        if (p) { if (p.timer) clearTimeout(p.timer); p.resolve({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${p.requestId} Error: Runtime exited without providing a reason` } }); }
        all.push(env.worker.terminate());
      }
      fn.all.clear();
      fn.idle.length = 0;
    }
    await Promise.allSettled(all);
    for (const fn of this.fns.values()) removeFiles(fn);
  }
}

/** Removes a function's bundle and scratch code directory (never a directory it still uses). */
function removeFiles(fn: Fn, keep?: string): void {
  if (fn.bundle) rmSync(fn.bundle, { force: true });
  if (fn.def.temporaryDirectory && fn.def.directory !== (keep && resolve(keep))) rmSync(fn.def.directory, { recursive: true, force: true });
}

function qualifierOf(nameOrArn: string): string | undefined {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+:(.+)$/.exec(nameOrArn);
  if (arn) return arn[1];
  if (nameOrArn.startsWith('arn:')) return undefined;
  const partial = /^[^:]+:function:[^:]+:(.+)$/.exec(nameOrArn);
  if (partial) return partial[1];
  const parts = nameOrArn.split(':');
  return parts.length === 2 ? parts[1] : undefined;
}

function logStream(): string {
  const d = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return `${d}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
}

/** `dir/file.export.nested` → module `dir/file`, export path [export, nested] (Node.js runtime rules). */
export function splitHandler(handler: string): { module: string; exportPath: string[] } {
  const slash = handler.lastIndexOf('/');
  const base = handler.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot < 0) return { module: handler, exportPath: [] };
  return { module: handler.slice(0, slash + 1) + base.slice(0, dot), exportPath: base.slice(dot + 1).split('.') };
}

/** The file a worker imports: the handler module itself, or its esbuild bundle for TypeScript. */
async function resolveEntry(def: FunctionDefinition & { handler: string; directory: string }): Promise<string> {
  const { module } = splitHandler(def.handler);
  const base = join(def.directory, module);
  const found = HANDLER_EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f));
  if (!found) return base + '.js'; // the worker reports Runtime.ImportModuleError
  if (!/\.[mc]?ts$/.test(found)) return found;
  const { build } = await import('esbuild');
  const stamp = createHash('sha1').update(`${found}:${statSync(found).mtimeMs}:${Date.now()}:${randomUUID()}`).digest('hex').slice(0, 16);
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const outfile = join(BUNDLE_DIR, `${def.name}-${stamp}.mjs`);
  await build({
    entryPoints: [found], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'inline', logLevel: 'silent',
    // CommonJS dependencies inside an ESM bundle still need `require`, resolved from the source file.
    banner: { js: `import { createRequire as __stepgateRequire } from 'node:module'; const require = __stepgateRequire(${JSON.stringify(found)});` },
  });
  return outfile;
}
