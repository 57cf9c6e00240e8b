// $input, $util, $context and $stageVariables as API Gateway defines them (FACTS §5.4, the AWS mapping
// template reference), and a seed question's recorded test-invoke output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMappingTemplate, type MappingRequest } from './index.js';

const base: MappingRequest = { method: 'POST', path: '/items/7', resourcePath: '/items/{id}', pathParameters: {}, query: {}, headers: {}, body: null };
const render = (template: string, req: Partial<MappingRequest> = {}): string => {
  const r = renderMappingTemplate(template, { ...base, ...req });
  assert.equal(r.error, undefined, r.error?.message);
  return r.body;
};

test('seed 000: the foreach over headers renders as the recorded test-invoke log shows', () => {
  // Template and output from seeds/000 (the question quotes API Gateway's "Endpoint request body after
  // transformations" log); the lines the question lost ({ and #end) are restored.
  const template = [
    '#set($inputbody = $input.json(\'$\'))',
    '{',
    '   "method": "$context.httpMethod",',
    '   "input": "$util.escapeJavaScript($inputbody)",',
    '   "stateMachineArn": "MyStateMachineARN",',
    '   "headers": {',
    '        #foreach($param in $input.params().header.keySet())',
    '        "$param": "$util.escapeJavaScript($input.params().header.get($param))"',
    '        #if($foreach.hasNext),#end',
    '        #end',
    '   }',
    '}',
  ].join('\n');
  const out = render(template, { headers: { HeaderA: 'ValueA', HeaderB: 'ValueB' }, body: '{"surname":"TESTSURNAME"}' });
  const recorded = [
    '{',
    '   "method": "POST",',
    '   "input": "{\\"surname\\":\\"TESTSURNAME\\"}",',
    '   "stateMachineArn": "MyStateMachineARN",',
    '   "headers": {',
    '                "HeaderA": "ValueA"',
    '        ,                "HeaderB": "ValueB"',
  ].join('\n');
  assert.ok(out.startsWith(recorded), out);
});

test('$input.body: raw text, "{}" when empty', () => {
  assert.equal(render('$input.body', { body: 'a=1&b=2' }), 'a=1&b=2');
  assert.equal(render('$input.body', { body: '' }), '{}');
  assert.equal(render('$input.body'), '{}');
});

test('$input.path returns Java objects; $input.json returns JSON text', () => {
  const body = '{"a": {"b": 1, "c": "x"}, "list": [1, 2, {"k": "v"}], "n": 1.5, "t": true}';
  assert.equal(render("$input.path('$.a')", { body }), '{b=1, c=x}');
  assert.equal(render("$input.path('$.a.c')", { body }), 'x');
  assert.equal(render("$input.path('$.list')", { body }), '[1,2,{"k":"v"}]');
  assert.equal(render("$input.path('$.list').size()", { body }), '3');
  assert.equal(render("$input.path('$.list[2].k')", { body }), 'v');
  assert.equal(render("$input.path('$.n')", { body }), '1.5');
  assert.equal(render("#if($input.path('$.t'))yes#end", { body }), 'yes');
  assert.equal(render("[$input.path('$.missing')]", { body }), '[]');
  assert.equal(render("$input.json('$.a')", { body }), '{"b":1,"c":"x"}');
  assert.equal(render("$input.json('$.a.c')", { body }), '"x"');
  assert.equal(render("$input.json('$.list[*].k')", { body }), '["v"]');
  assert.equal(render("$input.json('$')", { body: '' }), '{}');
});

test('$input.path(\'$\') of a non-JSON body is the raw text (the form-urlencoded idiom)', () => {
  assert.equal(render("#foreach($kv in $input.path('$').split('&'))[$kv]#end", { body: 'a=1&b=2' }), '[a=1][b=2]');
});

test('$input.params: path, then query string, then header; "" when absent', () => {
  const req = { pathParameters: { id: 'p' }, query: { id: 'q', q: 'query', multi: ['1', '2'] }, headers: { id: 'h', 'X-Trace': 'trace' } };
  assert.equal(render("$input.params('id')", req), 'p');
  assert.equal(render("$input.params('q')", req), 'query');
  assert.equal(render("$input.params('X-Trace')", req), 'trace');
  assert.equal(render("[$input.params('nope')]", req), '[]');
  assert.equal(render("$input.params('multi')", req), '2');
  assert.equal(render('$input.params().keySet()', req), '[path, querystring, header]');
  assert.equal(render('$input.params().path.id $input.params().querystring.get("q")', req), 'p query');
});

test('$util functions', () => {
  assert.equal(render('$util.escapeJavaScript($input.body)', { body: 'it\'s "q" \\ /\n\té' }), 'it\\\'s \\"q\\" \\\\ \\/\\n\\t\\u00E9');
  assert.equal(render('$util.urlEncode($input.body)', { body: 'a b&c=d/é~*._-' }), 'a+b%26c%3Dd%2F%C3%A9%7E*._-');
  assert.equal(render("$util.urlDecode('a+b%26%C3%A9')"), 'a b&é');
  assert.equal(render("$util.base64Encode('hello')"), 'aGVsbG8=');
  assert.equal(render("$util.base64Encode('é')"), 'w6k=');
  assert.equal(render("$util.base64Decode('aGVsbG8=')"), 'hello');
  assert.equal(render("#set($o = $util.parseJson('{\"a\":[1,{\"b\":2}]}'))$o.a $o.a[1].b"), '[1,{"b":2}] 2');
  assert.equal(render('[$util.urlEncode($nothing)]'), '[]');
});

test('a bad argument to $util fails the render without throwing', () => {
  const r = renderMappingTemplate("$util.parseJson('{oops')", base);
  assert.ok(r.error);
  const r2 = renderMappingTemplate("$util.base64Decode('*')", base);
  assert.ok(r2.error);
});

test('$context values, overrides and $stageVariables', () => {
  const context = { stage: 'dev', identity: { sourceIp: '203.0.113.1', apiKey: null } };
  assert.equal(render('$context.stage $context.identity.sourceIp [$context.identity.apiKey] $context.httpMethod $context.resourcePath', { context }),
    'dev 203.0.113.1 [] POST /items/{id}');
  assert.equal(render("$stageVariables.v $stageVariables['v']", { stageVariables: { v: 'one' } }), 'one one');
  const r = renderMappingTemplate('#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-A = "b")#set($context.requestOverride.querystring.q = "1")ok', base);
  assert.equal(r.body, 'ok');
  assert.deepEqual(r.responseOverride, { status: 418, header: { 'X-A': 'b' } });
  assert.deepEqual(r.requestOverride, { header: {}, path: {}, querystring: { q: '1' } });
});

test('syntax errors come back as an error result with a position', () => {
  const r = renderMappingTemplate('{\n#if(true)\n', base);
  assert.ok(r.error);
  assert.equal(r.error.line, 3);
});

test('$context is converted only when the template reads it, and its overrides come back either way', () => {
  let reads = 0;
  const context = { stage: 'prod', get requestId(): string { reads++; return 'req-1'; } };
  const untaken = renderMappingTemplate('#if($input.json(\'$.ok\') == "false")#set($context.responseOverride.status = 500)$context.stage#end done', { ...base, body: '{"ok": true}', context });
  assert.equal(untaken.body, ' done');
  assert.equal(reads, 0);
  assert.deepEqual(untaken.responseOverride, { header: {} });
  const taken = renderMappingTemplate('#set($context.responseOverride.status = 418)$context.stage $context.requestId', { ...base, context });
  assert.equal(taken.body, 'prod req-1');
  assert.equal(reads, 1); // read once, when $context was converted
  assert.equal(taken.responseOverride.status, 418);
  // #foreach over a variable named like it, and a macro argument, see the same map
  assert.equal(render('#macro(show $c)$c.stage#end#show($context) #foreach($k in $context.keySet())#if($k == "stage")$k#end#end', { context: { stage: 'dev' } }), 'dev stage');
});
