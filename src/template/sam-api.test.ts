// The OpenAPI document SAM writes for AWS::Serverless::Api Cors, Auth (authorizers, DefaultAuthorizer,
// ApiKeyRequired, ResourcePolicy), Api event Auth, and the resources of Auth.UsagePlan. Expected shapes
// are those of SAM's translator (samtranslator swagger/swagger.py add_cors, _options_method_response_for_cors,
// add_apikey_security_definition, add_awsiam_security_definition, set_path_default_*; model/apigateway.py
// ApiGatewayAuthorizer.generate_swagger; model/api/api_generator.py _construct_usage_plan) and of the
// SAM specification (ApiAuth, ApiUsagePlan, CorsConfiguration pages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplate, type StackPlan } from './index.js';

type Obj = Record<string, any>;

function load(text: string, stackName = 'shop'): StackPlan {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-sam-api-'));
  writeFileSync(join(dir, 'template.yaml'), text);
  return loadTemplate(join(dir, 'template.yaml'), { stackName, region: 'eu-west-1', accountId: '123456789012' });
}

const body = (plan: StackPlan, logicalId: string): Obj => {
  const api = plan.apis.find((a) => a.logicalId === logicalId);
  assert.ok(api, `API ${logicalId} is planned`);
  return api.body as Obj;
};

const HEAD = 'Transform: AWS::Serverless-2016-10-31\nResources:\n';
const MOCK = { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' } };
/** an inline definition: GET+POST /items, ANY /any, and /own with its own OPTIONS */
const DEFINITION = {
  swagger: '2.0', info: { title: 'shop', version: '1' },
  paths: {
    '/items': { get: { 'x-amazon-apigateway-integration': MOCK }, post: { 'x-amazon-apigateway-integration': MOCK, responses: { 200: { description: 'ok' } } } },
    '/any': { 'x-amazon-apigateway-any-method': { 'x-amazon-apigateway-integration': MOCK } },
    '/own': { options: { 'x-amazon-apigateway-integration': MOCK } },
  },
};
const api = (props: string, definition: unknown = DEFINITION): string =>
  `${HEAD}  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: dev\n      DefinitionBody: ${JSON.stringify(definition)}\n${props.split('\n').map((l) => `      ${l}`).join('\n')}\n`;

/** SAM's OPTIONS method for Cors (the AWS "enable CORS with the import tool" snippet). */
function corsOptions(parameters: Obj, headers: Obj): Obj {
  return {
    summary: 'CORS support', consumes: ['application/json'], produces: ['application/json'],
    'x-amazon-apigateway-integration': {
      type: 'mock', requestTemplates: { 'application/json': '{\n  "statusCode" : 200\n}\n' },
      responses: { default: { statusCode: '200', responseParameters: parameters, responseTemplates: { 'application/json': '{}\n' } } },
    },
    responses: { 200: { description: 'Default response for CORS method', headers } },
  };
}

test('Cors as a string: an OPTIONS MOCK method on every path; the methods listed from the path, ANY as all seven', () => {
  const doc = body(load(api("Cors: \"'https://shop.example'\"")), 'Api');
  assert.deepEqual(doc.paths['/items'].options, corsOptions(
    { 'method.response.header.Access-Control-Allow-Origin': "'https://shop.example'", 'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS,POST'" },
    { 'Access-Control-Allow-Origin': { type: 'string' }, 'Access-Control-Allow-Methods': { type: 'string' } },
  ));
  assert.equal(doc.paths['/any'].options['x-amazon-apigateway-integration'].responses.default.responseParameters['method.response.header.Access-Control-Allow-Methods'], "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'");
  // A path with its own OPTIONS is left alone; the other methods' responses get no CORS headers.
  assert.deepEqual(doc.paths['/own'].options, { 'x-amazon-apigateway-integration': MOCK });
  assert.deepEqual(doc.paths['/items'].post.responses, { 200: { description: 'ok' } });
  assert.equal(doc.paths['/items'].get.responses, undefined);
});

test('CorsConfiguration: headers, methods, max age and credentials; the * origin is the default', () => {
  const doc = body(load(api("Cors:\n  AllowOrigin: \"'https://a.example'\"\n  AllowHeaders: \"'Content-Type'\"\n  AllowMethods: \"'GET'\"\n  MaxAge: \"'600'\"\n  AllowCredentials: true")), 'Api');
  assert.deepEqual(doc.paths['/items'].options, corsOptions({
    'method.response.header.Access-Control-Allow-Origin': "'https://a.example'",
    'method.response.header.Access-Control-Allow-Headers': "'Content-Type'",
    'method.response.header.Access-Control-Allow-Methods': "'GET'",
    'method.response.header.Access-Control-Max-Age': "'600'",
    'method.response.header.Access-Control-Allow-Credentials': "'true'",
  }, {
    'Access-Control-Allow-Origin': { type: 'string' }, 'Access-Control-Allow-Headers': { type: 'string' }, 'Access-Control-Allow-Methods': { type: 'string' },
    'Access-Control-Max-Age': { type: 'integer' }, 'Access-Control-Allow-Credentials': { type: 'string' },
  }));
  const dflt = body(load(api('Cors: { AllowHeaders: "\'X-Id\'" }')), 'Api');
  assert.equal(dflt.paths['/items'].options['x-amazon-apigateway-integration'].responses.default.responseParameters['method.response.header.Access-Control-Allow-Origin'], "'*'");
});

test('OpenAPI 3 definitions: SAM moves security schemes to components and drops consumes/produces from OPTIONS', () => {
  const oas3 = { openapi: '3.0.1', info: { title: 't', version: '1' }, paths: { '/x': { get: { 'x-amazon-apigateway-integration': MOCK } } } };
  const doc = body(load(api("Cors: \"'*'\"\nAuth: { ApiKeyRequired: true }", oas3)), 'Api');
  assert.equal(doc.securityDefinitions, undefined);
  assert.deepEqual(doc.components.securitySchemes, { api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' } });
  const options = doc.paths['/x'].options;
  assert.equal(options.consumes, undefined);
  assert.equal(options.produces, undefined);
  assert.deepEqual(options.responses[200].headers['Access-Control-Allow-Origin'], { schema: { type: 'string' } });
});

test('Auth.Authorizers: the security schemes SAM writes for Lambda TOKEN, Lambda REQUEST, Cognito and AWS_IAM', () => {
  const doc = body(load(api([
    'Auth:',
    '  DefaultAuthorizer: AWS_IAM',
    '  Authorizers:',
    '    Token:',
    '      FunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:auth',
    '      FunctionInvokeRole: arn:aws:iam::123456789012:role/invoke',
    "      Identity: { Header: X-Token, ValidationExpression: '^Bearer .+$', ReauthorizeEvery: 60 }",
    '    Req:',
    '      FunctionPayloadType: REQUEST',
    '      FunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:auth',
    '      Identity: { Headers: [X-A], QueryStrings: [q], StageVariables: [s], Context: [requestId], ReauthorizeEvery: 0 }',
    '    Pool:',
    '      UserPoolArn: [arn:aws:cognito-idp:eu-west-1:123456789012:userpool/a, arn:aws:cognito-idp:eu-west-1:123456789012:userpool/b]',
    "      Identity: { Header: X-Jwt, ValidationExpression: '^ey' }",
  ].join('\n'))), 'Api');
  const uri = 'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations';
  assert.deepEqual(doc.securityDefinitions, {
    AWS_IAM: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
    Token: {
      type: 'apiKey', name: 'X-Token', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: uri, authorizerResultTtlInSeconds: 60, authorizerCredentials: 'arn:aws:iam::123456789012:role/invoke', identityValidationExpression: '^Bearer .+$' },
    },
    Req: {
      type: 'apiKey', name: 'Unused', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': { type: 'request', authorizerUri: uri, authorizerResultTtlInSeconds: 0, identitySource: 'method.request.header.X-A, method.request.querystring.q, stageVariables.s, context.requestId' },
    },
    Pool: {
      type: 'apiKey', name: 'X-Jwt', in: 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools',
      'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/a', 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/b'], identityValidationExpression: '^ey' },
    },
  });
  // The default authorizer goes on every operation with an integration, the existing OPTIONS included.
  assert.deepEqual(doc.paths['/items'].get.security, [{ AWS_IAM: [] }]);
  assert.deepEqual(doc.paths['/own'].options.security, [{ AWS_IAM: [] }]);
});

test('DefaultAuthorizer with scopes; AddDefaultAuthorizerToCorsPreflight: false keeps OPTIONS open', () => {
  const doc = body(load(api([
    "Cors: \"'*'\"",
    'Auth:',
    '  DefaultAuthorizer: Pool',
    '  AddDefaultAuthorizerToCorsPreflight: false',
    '  Authorizers:',
    '    Pool: { UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/a, AuthorizationScopes: [shop/read] }',
  ].join('\n'))), 'Api');
  assert.deepEqual(doc.paths['/items'].get.security, [{ Pool: ['shop/read'] }]);
  assert.equal(doc.paths['/items'].options.security, undefined);
});

test('ApiKeyRequired: the api_key scheme and an api_key entry per operation; the preflight can be left out', () => {
  const doc = body(load(api("Cors: \"'*'\"\nAuth:\n  ApiKeyRequired: true\n  AddApiKeyRequiredToCorsPreflight: false")), 'Api');
  assert.deepEqual(doc.securityDefinitions, { api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' } });
  assert.deepEqual(doc.paths['/items'].get.security, [{ api_key: [] }]);
  assert.deepEqual(doc.paths['/any']['x-amazon-apigateway-any-method'].security, [{ api_key: [] }]);
  assert.equal(doc.paths['/items'].options.security, undefined);
  // By default (AddApiKeyRequiredToCorsPreflight true) the OPTIONS method needs the key too.
  const strict = body(load(api("Cors: \"'*'\"\nAuth: { ApiKeyRequired: true }")), 'Api');
  assert.deepEqual(strict.paths['/items'].options.security, [{ api_key: [] }]);
});

test('ResourcePolicy: IP ranges become Allow + Deny statements per path, custom statements follow', () => {
  const custom = { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*/DELETE/*' };
  const doc = body(load(api(`Auth:\n  ResourcePolicy:\n    IpRangeWhitelist: [192.0.2.0/24]\n    CustomStatements: [${JSON.stringify(custom)}]`,
    { swagger: '2.0', info: { title: 't', version: '1' }, paths: { '/items/{id}': { get: { 'x-amazon-apigateway-integration': MOCK } } } })), 'Api');
  const resources = ['execute-api:/dev/GET/items/*'];
  assert.deepEqual(doc['x-amazon-apigateway-policy'], {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resources, Principal: '*' },
      { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: resources, Principal: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24'] } } },
      custom,
    ],
  });
});

const FN = (events: string, apiProps: string, apiDefinition = ''): string => `${HEAD}  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
${apiDefinition ? `      ${apiDefinition}\n` : ''}${apiProps.split('\n').map((l) => `      ${l}`).join('\n')}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200, body: '' })"
      Events:
${events}`;
const ev = (id: string, path: string, method: string, auth = ''): string =>
  `        ${id}:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: ${path}\n            Method: ${method}\n${auth ? `            Auth: ${auth}\n` : ''}`;

test('Api event Auth overrides the API defaults: another authorizer, NONE, AWS_IAM (with the caller credentials), scopes, ApiKeyRequired false', () => {
  const plan = load(FN(
    ev('A', '/default', 'get') + ev('B', '/other', 'get', '{ Authorizer: Pool, AuthorizationScopes: [shop/write] }') + ev('C', '/open', 'get', '{ Authorizer: NONE, ApiKeyRequired: false }')
      + ev('D', '/iam', 'post', '{ Authorizer: AWS_IAM }') + ev('E', '/any', 'any'),
    ['Auth:', '  ApiKeyRequired: true', '  DefaultAuthorizer: Token', '  Authorizers:', '    Token: { FunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:auth }',
      '    Pool: { UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/a, AuthorizationScopes: [shop/read] }'].join('\n'),
  ));
  const doc = body(plan, 'Api');
  assert.deepEqual(doc.paths['/default'].get.security, [{ Token: [] }, { api_key: [] }]);
  assert.deepEqual(doc.paths['/other'].get.security, [{ Pool: ['shop/write'] }, { api_key: [] }]);
  assert.deepEqual(doc.paths['/open'].get.security, []);
  assert.deepEqual(doc.paths['/iam'].post.security, [{ AWS_IAM: [] }, { api_key: [] }]);
  assert.equal(doc.paths['/iam'].post['x-amazon-apigateway-integration'].credentials, 'arn:aws:iam::*:user/*');
  assert.equal(doc.paths['/default'].get['x-amazon-apigateway-integration'].credentials, undefined);
  assert.ok(doc.paths['/any']['x-amazon-apigateway-any-method']['x-amazon-apigateway-integration']);
  assert.deepEqual(doc.securityDefinitions.AWS_IAM, { 'x-amazon-apigateway-authtype': 'awsSigv4', type: 'apiKey', name: 'Authorization', in: 'header' });
});

test('events on an API with its own DefinitionBody are not added to it (SAM manages only the definitions it writes)', () => {
  const plan = load(FN(ev('A', '/added', 'get'), 'Auth: { ApiKeyRequired: true }', `DefinitionBody: ${JSON.stringify(DEFINITION)}`));
  const doc = body(plan, 'Api');
  assert.equal(doc.paths['/added'], undefined);
  assert.deepEqual(doc.paths['/items'].get.security, [{ api_key: [] }]);
});

test('Auth.UsagePlan PER_API: <Api>ApiKey (enabled, generated name), <Api>UsagePlan on the stage, <Api>UsagePlanKey; Refs resolve to their ids', () => {
  const plan = load(`${api('Auth:\n  UsagePlan: { CreateUsagePlan: PER_API, UsagePlanName: gold, Description: d, Quota: { Limit: 5, Offset: 1, Period: WEEK }, Throttle: { BurstLimit: 2, RateLimit: 1.5 } }')}Outputs:\n  Key: { Value: !Ref ApiApiKey }\n  Plan: { Value: !Ref ApiUsagePlan }\n  KeyId: { Value: !GetAtt ApiApiKey.APIKeyId }\n`);
  const apiId = plan.apis[0]?.apiId as string;
  assert.equal(plan.apiKeys.length, 1);
  const key = plan.apiKeys[0] as Obj;
  assert.equal(key.logicalId, 'ApiApiKey');
  assert.equal(key.enabled, true);
  assert.equal(key.value, undefined);
  assert.match(key.name, /^shop-ApiApiKey-[A-Z0-9]+$/);
  assert.deepEqual(key.stageKeys, [`${apiId}/dev`]);
  assert.match(key.id, /^[a-z0-9]{10}$/);
  const usage = plan.usagePlans[0] as Obj;
  assert.equal(usage.logicalId, 'ApiUsagePlan');
  assert.deepEqual({ name: usage.name, description: usage.description, apiStages: usage.apiStages, quota: usage.quota, throttle: usage.throttle },
    { name: 'gold', description: 'd', apiStages: [{ apiId, stage: 'dev' }], quota: { limit: 5, offset: 1, period: 'WEEK' }, throttle: { burstLimit: 2, rateLimit: 1.5 } });
  assert.deepEqual(plan.usagePlanKeys, [{ logicalId: 'ApiUsagePlanKey', line: 3, keyId: key.id, keyType: 'API_KEY', usagePlanId: usage.id }]);
  assert.deepEqual(plan.outputs, { Key: key.id, Plan: usage.id, KeyId: key.id });
  // the same ids on the next load; another stack gets other ids
  assert.equal(load(api('Auth:\n  UsagePlan: { CreateUsagePlan: PER_API }')).apiKeys[0]?.id, key.id);
  assert.notEqual(load(api('Auth:\n  UsagePlan: { CreateUsagePlan: PER_API }'), 'other').apiKeys[0]?.id, key.id);
});

test('Auth.UsagePlan SHARED: one ServerlessApiKey / ServerlessUsagePlan for all APIs; NONE creates nothing', () => {
  const text = `${HEAD}${['A', 'B', 'C'].map((id, i) => `  ${id}:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: s${i}\n      DefinitionBody: ${JSON.stringify(DEFINITION)}\n      Auth:\n        UsagePlan: { CreateUsagePlan: ${id === 'C' ? 'NONE' : 'SHARED'} }\n`).join('')}`;
  const plan = load(text);
  const [a, b] = plan.apis;
  assert.deepEqual(plan.apiKeys.map((k) => [k.logicalId, k.stageKeys]), [['ServerlessApiKey', [`${a?.apiId}/s0`, `${b?.apiId}/s1`]]]);
  assert.deepEqual(plan.usagePlans.map((u) => [u.logicalId, u.apiStages]), [['ServerlessUsagePlan', [{ apiId: a?.apiId, stage: 's0' }, { apiId: b?.apiId, stage: 's1' }]]]);
  assert.deepEqual(plan.usagePlanKeys.map((k) => k.logicalId), ['ServerlessUsagePlanKey']);
});

test('Globals.Api Auth merges with the API\'s own Auth and reaches the implicit API too', () => {
  const plan = load(`Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Auth:
      ApiKeyRequired: true
      UsagePlan: { CreateUsagePlan: SHARED }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200, body: '' })"
      Events:
        Get: { Type: Api, Properties: { Path: /x, Method: get } }
        Own: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /y, Method: get } }
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth: { ApiKeyRequired: false }
`);
  assert.deepEqual(body(plan, 'ServerlessRestApi').paths['/x'].get.security, [{ api_key: [] }]);
  // the API's own ApiKeyRequired: false wins, its UsagePlan comes from Globals
  assert.equal(body(plan, 'Api').paths['/y'].get.security, undefined);
  assert.deepEqual(plan.usagePlans.map((u) => u.apiStages.map((s) => s.stage).sort()), [['Prod', 'dev']]);
});

// ── GatewayResponses, Models, OpenApiVersion, event RequestModel / RequestParameters ──────────────
// Expected shapes and messages: samtranslator model/api/api_generator.py (_add_gateway_responses,
// _add_models, _validate_properties), model/apigateway.py (ApiGatewayResponse), swagger/swagger.py
// (add_gateway_responses, add_models, add_request_model_to_method, add_request_validator_to_method,
// add_request_parameters_to_method), model/eventsources/push.py (Api._add_swagger_integration),
// plugins/globals/globals.py (fix_openapi_definitions).

/** the reason of the TemplateError that loading the template throws */
function reason(text: string): string {
  try {
    load(text);
  } catch (e) {
    if (e instanceof Error && 'reason' in e) return String(e.reason);
    throw e;
  }
  assert.fail('the template loads, but an error was expected');
}

/** an Api event with more properties (YAML flow lines under Properties) */
const evWith = (id: string, path: string, method: string, more: string[]): string =>
  `        ${id}:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: ${path}\n            Method: ${method}\n${more.map((l) => `            ${l}\n`).join('')}`;

const USER = '{ type: object, required: [name], properties: { name: { type: string } } }';

test('GatewayResponses: statusCode as text, Headers / Paths / QueryStrings as gatewayresponse.* parameters, templates as given, merged over the definition\'s own', () => {
  const definition = { ...DEFINITION, 'x-amazon-apigateway-gateway-responses': { DEFAULT_5XX: { statusCode: '503' }, ACCESS_DENIED: { statusCode: '401' } } };
  const doc = body(load(api([
    'GatewayResponses:',
    '  ACCESS_DENIED:',
    '    StatusCode: 403',
    '    ResponseParameters:',
    "      Headers: { X-Reason: \"'denied'\", Access-Control-Allow-Origin: \"'*'\" }",
    '      Paths: { id: method.request.path.id }',
    '      QueryStrings: { q: method.request.querystring.q }',
    "    ResponseTemplates: { application/json: '{\"error\": $context.error.messageString}' }",
    '  DEFAULT_4XX: { StatusCode: \'418\' }',
    '  THROTTLED: { ResponseTemplates: { text/plain: slow down } }',
  ].join('\n'), definition)), 'Api');
  assert.deepEqual(doc['x-amazon-apigateway-gateway-responses'], {
    DEFAULT_5XX: { statusCode: '503' },
    ACCESS_DENIED: {
      statusCode: '403',
      responseParameters: {
        'gatewayresponse.header.X-Reason': "'denied'", 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.path.id': 'method.request.path.id', 'gatewayresponse.querystring.q': 'method.request.querystring.q',
      },
      responseTemplates: { 'application/json': '{"error": $context.error.messageString}' },
    },
    DEFAULT_4XX: { statusCode: '418', responseParameters: {}, responseTemplates: {} },
    THROTTLED: { responseParameters: {}, responseTemplates: { 'text/plain': 'slow down' } },
  });
});

test('GatewayResponses reach a definition SAM writes, and Globals.Api GatewayResponses merge with the API\'s', () => {
  const plan = load(`Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    GatewayResponses:
      DEFAULT_4XX: { ResponseParameters: { Headers: { X-Global: "'g'" } } }
      UNAUTHORIZED: { StatusCode: 401 }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200, body: '' })"
      Events:
        Get: { Type: Api, Properties: { Path: /x, Method: get } }
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      GatewayResponses:
        DEFAULT_4XX: { StatusCode: 400, ResponseParameters: { Headers: { X-Own: "'o'" } } }
`);
  assert.deepEqual(body(plan, 'ServerlessRestApi')['x-amazon-apigateway-gateway-responses'], {
    DEFAULT_4XX: { responseParameters: { 'gatewayresponse.header.X-Global': "'g'" }, responseTemplates: {} },
    UNAUTHORIZED: { statusCode: '401', responseParameters: {}, responseTemplates: {} },
  });
  assert.deepEqual(body(plan, 'Api')['x-amazon-apigateway-gateway-responses'], {
    DEFAULT_4XX: { statusCode: '400', responseParameters: { 'gatewayresponse.header.X-Global': "'g'", 'gatewayresponse.header.X-Own': "'o'" }, responseTemplates: {} },
    UNAUTHORIZED: { statusCode: '401', responseParameters: {}, responseTemplates: {} },
  });
});

test('GatewayResponses that SAM refuses, with its messages', () => {
  const bad = (props: string): string => reason(api(props));
  assert.equal(bad('GatewayResponses: [DEFAULT_4XX]'), "Resource with id [Api] is invalid. Property 'GatewayResponses' should be a map.");
  assert.equal(bad('GatewayResponses: { DEFAULT_4XX: oops }'), "Resource with id [Api] is invalid. Invalid property type 'str' for GatewayResponses. Expected an object of type 'GatewayResponse'.");
  assert.equal(bad('GatewayResponses: { DEFAULT_4XX: [1] }'), "Resource with id [Api] is invalid. Invalid property type 'list' for GatewayResponses. Expected an object of type 'GatewayResponse'.");
  assert.equal(bad('GatewayResponses: { DEFAULT_4XX: { Status: 400 } }'), "Resource with id [Api] is invalid. Invalid property 'Status' in 'GatewayResponses' property 'DEFAULT_4XX'.");
  assert.equal(bad('GatewayResponses: { DEFAULT_4XX: { ResponseParameters: oops } }'), "Resource with id [Api] is invalid. Property 'GatewayResponses.DEFAULT_4XX.ResponseParameters' should be a map.");
  assert.equal(bad('GatewayResponses: { DEFAULT_4XX: { ResponseParameters: { Header: { X: "\'x\'" } } } }'), "Resource with id [Api] is invalid. Invalid gateway response parameter 'Header'");
  assert.equal(bad('GatewayResponses: { DEFAULT_4XX: { StatusCode: 4000 } }'), "Resource with id [Api] is invalid. Property 'StatusCode' must be numeric");
  assert.equal(bad('GatewayResponses: { DEFAULT_4XX: { StatusCode: four } }'), "Resource with id [Api] is invalid. Property 'StatusCode' must be numeric");
  // SAM fails here without a message of its own (it calls .items() on the value): stepgate's wording.
  assert.equal(bad('GatewayResponses: { DEFAULT_4XX: { ResponseParameters: { Headers: [X] } } }'), "Resource with id [Api] is invalid. Property 'GatewayResponses.DEFAULT_4XX.ResponseParameters.Headers' should be a map.");
  // SAM's check names Auth in this message.
  for (const definition of [{ info: { title: 't', version: '1' }, paths: {} }, { swagger: '2.0', info: { title: 't', version: '1' } }]) {
    assert.equal(reason(api('GatewayResponses: { DEFAULT_4XX: { StatusCode: 400 } }', definition)),
      "Resource with id [Api] is invalid. Unable to add Auth configuration because 'DefinitionBody' does not contain a valid Swagger definition.");
  }
});

test('GatewayResponses and Models need an inline definition (not DefinitionUri)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-sam-api-uri-'));
  writeFileSync(join(dir, 'api.json'), JSON.stringify(DEFINITION));
  const withUri = (props: string): string => {
    writeFileSync(join(dir, 'template.yaml'), `${HEAD}  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: dev\n      DefinitionUri: api.json\n      ${props}\n`);
    try {
      loadTemplate(join(dir, 'template.yaml'));
    } catch (e) {
      return String((e as { reason?: unknown }).reason);
    }
    return 'loaded';
  };
  assert.equal(withUri('GatewayResponses: { DEFAULT_4XX: { StatusCode: 400 } }'), "Resource with id [Api] is invalid. GatewayResponses works only with inline Swagger specified in 'DefinitionBody' property.");
  assert.equal(withUri(`Models: { User: ${USER} }`), "Resource with id [Api] is invalid. Models works only with inline Swagger specified in 'DefinitionBody' property.");
  assert.equal(withUri('Models: {}'), 'loaded');
});

test('Models: definitions named in lower case (Swagger 2), components.schemas for OpenAPI 3', () => {
  const doc = body(load(api(`Models:\n  User: ${USER}\n  OrderLine: { type: array, items: { type: string } }`)), 'Api');
  assert.deepEqual(doc.definitions, { user: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }, orderline: { type: 'array', items: { type: 'string' } } });
  const oas3 = { openapi: '3.0.1', info: { title: 't', version: '1' }, paths: { '/x': { get: { 'x-amazon-apigateway-integration': MOCK } } } };
  const doc3 = body(load(api(`Models:\n  User: ${USER}`, oas3)), 'Api');
  assert.equal(doc3.definitions, undefined);
  assert.deepEqual(doc3.components.schemas, { user: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } });
});

test('Models that SAM refuses, with its messages', () => {
  assert.equal(reason(api('Models: [User]')), "Resource with id [Api] is invalid. Property 'Models' should be a map.");
  assert.equal(reason(api(`Models: { User: ${USER}, Bad: object }`)), "Resource with id [Api] is invalid. Invalid value for 'Models' property");
  assert.equal(reason(api('Models: { User: { properties: { name: { type: string } } } }')), "Structure of the SAM template is invalid. 'Models' schema is missing 'type'.");
  assert.equal(reason(api(`Models: { User: ${USER} }`, { swagger: '2.0', info: { title: 't', version: '1' } })),
    "Resource with id [Api] is invalid. Unable to add Models definitions because 'DefinitionBody' does not contain a valid Swagger definition.");
});

test('OpenApiVersion 3.x makes the definition SAM writes an OpenAPI 3 document; a bad version is refused', () => {
  for (const [version, expected] of [["'3.0.1'", '3.0.1'], ['3.0', '3.0']] as const) {
    const plan = load(FN(evWith('Create', '/users', 'post', ['RequestModel: { Model: User }']), `OpenApiVersion: ${version}\nModels: { User: ${USER} }`));
    const doc = body(plan, 'Api');
    assert.equal(doc.swagger, undefined);
    assert.equal(doc.openapi, expected);
    assert.deepEqual(doc.paths['/users'].post.requestBody, { content: { 'application/json': { schema: { $ref: '#/components/schemas/user' } } } });
    assert.deepEqual(Object.keys(doc.components.schemas), ['user']);
  }
  // 2.0 leaves the Swagger skeleton as it is; an inline definition keeps its own version.
  assert.equal(body(load(FN(evWith('A', '/a', 'get', []), "OpenApiVersion: '2.0'")), 'Api').swagger, '2.0');
  assert.equal(body(load(api("OpenApiVersion: '3.0.1'")), 'Api').swagger, '2.0');
  assert.equal(reason(FN(evWith('A', '/a', 'get', []), "OpenApiVersion: '3'")), "Resource with id [Api] is invalid. The OpenApiVersion value must be of the format '3.0.0'.");
  assert.equal(reason(api("OpenApiVersion: 'v3'")), "Resource with id [Api] is invalid. The OpenApiVersion value must be of the format '3.0.0'.");
  assert.equal(reason(api('OpenApiVersion: [3]')), "Resource with id [Api] is invalid. Property 'OpenApiVersion' should be a string.");
});

test('Api event RequestModel: the body parameter and the request validator SAM names (body-and-params, body-only, params-only, no-validation)', () => {
  const plan = load(FN(
    evWith('A', '/a', 'post', ['RequestModel: { Model: User, Required: true, ValidateBody: true, ValidateParameters: true }'])
      + evWith('B', '/b', 'post', ['RequestModel: { Model: User, ValidateBody: true }'])
      + evWith('C', '/c', 'any', ['RequestModel: { Model: User, ValidateParameters: true }'])
      + evWith('D', '/d', 'put', ['RequestModel: { Model: User, Required: false, ValidateBody: false }'])
      + evWith('E', '/e', 'post', ['RequestModel: { Model: User }'])
      + evWith('F', '/f', 'post', ['RequestModel: { Required: true, ValidateBody: true }']),
    `Models: { User: ${USER} }`,
  ));
  const doc = body(plan, 'Api');
  const ref = { $ref: '#/definitions/user' };
  assert.deepEqual(doc.paths['/a'].post.parameters, [{ in: 'body', name: 'user', schema: ref, required: true }]);
  assert.equal(doc.paths['/a'].post['x-amazon-apigateway-request-validator'], 'body-and-params');
  assert.deepEqual(doc.paths['/b'].post.parameters, [{ in: 'body', name: 'user', schema: ref }]);
  assert.equal(doc.paths['/b'].post['x-amazon-apigateway-request-validator'], 'body-only');
  assert.equal(doc.paths['/c']['x-amazon-apigateway-any-method']['x-amazon-apigateway-request-validator'], 'params-only');
  assert.deepEqual(doc.paths['/d'].put.parameters, [{ in: 'body', name: 'user', schema: ref, required: false }]);
  assert.equal(doc.paths['/d'].put['x-amazon-apigateway-request-validator'], 'no-validation');
  // No ValidateBody / ValidateParameters: no validator; no Model: nothing at all.
  assert.equal(doc.paths['/e'].post['x-amazon-apigateway-request-validator'], undefined);
  assert.deepEqual(Object.keys(doc.paths['/f'].post).sort(), ['responses', 'x-amazon-apigateway-integration']);
  assert.deepEqual(doc['x-amazon-apigateway-request-validators'], {
    'body-and-params': { validateRequestBody: true, validateRequestParameters: true },
    'body-only': { validateRequestBody: true, validateRequestParameters: false },
    'params-only': { validateRequestBody: false, validateRequestParameters: true },
    'no-validation': { validateRequestBody: false, validateRequestParameters: false },
  });
  assert.deepEqual(doc.definitions, { user: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } });
});

test('Api event RequestModel that SAM refuses, with its messages', () => {
  const bad = (more: string, apiProps = `Models: { User: ${USER} }`): string => reason(FN(evWith('Create', '/users', 'post', [more]), apiProps));
  const unable = 'Resource with id [Fn] is invalid. Event with id [Create] is invalid. Unable to set RequestModel [User] on API method [post] for path [/users]';
  assert.equal(bad('RequestModel: { Model: User }', 'Description: no models'), `${unable} because the related API does not define any Models.`);
  assert.equal(bad('RequestModel: { Model: User }', 'Models: {}'), `${unable} because the related API does not define any Models.`);
  assert.equal(bad('RequestModel: { Model: Users }'), `${unable.replace('[User]', '[Users]')} because it wasn't defined in the API's Models.`);
  assert.equal(bad('RequestModel: { Model: user }'), `${unable.replace('[User]', '[user]')} because it wasn't defined in the API's Models.`);
  assert.equal(bad('RequestModel: { Model: 5 }'), `${unable.replace('[User]', '[5]')} because the related API does not contain valid Models.`);
  assert.equal(bad('RequestModel: { Model: User }', 'Models: [User]'), `${unable} because the related API Models defined is of invalid type.`);
  assert.equal(bad("RequestModel: { Model: User, ValidateBody: 'true' }"),
    'Resource with id [Fn] is invalid. Event with id [Create] is invalid. Unable to set Validator to RequestModel [User] on API method [post] for path [/users] ValidateBody and ValidateParameters must be a boolean type, strings or intrinsics are not supported.');
  // The event's own properties are typed: the logical id is the function's and the event's together.
  assert.equal(bad('RequestModel: User'), "Resource with id [FnCreate] is invalid. Property 'RequestModel' should be a map.");
});

test('RequestModel and RequestParameters are not properties of a state machine\'s Api event', () => {
  const text = `${HEAD}  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: { StartAt: P, States: { P: { Type: Pass, End: true } } }
      Events:
        Start:
          Type: Api
          Properties: { Path: /start, Method: post, RequestParameters: [method.request.header.X] }
`;
  assert.equal(reason(text), 'Resource with id [FlowStart] is invalid. property RequestParameters not defined for resource of type Api');
});

test('Api event RequestParameters: header / querystring / path parameters of type string, Required, and Caching as cacheKeyParameters', () => {
  const plan = load(FN(evWith('Get', '/items/{id}', 'get', [
    'RequestModel: { Model: User, ValidateParameters: true }',
    'RequestParameters: [method.request.header.Authorization, { method.request.querystring.q: { Required: true, Caching: true } }, { method.request.path.id: { Caching: true } }, { method.request.header.X-Tenant: {} }]',
  ]), `Models: { User: ${USER} }`));
  const op = body(plan, 'Api').paths['/items/{id}'].get;
  assert.deepEqual(op.parameters, [
    { in: 'body', name: 'user', schema: { $ref: '#/definitions/user' } },
    { in: 'header', name: 'Authorization', required: false, type: 'string' },
    { in: 'query', name: 'q', required: true, type: 'string' },
    { in: 'path', name: 'id', required: false, type: 'string' },
    { in: 'header', name: 'X-Tenant', required: false, type: 'string' },
  ]);
  assert.deepEqual(op['x-amazon-apigateway-integration'].cacheKeyParameters, ['method.request.querystring.q', 'method.request.path.id']);
});

test('Api event RequestParameters that SAM refuses, with its messages', () => {
  const bad = (list: string): string => reason(FN(evWith('Get', '/items', 'get', [`RequestParameters: ${list}`]), 'Description: d'));
  const keys = "Resource with id [Fn] is invalid. Event with id [Get] is invalid. Invalid value for 'RequestParameters' property. Keys must be in the format 'method.request.[querystring|path|header].{value}', e.g 'method.request.header.Authorization'.";
  assert.equal(bad('[header.Authorization]'), keys);
  assert.equal(bad('[method.request.body.x]'), keys);
  assert.equal(bad('[{ method.response.header.X: { Required: true } }]'), keys);
  assert.equal(bad('[{ method.request.header.X: { Required: true, Cached: true } }]'),
    "Resource with id [Fn] is invalid. Event with id [Get] is invalid. Invalid value for 'RequestParameters' property. Values must be an object, e.g { Required: true, Caching: false }");
  assert.equal(bad('[{ method.request.header.X: true }]'),
    "Resource with id [Fn] is invalid. Event with id [Get] is invalid. Invalid value for 'RequestParameters' property. Values must be an object, e.g { Required: true, Caching: false }");
  assert.equal(bad('[5]'), "Resource with id [Fn] is invalid. Event with id [Get] is invalid. Invalid value for 'RequestParameters' property. Property must be either a string or an object");
  assert.equal(bad('method.request.header.X'), "Resource with id [FnGet] is invalid. Type of property 'RequestParameters' is invalid.");
});
