// Static checks of the expressions inside a definition: JSONPath paths and reference paths, payload
// templates (`.$` keys), intrinsic calls, Assign variable names and JSONata `{% … %}` expressions,
// which AWS parses at CreateStateMachine time (INVALID_JSONATA_EXPRESSION) and whose bare top-level
// references it refuses (UNSUPPORTED_JSONATA_EXPRESSION).
import jsonata from 'jsonata';
import { compilePath, compileReferencePath } from './jsonpath.js';
import { compileIntrinsic, isIntrinsicCall } from './intrinsics.js';
import { isJsonataExpression, jsonataBody } from './jsonata-eval.js';
import { at, item, isJsonObject, type Collector } from './validate-context.js';
import { DiagnosticCode, Msg } from './validate-messages.js';

/** Where a path may start besides the input (`$`): the context object (`$$`) and variables (`$name`). */
export interface PathRoots {
  context: boolean;
  variables: boolean;
}

export const ALL_ROOTS: PathRoots = { context: true, variables: true };
/** ResultPath writes into the state input: no `$$`, no variables (ASL reference path). */
export const INPUT_ONLY: PathRoots = { context: false, variables: false };

const VARIABLE_ROOT = /^\$([\p{L}_][\p{L}\p{N}_]*)(.*)$/su;

/** Rewrites `$$…` and `$name…` to the `$…` path the JSONPath compiler reads, or undefined if not allowed. */
function rootedBody(text: string, roots: PathRoots): string | undefined {
  if (text.startsWith('$$')) return roots.context ? '$' + text.slice(2) : undefined;
  const m = VARIABLE_ROOT.exec(text);
  if (m) return roots.variables ? '$' + (m[2] as string) : undefined;
  return text;
}

/** A JSONPath Path (InputPath, OutputPath, Variable, `.$` values). */
export function isValidPath(text: string, roots: PathRoots = ALL_ROOTS): boolean {
  const body = rootedBody(text, roots);
  if (body === undefined || !body.startsWith('$')) return false;
  try {
    compilePath(body);
    return true;
  } catch {
    return false;
  }
}

/** A reference path: a path that selects a single node (ResultPath, ItemsPath, *Path fields). */
export function isValidReferencePath(text: string, roots: PathRoots = ALL_ROOTS): boolean {
  const body = rootedBody(text, roots);
  if (body === undefined || !body.startsWith('$')) return false;
  try {
    compileReferencePath(body);
    return true;
  } catch {
    return false;
  }
}

/** An intrinsic function call that compiles (`States.Format('{}', $.x)`). */
export function isValidIntrinsic(text: string): boolean {
  if (!isIntrinsicCall(text)) return false;
  try {
    compileIntrinsic(text);
    return true;
  } catch {
    return false;
  }
}

/** The value of a `.$` key, ErrorPath or CausePath: a path or an intrinsic call. */
export function isPathOrIntrinsic(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  return isIntrinsicCall(v) ? isValidIntrinsic(v) : isValidPath(v);
}

/**
 * JSONPath payload template (Parameters, ResultSelector, ItemSelector, Credentials, ItemReader
 * Parameters): every key ending in `.$` must hold a path or an intrinsic call; nested objects and
 * arrays are templates too. The location is the object that holds the key.
 */
export function checkPayloadTemplate(c: Collector, tpl: unknown, loc: string): void {
  if (Array.isArray(tpl)) {
    tpl.forEach((v, i) => checkPayloadTemplate(c, v, item(loc, i)));
    return;
  }
  if (!isJsonObject(tpl)) return;
  for (const [key, v] of Object.entries(tpl)) {
    if (key.endsWith('.$')) {
      if (!isPathOrIntrinsic(v)) c.schema(Msg.invalidPayloadPath(key), loc);
    } else if (typeof v === 'object' && v !== null) {
      checkPayloadTemplate(c, v, at(loc, key));
    } else if (looksLikePath(v)) {
      c.warning(DiagnosticCode.NO_DOLLAR, Msg.noDollar(key), loc);
    }
  }
}

/** A literal string that a user most likely meant as a path or an intrinsic call. */
export function looksLikePath(v: unknown): boolean {
  return typeof v === 'string' && (/^\$\$?[.[]/.test(v) || isIntrinsicCall(v));
}

/** Pass `Result` is literal JSON: `.$` keys or path-like values there are never evaluated. */
export function checkStaticResult(c: Collector, v: unknown, loc: string): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkStaticResult(c, x, item(loc, i)));
    return;
  }
  if (!isJsonObject(v)) return;
  for (const [key, x] of Object.entries(v)) {
    if (key.endsWith('.$') || looksLikePath(x)) c.warning(DiagnosticCode.PASS_RESULT_IS_STATIC, Msg.passResultIsStatic(key), loc);
    else checkStaticResult(c, x, at(loc, key));
  }
}

const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;
/** AWS "Passing data between states with variables", Limits: a name has at most 80 Unicode characters. */
const MAX_VARIABLE_NAME_LENGTH = 80;
/** `$states` is the JSONata state-data variable; it can never be assigned (FACTS §2.5). */
const RESERVED_VARIABLES = new Set(['states']);

function checkVariableName(c: Collector, key: string, loc: string): void {
  const name = key.endsWith('.$') ? key.slice(0, -2) : key;
  if (RESERVED_VARIABLES.has(name)) c.schema(Msg.variableReserved(name), at(loc, key));
  else if (!VARIABLE_NAME.test(name)) c.schema(Msg.variableName(name), at(loc, key));
  else if ([...name].length > MAX_VARIABLE_NAME_LENGTH) c.schema(Msg.variableNameTooLong(name), at(loc, key));
}

/** Assign (JSONPath): keys are variable names (`name` or `name.$`); values are payload templates. */
export function checkJsonPathAssign(c: Collector, assign: Record<string, unknown>, loc: string): void {
  for (const [key, v] of Object.entries(assign)) {
    checkVariableName(c, key, loc);
    if (key.endsWith('.$')) {
      if (!isPathOrIntrinsic(v)) c.schema(Msg.invalidPayloadPath(key), loc);
    } else if (typeof v === 'object' && v !== null) {
      checkPayloadTemplate(c, v, at(loc, key));
    } else if (looksLikePath(v)) {
      c.warning(DiagnosticCode.NO_DOLLAR, Msg.noDollar(key), loc);
    }
  }
}

/** Assign (JSONata): keys are variable names; values may hold expressions at any depth. */
export function checkJsonataAssign(c: Collector, assign: Record<string, unknown>, loc: string): void {
  for (const [key, v] of Object.entries(assign)) {
    checkVariableName(c, key, loc);
    checkJsonataTemplate(c, v, at(loc, key));
  }
}

/** Every `{% … %}` string inside `v` must parse and must not read the (absent) context item. */
export function checkJsonataTemplate(c: Collector, v: unknown, loc: string): void {
  if (typeof v === 'string') {
    if (isJsonataExpression(v)) checkJsonataExpression(c, jsonataBody(v), loc);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkJsonataTemplate(c, x, item(loc, i)));
    return;
  }
  if (isJsonObject(v)) for (const [k, x] of Object.entries(v)) checkJsonataTemplate(c, x, at(loc, k));
}

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
  lhs?: unknown;
  rhs?: AstNode;
  expression?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
}

function checkJsonataExpression(c: Collector, body: string, loc: string): void {
  let ast: AstNode;
  try {
    ast = jsonata(body).ast() as AstNode;
  } catch (e) {
    // AWS reports the parser's sentence without jsonata's "S0xxx" code (floci-io/floci#2745, measured).
    const message = typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
    c.error(DiagnosticCode.INVALID_JSONATA_EXPRESSION, message, loc);
    return;
  }
  const refs: string[] = [];
  collectTopLevelRefs(ast, refs);
  for (const ref of refs) {
    c.error(DiagnosticCode.UNSUPPORTED_JSONATA_EXPRESSION, ref === '$$' ? Msg.rootReference() : Msg.topLevelReference(ref), loc);
  }
}

/**
 * Names read from the context item at the top of an expression. Step Functions evaluates JSONata
 * with no context item (input is `$states.input`), and refuses such references at creation
 * (floci-io/floci#2670, measured: `Reference to 'phone' at the top level is not supported.`).
 * Conservative: lambda bodies, predicates and later path steps are not inspected.
 */
function collectTopLevelRefs(node: AstNode | undefined, out: string[]): void {
  if (node === undefined || node === null || typeof node !== 'object') return;
  const add = (name: string): void => { if (!out.includes(name)) out.push(name); };
  switch (node.type) {
    case 'name':
      add(String(node.value));
      return;
    case 'variable':
      if (node.value === '$') add('$$');
      return;
    case 'path':
      collectTopLevelRefs(node.steps?.[0], out);
      return;
    case 'binary':
      collectTopLevelRefs(node.lhs as AstNode, out);
      collectTopLevelRefs(node.rhs, out);
      return;
    case 'bind':
    case 'apply':
      collectTopLevelRefs(node.rhs, out);
      if (node.type === 'apply') collectTopLevelRefs(node.lhs as AstNode, out);
      return;
    case 'unary':
      if (node.value === '-') collectTopLevelRefs(node.expression, out);
      else if (node.value === '[') node.expressions?.forEach((e) => collectTopLevelRefs(e, out));
      else if (node.value === '{' && Array.isArray(node.lhs)) {
        for (const pair of node.lhs as unknown[]) {
          if (Array.isArray(pair)) pair.forEach((p) => collectTopLevelRefs(p as AstNode, out));
        }
      }
      return;
    case 'function':
    case 'partial':
      node.arguments?.forEach((a) => collectTopLevelRefs(a, out));
      return;
    case 'condition':
      collectTopLevelRefs(node.condition, out);
      collectTopLevelRefs(node.then, out);
      collectTopLevelRefs(node.else, out);
      return;
    case 'block':
      node.expressions?.forEach((e) => collectTopLevelRefs(e, out));
      return;
    default:
      return;
  }
}
