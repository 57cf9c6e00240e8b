// Property test: random and mutated templates never throw out of the renderer (only VtlSyntaxError at
// compile time), always terminate within the engine's limits, and never expose host objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, renderMappingTemplate, VtlRuntimeError, VtlSyntaxError, type MappingRequest } from './index.js';

/** Deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '$a', '$!a', '${a}', '$a.b', '$a.b.c', '$m.get("k")', '$l[0]', '$l[$i]', '$s.length()', '$s.split(",")',
  '$s.replaceAll("[a-z]", "$0")', '$s.substring($i)', '$s.charAt(9)', '$input.json("$")', "$input.path('$.x')",
  "$input.params('h')", '$input.params().header', '$util.escapeJavaScript($s)', '$util.parseJson($s)',
  '$util.base64Decode($s)', '$context.requestOverride.header', '$foreach.index', '$velocityCount',
  '#set($a = 1)', '#set($a = $a + 1)', '#set($s = "$s$s")', '#set($m = {"k": $a})', '#set($l = [1, "x", 2.5])',
  '#set($m.k = $l)', '#set($l[0] = $m)', '#set($i = $i * 7 / 3 % 5)', '#if($a)', '#if($a == $b && !$c)', '#elseif($s)',
  '#else', '#end', '#foreach($x in $l)', '#foreach($x in [1..2000])', '#foreach($x in $m)', '#break', '#stop',
  '#macro(mm $p)', '#mm($a)', '#define($d)', '$d', '#evaluate($s)', '#evaluate("#evaluate($s)")', '## c\n', '#* c *#',
  '#[[raw]]#', '\\$a', '\\#if', '"', "'", '(', ')', '[', ']', '{', '}', ',', '..', '=', '$', '#', '\\', '\n', ' ', 'text',
  '$s.matches("(a+)+b")', '$s.repeat(1000000)', '[1..99999999]', '#set($s = $s.concat($s))', '$l.add($l)', '$m.put("self", $m)',
  '$m', '$l', '$a.constructor', '$s.__proto__', '$input.toString()',
];

const REQUEST: MappingRequest = {
  method: 'POST', path: '/x', resourcePath: '/x', pathParameters: { p: '1' }, query: { q: '2' },
  headers: { h: 'v' }, body: '{"x": [1, {"y": null}], "s": "a,b"}', stageVariables: { v: 'w' },
  context: { stage: 'dev', identity: { sourceIp: '1.2.3.4' } },
};

function randomTemplate(r: () => number): string {
  const n = 1 + Math.floor(r() * 30);
  let t = '#set($s = "a,b")#set($i = 1)#set($l = [1, 2])#set($m = {"k": "v"})';
  for (let k = 0; k < n; k++) t += FRAGMENTS[Math.floor(r() * FRAGMENTS.length)];
  return t;
}

function mutate(t: string, r: () => number): string {
  const chars = '$#(){}[]"\'\\.,!=\n ab1';
  let out = t;
  const edits = 1 + Math.floor(r() * 5);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(r() * (out.length + 1));
    if (r() < 0.5) out = out.slice(0, at) + chars[Math.floor(r() * chars.length)] + out.slice(at);
    else out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 3));
  }
  return out;
}

function renderSafely(template: string, seed: number): void {
  let compiled;
  try {
    compiled = compileTemplate(template);
  } catch (e) {
    assert.ok(e instanceof VtlSyntaxError, `seed ${seed}: compile threw ${String(e)} for ${JSON.stringify(template)}`);
    return;
  }
  const r = renderMappingTemplate(compiled, REQUEST);
  assert.equal(typeof r.body, 'string');
  if (r.error) assert.ok(r.error instanceof VtlRuntimeError, `seed ${seed}: ${String(r.error)}`);
  assert.ok(!/\[object |native code|=>|function \(|function [a-zA-Z]+\(/.test(r.body), `seed ${seed}: host text leaked: ${r.body.slice(0, 200)}`);
}

test('random templates compile or fail with VtlSyntaxError, and render without throwing', () => {
  for (let seed = 1; seed <= 1500; seed++) renderSafely(randomTemplate(rng(seed)), seed);
});

test('mutated templates never throw out of the renderer', () => {
  const bases = [
    '#set($b = $input.path("$"))#foreach($k in $b.keySet())"$k": "$util.escapeJavaScript($b.get($k))"#if($foreach.hasNext),#end#end',
    '#macro(m $x)#if($x > 0)$x #m($x - 1)#end#end#m(3)',
    "#define($d)$input.params('q')#end#set($l = [$d, 1..2])$l #evaluate('$d')",
  ];
  for (let seed = 1; seed <= 1500; seed++) {
    const r = rng(seed);
    renderSafely(mutate(bases[seed % bases.length] as string, r), seed);
  }
});

test('runaway templates stop at the limits instead of hanging', () => {
  const cases = [
    '#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end',
    '#set($s = "x")#foreach($i in [1..1000])#set($s = "$s$s")#end$s.length()',
    '#macro(f)#f()#f()#end#f()',
    "#set($s = '#evaluate($s)')#evaluate($s)",
    '#define($d)$d$d#end$d',
    '#foreach($i in [1..1000])#foreach($j in [1..1000])0123456789012345678901234567890123456789#end#end',
  ];
  for (const t of cases) {
    const r = compileTemplate(t).execute();
    assert.ok(r.error instanceof VtlRuntimeError, `${t} should stop with an error`);
  }
});

test('templates cannot reach host objects', () => {
  const probes = [
    '$input.constructor', '$util.constructor.constructor', '$s.constructor', '$m.__proto__', '$l.constructor.name',
    '$input.getClass()', '$s.getClass().forName("java.lang.Runtime")', '$m.entries', '$l.items', '$input.invoke',
    '$util.property', '$input.body.constructor', '$s.toString.call', '$m.get("__proto__")', '$context.constructor',
  ];
  for (const p of probes) {
    const r = renderMappingTemplate(`#set($s = "a")#set($m = {})#set($l = [])[${p}]`, REQUEST);
    assert.equal(r.body, '[]', p);
  }
});
