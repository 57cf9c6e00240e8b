// Replays every API Gateway mapping-template case (kind "template") of the AWS-recorded conformance
// corpus through renderMappingTemplate and compares with the comparison rules of its README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMappingTemplate, type MappingRequest } from '../../src/vtl/index.js';
import { matchString, matchValue, type Binds } from './apigw-compare.js';

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

// Comparison rules: ./apigw-compare.ts

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
