// The pooled random ids: the shapes AWS's ids have, and no repeats across pool refills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBase64, randomHex, randomUuid } from './random-ids.js';

test('randomUuid is a version-4 UUID, and 10,000 of them (several pool refills) are all different', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const id = randomUuid();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 10_000);
});

test('randomHex and randomBase64 give the lengths asked for', () => {
  for (const n of [1, 16, 24, 31, 32]) assert.match(randomHex(n), new RegExp(`^[0-9a-f]{${n}}$`));
  assert.match(randomBase64(11, 'base64'), /^[A-Za-z0-9+/]{15}=$/);
  assert.match(randomBase64(42, 'base64url'), /^[A-Za-z0-9_-]{56}$/);
  assert.notEqual(randomHex(32), randomHex(32));
});
