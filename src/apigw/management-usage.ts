// The API key and usage plan part of the API Gateway management API (`/apikeys`, `/usageplans`):
// keys, plans, plan keys, GetUsage/UpdateUsage, with AWS's shapes and messages. Metering is usage-meter.ts.
import { randomBytes } from 'node:crypto';
import { parse as parseCsvText } from 'csv-parse/sync';
import { ApiGatewayError, badRequest, conflict, notFound } from './errors.js';
import { jsonBody, ok } from './management-wire.js';
import type { MgmtRequest, MgmtResponse } from './management.js';
import { newId, type ApiKey, type QuotaSettings, type ThrottleSettings, type UsagePlan, type UsagePlanStage } from './model.js';
import type { ApiRegistry } from './registry.js';
import { dayOf, parseDay, type UsageMeter } from './usage-meter.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const KEY_NOT_FOUND = 'Invalid API Key identifier specified';
const PLAN_NOT_FOUND = 'Invalid Usage Plan ID specified';
const PERIODS = ['DAY', 'WEEK', 'MONTH'];

// ------------------------------------------------------------------------------------ values
/** An API key value API Gateway generates: 40 alphanumerics (as the keys in AWS's examples). */
function generatedValue(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(40)].map((b) => alphabet[b % alphabet.length]).join('');
}

function optString(input: Json, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`Invalid ${field} specified`);
  return v;
}

function optTags(input: Json): Record<string, string> | undefined {
  const t = input.tags;
  if (t === undefined || t === null) return undefined;
  if (!isObj(t) || Object.values(t).some((v) => typeof v !== 'string')) throw badRequest('Invalid tags specified');
  for (const k of Object.keys(t)) {
    // The documented limits of tags (CreateApiKey/CreateUsagePlan `tags`).
    if (k.length > 128 || k.startsWith('aws:') || String(t[k]).length > 256) throw badRequest(`Invalid tag key or value specified: ${k}`);
  }
  return t as Record<string, string>;
}

/** A boolean of a JSON body or a patch value: Java reads "true" (any case) as true, anything else false. */
function boolOf(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.toLowerCase() === 'true';
  throw badRequest(`Invalid ${field} specified`);
}

function numberOf(v: unknown, what: string, integer: boolean): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw badRequest(`Invalid ${what} specified: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return n;
}

function throttleOf(v: unknown): ThrottleSettings {
  if (!isObj(v)) throw badRequest('Invalid throttle settings specified');
  const t: ThrottleSettings = {};
  if (v.burstLimit !== undefined && v.burstLimit !== null) t.burstLimit = numberOf(v.burstLimit, 'burst limit', true);
  if (v.rateLimit !== undefined && v.rateLimit !== null) t.rateLimit = numberOf(v.rateLimit, 'rate limit', false);
  return t;
}

function quotaOf(v: unknown): QuotaSettings {
  if (!isObj(v)) throw badRequest('Invalid quota settings specified');
  const period = v.period;
  if (typeof period !== 'string' || !PERIODS.includes(period)) throw badRequest(`Invalid quota period specified: ${String(period)}. Must be one of: [DAY, WEEK, MONTH]`);
  return {
    limit: v.limit === undefined ? 0 : numberOf(v.limit, 'quota limit', true),
    offset: v.offset === undefined ? 0 : numberOf(v.offset, 'quota offset', true),
    period,
  };
}

/** `/resourcePath/VERB` keys of apiStages[].throttle, as the console and CloudFormation write them. */
function methodThrottles(v: unknown): Record<string, ThrottleSettings> {
  if (!isObj(v)) throw badRequest('Invalid method throttle settings specified');
  const out: Record<string, ThrottleSettings> = {};
  for (const [path, t] of Object.entries(v)) {
    if (!/^\/.*\/[A-Za-z]+$/.test(path)) throw badRequest(`Invalid method throttle path specified: ${path}`);
    out[path] = throttleOf(t);
  }
  return out;
}

/** apiStages of CreateUsagePlan: both ids non-empty (AWS's own message keeps its unfilled placeholders). */
function apiStagesOf(v: unknown): UsagePlanStage[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest('Invalid API Stages specified');
  return v.map((s) => {
    if (!isObj(s) || typeof s.apiId !== 'string' || s.apiId === '' || typeof s.stage !== 'string' || s.stage === '') {
      // [observed] aws/aws-sdk#354: the message is sent with its format placeholders unfilled.
      throw badRequest('Invalid API Stage {api: %s, stage: %s} specified for usageplan %s');
    }
    return { apiId: s.apiId, stage: s.stage, ...(s.throttle !== undefined && s.throttle !== null ? { throttle: methodThrottles(s.throttle) } : {}) };
  });
}

/** `restApiId/stageName` strings of CreateApiKey's stageKeys ([{restApiId, stageName}] on the wire). */
function stageKeysOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest('Invalid stage keys specified');
  return v.map((s) => {
    if (typeof s === 'string') return s;
    if (isObj(s) && typeof s.restApiId === 'string' && typeof s.stageName === 'string') return `${s.restApiId}/${s.stageName}`;
    throw badRequest('Invalid stage keys specified');
  });
}

// ------------------------------------------------------------------------------------ records
/**
 * CreateApiKey: `enabled` defaults to false (the API's and the CLI's default); a value has 20 to 128
 * characters ("API Key value should be at least 20 characters"); a value may belong to one key only
 * (ConflictException "API Key already exists", reported by CloudFormation users).
 */
export function newApiKey(input: Json, existing: Iterable<ApiKey>, now: number): ApiKey {
  const given = optString(input, 'value');
  const value = given ?? generatedValue();
  if (value.length < 20) throw badRequest('API Key value should be at least 20 characters');
  if (value.length > 128) throw badRequest('API Key value should be at most 128 characters');
  for (const k of existing) if (k.value === value) throw conflict('API Key already exists');
  const name = optString(input, 'name');
  if (name !== undefined && name.length > 1024) throw badRequest('API Key name should be at most 1024 characters');
  const description = optString(input, 'description');
  const customerId = optString(input, 'customerId');
  const tags = optTags(input);
  return {
    id: newId(10), value, enabled: input.enabled === undefined || input.enabled === null ? false : boolOf(input.enabled, 'enabled'),
    createdDate: now, lastUpdatedDate: now, stageKeys: stageKeysOf(input.stageKeys),
    ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}),
    ...(customerId !== undefined ? { customerId } : {}), ...(tags ? { tags } : {}),
  };
}

/** CreateUsagePlan's body as a plan (whether its stages exist is the caller's check). */
export function newUsagePlan(input: Json, now: number): UsagePlan {
  const name = input.name;
  if (typeof name !== 'string' || name.trim() === '') throw badRequest('Invalid usage plan name specified');
  const description = optString(input, 'description');
  const productCode = optString(input, 'productCode');
  const tags = optTags(input);
  const quota = input.quota === undefined || input.quota === null ? undefined : quotaOf(input.quota);
  const throttle = input.throttle === undefined || input.throttle === null ? undefined : throttleOf(input.throttle);
  return {
    id: newId(6), name, apiStages: apiStagesOf(input.apiStages), keyIds: [],
    ...(description !== undefined ? { description } : {}), ...(productCode !== undefined ? { productCode } : {}),
    ...(throttle ? { throttle } : {}), ...(quota ? { quota, quotaSince: now } : {}), ...(tags ? { tags } : {}),
  };
}

// ------------------------------------------------------------------------------------ views
/**
 * ApiKey as AWS answers [rec: LocalStack test_api_key_required_for_methods, recorded against AWS]:
 * CreateApiKey returns the value and no tags unless given; UpdateApiKey returns `tags: {}` and no value.
 */
function keyView(k: ApiKey, withValue: boolean, withTags: boolean): Json {
  return {
    id: k.id, ...(withValue ? { value: k.value } : {}), ...(k.name !== undefined ? { name: k.name } : {}),
    ...(k.customerId !== undefined ? { customerId: k.customerId } : {}), ...(k.description !== undefined ? { description: k.description } : {}),
    enabled: k.enabled, createdDate: k.createdDate, lastUpdatedDate: k.lastUpdatedDate, stageKeys: k.stageKeys,
    ...(withTags || (k.tags && Object.keys(k.tags).length > 0) ? { tags: k.tags ?? {} } : {}),
  };
}

/** UsagePlan as AWS answers [rec: LocalStack test_usage_plan_crud]: GetUsagePlan/UpdateUsagePlan add `tags: {}`. */
function planView(p: UsagePlan, withTags: boolean): Json {
  return {
    id: p.id, name: p.name, ...(p.description !== undefined ? { description: p.description } : {}),
    apiStages: p.apiStages.map((s) => ({ apiId: s.apiId, stage: s.stage, ...(s.throttle && Object.keys(s.throttle).length > 0 ? { throttle: s.throttle } : {}) })),
    ...(p.throttle ? { throttle: p.throttle } : {}),
    ...(p.quota ? { quota: { limit: p.quota.limit, offset: p.quota.offset ?? 0, period: p.quota.period } } : {}),
    ...(p.productCode !== undefined ? { productCode: p.productCode } : {}),
    ...(withTags || (p.tags && Object.keys(p.tags).length > 0) ? { tags: p.tags ?? {} } : {}),
  };
}

const planKeyView = (k: ApiKey): Json => ({ id: k.id, type: 'API_KEY', value: k.value, ...(k.name !== undefined ? { name: k.name } : {}) });

// ------------------------------------------------------------------------------------ paging
/** `limit` (default 25, at most 500) and `position` (an opaque offset) of the Get* list calls. */
function page<T>(items: T[], query: URLSearchParams): { item: T[]; position?: string } {
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? 25 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('Invalid limit specified. Must be between 1 and 500');
  const rawPos = query.get('position');
  let start = 0;
  if (rawPos !== null && rawPos !== '') {
    const decoded = Buffer.from(rawPos, 'base64url').toString('utf8');
    start = /^\d+$/.test(decoded) ? Number(decoded) : NaN;
    if (!Number.isInteger(start) || start > items.length) throw badRequest('Invalid position specified');
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit;
  return { item: slice, ...(next < items.length ? { position: Buffer.from(String(next)).toString('base64url') } : {}) };
}

// ------------------------------------------------------------------------------------ patches
interface PatchOp { op: string; path: string; value?: string }

function patchOps(body: Json): PatchOp[] {
  const ops = body.patchOperations;
  if (ops === undefined || ops === null) return [];
  if (!Array.isArray(ops)) throw badRequest('Invalid patch operations specified');
  return ops.map((o) => {
    if (!isObj(o) || typeof o.op !== 'string' || typeof o.path !== 'string') throw badRequest('Invalid patch operation specified');
    if (o.value !== undefined && o.value !== null && typeof o.value !== 'string') throw badRequest(`Invalid value specified for patch path ${o.path}`);
    return { op: o.op, path: o.path, ...(typeof o.value === 'string' ? { value: o.value } : {}) };
  });
}

/** [observed] boto/boto3#2629: "Invalid patch path  '<path>' specified for op '<op>'. Must be one of: [...]" (two spaces). */
function invalidPath(op: PatchOp, allowed: Record<string, string[]>): ApiGatewayError {
  return badRequest(`Invalid patch path  '${op.path}' specified for op '${op.op}'. Must be one of: [${(allowed[op.op] ?? []).join(', ')}]`);
}

function valueOf(op: PatchOp): string {
  if (op.value === undefined) throw badRequest(`Invalid null or empty value in patch operation for path ${op.path}`);
  return op.value;
}

/** Paths of the patch-operations table of the API reference ("Patch Operations", UpdateApiKey). */
const API_KEY_PATHS: Record<string, string[]> = {
  add: ['/stages', '/labels'], remove: ['/stages', '/labels'], replace: ['/name', '/description', '/enabled', '/customerId'],
};

/** UpdateUsagePlan paths; `remove` is AWS's own list [observed boto/boto3#2629], the others follow the table. */
const PLAN_THROTTLE = '/apiStages/<apidId:stageName>/throttle';
const PLAN_METHOD = `${PLAN_THROTTLE}/<resourcePath>/<httpMethod>`;
const PLAN_PATHS: Record<string, string[]> = {
  add: ['/apiStages', '/productCode', '/quota/limit', '/quota/offset', '/quota/period', '/throttle/burstLimit', '/throttle/rateLimit', `${PLAN_METHOD}/rateLimit`, `${PLAN_METHOD}/burstLimit`, PLAN_THROTTLE],
  remove: ['/apiStages', '/quota', '/throttle', '/productCode', PLAN_METHOD, PLAN_THROTTLE],
  replace: ['/name', '/description', '/productCode', '/quota/limit', '/quota/offset', '/quota/period', '/throttle/burstLimit', '/throttle/rateLimit', `${PLAN_METHOD}/rateLimit`, `${PLAN_METHOD}/burstLimit`, PLAN_THROTTLE],
};

/** JSON-pointer unescaping of one path segment (`~1` is `/`). */
const unescape = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

// ------------------------------------------------------------------------------------ the API
export class UsageApi {
  constructor(private readonly registry: ApiRegistry, private readonly meter: UsageMeter) {}

  handle(req: MgmtRequest): MgmtResponse {
    const [root, id, sub, subId, tail] = req.segments;
    if (root === 'apikeys') return this.apiKeys(req, id, sub);
    if (root === 'usageplans') return this.usagePlans(req, id, sub, subId, tail);
    throw notFound('Unknown operation');
  }

  private key(id: string): ApiKey {
    const k = this.registry.apiKeys.get(id);
    if (!k) throw notFound(KEY_NOT_FOUND);
    return k;
  }

  private plan(id: string): UsagePlan {
    const p = this.registry.usagePlans.get(id);
    if (!p) throw notFound(PLAN_NOT_FOUND);
    return this.prune(p);
  }

  /** A deleted stage (or REST API) leaves the plans it was bound to, as deleting a stage does in AWS. */
  private prune(p: UsagePlan): UsagePlan {
    const live = p.apiStages.filter((s) => this.registry.apis.get(s.apiId)?.stages.has(s.stage) === true);
    if (live.length !== p.apiStages.length) p.apiStages = live;
    return p;
  }

  // ---------------------------------------------------------------------------------- /apikeys
  private apiKeys(req: MgmtRequest, id: string | undefined, sub: string | undefined): MgmtResponse {
    const reg = this.registry;
    if (sub !== undefined) throw notFound('Unknown operation');
    if (id === undefined) {
      if (req.method === 'POST' && req.query.get('mode') === 'import') return this.importApiKeys(req);
      if (req.method === 'POST') return ok(201, keyView(reg.createApiKey(jsonBody(req.body)), true, false));
      if (req.method === 'GET') {
        const include = req.query.get('includeValues') === 'true';
        const name = req.query.get('name');
        const customerId = req.query.get('customerId');
        const keys = [...reg.apiKeys.values()].filter((k) => (name === null || (k.name ?? '').startsWith(name)) && (customerId === null || k.customerId === customerId));
        const p = page(keys, req.query);
        return ok(200, { item: p.item.map((k) => keyView(k, include, false)), ...(p.position ? { position: p.position } : {}) });
      }
      throw notFound('Unknown operation');
    }
    const key = this.key(id);
    if (req.method === 'GET') return ok(200, keyView(key, req.query.get('includeValue') === 'true', true));
    if (req.method === 'PATCH') return ok(200, keyView(this.updateApiKey(key, patchOps(jsonBody(req.body))), false, true));
    if (req.method === 'DELETE') {
      this.deleteApiKey(id);
      return ok(202, undefined);
    }
    throw notFound('Unknown operation');
  }

  /** UpdateApiKey: all operations apply, or none (the key is patched as a copy). */
  private updateApiKey(key: ApiKey, ops: PatchOp[]): ApiKey {
    const next = structuredClone(key);
    for (const op of ops) {
      if (!(API_KEY_PATHS[op.op] ?? []).includes(op.path)) throw invalidPath(op, API_KEY_PATHS);
      switch (op.path) {
        case '/name': next.name = valueOf(op); break;
        case '/description': next.description = op.value ?? ''; break;
        case '/customerId': next.customerId = op.value ?? ''; break;
        case '/enabled': next.enabled = boolOf(valueOf(op), 'enabled'); break;
        case '/stages': {
          const stage = valueOf(op);
          if (!/^[^/]+\/[^/]+$/.test(stage)) throw badRequest(`Invalid stage key specified: ${stage}`);
          next.stageKeys = op.op === 'add' ? [...next.stageKeys.filter((s) => s !== stage), stage] : next.stageKeys.filter((s) => s !== stage);
          break;
        }
        default: break; // /labels: accepted, nothing in the key's shape shows them
      }
    }
    next.lastUpdatedDate = this.registry.now();
    Object.assign(key, next);
    return key;
  }

  /**
   * ImportApiKeys (`?mode=import&format=csv`): a header row naming the columns (case-insensitive) `key`
   * (required), `name`, `description`, `enabled`, `usageplanIds` (`;`-separated), then one key a row.
   * failonwarnings=true stops at the first bad row; otherwise bad rows become warnings.
   */
  private importApiKeys(req: MgmtRequest): MgmtResponse {
    if ((req.query.get('format') ?? '').toLowerCase() !== 'csv') throw badRequest('Invalid format specified. Must be one of: [csv]');
    const failOnWarnings = req.query.get('failonwarnings') === 'true';
    const rows = parseCsv(req.body);
    const header = rows.shift()?.map((h) => h.trim().toLowerCase());
    if (!header || !header.includes('key')) throw badRequest('Invalid API key file: the header row must name a Key column');
    const col = (row: string[], name: string): string | undefined => { const i = header.indexOf(name); return i < 0 ? undefined : row[i]; };
    const created: ApiKey[] = [];
    const warnings: string[] = [];
    const plansToJoin: [ApiKey, string[]][] = [];
    for (const [n, row] of rows.entries()) {
      try {
        const planIds = (col(row, 'usageplanids') ?? '').split(';').map((s) => s.trim()).filter((s) => s !== '');
        for (const pid of planIds) this.plan(pid);
        const enabled = col(row, 'enabled');
        const key = newApiKey({
          value: col(row, 'key'), name: col(row, 'name'), description: col(row, 'description'), enabled: enabled === undefined || enabled === '' ? false : enabled,
        }, [...this.registry.apiKeys.values(), ...created], this.registry.now());
        created.push(key);
        plansToJoin.push([key, planIds]);
      } catch (e) {
        const msg = `Line ${n + 2}: ${e instanceof Error ? e.message : String(e)}`;
        if (failOnWarnings) throw badRequest(msg);
        warnings.push(msg);
      }
    }
    for (const k of created) this.registry.apiKeys.set(k.id, k);
    for (const [k, planIds] of plansToJoin) for (const pid of planIds) this.addPlanKey(this.plan(pid), k);
    this.registry.apiKeysChanged();
    return ok(201, { ids: created.map((k) => k.id), ...(warnings.length > 0 ? { warnings } : {}) });
  }

  // ---------------------------------------------------------------------------------- /usageplans
  private usagePlans(req: MgmtRequest, id: string | undefined, sub: string | undefined, subId: string | undefined, tail: string | undefined): MgmtResponse {
    const reg = this.registry;
    if (id === undefined) {
      if (req.method === 'POST') {
        const body = jsonBody(req.body);
        const plan = newUsagePlan(body, reg.now());
        for (const s of plan.apiStages) this.checkStage(s);
        reg.usagePlans.set(plan.id, plan);
        return ok(201, planView(plan, false));
      }
      if (req.method === 'GET') {
        const keyId = req.query.get('keyId');
        const plans = [...reg.usagePlans.values()].map((p) => this.prune(p)).filter((p) => keyId === null || p.keyIds.includes(keyId));
        const p = page(plans, req.query);
        return ok(200, { item: p.item.map((x) => planView(x, false)), ...(p.position ? { position: p.position } : {}) });
      }
      throw notFound('Unknown operation');
    }
    if (sub === 'keys') return this.planKeys(req, id, subId, tail);
    if (sub === 'usage' && subId === undefined) {
      if (req.method === 'GET') return this.getUsage(req, this.plan(id));
      throw notFound('Unknown operation');
    }
    if (sub !== undefined) throw notFound('Unknown operation');
    const plan = this.plan(id);
    if (req.method === 'GET') return ok(200, planView(plan, true));
    if (req.method === 'PATCH') return ok(200, planView(this.updateUsagePlan(plan, patchOps(jsonBody(req.body))), true));
    if (req.method === 'DELETE') {
      // [observed] aws/aws-sdk-js#3841: a plan still bound to API stages cannot be deleted.
      const first = plan.apiStages[0];
      if (first) throw badRequest(`Cannot delete Usage Plan ${plan.id} because there are API Stages associated with it, including ${first.apiId}:${first.stage}`);
      this.deleteUsagePlan(id);
      return ok(202, undefined);
    }
    throw notFound('Unknown operation');
  }

  /** An API stage must exist to join a plan ("API Stage not found: <apiId>:<stage>", as CloudFormation users report). */
  private checkStage(s: UsagePlanStage): void {
    const state = this.registry.apis.get(s.apiId);
    if (!state?.stages.has(s.stage)) throw notFound(`API Stage not found: ${s.apiId}:${s.stage}`);
  }

  /** A key may be in one usage plan per API stage (developer guide); the message is unverified. */
  private checkOnePlanPerStage(plan: UsagePlan, stages: UsagePlanStage[], keyIds: string[]): void {
    for (const other of this.registry.usagePlans.values()) {
      if (other.id === plan.id) continue;
      for (const keyId of keyIds) {
        if (!other.keyIds.includes(keyId)) continue;
        const shared = stages.find((s) => other.apiStages.some((o) => o.apiId === s.apiId && o.stage === s.stage));
        if (shared) throw conflict(`Usage Plan ${plan.id} cannot be added because API Key ${keyId} cannot reference multiple Usage Plans with the same API Stage: ${shared.apiId}:${shared.stage}`);
      }
    }
  }

  /** UpdateUsagePlan: all operations apply, or none (the plan is patched as a copy). */
  private updateUsagePlan(plan: UsagePlan, ops: PatchOp[]): UsagePlan {
    const next = structuredClone(plan);
    const now = this.registry.now();
    for (const op of ops) {
      const stageOp = /^\/apiStages\/([^/]+)\/throttle(?:\/(.+))?$/.exec(op.path);
      if (stageOp) { this.patchStageThrottle(next, op, stageOp[1] as string, stageOp[2]); continue; }
      if (!(PLAN_PATHS[op.op] ?? []).includes(op.path)) throw invalidPath(op, PLAN_PATHS);
      switch (op.path) {
        case '/name': {
          const name = valueOf(op);
          if (name.trim() === '') throw badRequest('Invalid usage plan name specified');
          next.name = name;
          break;
        }
        case '/description': next.description = op.value ?? ''; break;
        case '/productCode': if (op.op === 'remove') delete next.productCode; else next.productCode = valueOf(op); break;
        case '/apiStages': {
          const v = valueOf(op);
          const i = v.lastIndexOf(':');
          const s = { apiId: i < 0 ? v : v.slice(0, i), stage: i < 0 ? '' : v.slice(i + 1) };
          const at = next.apiStages.findIndex((x) => x.apiId === s.apiId && x.stage === s.stage);
          if (op.op === 'add') {
            this.checkStage(s);
            this.checkOnePlanPerStage(next, [s], next.keyIds);
            if (at < 0) next.apiStages.push(s);
          } else {
            // [observed] boto/boto3#2629: removing a stage the plan does not have.
            if (at < 0) throw badRequest('Invalid API Stage specified');
            next.apiStages.splice(at, 1);
          }
          break;
        }
        case '/quota': delete next.quota; delete next.quotaSince; break;
        case '/throttle': delete next.throttle; break;
        case '/quota/limit': case '/quota/offset': case '/quota/period': {
          const q = next.quota ?? { limit: 0, offset: 0, period: '' };
          const field = op.path.slice('/quota/'.length);
          if (field === 'period') {
            const period = valueOf(op);
            if (!PERIODS.includes(period)) throw badRequest(`Invalid quota period specified: ${period}. Must be one of: [DAY, WEEK, MONTH]`);
            q.period = period;
          } else if (field === 'limit') q.limit = numberOf(valueOf(op), 'quota limit', true);
          else q.offset = numberOf(valueOf(op), 'quota offset', true);
          if (!next.quota) next.quotaSince = now;
          next.quota = q;
          break;
        }
        default: { // /throttle/burstLimit, /throttle/rateLimit
          const t = next.throttle ?? {};
          if (op.path.endsWith('burstLimit')) t.burstLimit = numberOf(valueOf(op), 'burst limit', true);
          else t.rateLimit = numberOf(valueOf(op), 'rate limit', false);
          next.throttle = t;
        }
      }
    }
    if (next.quota && !PERIODS.includes(next.quota.period)) throw badRequest('Invalid quota period specified: null. Must be one of: [DAY, WEEK, MONTH]');
    for (const k of Object.keys(plan)) delete (plan as unknown as Json)[k];
    Object.assign(plan, next);
    return plan;
  }

  /** `/apiStages/{apiId:stage}/throttle[/{~1path}/{VERB}[/rateLimit|/burstLimit]]` */
  private patchStageThrottle(plan: UsagePlan, op: PatchOp, stageRef: string, rest: string | undefined): void {
    const allowedOps = rest === undefined ? ['add', 'replace', 'remove'] : /\/(rateLimit|burstLimit)$/.test(rest) ? ['add', 'replace'] : ['remove'];
    if (!allowedOps.includes(op.op)) throw invalidPath(op, PLAN_PATHS);
    const i = stageRef.lastIndexOf(':');
    const stage = plan.apiStages.find((s) => i > 0 && s.apiId === stageRef.slice(0, i) && s.stage === stageRef.slice(i + 1));
    if (!stage) throw badRequest('Invalid API Stage specified');
    if (rest === undefined) {
      if (op.op === 'remove') { delete stage.throttle; return; }
      let parsed: unknown;
      try { parsed = JSON.parse(valueOf(op)); } catch { throw badRequest(`Invalid method throttle settings specified: ${op.value ?? ''}`); }
      stage.throttle = methodThrottles(parsed);
      return;
    }
    const limit = /\/(rateLimit|burstLimit)$/.exec(rest)?.[1];
    const m = /^(.+)\/([A-Za-z]+)$/.exec(limit === undefined ? rest : rest.slice(0, -limit.length - 1));
    if (!m) throw invalidPath(op, PLAN_PATHS);
    const methodKey = `${unescape(m[1] as string).replace(/^(?!\/)/, '/')}/${m[2] as string}`;
    const throttles = (stage.throttle ??= {});
    if (limit === undefined) { delete throttles[methodKey]; return; }
    const t = (throttles[methodKey] ??= {});
    if (limit === 'rateLimit') t.rateLimit = numberOf(valueOf(op), 'rate limit', false);
    else t.burstLimit = numberOf(valueOf(op), 'burst limit', true);
  }

  // ---------------------------------------------------------------------------------- /usageplans/{id}/keys
  private planKeys(req: MgmtRequest, planId: string, keyId: string | undefined, tail: string | undefined): MgmtResponse {
    const reg = this.registry;
    if (keyId === undefined) {
      if (req.method === 'POST') {
        const plan = this.plan(planId);
        const b = jsonBody(req.body);
        if (b.keyType !== 'API_KEY') throw badRequest(`Invalid key type specified: ${String(b.keyType)}. Must be one of: [API_KEY]`);
        if (typeof b.keyId !== 'string') throw notFound(KEY_NOT_FOUND);
        const key = this.key(b.keyId);
        if (plan.keyIds.includes(key.id)) throw conflict(`Usage Plan Key already exists: ${key.id}`);
        this.addPlanKey(plan, key);
        return ok(201, planKeyView(key));
      }
      if (req.method === 'GET') {
        // [rec] LocalStack test_get_usage_plan_api_keys (validated against AWS) lists keys of an unknown plan without an error.
        const plan = reg.usagePlans.get(planId);
        const name = req.query.get('name');
        const keys = (plan?.keyIds ?? []).map((k) => reg.apiKeys.get(k)).filter((k): k is ApiKey => k !== undefined && (name === null || (k.name ?? '').startsWith(name)));
        const p = page(keys, req.query);
        return ok(200, { item: p.item.map(planKeyView), ...(p.position ? { position: p.position } : {}) });
      }
      throw notFound('Unknown operation');
    }
    const plan = this.plan(planId);
    if (tail === 'usage') {
      if (req.method !== 'PATCH') throw notFound('Unknown operation');
      return this.updateUsage(req, plan, keyId);
    }
    if (tail !== undefined) throw notFound('Unknown operation');
    const key = plan.keyIds.includes(keyId) ? reg.apiKeys.get(keyId) : undefined;
    if (!key) throw notFound(KEY_NOT_FOUND);
    if (req.method === 'GET') return ok(200, planKeyView(key));
    if (req.method === 'DELETE') {
      this.removePlanKey(plan.id, keyId);
      return ok(202, undefined);
    }
    throw notFound('Unknown operation');
  }

  /** DeleteApiKey (also a key a reloaded template no longer has): gone from its plans and their counts. */
  deleteApiKey(id: string): void {
    const reg = this.registry;
    reg.apiKeys.delete(id);
    for (const plan of reg.usagePlans.values()) if (plan.keyIds.includes(id)) this.removePlanKey(plan.id, id);
    reg.apiKeysChanged();
  }

  /** DeleteUsagePlan without the API-stage check (a stack update removes the plan with its stages). */
  deleteUsagePlan(id: string): void {
    this.registry.usagePlans.delete(id);
    this.meter.forget(id);
  }

  /** DeleteUsagePlanKey: the key leaves the plan and its counts. */
  removePlanKey(planId: string, keyId: string): void {
    const plan = this.registry.usagePlans.get(planId);
    if (!plan) return;
    plan.keyIds = plan.keyIds.filter((k) => k !== keyId);
    this.meter.forget(planId, keyId);
  }

  private addPlanKey(plan: UsagePlan, key: ApiKey): void {
    this.checkOnePlanPerStage(plan, plan.apiStages, [key.id]);
    if (!plan.keyIds.includes(key.id)) plan.keyIds.push(key.id);
  }

  // ---------------------------------------------------------------------------------- usage
  private dates(req: MgmtRequest): { from: number; to: number; startDate: string; endDate: string } {
    const startDate = req.query.get('startDate');
    const endDate = req.query.get('endDate');
    if (startDate === null || startDate === '') throw badRequest('Start date must be specified');
    if (endDate === null || endDate === '') throw badRequest('End date must be specified');
    const from = parseDay(startDate);
    if (from === undefined) throw badRequest(`Invalid start date specified: ${startDate}`);
    const to = parseDay(endDate);
    if (to === undefined) throw badRequest(`Invalid end date specified: ${endDate}`);
    if (to < from) throw badRequest('The end date must not be before the start date');
    return { from, to, startDate, endDate };
  }

  /** GetUsage: `values` (the wire name of `items`) maps each key id to [used, remaining] per day. */
  private getUsage(req: MgmtRequest, plan: UsagePlan): MgmtResponse {
    const d = this.dates(req);
    const keyId = req.query.get('keyId');
    const keyIds = keyId === null ? plan.keyIds : plan.keyIds.filter((k) => k === keyId);
    const p = page(keyIds, req.query);
    return ok(200, {
      usagePlanId: plan.id, startDate: d.startDate, endDate: d.endDate,
      values: this.meter.usageOf(plan, p.item, d.from, d.to), ...(p.position ? { position: p.position } : {}),
    });
  }

  /** UpdateUsage: `replace /remaining` sets the requests the key has left in the current quota period. */
  private updateUsage(req: MgmtRequest, plan: UsagePlan, keyId: string): MgmtResponse {
    if (!plan.keyIds.includes(keyId)) throw notFound(KEY_NOT_FOUND);
    const paths = { replace: ['/remaining'] };
    let remaining: number | undefined;
    for (const op of patchOps(jsonBody(req.body))) {
      if (op.op !== 'replace' || op.path !== '/remaining') throw invalidPath(op, paths);
      remaining = numberOf(valueOf(op), 'remaining', true);
    }
    if (remaining !== undefined) this.meter.setRemaining(plan, keyId, remaining);
    const today = this.meter.today();
    const day = dayOf(today);
    return ok(200, { usagePlanId: plan.id, startDate: day, endDate: day, values: this.meter.usageOf(plan, [keyId], today, today) });
  }
}

// ------------------------------------------------------------------------------------ stage method settings
/** UpdateStage paths `/{resourcePath}/{httpMethod}/<setting>` (resource path `/` written `~1`, or `*` for all). */
const METHOD_SETTING_PATH = /^\/([^/]+)\/([^/]+)\/(metrics\/enabled|logging\/dataTrace|logging\/loglevel|throttling\/burstLimit|throttling\/rateLimit|caching\/ttlInSeconds|caching\/enabled|caching\/dataEncrypted|caching\/requireAuthorizationForCacheControl|caching\/unauthorizedCacheControlHeaderStrategy|[a-z]+\/[A-Za-z]+)$/;

/** [rec] LocalStack test_create_update_stages (recorded against AWS): the valid paths, as AWS lists them. */
const STAGE_PATHS = '[/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, /clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, /accessLogSettings/format, /{resourcePath}/{httpMethod}/metrics/enabled, /{resourcePath}/{httpMethod}/logging/dataTrace, /{resourcePath}/{httpMethod}/logging/loglevel, /{resourcePath}/{httpMethod}/throttling/burstLimit/{resourcePath}/{httpMethod}/throttling/rateLimit/{resourcePath}/{httpMethod}/caching/ttlInSeconds, /{resourcePath}/{httpMethod}/caching/enabled, /{resourcePath}/{httpMethod}/caching/dataEncrypted, /{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, /{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, /*/*/logging/dataTrace, /*/*/logging/loglevel, /*/*/throttling/burstLimit /*/*/throttling/rateLimit /*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, /*/*/caching/requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, /variables/{variable_name}, /tracingEnabled]';

/** A patch operation of UpdateStage that addresses a method setting (`/*\/*\/throttling/rateLimit`, ...). */
export function isMethodSettingOp(op: Json): boolean {
  return typeof op.path === 'string' && METHOD_SETTING_PATH.test(op.path) && !op.path.startsWith('/variables/') && !op.path.startsWith('/canarySettings/') && !op.path.startsWith('/accessLogSettings/');
}

/** What GetStage shows for a method entry before anything is set [rec: test_create_update_stages]. */
const METHOD_SETTING_DEFAULTS: Json = {
  cacheDataEncrypted: false, cacheTtlInSeconds: 300, cachingEnabled: false, dataTraceEnabled: false, metricsEnabled: false,
  requireAuthorizationForCacheControl: true, throttlingBurstLimit: 5000, throttlingRateLimit: 10000, unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
};

const SETTING_FIELDS: Record<string, [string, 'bool' | 'int' | 'number' | 'string']> = {
  'metrics/enabled': ['metricsEnabled', 'bool'], 'logging/dataTrace': ['dataTraceEnabled', 'bool'], 'logging/loglevel': ['loggingLevel', 'string'],
  'throttling/burstLimit': ['throttlingBurstLimit', 'int'], 'throttling/rateLimit': ['throttlingRateLimit', 'number'],
  'caching/ttlInSeconds': ['cacheTtlInSeconds', 'int'], 'caching/enabled': ['cachingEnabled', 'bool'], 'caching/dataEncrypted': ['cacheDataEncrypted', 'bool'],
  'caching/requireAuthorizationForCacheControl': ['requireAuthorizationForCacheControl', 'bool'],
  'caching/unauthorizedCacheControlHeaderStrategy': ['unauthorizedCacheControlHeaderStrategy', 'string'],
};

/**
 * UpdateStage method settings: `*\/*` sets the stage defaults, `~1path/VERB` one method (a method the API
 * does not have is dropped, as AWS does). Returns the new methodSettings; the stage is not touched.
 */
export function patchMethodSettings(current: Record<string, unknown>, ops: Json[], hasMethod: (resourcePath: string, verb: string) => boolean): Record<string, unknown> {
  const next = structuredClone(current) as Record<string, Json>;
  for (const op of ops) {
    const m = METHOD_SETTING_PATH.exec(String(op.path)) as RegExpExecArray;
    const field = SETTING_FIELDS[m[3] as string];
    if (!field || op.op !== 'replace') throw badRequest(`Invalid method setting path: ${String(op.path)}. Must be one of: ${STAGE_PATHS}`);
    const key = `${m[1] as string}/${m[2] as string}`;
    if (key !== '*/*' && !hasMethod(unescape(m[1] as string).replace(/^(?!\/)/, '/'), m[2] as string)) continue;
    const raw = op.value;
    let value: unknown;
    switch (field[1]) {
      case 'bool': value = boolOf(raw ?? 'false', field[0]); break;
      case 'int': value = numberOf(raw, field[0], true); break;
      case 'number': value = numberOf(raw, field[0], false); break;
      default: value = typeof raw === 'string' ? raw : '';
    }
    next[key] = { ...(next[key] ?? (key === '*/*' ? METHOD_SETTING_DEFAULTS : next['*/*'] ?? METHOD_SETTING_DEFAULTS)), [field[0]]: value };
  }
  return next;
}

/** The CSV of ImportApiKeys (RFC 4180, via csv-parse); a malformed file is a BadRequestException. */
function parseCsv(text: string): string[][] {
  try {
    return parseCsvText(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw badRequest(`Invalid API key file: ${e instanceof Error ? e.message : String(e)}`);
  }
}
