// Random ids API Gateway makes up per request: request ids, trace ids, the extended request id and
// CloudFront's Via / X-Amz-Cf-Id. They only need to look like AWS's, but they are made on every
// invocation, so they come from one pooled buffer of crypto-random bytes (refilled when used up)
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

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const UUID_TEXT = Buffer.alloc(36);

/** A random version-4 UUID, as crypto.randomUUID makes, written as one flat string (request ids). */
export function randomUuid(): string {
  const at = take(16);
  let o = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) UUID_TEXT[o++] = 0x2d;
    let b = POOL[at + i] as number;
    if (i === 6) b = (b & 0x0f) | 0x40; // version 4
    else if (i === 8) b = (b & 0x3f) | 0x80; // RFC 4122 variant
    UUID_TEXT[o++] = HEX_DIGITS[b >> 4] as number;
    UUID_TEXT[o++] = HEX_DIGITS[b & 15] as number;
  }
  return UUID_TEXT.toString('latin1', 0, 36);
}
