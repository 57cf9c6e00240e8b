#!/usr/bin/env node
// Sends one SigV4-signed request (service execute-api), as the asker's Java snippet does, signed by
// @smithy/signature-v4 (the AWS SDK for JavaScript's signer) with the keys in AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), region AWS_REGION (default us-east-1).
// Usage: node examples/seed-001-iam-identity/signed-request.mjs [METHOD] URL [BODY]
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

const args = process.argv.slice(2);
const method = args.length > 1 && /^[A-Z]+$/.test(args[0]) ? args.shift() : 'GET';
const [target, body] = args;
if (!target) { console.error('usage: signed-request.mjs [METHOD] URL [BODY]'); process.exit(2); }
const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
if (!accessKeyId || !secretAccessKey) { console.error('set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'); process.exit(2); }
const sessionToken = process.env.AWS_SESSION_TOKEN;

/** SHA-256 and HMAC-SHA256 for the signer, from node:crypto. */
class Sha256 {
  constructor(secret) { this.secret = secret; this.reset(); }
  update(data) { this.hash.update(typeof data === 'string' ? data : Buffer.from(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength)); }
  digest() { return Promise.resolve(new Uint8Array(this.hash.digest())); }
  reset() { this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret)); }
}

const url = new URL(target);
const query = {};
for (const [k, v] of url.searchParams) query[k] = v;
const signer = new SignatureV4({
  service: 'execute-api', region: process.env.AWS_REGION ?? 'us-east-1', sha256: Sha256,
  credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
});
const signed = await signer.sign({
  method, protocol: url.protocol, hostname: url.host, path: url.pathname, query,
  headers: { host: url.host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body } : {}),
});

const res = await new Promise((resolve, reject) => {
  const req = request({ host: url.hostname === 'localhost' || url.hostname.endsWith('.localhost') ? '127.0.0.1' : url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, headers: signed.headers }, resolve);
  req.on('error', reject);
  req.end(body);
});
let text = '';
for await (const chunk of res) text += chunk;
console.error(`HTTP ${res.statusCode} (x-amzn-ErrorType: ${res.headers['x-amzn-errortype'] ?? '-'})`);
console.log(text);
