// Template loading: short-form tags, intrinsic functions, parameters, conditions, mappings, AWS::Include,
// the SAM transform and errors that point at file, line and logical id. Expected values follow the
// CloudFormation intrinsic-function and SAM specification documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTemplate, TemplateError } from './index.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-template-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const SAM = `AWSTemplateFormatVersion: 2010-09-09
Transform: 'AWS::Serverless-2016-10-31'
Parameters:
  Stage:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Names:
    Type: CommaDelimitedList
    Default: "a,b"
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
Mappings:
  Sizes:
    dev: { Memory: 128 }
    prod: { Memory: 1024 }
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 10
    Environment:
      Variables:
        SHARED: yes
Resources:
  WorkflowRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub \${AWS::StackName}-workflow
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      MemorySize: !FindInMap [Sizes, !Ref Stage, Memory]
      Environment:
        Variables:
          OWN: "1"
  Workflow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: !Sub orders-\${Stage}
      RoleArn: !GetAtt WorkflowRole.Arn
      DefinitionString: !Sub
        - '{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"\${FnArn}","Comment":"\${!NotSubstituted}","End":true}}}'
        - FnArn: !GetAtt Worker.Arn
  Express:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions:
        Target: !Ref Worker
      Events:
        Start:
          Type: Api
          Properties: { Path: /start, Method: post }
  ProdOnly:
    Type: AWS::SQS::Queue
    Condition: IsProd
  Queue:
    Type: AWS::SQS::Queue
    Condition: NotProd
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !If [IsProd, prod, test]
      Variables: { who: !Select [1, !Ref Names] }
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: openapi.yaml
Outputs:
  WorkflowArn:
    Value: !Ref Workflow
  Joined:
    Value: !Join ['-', [!Ref 'AWS::Region', !Ref 'AWS::AccountId', !Ref Worker]]
`;

const FILES = {
  'template.yaml': SAM,
  'src/app.js': 'export const handler = async () => ({});\n',
  'flow.asl.json': JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: '${Target}', End: true } } }),
  'openapi.yaml': `openapi: 3.0.1\ninfo: { title: orders, version: '1' }\npaths:\n  /orders:\n    post:\n      x-amazon-apigateway-integration:\n        type: aws\n        uri: !Sub arn:aws:apigateway:\${AWS::Region}:states:action/StartExecution\n        httpMethod: POST\n`,
};

test('SAM template: parameters, Globals, mappings, Sub/GetAtt/Ref, AWS::Include, conditions, outputs', () => {
  const dir = project(FILES);
  const plan = loadTemplate(join(dir, 'template.yaml'), { stackName: 'shop', region: 'eu-west-1', accountId: '123456789012' });
  // every file it was read from (what `start --watch` watches)
  assert.deepEqual([...plan.files].sort(), ['flow.asl.json', 'openapi.yaml', 'template.yaml'].map((f) => join(dir, f)).sort());
  // Ref to a state machine is its ARN; Ref to a function is its name; GetAtt Function.Arn is the ARN.
  assert.equal(plan.outputs.WorkflowArn, 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders-dev');
  assert.equal(plan.outputs.Joined, 'eu-west-1-123456789012-Worker');
  const wf = plan.stateMachines.find((s) => s.logicalId === 'Workflow');
  assert.ok(wf);
  assert.equal(wf.name, 'orders-dev');
  assert.equal(wf.roleArn, 'arn:aws:iam::123456789012:role/shop-workflow');
  assert.deepEqual(wf.definition, {
    StartAt: 'Call',
    // ${!Literal} writes ${Literal} (Fn::Sub)
    States: { Call: { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:Worker', Comment: '${NotSubstituted}', End: true } },
  });
  const ex = plan.stateMachines.find((s) => s.logicalId === 'Express');
  assert.equal(ex?.type, 'EXPRESS');
  assert.deepEqual(ex?.definition, { StartAt: 'P', States: { P: { Type: 'Pass', Result: 'Worker', End: true } } });
  const fn = plan.functions[0];
  assert.equal(fn?.name, 'Worker');
  assert.equal(fn?.codeDir, join(dir, 'src'));
  assert.equal(fn?.timeout, 10);
  assert.equal(fn?.memorySize, 128);
  assert.deepEqual(fn?.environment, { SHARED: 'yes', OWN: '1' });
  const api = plan.apis.find((a) => a.logicalId === 'Api');
  assert.equal(api?.stageName, 'test');
  assert.deepEqual(api?.variables, { who: 'b' });
  assert.equal((api?.body.paths as any)['/orders'].post['x-amazon-apigateway-integration'].uri, 'arn:aws:apigateway:eu-west-1:states:action/StartExecution');
  // Resources whose condition is false are not created; the others are listed as unsupported, not dropped.
  assert.deepEqual(plan.unsupported.map((u) => [u.logicalId, u.type]), [['Queue', 'AWS::SQS::Queue']]);
  assert.equal(plan.unsupported[0]?.line, SAM.split('\n').findIndex((l) => l === '  Queue:') + 1);
});

test('parameter overrides and conditions flip what is created', () => {
  const dir = project(FILES);
  const plan = loadTemplate(join(dir, 'template.yaml'), { parameterOverrides: { Stage: 'prod' } });
  assert.equal(plan.stateMachines.find((s) => s.logicalId === 'Workflow')?.name, 'orders-prod');
  assert.equal(plan.functions[0]?.memorySize, 1024);
  assert.equal(plan.apis.find((a) => a.logicalId === 'Api')?.stageName, 'prod');
  assert.deepEqual(plan.unsupported.map((u) => u.logicalId), ['ProdOnly']);
  assert.throws(() => loadTemplate(join(dir, 'template.yaml'), { parameterOverrides: { Stage: 'qa' } }), /AllowedValues/);
  assert.throws(() => loadTemplate(join(dir, 'template.yaml'), { parameterOverrides: { Nope: 'x' } }), /not a parameter/);
});

test('SAM Api event on a state machine creates the implicit API with a StartExecution integration', () => {
  const dir = project(FILES);
  const plan = loadTemplate(join(dir, 'template.yaml'), { stackName: 'shop' });
  const implicit = plan.apis.find((a) => a.logicalId === 'ServerlessRestApi');
  assert.ok(implicit);
  assert.equal(implicit.stageName, 'Prod');
  const integ = (implicit.body.paths as any)['/start'].post['x-amazon-apigateway-integration'];
  assert.equal(integ.type, 'aws');
  assert.equal(integ.uri, 'arn:aws:apigateway:us-east-1:states:action/StartExecution');
  assert.match(integ.requestTemplates['application/json'], /"stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:Express"/);
  // the id is stable from one load to the next
  assert.equal(loadTemplate(join(dir, 'template.yaml'), { stackName: 'shop' }).apis.find((a) => a.logicalId === 'ServerlessRestApi')?.apiId, implicit.apiId);
  assert.match(implicit.apiId, /^[a-z0-9]{10}$/);
});

test('errors point at the file, line and logical id', () => {
  const dir = project({
    'bad.yaml': 'Resources:\n  A:\n    Type: AWS::SQS::Queue\n   bad indent: [\n',
    'ref.yaml': 'Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: !GetAtt Missing.Arn\n      Definition: { StartAt: P, States: { P: { Type: Pass, End: true } } }\n',
    'noparam.yaml': 'Parameters:\n  Needed: { Type: String }\nResources:\n  Q: { Type: AWS::SQS::Queue }\n',
    'empty.yaml': 'Description: nothing\n',
    'nodef.yaml': 'Resources:\n  F:\n    Type: AWS::StepFunctions::StateMachine\n    Properties: { RoleArn: x }\n',
  });
  assert.throws(() => loadTemplate(join(dir, 'bad.yaml')), (e: unknown) => e instanceof TemplateError && e.where.line !== undefined && /not valid YAML/.test(e.message));
  assert.throws(() => loadTemplate(join(dir, 'ref.yaml')), /Template error: instance of Fn::GetAtt references undefined resource Missing/);
  assert.throws(() => loadTemplate(join(dir, 'noparam.yaml')), /parameter Needed has no Default/);
  assert.throws(() => loadTemplate(join(dir, 'empty.yaml')), /no Resources section/);
  assert.throws(() => loadTemplate(join(dir, 'nodef.yaml')), (e: unknown) => e instanceof TemplateError && e.where.logicalId === 'F' && e.where.line === 2);
  assert.throws(() => loadTemplate(join(dir, 'absent.yaml')), /cannot read template/);
});

test('JSON templates, Fn::Select/Split/Base64/GetAZs and AWS::NoValue', () => {
  const dir = project({
    't.json': JSON.stringify({
      Resources: {
        F: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            FunctionName: { 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] },
            Handler: 'index.handler', Code: { ZipFile: 'exports.handler = async () => 1;' },
            Timeout: { 'Fn::If': ['Never', 5, { Ref: 'AWS::NoValue' }] },
            Environment: { Variables: { B64: { 'Fn::Base64': 'hi' }, AZ: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } } },
          },
        },
      },
      Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
    }),
  });
  const plan = loadTemplate(join(dir, 't.json'));
  const fn = plan.functions[0];
  assert.equal(fn?.name, 'y');
  assert.equal(fn?.inlineCode, 'exports.handler = async () => 1;');
  assert.equal(fn?.timeout, 3); // NoValue removed Timeout → Lambda's default of 3 s
  assert.deepEqual(fn?.environment, { B64: 'aGk=', AZ: 'us-east-1a' });
});

test('SAM Api: !Ref Api.Stage is the stage name; DependsOn may name the generated <Api><Stage>Stage', () => {
  const dir = project({
    'template.yaml': `Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: { Type: String, Default: dev }
Resources:
  Orders:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref Env
      DefinitionBody: { openapi: 3.0.1, info: { title: t, version: '1' }, paths: {} }
  Key:
    Type: AWS::ApiGateway::ApiKey
    DependsOn: OrdersdevStage
    Properties:
      Enabled: true
      StageKeys: [{ RestApiId: !Ref Orders, StageName: !Ref Orders.Stage }]
Outputs:
  Stage: { Value: !Ref Orders.Stage }
`,
  });
  const plan = loadTemplate(join(dir, 'template.yaml'), { stackName: 'shop' });
  assert.equal(plan.outputs.Stage, 'dev');
  const prod = loadTemplate(join(dir, 'template.yaml'), { stackName: 'shop', parameterOverrides: { Env: 'prod' } });
  assert.equal(prod.outputs.Stage, 'prod');
});
