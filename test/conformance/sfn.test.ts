// Replays the AWS-recorded Step Functions corpus (engine-only cases) and compares outcome and full
// history with the corpus's own compare.mjs. Cases that do not pass yet are listed, with a reason, in
// sfn-known-failures.json; a listed case that starts passing fails this test so the list stays true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { conformanceDir, readJsonl } from './corpus.js';
import { corpusChecker } from './sfn-compare.js';
import { fileURLToPath } from 'node:url';
import { corpusFunctionName, runCase, type SfnCase } from './sfn-harness.js';
import { LocalLambdaRuntime } from '../../src/lambda/runtime.js';


const dir = conformanceDir();

test('Step Functions conformance corpus (engine-only cases)', { skip: dir ? false : 'corpus not found (set STEPGATE_CONFORMANCE_DIR)' }, async (t) => {
  const root = dir as string;
  const checker = await corpusChecker(root, 'sfn-known-failures.json');
  const all = readJsonl<SfnCase>(join(root, 'sfn', 'dev.jsonl'));
  const cases = all.filter((c) => c.needs.length === 0);
  for (const c of cases) {
    await checker.check(t, c, await runCase(c));
  }
  const byNeed = new Map<string, number>();
  for (const c of all) if (c.needs.length > 0) for (const n of c.needs) byNeed.set(n, (byNeed.get(n) ?? 0) + 1);
  t.diagnostic(`engine-only cases: ${cases.length}; outcome ${checker.outcomeOk}/${cases.length} (${((100 * checker.outcomeOk) / cases.length).toFixed(1)} %), full history ${checker.historyOk}/${cases.length} (${((100 * checker.historyOk) / cases.length).toFixed(1)} %)`);
  t.diagnostic(`not replayed by this in-process test (Lambda/states cases: the suite below; apigateway: sfn-apigateway.test.ts; S3, SQS, SNS, DynamoDB, EventBridge: not emulated): ${all.length - cases.length} cases — ${[...byNeed].map(([n, k]) => `${n} ${k}`).join(', ')}`);
  assert.ok(checker.outcomeOk / cases.length >= 0.98, 'outcome pass rate below 98 %');
  assert.ok(checker.historyOk / cases.length >= 0.90, 'history pass rate below 90 %');
});

/** Behaviour keys of functions.md → handler files under test/functions/corpus (Python emulations). */
const CORPUS_HANDLERS: Record<string, string> = {
  identity: 'identity.handler',
  return_hello_world_object: 'return-hello-world-object.handler',
  return_json_string_bytes: 'return-json-string-bytes.handler',
  decorate_input_python_str: 'decorate-input-python-str.handler',
  sleep_60s_then_identity: 'sleep-60s-then-identity.handler',
  raise_exception: 'raise-exception.handler',
  raise_custom_exception: 'raise-custom-exception.handler',
  return_257kib_string_bytes: 'return-257kib-string-bytes.handler',
};

test('Step Functions conformance corpus (cases that need lambda or states)', { skip: dir ? false : 'corpus not found (set STEPGATE_CONFORMANCE_DIR)' }, async (t) => {
  const root = dir as string;
  const checker = await corpusChecker(root, 'sfn-known-failures.json');
  const all = readJsonl<SfnCase>(join(root, 'sfn', 'dev.jsonl'));
  const cases = all.filter((c) => c.needs.some((n) => n === 'lambda' || n === 'states'));
  const lambda = new LocalLambdaRuntime({ region: 'us-east-1', accountId: '111111111111', onLog: () => undefined });
  const functionsDir = fileURLToPath(new URL('../functions/corpus', import.meta.url));
  for (const [behaviour, handler] of Object.entries(CORPUS_HANDLERS)) {
    // The recorded functions were Python 3.12 functions; lambda's own timeout is the maximum so Step
    // Functions' TimeoutSeconds is what ends the sleeping one, as in the recording.
    lambda.createFunction({ name: corpusFunctionName(behaviour), directory: functionsDir, handler, runtime: 'python3.12', timeout: 900 });
  }
  try {
    for (const c of cases) {
      await checker.check(t, c, await runCase(c, {}, { lambda }));
    }
  } finally {
    await lambda.close();
  }
  t.diagnostic(`lambda/states cases: ${cases.length}; outcome ${checker.outcomeOk}/${cases.length} (${((100 * checker.outcomeOk) / cases.length).toFixed(1)} %), full history ${checker.historyOk}/${cases.length} (${((100 * checker.historyOk) / cases.length).toFixed(1)} %)`);
  assert.ok(checker.outcomeOk / cases.length >= 0.95, 'outcome pass rate below 95 %');
  assert.ok(checker.historyOk / cases.length >= 0.85, 'history pass rate below 85 %');
});
