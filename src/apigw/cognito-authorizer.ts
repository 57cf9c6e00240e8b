// COGNITO_USER_POOLS authorizers of REST APIs: the user pool token is verified with `jose` against a JWKS
// configured locally (there is no Cognito here), its issuer against the authorizer's providerARNs, its use
// against the method's OAuth scopes; the claims reach `$context.authorizer.claims` and the proxy event.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { GatewayError } from './errors.js';
import { fullMatch, tokenHeaderOf, sourceOf } from './lambda-authorizer.js';
import type { Authorizer } from './model.js';
import type { InvocationContext } from './pipeline.js';
import { javaDate, type Trace } from './trace.js';

/**
 * Where a user pool's keys come from: a JWKS document, or the URL of one (e.g. a local Cognito emulator's
 * `/.well-known/jwks.json`). `issuer` replaces `https://cognito-idp.{region}.amazonaws.com/{poolId}` for
 * emulators that sign with their own issuer.
 */
export type PoolKeys = JSONWebKeySet | string | { jwks: JSONWebKeySet | string; issuer?: string };

/** User pool ARN, user pool id, or `*` (every pool) → its keys. */
export type CognitoJwksConfig = Record<string, PoolKeys>;

const isKeySet = (v: unknown): v is JSONWebKeySet => typeof v === 'object' && v !== null && Array.isArray((v as { keys?: unknown }).keys);

/**
 * `--jwks <file>`: a JWKS (`{"keys": [...]}`, for every user pool) or a map of user pool ARN / id / `*` to a
 * JWKS, a JWKS file (relative to this file), a JWKS URL, or `{jwks, issuer}`.
 */
export function loadJwksConfig(file: string): CognitoJwksConfig {
  const read = (path: string): unknown => {
    try { return JSON.parse(readFileSync(path, 'utf8')) as unknown; } catch (e) {
      throw new Error(`cannot read JWKS file ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };
  const doc = read(file);
  if (isKeySet(doc)) return { '*': doc };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file}: expected a JWKS or a map of user pool to JWKS`);
  const dir = dirname(resolve(file));
  const keysOf = (v: unknown, where: string): JSONWebKeySet | string => {
    if (isKeySet(v)) return v;
    if (typeof v === 'string') {
      if (/^https?:\/\//.test(v)) return v;
      const loaded = read(resolve(dir, v));
      if (!isKeySet(loaded)) throw new Error(`${v}: not a JWKS (no "keys" list)`);
      return loaded;
    }
    throw new Error(`${file}: ${where} is not a JWKS, a file or a URL`);
  };
  const out: CognitoJwksConfig = {};
  for (const [pool, v] of Object.entries(doc)) {
    if (typeof v === 'object' && v !== null && !isKeySet(v) && 'jwks' in v) {
      const entry = v as { jwks: unknown; issuer?: unknown };
      out[pool] = { jwks: keysOf(entry.jwks, pool), ...(typeof entry.issuer === 'string' ? { issuer: entry.issuer } : {}) };
    } else out[pool] = keysOf(v, pool);
  }
  return out;
}

export interface CognitoAuthorizerOptions {
  jwks?: CognitoJwksConfig;
  /** epoch milliseconds (token expiry is checked against it) */
  now?: () => number;
  log?: (message: string) => void;
}

export interface CognitoResult {
  claims: Record<string, string>;
}

/** `arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}` → region and pool id. */
export function parseUserPoolArn(arn: string): { region: string; poolId: string } | undefined {
  const m = /^arn:[^:]+:cognito-idp:([^:]+):[^:]*:userpool\/(.+)$/.exec(arn);
  return m ? { region: m[1] as string, poolId: m[2] as string } : undefined;
}

/**
 * Claims as API Gateway hands them on: every value a string [observed in REST proxy events:
 * `"email_verified": "false"`, `"auth_time": "1616935242"`], `exp` / `iat` / `nbf` as Java dates
 * (`Sun Mar 28 13:40:42 UTC 2021`); lists comma-joined (unverified for several groups).
 */
export function stringifyClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if ((k === 'exp' || k === 'iat' || k === 'nbf') && typeof v === 'number') out[k] = javaDate(v * 1000);
    else if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
    else if (v !== null && typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}

export class CognitoAuthorizers {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly now: () => number;

  constructor(private readonly options: CognitoAuthorizerOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The COGNITO_USER_POOLS part of the authorization stage; throws GatewayError to reject. */
  async authorize(ctx: InvocationContext): Promise<void> {
    const method = ctx.route?.compiled.method;
    if (!method) return;
    const authorizer = ctx.api.snapshot.authorizers.find((a) => a.id === method.authorizerId);
    if (!authorizer || authorizer.type !== 'COGNITO_USER_POOLS') {
      ctx.trace.add(`Execution failed due to configuration error: Invalid authorizer ${String(method.authorizerId)}`);
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR');
    }
    const { claims } = await this.verify(authorizer, (expr) => sourceOf(ctx, expr), method.authorizationScopes ?? [], ctx.trace);
    ctx.context.authorizer = { claims };
    ctx.authorizerEvent = { claims };
  }

  /**
   * Verifies the token the authorizer's identity source carries. Any failure is 401 Unauthorized; a user pool
   * with no keys configured is a configuration error of this emulator (500 AUTHORIZER_CONFIGURATION_ERROR).
   */
  async verify(authorizer: Authorizer, source: (expr: string) => string | undefined, scopes: readonly string[], trace: Trace): Promise<CognitoResult> {
    const header = tokenHeaderOf(authorizer.identitySource ?? 'method.request.header.Authorization');
    const raw = header === undefined ? undefined : source(`method.request.header.${header}`);
    const unauthorized = (why: string): GatewayError => {
      trace.add(`Unauthorized request: ${why}`);
      return new GatewayError('UNAUTHORIZED');
    };
    if (raw === undefined || raw.trim() === '') throw unauthorized('the identity source is missing');
    // The raw token or `Bearer <token>` (the AWS console's test accepts the prefix; unverified end to end).
    const token = raw.trim().replace(/^Bearer\s+/, '');
    let unverified: JWTPayload;
    try { unverified = decodeJwt(token); } catch { throw unauthorized('the token is not a JWT'); }
    const pools = (authorizer.providerARNs ?? []).map((arn) => ({ arn, pool: parseUserPoolArn(arn) }));
    let chosen: { arn: string; issuer: string; keys: JWTVerifyGetKey } | undefined;
    let configured = false;
    for (const { arn, pool } of pools) {
      if (!pool) continue;
      const entry = this.entryFor(arn, pool.poolId);
      if (!entry) continue;
      configured = true;
      const issuer = entry.issuer ?? `https://cognito-idp.${pool.region}.amazonaws.com/${pool.poolId}`;
      if (unverified.iss === issuer) { chosen = { arn, issuer, keys: entry.keys }; break; }
    }
    if (!configured) {
      this.options.log?.(`no JWKS configured for user pool(s) ${pools.map((p) => p.arn).join(', ')} (start with --jwks)`);
      trace.add('Execution failed due to configuration error: no JWKS configured for the user pool');
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR');
    }
    if (!chosen) throw unauthorized('the token was not issued by the authorizer\'s user pools');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, chosen.keys, { issuer: chosen.issuer, currentDate: new Date(this.now()) }));
    } catch (e) {
      throw unauthorized(`invalid token: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Without OAuth scopes on the method the token must be an ID token; with scopes, an access token that
    // claims any one of them (AWS: "Integrate a REST API with an Amazon Cognito user pool").
    if (scopes.length === 0) {
      if (payload.token_use !== 'id') throw unauthorized('an ID token is required');
    } else {
      const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      if (payload.token_use !== 'access' || !scopes.some((s) => granted.includes(s))) throw unauthorized('no authorized scope in the access token');
    }
    // The token validation expression is matched against the ID token's audience (console help; unverified).
    if (authorizer.identityValidationExpression) {
      const aud = typeof payload.aud === 'string' ? payload.aud : Array.isArray(payload.aud) ? payload.aud[0] ?? '' : String(payload.client_id ?? '');
      if (!fullMatch(authorizer.identityValidationExpression, aud)) throw unauthorized('the audience does not match the token validation expression');
    }
    return { claims: stringifyClaims(payload) };
  }

  private entryFor(arn: string, poolId: string): { keys: JWTVerifyGetKey; issuer?: string } | undefined {
    const config = this.options.jwks ?? {};
    const name = arn in config ? arn : poolId in config ? poolId : '*' in config ? '*' : undefined;
    if (name === undefined) return undefined;
    const value = config[name] as PoolKeys;
    const jwks = typeof value === 'string' || isKeySet(value) ? value : value.jwks;
    const issuer = typeof value === 'object' && !isKeySet(value) ? value.issuer : undefined;
    let keys = this.keySets.get(name);
    if (!keys) {
      keys = typeof jwks === 'string' ? createRemoteJWKSet(new URL(jwks)) : createLocalJWKSet(jwks);
      this.keySets.set(name, keys);
    }
    return { keys, ...(issuer !== undefined ? { issuer } : {}) };
  }
}
