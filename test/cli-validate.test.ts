// `stepgate validate` on templates and OpenAPI documents as a user calls it: a real process, files on
// disk, no server. A template is checked as a whole stack (loader errors with file:line and logical id,
// every definition with ValidateStateMachineDefinition's diagnostics, every OpenAPI body with
// ImportRestApi's errors and warnings); the kind of each file is told by its content.
// AWS facts: ImportRestApi reports errors as a BadRequestException and, with failonwarnings=false (the
// default), returns warnings with the API ("Errors and warnings from importing your API into API
// Gateway", API Gateway developer guide); ValidateStateMachineDefinition's diagnostics carry severity,
// code, message and location.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stepgate-validate-'));
// Run from the scratch folder (paths are printed relative to it); tsx is found from here.
const tsx = import.meta.resolve('tsx');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', tsx, main, ...args], { encoding: 'utf8', cwd: dir });
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

interface Report {
  kind: string; file: string; result: string;
  errors: ({ message: string; file?: string; line?: number; logicalId?: string } | string)[];
  warnings?: string[];
  error?: { code: string; message: string };
  diagnostics?: { severity: string; code: string; location?: string }[];
  stateMachines?: { logicalId: string; result: string; line?: number; diagnostics: { code: string; location?: string }[] }[];
  apis?: { logicalId: string; result: string; error?: { code: string }; errors: string[]; warnings: string[] }[];
  unsupported?: { logicalId: string; type: string }[];
}

const json = (stdout: string): { result: string; files: Report[] } => JSON.parse(stdout) as { result: string; files: Report[] };

test('the examples\' templates are valid stacks (the seed 002 one with AWS::Include of an OpenAPI file holding Fn::Sub)', () => {
  const templates = ['orders-sam', 'seed-000-headers-to-workflow', 'seed-002-json-payload', 'seed-003-workflow-calls-api'].map((e) => join(examples, e, 'template.yaml'));
  const r = cli('validate', ...templates, '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = json(r.stdout);
  assert.equal(out.result, 'OK');
  assert.deepEqual(out.files.map((f) => [f.kind, f.result]), templates.map(() => ['template', 'OK']));
  const seed002 = out.files[2] as Report;
  assert.deepEqual(seed002.stateMachines?.map((s) => s.logicalId), ['Workflow']);
  assert.deepEqual(seed002.apis?.map((a) => a.logicalId), ['RestApi']);
});

test('a template that does not load: exit 1, file:line and logical id', () => {
  const t = file('broken-ref.yaml', [
    'AWSTemplateFormatVersion: 2010-09-09',
    'Resources:',
    '  Flow:',
    '    Type: AWS::StepFunctions::StateMachine',
    '    Properties:',
    '      RoleArn: !GetAtt Nope.Arn',
    '      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}',
  ].join('\n'));
  const r = cli('validate', t);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^broken-ref\.yaml: template FAIL\n {2}broken-ref\.yaml:3: Flow: Template error: instance of Fn::GetAtt references undefined resource Nope\n/);
  const j = json(cli('validate', t, '--json').stdout);
  const problem = j.files[0]?.errors[0] as { file: string; line: number; logicalId: string };
  assert.equal(problem.file, t);
  assert.equal(problem.line, 3);
  assert.equal(problem.logicalId, 'Flow');
});

test('a template that loads but holds an invalid definition and an OpenAPI body with import errors: both reported, exit 1', () => {
  const t = file('bad-stack.yaml', [
    'Transform: AWS::Serverless-2016-10-31',
    'Resources:',
    '  Flow:',
    '    Type: AWS::Serverless::StateMachine',
    '    Properties:',
    '      Definition:',
    '        StartAt: P',
    '        States:',
    '          P: {Type: Pasz, End: true}',
    '  Api:',
    '    Type: AWS::Serverless::Api',
    '    Properties:',
    '      StageName: dev',
    '      DefinitionBody:',
    '        openapi: 3.0.1',
    '        info: {title: t, version: "1"}',
    '        paths:',
    '          /a:',
    '            get:',
    '              x-amazon-apigateway-integration: {type: bogus}',
    '  Queue:',
    '    Type: AWS::SQS::Queue',
  ].join('\n'));
  const r = cli('validate', t, '--json');
  assert.equal(r.status, 1, r.stderr);
  const report = json(r.stdout).files[0] as Report;
  assert.equal(report.result, 'FAIL');
  assert.deepEqual(report.errors, []);
  const flow = report.stateMachines?.[0];
  assert.equal(flow?.logicalId, 'Flow');
  assert.equal(flow?.line, 3);
  assert.equal(flow?.result, 'FAIL');
  assert.deepEqual(flow?.diagnostics.map((d) => [d.code, d.location]), [['SCHEMA_VALIDATION_FAILED', '/States/P/Type']]);
  const api = report.apis?.[0];
  assert.equal(api?.result, 'FAIL');
  assert.equal(api?.error?.code, 'BadRequestException');
  assert.equal(api?.errors.length, 1);
  assert.match(api?.errors[0] ?? '', /GET \/a/);
  // Resources stepgate does not run are listed, not failed.
  assert.deepEqual(report.unsupported?.map((u) => [u.logicalId, u.type]), [['Queue', 'AWS::SQS::Queue']]);
  const human = cli('validate', t);
  assert.match(human.stdout, /state machine Flow \(Flow, STANDARD, line 3\): FAIL\n {4}error SCHEMA_VALIDATION_FAILED at \/States\/P\/Type/);
  assert.match(human.stdout, /API Api \(\w{10}, stage dev, line 10\): FAIL\n {4}BadRequestException: Errors found during import:\n {6}error .*GET \/a/);
});

test('template parameters: one without Default fails until --parameter-overrides gives it', () => {
  const t = file('params.yaml', [
    'Parameters:',
    '  Name: {Type: String}',
    'Resources:',
    '  Flow:',
    '    Type: AWS::StepFunctions::StateMachine',
    '    Properties:',
    '      StateMachineName: !Ref Name',
    '      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}',
  ].join('\n'));
  const without = cli('validate', t);
  assert.equal(without.status, 1);
  assert.match(without.stdout, /params\.yaml:2: Parameters\.Name: parameter Name has no Default/);
  const withIt = cli('validate', t, '--parameter-overrides', 'Name=flow', '--json');
  assert.equal(withIt.status, 0, withIt.stdout);
  assert.equal(json(withIt.stdout).files[0]?.result, 'OK');
});

test('Fn::ImportValue: unknown exports fail; --imports gives them as a map or as list-exports output', () => {
  const t = file('imports.yaml', [
    'Resources:',
    '  Flow:',
    '    Type: AWS::StepFunctions::StateMachine',
    '    Properties:',
    '      RoleArn: !ImportValue shared-role',
    '      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}',
  ].join('\n'));
  const without = cli('validate', t);
  assert.equal(without.status, 1);
  assert.match(without.stdout, /Fn::ImportValue shared-role: no such export/);
  const map = file('imports-map.json', JSON.stringify({ 'shared-role': 'arn:aws:iam::000000000000:role/shared' }));
  assert.equal(cli('validate', t, '--imports', map).status, 0);
  const listed = file('imports-list.json', JSON.stringify({ Exports: [{ ExportingStackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/base/1', Name: 'shared-role', Value: 'arn:aws:iam::000000000000:role/shared' }] }));
  assert.equal(cli('validate', t, '--imports', listed).status, 0);
  // a broken imports file is a usage error
  const broken = cli('validate', t, '--imports', file('imports-bad.json', '{"Exports": [{"Value": 1}]}'));
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /Exports\[0\] needs a Name and a Value/);
  assert.equal(cli('validate', t, '--imports', join(dir, 'missing.json')).status, 2);
});

test('OpenAPI files: warnings are reported and pass, --fail-on-warnings fails them; errors fail as BadRequestException', () => {
  const warn = file('warn.json', JSON.stringify({ swagger: '2.0', info: { title: 't', version: '1' }, paths: { '/x': { get: { responses: {} } } } }));
  const ok = cli('validate', warn, '--json');
  assert.equal(ok.status, 0, ok.stdout);
  const okReport = json(ok.stdout).files[0] as Report;
  assert.equal(okReport.kind, 'openapi');
  assert.equal(okReport.result, 'OK');
  assert.equal(okReport.warnings?.length, 1);
  const strict = cli('validate', warn, '--fail-on-warnings', '--json');
  assert.equal(strict.status, 1);
  const strictReport = json(strict.stdout).files[0] as Report;
  assert.equal(strictReport.error?.code, 'BadRequestException');
  assert.deepEqual(strictReport.warnings, okReport.warnings);

  const bad = file('bad-openapi.yaml', 'openapi: 3.0.1\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: {type: http}\n');
  const r = cli('validate', bad);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^bad-openapi\.yaml: OpenAPI FAIL\n {2}BadRequestException: Errors found during import:\n {4}error /);
});

test('malformed files: each kind reports its own syntax error; several files give one exit code', () => {
  const openapi = file('syntax-openapi.yaml', 'openapi: 3.0.1\ninfo: [\n');
  const template = file('syntax-template.yaml', 'Resources:\n  A: [\n');
  const asl = file('syntax.asl.json', '{"StartAt": "P", "States": {');
  const good = file('good.asl.json', JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }));
  const r = cli('validate', good, openapi, template, asl, '--json');
  assert.equal(r.status, 1);
  const out = json(r.stdout);
  assert.equal(out.result, 'FAIL');
  assert.deepEqual(out.files.map((f) => [f.kind, f.result]), [['asl', 'OK'], ['openapi', 'FAIL'], ['template', 'FAIL'], ['asl', 'FAIL']]);
  assert.equal(out.files[1]?.error?.code, 'BadRequestException');
  const templateError = out.files[2]?.errors[0] as { line: number };
  assert.equal(templateError.line, 2);
  assert.equal(out.files[3]?.diagnostics?.[0]?.code, 'INVALID_JSON_DESCRIPTION');
});

test('usage errors exit 2: a file of no known kind, a missing file, no file at all', () => {
  const other = file('other.yaml', 'hello: world\n');
  const unknown = cli('validate', other);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /cannot tell what .*other\.yaml is/);
  const missing = cli('validate', join(dir, 'nope.yaml'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*nope\.yaml/);
  const none = cli('validate');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /missing required argument/);
});
