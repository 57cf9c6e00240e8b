// The Step Functions endpoint of the server: AWS JSON 1.0 over `POST /` with
// `X-Amz-Target: AWSStepFunctions.<Action>`, any Host (including the `sync-` prefix SDKs use for
// StartSyncExecution and TestState). Every failure leaves here as AWS's error JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { SfnError, serializationError, unknownOperation, requestTooLarge, ProtocolError } from '../sfn/errors.js';
import type { SfnService } from '../sfn/api.js';

export const TARGET_PREFIX = 'AWSStepFunctions.';
/** FACTS §1.4: API requests are limited to 1 MB. */
export const MAX_REQUEST_BYTES = 1_048_576 + 65_536;
/** stepgate extension: per-request time-scale of an execution (see docs/step-functions.md). */
export const TIME_SCALE_HEADER = 'x-stepgate-time-scale';
const JSON_10 = 'application/x-amz-json-1.0';

export function isSfnRequest(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return req.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_10,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown, log?: (m: string) => void): void {
  if (e instanceof SfnError) {
    const w = e.toWire();
    if (!res.headersSent) {
      res.setHeader('x-amzn-errortype', e.code);
      send(res, w.status, w.body);
    }
    return;
  }
  log?.(`internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  if (!res.headersSent) send(res, 500, { __type: 'com.amazonaws.swf.service.v2.model#InternalFailure', message: 'An internal error occurred' });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => (tooLarge ? reject(requestTooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export async function handleSfn(service: SfnService, req: IncomingMessage, res: ServerResponse, log?: (m: string) => void): Promise<void> {
  try {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BYTES) { req.resume(); throw requestTooLarge(); }
    const raw = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    // The JSON protocol is chosen by the content type; anything else is not an operation this endpoint knows.
    if (type !== JSON_10 && type !== 'application/json') throw unknownOperation();
    if (!Object.prototype.hasOwnProperty.call(service.actions, action)) throw unknownOperation();
    let body: unknown = {};
    const text = raw.toString('utf8');
    if (text.trim() !== '') {
      try { body = JSON.parse(text); } catch { throw serializationError('Start of structure or map found where not expected.'); }
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw serializationError('Start of structure or map found where not expected.');
    const scaleHeader = req.headers[TIME_SCALE_HEADER];
    const extras: { timeScale?: number } = {};
    if (typeof scaleHeader === 'string' && scaleHeader !== '') {
      const n = Number(scaleHeader);
      if (!Number.isFinite(n) || n < 0) throw new ProtocolError('ValidationException', `Invalid ${TIME_SCALE_HEADER} header: '${scaleHeader}'`);
      extras.timeScale = n;
    }
    const out = await service.handle(action, body as Record<string, unknown>, extras);
    send(res, 200, out);
  } catch (e) {
    sendError(res, e, log);
  }
}
