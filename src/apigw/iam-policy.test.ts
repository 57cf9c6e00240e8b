// IAM policy evaluation, table-driven: each row is a policy statement list, a request and the decision
// IAM's documented rules give (explicit Deny wins, then Allow, else implicit deny; condition operators
// per the IAM "Condition operators" reference), plus the documents a policy parser must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, Decision, evaluatePolicy, PolicyDocumentError, type PolicyRequest } from './iam-policy.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/7';
const ALICE = { arn: 'arn:aws:iam::123456789012:user/alice', account: '123456789012' };
const SESSION = { arn: 'arn:aws:sts::123456789012:assumed-role/Admin/bob', account: '123456789012' };
const OTHER = { arn: 'arn:aws:iam::999988887777:user/eve', account: '999988887777' };

const allow = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: ARN, ...extra });
const deny = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...allow(extra), Effect: 'Deny', ...extra });
const req = (extra: Partial<PolicyRequest> = {}): PolicyRequest => ({ action: 'execute-api:Invoke', resource: ARN, ...extra });
const ip = (sourceIp: string): Partial<PolicyRequest> => ({ keys: { 'aws:SourceIp': sourceIp } });

const { ALLOW, EXPLICIT_DENY: DENY, IMPLICIT_DENY: NONE } = Decision;

const rows: [string, Record<string, unknown>[], PolicyRequest, Decision][] = [
  // Effects
  ['a matching Allow allows', [allow()], req(), ALLOW],
  ['nothing matching is an implicit deny', [allow({ Resource: 'arn:aws:execute-api:us-east-1:123456789012:other/*' })], req(), NONE],
  ['an explicit Deny wins over an Allow', [allow(), deny()], req(), DENY],
  ['the order of statements does not matter', [deny(), allow()], req(), DENY],
  ['Statement may be a single object', [allow()], req(), ALLOW],
  // Action
  ['execute-api:* matches Invoke', [allow({ Action: 'execute-api:*' })], req(), ALLOW],
  ['actions are matched without regard to case', [allow({ Action: 'EXECUTE-API:invoke' })], req(), ALLOW],
  ['? matches one character', [allow({ Action: 'execute-api:Invok?' })], req(), ALLOW],
  ['another action does not match', [allow({ Action: 'execute-api:ManageConnections' })], req(), NONE],
  ['a list of actions matches any of them', [allow({ Action: ['s3:GetObject', 'execute-api:Invoke'] })], req(), ALLOW],
  ['"*" is every action', [allow({ Action: '*' })], req(), ALLOW],
  ['NotAction applies to the other actions', [{ ...allow(), Action: undefined, NotAction: 'execute-api:ManageConnections' }], req(), ALLOW],
  ['NotAction naming the action does not apply', [{ ...allow(), Action: undefined, NotAction: 'execute-api:Invoke' }], req(), NONE],
  // Resource
  ['"*" is every resource', [allow({ Resource: '*' })], req(), ALLOW],
  ['a trailing * spans slashes', [allow({ Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/*' })], req(), ALLOW],
  ['stage / verb / path wildcards', [allow({ Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/pets/*' })], req(), ALLOW],
  ['another verb does not match', [allow({ Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/*' })], req(), NONE],
  ['region and account wildcards', [allow({ Resource: 'arn:aws:execute-api:*:*:abc123/prod/*' })], req(), ALLOW],
  ['? is one character of the path', [allow({ Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/?' })], req(), ALLOW],
  ['? does not match two characters', [allow({ Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pet?' })], req(), NONE],
  ['a wildcard does not span ARN segments', [allow({ Resource: 'arn:aws:execute-api:us-east-1*:abc123/*' })], req(), NONE],
  ['resources are case-sensitive', [allow({ Resource: 'arn:aws:execute-api:us-east-1:123456789012:ABC123/*' })], req(), NONE],
  ['NotResource excludes what it names', [{ ...allow(), Resource: undefined, NotResource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/*' }], req(), ALLOW],
  ['a Deny with NotResource leaves the named resources alone', [allow(), { ...deny(), Resource: undefined, NotResource: 'arn:aws:execute-api:*:*:abc123/prod/GET/*' }], req(), ALLOW],
  // Principal
  ['"*" includes anonymous callers', [allow({ Principal: '*' })], req(), ALLOW],
  ['{"AWS": "*"} includes anonymous callers', [allow({ Principal: { AWS: '*' } })], req(), ALLOW],
  ['an account id excludes anonymous callers', [allow({ Principal: { AWS: '123456789012' } })], req(), NONE],
  ['an account id includes its users', [allow({ Principal: { AWS: '123456789012' } })], req({ principal: ALICE }), ALLOW],
  ['the account root ARN includes its role sessions', [allow({ Principal: { AWS: 'arn:aws:iam::123456789012:root' } })], req({ principal: SESSION }), ALLOW],
  ['another account is not included', [allow({ Principal: { AWS: ['arn:aws:iam::123456789012:root'] } })], req({ principal: OTHER }), NONE],
  ['a user ARN is that user', [allow({ Principal: { AWS: 'arn:aws:iam::123456789012:user/alice' } })], req({ principal: ALICE }), ALLOW],
  ['a user ARN is not another user', [allow({ Principal: { AWS: 'arn:aws:iam::123456789012:user/mallory' } })], req({ principal: ALICE }), NONE],
  ['a role ARN is every session of the role', [allow({ Principal: { AWS: 'arn:aws:iam::123456789012:role/Admin' } })], req({ principal: SESSION }), ALLOW],
  ['a role ARN with a path', [allow({ Principal: { AWS: 'arn:aws:iam::123456789012:role/team/Admin' } })], req({ principal: SESSION }), ALLOW],
  ['a session ARN is that session', [allow({ Principal: { AWS: 'arn:aws:sts::123456789012:assumed-role/Admin/bob' } })], req({ principal: SESSION }), ALLOW],
  ['a service principal is never a caller', [allow({ Principal: { Service: 'lambda.amazonaws.com' } })], req({ principal: ALICE }), NONE],
  ['NotPrincipal denies everyone else', [allow(), { ...deny(), Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::123456789012:user/alice' } }], req({ principal: OTHER }), DENY],
  ['NotPrincipal spares the named caller', [allow(), { ...deny(), Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::123456789012:user/alice' } }], req({ principal: ALICE }), ALLOW],
  ['NotPrincipal applies to anonymous callers', [allow(), { ...deny(), Principal: undefined, NotPrincipal: { AWS: '123456789012' } }], req(), DENY],
  ['a Deny for a named principal does not touch anonymous callers', [allow(), deny({ Principal: { AWS: '999988887777' } })], req(), ALLOW],
  // IpAddress / NotIpAddress (aws:SourceIp)
  ['IpAddress inside the CIDR', [allow({ Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } })], req(ip('127.0.0.1')), ALLOW],
  ['IpAddress outside the CIDR', [allow({ Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } })], req(ip('127.0.0.1')), NONE],
  ['IpAddress: any of a list', [allow({ Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '127.0.0.1'] } } })], req(ip('127.0.0.1')), ALLOW],
  ['IpAddress: a bare address is /32', [allow({ Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.2' } } })], req(ip('127.0.0.1')), NONE],
  ['IpAddress: IPv6 CIDR', [allow({ Condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } } })], req(ip('2001:db8::1')), ALLOW],
  ['IpAddress: an IPv4 caller never matches an IPv6 block', [allow({ Condition: { IpAddress: { 'aws:SourceIp': '::/0' } } })], req(ip('127.0.0.1')), NONE],
  ['NotIpAddress outside the CIDR applies', [allow(), deny({ Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } })], req(ip('127.0.0.1')), DENY],
  ['NotIpAddress inside the CIDR does not apply', [allow(), deny({ Condition: { NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } })], req(ip('127.0.0.1')), ALLOW],
  // Strings and absent keys
  ['StringEquals on an absent key is false', [allow({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })], req(), NONE],
  ['StringNotEquals on an absent key is true', [allow(), deny({ Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } })], req(), DENY],
  ['StringEqualsIfExists on an absent key is true', [allow({ Condition: { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } } })], req(), ALLOW],
  ['StringEqualsIfExists on a present key compares', [allow({ Condition: { StringEqualsIfExists: { 'aws:UserAgent': 'curl' } } })], req({ keys: { 'aws:UserAgent': 'wget' } }), NONE],
  ['StringEquals is case-sensitive', [allow({ Condition: { StringEquals: { 'aws:UserAgent': 'Curl' } } })], req({ keys: { 'aws:UserAgent': 'curl' } }), NONE],
  ['condition key names are not case-sensitive', [allow({ Condition: { StringEquals: { 'AWS:useragent': 'curl' } } })], req({ keys: { 'aws:UserAgent': 'curl' } }), ALLOW],
  ['StringEqualsIgnoreCase', [allow({ Condition: { StringEqualsIgnoreCase: { 'aws:UserAgent': 'CURL' } } })], req({ keys: { 'aws:UserAgent': 'curl' } }), ALLOW],
  ['StringLike with *', [allow({ Condition: { StringLike: { 'aws:UserAgent': 'aws-sdk-js/*' } } })], req({ keys: { 'aws:UserAgent': 'aws-sdk-js/3.1 os/linux' } }), ALLOW],
  ['StringNotLike excludes matches', [allow({ Condition: { StringNotLike: { 'aws:UserAgent': 'curl*' } } })], req({ keys: { 'aws:UserAgent': 'curl/8' } }), NONE],
  ['Null true: the key is absent', [allow({ Condition: { Null: { 'aws:SourceVpc': 'true' } } })], req(), ALLOW],
  ['Null false: the key is present', [allow({ Condition: { Null: { 'aws:SourceIp': 'false' } } })], req(ip('127.0.0.1')), ALLOW],
  ['keys of one operator are ANDed', [allow({ Condition: { StringEquals: { 'aws:UserAgent': 'curl', 'aws:Referer': 'x' } } })], req({ keys: { 'aws:UserAgent': 'curl' } }), NONE],
  ['operators are ANDed', [allow({ Condition: { StringEquals: { 'aws:UserAgent': 'curl' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })], req({ keys: { 'aws:UserAgent': 'curl', 'aws:SourceIp': '127.0.0.1' } }), NONE],
  // Arn, Bool, Numeric, Date, sets
  ['ArnLike with wildcards', [allow({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/*' } } })], req({ keys: { 'aws:PrincipalArn': ALICE.arn } }), ALLOW],
  ['ArnEquals takes wildcards too', [allow({ Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/alice' } } })], req({ keys: { 'aws:PrincipalArn': ALICE.arn } }), ALLOW],
  ['ArnNotLike', [allow({ Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/*' } } })], req({ keys: { 'aws:PrincipalArn': ALICE.arn } }), ALLOW],
  ['Bool compares true / false', [allow(), deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })], req({ keys: { 'aws:SecureTransport': 'true' } }), ALLOW],
  ['Bool accepts JSON booleans', [allow({ Condition: { Bool: { 'aws:SecureTransport': true } } })], req({ keys: { 'aws:SecureTransport': 'true' } }), ALLOW],
  ['NumericLessThan', [allow({ Condition: { NumericLessThan: { 'aws:EpochTime': 2000000000 } } })], req({ keys: { 'aws:EpochTime': '1700000000' } }), ALLOW],
  ['DateGreaterThan', [allow({ Condition: { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } })], req({ keys: { 'aws:CurrentTime': '2026-11-22T10:00:00Z' } }), NONE],
  ['ForAnyValue: one value is enough', [allow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } })], req({ keys: { 'aws:TagKeys': ['b', 'c'] } }), ALLOW],
  ['ForAllValues: every value must match', [allow({ Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } })], req({ keys: { 'aws:TagKeys': ['b', 'c'] } }), NONE],
  ['ForAllValues on an absent key is true', [allow({ Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } } })], req(), ALLOW],
  ['ForAnyValue on an absent key is false', [allow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } } })], req(), NONE],
];

for (const [name, statements, request, expected] of rows) {
  test(`policy: ${name}`, () => {
    const doc = { Version: '2012-10-17', Statement: statements.length === 1 && name.includes('single object') ? statements[0] : statements.map((s) => JSON.parse(JSON.stringify(s)) as unknown) };
    assert.equal(evaluatePolicy(compilePolicy(JSON.stringify(doc)), request), expected);
  });
}

test('policy: identity-based statements (no Principal) apply to every caller, as in Lambda authorizer policies', () => {
  const policy = compilePolicy({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/*' }] });
  assert.equal(evaluatePolicy(policy, req()), ALLOW);
  assert.equal(evaluatePolicy(policy, req({ resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/pets' })), NONE);
});

test('policy: element names are matched without regard to case', () => {
  const policy = compilePolicy({ version: '2012-10-17', statement: [{ effect: 'Allow', principal: '*', action: 'execute-api:Invoke', resource: '*' }] });
  assert.equal(evaluatePolicy(policy, req()), ALLOW);
});

test('policy: expandResource rewrites resource patterns before matching (API Gateway execute-api:/ shorthand)', () => {
  const policy = compilePolicy({ Statement: [allow({ Resource: 'execute-api:/prod/GET/*' })] }, {
    expandResource: (p) => p.replace('execute-api:/', 'arn:aws:execute-api:us-east-1:123456789012:abc123/'),
  });
  assert.equal(evaluatePolicy(policy, req()), ALLOW);
});

const malformed: [string, unknown, boolean][] = [
  ['not JSON', '{"Statement": [', false],
  ['not an object', '[1, 2]', false],
  ['no Statement', { Version: '2012-10-17' }, false],
  ['an empty Statement list', { Statement: [] }, false],
  ['an unknown Version', { Version: '2020-01-01', Statement: [allow()] }, false],
  ['a statement that is not an object', { Statement: ['Allow'] }, false],
  ['Effect other than Allow / Deny', { Statement: [allow({ Effect: 'Maybe' })] }, false],
  ['no Action', { Statement: [{ Effect: 'Allow', Principal: '*', Resource: '*' }] }, false],
  ['both Action and NotAction', { Statement: [allow({ NotAction: 's3:*' })] }, false],
  ['no Resource', { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*' }] }, false],
  ['an Action that is not service:action', { Statement: [allow({ Action: 'Invoke' })] }, false],
  ['an Action that is a number', { Statement: [allow({ Action: 7 })] }, false],
  ['an empty Action list', { Statement: [allow({ Action: [] })] }, false],
  ['no Principal in a resource policy', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, true],
  ['a Principal that is neither "*" nor an object', { Statement: [allow({ Principal: 'alice' })] }, true],
  ['an unknown principal type', { Statement: [allow({ Principal: { Robot: 'r2d2' } })] }, true],
  ['an AWS principal that is not an account or ARN', { Statement: [allow({ Principal: { AWS: 'alice' } })] }, true],
  ['Condition that is not an object', { Statement: [allow({ Condition: 'yes' })] }, false],
  ['an unknown condition operator', { Statement: [allow({ Condition: { StringSortOf: { 'aws:UserAgent': 'x' } } })] }, false],
  ['a condition block that is not an object', { Statement: [allow({ Condition: { StringEquals: 'x' } })] }, false],
  ['an object as a condition value', { Statement: [allow({ Condition: { StringEquals: { 'aws:UserAgent': { a: 1 } } } })] }, false],
  ['an invalid CIDR', { Statement: [allow({ Condition: { IpAddress: { 'aws:SourceIp': '300.1.1.1/8' } } })] }, false],
  ['a CIDR prefix out of range', { Statement: [allow({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } })] }, false],
  ['Null with IfExists', { Statement: [allow({ Condition: { NullIfExists: { 'aws:SourceVpc': 'true' } } })] }, false],
];

for (const [name, doc, requirePrincipal] of malformed) {
  test(`policy is refused: ${name}`, () => {
    assert.throws(() => compilePolicy(doc, { requirePrincipal }), PolicyDocumentError);
  });
}
