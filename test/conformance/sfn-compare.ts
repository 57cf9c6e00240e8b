// One corpus case checked against AWS with the corpus's own compare.mjs: a subtest per case, listed
// known failures skipped with their reason (and failing the suite once they match), pass counts kept.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { importFrom } from './corpus.js';
import type { SfnCase, SfnResult } from './sfn-harness.js';

interface Compare {
  compareOutcome(e: unknown, a: unknown, o: unknown): { ok: boolean; diffs: string[] };
  compareHistory(e: unknown, a: unknown, o: unknown): { ok: boolean; diffs: string[] };
  skipKeys(c: unknown): string[];
}
type Known = Record<string, { part: 'outcome' | 'history'; reason: string }>;

export interface CorpusChecker {
  check(t: TestContext, c: SfnCase, r: SfnResult): Promise<void>;
  outcomeOk: number;
  historyOk: number;
}

/** `knownFile`: a JSON file beside this module listing the cases that do not match yet. */
export async function corpusChecker(corpusRoot: string, knownFile: string): Promise<CorpusChecker> {
  const cmp = await importFrom<Compare>(join(corpusRoot, 'sfn', 'compare.mjs'));
  const known = JSON.parse(readFileSync(new URL(`./${knownFile}`, import.meta.url), 'utf8')) as Known;
  const checker: CorpusChecker = {
    outcomeOk: 0,
    historyOk: 0,
    async check(t, c, r) {
      const opts = { tokens: c.tokens ?? [], ignoreKeys: cmp.skipKeys(c), parallelNormalised: c.tags.includes('parallel_normalised') };
      const o = cmp.compareOutcome(c.expected, r, opts);
      const h = cmp.compareHistory(c.history, r.history, opts);
      if (o.ok) checker.outcomeOk++;
      if (o.ok && h.ok) checker.historyOk++;
      const k = known[c.id];
      await t.test(c.id, k ? { skip: `known ${k.part} difference: ${k.reason}` } : {}, () => {
        assert.ok(o.ok, `outcome differs from AWS:\n  ${o.diffs.slice(0, 8).join('\n  ')}`);
        assert.ok(h.ok, `history differs from AWS:\n  ${h.diffs.slice(0, 8).join('\n  ')}`);
      });
      if (k) assert.ok(!(k.part === 'outcome' ? o.ok : o.ok && h.ok), `${c.id} now matches AWS: remove it from ${knownFile}`);
    },
  };
  return checker;
}
