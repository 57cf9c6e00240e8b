// JSON as API Gateway's Java JSON provider reads and writes it: ordered maps (also for integer-like
// keys, unlike JavaScript objects), Integer vs Double, JSONArray printing; and code generation safety.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate } from './index.js';
import { JavaDouble, JavaList, JavaMap, javaFromJsonValue, javaToString, parseJsonJava, toJson } from './java-values.js';
import { renderMappingTemplate } from './index.js';

test('objects keep document order, including integer-like keys (LinkedHashMap)', () => {
  const m = parseJsonJava('{"b": 1, "2": "two", "a": 3, "1": "one"}');
  assert.ok(m instanceof JavaMap);
  assert.deepEqual([...m.entries.keys()], ['b', '2', 'a', '1']);
  assert.equal(javaToString(m), '{b=1, 2=two, a=3, 1=one}');
});

test('numbers: integers stay Integer, a fraction or exponent makes a Double', () => {
  const l = parseJsonJava('[1, 1.0, 2.5, 1e3, -0, 10000000.0, 123456789012]') as JavaList;
  assert.equal(l.items[0], 1);
  assert.ok(l.items[1] instanceof JavaDouble);
  assert.equal(javaToString(l.items[1]), '1.0');
  assert.equal(javaToString(l.items[2]), '2.5');
  assert.equal(javaToString(l.items[3]), '1000.0');
  assert.equal(javaToString(l.items[5]), '1.0E7');
  assert.equal(javaToString(l.items[6]), '123456789012');
  // The same values whichever parser path is taken (this text has no decimals for the fast path).
  assert.equal(javaToString(parseJsonJava('{"ip": "203.0.113.10", "n": 7}')), '{ip=203.0.113.10, n=7}');
});

test('strings with escapes, and invalid JSON', () => {
  const m = parseJsonJava('{"q": "a\\"b\\\\c\\u00e9\\n", "1": "x"}') as JavaMap;
  assert.equal(m.entries.get('q'), 'a"b\\cé\n');
  assert.throws(() => parseJsonJava('{"a": }'), SyntaxError);
  assert.throws(() => parseJsonJava('{"1": }'), SyntaxError);
  assert.throws(() => parseJsonJava('[1, 2'), SyntaxError);
});

test('JSON output escapes like JSON and keeps Java number forms', () => {
  const v = parseJsonJava('{"s": "line\\nquote\\"", "d": 1.0, "l": [true, null]}');
  assert.equal(toJson(v), '{"s":"line\\nquote\\"","d":1.0,"l":[true,null]}');
});

test('template text cannot become code', () => {
  const nasty = '"; throw new Error("x"); //\u2028${1+1}`\\ */ $a';
  assert.equal(compileTemplate(nasty).render({ a: 'A' }), nasty.replace('$a', 'A'));
  assert.equal(compileTemplate('#set($k = "\'); x(); //")$k').render(), "'); x(); //");
  assert.equal(compileTemplate('#macro(m $x)[$x]#end#m("`${1+1}`")').render(), '[`${1+1}`]');
});

test('compiled templates list the variables they read', () => {
  assert.deepEqual([...(compileTemplate("$input.json('$') $context.stage").variables ?? [])].sort(), ['context', 'input']);
  assert.equal(compileTemplate("#evaluate('$x')").variables, undefined);
});

test('integral decimals are found wherever they are written', () => {
  for (const text of ['1.0', ' -2e3', '[0, 1.50e1]', '{"a": {"b": [3, -4.0]}}', '{"ip": "1.2.3.4", "x": 5E0}']) {
    const found = JSON.stringify(javaToString(parseJsonJava(text)));
    assert.match(found, /\.0/, text);
  }
  assert.equal(javaToString(parseJsonJava('{"v": "1.0", "n": 2}')), '{v=1.0, n=2}');
});

/** What a template sees of a value: its JSON (Java) and its toString, with Double-ness visible. */
const seen = (v: unknown): string => `${toJson(v)} | ${javaToString(v)}`;

test('an in-process JSON value reads exactly as its printed text would', () => {
  const values: unknown[] = [
    { executionArn: 'arn:aws:states:us-east-1:1:express:m:3e5:9e1', startDate: 1796582994.748, stopDate: 1796582994, status: 'SUCCEEDED', output: '{"a":1.0}' },
    { '1': 'index-like key first', b: 2 }, [1, 2.5, -0, 1e21, -1e22, 123456789012, null, true, 'x'], { big: 1e300, small: 5e-324, neg: -12.75 },
    { nested: { list: [{ '0': 'z' }], u: undefined }, holes: [undefined, 1] }, 'just a string', 42, 0.1, null, false, {}, [],
  ];
  for (const v of values) {
    const text = JSON.stringify(v);
    assert.equal(seen(javaFromJsonValue(v, text)), seen(parseJsonJava(text)), text);
  }
});

test('response templates read an integration answer given as value and text like the text alone', () => {
  const value = { status: 'SUCCEEDED', output: '{"total":42.0}', startDate: 1796582994.5, n: 3, '7': 'seven' };
  const text = JSON.stringify(value);
  const template = "#set($r = $util.parseJson($input.body))$r.status $r.startDate $r.n $r $input.json('$') $input.path('$.n') $util.parseJson('{\"n\": 1.0}').n";
  const base = { method: 'POST', path: '/p', resourcePath: '/p', body: text };
  const withValue = renderMappingTemplate(template, { ...base, bodyJson: value });
  const textOnly = renderMappingTemplate(template, base);
  assert.equal(withValue.error, undefined);
  assert.equal(withValue.body, textOnly.body);
  assert.match(textOnly.body, /^SUCCEEDED 1\.7965829945E9 3 /);
});
