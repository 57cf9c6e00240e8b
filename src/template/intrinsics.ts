// CloudFormation intrinsic functions and condition functions (AWS "Intrinsic function reference"):
// Ref, Fn::Sub (both forms), Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::If, Fn::Equals/And/Or/Not,
// Fn::FindInMap, Fn::Base64, Fn::GetAZs, Fn::ImportValue, Fn::Transform (AWS::Include), Fn::ToJsonString,
// Fn::Length, and the pseudo parameters. AWS::NoValue removes the property it stands in.
import { TemplateError, unresolvedDependencies } from './errors.js';

export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface ResolveContext {
  parameters: Record<string, unknown>;
  pseudo: Record<string, string>;
  conditions: Record<string, boolean>;
  mappings: Record<string, unknown>;
  /** physical id of a resource (what `Ref` returns), undefined when there is no such resource */
  refOf(logicalId: string): string | undefined;
  /** `from`: the logical id being resolved (Outputs.X / Conditions.X / a resource), for CloudFormation's message */
  getAtt(logicalId: string, attribute: string, from?: string): unknown;
  /** AWS::Include: the parsed content of a local file */
  include(location: string): unknown;
  importValue(name: string): unknown;
  /** for error messages */
  logicalId?: string;
  /** how many AWS::Include files the value being resolved sits in */
  includeDepth?: number;
}

/** deeper than this, an AWS::Include chain is taken for a file including itself */
const MAX_INCLUDE_DEPTH = 16;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(ctx: ResolveContext, message: string): never {
  throw new TemplateError(message, ctx.logicalId !== undefined ? { logicalId: ctx.logicalId } : {});
}

/** Resolves every intrinsic function inside v. */
export function resolveValue(v: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(v)) {
    return v.map((x) => resolveValue(x, ctx)).filter((x) => x !== NO_VALUE);
  }
  if (!isObj(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const k = keys[0] as string;
    if (k === 'Ref' || k.startsWith('Fn::')) return resolveFunction(k, v[k], ctx);
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    // `Fn::Transform` may stand beside other keys; it replaces the whole object it sits in.
    if (k === 'Fn::Transform') return resolveFunction(k, v[k], ctx);
    const r = resolveValue(v[k], ctx);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function str(v: unknown, ctx: ResolveContext, fn: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail(ctx, `${fn} expects a string, got ${JSON.stringify(v)}`);
}

function resolveFunction(name: string, arg: unknown, ctx: ResolveContext): unknown {
  switch (name) {
    case 'Ref': return ref(str(arg, ctx, 'Ref'), ctx);
    case 'Fn::Sub': return sub(arg, ctx);
    case 'Fn::GetAtt': {
      const a = resolveValue(arg, ctx);
      const parts = typeof a === 'string' ? splitOnce(a) : Array.isArray(a) ? a.map((x) => str(x, ctx, 'Fn::GetAtt')) : fail(ctx, 'Fn::GetAtt expects [LogicalId, Attribute]');
      if (parts.length !== 2) fail(ctx, `Fn::GetAtt expects [LogicalId, Attribute], got ${JSON.stringify(a)}`);
      return ctx.getAtt(parts[0] as string, parts[1] as string, ctx.logicalId);
    }
    case 'Fn::Join': {
      const a = resolveValue(arg, ctx);
      if (!Array.isArray(a) || a.length !== 2 || !Array.isArray(a[1])) fail(ctx, 'Fn::Join expects [delimiter, [values]]');
      return (a[1] as unknown[]).map((x) => str(x, ctx, 'Fn::Join')).join(str(a[0], ctx, 'Fn::Join'));
    }
    case 'Fn::Select': {
      const a = resolveValue(arg, ctx);
      if (!Array.isArray(a) || a.length !== 2 || !Array.isArray(a[1])) fail(ctx, 'Fn::Select expects [index, [values]]');
      const i = Number(a[0]);
      const list = a[1] as unknown[];
      if (!Number.isInteger(i) || i < 0 || i >= list.length) fail(ctx, `Fn::Select index ${String(a[0])} is out of bounds`);
      return list[i];
    }
    case 'Fn::Split': {
      const a = resolveValue(arg, ctx);
      if (!Array.isArray(a) || a.length !== 2) fail(ctx, 'Fn::Split expects [delimiter, string]');
      return str(a[1], ctx, 'Fn::Split').split(str(a[0], ctx, 'Fn::Split'));
    }
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3) fail(ctx, 'Fn::If expects [condition, valueIfTrue, valueIfFalse]');
      const cond = str(arg[0], ctx, 'Fn::If');
      if (!(cond in ctx.conditions)) fail(ctx, `Fn::If refers to the undefined condition ${cond}`);
      return resolveValue(ctx.conditions[cond] ? arg[1] : arg[2], ctx);
    }
    case 'Fn::Equals': case 'Fn::And': case 'Fn::Or': case 'Fn::Not':
      return evaluateCondition({ [name]: arg }, ctx);
    case 'Fn::FindInMap': {
      const a = resolveValue(arg, ctx);
      if (!Array.isArray(a) || a.length < 3) fail(ctx, 'Fn::FindInMap expects [MapName, TopLevelKey, SecondLevelKey]');
      const [m, k1, k2] = a.map((x) => str(x, ctx, 'Fn::FindInMap')) as [string, string, string];
      const map = ctx.mappings[m];
      const top = isObj(map) ? map[k1] : undefined;
      if (!isObj(top) || !(k2 in top)) {
        if (a.length > 3 && isObj(a[3]) && 'DefaultValue' in a[3]) return a[3].DefaultValue;
        fail(ctx, `Fn::FindInMap: no value at ${m}/${k1}/${k2}`);
      }
      return top[k2];
    }
    case 'Fn::Base64': return Buffer.from(str(resolveValue(arg, ctx), ctx, 'Fn::Base64'), 'utf8').toString('base64');
    case 'Fn::GetAZs': {
      const region = str(resolveValue(arg, ctx), ctx, 'Fn::GetAZs') || ctx.pseudo['AWS::Region'] || 'us-east-1';
      return ['a', 'b', 'c'].map((z) => `${region}${z}`);
    }
    case 'Fn::ImportValue': return ctx.importValue(str(resolveValue(arg, ctx), ctx, 'Fn::ImportValue'));
    case 'Fn::Transform': {
      const a = resolveValue(arg, ctx);
      if (!isObj(a) || a.Name !== 'AWS::Include' || !isObj(a.Parameters) || typeof a.Parameters.Location !== 'string') {
        fail(ctx, `only the AWS::Include transform with a Location is supported, got ${JSON.stringify(a)}`);
      }
      const depth = (ctx.includeDepth ?? 0) + 1;
      if (depth > MAX_INCLUDE_DEPTH) fail(ctx, `AWS::Include of ${String(a.Parameters.Location)} is nested more than ${MAX_INCLUDE_DEPTH} deep: do the included files include each other?`);
      return resolveValue(ctx.include(a.Parameters.Location as string), { ...ctx, includeDepth: depth });
    }
    case 'Fn::ToJsonString': return JSON.stringify(resolveValue(arg, ctx));
    case 'Fn::Length': {
      const a = resolveValue(arg, ctx);
      return Array.isArray(a) ? a.length : fail(ctx, 'Fn::Length expects a list');
    }
    default:
      return fail(ctx, `${name} is not supported by stepgate`);
  }
}

function splitOnce(s: string): string[] {
  const i = s.indexOf('.');
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

function ref(name: string, ctx: ResolveContext): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (name in ctx.pseudo) return ctx.pseudo[name];
  if (name in ctx.parameters) return ctx.parameters[name];
  const physical = ctx.refOf(name);
  if (physical === undefined) fail(ctx, unresolvedDependencies([name], ctx.logicalId));
  return physical;
}

/** `${Param}`, `${Resource}`, `${Resource.Attr}`, `${AWS::Region}`; `${!Literal}` stays `${Literal}`. */
function sub(arg: unknown, ctx: ResolveContext): string {
  let text: string;
  let vars: Record<string, unknown> = {};
  if (typeof arg === 'string') text = arg;
  else if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && isObj(arg[1])) {
    text = arg[0];
    vars = resolveValue(arg[1], ctx) as Record<string, unknown>;
  } else return fail(ctx, 'Fn::Sub expects a string or [string, {variables}]');
  return text.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
    if (bang) return `\${${name}}`;
    const n = name.trim();
    if (n in vars) return str(vars[n], ctx, 'Fn::Sub');
    if (n in ctx.pseudo) return ctx.pseudo[n] as string;
    if (n in ctx.parameters) {
      const p = ctx.parameters[n];
      return Array.isArray(p) ? p.join(',') : str(p, ctx, 'Fn::Sub');
    }
    const dot = n.indexOf('.');
    if (dot > 0) {
      if (ctx.refOf(n.slice(0, dot)) === undefined) fail(ctx, unresolvedDependencies([n.slice(0, dot)], ctx.logicalId));
      return str(ctx.getAtt(n.slice(0, dot), n.slice(dot + 1), ctx.logicalId), ctx, 'Fn::Sub');
    }
    const physical = ctx.refOf(n);
    if (physical === undefined) fail(ctx, unresolvedDependencies([n], ctx.logicalId));
    return physical;
  });
}

/** Condition functions: Fn::Equals, Fn::And, Fn::Or, Fn::Not and {Condition: Name}. */
export function evaluateCondition(v: unknown, ctx: ResolveContext): boolean {
  if (!isObj(v)) fail(ctx, `a condition must be a condition function, got ${JSON.stringify(v)}`);
  if ('Condition' in v) {
    const n = str(v.Condition, ctx, 'Condition');
    if (!(n in ctx.conditions)) fail(ctx, `the condition ${n} is not defined`);
    return ctx.conditions[n] as boolean;
  }
  if ('Fn::Equals' in v) {
    const a = v['Fn::Equals'];
    if (!Array.isArray(a) || a.length !== 2) fail(ctx, 'Fn::Equals expects two values');
    const [x, y] = a.map((e) => resolveValue(e, ctx));
    return JSON.stringify(x) === JSON.stringify(y) || String(x) === String(y);
  }
  if ('Fn::And' in v || 'Fn::Or' in v) {
    const list = (v['Fn::And'] ?? v['Fn::Or']) as unknown;
    if (!Array.isArray(list) || list.length < 2 || list.length > 10) fail(ctx, 'Fn::And / Fn::Or expect 2 to 10 conditions');
    const values = list.map((c) => evaluateCondition(c, ctx));
    return 'Fn::And' in v ? values.every(Boolean) : values.some(Boolean);
  }
  if ('Fn::Not' in v) {
    const a = v['Fn::Not'];
    if (!Array.isArray(a) || a.length !== 1) fail(ctx, 'Fn::Not expects one condition');
    return !evaluateCondition(a[0], ctx);
  }
  return fail(ctx, `unsupported condition ${JSON.stringify(v)}`);
}
