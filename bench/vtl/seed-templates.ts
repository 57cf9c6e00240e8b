// The mapping templates of the five seed questions (/work/shared/seeds), with the lines the questions
// lost (braces, #end) restored, each with the request it is meant for.
import type { MappingRequest } from '../../src/vtl/index.js';

export interface BenchTemplate {
  readonly id: string;
  readonly template: string;
  readonly request: MappingRequest;
}

const json = { 'Content-Type': 'application/json', Accept: '*/*', 'User-Agent': 'curl/8.5.0' };
const post = (body: string, headers: Record<string, string> = json): MappingRequest => ({
  method: 'POST', path: '/start', resourcePath: '/start', pathParameters: {}, query: { startDate: '20151201' }, headers, body,
  context: {
    httpMethod: 'POST', resourcePath: '/start', requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', stage: 'prod',
    identity: { accountId: null, apiKey: 'key-123', caller: null, sourceIp: '203.0.113.10', user: null, userArn: null, userAgent: 'curl/8.5.0' },
  },
});

export const SEED_TEMPLATES: readonly BenchTemplate[] = [
  {
    id: 'seed-000 headers into StartExecution',
    template: [
      "#set($inputbody = $input.json('$'))",
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
    ].join('\n'),
    request: post('{"surname":"TESTSURNAME"}', { ...json, HeaderA: 'ValueA', HeaderB: 'ValueB' }),
  },
  {
    id: 'seed-001 identity, params and query',
    template: [
      '#set($path = $input.params().path)',
      '#set($qs = $input.params().querystring)',
      '{',
      '    "resource-path": "$context.resourcePath",',
      '    "http-method": "$context.httpMethod",',
      '    "identity": {',
      '        #foreach($key in $context.identity.keySet())',
      '            "$key": "$context.identity.get($key)"',
      '        #if($foreach.hasNext), #end',
      '        #end',
      '    },',
      '    "params": {',
      '        #foreach($key in $path.keySet())',
      '            "$key": "$path.get($key)"',
      '        #if($foreach.hasNext), #end',
      '        #end',
      '    },',
      '    "query": {',
      '        #foreach($key in $qs.keySet())',
      '            "$key": "$qs.get($key)"',
      '        #if($foreach.hasNext), #end',
      '        #end',
      '    },',
      "    \"body\": $input.json('$')",
      '}',
    ].join('\n'),
    request: post('{"a": 1, "b": [true, null]}'),
  },
  {
    id: 'seed-001 Authorization header',
    template: [
      '{',
      '      "AccountID": "$context.identity.accountId",',
      '      "Caller": "$context.identity.caller",',
      '      "User": "$context.identity.user",',
      "      \"Authorization\": \"$input.params().header.get('Authorization')\",",
      '      "UserARN": "$context.identity.userArn"',
      '}',
    ].join('\n'),
    request: post('{}', { ...json, Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20151201/us-east-1/execute-api/aws4_request' }),
  },
  {
    id: 'seed-002 escaped input',
    template: "#set($data = $util.escapeJavaScript($input.json('$')))\n{\n\"input\": \"$data\",\n\"name\": \"$context.requestId\",\n\"stateMachineArn\": \"arn:aws:states:us-east-1:123456789012:stateMachine:Workflow\"\n}",
    request: post('{"order": {"id": 42, "items": ["a", "b"], "note": "it\'s \\"quoted\\""}}'),
  },
  {
    id: 'seed-004 input with apiInfo',
    template: [
      "#set($body= $input.json('$'))",
      '#set($inputRoot=\'{ "data" :\'+$body+\',"apiInfo":{"httpMethod" :"\'+ $context.httpMethod+\'", "apiKey":"\'+ $context.identity.apiKey+\'"}}\')',
      '#set($apiData=$util.escapeJavaScript($inputRoot))',
      '{',
      '  "input" :"$apiData",',
      '  "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Express"',
      '}',
    ].join('\n'),
    request: post('{"customer": "c-1", "amount": 12.5}'),
  },
  {
    id: 'seed-004 StartSyncExecution response',
    template: [
      '#set ($bodyObj = $util.parseJson($input.body))',
      '#if ($bodyObj.status == "SUCCEEDED")',
      '    $bodyObj.output',
      '#elseif ($bodyObj.status == "FAILED")',
      '    #set($context.responseOverride.status = 500)',
      '    {',
      '        "cause": "$bodyObj.cause",',
      '        "error": "$bodyObj.error"',
      '    }',
      '#else',
      '    #set($context.responseOverride.status = 500)',
      '    $input.body',
      '#end',
    ].join('\n'),
    request: post('{"executionArn": "arn:aws:states:us-east-1:123456789012:express:Express:1:2", "status": "FAILED", "cause": "boom", "error": "States.TaskFailed"}'),
  },
];
