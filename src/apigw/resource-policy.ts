// API Gateway resource policies (RestApi.policy): the caller's request as an execute-api:Invoke on
// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}`, evaluated with iam-policy.ts
// and combined with the method's authentication as AWS's "How API Gateway resource policies affect
// authorization workflow" tables say, and AWS's ACCESS_DENIED answer when the result is a denial.
import { GatewayError } from './errors.js';
import { compilePolicy, Decision, evaluatePolicy, PolicyDocumentError, type CompiledPolicy, type PolicyPrincipal } from './iam-policy.js';
import type { InvocationContext } from './pipeline.js';

export interface ResourcePolicyOptions {
  region: string;
  /** the API owner's account (the server's account id) */
  accountId: string;
  /** epoch ms, for aws:CurrentTime / aws:EpochTime */
  now?: () => number;
}

/** AWS's message when a policy refuses (the body is `{"Message": ...}`, the account id masked). */
export function accessDeniedMessage(principalArn: string | undefined, maskedResource: string, explicit: boolean): string {
  return `User: ${principalArn ?? 'anonymous'} is not authorized to perform: execute-api:Invoke on resource: ${maskedResource}${explicit ? ' with an explicit deny' : ''}`;
}

/**
 * `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}` (FACTS §5.8) of a request, as the
 * Lambda authorizer event carries it and resource policies and authorizer policies are evaluated against:
 * the requested path (root: `.../GET/`), percent-decoded except for reserved characters, so an encoded `/`
 * does not become a path separator (what AWS does with those is not recorded here).
 */
export function methodArn(region: string, accountId: string, apiId: string, stage: string, verb: string, path: string): string {
  let decoded = path;
  try { decoded = decodeURI(path); } catch { /* keep the raw path */ }
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${verb}/${decoded.replace(/^\//, '')}`;
}

/** Denial messages show the owner's account as `********` and its last four digits [rec: issues quoting AWS]. */
export function maskAccount(arn: string): string {
  return arn.replace(/^(arn:[^:]+:[^:]+:[^:]*:)(\d{12})(:)/, (_, a: string, acct: string, c: string) => `${a}********${acct.slice(-4)}${c}`);
}

/** Policies may name resources as `execute-api:/stage/VERB/path`, which API Gateway expands to the API's ARN. */
function expander(region: string, accountId: string, apiId: string): (pattern: string) => string {
  return (p) => (p.startsWith('execute-api:/') ? `arn:aws:execute-api:${region}:${accountId}:${apiId}/${p.slice('execute-api:/'.length)}` : p);
}

/** Checks a policy before it is stored (CreateRestApi, UpdateRestApi `/policy`, OpenAPI import). */
export function policyProblem(text: string): string | undefined {
  try {
    compilePolicy(text, { requirePrincipal: true, expandResource: expander('us-east-1', '000000000000', 'api') });
    return undefined;
  } catch (e) {
    if (e instanceof PolicyDocumentError) return e.message;
    throw e;
  }
}

/** BadRequestException message for a policy that does not parse or validate (text unverified). */
export const INVALID_POLICY_MESSAGE = 'Invalid policy document. Please check the policy syntax and ensure that Principals are valid.';

/** The caller as a policy principal: an IAM user or role session from SigV4 ($context.identity.userArn), else anonymous. */
function principalOf(identity: Record<string, unknown>): PolicyPrincipal | undefined {
  const arn = typeof identity.userArn === 'string' && identity.userArn !== '' ? identity.userArn : undefined;
  if (arn === undefined) return undefined;
  const account = typeof identity.accountId === 'string' && identity.accountId !== '' ? identity.accountId : (/::(\d{12}):/.exec(arn)?.[1] ?? '');
  return { arn, account };
}

/** Condition keys known locally; others (aws:SourceVpc, aws:SourceVpce, aws:PrincipalOrgID, ...) are absent. */
function conditionKeys(ctx: InvocationContext, principal: PolicyPrincipal | undefined, now: number): Record<string, string | undefined> {
  const identity = ctx.context.identity as Record<string, unknown>;
  const header = (name: string): string | undefined => {
    for (const [k, v] of ctx.req.headers) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const assumed = principal ? /:assumed-role\//.test(principal.arn) : false;
  return {
    'aws:SourceIp': str(identity.sourceIp),
    'aws:UserAgent': header('user-agent'),
    'aws:Referer': header('referer'),
    // execute-api endpoints are HTTPS only; the local HTTP hop stands for that.
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now / 1000)),
    'aws:PrincipalArn': principal?.arn.replace(/^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/, 'arn:$1:iam::$2:role/$3'),
    'aws:PrincipalAccount': principal?.account,
    'aws:PrincipalType': principal ? (assumed ? 'AssumedRole' : 'User') : 'Anonymous',
    'aws:userid': str(identity.caller),
    'aws:username': principal && !assumed ? principal.arn.split('/').pop() : undefined,
  };
}

/**
 * The resource-policy part of the authorization stage (src/apigw/authorize.ts), run after the method's
 * authentication. AWS's tables:
 * - NONE, COGNITO_USER_POOLS, and AWS_IAM callers from another account: the policy must explicitly allow.
 * - AWS_IAM callers of the API owner's account, CUSTOM (the Lambda authorizer has allowed by now): the
 *   caller's side allows, so only an explicit Deny refuses. Locally an authenticated caller's own IAM
 *   identity policies are unknown and taken to allow execute-api:Invoke.
 */
export function resourcePolicyStage(options: ResourcePolicyOptions): (ctx: InvocationContext) => void {
  const cache = new Map<string, CompiledPolicy | PolicyDocumentError>();
  const now = options.now ?? Date.now;
  return (ctx) => {
    const text = ctx.api.snapshot.api.policy;
    if (text === undefined || text === '') return;
    const apiId = ctx.api.snapshot.api.id;
    const cacheKey = `${apiId}\n${text}`;
    let policy = cache.get(cacheKey);
    if (!policy) {
      try {
        policy = compilePolicy(text, { requirePrincipal: true, expandResource: expander(options.region, options.accountId, apiId) });
      } catch (e) {
        if (!(e instanceof PolicyDocumentError)) throw e;
        policy = e;
      }
      if (cache.size > 1000) cache.clear();
      cache.set(cacheKey, policy);
    }
    const identity = ctx.context.identity as Record<string, unknown>;
    const principal = principalOf(identity);
    const resource = methodArn(options.region, options.accountId, apiId, ctx.stage.stageName, ctx.req.method, ctx.req.path);
    let decision: Decision;
    if (policy instanceof PolicyDocumentError) {
      // A stored policy that does not compile allows nobody (AWS refuses such a policy when it is set).
      ctx.trace.add(`Resource policy cannot be evaluated: ${policy.message}`);
      decision = Decision.IMPLICIT_DENY;
    } else {
      decision = evaluatePolicy(policy, { action: 'execute-api:Invoke', resource, ...(principal ? { principal } : {}), keys: conditionKeys(ctx, principal, now()) });
    }
    if (decision === Decision.ALLOW) return;
    const auth = ctx.route?.compiled.method.authorizationType ?? 'NONE';
    const callerSideAllows = (auth === 'AWS_IAM' && principal !== undefined && principal.account === options.accountId) || auth === 'CUSTOM';
    if (decision === Decision.IMPLICIT_DENY && callerSideAllows) return;
    const explicit = decision === Decision.EXPLICIT_DENY;
    ctx.trace.add(`Resource policy ${explicit ? 'explicitly denies' : 'does not allow'} ${resource}`);
    throw new GatewayError('ACCESS_DENIED', accessDeniedMessage(principal?.arn, maskAccount(resource), explicit));
  };
}
