// What bench/gateway measures: a 5-state Express machine behind POST /orders, with a request template
// that wraps the body into StartSyncExecution's input and a response template that parses the result.
export const MACHINE_NAME = 'bench-orders';
export const MACHINE_ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${MACHINE_NAME}`;

export const MACHINE = {
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Pass', Next: 'Price' },
    Price: { Type: 'Pass', Parameters: { 'orderId.$': '$.data.orderId', 'total.$': 'States.MathAdd($.data.qty, 41)' }, Next: 'Check' },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.total', NumericGreaterThan: 1000, Next: 'Reject' }], Default: 'Accept' },
    Accept: { Type: 'Pass', Parameters: { 'reference.$': "States.Format('REF-{}', $.orderId)", 'total.$': '$.total' }, End: true },
    Reject: { Type: 'Fail', Error: 'TooBig', Cause: 'total over 1000' },
  },
};

export const OPENAPI = {
  openapi: '3.0.1', info: { title: 'bench', version: '1' },
  paths: {
    '/orders': {
      post: {
        'x-amazon-apigateway-integration': {
          type: 'aws', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:states:action/StartSyncExecution',
          requestTemplates: { 'application/json': `#set($body = $input.json('$'))\n{"input": "{\\"data\\": $util.escapeJavaScript($body)}", "stateMachineArn": "${MACHINE_ARN}"}` },
          responses: {
            default: {
              statusCode: '200',
              responseTemplates: { 'application/json': '#set($r = $util.parseJson($input.body))\n#if($r.status == "SUCCEEDED")$r.output#else#set($context.responseOverride.status = 500){"error": "$r.error"}#end' },
            },
          },
        },
      },
    },
  },
};

/** the request body (90 bytes) and the answer it must get */
export const BODY = JSON.stringify({ orderId: 'A-1', qty: 1, customer: { name: 'Ada', tags: ['x', 'y'] } });
export const EXPECTED = '{"reference":"REF-A-1","total":42}';
