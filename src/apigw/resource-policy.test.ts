// The pieces of resource-policy denials AWS shows (messages quoted in issues: "User: anonymous is not
// authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:ap-northeast-1:********6200:
// hbdqg3riq2/prod/GET/pets with an explicit deny") and the policies refused before they are stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessDeniedMessage, maskAccount, methodArn, policyProblem } from './resource-policy.js';

test('method ARNs name stage, verb and the requested path; the root path ends in a slash', () => {
  assert.equal(methodArn('ap-northeast-1', '123456786200', 'hbdqg3riq2', 'prod', 'GET', '/pets'), 'arn:aws:execute-api:ap-northeast-1:123456786200:hbdqg3riq2/prod/GET/pets');
  assert.equal(methodArn('us-west-2', '123456782543', 'vd2gh6uqw3', 'api', 'GET', '/'), 'arn:aws:execute-api:us-west-2:123456782543:vd2gh6uqw3/api/GET/');
});

test('denials mask the owner account but its last four digits, and say "with an explicit deny" for a Deny', () => {
  const arn = maskAccount(methodArn('ap-northeast-1', '123456786200', 'hbdqg3riq2', 'prod', 'GET', '/pets'));
  assert.equal(accessDeniedMessage(undefined, arn, true),
    'User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:ap-northeast-1:********6200:hbdqg3riq2/prod/GET/pets with an explicit deny');
  assert.equal(accessDeniedMessage('arn:aws:sts::645143808269:assumed-role/Role/CognitoIdentityCredentials', maskAccount(methodArn('eu-central-1', '645143808269', 'gt4n9vo5yk', 'prod', 'GET', '/shop/0001/orders')), false),
    'User: arn:aws:sts::645143808269:assumed-role/Role/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-central-1:********8269:gt4n9vo5yk/prod/GET/shop/0001/orders');
});

test('policies are checked before they are stored: valid ones pass, the rest name their problem', () => {
  assert.equal(policyProblem(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] })), undefined);
  assert.match(policyProblem('{') ?? '', /not valid JSON/);
  assert.match(policyProblem(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }] })) ?? '', /Principal/);
});
