// SigV4 verification of requests to AWS_IAM methods, header form (`Authorization: AWS4-HMAC-SHA256 ...`)
// and presigned query form (`X-Amz-Signature=...`), with AWS's error texts, and the IAM part of the
// authorization stage: on success `$context.identity` names the caller and the Authorization header is
// consumed (not visible to mapping templates nor forwarded, as the seed 001 answer says).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CredentialStore, LocalCredential } from './credentials.js';
import { GatewayError, type GatewayResponseType } from './errors.js';
import type { InvocationContext } from './pipeline.js';

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS accepts request dates within 5 minutes of its clock ("... (now - 5 min.)"). */
const SKEW_MS = 5 * 60_000;
/** Presigned URLs live at most a week (X-Amz-Expires ≤ 604800). */
const MAX_EXPIRES_S = 604_800;

/** A request as received: the path still percent-encoded, all headers including Host. */
export interface ReceivedRequest {
  method: string;
  path: string;
  rawQuery: string;
  headers: readonly (readonly [string, string])[];
  body: Buffer;
}

/** Why a request is refused: the gateway response type, the x-amzn-ErrorType and AWS's message. */
export interface SigV4Failure {
  responseType: Extract<GatewayResponseType, 'MISSING_AUTHENTICATION_TOKEN' | 'INVALID_SIGNATURE' | 'EXPIRED_TOKEN'>;
  errorType: string;
  message: string;
}

export type SigV4Result = { ok: true; credential: LocalCredential; via: 'header' | 'query' } | { ok: false; failure: SigV4Failure };

export interface SigV4VerifyOptions {
  /** the region the API lives in: the credential scope must name it */
  region: string;
  /** default `execute-api` */
  service?: string;
  /** epoch ms */
  now: number;
  credentials: Pick<CredentialStore, 'get'>;
}

// ------------------------------------------------------------------------------------------------ failures
// x-amzn-ErrorType values as AWS answers them; which gateway response type each maps to is not visible
// from outside AWS (unverified, docs/api-gateway.md "Security").
const missing = (): SigV4Failure => ({ responseType: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
const incomplete = (message: string): SigV4Failure => ({ responseType: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'IncompleteSignatureException', message });
const invalid = (message: string): SigV4Failure => ({ responseType: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException', message });
const unrecognized = (): SigV4Failure => ({ responseType: 'INVALID_SIGNATURE', errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
const expiredToken = (): SigV4Failure => ({ responseType: 'EXPIRED_TOKEN', errorType: 'ExpiredTokenException', message: 'The security token included in the request is expired' });

/** Newer AWS messages show the Authorization header only as base64(sha256(value)). */
const hashed = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64');

export const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

// ------------------------------------------------------------------------------------------------ parsing

interface Parsed {
  credential: string;
  signedHeaders: string;
  signature: string;
  /** the request date in ISO-8601 basic format (x-amz-date / Date / X-Amz-Date) */
  amzDate: string;
  /** presigned: seconds the signature is valid for */
  expires?: number;
  sessionToken?: string;
  via: 'header' | 'query';
}

function header(headers: ReceivedRequest['headers'], name: string): string | undefined {
  for (const [k, v] of headers) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** `YYYYMMDDTHHMMSSZ` */
export function basicDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function parseBasicDate(v: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) || basicDate(ms) !== v ? undefined : ms;
}

const badDate = (v: string): SigV4Failure => incomplete(`Date must be in ISO-8601 'basic format'. Got '${v}'. See http://en.wikipedia.org/wiki/ISO_8601`);

/** The request date from x-amz-date, else Date (RFC 1123), as AWS reads it. */
function requestDate(headers: ReceivedRequest['headers']): { amzDate: string } | SigV4Failure | undefined {
  const x = header(headers, 'x-amz-date');
  if (x !== undefined) return parseBasicDate(x.trim()) !== undefined ? { amzDate: x.trim() } : badDate(x);
  const d = header(headers, 'date');
  if (d === undefined) return undefined;
  const ms = Date.parse(d);
  return Number.isNaN(ms) ? badDate(d) : { amzDate: basicDate(ms) };
}

/**
 * The Authorization header's syntax (FACTS §5.1): `<algorithm> Key=Value, Key=Value, ...`. Returns the
 * IncompleteSignatureException AWS answers for a header that is not SigV4, else its parts. Also what
 * API Gateway answers for an Authorization header sent to a path it cannot route.
 */
export function parseAuthorizationHeader(value: string, hasDateHeader: boolean): SigV4Failure | { algorithm: string; pairs: Map<string, string> } {
  const trimmed = value.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const rest = space < 0 ? '' : trimmed.slice(space + 1);
  if (algorithm.includes('=')) {
    return incomplete(`Authorization header must begin with the algorithm name, which cannot include an equal-sign. (Hashed with SHA-256 and encoded with Base64) Authorization=${hashed(value)}`);
  }
  const pairs = new Map<string, string>();
  for (const part of rest.split(/[\s,]+/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) return incomplete(`Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashed(value)}'.`);
    pairs.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const problems: string[] = [];
  for (const key of ['Credential', 'Signature', 'SignedHeaders']) if (!pairs.has(key)) problems.push(`Authorization header requires '${key}' parameter.`);
  if (!hasDateHeader) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0) return incomplete(`${problems.join(' ')} (Hashed with SHA-256 and encoded with Base64) Authorization=${hashed(value)}`);
  if (algorithm !== ALGORITHM) return incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  return { algorithm, pairs };
}

const isFailure = (x: object): x is SigV4Failure => 'errorType' in x;

/** The query parameters in order, decoded once (a name without `=` has an empty value). */
function queryPairs(rawQuery: string): [string, string][] {
  const dec = (s: string): string => { try { return decodeURIComponent(s); } catch { return s; } };
  const out: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [dec(part), ''] : [dec(part.slice(0, eq)), dec(part.slice(eq + 1))]);
  }
  return out;
}

function parseRequest(req: ReceivedRequest): Parsed | SigV4Failure | undefined {
  const authorization = header(req.headers, 'authorization');
  if (authorization !== undefined) {
    const date = requestDate(req.headers);
    const syntax = parseAuthorizationHeader(authorization, date !== undefined);
    if (isFailure(syntax)) return syntax;
    if (date === undefined) return missing();
    if (isFailure(date)) return date;
    const token = header(req.headers, 'x-amz-security-token');
    return {
      credential: syntax.pairs.get('Credential') as string, signedHeaders: syntax.pairs.get('SignedHeaders') as string,
      signature: syntax.pairs.get('Signature') as string, amzDate: date.amzDate, via: 'header',
      ...(token !== undefined ? { sessionToken: token } : {}),
    };
  }
  const query = new Map(queryPairs(req.rawQuery));
  const algorithm = query.get('X-Amz-Algorithm');
  if (algorithm === undefined) return undefined;
  for (const name of ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
    if (!query.has(name)) return incomplete(`AWS query-string parameters must include '${name}'. Re-examine the query-string parameters.`);
  }
  if (algorithm !== ALGORITHM) return incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  const amzDate = query.get('X-Amz-Date') as string;
  if (parseBasicDate(amzDate) === undefined) return badDate(amzDate);
  let expires: number | undefined;
  const rawExpires = query.get('X-Amz-Expires');
  if (rawExpires !== undefined) {
    expires = /^\d+$/.test(rawExpires) ? Number(rawExpires) : NaN;
    if (Number.isNaN(expires)) return incomplete('X-Amz-Expires should be a number');
    if (expires > MAX_EXPIRES_S) return incomplete(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_S}`);
  }
  const token = query.get('X-Amz-Security-Token') ?? header(req.headers, 'x-amz-security-token');
  return {
    credential: query.get('X-Amz-Credential') as string, signedHeaders: query.get('X-Amz-SignedHeaders') as string,
    signature: query.get('X-Amz-Signature') as string, amzDate, via: 'query',
    ...(expires !== undefined ? { expires } : {}), ...(token !== undefined ? { sessionToken: token } : {}),
  };
}

// ------------------------------------------------------------------------------------------------ canonical request

/** RFC 3986 encoding: everything but A–Z a–z 0–9 - . _ ~ */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI of execute-api: the path as sent, with empty and dot segments removed, URI-encoded
 * once more (AWS: "each path segment must be URI-encoded twice" for services other than S3), as the AWS
 * SDKs (@smithy/signature-v4) and botocore compute it.
 */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** Names and values encoded, sorted by name then value; presigned requests leave X-Amz-Signature out. */
export function canonicalQuery(rawQuery: string, presigned: boolean): string {
  return queryPairs(rawQuery)
    .filter(([k]) => !(presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [escapeUri(k), escapeUri(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `name:value` lines of the signed headers (values trimmed, inner spaces collapsed, repeats comma-joined). */
function canonicalHeaders(headers: ReceivedRequest['headers'], names: string[]): string {
  return names.map((n) => {
    const values = headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v.trim().replace(/\s+/g, ' '));
    return `${n}:${values.join(',')}\n`;
  }).join('');
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

// ------------------------------------------------------------------------------------------------ verification

/**
 * Verifies a signed request. The checks run in this order: syntax (IncompleteSignatureException),
 * credential scope, date and clock skew (InvalidSignatureException), access key and session token
 * (UnrecognizedClientException / ExpiredTokenException), then the signature itself.
 */
export function verifySigV4(req: ReceivedRequest, options: SigV4VerifyOptions): SigV4Result {
  const service = options.service ?? 'execute-api';
  const parsed = parseRequest(req);
  if (parsed === undefined) return { ok: false, failure: missing() };
  if (isFailure(parsed)) return { ok: false, failure: parsed };
  const scope = parsed.credential.split('/');
  if (scope.length !== 5) {
    return { ok: false, failure: incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parsed.credential}'`) };
  }
  const [accessKeyId, scopeDate, region, scopeService, terminator] = scope as [string, string, string, string, string];
  const signedNames = parsed.signedHeaders.split(';').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  if (!signedNames.includes('host')) return { ok: false, failure: incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.") };
  // Several scope problems are reported together, each sentence ending in a space [rec: an Insomnia issue quoting AWS].
  let scopeProblems = '';
  if (region !== options.region) scopeProblems += `Credential should be scoped to a valid region, not '${region}'. `;
  if (scopeService !== service) scopeProblems += `Credential should be scoped to correct service: '${service}'. `;
  if (terminator !== 'aws4_request') scopeProblems += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
  if (scopeProblems !== '') return { ok: false, failure: invalid(scopeProblems) };
  const dateMs = parseBasicDate(parsed.amzDate) as number;
  if (scopeDate !== parsed.amzDate.slice(0, 8)) {
    return { ok: false, failure: invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${parsed.amzDate.slice(0, 8)}', from '${parsed.amzDate}'.`) };
  }
  const now = options.now;
  const windowMs = parsed.expires !== undefined ? Math.max(parsed.expires * 1000, SKEW_MS) : SKEW_MS;
  if (dateMs < now - windowMs) {
    const minutes = windowMs / 60_000;
    return { ok: false, failure: invalid(`Signature expired: ${parsed.amzDate} is now earlier than ${basicDate(now - windowMs)} (${basicDate(now)} - ${Number.isInteger(minutes) ? minutes : minutes.toFixed(2)} min.)`) };
  }
  if (dateMs > now + SKEW_MS) {
    return { ok: false, failure: invalid(`Signature not yet current: ${parsed.amzDate} is still later than ${basicDate(now + SKEW_MS)} (${basicDate(now)} + 5 min.)`) };
  }
  const credential = options.credentials.get(accessKeyId);
  if (!credential) return { ok: false, failure: unrecognized() };
  if (credential.sessionToken !== parsed.sessionToken) return { ok: false, failure: unrecognized() };
  if (credential.expiration !== undefined && credential.expiration <= now) return { ok: false, failure: expiredToken() };
  const sorted = [...new Set(signedNames)].sort();
  const canonical = [
    req.method.toUpperCase(), canonicalPath(req.path), canonicalQuery(req.rawQuery, parsed.via === 'query'),
    canonicalHeaders(req.headers, sorted), sorted.join(';'), sha256Hex(req.body),
  ].join('\n');
  const stringToSign = [ALGORITHM, parsed.amzDate, `${scopeDate}/${region}/${scopeService}/aws4_request`, sha256Hex(canonical)].join('\n');
  const expected = createHmac('sha256', signingKey(credential.secretAccessKey, scopeDate, region, scopeService)).update(stringToSign, 'utf8').digest('hex');
  const given = Buffer.from(parsed.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
    // API Gateway shows what it computed [rec: messages quoted in issues against execute-api].
    return { ok: false, failure: invalid(`${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`) };
  }
  return { ok: true, credential, via: parsed.via };
}

// ------------------------------------------------------------------------------------------------ pipeline parts

/** What an unroutable request is answered (FACTS §5.1): a non-SigV4 Authorization header is IncompleteSignature. */
export function unroutableError(headers: Record<string, string>): GatewayError {
  let authorization: string | undefined;
  let hasDate = false;
  for (const [k, v] of Object.entries(headers)) {
    const l = k.toLowerCase();
    if (l === 'authorization') authorization = v;
    else if (l === 'x-amz-date' || l === 'date') hasDate = true;
  }
  if (authorization !== undefined) {
    const syntax = parseAuthorizationHeader(authorization, hasDate);
    if (isFailure(syntax)) return new GatewayError(syntax.responseType, syntax.message, syntax.errorType);
  }
  return new GatewayError('MISSING_AUTHENTICATION_TOKEN');
}

export interface IamStageOptions {
  credentials: CredentialStore;
  region: string;
  /** epoch ms; tests pass a fixed clock */
  now?: () => number;
}

/** `$context.identity` of an IAM caller: GetCallerIdentity's UserId as caller and user, its ARN as userArn. */
function fillIdentity(identity: Record<string, unknown>, c: LocalCredential): void {
  identity.accountId = c.accountId;
  identity.caller = c.userId;
  identity.user = c.userId;
  identity.userArn = c.arn;
  identity.accessKey = c.accessKeyId;
}

/** The AWS_IAM part of the authorization stage (src/apigw/authorize.ts). */
export function iamStage(options: IamStageOptions): (ctx: InvocationContext) => void {
  const now = options.now ?? Date.now;
  return (ctx) => {
    const received = ctx.req.received ?? { host: ctx.req.domainName, path: `/${ctx.stage.stageName}${ctx.req.path}` };
    const result = verifySigV4({
      method: ctx.req.method, path: received.path, rawQuery: ctx.req.rawQuery, headers: [['Host', received.host], ...ctx.req.headers], body: ctx.req.body,
    }, { region: options.region, now: now(), credentials: options.credentials });
    if (!result.ok) {
      ctx.trace.add(`Authorization failed (${result.failure.errorType}): ${result.failure.message}`);
      throw new GatewayError(result.failure.responseType, result.failure.message, result.failure.errorType);
    }
    fillIdentity(ctx.context.identity as Record<string, unknown>, result.credential);
    // The SigV4 Authorization header is consumed: mapping templates, parameter mappings and proxy
    // integrations no longer see it (seed 001; FACTS §5.6 "SigV4 Authorization dropped").
    const isAuth = (k: string): boolean => k.toLowerCase() === 'authorization';
    for (const k of Object.keys(ctx.headers)) if (isAuth(k)) delete ctx.headers[k];
    for (const k of Object.keys(ctx.multiHeaders)) if (isAuth(k)) delete ctx.multiHeaders[k];
    ctx.req.headers = ctx.req.headers.filter(([k]) => !isAuth(k));
  };
}
