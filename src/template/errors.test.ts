// A table of broken templates: every row must fail with a TemplateError whose message matches and whose
// location names the file, the line (where it can be known) and the logical id of what is wrong.
// What CloudFormation rejects follows the CloudFormation template anatomy, intrinsic-function and SAM
// specification documents; the wording of the messages is stepgate's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTemplate, TemplateError, type LoadTemplateOptions } from './index.js';

interface Row {
  name: string;
  /** template.yaml (or `main`) and any extra files */
  files: Record<string, string>;
  main?: string;
  options?: LoadTemplateOptions;
  message: RegExp;
  /** file the error names, relative to the project (default: the template) */
  file?: string;
  /** a number, or the text a line starts with (its first occurrence in `file`); null: no line is known */
  line: number | string | null;
  /** null: the error concerns no single logical id */
  logicalId: string | null;
}

const T = 'template.yaml';
const yaml = (text: string): Record<string, string> => ({ [T]: text });
const MACHINE = `Definition: { StartAt: P, States: { P: { Type: Pass, End: true } } }`;
/** a minimal template with one state machine whose extra properties are given (each on its own line) */
const flow = (extra: string, head = ''): string =>
  `${head}Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      ${MACHINE}\n${extra.split('\n').map((l) => `      ${l}`).join('\n')}\n`;
const queue = (head: string, extra = ''): string => `${head}Resources:\n  Q:\n    Type: AWS::SQS::Queue\n${extra}`;
/** a SAM Api (with an inline definition unless `definition` says otherwise) and extra properties */
const samApi = (extra: string, definition = 'DefinitionBody: { swagger: "2.0", info: { title: t, version: "1" }, paths: {} }'): string =>
  `Transform: AWS::Serverless-2016-10-31\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: dev\n      ${definition}\n${extra.split('\n').map((l) => `      ${l}`).join('\n')}\n`;
/** a function with a GET /x Api event (event properties `auth`) on an Api with properties `apiAuth` */
const samEvent = (auth: string, apiAuth = '', moreEvents = ''): string =>
  `Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: dev\n${apiAuth ? `      ${apiAuth}\n` : ''}  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      InlineCode: exports.handler = async () => ({})\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: /x\n            Method: get\n${auth ? `            ${auth}\n` : ''}${moreEvents}`;
/** a CloudFormation RestApi without a Body, plus resources */
const rest = (more: string): string => `Resources:\n  Rest:\n    Type: AWS::ApiGateway::RestApi\n    Properties: { Name: rest }\n${more}`;
const MOCK = 'Integration: { Type: MOCK, RequestTemplates: { application/json: \'{"statusCode": 200}\' } }';
/** an AWS::ApiGateway::Method of Rest with the given property lines */
const method = (resource: string, verb = 'HttpMethod: GET', integration = MOCK, id = 'M'): string =>
  `  ${id}:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Rest\n      ${resource}\n${[verb, integration].filter((l) => l !== '').map((l) => `      ${l}\n`).join('')}`;

const rows: Row[] = [
  // ── not YAML / not JSON ────────────────────────────────────────────────────────────────────────
  { name: 'YAML: bad indentation', files: yaml('Resources:\n  A:\n    Type: AWS::SQS::Queue\n   bad indent: [\n'), message: /not valid YAML/, line: 4, logicalId: null },
  { name: 'YAML: tab as indentation', files: yaml('Resources:\n\tQ:\n\t\tType: AWS::SQS::Queue\n'), message: /Tabs are not allowed/, line: 2, logicalId: null },
  { name: 'YAML: duplicate logical id', files: yaml('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Q:\n    Type: AWS::SNS::Topic\n'), message: /keys must be unique/, line: 4, logicalId: null },
  { name: 'YAML: unclosed quote', files: yaml('Resources:\n  Q:\n    Type: "AWS::SQS::Queue\n'), message: /Missing closing "quote/, line: 3, logicalId: null },
  { name: 'YAML: unclosed flow sequence', files: yaml('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: [a, b\n'), message: /not valid YAML.*\]/, line: 5, logicalId: null },
  { name: 'YAML: nested compact mapping', files: yaml('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: Name: x\n'), message: /Nested mappings are not allowed/, line: 4, logicalId: null },
  { name: 'YAML: unknown short-form tag', files: yaml(flow('RoleArn: !Reff Role')), message: /Unresolved tag: !Reff/, line: 6, logicalId: null },
  { name: 'YAML: the document is a list', files: yaml('- Resources\n- Q\n'), message: /must be a mapping/, line: 1, logicalId: null },
  { name: 'YAML: empty file', files: yaml(''), message: /must be a mapping/, line: 1, logicalId: null },
  { name: 'JSON: trailing comma', main: 't.json', files: { 't.json': '{\n  "Resources": {\n    "Q": { "Type": "AWS::SQS::Queue" },\n  }\n}\n' }, file: 't.json', message: /not valid JSON/, line: 4, logicalId: null },
  { name: 'JSON: missing closing brace', main: 't.json', files: { 't.json': '{\n  "Resources": {\n    "Q": { "Type": "AWS::SQS::Queue" }\n' }, file: 't.json', message: /not valid JSON/, line: 4, logicalId: null },
  { name: 'JSON: Ref to an unknown name points at the resource line', main: 't.json', files: { 't.json': '{\n  "Resources": {\n    "Flow": {\n      "Type": "AWS::StepFunctions::StateMachine",\n      "Properties": { "RoleArn": { "Ref": "Nope" }, "Definition": { "StartAt": "P", "States": { "P": { "Type": "Pass", "End": true } } } }\n    }\n  }\n}\n' }, file: 't.json', message: /\/t\.json, line 3: Flow: Template format error: Unresolved resource dependencies \[Nope\] in the Resources block of the template$/, line: 3, logicalId: 'Flow' },
  { name: 'JSON: single-quoted strings', main: 't.json', files: { 't.json': "{\n  'Resources': {}\n}\n" }, file: 't.json', message: /not valid JSON/, line: 2, logicalId: null },

  // ── wrong structure ────────────────────────────────────────────────────────────────────────────
  { name: 'no Resources section', files: yaml('Description: nothing\n'), message: /no Resources section/, line: null, logicalId: null },
  { name: 'Resources is a list', files: yaml('Description: x\nResources:\n  - Q\n'), message: /Resources must be a map/, line: 2, logicalId: null },
  { name: 'Resources is empty', files: yaml('Resources: {}\n'), message: /Resources section is empty/, line: 1, logicalId: null },
  { name: 'resource without Type', files: yaml('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Nameless:\n    Properties: {}\n'), message: /needs a Type/, line: 4, logicalId: 'Nameless' },
  { name: 'resource Type is not a string', files: yaml('Resources:\n  Q:\n    Type: 42\n'), message: /Type must be a string/, line: 2, logicalId: 'Q' },
  { name: 'resource is a string', files: yaml('Resources:\n  Q: AWS::SQS::Queue\n'), message: /must be a map with a Type/, line: 2, logicalId: 'Q' },
  { name: 'Properties is a list', files: yaml('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      - RoleArn\n'), message: /Properties must be a map/, line: 4, logicalId: 'Flow' },
  { name: 'Parameters is a list', files: yaml(queue('Parameters:\n  - Stage\n')), message: /Parameters must be a map/, line: 1, logicalId: null },

  // ── intrinsic functions ────────────────────────────────────────────────────────────────────────
  { name: 'Ref to an unknown name', files: yaml(flow('RoleArn: !Ref NoSuchRole')), message: /Template format error: Unresolved resource dependencies \[NoSuchRole\] in the Resources block of the template/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'GetAtt of a missing resource', files: yaml(flow('RoleArn: !GetAtt Missing.Arn')), message: /Template error: instance of Fn::GetAtt references undefined resource Missing$/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'GetAtt of a missing attribute', files: yaml(`Resources:\n  Role:\n    Type: AWS::IAM::Role\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      ${MACHINE}\n      RoleArn: !GetAtt Role.Nope\n`), message: /AWS::IAM::Role Role has no attribute Nope/, line: 4, logicalId: 'Flow' },
  { name: 'GetAtt without an attribute', files: yaml(flow('RoleArn: !GetAtt Flow')), message: /Fn::GetAtt expects \[LogicalId, Attribute\]/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Sub of an unknown variable', files: yaml(flow('RoleArn: !Sub arn:aws:iam::${AWS::AccountId}:role/${RoleName}')), message: /Unresolved resource dependencies \[RoleName\] in the Resources block/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Sub of an unknown resource attribute', files: yaml(flow('RoleArn: !Sub ${Ghost.Arn}')), message: /Unresolved resource dependencies \[Ghost\] in the Resources block/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Sub with a malformed argument', files: yaml(flow('RoleArn: !Sub [a, b, c]')), message: /Fn::Sub expects a string or \[string, \{variables\}\]/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Select index out of range', files: yaml(flow('RoleArn: !Select [3, [a, b, c]]')), message: /Fn::Select index 3 is out of bounds/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Select index not a number', files: yaml(flow('RoleArn: !Select [first, [a, b]]')), message: /Fn::Select index first is out of bounds/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Join without a list of values', files: yaml(flow('RoleArn: !Join [",", a]')), message: /Fn::Join expects \[delimiter, \[values\]\]/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Join of a map', files: yaml(flow('RoleArn: !Join ["", [a, {b: c}]]')), message: /Fn::Join expects a string/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Split of a list', files: yaml(flow('RoleArn: !Select [0, !Split [",", [a]]]')), message: /Fn::Split expects a string/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Length of a string', files: yaml(flow('Comment: !Length abc')), message: /Fn::Length expects a list/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'FindInMap: unknown map', files: yaml(flow('RoleArn: !FindInMap [Nope, a, b]', 'Mappings:\n  Roles:\n    dev: { Arn: x }\n')), message: /Fn::FindInMap: no value at Nope\/a\/b/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'FindInMap: missing top-level key', files: yaml(flow('RoleArn: !FindInMap [Roles, prod, Arn]', 'Mappings:\n  Roles:\n    dev: { Arn: x }\n')), message: /no value at Roles\/prod\/Arn/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'FindInMap: missing second-level key', files: yaml(flow('RoleArn: !FindInMap [Roles, dev, Name]', 'Mappings:\n  Roles:\n    dev: { Arn: x }\n')), message: /no value at Roles\/dev\/Name/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'FindInMap with two arguments', files: yaml(flow('RoleArn: !FindInMap [Roles, dev]', 'Mappings:\n  Roles:\n    dev: { Arn: x }\n')), message: /Fn::FindInMap expects \[MapName, TopLevelKey, SecondLevelKey\]/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'unsupported intrinsic: Fn::Cidr', files: yaml(flow('Comment: !Select [0, !Cidr [10.0.0.0/16, 4, 8]]')), message: /Fn::Cidr is not supported/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'ImportValue of an unknown export', files: yaml(flow('RoleArn: !ImportValue shared-role')), message: /Fn::ImportValue shared-role: no such export/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'intrinsic error in a name property', files: yaml(flow('StateMachineName: !Select [9, [a]]')), message: /out of bounds/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Ref to an unknown name in Outputs', files: yaml(`${queue('')}Outputs:\n  Url:\n    Value: !Ref Nope\n`), message: /Template format error: Unresolved resource dependencies \[Nope\] in the Outputs block of the template/, line: 5, logicalId: 'Outputs.Url' },

  // ── conditions ─────────────────────────────────────────────────────────────────────────────────
  { name: 'circular conditions A → B → A', files: yaml(queue('Conditions:\n  A: !And [!Condition B, !Equals [1, 1]]\n  B: !Not [!Condition A]\n')), message: /circular condition reference: A → B → A/, line: 2, logicalId: 'Conditions.A' },
  { name: 'condition referring to itself', files: yaml(queue('Conditions:\n  Loop: !Not [!Condition Loop]\n')), message: /circular condition reference: Loop → Loop/, line: 2, logicalId: 'Conditions.Loop' },
  { name: 'condition referring to an undefined condition', files: yaml(queue('Conditions:\n  Ok: !Equals [a, a]\n  A: !Not [!Condition Missing]\n')), message: /the condition Missing is not defined/, line: 3, logicalId: 'Conditions.A' },
  { name: 'condition with a non-condition function', files: yaml(queue('Conditions:\n  A: !Sub x\n')), message: /unsupported condition/, line: 2, logicalId: 'Conditions.A' },
  { name: 'Fn::And with one condition', files: yaml(queue('Conditions:\n  A: !And [!Equals [a, a]]\n')), message: /Fn::And \/ Fn::Or expect 2 to 10 conditions/, line: 2, logicalId: 'Conditions.A' },
  { name: 'Ref to an unknown parameter in a condition', files: yaml(queue('Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n')), message: /Template format error: Unresolved dependencies \[Stage\]\. Cannot reference resources in the Conditions block of the template/, line: 2, logicalId: 'Conditions.IsProd' },
  { name: 'DependsOn naming resources that do not exist', files: yaml(queue('', '    DependsOn: [Nope, Q, AlsoNope]\n')), message: /Template format error: Unresolved resource dependencies \[Nope, AlsoNope\] in the Resources block of the template/, line: 2, logicalId: 'Q' },
  { name: 'DependsOn naming a resource whose Condition is false', files: yaml(`Conditions:\n  Never: !Equals [a, b]\nResources:\n  Off:\n    Type: AWS::SQS::Queue\n    Condition: Never\n  On:\n    Type: AWS::SQS::Queue\n    DependsOn: Off\n`), message: /Unresolved resource dependencies \[Off\] in the Resources block/, line: 7, logicalId: 'On' },
  { name: 'GetAtt in Outputs of a resource whose Condition is false', files: yaml(`Conditions:\n  Never: !Equals [a, b]\nResources:\n  Off:\n    Type: AWS::StepFunctions::StateMachine\n    Condition: Never\nOutputs:\n  Arn:\n    Value: !GetAtt Off.Arn\n`), message: /Unresolved resource dependencies \[Off\] in the Outputs block of the template/, line: 8, logicalId: 'Outputs.Arn' },
  { name: 'DependsOn that is not a logical id', files: yaml(queue('', '    DependsOn: { Ref: Q }\n')), message: /DependsOn must be a logical id or a list of logical ids/, line: 2, logicalId: 'Q' },
  { name: 'resource Condition undefined', files: yaml(queue('', '    Condition: IsProd\n')), message: /the condition IsProd is not defined/, line: 2, logicalId: 'Q' },
  { name: 'Fn::If with an undefined condition', files: yaml(flow('RoleArn: !If [IsProd, a, b]')), message: /Fn::If refers to the undefined condition IsProd/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Fn::If with two arguments', files: yaml(flow('RoleArn: !If [IsProd, a]', 'Conditions:\n  IsProd: !Equals [a, b]\n')), message: /Fn::If expects \[condition, valueIfTrue, valueIfFalse\]/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Output Condition undefined', files: yaml(`${queue('')}Outputs:\n  Url:\n    Condition: Nope\n    Value: x\n`), message: /the condition Nope is not defined/, line: 5, logicalId: 'Outputs.Url' },

  // ── parameters ─────────────────────────────────────────────────────────────────────────────────
  { name: 'parameter without Default or override', files: yaml(queue('Parameters:\n  Env: { Type: String }\n  Needed:\n    Type: String\n')), options: { parameterOverrides: { Env: 'x' } }, message: /parameter Needed has no Default and no override/, line: 3, logicalId: 'Parameters.Needed' },
  { name: 'parameter override outside AllowedValues', files: yaml(queue('Parameters:\n  Stage:\n    Type: String\n    Default: dev\n    AllowedValues: [dev, prod]\n')), options: { parameterOverrides: { Stage: 'qa' } }, message: /qa is not one of the AllowedValues \[dev, prod\]/, line: 2, logicalId: 'Parameters.Stage' },
  { name: 'parameter Default outside AllowedValues', files: yaml(queue('Parameters:\n  Stage:\n    Type: String\n    Default: test\n    AllowedValues: [dev, prod]\n')), message: /test is not one of the AllowedValues/, line: 2, logicalId: 'Parameters.Stage' },
  { name: 'Number parameter that is not a number', files: yaml(queue('Parameters:\n  Size:\n    Type: Number\n    Default: large\n')), message: /parameter Size must be a Number, got large/, line: 2, logicalId: 'Parameters.Size' },
  { name: 'Number parameter overridden with an empty value', files: yaml(queue('Parameters:\n  Size:\n    Type: Number\n    Default: 1\n')), options: { parameterOverrides: { Size: '' } }, message: /parameter Size must be a Number/, line: 2, logicalId: 'Parameters.Size' },
  { name: 'override of an unknown parameter', files: yaml(queue('Parameters:\n  Stage: { Type: String, Default: dev }\n')), options: { parameterOverrides: { Stag: 'prod' } }, message: /parameter override Stag is not a parameter of the template/, line: null, logicalId: null },
  { name: 'parameter that is not a map', files: yaml(queue('Parameters:\n  Stage: dev\n')), message: /parameter Stage must be a map/, line: 2, logicalId: 'Parameters.Stage' },

  // ── files: AWS::Include, DefinitionUri, CodeUri ────────────────────────────────────────────────
  { name: 'AWS::Include of a missing file', files: yaml(flow('Tags:\n  Fn::Transform: { Name: AWS::Include, Parameters: { Location: tags.yaml } }')), message: /AWS::Include: cannot read .*tags\.yaml/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'AWS::Include from s3://', files: yaml(flow('Tags:\n  Fn::Transform: { Name: AWS::Include, Parameters: { Location: s3://bucket/tags.yaml } }')), message: /AWS::Include of s3:\/\/bucket\/tags\.yaml: only local files/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Fn::Transform other than AWS::Include', files: yaml(flow('Tags:\n  Fn::Transform: { Name: AWS::Other }')), message: /only the AWS::Include transform/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'AWS::Include of a file that is not YAML', files: { [T]: flow('Tags:\n  Fn::Transform: { Name: AWS::Include, Parameters: { Location: tags.yaml } }'), 'tags.yaml': 'a: 1\nb: "x\n' }, message: /not valid YAML/, file: 'tags.yaml', line: 2, logicalId: 'Flow' },
  { name: 'AWS::Include of a file that includes itself', files: { [T]: flow('Tags:\n  Fn::Transform: { Name: AWS::Include, Parameters: { Location: loop.yaml } }'), 'loop.yaml': 'Fn::Transform: { Name: AWS::Include, Parameters: { Location: loop.yaml } }\n' }, message: /nested more than 16 deep/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'DefinitionUri of a missing file', files: yaml('Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/flow.asl.json\n'), message: /cannot read .*statemachine\/flow\.asl\.json/, line: 3, logicalId: 'Flow' },
  { name: 'DefinitionUri on S3 without a Key', files: yaml('Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: { Bucket: b }\n'), message: /needs a local Key/, line: 2, logicalId: 'Flow' },
  { name: 'CodeUri of a missing folder', files: yaml('Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: functions/\n      Handler: app.handler\n      Runtime: nodejs20.x\n'), message: /CodeUri functions\/: .* does not exist/, line: 2, logicalId: 'Fn' },
  { name: 'no CodeUri and no handler module beside the template', files: yaml('Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n'), message: /no CodeUri, and the handler app\.handler has no module app/, line: 2, logicalId: 'Fn' },
  { name: 'Lambda code on S3', files: yaml('Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n      Code: { S3Bucket: b, S3Key: k.zip }\n'), message: /only local code/, line: 2, logicalId: 'Fn' },
  { name: 'function without Handler', files: yaml('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: { ZipFile: "exports.handler = 1" }\n'), message: /Handler is required/, line: 4, logicalId: 'Fn' },

  // ── state machines and APIs ────────────────────────────────────────────────────────────────────
  { name: 'state machine without a definition', files: yaml('Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties: { RoleArn: x }\n'), message: /needs a Definition, DefinitionString or DefinitionUri/, line: 2, logicalId: 'Flow' },
  { name: 'DefinitionString that is not JSON', files: yaml("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: '{\"StartAt\": P,}'\n"), message: /DefinitionString is not JSON/, line: 4, logicalId: 'Flow' },
  { name: 'definition that is a list', files: { [T]: 'Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flow.json\n', 'flow.json': '[1, 2]' }, message: /definition must be a JSON object/, line: 2, logicalId: 'Flow' },
  { name: 'state machine type neither STANDARD nor EXPRESS', files: yaml(flow('StateMachineType: FAST')), message: /must be STANDARD or EXPRESS, got FAST/, line: '  Flow:', logicalId: 'Flow' },
  { name: 'Serverless::Api without StageName', files: yaml('Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      Name: orders\n'), message: /AWS::Serverless::Api needs a StageName/, line: 3, logicalId: 'Api' },
  { name: 'Api event on an API not in the template', files: yaml(`Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      ${MACHINE}\n      Events:\n        Go:\n          Type: Api\n          Properties: { RestApiId: abc, Path: /go, Method: post }\n`), message: /RestApiId abc is not an API of this template/, line: 2, logicalId: 'Flow' },

  // ── SAM Api Auth / Cors / UsagePlan (messages of SAM's translator) ───────────────────────────────
  { name: 'SAM DefaultAuthorizer not in Authorizers', files: yaml(samApi('Auth:\n  DefaultAuthorizer: Nope\n  Authorizers:\n    Token: { FunctionArn: arn:aws:lambda:us-east-1:000000000000:function:auth }')), message: /Resource with id \[Api\] is invalid\. Unable to set DefaultAuthorizer because 'Nope' was not defined in 'Authorizers'\./, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM Auth on a DefinitionUri API', files: { [T]: samApi('Auth: { ApiKeyRequired: true }', 'DefinitionUri: api.yaml'), 'api.yaml': 'swagger: "2.0"\ninfo: { title: t, version: "1" }\npaths: {}\n' }, message: /Auth works only with inline Swagger specified in 'DefinitionBody' property\./, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM Auth with an unknown property', files: yaml(samApi('Auth: { ApiKey: true }')), message: /Invalid value for 'Auth' property/, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM Cors that is a list', files: yaml(samApi("Cors: [\"'*'\"]")), message: /Invalid value for 'Cors' property/, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM Cors with an unknown property', files: yaml(samApi("Cors: { Origin: \"'*'\" }")), message: /Invalid value for 'Cors' property/, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM Cors AllowCredentials with the * origin', files: yaml(samApi('Cors: { AllowCredentials: true }')), message: /'AllowCredentials' can not be true when 'AllowOrigin' is "'\*'" or not set/, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM UsagePlan with an unknown CreateUsagePlan', files: yaml(samApi('Auth:\n  UsagePlan: { CreateUsagePlan: SINGLE }')), message: /'CreateUsagePlan' accepts one of \['SHARED', 'PER_API', 'NONE'\]\./, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM UsagePlan without CreateUsagePlan', files: yaml(samApi('Auth:\n  UsagePlan: { UsagePlanName: gold }')), message: /'CreateUsagePlan' is a required field for UsagePlan\./, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM UsagePlan that is not a map', files: yaml(samApi('Auth:\n  UsagePlan: PER_API')), message: /'UsagePlan' must be a dictionary/, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM authorizer with an unknown FunctionPayloadType', files: yaml(samApi('Auth:\n  Authorizers:\n    Token: { FunctionArn: arn:aws:lambda:us-east-1:000000000000:function:auth, FunctionPayloadType: BODY }')), message: /Token Authorizer has invalid 'FunctionPayloadType': BODY\./, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM REQUEST authorizer without an identity source', files: yaml(samApi('Auth:\n  Authorizers:\n    Req: { FunctionArn: arn:aws:lambda:us-east-1:000000000000:function:auth, FunctionPayloadType: REQUEST }')), message: /Req Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context\./, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM authorizer scopes that are not a list', files: yaml(samApi('Auth:\n  Authorizers:\n    Pool: { UserPoolArn: arn:aws:cognito-idp:us-east-1:000000000000:userpool/p, AuthorizationScopes: read }')), message: /AuthorizationScopes must be a list\./, line: '  Api:', logicalId: 'Api' },
  { name: 'SAM DefinitionBody and DefinitionUri together', files: yaml(samApi('DefinitionUri: api.yaml')), message: /Specify either 'DefinitionUri' or 'DefinitionBody' property and not both\./, line: '  Api:', logicalId: 'Api' },
  { name: 'Api event authorizer when the API has none', files: yaml(samEvent('Auth: { Authorizer: Missing }')), message: /Resource with id \[Fn\] is invalid\. Event with id \[Get\] is invalid\. Unable to set Authorizer \[Missing\] on API method \[get\] for path \[\/x\] because the related API does not define any Authorizers\./, line: '  Fn:', logicalId: 'Fn' },
  { name: 'Api event authorizer not among the API Authorizers', files: yaml(samEvent('Auth: { Authorizer: Other }', 'Auth:\n        Authorizers:\n          Token: { FunctionArn: arn:aws:lambda:us-east-1:000000000000:function:auth }')), message: /Unable to set Authorizer \[Other\] on API method \[get\] for path \[\/x\] because it wasn't defined in the API's Authorizers\./, line: '  Fn:', logicalId: 'Fn' },
  { name: 'Api event Authorizer NONE without a DefaultAuthorizer', files: yaml(samEvent('Auth: { Authorizer: NONE }', 'Auth:\n        Authorizers:\n          Token: { FunctionArn: arn:aws:lambda:us-east-1:000000000000:function:auth }')), message: /Unable to set Authorizer on API method \[get\] for path \[\/x\] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified\./, line: '  Fn:', logicalId: 'Fn' },
  { name: 'Api event ApiKeyRequired false without an API default', files: yaml(samEvent('Auth: { ApiKeyRequired: false }')), message: /Unable to set ApiKeyRequired \[False\] on API method \[get\] for path \[\/x\] because the related API does not specify any ApiKeyRequired\./, line: '  Fn:', logicalId: 'Fn' },
  { name: 'Api event method defined twice', files: yaml(samEvent('', '', '        Again:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /x, Method: GET }\n')), message: /Event with id \[Again\] is invalid\. API method "get" defined multiple times for path "\/x"\./, line: '  Fn:', logicalId: 'Fn' },
  { name: 'Api event without a Path', files: yaml(samEvent('', '', '        NoPath:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Method: get }\n')), message: /Event with id \[NoPath\] is invalid\. Missing required property 'Path'\./, line: '  Fn:', logicalId: 'Fn' },
  { name: 'Api event on a CloudFormation RestApi', files: yaml(`Resources:\n  Rest:\n    Type: AWS::ApiGateway::RestApi\n    Properties: { Name: r }\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      ${MACHINE}\n      Events:\n        Go:\n          Type: Api\n          Properties: { RestApiId: !Ref Rest, Path: /go, Method: post }\n`), message: /RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template\./, line: '  Flow:', logicalId: 'Flow' },

  // ── CloudFormation AWS::ApiGateway::* (schema errors, then API Gateway's answers) ────────────────
  { name: 'Method on a ResourceId that is not a resource of the API', files: yaml(rest(method('ResourceId: abc123'))), message: /Resource handler returned message: "Invalid Resource identifier specified \(Service: ApiGateway, Status Code: 404\)"/, line: '  M:', logicalId: 'M' },
  { name: 'Method without HttpMethod', files: yaml(rest(method('ResourceId: !GetAtt Rest.RootResourceId', ''))), message: /Properties validation failed for resource M with message: #: required key \[HttpMethod\] not found/, line: '  M:', logicalId: 'M' },
  { name: 'Method with an unknown integration type', files: yaml(rest(method('ResourceId: !GetAtt Rest.RootResourceId', 'HttpMethod: GET', 'Integration: { Type: FTP }'))), message: /#\/Integration\/Type: FTP is not a valid enum value/, line: '  M:', logicalId: 'M' },
  { name: 'Method CUSTOM without an authorizer of the API', files: yaml(rest(method('ResourceId: !GetAtt Rest.RootResourceId', 'HttpMethod: GET\n      AuthorizationType: CUSTOM'))), message: /Invalid authorizer ID specified/, line: '  M:', logicalId: 'M' },
  { name: 'Method declared twice on a resource', files: yaml(rest(`${method('ResourceId: !GetAtt Rest.RootResourceId')}${method('ResourceId: !GetAtt Rest.RootResourceId', 'HttpMethod: GET', MOCK, 'M2')}`)), message: /Method already exists for this resource \(Service: ApiGateway, Status Code: 409\)/, line: '  M2:', logicalId: 'M2' },
  { name: 'Resource with a slash in its PathPart', files: yaml(rest('  R:\n    Type: AWS::ApiGateway::Resource\n    Properties: { RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: a/b }\n')), message: /path part only allow a-zA-Z0-9\._- and curly braces/, line: '  R:', logicalId: 'R' },
  { name: 'Resource on an API that is not in the template', files: yaml(rest('  R:\n    Type: AWS::ApiGateway::Resource\n    Properties: { RestApiId: nope123456, ParentId: !GetAtt Rest.RootResourceId, PathPart: a }\n')), message: /Invalid API identifier specified 000000000000:nope123456 \(Service: ApiGateway, Status Code: 404\)/, line: '  R:', logicalId: 'R' },
  { name: 'Deployment that depends on no method', files: yaml(rest(`${method('ResourceId: !GetAtt Rest.RootResourceId')}  D:\n    Type: AWS::ApiGateway::Deployment\n    Properties: { RestApiId: !Ref Rest, StageName: v1 }\n`)), message: /The REST API doesn't contain any methods .*DependsOn/, line: '  D:', logicalId: 'D' },
  { name: 'Deployment of a method without an integration', files: yaml(rest(`${method('ResourceId: !GetAtt Rest.RootResourceId', 'HttpMethod: GET', '')}  D:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn: M\n    Properties: { RestApiId: !Ref Rest, StageName: v1 }\n`)), message: /No integration defined for method/, line: '  D:', logicalId: 'D' },
  { name: 'Stage on a deployment that is not one', files: yaml(rest(`${method('ResourceId: !GetAtt Rest.RootResourceId')}  S:\n    Type: AWS::ApiGateway::Stage\n    Properties: { RestApiId: !Ref Rest, StageName: v1, DeploymentId: abc123 }\n`)), message: /Invalid deployment identifier specified/, line: '  S:', logicalId: 'S' },
  { name: 'Authorizer without a Name', files: yaml(rest('  A:\n    Type: AWS::ApiGateway::Authorizer\n    Properties: { RestApiId: !Ref Rest, Type: TOKEN }\n')), message: /Properties validation failed for resource A with message: #: required key \[Name\] not found/, line: '  A:', logicalId: 'A' },
  { name: 'ApiKey value shorter than 20 characters', files: yaml(rest('  K:\n    Type: AWS::ApiGateway::ApiKey\n    Properties: { Value: short }\n')), message: /API Key value should be at least 20 characters/, line: '  K:', logicalId: 'K' },
  { name: 'UsagePlanKey whose KeyId is not an ApiKey', files: yaml(rest('  P:\n    Type: AWS::ApiGateway::UsagePlan\n    Properties: { UsagePlanName: p }\n  PK:\n    Type: AWS::ApiGateway::UsagePlanKey\n    Properties: { KeyId: !Ref P, KeyType: API_KEY, UsagePlanId: !Ref P }\n')), message: /Invalid API Key identifier specified \(Service: ApiGateway, Status Code: 404\)/, line: '  PK:', logicalId: 'PK' },
  { name: 'UsagePlanKey with a KeyType other than API_KEY', files: yaml(rest('  K:\n    Type: AWS::ApiGateway::ApiKey\n  P:\n    Type: AWS::ApiGateway::UsagePlan\n  PK:\n    Type: AWS::ApiGateway::UsagePlanKey\n    Properties: { KeyId: !Ref K, KeyType: SECRET, UsagePlanId: !Ref P }\n')), message: /#\/KeyType: SECRET is not a valid enum value/, line: '  PK:', logicalId: 'PK' },
  { name: 'Method property of the wrong type', files: yaml(rest(method('ResourceId: !GetAtt Rest.RootResourceId', 'HttpMethod: GET\n      MethodResponses: { StatusCode: 200 }'))), message: /#\/MethodResponses: expected type: JSONArray, found: JSONObject/, line: '  M:', logicalId: 'M' },
];

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-broken-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test(`the table holds at least 40 broken templates (${rows.length})`, () => {
  assert.ok(rows.length >= 40);
  assert.equal(new Set(rows.map((r) => r.name)).size, rows.length, 'row names are unique');
});

for (const row of rows) {
  test(`broken template: ${row.name}`, () => {
    const dir = project(row.files);
    const main = row.main ?? T;
    const errorFile = row.file ?? main;
    let thrown: unknown;
    try {
      loadTemplate(join(dir, main), row.options);
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof TemplateError, `expected a TemplateError, got ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`);
    assert.match(thrown.message, row.message);
    assert.equal(thrown.where.file, join(dir, errorFile), 'file');
    const text = row.files[errorFile] ?? '';
    const line = typeof row.line === 'string' ? text.split('\n').findIndex((l) => l.startsWith(row.line as string)) + 1 : row.line;
    assert.ok(line !== 0, `the marker ${String(row.line)} is in ${errorFile}`);
    assert.equal(thrown.where.line, line ?? undefined, 'line');
    assert.equal(thrown.where.logicalId, row.logicalId ?? undefined, 'logicalId');
    // the message a user reads carries the location too
    if (line !== null) assert.ok(thrown.message.includes(`line ${line}`), thrown.message);
    if (row.logicalId !== null) assert.ok(thrown.message.includes(`${row.logicalId}: `), thrown.message);
  });
}
