// CloudFormation AWS::ApiGateway::* resources planned step by step: what Ref and Fn::GetAtt return
// (CloudFormation resource reference "Return values": Resource → resource id, Deployment → deployment id,
// Authorizer → authorizer id, ApiKey → key id, RestApi.RootResourceId), ids that survive a restart,
// the PutMethod / PutIntegration / PutIntegrationResponse requests each Method becomes (API Gateway API
// reference shapes), the methods each Deployment captures (its dependencies), stage MethodSettings keys
// (`{resourcePath with / as ~1}/{httpMethod}`, `*/*` for all), API keys and usage plans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplate, type StackPlan } from './index.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/templates/cfn-step-by-step.yaml', import.meta.url));
const plan = loadTemplate(FIXTURE, { stackName: 'pets' });
const api = plan.apis[0] as StackPlan['apis'][number];

function load(text: string): StackPlan {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-cfn-apigw-'));
  writeFileSync(join(dir, 'template.yaml'), text);
  return loadTemplate(join(dir, 'template.yaml'), { stackName: 'pets' });
}

test('Ref and Fn::GetAtt of the API resources are the ids the API is built with, the same on every load', () => {
  assert.equal(plan.apis.length, 1);
  assert.equal(plan.outputs.RootResourceId, api.rootResourceId);
  assert.match(api.rootResourceId, /^[a-z0-9]{10}$/);
  const pets = api.parts.resources.find((r) => r.logicalId === 'Pets');
  assert.equal(plan.outputs.PetsResourceId, pets?.id);
  assert.match(String(pets?.id), /^[a-z0-9]{6}$/);
  assert.equal(plan.outputs.DeploymentId, api.parts.deployments.find((d) => d.logicalId === 'PetsDeployment')?.id);
  assert.equal(plan.outputs.AuthorizerId, api.parts.authorizers[0]?.id);
  assert.equal(plan.outputs.KeyId, plan.apiKeys[0]?.id);
  assert.deepEqual(loadTemplate(FIXTURE, { stackName: 'pets' }).outputs, plan.outputs);
  assert.notDeepEqual(loadTemplate(FIXTURE, { stackName: 'other' }).outputs, plan.outputs);
  // none of these is "unsupported" any more
  assert.deepEqual(plan.unsupported, []);
});

test('resources come parents first, under the root id GetAtt RootResourceId returned', () => {
  const byId = new Map(api.parts.resources.map((r) => [r.id, r]));
  assert.deepEqual(api.parts.resources.map((r) => [r.logicalId, r.pathPart]), [['Pets', 'pets'], ['Pet', '{id}'], ['Secret', 'secret']]);
  assert.equal(api.parts.resources[0]?.parentId, api.rootResourceId);
  assert.equal(byId.get(api.parts.resources[1]?.parentId as string)?.logicalId, 'Pets');
  // declared child first: still placed after its parent
  const reversed = load(`Resources:
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: a } }
  Child: { Type: AWS::ApiGateway::Resource, Properties: { RestApiId: !Ref Api, ParentId: !Ref Parent, PathPart: child } }
  Parent: { Type: AWS::ApiGateway::Resource, Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: parent } }
`);
  assert.deepEqual(reversed.apis[0]?.parts.resources.map((r) => r.logicalId), ['Parent', 'Child']);
});

test('a Method becomes the PutMethod, PutMethodResponse, PutIntegration and PutIntegrationResponse requests', () => {
  const add = api.parts.methods.find((m) => m.logicalId === 'AddPet');
  const validator = api.parts.validators[0];
  assert.deepEqual(validator && { name: validator.name, body: validator.validateRequestBody, params: validator.validateRequestParameters }, { name: 'body-only', body: true, params: false });
  assert.deepEqual(add && { resourceId: add.resourceId, httpMethod: add.httpMethod, method: add.method, integration: add.integration, integrationResponses: add.integrationResponses, methodResponses: add.methodResponses }, {
    resourceId: api.parts.resources[0]?.id, httpMethod: 'POST',
    method: { authorizationType: 'NONE', apiKeyRequired: false, requestValidatorId: validator?.id, requestModels: { 'application/json': 'Pet' } },
    integration: {
      type: 'AWS', uri: 'arn:aws:apigateway:us-east-1:states:action/StartSyncExecution', integrationHttpMethod: 'POST',
      credentials: 'arn:aws:iam::000000000000:role/pets-ApiRole', passthroughBehavior: 'NEVER',
      requestTemplates: { 'application/json': '{"input": "$util.escapeJavaScript($input.json(\'$\'))", "stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:adopt"}' },
    },
    integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': "$util.parseJson($input.path('$.output')).adopted" } }],
    methodResponses: [{ statusCode: '200' }],
  });
  const list = api.parts.methods.find((m) => m.logicalId === 'ListPets');
  assert.deepEqual(list?.methodResponses, [{ statusCode: '200', responseParameters: { 'method.response.header.X-Source': true } }]);
  assert.deepEqual(list?.integrationResponses[0]?.responseParameters, { 'method.response.header.X-Source': "'mock'" });
  const secret = api.parts.methods.find((m) => m.logicalId === 'GetSecret');
  assert.deepEqual(secret?.method, { authorizationType: 'CUSTOM', apiKeyRequired: false, authorizerId: api.parts.authorizers[0]?.id });
  assert.deepEqual(api.parts.authorizers[0]?.input, {
    name: 'token', type: 'TOKEN', authorizerResultTtlInSeconds: 0, identitySource: 'method.request.header.Authorization',
    authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:AuthFunction/invocations',
  });
  assert.deepEqual(api.parts.models.map((m) => [m.name, m.contentType, JSON.parse(m.schema ?? '{}').required]), [['Pet', 'application/json', ['name']]]);
  assert.deepEqual(api.parts.gatewayResponses.map((g) => [g.responseType, g.statusCode]), [['MISSING_AUTHENTICATION_TOKEN', '404']]);
});

test('a Deployment captures only the methods it depends on; deployments are made in dependency order', () => {
  const key = (logicalId: string): string => {
    const m = api.parts.methods.find((x) => x.logicalId === logicalId);
    return `${m?.resourceId} ${m?.httpMethod}`;
  };
  const early = api.parts.deployments.find((d) => d.logicalId === 'EarlyDeployment');
  assert.deepEqual(early?.excludeMethods.sort(), [key('GetPet'), key('AddPet'), key('GetSecret')].sort());
  assert.deepEqual(early?.variables, { kind: 'early-cat' });
  assert.equal(early?.stageName, 'early');
  assert.deepEqual(api.parts.deployments.find((d) => d.logicalId === 'PetsDeployment')?.excludeMethods, []);
  assert.deepEqual(api.parts.deployments.map((d) => d.logicalId), ['EarlyDeployment', 'PetsDeployment']);
  // a Deployment that refers to a method through Fn::Sub or Fn::GetAtt depends on it too
  const viaSub = load(`Resources:
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: a } }
  M: { Type: AWS::ApiGateway::Method, Properties: { RestApiId: !Ref Api, ResourceId: !GetAtt Api.RootResourceId, HttpMethod: GET, Integration: { Type: MOCK } } }
  D: { Type: AWS::ApiGateway::Deployment, Properties: { RestApiId: !Ref Api, Description: !Sub 'after \${M}' } }
`);
  assert.deepEqual(viaSub.apis[0]?.parts.deployments[0]?.excludeMethods, []);
});

test('Stage: variables and MethodSettings keyed as GetStage shows them', () => {
  assert.deepEqual(api.parts.stages.map((s) => ({ name: s.stageName, deployment: s.deploymentId, variables: s.variables, settings: s.methodSettings })), [{
    name: 'v1', deployment: api.parts.deployments.find((d) => d.logicalId === 'PetsDeployment')?.id, variables: { kind: 'cat' },
    settings: { '*/*': { throttlingBurstLimit: 50, throttlingRateLimit: 100 } },
  }]);
  const settings = load(`Resources:
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: a } }
  M: { Type: AWS::ApiGateway::Method, Properties: { RestApiId: !Ref Api, ResourceId: !GetAtt Api.RootResourceId, HttpMethod: GET, Integration: { Type: MOCK } } }
  D: { Type: AWS::ApiGateway::Deployment, DependsOn: M, Properties: { RestApiId: !Ref Api } }
  S:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: !Ref D
      StageName: s
      MethodSettings: [{ ResourcePath: '/~1pets~1{id}', HttpMethod: GET, LoggingLevel: INFO, MetricsEnabled: true }]
`);
  assert.deepEqual(settings.apis[0]?.parts.stages[0]?.methodSettings, { '~1pets~1{id}/GET': { loggingLevel: 'INFO', metricsEnabled: true } });
  assert.equal(settings.apis[0]?.stageName, 's');
});

test('ApiKey, UsagePlan and UsagePlanKey: AWS defaults (a key is disabled unless Enabled) and generated names', () => {
  assert.deepEqual(plan.apiKeys.map((k) => ({ name: k.name, value: k.value, enabled: k.enabled })), [{ name: 'pets-key', value: 'pets-key-0123456789abcdef', enabled: true }]);
  assert.deepEqual(plan.usagePlans.map((u) => ({ name: u.name, apiStages: u.apiStages, quota: u.quota })), [{ name: 'pets-plan', apiStages: [{ apiId: api.apiId, stage: 'v1' }], quota: { limit: 100, period: 'DAY' } }]);
  assert.deepEqual(plan.usagePlanKeys.map((k) => [k.keyId, k.usagePlanId, k.keyType]), [[plan.apiKeys[0]?.id, plan.usagePlans[0]?.id, 'API_KEY']]);
  const bare = load('Resources:\n  K: { Type: AWS::ApiGateway::ApiKey }\n  P: { Type: AWS::ApiGateway::UsagePlan }\n');
  assert.equal(bare.apiKeys[0]?.enabled, false);
  assert.match(String(bare.apiKeys[0]?.name), /^pets-K-[A-Z0-9]{12}$/);
  assert.match(String(bare.usagePlans[0]?.name), /^pets-P-[A-Z0-9]{12}$/);
});

test('RestApi with a Body and Deployment/Stage resources: the Body is imported, the stage comes from the Stage; no Deployment, no stage', () => {
  const withBody = load(`Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: with-body
      Policy: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: '*', Action: execute-api:Invoke, Resource: execute-api:/* }] }
      Body: { swagger: '2.0', info: { title: t, version: '1' }, paths: { /x: { get: { x-amazon-apigateway-integration: { type: mock } } } } }
  D: { Type: AWS::ApiGateway::Deployment, Properties: { RestApiId: !Ref Api } }
  S: { Type: AWS::ApiGateway::Stage, Properties: { RestApiId: !Ref Api, DeploymentId: !Ref D, StageName: live, Variables: { a: b } } }
`);
  const a = withBody.apis[0];
  assert.equal(a?.stageName, 'live');
  assert.deepEqual(a?.variables, { a: 'b' });
  assert.equal(a?.parts.deployments[0]?.stageName, undefined);
  assert.deepEqual(JSON.parse(a?.policy ?? '{}').Statement[0].Resource, 'execute-api:/*');
  const undeployed = load('Resources:\n  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: a } }\n');
  assert.equal(undeployed.apis[0]?.stageName, '');
  assert.deepEqual(undeployed.apis[0]?.parts.deployments, []);
});

test('Method AuthorizationScopes reach PutMethod (a Cognito method with OAuth scopes)', () => {
  const p = load(`
Resources:
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: scoped } }
  Pool: { Type: AWS::ApiGateway::Authorizer, Properties: { Name: pool, Type: COGNITO_USER_POOLS, RestApiId: !Ref Api, IdentitySource: method.request.header.Authorization, ProviderARNs: [arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc] } }
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: COGNITO_USER_POOLS
      AuthorizerId: !Ref Pool
      AuthorizationScopes: [orders/read, orders/write]
      Integration: { Type: MOCK }
`);
  const m = p.apis[0]?.parts.methods[0];
  assert.deepEqual(m?.method.authorizationScopes, ['orders/read', 'orders/write']);
});
