// Bad JSONata, both ways it can be bad: syntax errors are InvalidDefinition diagnostics when the
// definition is loaded; evaluation errors are catchable States.QueryEvaluationError failures with
// AWS's cause texts (FACTS §2.4 and the recorded corpus) and an EvaluationFailed event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateDefinition } from './validate.js';
import { loadStateMachine } from '../sfn/machine.js';
import { SimulatedClock, seededEntropy } from './clock.js';

const PREFIX = /^An error occurred while executing the state '[^']+' \(entered at the event id #\d+\)\. /;

function jsonataPass(fields: Record<string, unknown>): Record<string, unknown> {
  return { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', ...fields, End: true } } };
}

// ---------------------------------------------------------------- definition time

const SYNTAX: { name: string; def: Record<string, unknown>; code: string; location: string }[] = [
  { name: 'dangling member access', def: jsonataPass({ Output: '{% $states.input. %}' }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'operator without operand', def: jsonataPass({ Output: '{% 1 + %}' }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'unclosed parenthesis', def: jsonataPass({ Output: '{% ($a := 1 %}' }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'unclosed array constructor', def: jsonataPass({ Output: '{% [1, 2 %}' }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'unterminated string literal', def: jsonataPass({ Output: "{% 'abc %}" }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'stray closing brace', def: jsonataPass({ Output: '{% } %}' }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'unclosed predicate', def: jsonataPass({ Output: '{% $states.input.a[ %}' }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'binding without value', def: jsonataPass({ Output: '{% $x := %}' }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'two operators in a row', def: jsonataPass({ Output: '{% 1 + * 2 %}' }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Output' },
  { name: 'bad expression in Assign', def: jsonataPass({ Assign: { v: '{% ( %}' } }), code: 'INVALID_JSONATA_EXPRESSION', location: '/States/S/Assign' },
  {
    name: 'bad expression in Task Arguments',
    def: { QueryLanguage: 'JSONata', StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'f', Payload: '{% 1 + %}' }, End: true } } },
    code: 'INVALID_JSONATA_EXPRESSION', location: '/States/T/Arguments',
  },
  {
    name: 'bad Choice Condition',
    def: { QueryLanguage: 'JSONata', StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.x = %}', Next: 'E' }], Default: 'E' }, E: { Type: 'Succeed' } } },
    code: 'INVALID_JSONATA_EXPRESSION', location: '/States/C/Choices[0]/Condition',
  },
  {
    name: 'bad Wait Seconds',
    def: { QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Seconds: '{% ) %}', End: true } } },
    code: 'INVALID_JSONATA_EXPRESSION', location: '/States/W/Seconds',
  },
  {
    name: 'bad Map Items',
    def: { QueryLanguage: 'JSONata', StartAt: 'M', States: { M: { Type: 'Map', Items: '{% [1, %}', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } },
    code: 'INVALID_JSONATA_EXPRESSION', location: '/States/M/Items',
  },
  {
    name: 'bad Fail Cause',
    def: { QueryLanguage: 'JSONata', StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: '{% $states.input. %}' } } },
    code: 'INVALID_JSONATA_EXPRESSION', location: '/States/F/Cause',
  },
  { name: '$$ is not JSONata in Step Functions', def: jsonataPass({ Output: '{% $$ %}' }), code: 'UNSUPPORTED_JSONATA_EXPRESSION', location: '/States/S/Output' },
];

for (const c of SYNTAX) {
  test(`definition: ${c.name} → ${c.code}`, () => {
    const diags = validateDefinition(c.def);
    const hit = diags.find((d) => d.code === c.code);
    assert.ok(hit, `expected ${c.code}, got ${JSON.stringify(diags)}`);
    assert.equal(hit.severity, 'ERROR');
    assert.ok(hit.location?.startsWith(c.location), `location ${hit.location} should start with ${c.location}`);
    assert.throws(() => loadStateMachine(c.def), (e: Error & { code?: string }) => e.code === 'InvalidDefinition' && e.message.includes(c.code));
  });
}

test('definition: a JSONPath-only field in a JSONata state is rejected', () => {
  const diags = validateDefinition(jsonataPass({ Parameters: { a: 1 } }));
  assert.ok(diags.some((d) => d.severity === 'ERROR' && d.location === '/States/S'), JSON.stringify(diags));
});

// ---------------------------------------------------------------- run time

const opts = () => ({ clock: new SimulatedClock(Date.UTC(2025, 0, 1)), entropy: seededEntropy(3) });

const RUNTIME: { name: string; def: Record<string, unknown>; input?: unknown; cause: string | RegExp; location?: string }[] = [
  {
    name: 'Output expression returns nothing',
    def: jsonataPass({ Output: '{% $states.input.missing %}' }),
    cause: "The JSONata expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined).", location: 'Output',
  },
  {
    name: 'nested Output field returns nothing',
    def: jsonataPass({ Output: { result: '{% $nope %}' } }),
    cause: "The JSONata expression '$nope' specified for the field 'Output/result' returned nothing (undefined).", location: 'Output/result',
  },
  {
    name: 'Assign reads an undefined variable',
    def: jsonataPass({ Assign: { x: '{% $doesNotExist %}' } }),
    cause: "The JSONata expression '$doesNotExist' specified for the field 'Assign/x' returned nothing (undefined).", location: 'Assign/x',
  },
  {
    name: 'arithmetic on a string (T2001)',
    def: jsonataPass({ Output: "{% 'a' + 1 %}" }),
    cause: /^The JSONata expression ''a' \+ 1' specified for the field 'Output' threw an error during evaluation\. T2001: /, location: 'Output',
  },
  {
    name: 'unknown function (T1006)',
    def: jsonataPass({ Output: '{% $noSuchFunction(1) %}' }),
    cause: "The JSONata expression '$noSuchFunction(1)' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function", location: 'Output',
  },
  {
    name: '$eval is not available (T1006)',
    def: jsonataPass({ Output: "{% $eval('1') %}" }),
    cause: "The JSONata expression '$eval('1')' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function", location: 'Output',
  },
  {
    name: 'Items is not an array',
    def: { QueryLanguage: 'JSONata', StartAt: 'M', States: { M: { Type: 'Map', Items: '{% 1 %}', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } },
    cause: "The JSONata expression '1' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1", location: 'Items',
  },
  {
    name: 'Map input is not an array',
    def: { QueryLanguage: 'JSONata', StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } },
    input: { not: 'an array' },
    cause: 'Map state input must be an array but was: {"not":"an array"}',
  },
  {
    name: 'Wait Timestamp is not ISO-8601',
    def: { QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '{% $states.input.t %}', End: true } } },
    input: { t: '2016-12-05 21:29:29Z' },
    cause: 'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-12-05 21:29:29Z', location: 'Timestamp',
  },
  {
    name: 'an expression returning a function',
    def: jsonataPass({ Output: '{% function($x){$x} %}' }),
    cause: "The JSONata expression 'function($x){$x}' specified for the field 'Output' returned an unsupported result type.", location: 'Output',
  },
  {
    name: '$parse of invalid JSON',
    def: jsonataPass({ Output: "{% $parse('{oops') %}" }),
    cause: /^The JSONata expression '\$parse\('\{oops'\)' specified for the field 'Output' threw an error during evaluation\. /, location: 'Output',
  },
  {
    name: '$hash with an unknown algorithm',
    def: jsonataPass({ Output: "{% $hash('abc', 'SHA-999') %}" }),
    cause: /specified for the field 'Output' threw an error during evaluation\./, location: 'Output',
  },
  {
    name: '$partition with a zero chunk size',
    def: jsonataPass({ Output: '{% $partition([1,2,3], 0) %}' }),
    cause: /specified for the field 'Output' threw an error during evaluation\./, location: 'Output',
  },
  {
    name: 'Arguments fail before the task is scheduled',
    def: { QueryLanguage: 'JSONata', StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { Payload: '{% $missing %}' }, End: true } } },
    cause: "The JSONata expression '$missing' specified for the field 'Arguments/Payload' returned nothing (undefined).", location: 'Arguments/Payload',
  },
];

for (const c of RUNTIME) {
  test(`runtime: ${c.name} → States.QueryEvaluationError`, async () => {
    const r = await loadStateMachine(c.def).run(c.input ?? {}, opts());
    assert.equal(r.status, 'FAILED');
    assert.equal(r.error, 'States.QueryEvaluationError');
    assert.match(r.cause ?? '', PREFIX);
    const cause = (r.cause ?? '').replace(PREFIX, '');
    if (typeof c.cause === 'string') assert.equal(cause, c.cause);
    else assert.match(cause, c.cause);
    const ev = r.history.find((e) => e.type === 'EvaluationFailed') as Record<string, any> | undefined;
    assert.ok(ev, 'an EvaluationFailed event is recorded');
    assert.equal(ev.evaluationFailedEventDetails.error, 'States.QueryEvaluationError');
    assert.equal(ev.evaluationFailedEventDetails.cause, r.cause);
    if (c.location !== undefined) assert.equal(ev.evaluationFailedEventDetails.location, c.location);
    assert.ok(!r.history.some((e) => e.type === 'TaskScheduled'), 'no task is scheduled after a failed expression');
  });
}

test('runtime: QueryEvaluationError is catchable, with {Error, Cause} in $states.errorOutput', async () => {
  const m = loadStateMachine({
    QueryLanguage: 'JSONata',
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { x: '{% $missing %}' }, End: true,
        Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Output: { caught: '{% $states.errorOutput.Error %}' }, Next: 'Done' }],
      },
      Done: { Type: 'Succeed' },
    },
  });
  const r = await m.run({}, opts());
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { caught: 'States.QueryEvaluationError' });
});

test('runtime: States.ALL catches a QueryEvaluationError; without Output the error output passes on', async () => {
  const m = loadStateMachine({
    QueryLanguage: 'JSONata',
    StartAt: 'T',
    States: {
      T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: '{% $states.input.nope %}', End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }] },
      Done: { Type: 'Pass', End: true },
    },
  });
  const r = await m.run({}, opts());
  assert.equal(r.status, 'SUCCEEDED');
  const out = r.output as { Error: string; Cause: string };
  assert.equal(out.Error, 'States.QueryEvaluationError');
  assert.match(out.Cause, /returned nothing \(undefined\)\.$/);
});

test('runtime: Choice Condition must be boolean', async () => {
  const m = loadStateMachine({
    QueryLanguage: 'JSONata',
    StartAt: 'C',
    States: { C: { Type: 'Choice', Choices: [{ Condition: '{% 1 %}', Next: 'E' }], Default: 'E' }, E: { Type: 'Succeed' } },
  });
  const r = await m.run({}, opts());
  assert.equal(r.error, 'States.QueryEvaluationError');
  assert.match(r.cause ?? '', /Expected 'boolean', but was 'number'/);
});

test('AWS functions: $partition, $range, $hash, $random(seed), $uuid, $parse', async () => {
  const r = await loadStateMachine(jsonataPass({
    Output: {
      partition: '{% $partition([1,2,3,4,5], 2) %}',
      range: '{% $range(0, 10, 2) %}',
      down: '{% $range(3, 1, -1) %}',
      md5: "{% $hash('hello', 'MD5') %}",
      sha256: "{% $hash('hello', 'SHA-256') %}",
      seeded: '{% $random(42) = $random(42) %}',
      unit: '{% $random() >= 0 and $random() < 1 %}',
      uuid: '{% $length($uuid()) %}',
      parsed: '{% $parse(\'{"a":[1,true,null]}\') %}',
    },
  })).run({}, opts());
  assert.equal(r.status, 'SUCCEEDED', r.cause);
  assert.deepEqual(r.output, {
    partition: [[1, 2], [3, 4], [5]],
    range: [0, 2, 4, 6, 8, 10],
    down: [3, 2, 1],
    // RFC 1321 / FIPS 180-4 digests of "hello"
    md5: '5d41402abc4b2a76b9719d911017c592',
    sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    seeded: true,
    unit: true,
    uuid: 36,
    parsed: { a: [1, true, null] },
  });
});
