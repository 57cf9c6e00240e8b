// The credentials file formats (JSON and AWS shared-credentials INI), who each key belongs to (IAM user
// vs assumed-role session, as GetCallerIdentity reports them: UserId `AIDA…` / `AROA…:session`), and
// the files that are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, CredentialsError, EXAMPLE_ACCESS_KEY_ID } from './credentials.js';

test('the built-in keys: AWS\'s example pair (IAM user stepgate-test) and test/test, in the server\'s account', () => {
  const store = CredentialStore.defaults('123456789012');
  const example = store.get(EXAMPLE_ACCESS_KEY_ID);
  assert.equal(example?.secretAccessKey, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  assert.equal(example?.arn, 'arn:aws:iam::123456789012:user/stepgate-test');
  assert.match(example?.userId ?? '', /^AIDA[A-Z2-7]{17}$/);
  assert.equal(store.get('test')?.arn, 'arn:aws:iam::123456789012:user/test');
  assert.equal(store.first()?.accessKeyId, EXAMPLE_ACCESS_KEY_ID);
  assert.equal(store.get('nope'), undefined);
});

test('JSON: users, role sessions, explicit ARNs, session tokens and expirations', () => {
  const store = CredentialStore.parse(JSON.stringify({ credentials: [
    { accessKeyId: 'AKIA1', secretAccessKey: 's1', userName: 'alice', accountId: '111122223333' },
    { accessKeyId: 'ASIA2', secretAccessKey: 's2', sessionToken: 't2', roleName: 'Admin', sessionName: 'bob', expiration: '2030-01-01T00:00:00Z' },
    { accessKeyId: 'AKIA3', secretAccessKey: 's3', arn: 'arn:aws:iam::444455556666:user/division/carol', userId: 'AIDACUSTOMUSERID0001' },
  ] }), '000000000000');
  const alice = store.get('AKIA1');
  assert.equal(alice?.arn, 'arn:aws:iam::111122223333:user/alice');
  assert.equal(alice?.accountId, '111122223333');
  const bob = store.get('ASIA2');
  assert.equal(bob?.arn, 'arn:aws:sts::000000000000:assumed-role/Admin/bob');
  assert.match(bob?.userId ?? '', /^AROA[A-Z2-7]{17}:bob$/);
  assert.equal(bob?.sessionToken, 't2');
  assert.equal(bob?.expiration, Date.UTC(2030, 0, 1));
  const carol = store.get('AKIA3');
  assert.equal(carol?.accountId, '444455556666');
  assert.equal(carol?.userId, 'AIDACUSTOMUSERID0001');
  // The same ARN always gets the same id (ids survive restarts).
  assert.equal(CredentialStore.parse(JSON.stringify([{ accessKeyId: 'AKIA1', secretAccessKey: 'x', userName: 'alice', accountId: '111122223333' }]), '0'.repeat(12)).get('AKIA1')?.userId, alice?.userId);
});

test('INI: the AWS shared-credentials format, one IAM user per profile', () => {
  const store = CredentialStore.parse([
    '# local keys', '[default]', 'aws_access_key_id = AKIADEFAULT', 'aws_secret_access_key = secret/default', '',
    '[profile ci]', 'aws_access_key_id=ASIACI', 'aws_secret_access_key=secret-ci', 'aws_session_token=tok', 'aws_account_id = 222233334444',
    '[empty]', 'region = us-east-1',
  ].join('\n'), '000000000000');
  assert.equal(store.get('AKIADEFAULT')?.arn, 'arn:aws:iam::000000000000:user/default');
  assert.equal(store.get('AKIADEFAULT')?.secretAccessKey, 'secret/default');
  assert.equal(store.get('ASIACI')?.arn, 'arn:aws:iam::222233334444:user/ci');
  assert.equal(store.get('ASIACI')?.sessionToken, 'tok');
});

test('a file is read from disk; an unreadable one is a CredentialsError naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepgate-creds-'));
  const file = join(dir, 'creds.json');
  writeFileSync(file, JSON.stringify([{ accessKeyId: 'AKIAFILE', secretAccessKey: 'x' }]));
  assert.equal(CredentialStore.load(file, '000000000000').get('AKIAFILE')?.arn, 'arn:aws:iam::000000000000:user/AKIAFILE');
  assert.throws(() => CredentialStore.load(join(dir, 'missing.json'), '000000000000'), (e: unknown) => e instanceof CredentialsError && e.message.includes('missing.json'));
});

const refused: [string, string, RegExp][] = [
  ['invalid JSON', '{"credentials": [', /invalid JSON/],
  ['no list', '{"keys": []}', /expected \{"credentials": \[\.\.\.\]\}/],
  ['an empty list', '[]', /no credentials/],
  ['an entry that is not an object', '["AKIA"]', /credentials\[0\] must be an object/],
  ['no secret', '[{"accessKeyId": "AKIA"}]', /secretAccessKey must be a non-empty string/],
  ['a bad account id', '[{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "12"}]', /accountId must be 12 digits/],
  ['an ARN that is neither a user nor a role session', '[{"accessKeyId": "A", "secretAccessKey": "s", "arn": "arn:aws:iam::123456789012:role/R"}]', /arn must be an IAM user/],
  ['a bad expiration', '[{"accessKeyId": "A", "secretAccessKey": "s", "expiration": "soon"}]', /expiration must be/],
  ['a key listed twice', '[{"accessKeyId": "A", "secretAccessKey": "s"}, {"accessKeyId": "A", "secretAccessKey": "t"}]', /listed twice/],
  ['INI text outside a profile', 'aws_access_key_id = A', /line 1 is neither/],
  ['an INI profile without a secret', '[p]\naws_access_key_id = A', /secretAccessKey must be a non-empty string/],
];
for (const [name, text, message] of refused) {
  test(`credentials file refused: ${name}`, () => {
    assert.throws(() => CredentialStore.parse(text, '000000000000'), (e: unknown) => e instanceof CredentialsError && message.test(e.message));
  });
}
