// Jayway JSONPath semantics as AWS Step Functions applies them. Expected values come from the Jayway README
// (its "store" document and path examples), Jayway's documented definite/indefinite rules, and the recorded AWS
// corpus (conformance/sfn/dev.jsonl) where noted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath, compileReferencePath, JsonPathSyntaxError, PathNotFoundError } from './jsonpath.js';
import { StatesError } from './errors.js';

const STORE = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
      { category: 'fiction', author: 'J. R. R. Tolkien', title: 'The Lord of the Rings', isbn: '0-395-19395-8', price: 22.99 },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  expensive: 10,
};
const BOOKS = STORE.store.book;
const [B0, B1, B2, B3] = [BOOKS[0], BOOKS[1], BOOKS[2], BOOKS[3]];

/** [path, expected definite, expected read() result] */
const READS: [string, boolean, unknown][] = [
  // definite paths: one value
  ['$', true, STORE],
  ['$.expensive', true, 10],
  ['$.store.bicycle.color', true, 'red'],
  ["$['store']['bicycle']['color']", true, 'red'],
  ['$["store"]["bicycle"]', true, { color: 'red', price: 19.95 }],
  ["$.store['bicycle'].price", true, 19.95],
  ['$.store.book[0].author', true, 'Nigel Rees'],
  ['$.store.book[-1].title', true, 'The Lord of the Rings'],
  ['$.store.book[-4].title', true, 'Sayings of the Century'],
  ['$.store.book[2].isbn', true, '0-553-21311-3'],
  ['$.store.book[ 1 ].price', true, 12.99],
  ['$.store.book.[0].price', true, 8.95],
  // a leaf with several names merges them into one object (Jayway: definite)
  ["$.store.book[0]['author','title']", true, { author: 'Nigel Rees', title: 'Sayings of the Century' }],
  ["$.store.book[0]['author','nope']", true, { author: 'Nigel Rees' }],
  // README examples (indefinite: always a list)
  ['$.store.book[*].author', false, ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
  ['$..author', false, ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
  ['$.store.*', false, [BOOKS, STORE.store.bicycle]],
  ['$.store..price', false, [8.95, 12.99, 8.99, 22.99, 19.95]],
  ['$..book[2]', false, [B2]],
  ['$..book[-2]', false, [B2]],
  ['$..book[0,1]', false, [B0, B1]],
  ['$..book[:2]', false, [B0, B1]],
  ['$..book[1:2]', false, [B1]],
  ['$..book[-2:]', false, [B2, B3]],
  ['$..book[2:]', false, [B2, B3]],
  ['$..book[?(@.isbn)]', false, [B2, B3]],
  ['$.store.book[?(@.price < 10)]', false, [B0, B2]],
  ["$..book[?(@.price <= $['expensive'])]", false, [B0, B2]],
  ['$..book[?(@.author =~ /.*REES/i)]', false, [B0]],
  ['$..book.length()', true, 4],
  // more indefinite forms
  ['$.store.book[*]', false, BOOKS],
  ['$.store.book.*.price', false, [8.95, 12.99, 8.99, 22.99]],
  ['$.store.book[0,-1].price', false, [8.95, 22.99]],
  ['$.store.book[0, 2].price', false, [8.95, 8.99]],
  ['$.store.book[1:3].title', false, ['Sword of Honour', 'Moby Dick']],
  ['$.store.book[:-3].title', false, ['Sayings of the Century']],
  ['$.store.book[3:10].title', false, ['The Lord of the Rings']],
  ['$.store.book[7:]', false, []],
  // Jayway's slice-between does not rebase negative bounds
  ['$.store.book[1:-1]', false, []],
  ['$.store.book[-1:2].title', false, ['The Lord of the Rings', 'Sayings of the Century', 'Sword of Honour']],
  ['$.store.book[0:4:2].title', false, ['Sayings of the Century', 'Sword of Honour', 'Moby Dick', 'The Lord of the Rings']],
  ['$.store.book[?(@.isbn)].title', false, ['Moby Dick', 'The Lord of the Rings']],
  ['$.store.book[?(!@.isbn)].title', false, ['Sayings of the Century', 'Sword of Honour']],
  ["$.store.book[?(@.category == 'fiction' && @.price > 10)].title", false, ['Sword of Honour', 'The Lord of the Rings']],
  ["$.store.book[?(@.category == 'reference' || @.price > 20)].title", false, ['Sayings of the Century', 'The Lord of the Rings']],
  ['$.store.book[?(@.price >= 12.99)].price', false, [12.99, 22.99]],
  ['$.store.book[?(@.price != 8.95)].price', false, [12.99, 8.99, 22.99]],
  ['$.store.book[?(@.author in ["Nigel Rees", "Herman Melville"])].price', false, [8.95, 8.99]],
  ["$.store.book[?(@.author nin ['Nigel Rees', 'Herman Melville'])].price", false, [12.99, 22.99]],
  ['$.store.book[?(@.title =~ /moby.*/)]', false, []],
  ['$.store.book[?(@.title =~ /Moby.*/)].price', false, [8.99]],
  ["$.store.book[?(@.title =~ /Moby/)].price", false, []],
  ['$.store.book[?(!(@.price < 10))].price', false, [12.99, 22.99]],
  ['$.store.book[?(@.price > $.expensive)].title', false, ['Sword of Honour', 'The Lord of the Rings']],
  ["$.store.book[?(@.category < 'g')].title", false, ['Sayings of the Century', 'Sword of Honour', 'Moby Dick', 'The Lord of the Rings'].slice(1)],
  // a filter on an object tests the object itself (Jayway)
  ["$.store.bicycle[?(@.color == 'red')]", false, [STORE.store.bicycle]],
  ["$.store.bicycle[?(@.color == 'blue')]", false, []],
  // deep scan
  ['$..bicycle.color', false, ['red']],
  ['$..[?(@.isbn)].price', false, [8.99, 22.99]],
  ['$..nope', false, []],
  // functions at the end
  ['$.store.book.length()', true, 4],
  ['$.store.bicycle.length()', true, 2],
  ['$.store.book[*].price.sum()', true, 8.95 + 12.99 + 8.99 + 22.99],
  ['$.store.book[*].price.min()', true, 8.95],
  ['$.store.book[*].price.max()', true, 22.99],
  ['$.store.bicycle.keys()', true, ['color', 'price']],
  // indefinite paths never fail (corpus: `$.item.items[1:5]` on {} → [])
  ['$.item.items[1:5]', false, []],
  ['$.item.items[1:5].itemValue', false, []],
  ['$.item.items[*]', false, []],
  ['$[*]', false, [STORE.store, 10]],
];

for (const [path, definite, expected] of READS) {
  test(`read ${path}`, () => {
    const p = compilePath(path);
    assert.equal(p.definite, definite, 'definite');
    assert.deepEqual(p.read(STORE), expected);
  });
}

test('numbers in filters: Jayway compares a number with numeric text', () => {
  const doc = { xs: [{ v: 1 }, { v: '1' }, { v: 2 }, { v: true }, { v: null }] };
  assert.deepEqual(compilePath('$.xs[?(@.v == 1)]').read(doc), [{ v: 1 }, { v: '1' }]);
  assert.deepEqual(compilePath("$.xs[?(@.v == '1')]").read(doc), [{ v: 1 }, { v: '1' }]);
  assert.deepEqual(compilePath('$.xs[?(@.v === 1)]').read(doc), [{ v: 1 }]);
  assert.deepEqual(compilePath('$.xs[?(@.v == true)]').read(doc), [{ v: true }]);
  assert.deepEqual(compilePath('$.xs[?(@.v == null)]').read(doc), [{ v: null }]);
  // ordering needs the same type
  assert.deepEqual(compilePath('$.xs[?(@.v > 0)]').read(doc), [{ v: 1 }, { v: 2 }]);
});

test('corpus: filter on an integer field (base/test_state_pass_regex_json_path_base)', () => {
  const input = { users: [{ year: 1997, status: 0 }, { year: 1998, status: 1 }] };
  assert.deepEqual(compilePath('$.users[?(@.status == 0)]').read(input), [{ year: 1997, status: 0 }]);
});

test('corpus: bracket names keep backslashes as written', () => {
  const input = { 'Test\\""Name"': 'Value"\\' };
  assert.equal(compilePath('$[\'Test\\""Name"\']').read(input), 'Value"\\');
});

test('names with special characters', () => {
  const doc = { 'a-b': 1, 'a:b': 2, 'with space': 3, 'dot.name': 4, 'ünï': 5, '@at': 6, $dollar: 7 };
  assert.equal(compilePath('$.a-b').read(doc), 1);
  assert.equal(compilePath('$.a:b').read(doc), 2);
  assert.equal(compilePath("$['with space']").read(doc), 3);
  assert.equal(compilePath("$['dot.name']").read(doc), 4);
  assert.equal(compilePath('$.ünï').read(doc), 5);
  assert.equal(compilePath('$.@at').read(doc), 6);
  assert.equal(compilePath('$.$dollar').read(doc), 7);
  assert.throws(() => compilePath('$.with space'), JsonPathSyntaxError);
});

test('does not read inherited properties', () => {
  assert.throws(() => compilePath('$.constructor').read({}), PathNotFoundError);
  assert.throws(() => compilePath('$.toString').read({ a: 1 }), PathNotFoundError);
});

test('a present null is a value, not a miss', () => {
  assert.equal(compilePath('$.a').read({ a: null }), null);
  assert.equal(compilePath('$.a').exists({ a: null }), true);
});

/** [path, input, Jayway/AWS message] */
const ERRORS: [string, unknown, string][] = [
  // corpus: InputPath/OutputPath `Invalid path '$.x' : No results for path: $['x']`
  ['$.NoSuchInputPath', { a: 1 }, "No results for path: $['NoSuchInputPath']"],
  // corpus: `Invalid path '$.no.such.result.path' : Missing property in path $['no']`
  ['$.no.such.result.path', {}, "Missing property in path $['no']"],
  ['$.a.b', { a: {} }, "No results for path: $['a']['b']"],
  ['$.a[3]', { a: [1] }, "No results for path: $['a'][3]"],
  ['$.a[-3]', { a: [1] }, "No results for path: $['a'][-3]"],
  ['$.a[3].b', { a: [1] }, "No results for path: $['a'][3]['b']"],
  ['$["a"]["b"]', { a: {} }, 'No results for path: $["a"]["b"]'],
  ['$.a.b', { a: 'text' }, "Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.String'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."],
  ['$.a.b', { a: null }, "Expected to find an object with property ['b'] in path $['a'] but found 'null'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."],
  ['$.a.b', { a: [1] }, "Expected to find an object with property ['b'] in path $['a'] but found 'net.minidev.json.JSONArray'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."],
  ['$.x', 5, "Expected to find an object with property ['x'] in path $ but found 'java.lang.Integer'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."],
  ['$.a[0]', { a: null }, "The path $['a'] is null"],
  ['$.a[0]', { a: { b: 1 } }, 'Filter: [0] can only be applied to arrays. Current context is: {"b":1}'],
];

for (const [path, input, message] of ERRORS) {
  test(`error ${path} on ${JSON.stringify(input)}`, () => {
    const p = compilePath(path);
    assert.equal(p.definite, true);
    assert.throws(() => p.read(input), (e: unknown) => e instanceof PathNotFoundError && e.message === message);
    assert.equal(p.exists(input), false);
  });
}

test('exists: definite paths that resolve, indefinite always', () => {
  assert.equal(compilePath('$.store.bicycle.color').exists(STORE), true);
  assert.equal(compilePath('$.store.bicycle.size').exists(STORE), false);
  assert.equal(compilePath('$.nothing[*]').exists(STORE), true);
  assert.equal(compilePath('$').exists(null), true);
});

const BAD_SYNTAX = ['', 'a.b', '$a', '$.', '$..', '$.a.', '$...a', "$['a", "$['a'", '$[*', '$.a[?(@.x > 1]', '$[1:x]', "$['a' 'b']", '$.f(', '$[::2]'];
for (const bad of BAD_SYNTAX) {
  test(`syntax error: ${JSON.stringify(bad)}`, () => {
    assert.throws(() => compilePath(bad), JsonPathSyntaxError);
  });
}

test('syntax error messages follow Jayway', () => {
  assert.throws(() => compilePath('$.a.'), { message: "Path must not end with a '.' or '..'" });
  assert.throws(() => compilePath('$x'), { message: "Illegal character at position 1 expected '.' or '['" });
  assert.throws(() => compilePath('$.a b'), { message: "Use bracket notion ['my prop'] if your property contains blank characters. position: 2" });
});

test('compiled paths are cached by text', () => {
  assert.equal(compilePath('$.cached.path'), compilePath('$.cached.path'));
});

// ResultPath (reference paths)

test('reference path $ replaces the whole input', () => {
  assert.deepEqual(compileReferencePath('$').set({ a: 1 }, { r: 2 }), { r: 2 });
  assert.equal(compileReferencePath('$').set('x', 5), 5);
});

test('reference path inserts into a copy and creates missing objects', () => {
  const input = { a: { keep: 1 }, other: [1, 2] };
  const out = compileReferencePath('$.a.b.c').set(input, 'v');
  assert.deepEqual(out, { a: { keep: 1, b: { c: 'v' } }, other: [1, 2] });
  assert.deepEqual(input, { a: { keep: 1 }, other: [1, 2] }, 'input untouched');
  assert.equal((out as { other: unknown }).other, input.other, 'untouched branches are shared');
});

test('reference path overwrites an existing value and supports brackets and indexes', () => {
  assert.deepEqual(compileReferencePath("$['x']").set({ x: 1, y: 2 }, 3), { x: 3, y: 2 });
  assert.deepEqual(compileReferencePath('$.list[1].v').set({ list: [{ v: 1 }, { v: 2 }] }, 9), { list: [{ v: 1 }, { v: 9 }] });
  assert.deepEqual(compileReferencePath('$.list[-1]').set({ list: [1, 2] }, 9), { list: [1, 9] });
});

test('reference path onto a non-object fails with States.ResultPathMatchFailure', () => {
  const check = (path: string, input: unknown): void => {
    assert.throws(() => compileReferencePath(path).set(input, 1), (e: unknown) =>
      e instanceof StatesError && e.error === 'States.ResultPathMatchFailure' &&
      e.cause === `Unable to apply ReferencePath ${path} to input ${JSON.stringify(JSON.stringify(input))}`);
  };
  check('$.result', 'a string');
  check('$.result', [1, 2]);
  check('$.a.b', { a: 5 });
  check('$.a[5]', { a: [1] });
});

test('reference paths reject indefinite syntax', () => {
  for (const bad of ['$.a[*]', '$..a', '$.a[0,1]', '$.a[1:2]', "$['a','b']", '$.a[?(@.x)]', 'a.b']) {
    assert.throws(() => compileReferencePath(bad), JsonPathSyntaxError, bad);
  }
});

test('filter operators from the Jayway README: in, nin, subsetof, anyof, noneof, size, empty, contains, =~', () => {
  const d = { a: [1, 2, 3, 4], s: [{ n: 'a)b', t: [1, 2] }, { n: 'x', t: [] }] };
  const names = (p: string): unknown => compilePath(p).read(d);
  assert.deepEqual(names('$.a[?(@ > 2)]'), [3, 4]);
  assert.deepEqual(names("$.s[?(@.n == 'a)b')].n"), ['a)b']);
  assert.deepEqual(names('$.s[?(@.t.length() > 1)].n'), ['a)b']);
  assert.deepEqual(names('$.s[?(@.t empty true)].n'), ['x']);
  assert.deepEqual(names('$.s[?(@.t size 2)].n'), ['a)b']);
  assert.deepEqual(names("$.s[?(@.n in ['x','y'])].n"), ['x']);
  assert.deepEqual(names('$.s[?(@.t contains 2)].n'), ['a)b']);
  assert.deepEqual(names("$.s[?(@['n'] == 'x')].n"), ['x']);
  assert.deepEqual(names('$.a[?(@ >= 2 && @ <= 3)]'), [2, 3]);
  assert.deepEqual(names('$.a[?((@ == 1 || @ == 4) && !(@ == 4))]'), [1]);
  assert.deepEqual(names('$.s[?(@.n =~ /A.*/i)].n'), ['a)b']);
  assert.deepEqual(names('$.s[?(@.t subsetof [1,2,3])].n'), ['a)b', 'x']);
  assert.deepEqual(names('$.s[?(@.t anyof [2])].n'), ['a)b']);
  assert.deepEqual(names('$.s[?(@.t noneof [2])].n'), ['x']);
  assert.deepEqual(names('$.s[*].t[*]'), [1, 2]);
});

test('deep scan quirk: a non-leaf index after .. applies the rest of the path to every element', () => {
  // Jayway ScanPathToken.walkArray evaluates the token after `[0]` on each element of a matching array
  const d = { list: [{ v: 1 }, { v: 2 }] };
  assert.deepEqual(compilePath('$..[0].v').read(d), [1, 2]);
  assert.deepEqual(compilePath('$..[0]').read(d), [{ v: 1 }]);
});
