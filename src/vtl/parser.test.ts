// Syntax errors carry line and column in Velocity's "Encountered ..." wording; valid edge syntax parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, VtlSyntaxError } from './index.js';

function syntaxError(template: string): VtlSyntaxError {
  try {
    compileTemplate(template);
  } catch (e) {
    assert.ok(e instanceof VtlSyntaxError, String(e));
    return e;
  }
  assert.fail(`${JSON.stringify(template)} should not parse`);
}

test('a block without #end reports <EOF> where the template ends', () => {
  const e = syntaxError('#if(true)\nabc');
  assert.equal(e.message, 'Encountered "<EOF>" at line 2, column 4.');
  assert.deepEqual([e.line, e.column], [2, 4]);
});

test('a stray #end or #else reports its position', () => {
  assert.equal(syntaxError('a\n  #end').message, 'Encountered "#end" at line 2, column 3.');
  assert.equal(syntaxError('#else').message, 'Encountered "#else" at line 1, column 1.');
  assert.equal(syntaxError('#foreach($i in [1])#else#end').message, 'Encountered "#else" at line 1, column 20.');
});

test('malformed directive arguments report the offending token', () => {
  assert.equal(syntaxError('#set($a = )').message, 'Encountered ")" at line 1, column 11.');
  assert.equal(syntaxError('#foreach($a $b)#end').message, 'Encountered "$" at line 1, column 13.');
  assert.equal(syntaxError('#set($a.b() = 1)').message, 'Encountered "=" at line 1, column 13.');
  assert.equal(syntaxError('x $a.b(1').line, 1);
  assert.equal(syntaxError('#if')?.line, 1);
});

test('errors inside string literals point into the template', () => {
  const e = syntaxError('line one\n#set($x = "ok #if(true) never closed")');
  assert.equal(e.line, 2);
});

test('text that only looks like syntax stays text', () => {
  const render = (t: string): string => compileTemplate(t).render();
  assert.equal(render('# $ #1 $1 #{ ${ } 100% $(x) #@ a#b'), '# $ #1 $1 #{ ${ } 100% $(x) #@ a#b');
  assert.equal(render('{"a": [1, 2], "b": {"c": "$!nope"}}'), '{"a": [1, 2], "b": {"c": ""}}');
  assert.equal(render('#endif'), '#endif');
});

test('pathological nesting is a syntax error, not a crash', () => {
  const deep = `#set($x = ${'('.repeat(20000)}1${')'.repeat(20000)})$x`;
  assert.ok(syntaxError(deep) instanceof VtlSyntaxError);
  const ifs = '#if(true)'.repeat(20000) + '#end'.repeat(20000);
  assert.ok(syntaxError(ifs) instanceof VtlSyntaxError);
});
