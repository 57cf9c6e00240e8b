// Choice rules (FACTS §2.8): JSONPath comparison operators with their `…Path` forms, Is* tests and
// And/Or/Not; a type mismatch makes a comparison false. JSONata rules are one boolean `Condition`.
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { StatesError, StatesErrorName } from './errors.js';
import { PathNotFoundError } from './jsonpath.js';
import { compareInstants, parseTimestamp } from './timestamp.js';
import { compileJsonataExpression, evaluateExpression, isJsonataExpression, jsonataBody } from './jsonata-eval.js';
import { compileRootedPath } from './compile.js';
import type { Scope } from './scope.js';

export type ChoiceRule = (scope: Scope) => boolean | Promise<boolean>;

type Cmp = (a: JsonValue, b: JsonValue) => boolean;

const str = (f: (x: string, y: string) => boolean): Cmp => (a, b) => typeof a === 'string' && typeof b === 'string' && f(a, b);
const numc = (f: (x: number, y: number) => boolean): Cmp => (a, b) => typeof a === 'number' && typeof b === 'number' && f(a, b);
const ts = (f: (c: number) => boolean): Cmp => (a, b) => {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = parseTimestamp(a);
  const y = parseTimestamp(b);
  return x !== undefined && y !== undefined && f(compareInstants(x, y));
};

const COMPARATORS: Record<string, Cmp> = {
  StringEquals: str((x, y) => x === y),
  StringLessThan: str((x, y) => x < y),
  StringGreaterThan: str((x, y) => x > y),
  StringLessThanEquals: str((x, y) => x <= y),
  StringGreaterThanEquals: str((x, y) => x >= y),
  NumericEquals: numc((x, y) => x === y),
  NumericLessThan: numc((x, y) => x < y),
  NumericGreaterThan: numc((x, y) => x > y),
  NumericLessThanEquals: numc((x, y) => x <= y),
  NumericGreaterThanEquals: numc((x, y) => x >= y),
  BooleanEquals: (a, b) => typeof a === 'boolean' && typeof b === 'boolean' && a === b,
  TimestampEquals: ts((c) => c === 0),
  TimestampLessThan: ts((c) => c < 0),
  TimestampGreaterThan: ts((c) => c > 0),
  TimestampLessThanEquals: ts((c) => c <= 0),
  TimestampGreaterThanEquals: ts((c) => c >= 0),
};

const TESTS: Record<string, (v: JsonValue | undefined) => boolean> = {
  IsNull: (v) => v === null,
  IsPresent: (v) => v !== undefined,
  IsNumeric: (v) => typeof v === 'number',
  IsString: (v) => typeof v === 'string',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: (v) => typeof v === 'string' && parseTimestamp(v) !== undefined,
};

/** `*` matches any run of characters; `\*` and `\\` are literal. */
export function compileStringMatches(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i] as string);
    } else if (c === '*') re += '[\\s\\S]*';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export function compileChoiceRule(rule: JsonObject, ql: string): ChoiceRule {
  if (ql === 'JSONata' || 'Condition' in rule) {
    const cond = rule.Condition;
    if (typeof cond === 'boolean') return () => cond;
    const text = typeof cond === 'string' && isJsonataExpression(cond) ? jsonataBody(cond) : String(cond);
    const expr = compileJsonataExpression(text);
    return async (scope) => {
      const v = await evaluateExpression(expr, text, 'Condition', scope);
      if (typeof v !== 'boolean') {
        throw new StatesError(StatesErrorName.QueryEvaluationError,
          `The JSONata expression '${text}' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}' for value: ${JSON.stringify(v)}`);
      }
      return v;
    };
  }
  return compileJsonPathRule(rule);
}

function compileJsonPathRule(rule: JsonObject): (scope: Scope) => boolean {
  if (Array.isArray(rule.And)) {
    const rs = rule.And.filter(isJsonObject).map(compileJsonPathRule);
    return (sc) => rs.every((r) => r(sc));
  }
  if (Array.isArray(rule.Or)) {
    const rs = rule.Or.filter(isJsonObject).map(compileJsonPathRule);
    return (sc) => rs.some((r) => r(sc));
  }
  if (isJsonObject(rule.Not)) {
    const r = compileJsonPathRule(rule.Not);
    return (sc) => !r(sc);
  }
  const variable = String(rule.Variable);
  const read = compileRootedPath(variable);
  const get = (sc: Scope): JsonValue | undefined => {
    try {
      return read(sc);
    } catch (e) {
      if (e instanceof PathNotFoundError) return undefined;
      throw e;
    }
  };
  for (const [op, test] of Object.entries(TESTS)) {
    if (op in rule) {
      const want = rule[op] === true;
      if (op === 'IsPresent') return (sc) => test(get(sc)) === want;
      return (sc) => {
        const v = get(sc);
        // A missing variable is neither null, numeric, string, boolean nor a timestamp.
        return v === undefined ? !want : test(v) === want;
      };
    }
  }
  if ('StringMatches' in rule) {
    const re = compileStringMatches(String(rule.StringMatches));
    return (sc) => {
      const v = need(get(sc), variable);
      return typeof v === 'string' && re.test(v);
    };
  }
  for (const [op, cmp] of Object.entries(COMPARATORS)) {
    if (op in rule) {
      const lit = rule[op] as JsonValue;
      return (sc) => cmp(need(get(sc), variable), lit);
    }
    if (op + 'Path' in rule) {
      const other = compileRootedPath(String(rule[op + 'Path']));
      const otherText = String(rule[op + 'Path']);
      return (sc) => {
        let b: JsonValue;
        try {
          b = other(sc);
        } catch (e) {
          if (e instanceof PathNotFoundError) throw missing(otherText);
          throw e;
        }
        return cmp(need(get(sc), variable), b);
      };
    }
  }
  return () => false;
}

function need(v: JsonValue | undefined, path: string): JsonValue {
  if (v === undefined) throw missing(path);
  return v;
}

function missing(path: string): StatesError {
  return new StatesError(StatesErrorName.Runtime, `Invalid path '${path}': The choice state's condition path references an invalid value.`);
}
