// Intrinsic functions. Expected values are AWS's, from the recorded corpus (conformance/sfn/dev.jsonl, case id in
// each row), the AWS developer guide examples, and published test vectors (FIPS 180 / RFC 1321, java.util.Random).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileIntrinsic, IntrinsicSyntaxError, isIntrinsicCall, JavaRandom, javaNumber, type IntrinsicContext } from './intrinsics.js';
import { compilePath } from './jsonpath.js';
import { StatesError } from './errors.js';
import { seededEntropy } from './clock.js';
import type { JsonValue } from './json.js';

const CONTEXT = {
  Execution: { Name: 'exec-name' },
  StateMachine: { Id: 'arn:aws:states:us-east-1:111111111111:stateMachine:my-machine-name', Name: 'my-machine-name' },
};

function ctxFor(input: unknown, vars: Record<string, unknown> = {}): IntrinsicContext {
  return {
    entropy: seededEntropy(7),
    resolvePath(p: string): unknown {
      if (p.startsWith('$$')) return compilePath(p.slice(1)).read(CONTEXT);
      const v = /^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$/.exec(p);
      if (v) return compilePath(`$${v[2] ?? ''}`).read(vars[v[1] as string]);
      return compilePath(p).read(input);
    },
  };
}

function run(text: string, input: unknown = {}, vars: Record<string, unknown> = {}): JsonValue {
  return compileIntrinsic(text).evaluate(ctxFor(input, vars));
}

/** [call, FunctionInput, expected, corpus case] — State_0 Parameters {"FunctionResult.$": call} */
const CORPUS: [string, unknown, JsonValue, string][] = [
  ['States.Array()', 'HelloWorld', [], 'intrinsic/array/test_array_0'],
  ['States.Array($.FunctionInput.fst, $.FunctionInput.snd)', { fst: '', snd: '' }, ['', ''], 'test_array_2[0]'],
  ['States.Array($.FunctionInput.fst, $.FunctionInput.snd)', { fst: null, snd: null }, [null, null], 'test_array_2[3]'],
  ['States.Array($.FunctionInput.fst, $.FunctionInput.snd)', { fst: { Arg1: 1, Arg2: [] }, snd: 1 }, [{ Arg1: 1, Arg2: [] }, 1], 'test_array_2[7]'],
  ['States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [], snd: 1 }, [], 'test_array_partition[0]'],
  ['States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [0], snd: 5 }, [[0]], 'test_array_partition[9]'],
  ['States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [0, 1, 2], snd: 2 }, [[0, 1], [2]], 'test_array_partition[16]'],
  ['States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [0, 1, 2, 3], snd: 3 }, [[0, 1, 2], [3]], 'test_array_partition[22]'],
  ['States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [0, 1, 2, 3], snd: 1 }, [[0], [1], [2], [3]], 'test_array_partition[20]'],
  ['States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [], snd: null }, false, 'test_array_contains[0]'],
  ['States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [[1, 2, 3], 2], snd: [1, 2, 3] }, true, 'test_array_contains[4]'],
  ['States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [{ 1: 2, 2: [] }], snd: [] }, false, 'test_array_contains[5]'],
  ['States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [{ 1: 2, 2: [] }], snd: { 1: 2, 2: [] } }, true, 'test_array_contains[6]'],
  ['States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [true, false], snd: false }, true, 'test_array_contains[8]'],
  ['States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)', { fst: 0, snd: 10, trd: 3 }, [0, 3, 6, 9], 'test_array_range[1]'],
  ['States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)', { fst: 1, snd: 9, trd: 9 }, [1], 'test_array_range[2]'],
  ['States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)', { fst: 1, snd: 9, trd: 2 }, [1, 3, 5, 7, 9], 'test_array_range[3]'],
  ['States.ArrayGetItem($.FunctionInput.fst, $.FunctionInput.snd)', { fst: [1, 2, 3, 4, 5, 6, 7, 8, 9], snd: 5 }, 6, 'test_array_get_item'],
  ['States.ArrayLength($.FunctionInput)', [1, 2, 3, 4, 5, 6, 7, 8, 9], 9, 'test_array_length'],
  ['States.Base64Encode($.FunctionInput)', '', '', 'test_base_64_encode[0]'],
  ['States.Base64Encode($.FunctionInput)', 'Data to encode', 'RGF0YSB0byBlbmNvZGU=', 'test_base_64_encode[1]'],
  ['States.Base64Decode($.FunctionInput)', '', '', 'test_base_64_decode[0]'],
  ['States.Base64Decode($.FunctionInput)', 'RGF0YSB0byBlbmNvZGU=', 'Data to encode', 'test_base_64_decode[1]'],
  ["States.Format('Formatting argument {}.', $.FunctionInput)", 'HelloWorld', 'Formatting argument HelloWorld.', 'test_format_1[2]'],
  ["States.Format('Formatting argument {}.', $.FunctionInput)", 1, 'Formatting argument 1.', 'test_format_1[4]'],
  ["States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)", { fst: ' ', snd: ' ' }, 'Formatting arguments fst=  and snd= .', 'test_format_2[1]'],
  ["States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)", { fst: null, snd: null }, 'Formatting arguments fst=null and snd=null.', 'test_format_2[3]'],
  ["States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)", { fst: 1.1, snd: 1.1 }, 'Formatting arguments fst=1.1 and snd=1.1.', 'test_format_2[5]'],
  ["States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)", { fst: '{"Arg1": 1, "Arg2": []}', snd: '{"Arg1": 1, "Arg2": []}' }, 'Formatting arguments fst={"Arg1": 1, "Arg2": []} and snd={"Arg1": 1, "Arg2": []}.', 'test_format_2[6]'],
  ["States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)", { fst: { Arg1: 1, Arg2: [] }, snd: { Arg1: 1, Arg2: [] } }, 'Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.', 'test_format_2[7]'],
  ["States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)", null, 'Formatting arguments fst=exec-name and snd={Id=arn:aws:states:us-east-1:111111111111:stateMachine:my-machine-name, Name=my-machine-name}.', 'test_context_json_path'],
  ["States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))", null, 'name', 'test_nested_calls_2'],
  ["States.StringSplit('Hello\nWorld', '\n')", null, ['Hello', 'World'], 'test_escape_sequence'],
  ['States.Hash($.FunctionInput.fst, $.FunctionInput.snd)', { fst: 'input data', snd: 'MD5' }, '812f45842bc6d66ee14572ce20db8e86', 'test_hash[0]'],
  ['States.Hash($.FunctionInput.fst, $.FunctionInput.snd)', { fst: 'input data', snd: 'SHA-1' }, 'aaff4a450a104cd177d28d18d74485e8cae074b7', 'test_hash[1]'],
  ['States.Hash($.FunctionInput.fst, $.FunctionInput.snd)', { fst: 'input data', snd: 'SHA-256' }, 'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3', 'test_hash[2]'],
  ['States.StringToJson($.FunctionInput)', ' ', null, 'test_string_to_json[1]'],
  ['States.StringToJson($.FunctionInput)', '-0', 0, 'test_string_to_json[3]'],
  ['States.StringToJson($.FunctionInput)', '1.1', 1.1, 'test_string_to_json[5]'],
  ['States.StringToJson($.FunctionInput)', '"HelloWorld"', 'HelloWorld', 'test_string_to_json[7]'],
  ['States.StringToJson($.FunctionInput)', '[1, 2, "HelloWorld"]', [1, 2, 'HelloWorld'], 'test_string_to_json[8]'],
  ['States.StringToJson($.FunctionInput)', '{"Arg1": 1, "Arg2": []}', { Arg1: 1, Arg2: [] }, 'test_string_to_json[9]'],
  ['States.JsonToString($.FunctionInput)', null, 'null', 'test_json_to_string[0]'],
  ['States.JsonToString($.FunctionInput)', 0, '0', 'test_json_to_string[1]'],
  ['States.JsonToString($.FunctionInput)', true, 'true', 'test_json_to_string[4]'],
  ['States.JsonToString($.FunctionInput)', 'HelloWorld', '"HelloWorld"', 'test_json_to_string[5]'],
  ['States.JsonMerge($.FunctionInput.fst, $.FunctionInput.snd, false)', { fst: { a: { a1: 1, a2: 2 }, b: 2, d: 3 }, snd: { a: { a3: 1, a4: 2 }, c: 3, d: 4 } }, { a: { a3: 1, a4: 2 }, b: 2, c: 3, d: 4 }, 'test_json_merge'],
  ['States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { fst: 1.5, snd: 1.51 }, 4, 'test_math_add[2]'],
  ['States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { fst: -1.5, snd: -1.51 }, -3, 'test_math_add[4]'],
  ['States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { fst: 1.49, snd: -1.49 }, 0, 'test_math_add[6]'],
  ['States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { fst: -1.5, snd: 0 }, -1, 'test_math_add[10]'],
  ['States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { fst: 2.5, snd: 0 }, 3, 'test_math_add[14]'],
  ['States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { fst: -0.5, snd: 0.5 }, 1, 'test_math_add[16]'],
  ['States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { fst: -0.5, snd: 0 }, 0, 'test_math_add[17]'],
  ['States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { fst: -3.5, snd: 0 }, -3, 'test_math_add[20]'],
  ['States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)', { fst: ' ', snd: ',' }, [' '], 'test_string_split[0]'],
  ['States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)', { fst: ', , ,', snd: ',' }, [' ', ' '], 'test_string_split[2]'],
  ['States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)', { fst: ',,,,', snd: ',' }, [], 'test_string_split[3]'],
  ['States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)', { fst: 'This.is+a,test=string', snd: '.+,=' }, ['This', 'is', 'a', 'test', 'string'], 'test_string_split[5]'],
  ['States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)', { fst: 'split on T and \nnew line', snd: 'T\n' }, ['split on ', ' and ', 'new line'], 'test_string_split[6]'],
  ['States.ArrayRange(0, 3, 1)', null, [0, 1, 2, 3], 'scenarios/test_map_state_config_distributed_reentrant'],
];

for (const [call, fnInput, expected, id] of CORPUS) {
  test(`corpus ${id}: ${call}`, () => {
    assert.deepEqual(run(call, { FunctionInput: fnInput }), expected);
  });
}

test('corpus: States.StringSplit over $$.Execution.Input keeps newlines (test_string_split_context_object)', () => {
  const input = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n";
  assert.deepEqual(run("States.StringSplit($.s, ',')", { s: input }),
    ['Value1', 'Value2', 'Value3\nValue4', 'Value5', 'Value6\n', '\ntrue', '1', "'HelloWorld'\nNull", 'None', '\n   \n']);
});

test('corpus: every function with variable arguments (assign BASE_REFERENCE_IN_INTRINSIC_FUNCTION)', () => {
  const vars = {
    rawString: 'Hello World', encodedString: 'SGVsbG8gV29ybGQ=', inputString: 'Hash this string',
    json1: { a: 1, b: 2 }, json2: { c: 3, d: 4 }, jsonString: '{"key":"value"}', jsonObject: { test: 'object' },
    value1: 5, value2: 3, csvString: 'a,b,c,d,e', name: 'John', place: 'LocalStack',
  };
  assert.equal(run('States.Base64Encode($rawString)', {}, vars), 'SGVsbG8gV29ybGQ=');
  assert.equal(run('States.Base64Decode($encodedString)', {}, vars), 'Hello World');
  assert.equal(run("States.Hash($inputString, 'SHA-256')", {}, vars), '1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e');
  assert.deepEqual(run('States.JsonMerge($json1, $json2, false)', {}, vars), { a: 1, b: 2, c: 3, d: 4 });
  assert.deepEqual(run('States.StringToJson($jsonString)', {}, vars), { key: 'value' });
  assert.equal(run('States.JsonToString($jsonObject)', {}, vars), '{"test":"object"}');
  assert.equal(run('States.MathAdd($value1, $value2)', {}, vars), 8);
  assert.deepEqual(run("States.StringSplit($csvString, ',')", {}, vars), ['a', 'b', 'c', 'd', 'e']);
  assert.equal(run("States.Format('Hello {}, welcome to {}!', $name, $place)", {}, vars), 'Hello John, welcome to LocalStack!');
});

test('corpus: array functions (assign BASE_ASSIGN_FROM_INTRINSIC_FUNCTION)', () => {
  const input = { inputArray: [1, 2, 3, 4, 5, 6], duplicateArray: [1, 2, 2, 3, 3, 4] };
  assert.deepEqual(run("States.Array('a', 'b', 'c')", input), ['a', 'b', 'c']);
  assert.deepEqual(run('States.ArrayPartition($.inputArray, 2)', input), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(run('States.ArrayContains($.inputArray, 5)', input), true);
  assert.deepEqual(run('States.ArrayRange(1, 10, 2)', input), [1, 3, 5, 7, 9]);
  assert.equal(run('States.ArrayGetItem($.inputArray, 2)', input), 3);
  assert.equal(run('States.ArrayLength($.inputArray)', input), 6);
  assert.deepEqual(run('States.ArrayUnique($.duplicateArray)', input), [1, 2, 3, 4]);
});

test('corpus: States.MathAdd nested four deep (assign BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE)', () => {
  assert.equal(run('States.MathAdd(States.MathAdd(States.MathAdd($y, $x), $z), $b)', {}, { x: 1, y: 2, z: 3, b: 3 }), 9);
});

test('corpus: States.Format in a Fail state ErrorPath/CausePath (base/test_state_fail_intrinsic)', () => {
  const input = { Error: 'error string', Cause: 'cause string' };
  assert.equal(run("States.Format('{}', $.Error)", input), 'error string');
  assert.equal(run("States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)", input),
    'This is a custom error message for error string, caused by cause string.');
});

test('corpus: template taken from a path (MAP_STATE_REFERENCE_IN_ITEMS_PATH)', () => {
  assert.equal(run("States.Format($.t, $.v)", { t: "It's {}!", v: 'Pikachu' }), "It's Pikachu!");
});

// AWS developer guide examples and limits

test('docs: States.Format with escaped braces and quotes', () => {
  assert.equal(run("States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' }), 'Hello, my name is Arnav.');
  assert.equal(run("States.Format('\\{literal\\} {} it\\'s \\\\', 'x')"), "{literal} x it's \\");
});

test('docs: States.ArrayUnique keeps the first occurrence', () => {
  assert.deepEqual(run('States.ArrayUnique($.a)', { a: [1, 2, 3, 3, 3, 3, 3, 3, 4] }), [1, 2, 3, 4]);
  assert.deepEqual(run('States.ArrayUnique($.a)', { a: [{ x: 1 }, { x: 1 }, [1], [1], 1.1, 1] }), [{ x: 1 }, [1], 1.1, 1]);
});

test('docs: literals of every kind', () => {
  assert.deepEqual(run("States.Array(1, -2.5, 'x', true, false, null)"), [1, -2.5, 'x', true, false, null]);
  const nested = run('States.Array(States.Array(), States.UUID())') as JsonValue[];
  assert.deepEqual(nested[0], []);
  assert.match(String(nested[1]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('States.ArrayRange counts down and caps at 1000 items', () => {
  assert.deepEqual(run('States.ArrayRange(5, 1, -2)'), [5, 3, 1]);
  assert.deepEqual(run('States.ArrayRange(5, 1, 1)'), []);
  assert.equal((run('States.ArrayRange(1, 1000, 1)') as number[]).length, 1000);
  assert.throws(() => run('States.ArrayRange(1, 1001, 1)'), StatesError);
  assert.throws(() => run('States.ArrayRange(1, 5, 0)'), StatesError);
  assert.throws(() => run('States.ArrayRange(1.5, 5, 1)'), StatesError);
});

test('States.Hash: FIPS 180 / RFC 1321 vectors for every algorithm', () => {
  assert.equal(run("States.Hash('', 'MD5')"), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(run("States.Hash('abc', 'SHA-1')"), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(run("States.Hash('abc', 'SHA-256')"), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(run("States.Hash('abc', 'SHA-384')"), 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7');
  assert.equal(run("States.Hash('abc', 'SHA-512')"), 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  assert.equal(run("States.Hash('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'SHA-256')"), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.throws(() => run("States.Hash('abc', 'SHA-999')"), StatesError);
  assert.throws(() => run('States.Hash($.s, \'MD5\')', { s: 'x'.repeat(10_001) }), StatesError);
});

test('States.Base64Encode/Decode use UTF-8', () => {
  assert.equal(run("States.Base64Encode('ü€')"), 'w7zigqw=');
  assert.equal(run("States.Base64Decode('w7zigqw=')"), 'ü€');
  assert.equal(run("States.Base64Decode('w7zigqw')"), 'ü€', 'padding is optional (java.util.Base64)');
  assert.throws(() => run("States.Base64Decode('not base64!')"), StatesError);
});

test('States.MathRandom: within [start, end), repeatable with a seed', () => {
  for (let i = 0; i < 50; i++) {
    const v = compileIntrinsic('States.MathRandom(1, 5)').evaluate({ ...ctxFor({}), entropy: seededEntropy(i) }) as number;
    assert.ok(Number.isInteger(v) && v >= 1 && v < 5, String(v));
  }
  assert.equal(run('States.MathRandom(0, 999, 3)'), run('States.MathRandom(0, 999, 3)'));
  assert.throws(() => run('States.MathRandom(5, 5)'), StatesError);
});

test('java.util.Random reproduces Java (new Random(42).nextInt() = -1170105035, new Random(0).nextInt() = -1155484576)', () => {
  assert.equal(new JavaRandom(42).next(32), -1170105035);
  assert.equal(new JavaRandom(0).next(32), -1155484576);
});

test('States.UUID comes from the entropy source', () => {
  const ctx = ctxFor({});
  const expected = seededEntropy(7).uuid();
  assert.equal(compileIntrinsic('States.UUID()').evaluate(ctx), expected);
});

test('javaNumber renders like Java Double.toString', () => {
  assert.equal(javaNumber(1), '1');
  assert.equal(javaNumber(1.1), '1.1');
  assert.equal(javaNumber(0.001), '0.001');
  assert.equal(javaNumber(1e-4), '1.0E-4');
  assert.equal(javaNumber(1.5e-7), '1.5E-7');
  assert.equal(javaNumber(12345678.9), '1.23456789E7');
  assert.equal(run("States.Format('{} {}', $.a, $.b)", { a: [1, 'x', null], b: true }), '[1, x, null] true');
});

// run-time errors (States.Runtime; the message text is ours, AWS's is unrecorded)

const RUNTIME_ERRORS: [string, unknown][] = [
  ['States.ArrayGetItem($.a, 3)', { a: [1, 2, 3] }],
  ['States.ArrayGetItem($.a, -1)', { a: [1, 2, 3] }],
  ['States.ArrayLength($.a)', { a: 'abc' }],
  ['States.ArrayPartition($.a, 0)', { a: [1] }],
  ['States.ArrayPartition($.a, 1.5)', { a: [1] }],
  ['States.StringToJson($.a)', { a: '{nope' }],
  ['States.StringToJson($.a)', { a: 1 }],
  ['States.JsonMerge($.a, $.b, true)', { a: {}, b: {} }],
  ['States.JsonMerge($.a, $.b, false)', { a: [], b: {} }],
  ['States.MathAdd($.a, 1)', { a: '1' }],
  ['States.StringSplit($.a, \',\')', { a: 5 }],
  ["States.Format($.t, 'x')", { t: 'no placeholder' }],
  ['States.Base64Encode($.a)', { a: 'x'.repeat(10_001) }],
];
for (const [call, input] of RUNTIME_ERRORS) {
  test(`runtime error: ${call} on ${JSON.stringify(input).slice(0, 40)}`, () => {
    assert.throws(() => run(call, input), (e: unknown) => e instanceof StatesError && e.error === 'States.Runtime' && (e.cause ?? '').includes(call.slice(0, call.indexOf('('))));
  });
}

const SYNTAX_ERRORS = [
  'States.Nope()',
  'States.Format(',
  "States.Format('{} {}', 1)",
  'States.UUID(1)',
  'States.ArrayLength()',
  'States.MathAdd(1)',
  'States.JsonToString(1)',
  "States.Array('unterminated)",
  "States.Array('bad \\q escape')",
  'States.Array(1) trailing',
  'States.Array(foo)',
  'States.Array(1 2)',
];
const nestedArrays = (depth: number): string => 'States.Array('.repeat(depth) + ')'.repeat(depth);
SYNTAX_ERRORS.push(nestedArrays(11));

for (const bad of SYNTAX_ERRORS) {
  test(`syntax error: ${bad.slice(0, 60)}`, () => {
    assert.throws(() => compileIntrinsic(bad), IntrinsicSyntaxError);
  });
}

test('nesting up to 10 levels is allowed (AWS limit)', () => {
  assert.deepEqual(run(nestedArrays(10)), [[[[[[[[[[]]]]]]]]]]);
});

test('isIntrinsicCall', () => {
  assert.equal(isIntrinsicCall("States.Format('{}', $.x)"), true);
  assert.equal(isIntrinsicCall('States.UUID()'), true);
  assert.equal(isIntrinsicCall('$.x'), false);
  assert.equal(isIntrinsicCall('States.Format'), false);
  assert.equal(isIntrinsicCall('Hello States.Format()'), false);
});

test('path arguments may contain commas and parentheses inside brackets', () => {
  assert.deepEqual(run("States.Array($['a,b'], $.xs[?(@.v == 1)])", { 'a,b': 1, xs: [{ v: 1 }, { v: 2 }] }), [1, [{ v: 1 }]]);
});

test('compiled intrinsics are cached by text', () => {
  assert.equal(compileIntrinsic('States.Array(1)'), compileIntrinsic('States.Array(1)'));
});
