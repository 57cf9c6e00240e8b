// Random ids for the headers and trace ids API Gateway makes up per request (trace ids, request ids
// of the edge, CloudFront's Via / X-Amz-Cf-Id). They only need to look like AWS's, but they are made on
// every invocation, so they come from one pooled buffer of crypto-random bytes (refilled when used up)
// instead of a call into crypto or a Math.random() per character.
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.allocUnsafe(4096);
let offset = POOL.length;

function take(bytes: number): number {
  if (offset + bytes > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const at = offset;
  offset += bytes;
  return at;
}

/** `chars` random lower-case hex digits. */
export function randomHex(chars: number): string {
  const bytes = (chars + 1) >> 1;
  const at = take(bytes);
  const s = POOL.toString('hex', at, at + bytes);
  return (chars & 1) === 1 ? s.slice(0, chars) : s;
}

/** `bytes` random bytes as base64 (with padding) or base64url (without). */
export function randomBase64(bytes: number, encoding: 'base64' | 'base64url'): string {
  const at = take(bytes);
  return POOL.toString(encoding, at, at + bytes);
}
