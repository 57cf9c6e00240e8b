// How `stepgate validate` tells a template, an OpenAPI document and a state machine definition apart:
// by their top-level keys, in JSON or YAML, even when the file does not parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectKind } from './validation.js';

const cases: [string, string, string, ReturnType<typeof detectKind>][] = [
  ['a YAML template', 't.yaml', 'AWSTemplateFormatVersion: 2010-09-09\nResources:\n  A: {Type: AWS::SQS::Queue}\n', 'template'],
  ['a SAM template with only Transform and Resources', 't.yml', 'Transform: AWS::Serverless-2016-10-31\nResources: {}\n', 'template'],
  ['a JSON template', 't.json', JSON.stringify({ Resources: { A: { Type: 'AWS::SQS::Queue' } } }), 'template'],
  ['a YAML template that does not parse', 't.yaml', 'Resources:\n  A: [\n', 'template'],
  ['OpenAPI 3 in YAML, key quoted', 'o.yaml', '"openapi": 3.0.1\ninfo: {title: t, version: "1"}\n', 'openapi'],
  ['Swagger 2 in JSON', 'o.json', JSON.stringify({ swagger: '2.0', info: { title: 't', version: '1' }, paths: {} }), 'openapi'],
  ['a definition in JSON', 'd.asl.json', JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), 'asl'],
  ['a definition in YAML', 'd.yaml', 'StartAt: P\nStates:\n  P: {Type: Pass, End: true}\n', 'asl'],
  ['JSON that does not parse, with States', 'x.txt', '{"StartAt": "P", "States": {', 'asl'],
  ['other JSON: taken for a definition (its diagnostics say what is missing)', 'x.json', '{}', 'asl'],
  ['a nested Resources key is not a template', 'x.yaml', 'paths:\n  Resources: 1\n', undefined],
  ['other YAML', 'x.yaml', 'hello: world\n', undefined],
  ['empty text', 'x.yaml', '', undefined],
];

for (const [name, file, text, kind] of cases) {
  test(`detectKind: ${name}`, () => { assert.equal(detectKind(text, file), kind); });
}
