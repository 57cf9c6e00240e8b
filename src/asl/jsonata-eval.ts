// JSONata-mode evaluation: `{% … %}` strings anywhere inside a field are expressions (compiled once
// with the reference `jsonata` package); every other value is a literal. Errors carry AWS's texts
// (FACTS §2.4) as States.QueryEvaluationError.
import jsonata from 'jsonata';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { ExpressionError, StatesError, StatesErrorName } from './errors.js';
import type { Scope } from './scope.js';
import { entropyBindings, registerAwsFunctions } from './jsonata-functions.js';

export type JsonataTemplate = (scope: Scope) => Promise<JsonValue>;

export function isJsonataExpression(v: string): boolean {
  return v.startsWith('{%') && v.endsWith('%}') && v.length >= 4;
}

export function jsonataBody(v: string): string {
  return v.slice(2, -2).trim();
}

type Expr = ReturnType<typeof jsonata>;

/** Compiles one expression (without the `{% %}` markers); throws jsonata's error on bad syntax. */
export function compileJsonataExpression(text: string): Expr {
  const e = jsonata(text);
  registerAwsFunctions(e);
  return e;
}

/**
 * Compiles a template for `field` (e.g. `Output`, `Arguments`, `Assign`). Locations in error texts follow
 * AWS: the field, then the object keys down to the expression (`Output/result`, `Assign/x`).
 */
export function compileJsonataTemplate(tpl: JsonValue, field: string): JsonataTemplate {
  const f = compileNode(tpl, field);
  return (scope) => f(scope);
}

function compileNode(tpl: JsonValue, location: string): (scope: Scope) => Promise<JsonValue> {
  if (typeof tpl === 'string' && isJsonataExpression(tpl)) {
    const body = jsonataBody(tpl);
    const expr = compileJsonataExpression(body);
    return (scope) => evaluateExpression(expr, body, location, scope);
  }
  if (Array.isArray(tpl)) {
    const items = tpl.map((x) => compileNode(x, location));
    if (items.length === 0) return async () => [];
    return async (scope) => {
      const out: JsonValue[] = [];
      for (const f of items) out.push(await f(scope));
      return out;
    };
  }
  if (isJsonObject(tpl)) {
    const entries = Object.entries(tpl).map(([k, v]) => [k, compileNode(v, `${location}/${k}`)] as const);
    return async (scope) => {
      const o: JsonObject = {};
      for (const [k, f] of entries) o[k] = await f(scope);
      return o;
    };
  }
  return async () => tpl;
}

/** The bindings an expression sees: variables visible at state entry plus `$states`; built once per scope. */
function bindings(scope: Scope): Record<string, unknown> {
  if (scope.jsonataBindings) return scope.jsonataBindings;
  const states: Record<string, unknown> = { input: scope.input };
  // The context object is only built when an expression reads $states.context.
  Object.defineProperty(states, 'context', { enumerable: true, get: () => scope.context() });
  if (scope.result !== undefined) states.result = scope.result;
  if (scope.errorOutput !== undefined) states.errorOutput = scope.errorOutput;
  scope.jsonataBindings = { ...entropyBindings(scope.entropy), ...scope.visibleVars(), states };
  return scope.jsonataBindings;
}

export async function evaluateExpression(expr: Expr, text: string, location: string, scope: Scope): Promise<JsonValue> {
  let v: unknown;
  try {
    v = await expr.evaluate(scope.input, bindings(scope));
  } catch (e) {
    if (e instanceof StatesError) throw e;
    const err = e as { code?: string; message?: string };
    throw new ExpressionError(StatesErrorName.QueryEvaluationError,
      `The JSONata expression '${text}' specified for the field '${location}' threw an error during evaluation. ${err.code ? err.code + ': ' : ''}${err.message ?? String(e)}`, location);
  }
  if (v === undefined) {
    throw new ExpressionError(StatesErrorName.QueryEvaluationError,
      `The JSONata expression '${text}' specified for the field '${location}' returned nothing (undefined).`, location);
  }
  if (isFunctionValue(v)) {
    throw new StatesError(StatesErrorName.QueryEvaluationError,
      `The JSONata expression '${text}' specified for the field '${location}' returned an unsupported result type.`, location);
  }
  return toPlainJson(v);
}

/** JSONata functions and lambdas are values in JSONata but have no JSON form. */
function isFunctionValue(v: unknown): boolean {
  if (typeof v === 'function') return true;
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return o._jsonata_lambda === true || o._jsonata_function === true;
}

/** jsonata returns arrays with extra properties (sequence flags); flatten them into plain JSON. */
function toPlainJson(v: unknown): JsonValue {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    return v as JsonValue;
  }
  if (Array.isArray(v)) return v.filter((x) => x !== undefined && !isFunctionValue(x)).map(toPlainJson);
  const o: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined && !isFunctionValue(x)) o[k] = toPlainJson(x);
  return o;
}

/** The type name AWS prints in "Expected 'array', but was 'number'". */
export function jsonTypeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}
