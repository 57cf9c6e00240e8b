// Lambda proxy integration (AWS_PROXY) of REST APIs: the event in payload format 1.0 and the
// validation of the function's answer (anything else than AWS's response shape → 502).
import { randomBase64, randomHex } from './random-ids.js';

export interface ProxyEventInput {
  resourcePath: string;
  path: string;
  method: string;
  headers: [string, string][];
  mappedHeaders: [string, string][];
  query: Record<string, string[]>;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  body: Buffer;
  isBinary: boolean;
  context: Record<string, unknown>;
  traceId: string;
  domainName: string;
  accountId: string;
  stage: string;
  apiId: string;
  resourceId: string;
  requestId: string;
  edge?: boolean;
  /** what an authorizer produced: `{principalId, ...context, integrationLatency}` or `{claims}` (requestContext.authorizer) */
  authorizer?: Record<string, unknown>;
}

/** Headers API Gateway does not hand to the function (hop-by-hop, FACTS §5.6). */
/** Well-known header names AWS hands over in their canonical case (recorded: `aUThorization` → `Authorization`). */
const CANONICAL = new Map(['Accept', 'Accept-Encoding', 'Accept-Language', 'Authorization', 'Content-Type', 'Cookie', 'Host', 'User-Agent', 'Origin', 'Referer']
  .map((h) => [h.toLowerCase(), h]));

const DROPPED = new Set(['connection', 'content-length', 'content-md5', 'expect', 'max-forwards', 'proxy-authenticate', 'server', 'te', 'transfer-encoding', 'trailer', 'upgrade', 'www-authenticate', 'x-amzn-trace-id']);

export function buildProxyEvent(i: ProxyEventInput): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const add = (k: string, v: string): void => {
    const existing = Object.keys(multi).find((x) => x.toLowerCase() === k.toLowerCase()) ?? k;
    headers[existing] = v;
    (multi[existing] ??= []).push(v);
  };
  for (const [k, v] of i.headers) if (!DROPPED.has(k.toLowerCase())) add(CANONICAL.get(k.toLowerCase()) ?? k, v);
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) add('Host', i.domainName);
  if (i.edge) {
    // Edge-optimised endpoints are fronted by CloudFront, which adds its viewer headers (recorded).
    for (const [k, v] of [['CloudFront-Forwarded-Proto', 'https'], ['CloudFront-Is-Desktop-Viewer', 'true'], ['CloudFront-Is-Mobile-Viewer', 'false'],
      ['CloudFront-Is-SmartTV-Viewer', 'false'], ['CloudFront-Is-Tablet-Viewer', 'false'], ['CloudFront-Viewer-ASN', '16509'], ['CloudFront-Viewer-Country', 'US'],
      ['Via', `2.0 ${randomHex(32)}.cloudfront.net (CloudFront)`], ['X-Amz-Cf-Id', randomBase64(28, 'base64url')]] as const) {
      if (!(k in headers)) add(k, v);
    }
  }
  add('X-Amzn-Trace-Id', i.traceId);
  const identity = i.context.identity as Record<string, unknown>;
  const sourceIp = String(identity.sourceIp ?? '127.0.0.1');
  if (!('X-Forwarded-For' in headers)) add('X-Forwarded-For', sourceIp);
  if (!('X-Forwarded-Port' in headers)) add('X-Forwarded-Port', '443');
  if (!('X-Forwarded-Proto' in headers)) add('X-Forwarded-Proto', 'https');
  const q: Record<string, string> = {};
  for (const [k, vs] of Object.entries(i.query)) q[k] = vs[vs.length - 1] ?? '';
  const hasQ = Object.keys(q).length > 0;
  const body = i.body.length === 0 ? null : i.isBinary ? i.body.toString('base64') : i.body.toString('utf8');
  const nullable = (v: unknown): unknown => (v === '' || v === undefined ? null : v);
  return {
    resource: i.resourcePath,
    path: i.path,
    httpMethod: i.method,
    headers: Object.keys(headers).length > 0 ? headers : null,
    multiValueHeaders: Object.keys(multi).length > 0 ? multi : null,
    queryStringParameters: hasQ ? q : null,
    multiValueQueryStringParameters: hasQ ? i.query : null,
    pathParameters: Object.keys(i.pathParameters).length > 0 ? i.pathParameters : null,
    stageVariables: Object.keys(i.stageVariables).length > 0 ? i.stageVariables : null,
    requestContext: {
      resourceId: i.resourceId,
      ...(i.authorizer ? { authorizer: i.authorizer } : {}),
      resourcePath: i.resourcePath,
      httpMethod: i.method,
      extendedRequestId: i.context.extendedRequestId,
      requestTime: i.context.requestTime,
      path: i.context.path,
      accountId: i.accountId,
      protocol: 'HTTP/1.1',
      stage: i.stage,
      domainPrefix: i.context.domainPrefix,
      requestTimeEpoch: i.context.requestTimeEpoch,
      requestId: i.requestId,
      identity: {
        // accountId / caller / accessKey / userArn / user name an AWS_IAM caller (src/apigw/sigv4-verify.ts), else null.
        cognitoIdentityPoolId: null, accountId: nullable(identity.accountId), cognitoIdentityId: null, caller: nullable(identity.caller), sourceIp, principalOrgId: null,
        accessKey: nullable(identity.accessKey), cognitoAuthenticationType: null, cognitoAuthenticationProvider: null, userArn: nullable(identity.userArn),
        userAgent: nullable(identity.userAgent), user: nullable(identity.user),
        ...(identity.apiKey ? { apiKey: identity.apiKey, apiKeyId: identity.apiKeyId } : {}),
      },
      domainName: i.domainName,
      deploymentId: randomHex(6),
      apiId: i.apiId,
    },
    body,
    isBase64Encoded: i.isBinary && body !== null,
  };
}

export interface ProxyResponse {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
  isBase64Encoded: boolean;
}

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded', 'cookies']);

/**
 * The function's answer as a response, undefined when it is malformed (→ 502, FACTS §5.7), or null
 * when a base64 body that must be decoded is not base64 (→ 500, recorded).
 */
export function parseProxyResponse(payload: string, decodeBase64 = false): ProxyResponse | undefined | null {
  let doc: unknown;
  try { doc = JSON.parse(payload); } catch { return undefined; }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const o = doc as Record<string, unknown>;
  if (Object.keys(o).some((k) => !ALLOWED_KEYS.has(k))) return undefined;
  if (Object.keys(o).length === 0) return undefined;
  // A missing statusCode reads as 200 (recorded: `{"headers": {...}}` answers 200 with an empty body).
  const status = o.statusCode === undefined ? 200 : typeof o.statusCode === 'string' ? Number(o.statusCode) : o.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
  if (o.body !== undefined && o.body !== null && typeof o.body !== 'string') return undefined;
  const headers: [string, string][] = [];
  const single = o.headers;
  const multiple = o.multiValueHeaders;
  if (single !== undefined && single !== null && (typeof single !== 'object' || Array.isArray(single))) return undefined;
  if (multiple !== undefined && multiple !== null && (typeof multiple !== 'object' || Array.isArray(multiple))) return undefined;
  const merged = new Map<string, { name: string; values: string[] }>();
  // multiValueHeaders come first; a headers entry of the same name (any case) is appended.
  for (const [k, vs] of Object.entries((multiple ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(vs)) return undefined;
    merged.set(k.toLowerCase(), { name: k, values: vs.map(String) });
  }
  for (const [k, v] of Object.entries((single ?? {}) as Record<string, unknown>)) {
    const cur = merged.get(k.toLowerCase());
    if (cur) cur.values.push(String(v));
    else merged.set(k.toLowerCase(), { name: k, values: [String(v)] });
  }
  for (const { name, values } of merged.values()) headers.push([name, values.join(', ')]);
  const isB64 = o.isBase64Encoded === true;
  const text = typeof o.body === 'string' ? o.body : '';
  if (isB64 && decodeBase64 && !/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/\s/g, ''))) return null;
  return { statusCode: status, headers, body: isB64 && decodeBase64 ? Buffer.from(text, 'base64') : Buffer.from(text), isBase64Encoded: isB64 };
}
