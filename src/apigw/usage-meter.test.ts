// Token bucket, quota period arithmetic (UTC calendar, Sunday weeks, month ends, offsets) and the
// meter's counting, driven by a fake clock: no test here sleeps or measures time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from './errors.js';
import type { Stage, UsagePlan } from './model.js';
import {
  TokenBucket, UsageMeter, bucketLimits, dayOf, nextPeriodStart, parseDay, periodAllowance, periodStart, stageMethodSettings,
} from './usage-meter.js';

const at = (iso: string): number => Date.parse(iso);

test('token bucket: starts full at burst, refills at rate per second, never above burst', () => {
  const b = new TokenBucket(2, 3, 0);
  assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
  // 0.5 s at 2/s is one token
  assert.deepEqual([b.take(500), b.take(500)], [true, false]);
  // a long pause refills to the burst only
  assert.deepEqual([b.take(60_000), b.take(60_000), b.take(60_000), b.take(60_000)], [true, true, true, false]);
  // fractional tokens accumulate: 0.25 s + 0.25 s at 2/s
  assert.equal(b.take(60_250), false);
  assert.equal(b.take(60_500), true);
});

test('token bucket: burst 0 holds no token; a clock going backwards adds none', () => {
  const zero = new TokenBucket(100, 0, 0);
  assert.equal(zero.take(0), false);
  assert.equal(zero.take(10_000), false);
  const b = new TokenBucket(1, 1, 1000);
  assert.equal(b.take(1000), true);
  assert.equal(b.take(0), false);
});

test('bucketLimits: no rate is no limit; no burst is one second at the rate (at least 1)', () => {
  assert.equal(bucketLimits(undefined), undefined);
  assert.equal(bucketLimits({ burstLimit: 5 }), undefined);
  assert.deepEqual(bucketLimits({ rateLimit: 2.5 }), { rate: 2.5, burst: 3 });
  assert.deepEqual(bucketLimits({ rateLimit: 0.1 }), { rate: 0.1, burst: 1 });
  assert.deepEqual(bucketLimits({ rateLimit: 10, burstLimit: 0 }), { rate: 10, burst: 0 });
});

test('quota periods follow the UTC calendar: days, Sunday weeks, months and their ends', () => {
  // 2024-02-29 is a Thursday in a leap year
  const t = at('2024-02-29T23:59:59.999Z');
  assert.equal(periodStart('DAY', t), at('2024-02-29T00:00:00Z'));
  assert.equal(periodStart('WEEK', t), at('2024-02-25T00:00:00Z'));
  assert.equal(periodStart('MONTH', t), at('2024-02-01T00:00:00Z'));
  assert.equal(nextPeriodStart('DAY', at('2024-02-29T00:00:00Z')), at('2024-03-01T00:00:00Z'));
  assert.equal(nextPeriodStart('MONTH', at('2024-02-01T00:00:00Z')), at('2024-03-01T00:00:00Z'));
  assert.equal(nextPeriodStart('MONTH', at('2024-12-01T00:00:00Z')), at('2025-01-01T00:00:00Z'));
  assert.equal(nextPeriodStart('MONTH', at('2024-01-01T00:00:00Z')), at('2024-02-01T00:00:00Z'));
  assert.equal(nextPeriodStart('WEEK', at('2024-12-29T00:00:00Z')), at('2025-01-05T00:00:00Z'));
  // a Sunday is the first day of its own week; a Saturday the last
  assert.equal(periodStart('WEEK', at('2024-03-03T00:00:00Z')), at('2024-03-03T00:00:00Z'));
  assert.equal(periodStart('WEEK', at('2024-03-09T12:00:00Z')), at('2024-03-03T00:00:00Z'));
  // a week across a year end
  assert.equal(periodStart('WEEK', at('2025-01-01T08:00:00Z')), at('2024-12-29T00:00:00Z'));
  // the last millisecond of a month belongs to it; the next one does not
  assert.equal(periodStart('MONTH', at('2023-04-30T23:59:59.999Z')), at('2023-04-01T00:00:00Z'));
  assert.equal(periodStart('MONTH', at('2023-05-01T00:00:00.000Z')), at('2023-05-01T00:00:00Z'));
});

test('days: yyyy-mm-dd of UTC, and only real calendar dates parse', () => {
  assert.equal(dayOf(at('2024-02-29T23:00:00Z')), '2024-02-29');
  assert.equal(parseDay('2024-02-29'), at('2024-02-29T00:00:00Z'));
  for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '20240101', '', 'yesterday', '2024-02-30']) assert.equal(parseDay(bad), undefined, bad);
});

test('offset: requests subtracted from the limit in the period the quota was set only', () => {
  const quota = { limit: 100, offset: 30, period: 'MONTH' };
  const since = at('2024-01-17T10:00:00Z') / 1000;
  assert.equal(periodAllowance(quota, at('2024-01-01T00:00:00Z'), since), 70);
  assert.equal(periodAllowance(quota, at('2024-02-01T00:00:00Z'), since), 100);
  assert.equal(periodAllowance({ limit: 10, offset: 30, period: 'DAY' }, at('2024-01-17T00:00:00Z'), since), 0);
  assert.equal(periodAllowance({ limit: 10, period: 'WEEK' }, at('2024-01-14T00:00:00Z'), since), 10);
  // a quota with no known start (one written by a template) has no initial period
  assert.equal(periodAllowance(quota, at('2024-01-01T00:00:00Z'), undefined), 100);
});

// ------------------------------------------------------------------------------------ the meter
function stage(methodSettings: Record<string, unknown> = {}): Stage {
  return { stageName: 'dev', deploymentId: 'd', createdDate: 0, lastUpdatedDate: 0, cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE', methodSettings, tracingEnabled: false };
}

function plan(over: Partial<UsagePlan> = {}): UsagePlan {
  return { id: 'plan1', name: 'p', apiStages: [{ apiId: 'api1', stage: 'dev' }], keyIds: ['key1'], ...over };
}

function clock(iso: string): { now: () => number; set(iso: string): void; add(ms: number): void } {
  let t = at(iso);
  return { now: () => t, set: (s) => { t = at(s); }, add: (ms) => { t += ms; } };
}

const outcome = (fn: () => void): string => {
  try { fn(); return 'ok'; } catch (e) { return e instanceof GatewayError ? e.type : String(e); }
};

test('meter: a DAY quota counts requests and resets at 00:00 UTC; GetUsage reports [used, remaining]', () => {
  const c = clock('2024-03-05T23:59:00Z');
  const m = new UsageMeter({ now: c.now });
  const p = plan({ quota: { limit: 2, offset: 0, period: 'DAY' } });
  const req = { apiId: 'api1', stage: stage(), resourcePath: '/pets', verb: 'GET', keyId: 'key1', plan: p };
  assert.deepEqual([outcome(() => m.check(req)), outcome(() => m.check(req)), outcome(() => m.check(req))], ['ok', 'ok', 'QUOTA_EXCEEDED']);
  c.set('2024-03-06T00:00:00Z');
  assert.equal(outcome(() => m.check(req)), 'ok');
  const usage = m.usageOf(p, ['key1'], at('2024-03-04T00:00:00Z'), at('2024-03-06T00:00:00Z'));
  assert.deepEqual(usage, { key1: [[0, 2], [2, 0], [1, 1]] });
});

test('meter: a MONTH quota with an offset allows limit − offset in its first month, limit afterwards', () => {
  const c = clock('2024-01-31T12:00:00Z');
  const m = new UsageMeter({ now: c.now });
  const p = plan({ quota: { limit: 3, offset: 2, period: 'MONTH' }, quotaSince: at('2024-01-20T00:00:00Z') / 1000 });
  const req = { apiId: 'api1', stage: stage(), resourcePath: '/', verb: 'GET', keyId: 'key1', plan: p };
  assert.deepEqual([outcome(() => m.check(req)), outcome(() => m.check(req))], ['ok', 'QUOTA_EXCEEDED']);
  c.set('2024-02-01T00:00:00Z');
  assert.deepEqual([1, 2, 3, 4].map(() => outcome(() => m.check(req))), ['ok', 'ok', 'ok', 'QUOTA_EXCEEDED']);
  // requests on several days of one month add up
  c.set('2024-03-30T10:00:00Z');
  assert.equal(outcome(() => m.check(req)), 'ok');
  c.set('2024-03-31T10:00:00Z');
  assert.deepEqual([outcome(() => m.check(req)), outcome(() => m.check(req)), outcome(() => m.check(req))], ['ok', 'ok', 'QUOTA_EXCEEDED']);
});

test('meter: throttled requests use no quota; an exhausted quota answers Limit Exceeded before throttling', () => {
  const c = clock('2024-03-05T10:00:00Z');
  const m = new UsageMeter({ now: c.now });
  const p = plan({ throttle: { rateLimit: 1, burstLimit: 1 }, quota: { limit: 2, offset: 0, period: 'DAY' } });
  const req = { apiId: 'api1', stage: stage(), resourcePath: '/', verb: 'GET', keyId: 'key1', plan: p };
  assert.deepEqual([outcome(() => m.check(req)), outcome(() => m.check(req))], ['ok', 'THROTTLED']);
  c.add(1000);
  assert.deepEqual([outcome(() => m.check(req)), outcome(() => m.check(req))], ['ok', 'QUOTA_EXCEEDED']);
  assert.deepEqual(m.usageOf(p, ['key1'], at('2024-03-05T00:00:00Z'), at('2024-03-05T00:00:00Z')), { key1: [[2, 0]] });
});

test('meter: a usage-plan method throttle and the plan throttle both apply; other methods use the plan bucket', () => {
  const c = clock('2024-03-05T10:00:00Z');
  const m = new UsageMeter({ now: c.now });
  const p = plan({
    throttle: { rateLimit: 1, burstLimit: 3 },
    apiStages: [{ apiId: 'api1', stage: 'dev', throttle: { '/pets/GET': { rateLimit: 1, burstLimit: 1 } } }],
  });
  const pets = { apiId: 'api1', stage: stage(), resourcePath: '/pets', verb: 'GET', keyId: 'key1', plan: p };
  const owners = { ...pets, resourcePath: '/owners' };
  assert.deepEqual([outcome(() => m.check(pets)), outcome(() => m.check(pets))], ['ok', 'THROTTLED']);
  assert.deepEqual([outcome(() => m.check(owners)), outcome(() => m.check(owners)), outcome(() => m.check(owners))], ['ok', 'ok', 'THROTTLED']);
  // another key of the same plan has buckets of its own
  assert.equal(outcome(() => m.check({ ...pets, keyId: 'key2' })), 'ok');
});

test('meter: stage throttling applies to every caller, per method, with the method setting over */*', () => {
  const c = clock('2024-03-05T10:00:00Z');
  const m = new UsageMeter({ now: c.now });
  const s = stage({ '*/*': { throttlingRateLimit: 1, throttlingBurstLimit: 2 }, '~1pets~1{id}/GET': { throttlingRateLimit: 1, throttlingBurstLimit: 1 } });
  const pet = { apiId: 'api1', stage: s, resourcePath: '/pets/{id}', verb: 'GET' };
  const other = { apiId: 'api1', stage: s, resourcePath: '/', verb: 'GET' };
  assert.deepEqual([outcome(() => m.check(pet)), outcome(() => m.check(pet))], ['ok', 'THROTTLED']);
  assert.deepEqual([outcome(() => m.check(other)), outcome(() => m.check(other)), outcome(() => m.check(other))], ['ok', 'ok', 'THROTTLED']);
  assert.deepEqual(stageMethodSettings(stage({ '*/*': { throttlingBurstLimit: 123 } }), '/', 'GET'), { rate: 10_000, burst: 123 });
  assert.equal(stageMethodSettings(stage({ '*/*': { metricsEnabled: true } }), '/', 'GET'), undefined);
  assert.equal(stageMethodSettings(stage(), '/', 'GET'), undefined);
});

test('meter: a changed throttle setting takes effect at once', () => {
  const c = clock('2024-03-05T10:00:00Z');
  const m = new UsageMeter({ now: c.now });
  const p = plan({ throttle: { rateLimit: 1, burstLimit: 1 } });
  const req = { apiId: 'api1', stage: stage(), resourcePath: '/', verb: 'GET', keyId: 'key1', plan: p };
  assert.deepEqual([outcome(() => m.check(req)), outcome(() => m.check(req))], ['ok', 'THROTTLED']);
  p.throttle = { rateLimit: 1, burstLimit: 5 };
  assert.equal(outcome(() => m.check(req)), 'ok');
});

test('meter: UpdateUsage /remaining sets what is left of the current period only', () => {
  const c = clock('2024-03-05T10:00:00Z');
  const m = new UsageMeter({ now: c.now });
  const p = plan({ quota: { limit: 2, offset: 0, period: 'WEEK' } });
  const req = { apiId: 'api1', stage: stage(), resourcePath: '/', verb: 'GET', keyId: 'key1', plan: p };
  m.check(req);
  m.check(req);
  m.setRemaining(p, 'key1', 3);
  assert.deepEqual([1, 2, 3, 4].map(() => outcome(() => m.check(req))), ['ok', 'ok', 'ok', 'QUOTA_EXCEEDED']);
  assert.deepEqual(m.usageOf(p, ['key1'], at('2024-03-05T00:00:00Z'), at('2024-03-05T00:00:00Z')), { key1: [[5, 0]] });
  // the next week (Sunday 2024-03-10) starts from the limit again
  c.set('2024-03-10T00:00:01Z');
  assert.deepEqual([1, 2, 3].map(() => outcome(() => m.check(req))), ['ok', 'ok', 'QUOTA_EXCEEDED']);
});

test('meter: counts survive serialize/restore; old days are dropped; forget removes a key', () => {
  const c = clock('2024-03-05T10:00:00Z');
  const m = new UsageMeter({ now: c.now });
  const p = plan({ quota: { limit: 100, offset: 0, period: 'MONTH' } });
  const req = { apiId: 'api1', stage: stage(), resourcePath: '/', verb: 'GET', keyId: 'key1', plan: p };
  m.check(req);
  c.set('2024-06-20T10:00:00Z');
  m.check(req);
  m.check(req);
  const again = new UsageMeter({ now: c.now });
  again.restore(m.serialize());
  // March is more than 93 days back: dropped; June's two requests remain
  assert.deepEqual(again.usageOf(p, ['key1'], at('2024-03-05T00:00:00Z'), at('2024-03-05T00:00:00Z')), { key1: [[0, 100]] });
  assert.deepEqual(again.usageOf(p, ['key1'], at('2024-06-20T00:00:00Z'), at('2024-06-20T00:00:00Z')), { key1: [[2, 98]] });
  again.forget('plan1', 'key1');
  assert.deepEqual(again.usageOf(p, ['key1'], at('2024-06-20T00:00:00Z'), at('2024-06-20T00:00:00Z')), { key1: [[0, 100]] });
});

test('meter: flushes through the store port only when counts changed, and at close', async () => {
  const c = clock('2024-03-05T10:00:00Z');
  const writes: string[] = [];
  const docs = new Map<string, string>();
  const store = {
    getDocument: async (k: string) => docs.get(k),
    putDocument: async (k: string, v: string) => { writes.push(k); docs.set(k, v); },
  };
  const m = new UsageMeter({ now: c.now });
  await m.attach(store);
  await m.flush();
  assert.equal(writes.length, 0);
  const p = plan({ quota: { limit: 5, offset: 0, period: 'DAY' } });
  m.check({ apiId: 'api1', stage: stage(), resourcePath: '/', verb: 'GET', keyId: 'key1', plan: p });
  await m.close();
  assert.deepEqual(writes, ['apigateway-usage']);
  const next = new UsageMeter({ now: c.now });
  await next.attach(store);
  assert.deepEqual(next.usageOf(p, ['key1'], at('2024-03-05T00:00:00Z'), at('2024-03-05T00:00:00Z')), { key1: [[1, 4]] });
  await next.close();
});
