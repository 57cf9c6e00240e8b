// A Lambda authorizer for test/apigw-authorizers.test.ts. The token (TOKEN event) or the X-User header
// (REQUEST event) says what to answer, e.g. `allow`, `deny`, `key:<api key>`; every event received is
// appended to the file $AUTHORIZER_LOG so tests can count invocations.
import { appendFileSync } from 'node:fs';

const header = (headers, name) => {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
};

const policy = (effect, resource) => ({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] });

export const handler = async (event) => {
  if (process.env.AUTHORIZER_LOG) appendFileSync(process.env.AUTHORIZER_LOG, `${JSON.stringify(event)}\n`);
  const token = event.type === 'TOKEN' ? event.authorizationToken : header(event.headers, 'x-user') ?? '';
  const [verb, arg] = token.split(':');
  // arn:aws:execute-api:{region}:{account}:{apiId}/{stage} — everything of this stage
  const stageArn = event.methodArn.split('/').slice(0, 2).join('/');
  switch (verb) {
    case 'allow':
      return {
        principalId: 'user-7', policyDocument: policy('Allow', `${stageArn}/*`),
        context: { user: 'alice', tier: 3, admin: true, tenant: event.queryStringParameters?.tenant ?? 'none' },
      };
    case 'lower':
      // element names in lower case
      return { principalId: 'user-8', policyDocument: { version: '2012-10-17', statement: { action: 'execute-api:*', effect: 'allow', resource: [`${stageArn}/GET/*`] } } };
    case 'deny': return { principalId: 'user-7', policyDocument: policy('Deny', event.methodArn) };
    case 'elsewhere': return { principalId: 'user-7', policyDocument: policy('Allow', `${stageArn}/POST/elsewhere`) };
    case 'unauthorized': throw new Error('Unauthorized');
    case 'boom': throw new Error('boom');
    case 'object-context': return { principalId: 'user-7', policyDocument: policy('Allow', `${stageArn}/*`), context: { nested: { a: 1 } } };
    case 'no-policy': return { principalId: 'user-7' };
    case 'key': return { principalId: 'user-7', policyDocument: policy('Allow', `${stageArn}/*`), usageIdentifierKey: arg };
    default: return { principalId: 'nobody', policyDocument: policy('Deny', '*') };
  }
};
