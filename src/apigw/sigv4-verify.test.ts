// SigV4 verification against independent producers: AWS's published SigV4 test-suite vectors
// (get-vanilla, get-vanilla-query-order-key-case, post-vanilla: their signatures, canonical request and
// string to sign), requests signed and presigned by @smithy/signature-v4 (what the AWS SDKs send), and
// AWS's error texts as quoted in issues against execute-api. Time is a parameter: no clock is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { CredentialStore } from './credentials.js';
import { canonicalPath, canonicalQuery, parseAuthorizationHeader, SIGNATURE_MISMATCH, verifySigV4, type ReceivedRequest, type SigV4Result } from './sigv4-verify.js';
import { NodeSha256 } from '../sfn/integrations/apigateway.js';

// ------------------------------------------------------------------------------------------------ fixtures
const SUITE_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_NOW = Date.UTC(2015, 7, 30, 12, 36, 0);
const suiteKeys = CredentialStore.parse(JSON.stringify([{ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SUITE_SECRET, userName: 'suite' }]), '123456789012');
const CRED = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=';

function suiteRequest(method: string, path: string, rawQuery: string, signature: string, extra: [string, string][] = []): ReceivedRequest {
  return {
    method, path, rawQuery, body: Buffer.alloc(0),
    headers: [['Host', 'example.amazonaws.com'], ['X-Amz-Date', '20150830T123600Z'], ['Authorization', CRED + signature], ...extra],
  };
}
const suite = (req: ReceivedRequest, now = SUITE_NOW, region = 'us-east-1'): SigV4Result => verifySigV4(req, { region, service: 'service', now, credentials: suiteKeys });

function failure(r: SigV4Result): { responseType: string; errorType: string; message: string } {
  assert.equal(r.ok, false, 'the request should be refused');
  return (r as Extract<SigV4Result, { ok: false }>).failure;
}

/** The signer's SHA-256 from node:crypto, as the apigateway:invoke task signs with it. */
const Sha256 = NodeSha256;

const NOW = Date.UTC(2026, 10, 22, 10, 0, 0);
const keys = CredentialStore.parse(JSON.stringify({ credentials: [
  { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', userName: 'stepgate-test' },
  { accessKeyId: 'ASIAEXAMPLETEMPORARY', secretAccessKey: 'temporary-secret', sessionToken: 'session-token-1', roleName: 'Admin', sessionName: 'bob' },
  { accessKeyId: 'ASIAEXAMPLEEXPIRED00', secretAccessKey: 'old-secret', sessionToken: 'old-token', expiration: '2026-11-22T09:00:00Z', roleName: 'Admin', sessionName: 'old' },
] }), '123456789012');

interface Smithy { method: string; path: string; query?: Record<string, string | string[]>; body?: string; headers?: Record<string, string> }

/** What an AWS SDK sends: the path as it goes on the wire (encoded once), signed by @smithy/signature-v4. */
async function smithySigned(r: Smithy, credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } as { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, presign = false): Promise<ReceivedRequest> {
  const signer = new SignatureV4({ service: 'execute-api', region: 'us-east-1', sha256: Sha256, credentials });
  const request = { method: r.method, protocol: 'https:', hostname: 'abc123.execute-api.us-east-1.amazonaws.com', path: r.path, query: r.query ?? {}, headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', ...(r.headers ?? {}) }, ...(r.body !== undefined ? { body: r.body } : {}) };
  const signed = presign ? await signer.presign(request, { signingDate: new Date(NOW), expiresIn: 900 }) : await signer.sign(request, { signingDate: new Date(NOW) });
  const rawQuery = Object.entries(signed.query ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`)).join('&');
  return { method: signed.method, path: signed.path, rawQuery, headers: Object.entries(signed.headers), body: Buffer.from(r.body ?? '') };
}
const local = (req: ReceivedRequest, now = NOW): SigV4Result => verifySigV4(req, { region: 'us-east-1', now, credentials: keys });

// ------------------------------------------------------------------------------------------------ AWS test suite
test('SigV4 test suite get-vanilla verifies', () => {
  assert.equal(suite(suiteRequest('GET', '/', '', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')).ok, true);
});

test('SigV4 test suite get-vanilla-query-order-key-case verifies (query sorted)', () => {
  assert.equal(suite(suiteRequest('GET', '/', 'Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500')).ok, true);
});

test('SigV4 test suite post-vanilla verifies', () => {
  assert.equal(suite(suiteRequest('POST', '/', '', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b')).ok, true);
});

test('a wrong signature is InvalidSignatureException with the canonical request and string to sign (suite values)', () => {
  const f = failure(suite(suiteRequest('GET', '/', '', '0'.repeat(64))));
  assert.equal(f.responseType, 'INVALID_SIGNATURE');
  assert.equal(f.errorType, 'InvalidSignatureException');
  assert.equal(f.message, `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n`
    + "'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n\n"
    + "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63'\n");
  assert.match(SIGNATURE_MISMATCH, /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.$/);
});

test('a changed path, query, signed header or body no longer verifies', () => {
  const sig = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
  assert.equal(failure(suite(suiteRequest('GET', '/x', '', sig))).errorType, 'InvalidSignatureException');
  assert.equal(failure(suite(suiteRequest('GET', '/', 'a=1', sig))).errorType, 'InvalidSignatureException');
  assert.equal(failure(suite({ ...suiteRequest('GET', '/', '', sig), body: Buffer.from('x') })).errorType, 'InvalidSignatureException');
  const hostChanged = suiteRequest('GET', '/', '', sig);
  assert.equal(failure(suite({ ...hostChanged, headers: hostChanged.headers.map(([k, v]) => [k, k === 'Host' ? 'example.com' : v] as [string, string]) })).errorType, 'InvalidSignatureException');
  // Headers that are not signed may change.
  assert.equal(suite(suiteRequest('GET', '/', '', sig, [['User-Agent', 'anything']])).ok, true);
});

test('the Date header stands in for X-Amz-Date (RFC 1123, shown in basic format in the string to sign)', () => {
  const req: ReceivedRequest = {
    method: 'GET', path: '/', rawQuery: '', body: Buffer.alloc(0),
    headers: [['Host', 'example.amazonaws.com'], ['Date', 'Sun, 30 Aug 2015 12:36:00 GMT'], ['Authorization', 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=date;host, Signature=00']],
  };
  const f = failure(suite(req));
  assert.match(f.message, /'GET\n\/\n\ndate:Sun, 30 Aug 2015 12:36:00 GMT\nhost:example.amazonaws.com\n\ndate;host\ne3b0c4/);
  assert.match(f.message, /'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830\/us-east-1\/service\/aws4_request\n[0-9a-f]{64}'\n$/);
});

// ------------------------------------------------------------------------------------------------ what the SDKs send
test('@smithy/signature-v4 header signatures verify: nested path, encoded characters, query, body', async () => {
  const req = await smithySigned({
    method: 'POST', path: '/prod/pets/a%20b/%C3%BC', query: { q: 'x y', list: ['b', 'a'], 'we!rd': '*' },
    body: '{"name":"Rex"}', headers: { 'content-type': 'application/json' },
  });
  const r = local(req);
  assert.equal(r.ok, true, r.ok ? '' : r.failure.message);
  assert.equal((r as Extract<SigV4Result, { ok: true }>).credential.arn, 'arn:aws:iam::123456789012:user/stepgate-test');
});

test('@smithy/signature-v4 with a session token verifies; a missing, wrong or unexpected token is UnrecognizedClientException', async () => {
  const temp = { accessKeyId: 'ASIAEXAMPLETEMPORARY', secretAccessKey: 'temporary-secret', sessionToken: 'session-token-1' };
  const ok = local(await smithySigned({ method: 'GET', path: '/prod/pets' }, temp));
  assert.equal(ok.ok, true, ok.ok ? '' : ok.failure.message);
  for (const creds of [{ ...temp, sessionToken: 'another-token' }, { accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey }]) {
    const f = failure(local(await smithySigned({ method: 'GET', path: '/prod/pets' }, creds)));
    assert.equal(f.errorType, 'UnrecognizedClientException');
    assert.equal(f.message, 'The security token included in the request is invalid.');
  }
  const unexpected = failure(local(await smithySigned({ method: 'GET', path: '/prod/pets' }, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'x' })));
  assert.equal(unexpected.errorType, 'UnrecognizedClientException');
});

test('expired temporary credentials are ExpiredTokenException', async () => {
  const f = failure(local(await smithySigned({ method: 'GET', path: '/prod/pets' }, { accessKeyId: 'ASIAEXAMPLEEXPIRED00', secretAccessKey: 'old-secret', sessionToken: 'old-token' })));
  assert.deepEqual(f, { responseType: 'EXPIRED_TOKEN', errorType: 'ExpiredTokenException', message: 'The security token included in the request is expired' });
});

test('an unknown access key is UnrecognizedClientException', async () => {
  const f = failure(local(await smithySigned({ method: 'GET', path: '/prod/pets' }, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' })));
  assert.deepEqual(f, { responseType: 'INVALID_SIGNATURE', errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
});

test('presigned URLs (@smithy/signature-v4 presign, with a session token) verify; X-Amz-Signature is left out of the canonical query', async () => {
  const temp = { accessKeyId: 'ASIAEXAMPLETEMPORARY', secretAccessKey: 'temporary-secret', sessionToken: 'session-token-1' };
  const req = await smithySigned({ method: 'GET', path: '/prod/pets', query: { limit: '2' } }, temp, true);
  assert.match(req.rawQuery, /X-Amz-Signature=/);
  const r = local(req);
  assert.equal(r.ok, true, r.ok ? '' : r.failure.message);
  assert.equal((r as Extract<SigV4Result, { ok: true }>).via, 'query');
  // 900 s later the URL still works; 20 minutes after its expiry it does not.
  assert.equal(local(req, NOW + 899_000).ok, true);
  const f = failure(local(req, NOW + 35 * 60_000));
  assert.equal(f.errorType, 'InvalidSignatureException');
  assert.equal(f.message, 'Signature expired: 20261122T100000Z is now earlier than 20261122T102000Z (20261122T103500Z - 15 min.)');
});

test('presigned URLs missing a parameter are IncompleteSignatureException', () => {
  const base = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Date=20261122T100000Z&X-Amz-SignedHeaders=host';
  const f = failure(local({ method: 'GET', path: '/prod/pets', rawQuery: base, headers: [['Host', 'h']], body: Buffer.alloc(0) }));
  assert.deepEqual(f, { responseType: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'IncompleteSignatureException', message: "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters." });
  const bad = failure(local({ method: 'GET', path: '/prod/pets', rawQuery: `${base}&X-Amz-Signature=00&X-Amz-Expires=soon`, headers: [['Host', 'h']], body: Buffer.alloc(0) }));
  assert.equal(bad.errorType, 'IncompleteSignatureException');
});

// ------------------------------------------------------------------------------------------------ rejections
test('no Authorization header and no X-Amz-Algorithm: Missing Authentication Token', () => {
  const f = failure(local({ method: 'GET', path: '/prod/pets', rawQuery: '', headers: [['Host', 'h']], body: Buffer.alloc(0) }));
  assert.deepEqual(f, { responseType: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
});

test('clock skew beyond 5 minutes: Signature expired / Signature not yet current (AWS texts)', () => {
  const sig = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
  assert.equal(suite(suiteRequest('GET', '/', '', sig), SUITE_NOW + 4 * 60_000).ok, true);
  const old = failure(suite(suiteRequest('GET', '/', '', sig), SUITE_NOW + 20 * 60_000));
  assert.deepEqual(old, { responseType: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException', message: 'Signature expired: 20150830T123600Z is now earlier than 20150830T125100Z (20150830T125600Z - 5 min.)' });
  const future = failure(suite(suiteRequest('GET', '/', '', sig), SUITE_NOW - 20 * 60_000));
  assert.equal(future.message, 'Signature not yet current: 20150830T123600Z is still later than 20150830T122100Z (20150830T121600Z + 5 min.)');
});

test('credential scope: region and service problems are reported together (AWS text, trailing space)', () => {
  const sig = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
  const region = failure(suite(suiteRequest('GET', '/', '', sig), SUITE_NOW, 'eu-west-1'));
  assert.deepEqual(region, { responseType: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException', message: "Credential should be scoped to a valid region, not 'us-east-1'. " });
  const both = failure(verifySigV4(suiteRequest('GET', '/', '', sig), { region: 'eu-west-1', now: SUITE_NOW, credentials: suiteKeys }));
  assert.equal(both.message, "Credential should be scoped to a valid region, not 'us-east-1'. Credential should be scoped to correct service: 'execute-api'. ");
  const service = failure(verifySigV4(suiteRequest('GET', '/', '', sig), { region: 'us-east-1', now: SUITE_NOW, credentials: suiteKeys }));
  assert.equal(service.message, "Credential should be scoped to correct service: 'execute-api'. ");
});

function withAuthorization(value: string, extra: [string, string][] = [['X-Amz-Date', '20150830T123600Z']]): ReceivedRequest {
  return { method: 'GET', path: '/', rawQuery: '', body: Buffer.alloc(0), headers: [['Host', 'example.amazonaws.com'], ...extra, ['Authorization', value]] };
}

test('malformed Credential, unsigned Host, scope date and x-amz-date problems', () => {
  const four = failure(suite(withAuthorization('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, SignedHeaders=host;x-amz-date, Signature=00')));
  assert.deepEqual(four, { responseType: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'IncompleteSignatureException', message: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/service'" });
  const host = failure(suite(withAuthorization(`${CRED.replace('host;x-amz-date', 'x-amz-date')}00`)));
  assert.equal(host.message, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const day = failure(suite(withAuthorization(`${CRED.replace('/20150830/', '/20150831/')}00`)));
  assert.equal(day.message, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'.");
  const date = failure(suite(withAuthorization(`${CRED}00`, [['X-Amz-Date', '2015-08-30T12:36:00Z']])));
  assert.deepEqual(date, { responseType: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'IncompleteSignatureException', message: "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601" });
});

const hash = (s: string): string => createHash('sha256').update(s).digest('base64');

test('non-SigV4 Authorization headers: IncompleteSignatureException with the header hashed (FACTS §5.1)', () => {
  const rows: [string, boolean, string][] = [
    ['Bearer abc.def', true, `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hash('Bearer abc.def')}'.`],
    // The seed 001 comment: "Signature=hex encoded signature" splits into pairs at spaces.
    ['AWS4-HMAC-SHA256 Credential=AKID/20201105/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex encoded signature', true,
      `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hash('AWS4-HMAC-SHA256 Credential=AKID/20201105/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex encoded signature')}'.`],
    ['eyJhbGciOiJIUzI1NiJ9.e30.sig', false, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. (Hashed with SHA-256 and encoded with Base64) Authorization=" + hash('eyJhbGciOiJIUzI1NiJ9.e30.sig')],
    ['x-api-key abcd=', true, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. (Hashed with SHA-256 and encoded with Base64) Authorization=" + hash('x-api-key abcd=')],
    ['x-api-key=abcd', true, `Authorization header must begin with the algorithm name, which cannot include an equal-sign. (Hashed with SHA-256 and encoded with Base64) Authorization=${hash('x-api-key=abcd')}`],
    ['AWS4-ECDSA-P256-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00', true, "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'."],
  ];
  for (const [value, hasDate, message] of rows) {
    const parsed = parseAuthorizationHeader(value, hasDate);
    assert.ok('errorType' in parsed, value);
    assert.deepEqual(parsed, { responseType: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'IncompleteSignatureException', message }, value);
  }
  const ok = parseAuthorizationHeader('AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=host,Signature=00', true);
  assert.ok('pairs' in ok);
  assert.equal(ok.pairs.get('SignedHeaders'), 'host');
});

// ------------------------------------------------------------------------------------------------ canonical forms
test('canonical URI: the wire path encoded once more, empty and dot segments removed', () => {
  const rows: [string, string][] = [
    ['/', '/'],
    ['', ''],
    ['/prod/pets', '/prod/pets'],
    ['/prod/a%20b', '/prod/a%2520b'],
    ['/prod/%C3%BC', '/prod/%25C3%25BC'],
    ['/prod/a:b@c', '/prod/a%3Ab%40c'],
    ['/prod//x/./y/../z/', '/prod/x/z/'],
    ['/restapis/abc/prod/_user_request_/pets', '/restapis/abc/prod/_user_request_/pets'],
  ];
  for (const [path, expected] of rows) assert.equal(canonicalPath(path), expected, path);
});

test('canonical query: encoded, sorted by name then value, valueless names get =, X-Amz-Signature dropped when presigned', () => {
  const rows: [string, boolean, string][] = [
    ['b=2&a=1&A=0', false, 'A=0&a=1&b=2'],
    ['a=z&a=b', false, 'a=b&a=z'],
    ['flag', false, 'flag='],
    ['k=a+b', false, 'k=a%2Bb'],
    ['k=a%20b&e=%2A', false, 'e=%2A&k=a%20b'],
    ['x=1&X-Amz-Signature=ff', true, 'x=1'],
    ['x=1&X-Amz-Signature=ff', false, 'X-Amz-Signature=ff&x=1'],
    ['', false, ''],
  ];
  for (const [raw, presigned, expected] of rows) assert.equal(canonicalQuery(raw, presigned), expected, raw);
});
