// Replays every API Gateway mapping-template case (kind "template") of the AWS-recorded conformance
// corpus through renderMappingTemplate and compares with the comparison rules of its README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMappingTemplate, type MappingRequest } from '../../src/vtl/index.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dir = process.env.STEPGATE_CONFORMANCE_DIR ?? join(repo, '..', 'shared', 'conformance');
const file = join(dir, 'apigw', 'dev.jsonl');

interface TemplateCase {
  id: string;
  kind: string;
  feature: string;
  phase: 'request' | 'response';
  template: string;
  request: MappingRequest & { body: string | null };
  stageVariables?: Record<string, string>;
  context?: Record<string, unknown>;
  integrationBody?: string;
  expectedResponseOverride?: unknown;
  expected: unknown;
  compare: 'exact' | 'json' | 'json-subset';
}

// ------------------------------------------------------------------ comparison rules (README "Comparison rules")
type Binds = Map<string, string>;
const TOKEN = /<<([^<>]*)>>/g;
const isAny = (name: string): boolean => name === 'any' || name.startsWith('any:');

function bind(binds: Binds, name: string, value: string): boolean {
  const cur = binds.get(name);
  if (cur !== undefined) return cur === value;
  binds.set(name, value);
  return true;
}

function matchString(exp: string, act: unknown, binds: Binds): boolean {
  const whole = /^<<([^<>]*)>>$/.exec(exp);
  if (whole) {
    if (act === undefined) return false;
    const name = whole[1] as string;
    if (isAny(name)) return true;
    if (typeof act === 'object' && act !== null) return false;
    return bind(binds, name, typeof act === 'string' ? act : JSON.stringify(act));
  }
  if (typeof act !== 'string') return false;
  if (!exp.includes('<<')) return exp === act;
  const names: string[] = [];
  const src = exp.split(TOKEN).map((part, i) => {
    if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    names.push(part);
    return '([\\s\\S]*?)';
  }).join('');
  const m = new RegExp(`^${src}$`).exec(act);
  if (!m) return false;
  return names.every((n, i) => isAny(n) || bind(binds, n, m[i + 1] as string));
}

function matchValue(exp: unknown, act: unknown, binds: Binds, subset: boolean): boolean {
  if (typeof exp === 'string') return matchString(exp, act, binds);
  if (exp === null || typeof exp !== 'object') return exp === act;
  if (Array.isArray(exp)) {
    return Array.isArray(act) && exp.length === act.length && exp.every((e, i) => matchValue(e, act[i], binds, subset));
  }
  const keys = Object.keys(exp);
  const e = exp as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === '<<json>>') {
    if (typeof act !== 'string') return false;
    try {
      return matchValue(e['<<json>>'], JSON.parse(act), binds, subset);
    } catch {
      return false;
    }
  }
  if (keys.length === 1 && keys[0] === '<<lines>>') return typeof act === 'string' && matchValue(e['<<lines>>'], act.split('\n'), binds, subset);
  if (act === null || typeof act !== 'object' || Array.isArray(act)) return false;
  const a = act as Record<string, unknown>;
  if (!subset && Object.keys(a).length !== keys.length) return false;
  return keys.every((k) => k in a && matchValue(e[k], a[k], binds, subset));
}

function check(c: TemplateCase, out: string, responseOverride: unknown): string | undefined {
  const binds: Binds = new Map();
  let ok: boolean;
  if (c.compare === 'exact') ok = matchString(c.expected as string, out, binds);
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(out);
    } catch {
      return `output is not JSON: ${out}`;
    }
    ok = matchValue((c.expected as { json: unknown }).json, parsed, binds, c.compare === 'json-subset');
  }
  if (!ok) return `mismatch\n  expected: ${JSON.stringify(c.expected)}\n  got:      ${JSON.stringify(out)}`;
  if (c.expectedResponseOverride !== undefined && !matchValue(c.expectedResponseOverride, responseOverride, binds, true)) {
    return `responseOverride mismatch: ${JSON.stringify(responseOverride)}`;
  }
  return undefined;
}

// ------------------------------------------------------------------ replay
if (!existsSync(file)) {
  if (process.env.CI === 'true') {
    test('conformance corpus is present', () => assert.fail(`missing corpus file ${file} (set STEPGATE_CONFORMANCE_DIR)`));
  } else {
    test('apigw template conformance', { skip: `corpus not found at ${file} (set STEPGATE_CONFORMANCE_DIR)` }, () => {});
  }
} else {
  const cases = readFileSync(file, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as TemplateCase)
    .filter((c) => c.kind === 'template');
  test('corpus holds template cases', () => assert.ok(cases.length > 0));
  for (const c of cases) {
    test(`${c.feature}: ${c.id}`, () => {
      const body = c.phase === 'response' ? (c.integrationBody ?? '') : c.request.body;
      const r = renderMappingTemplate(c.template, {
        ...c.request,
        body,
        ...(c.stageVariables ? { stageVariables: c.stageVariables } : {}),
        ...(c.context ? { context: c.context } : {}),
      });
      assert.equal(r.error, undefined, r.error?.message);
      const why = check(c, r.body, r.responseOverride);
      assert.equal(why, undefined, why);
    });
  }
}
