// Metering of API invocations (FACTS §5.1 step 3): usage-plan and stage throttling as token buckets,
// usage-plan quotas counted per key per UTC day, and those counts kept in the store across restarts.
import { GatewayError } from './errors.js';
import type { InvocationContext } from './pipeline.js';
import type { QuotaSettings, Stage, ThrottleSettings, UsagePlan } from './model.js';

/** Where usage counts are kept between runs (the Store's document methods fit). */
export interface UsageDocuments {
  getDocument(key: string): Promise<string | undefined>;
  putDocument(key: string, text: string): Promise<void>;
}

/** the store document holding the usage counts */
export const USAGE_DOCUMENT = 'apigateway-usage';
/** counts are written at most this often (and at close): a crash loses at most this much metering */
export const FLUSH_INTERVAL_MS = 1000;
/** day counts older than this are dropped when written (GetUsage reaches back at most this far) */
const KEEP_DAYS = 93;
const DAY_MS = 86_400_000;

export const QuotaPeriod = { DAY: 'DAY', WEEK: 'WEEK', MONTH: 'MONTH' } as const;
export type QuotaPeriod = (typeof QuotaPeriod)[keyof typeof QuotaPeriod];

// ------------------------------------------------------------------------------------ token bucket
/**
 * API Gateway throttles with a token bucket (developer guide, "Throttle requests to your REST APIs"):
 * `burstLimit` tokens of capacity, refilled at `rateLimit` tokens per second, one token per request.
 * The bucket starts full. A burst of 0 holds no token, so every request is throttled.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(readonly rate: number, readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token at time `now` (ms); false when the bucket is empty. */
  take(now: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/**
 * The limits a throttle setting describes, or undefined for "not limited". AWS stores both numbers;
 * when only one is given: no rate means no limit, no burst means a bucket of one second at the rate
 * (at least one token). Both are documented as targets, not exact ceilings.
 */
export function bucketLimits(t: ThrottleSettings | undefined): { rate: number; burst: number } | undefined {
  if (!t || typeof t.rateLimit !== 'number') return undefined;
  const burst = typeof t.burstLimit === 'number' ? t.burstLimit : Math.max(1, Math.ceil(t.rateLimit));
  return { rate: t.rateLimit, burst };
}

// ------------------------------------------------------------------------------------ quota periods
/** `yyyy-mm-dd` of the UTC day containing `ms`. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** epoch ms of 00:00 UTC of a `yyyy-mm-dd` day, or undefined when it is not a real calendar date. */
export function parseDay(day: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return dayOf(ms) === day ? ms : undefined;
}

/**
 * Start (epoch ms) of the quota period containing `ms`. Periods follow the UTC calendar, so a quota
 * "resets at the beginning of the month" (aws-cli create-usage-plan example); a WEEK starts on Sunday
 * (the SDK documentation of QuotaSettings once said an offset of 0 starts a week on Sunday).
 */
export function periodStart(period: QuotaPeriod, ms: number): number {
  const d = new Date(ms);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (period) {
    case 'DAY': return day;
    case 'WEEK': return day - d.getUTCDay() * DAY_MS;
    default: return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

/** Start of the period after the one starting at `start` (Date.UTC carries month-ends and Decembers). */
export function nextPeriodStart(period: QuotaPeriod, start: number): number {
  switch (period) {
    case 'DAY': return start + DAY_MS;
    case 'WEEK': return start + 7 * DAY_MS;
    default: {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
  }
}

/**
 * Requests a key may make in the period starting at `start`. QuotaSettings.offset is "the number of
 * requests subtracted from the given limit in the initial time period" (API reference, CloudFormation
 * UsagePlan QuotaSettings): the period in which the quota was set (`since`, epoch s).
 */
export function periodAllowance(quota: QuotaSettings, start: number, since: number | undefined): number {
  const offset = quota.offset ?? 0;
  const initial = since !== undefined && offset > 0 && periodStart(quota.period as QuotaPeriod, since * 1000) === start;
  return Math.max(0, quota.limit - (initial ? offset : 0));
}

// ------------------------------------------------------------------------------------ the meter
interface KeyUsage {
  /** requests counted per UTC day */
  days: Map<string, number>;
  /** UpdateUsage `/remaining`: extra requests granted (or taken) in one period */
  adjust?: { start: number; delta: number };
  /** requests counted in the period starting at `cacheStart` (so a request does not sum its days) */
  cacheStart?: number;
  cachePeriod?: QuotaPeriod;
  cacheUsed?: number;
}

export interface UsageMeterOptions {
  /** epoch ms (tests pass a fake clock) */
  now?: () => number;
}

/** One day of GetUsage: [requests counted, requests remaining in the quota period at the day's end]. */
export type UsageDay = [number, number];

export class UsageMeter {
  private readonly now: () => number;
  private readonly buckets = new Map<string, { bucket: TokenBucket; rate: number; burst: number }>();
  /** planId → keyId → usage */
  private readonly usage = new Map<string, Map<string, KeyUsage>>();
  private dirty = false;
  private store?: UsageDocuments;
  private timer?: ReturnType<typeof setInterval>;
  private writing: Promise<void> = Promise.resolve();

  constructor(options: UsageMeterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The pipeline's metering stage, right after the API key check: throws THROTTLED or QUOTA_EXCEEDED. */
  meter(ctx: InvocationContext): void {
    const route = ctx.route;
    // The common case, no plan and no stage throttling, costs nothing more.
    if (!route || (!ctx.apiKeyMatch && isEmpty(ctx.stage.methodSettings))) return;
    const resourcePath = route.compiled.resource.path;
    const verb = route.compiled.method.httpMethod;
    this.check({
      apiId: ctx.api.snapshot.api.id, stage: ctx.stage, resourcePath, verb,
      ...(ctx.apiKeyMatch ? { keyId: ctx.apiKeyMatch.keyId, plan: ctx.apiKeyMatch.plan } : {}),
    });
  }

  /**
   * Throttling hierarchy (FACTS §5.1): usage-plan method → usage plan → stage method → stage default.
   * Each configured level is a bucket of its own and every one must have a token. Quota is checked
   * first (an exhausted quota answers Limit Exceeded rather than Too Many Requests) and counted last,
   * so throttled requests do not use quota.
   */
  check(r: { apiId: string; stage: Stage; resourcePath: string; verb: string; keyId?: string; plan?: UsagePlan }): void {
    const now = this.now();
    const plan = r.plan;
    const keyId = r.keyId;
    let quotaUse: { u: KeyUsage; start: number; quota: QuotaSettings } | undefined;
    if (plan && keyId !== undefined && plan.quota) {
      const start = periodStart(plan.quota.period as QuotaPeriod, now);
      const u = this.keyUsage(plan.id, keyId);
      const used = this.usedInPeriod(u, plan.quota.period as QuotaPeriod, start);
      if (used >= this.allowance(plan, u, start)) throw new GatewayError('QUOTA_EXCEEDED');
      quotaUse = { u, start, quota: plan.quota };
    }
    if (plan && keyId !== undefined) {
      const methodKey = `${r.resourcePath}/${r.verb}`;
      const stageThrottle = plan.apiStages.find((s) => s.apiId === r.apiId && s.stage === r.stage.stageName)?.throttle?.[methodKey];
      this.take(`p\0${plan.id}\0${keyId}\0${methodKey}`, bucketLimits(stageThrottle), now);
      this.take(`p\0${plan.id}\0${keyId}`, bucketLimits(plan.throttle), now);
    }
    const settings = stageMethodSettings(r.stage, r.resourcePath, r.verb);
    if (settings) this.take(`s\0${r.apiId}\0${r.stage.stageName}\0${r.resourcePath}/${r.verb}`, settings, now);
    if (quotaUse) this.count(quotaUse.u, now, quotaUse.quota.period as QuotaPeriod, quotaUse.start);
  }

  private take(key: string, limits: { rate: number; burst: number } | undefined, now: number): void {
    if (!limits) return;
    let b = this.buckets.get(key);
    // A changed setting starts a fresh bucket with the new numbers.
    if (!b || b.rate !== limits.rate || b.burst !== limits.burst) {
      b = { bucket: new TokenBucket(limits.rate, limits.burst, now), ...limits };
      this.buckets.set(key, b);
    }
    if (!b.bucket.take(now)) throw new GatewayError('THROTTLED');
  }

  private keyUsage(planId: string, keyId: string): KeyUsage {
    let byKey = this.usage.get(planId);
    if (!byKey) { byKey = new Map(); this.usage.set(planId, byKey); }
    let u = byKey.get(keyId);
    if (!u) { u = { days: new Map() }; byKey.set(keyId, u); }
    return u;
  }

  /** Requests counted in the period starting at `start` (days after today hold none). */
  private usedInPeriod(u: KeyUsage, period: QuotaPeriod, start: number): number {
    if (u.cacheStart === start && u.cachePeriod === period) return u.cacheUsed ?? 0;
    let used = 0;
    const end = nextPeriodStart(period, start);
    for (let t = start; t < end; t += DAY_MS) used += u.days.get(dayOf(t)) ?? 0;
    u.cacheStart = start;
    u.cachePeriod = period;
    u.cacheUsed = used;
    return used;
  }

  private allowance(plan: UsagePlan, u: KeyUsage, start: number): number {
    const quota = plan.quota as QuotaSettings;
    const base = periodAllowance(quota, start, plan.quotaSince);
    return Math.max(0, base + (u.adjust?.start === start ? u.adjust.delta : 0));
  }

  private count(u: KeyUsage, now: number, period: QuotaPeriod, start: number): void {
    const day = dayOf(now);
    u.days.set(day, (u.days.get(day) ?? 0) + 1);
    if (u.cacheStart === start && u.cachePeriod === period) u.cacheUsed = (u.cacheUsed ?? 0) + 1;
    this.dirty = true;
  }

  // ---------------------------------------------------------------------------------- GetUsage / UpdateUsage
  /**
   * GetUsage items: per key, one [used, remaining] pair per day from `from` to `to` (epoch ms of UTC
   * days, inclusive). Without a quota the remaining count is 0 (unverified).
   */
  usageOf(plan: UsagePlan, keyIds: string[], from: number, to: number): Record<string, UsageDay[]> {
    const out: Record<string, UsageDay[]> = {};
    for (const keyId of keyIds) {
      const u = this.usage.get(plan.id)?.get(keyId) ?? { days: new Map<string, number>() };
      const days: UsageDay[] = [];
      for (let t = from; t <= to; t += DAY_MS) {
        const used = u.days.get(dayOf(t)) ?? 0;
        if (!plan.quota) { days.push([used, 0]); continue; }
        const start = periodStart(plan.quota.period as QuotaPeriod, t);
        let inPeriod = 0;
        for (let d = start; d <= t; d += DAY_MS) inPeriod += u.days.get(dayOf(d)) ?? 0;
        days.push([used, Math.max(0, this.allowance(plan, u, start) - inPeriod)]);
      }
      out[keyId] = days;
    }
    return out;
  }

  /** UpdateUsage `replace /remaining`: the key may make `remaining` more requests in the current period. */
  setRemaining(plan: UsagePlan, keyId: string, remaining: number): void {
    if (!plan.quota) return;
    const now = this.now();
    const period = plan.quota.period as QuotaPeriod;
    const start = periodStart(period, now);
    const u = this.keyUsage(plan.id, keyId);
    const used = this.usedInPeriod(u, period, start);
    u.adjust = { start, delta: remaining + used - periodAllowance(plan.quota, start, plan.quotaSince) };
    this.dirty = true;
  }

  /** A key left a plan or was deleted: its counts go with it. */
  forget(planId: string, keyId?: string): void {
    if (keyId === undefined) this.usage.delete(planId);
    else this.usage.get(planId)?.delete(keyId);
    for (const k of this.buckets.keys()) if (k.startsWith(`p\0${planId}\0${keyId ?? ''}`)) this.buckets.delete(k);
    this.dirty = true;
  }

  /** Today, per the meter's clock (GetUsage's default reach). */
  today(): number {
    return parseDay(dayOf(this.now())) as number;
  }

  // ---------------------------------------------------------------------------------- persistence
  /**
   * Counts as one JSON document: `[planId, keyId, day, count]` rows and UpdateUsage adjustments.
   * Days older than KEEP_DAYS are dropped here.
   */
  serialize(): string {
    const oldest = dayOf(this.now() - KEEP_DAYS * DAY_MS);
    const counts: [string, string, string, number][] = [];
    const adjust: [string, string, number, number][] = [];
    for (const [planId, byKey] of this.usage) {
      for (const [keyId, u] of byKey) {
        for (const [day, n] of u.days) if (day >= oldest) counts.push([planId, keyId, day, n]);
        if (u.adjust) adjust.push([planId, keyId, u.adjust.start, u.adjust.delta]);
      }
    }
    return JSON.stringify({ version: 1, counts, adjust });
  }

  restore(text: string): void {
    const doc = JSON.parse(text) as { counts?: [string, string, string, number][]; adjust?: [string, string, number, number][] };
    this.usage.clear();
    for (const [planId, keyId, day, n] of doc.counts ?? []) this.keyUsage(planId, keyId).days.set(day, n);
    for (const [planId, keyId, start, delta] of doc.adjust ?? []) this.keyUsage(planId, keyId).adjust = { start, delta };
  }

  /**
   * Loads the counts a previous run wrote and writes changed counts every FLUSH_INTERVAL_MS, off the
   * request path (an SQLite write per request would cost more than the request itself).
   */
  async attach(store: UsageDocuments): Promise<void> {
    this.store = store;
    const saved = await store.getDocument(USAGE_DOCUMENT);
    if (saved !== undefined) {
      try { this.restore(saved); } catch { /* an unreadable document starts the counts afresh */ }
    }
    this.timer = setInterval(() => { void this.flush(); }, FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Writes the counts if they changed since the last write. */
  flush(): Promise<void> {
    if (!this.store || !this.dirty) return this.writing;
    this.dirty = false;
    const store = this.store;
    const text = this.serialize();
    this.writing = this.writing.then(() => store.putDocument(USAGE_DOCUMENT, text)).catch(() => { this.dirty = true; });
    return this.writing;
  }

  /** Stops the timer and writes what is left (server shutdown, before the store closes). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    this.store = undefined;
  }
}

/**
 * A stage's throttling for one method: its own methodSettings entry (`~1res~1sub/GET`, the resource
 * path with `/` written `~1` as UpdateStage paths spell it), else the stage default `*\/*`. AWS fills
 * the number not set from the account default (rate 10000, burst 5000) [rec: test_create_update_stages].
 */
export function stageMethodSettings(stage: Stage, resourcePath: string, verb: string): { rate: number; burst: number } | undefined {
  const all = stage.methodSettings as Record<string, { throttlingRateLimit?: number; throttlingBurstLimit?: number } | undefined>;
  if (isEmpty(all)) return undefined;
  const own = all[`${resourcePath.replace(/\//g, '~1')}/${verb}`];
  const s = own && (own.throttlingRateLimit !== undefined || own.throttlingBurstLimit !== undefined) ? own : all['*/*'];
  if (!s || (s.throttlingRateLimit === undefined && s.throttlingBurstLimit === undefined)) return undefined;
  return { rate: s.throttlingRateLimit ?? 10_000, burst: s.throttlingBurstLimit ?? 5_000 };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
