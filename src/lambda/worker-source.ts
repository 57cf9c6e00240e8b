// The code of one Lambda execution environment, run in a worker thread (eval'd as plain JavaScript so
// it needs no TypeScript loader). It imports the handler module once (init phase), then answers one
// invocation at a time, building the `context` object and the error document like AWS's Node.js
// runtime (aws-lambda-nodejs-runtime-interface-client): `{errorType, errorMessage, trace}`.
// A function declared with a Python runtime reports `{errorMessage, errorType, requestId, stackTrace}`
// instead, as the Python runtime does (used to emulate the Python functions of the recorded corpus),
// and serialises results as Python's json.dumps does (`{"a": 1, "b": [1, 2]}`: a space after `:` and `,`).

export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const python = workerData.runtime.startsWith('python');

function errorDocument(error, requestId) {
  const isError = error instanceof Error || (error && typeof error === 'object' && typeof error.name === 'string' && typeof error.message === 'string');
  if (python) {
    const trace = isError && Array.isArray(error.stackTrace) ? error.stackTrace.map(String)
      : isError && typeof error.stack === 'string' ? error.stack.split('\n').slice(1) : [];
    return { errorMessage: isError ? String(error.message) : String(error), errorType: isError ? String(error.name) : typeof error, requestId, stackTrace: trace };
  }
  if (isError) {
    return { errorType: String(error.name), errorMessage: String(error.message), trace: typeof error.stack === 'string' ? error.stack.split('\n') : [] };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

// Python's json.dumps with its default separators (', ', ': '); strings and numbers as JSON.stringify.
function pythonJson(v) {
  if (Array.isArray(v)) return '[' + v.map((x) => pythonJson(x === undefined || typeof x === 'function' ? null : x)).join(', ') + ']';
  if (v !== null && typeof v === 'object' && typeof v.toJSON !== 'function') {
    const parts = [];
    for (const [k, x] of Object.entries(v)) if (x !== undefined && typeof x !== 'function') parts.push(JSON.stringify(k) + ': ' + pythonJson(x));
    return '{' + parts.join(', ') + '}';
  }
  const text = JSON.stringify(v);
  return text === undefined ? 'null' : text;
}

let handler;
let initError;
let current;

async function init() {
  let mod;
  try {
    mod = await import(pathToFileURL(workerData.file).href);
  } catch (e) {
    const syntax = e instanceof SyntaxError;
    const err = new Error(syntax ? String(e) : 'Error: ' + (e && e.message ? e.message : String(e)));
    err.name = syntax ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
    err.stack = (err.name + ': ' + err.message + '\n' + (e && e.stack ? e.stack.split('\n').slice(1).join('\n') : '')).trimEnd();
    initError = err;
    return;
  }
  let fn = mod;
  for (const part of workerData.exportPath) fn = fn == null ? undefined : (fn[part] ?? (fn.default ? fn.default[part] : undefined));
  if (typeof fn !== 'function') {
    const err = new Error(workerData.handler + ' is undefined or not exported');
    err.name = 'Runtime.HandlerNotFound';
    initError = err;
    return;
  }
  handler = fn;
}
const ready = init();

function finish(id, requestId, ok, value, fatal) {
  if (!current || current.id !== id) return;
  current = undefined;
  if (ok) {
    let text;
    try {
      text = python ? pythonJson(value === undefined ? null : value) : JSON.stringify(value === undefined ? null : value);
    } catch {
      // AWS's Node.js runtime: a result JSON.stringify cannot serialise is a function error.
      const err = new Error('Unable to stringify response body');
      parentPort.postMessage({ id, ok: false, error: errorDocument(err, requestId) });
      return;
    }
    parentPort.postMessage({ id, ok: true, payload: text });
  } else {
    parentPort.postMessage({ id, ok: false, error: errorDocument(value, requestId), fatal: fatal === true });
  }
}

process.on('uncaughtException', (e) => {
  if (current) finish(current.id, current.requestId, false, e, true);
  // Like the Lambda runtime, the environment does not survive an uncaught exception.
  process.exit(129);
});
process.on('unhandledRejection', (e) => {
  if (current) finish(current.id, current.requestId, false, e, true);
  process.exit(128);
});

parentPort.on('message', async (msg) => {
  await ready;
  const { id, event, ctx } = msg;
  current = { id, requestId: ctx.awsRequestId };
  if (initError) { finish(id, ctx.awsRequestId, false, initError); return; }
  let settled = false;
  const done = (err, result) => {
    if (settled) return;
    settled = true;
    if (err !== undefined && err !== null) finish(id, ctx.awsRequestId, false, err);
    else finish(id, ctx.awsRequestId, true, result);
  };
  const deadline = ctx.deadline;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: ctx.functionName,
    functionVersion: ctx.functionVersion,
    invokedFunctionArn: ctx.invokedFunctionArn,
    memoryLimitInMB: String(ctx.memoryLimitInMB),
    awsRequestId: ctx.awsRequestId,
    logGroupName: ctx.logGroupName,
    logStreamName: ctx.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (err, result) => done(err, result),
    succeed: (result) => done(null, result),
    fail: (err) => done(err === undefined || err === null ? new Error('handled') : err),
  };
  if (ctx.clientContext !== undefined) context.clientContext = ctx.clientContext;
  if (ctx.identity !== undefined) context.identity = ctx.identity;
  try {
    const out = handler.length >= 3 ? handler(event, context, done) : handler(event, context);
    if (out && typeof out.then === 'function') out.then((r) => done(null, r), (e) => done(e === undefined || e === null ? new Error(String(e)) : e));
    else if (handler.length < 3) done(null, out);
  } catch (e) {
    done(e === undefined || e === null ? new Error(String(e)) : e);
  }
});
`;
