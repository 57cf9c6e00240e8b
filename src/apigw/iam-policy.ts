// IAM policy documents: validation, compilation (once per document) and evaluation of one request
// (action, resource, principal, condition keys) with IAM's rule: an explicit Deny wins, then an Allow,
// else the request is implicitly denied. Used for API Gateway resource policies; reusable for the
// policies Lambda authorizers return (identity-based: statements without Principal).
import { BlockList, isIP } from 'node:net';

/** What one policy says about one request (the rows of AWS's policy evaluation tables). */
export const Decision = { ALLOW: 'Allow', EXPLICIT_DENY: 'ExplicitDeny', IMPLICIT_DENY: 'ImplicitDeny' } as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** An authenticated caller; `undefined` in a request means anonymous. */
export interface PolicyPrincipal {
  /** `arn:aws:iam::123456789012:user/alice` or `arn:aws:sts::123456789012:assumed-role/Role/session` */
  arn: string;
  account: string;
}

export interface PolicyRequest {
  action: string;
  resource: string;
  principal?: PolicyPrincipal;
  /** condition keys (`aws:SourceIp`, ...), matched without regard to case; an absent key is undefined */
  keys?: Record<string, string | string[] | undefined>;
}

/** A document AWS would refuse (MalformedPolicyDocument); the message says which element. */
export class PolicyDocumentError extends Error {}

export interface PolicyOptions {
  /** resource-based policies (API Gateway resource policies) need Principal or NotPrincipal in each statement */
  requirePrincipal?: boolean;
  /** rewrites a Resource pattern before it is compiled (API Gateway expands `execute-api:/...`) */
  expandResource?: (pattern: string) => string;
}

type Matcher = (value: string) => boolean;
type PrincipalMatcher = (p: PolicyPrincipal | undefined) => boolean;
type ConditionTest = (keys: Map<string, string[]>) => boolean;

interface CompiledStatement {
  sid?: string;
  deny: boolean;
  principal?: PrincipalMatcher;
  notPrincipal?: PrincipalMatcher;
  action?: Matcher;
  notAction?: Matcher;
  resource?: Matcher;
  notResource?: Matcher;
  conditions: ConditionTest[];
}

export interface CompiledPolicy {
  statements: readonly CompiledStatement[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Glob with `*` (any run, also `/` and `:`) and `?` (one character), anchored. */
function globRegExp(pattern: string, flags = ''): RegExp {
  let re = '';
  for (const ch of pattern) re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^${re}$`, `s${flags}`);
}

/** IAM actions are matched without regard to case (`execute-api:invoke` = `execute-api:Invoke`). */
function actionMatcher(patterns: string[]): Matcher {
  const res = patterns.map((p) => globRegExp(p, 'i'));
  return (v) => res.some((r) => r.test(v));
}

/**
 * ARN patterns match segment by segment (partition, service, region, account, resource): a wildcard
 * never spans the colons between segments, but within the resource part `*` also matches `/`.
 */
function arnMatches(pattern: string): Matcher {
  if (pattern === '*') return () => true;
  const split = (arn: string): string[] | undefined => {
    const parts = arn.split(':');
    if (parts.length < 6 || parts[0] !== 'arn') return undefined;
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const pp = split(pattern);
  if (!pp) {
    // Not an ARN pattern: compared whole; an `arn:` pattern short of six segments matches nothing.
    if (pattern.startsWith('arn:')) return () => false;
    const whole = globRegExp(pattern);
    return (v) => whole.test(v);
  }
  const res = pp.map((p) => globRegExp(p));
  return (v) => {
    const vp = split(v);
    return vp !== undefined && res.every((r, i) => r.test(vp[i] as string));
  };
}

function resourceMatcher(patterns: string[]): Matcher {
  const ms = patterns.map(arnMatches);
  return (v) => ms.some((m) => m(v));
}

/** String or list of strings (the element shapes IAM accepts); anything else is malformed. */
function stringList(v: unknown, element: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw new PolicyDocumentError(`${element} must be a string or a non-empty list of strings`);
}

const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const ASSUMED_ROLE_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

/**
 * Principal / NotPrincipal: `"*"` and `{"AWS": "*"}` are everyone (also anonymous callers); an account id
 * or `arn:aws:iam::ACCOUNT:root` is every principal of that account; a user or session ARN is that one
 * caller; a role ARN is every session of that role. Service / Federated / CanonicalUser principals
 * are never local callers.
 */
function principalMatcher(v: unknown, element: string): PrincipalMatcher {
  if (v === '*') return () => true;
  if (!isObj(v)) throw new PolicyDocumentError(`${element} must be "*" or an object such as {"AWS": [...]}`);
  const tests: PrincipalMatcher[] = [];
  for (const [kind, value] of Object.entries(v)) {
    const list = stringList(value, `${element}.${kind}`);
    if (kind !== 'AWS') {
      if (!['Service', 'Federated', 'CanonicalUser'].includes(kind)) throw new PolicyDocumentError(`Invalid principal type ${kind}`);
      continue;
    }
    for (const entry of list) {
      if (entry === '*') { tests.push(() => true); continue; }
      if (/^\d{12}$/.test(entry)) { tests.push((p) => p?.account === entry); continue; }
      const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(entry);
      if (root) { tests.push((p) => p?.account === root[1]); continue; }
      const role = ROLE_ARN.exec(entry);
      if (role) {
        tests.push((p) => {
          const s = p ? ASSUMED_ROLE_ARN.exec(p.arn) : null;
          return p?.arn === entry || (s !== null && s[2] === role[2] && s[3] === role[3]);
        });
        continue;
      }
      if (!/^arn:[^:]+:(iam|sts)::\d{12}:.+$/.test(entry)) throw new PolicyDocumentError(`Invalid principal ${entry}`);
      tests.push((p) => p?.arn === entry);
    }
  }
  return (p) => tests.some((t) => t(p));
}

// ------------------------------------------------------------------------------------------------ conditions

/** How a base operator compares one request value with the policy's values (any of them). */
type Compare = (requestValue: string, policyValues: string[]) => boolean;

/** IPv4 and IPv6 blocks kept apart: an IPv4 caller never falls in an IPv6 block (node's BlockList would map it). */
function ipList(values: string[]): { v4: BlockList; v6: BlockList } {
  const list = { v4: new BlockList(), v6: new BlockList() };
  for (const v of values) {
    const [addr, bits] = v.trim().split('/') as [string, string | undefined];
    const family = isIP(addr);
    if (family === 0) throw new PolicyDocumentError(`Invalid IP address or CIDR block: ${v}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new PolicyDocumentError(`Invalid IP address or CIDR block: ${v}`);
    (family === 4 ? list.v4 : list.v6).addSubnet(addr, prefix, type);
  }
  return list;
}

function dateOf(v: string): number {
  return /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v);
}

/** Base operators: [compare, negated]. Negated operators are true when no policy value matches. */
function baseOperator(name: string, values: string[]): { compare: Compare; negated: boolean } | undefined {
  const numeric = (f: (a: number, b: number) => boolean): Compare => (r, vs) => vs.some((v) => f(Number(r), Number(v)));
  const date = (f: (a: number, b: number) => boolean): Compare => (r, vs) => vs.some((v) => f(dateOf(r), dateOf(v)));
  switch (name) {
    case 'StringEquals': return { compare: (r, vs) => vs.includes(r), negated: false };
    case 'StringNotEquals': return { compare: (r, vs) => vs.includes(r), negated: true };
    case 'StringEqualsIgnoreCase': return { compare: (r, vs) => vs.some((v) => v.toLowerCase() === r.toLowerCase()), negated: false };
    case 'StringNotEqualsIgnoreCase': return { compare: (r, vs) => vs.some((v) => v.toLowerCase() === r.toLowerCase()), negated: true };
    case 'StringLike':
    case 'StringNotLike': {
      const res = values.map((v) => globRegExp(v));
      return { compare: (r) => res.some((x) => x.test(r)), negated: name === 'StringNotLike' };
    }
    case 'NumericEquals': return { compare: numeric((a, b) => a === b), negated: false };
    case 'NumericNotEquals': return { compare: numeric((a, b) => a === b), negated: true };
    case 'NumericLessThan': return { compare: numeric((a, b) => a < b), negated: false };
    case 'NumericLessThanEquals': return { compare: numeric((a, b) => a <= b), negated: false };
    case 'NumericGreaterThan': return { compare: numeric((a, b) => a > b), negated: false };
    case 'NumericGreaterThanEquals': return { compare: numeric((a, b) => a >= b), negated: false };
    case 'DateEquals': return { compare: date((a, b) => a === b), negated: false };
    case 'DateNotEquals': return { compare: date((a, b) => a === b), negated: true };
    case 'DateLessThan': return { compare: date((a, b) => a < b), negated: false };
    case 'DateLessThanEquals': return { compare: date((a, b) => a <= b), negated: false };
    case 'DateGreaterThan': return { compare: date((a, b) => a > b), negated: false };
    case 'DateGreaterThanEquals': return { compare: date((a, b) => a >= b), negated: false };
    case 'Bool': return { compare: (r, vs) => vs.some((v) => v.toLowerCase() === r.toLowerCase()), negated: false };
    case 'IpAddress':
    case 'NotIpAddress': {
      const list = ipList(values);
      return {
        compare: (r) => { const f = isIP(r); return f === 4 ? list.v4.check(r, 'ipv4') : f === 6 && list.v6.check(r, 'ipv6'); },
        negated: name === 'NotIpAddress',
      };
    }
    // ArnEquals and ArnLike behave alike (both take wildcards), as IAM documents.
    case 'ArnEquals': case 'ArnLike': case 'ArnNotEquals': case 'ArnNotLike': {
      const ms = values.map(arnMatches);
      return { compare: (r) => ms.some((m) => m(r)), negated: name === 'ArnNotEquals' || name === 'ArnNotLike' };
    }
    default: return undefined;
  }
}

/**
 * One operator block (`"StringEquals": {"aws:SourceVpc": "vpc-1"}`), its keys ANDed. IAM's rules for a
 * key absent from the request: false, except for negated operators (true) and `...IfExists` (true);
 * `Null` tests presence. `ForAnyValue:` / `ForAllValues:` qualify multivalued keys.
 */
function compileCondition(operator: string, block: unknown): ConditionTest {
  if (!isObj(block)) throw new PolicyDocumentError(`Condition ${operator} must map condition keys to values`);
  const m = /^(ForAnyValue:|ForAllValues:)?(.+?)(IfExists)?$/.exec(operator) as RegExpExecArray;
  const set = m[1];
  const base = m[2] as string;
  const ifExists = m[3] !== undefined;
  const tests: ConditionTest[] = [];
  for (const [rawKey, rawValues] of Object.entries(block)) {
    const key = rawKey.toLowerCase();
    const values = (Array.isArray(rawValues) ? rawValues : [rawValues]).map((v) => {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new PolicyDocumentError(`Condition values of ${rawKey} must be strings, numbers or booleans`);
      return String(v);
    });
    if (base === 'Null') {
      if (ifExists || set) throw new PolicyDocumentError(`Invalid condition operator ${operator}`);
      tests.push((keys) => values.some((v) => (v.toLowerCase() === 'true') === (keys.get(key) === undefined)));
      continue;
    }
    const op = baseOperator(base, values);
    if (!op) throw new PolicyDocumentError(`Invalid condition operator ${operator}`);
    const one = (r: string): boolean => op.compare(r, values) !== op.negated;
    tests.push((keys) => {
      const present = keys.get(key);
      if (present === undefined || present.length === 0) {
        if (set === 'ForAllValues:') return true;
        if (set === 'ForAnyValue:') return false;
        return ifExists || op.negated;
      }
      if (set === 'ForAllValues:') return present.every(one);
      if (set === 'ForAnyValue:') return present.some(one);
      // A single-valued operator on a key with several values: negated operators need every value to
      // pass, the others any (IAM's documented behaviour for multivalued keys without a set operator).
      return op.negated ? present.every(one) : present.some(one);
    });
  }
  return (keys) => tests.every((t) => t(keys));
}

// ------------------------------------------------------------------------------------------------ documents

/** Element names are matched without regard to case (IAM's parser accepts `statement`, `effect`, ...). */
function field(o: Record<string, unknown>, name: string): unknown {
  if (name in o) return o[name];
  const l = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === l) return o[k];
  return undefined;
}

function compileStatement(raw: unknown, options: PolicyOptions): CompiledStatement {
  if (!isObj(raw)) throw new PolicyDocumentError('Each statement must be an object');
  const effect = field(raw, 'Effect');
  if (effect !== 'Allow' && effect !== 'Deny') throw new PolicyDocumentError('Effect must be Allow or Deny');
  const pair = (a: string, b: string, required: boolean): [unknown, unknown] => {
    const x = field(raw, a);
    const y = field(raw, b);
    if (x !== undefined && y !== undefined) throw new PolicyDocumentError(`A statement cannot have both ${a} and ${b}`);
    if (required && x === undefined && y === undefined) throw new PolicyDocumentError(`Each statement needs ${a} or ${b}`);
    return [x, y];
  };
  const [action, notAction] = pair('Action', 'NotAction', true);
  const [resource, notResource] = pair('Resource', 'NotResource', true);
  const [principal, notPrincipal] = pair('Principal', 'NotPrincipal', options.requirePrincipal === true);
  const expand = options.expandResource ?? ((p: string) => p);
  const actions = (v: unknown, el: string): Matcher => {
    const list = stringList(v, el);
    for (const a of list) if (a !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) throw new PolicyDocumentError(`Invalid action ${a}`);
    return actionMatcher(list);
  };
  const condition = field(raw, 'Condition');
  if (condition !== undefined && !isObj(condition)) throw new PolicyDocumentError('Condition must be an object');
  const sid = field(raw, 'Sid');
  return {
    ...(typeof sid === 'string' ? { sid } : {}),
    deny: effect === 'Deny',
    ...(principal !== undefined ? { principal: principalMatcher(principal, 'Principal') } : {}),
    ...(notPrincipal !== undefined ? { notPrincipal: principalMatcher(notPrincipal, 'NotPrincipal') } : {}),
    ...(action !== undefined ? { action: actions(action, 'Action') } : {}),
    ...(notAction !== undefined ? { notAction: actions(notAction, 'NotAction') } : {}),
    ...(resource !== undefined ? { resource: resourceMatcher(stringList(resource, 'Resource').map(expand)) } : {}),
    ...(notResource !== undefined ? { notResource: resourceMatcher(stringList(notResource, 'NotResource').map(expand)) } : {}),
    conditions: Object.entries(condition ?? {}).map(([op, block]) => compileCondition(op, block)),
  };
}

/** Parses and compiles a policy document (JSON text or object); throws PolicyDocumentError. */
export function compilePolicy(doc: unknown, options: PolicyOptions = {}): CompiledPolicy {
  let value = doc;
  if (typeof doc === 'string') {
    try { value = JSON.parse(doc); } catch { throw new PolicyDocumentError('The policy is not valid JSON'); }
  }
  if (!isObj(value)) throw new PolicyDocumentError('The policy must be a JSON object');
  const version = field(value, 'Version');
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') throw new PolicyDocumentError(`Invalid policy version ${String(version)}`);
  const raw = field(value, 'Statement');
  const list = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
  if (list.length === 0) throw new PolicyDocumentError('The policy has no Statement');
  return { statements: list.map((s) => compileStatement(s, options)) };
}

function statementApplies(s: CompiledStatement, req: PolicyRequest, keys: Map<string, string[]>): boolean {
  if (s.principal && !s.principal(req.principal)) return false;
  if (s.notPrincipal && s.notPrincipal(req.principal)) return false;
  if (s.action && !s.action(req.action)) return false;
  if (s.notAction && s.notAction(req.action)) return false;
  if (s.resource && !s.resource(req.resource)) return false;
  if (s.notResource && s.notResource(req.resource)) return false;
  return s.conditions.every((c) => c(keys));
}

/** IAM's evaluation of one policy: an explicit Deny wins, then an Allow, else implicit deny. */
export function evaluatePolicy(policy: CompiledPolicy, req: PolicyRequest): Decision {
  const keys = new Map<string, string[]>();
  for (const [k, v] of Object.entries(req.keys ?? {})) if (v !== undefined) keys.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  let allowed = false;
  for (const s of policy.statements) {
    if (!statementApplies(s, req, keys)) continue;
    if (s.deny) return Decision.EXPLICIT_DENY;
    allowed = true;
  }
  return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
}
