// Compiles a validated ASL definition once into closures (STYLE §8): payload templates, paths,
// intrinsic calls, JSONata expressions, choice rules, retriers and catchers. Executions only run them.
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { StatesError, StatesErrorName } from './errors.js';
import { compilePath, compileReferencePath, PathNotFoundError } from './jsonpath.js';
import { compileIntrinsic, isIntrinsicCall } from './intrinsics.js';
import { compileJsonataTemplate, isJsonataExpression, type JsonataTemplate } from './jsonata-eval.js';
import type { Scope } from './scope.js';
import { compileChoiceRule, type ChoiceRule } from './choice-rules.js';

export const QueryLanguage = { JSONPath: 'JSONPath', JSONata: 'JSONata' } as const;
export type QueryLanguage = (typeof QueryLanguage)[keyof typeof QueryLanguage];

/** A JSONPath-mode value producer: a path, an intrinsic call or a payload template. */
export type PathEval = (scope: Scope) => JsonValue;

export interface Retrier {
  errorEquals: string[];
  intervalSeconds: number;
  maxAttempts: number;
  backoffRate: number;
  maxDelaySeconds: number | undefined;
  jitter: 'FULL' | 'NONE';
}

export interface Catcher {
  errorEquals: string[];
  next: string;
  resultPath: ResultPathFn | undefined;
  output: JsonataTemplate | undefined;
  assign: Assigner | undefined;
}

/** Applies ResultPath: (raw state input, result) → combined value. */
export type ResultPathFn = (input: JsonValue, result: JsonValue) => JsonValue;

/** Computes the variables a state assigns (JSONPath: from `$` = result; JSONata: $states.*). */
export type Assigner = (scope: Scope) => Promise<Record<string, JsonValue>> | Record<string, JsonValue>;

export interface CompiledChoice {
  rule: ChoiceRule;
  next: string;
  output: JsonataTemplate | undefined;
  assign: Assigner | undefined;
}

export interface CompiledState {
  name: string;
  type: string;
  raw: JsonObject;
  ql: QueryLanguage;
  next: string | undefined;
  end: boolean;
  // JSONPath data flow
  inputPath: PathEval | null | undefined;
  parameters: PathEval | undefined;
  resultSelector: PathEval | undefined;
  resultPath: ResultPathFn | undefined;
  outputPath: PathEval | null | undefined;
  result: JsonValue | undefined;
  // JSONata data flow
  arguments: JsonataTemplate | undefined;
  output: JsonataTemplate | undefined;
  assign: Assigner | undefined;
  retry: Retrier[];
  catch: Catcher[];
  // type specific
  choices: CompiledChoice[];
  defaultNext: string | undefined;
  branches: StateList[];
  processor: StateList | undefined;
  fields: Record<string, FieldEval>;
}

/** A field that is either a constant, a JSONPath path, or a JSONata expression (Wait seconds, Map counts, ...). */
export interface FieldEval {
  kind: 'const' | 'path' | 'jsonata';
  value?: JsonValue;
  path?: string;
  eval: (scope: Scope) => Promise<JsonValue> | JsonValue;
}

export interface StateList {
  id: number;
  startAt: string;
  states: Map<string, CompiledState>;
}

export interface CompiledMachine {
  definition: JsonObject;
  root: StateList;
  lists: StateList[];
  queryLanguage: QueryLanguage;
  timeoutSeconds: number | undefined;
}

export function compileMachine(definition: JsonObject): CompiledMachine {
  const lists: StateList[] = [];
  const ql = definition.QueryLanguage === 'JSONata' ? QueryLanguage.JSONata : QueryLanguage.JSONPath;
  const root = compileList(definition, ql, lists);
  const timeout = definition.TimeoutSeconds;
  return { definition, root, lists, queryLanguage: ql, timeoutSeconds: typeof timeout === 'number' ? timeout : undefined };
}

function compileList(def: JsonObject, ql: QueryLanguage, lists: StateList[]): StateList {
  const list: StateList = { id: lists.length, startAt: String(def.StartAt), states: new Map() };
  lists.push(list);
  const states = isJsonObject(def.States) ? def.States : {};
  for (const [name, raw] of Object.entries(states)) {
    if (!isJsonObject(raw)) continue;
    list.states.set(name, compileState(name, raw, ql, lists));
  }
  return list;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function compileState(name: string, raw: JsonObject, parentQl: QueryLanguage, lists: StateList[]): CompiledState {
  const ql = raw.QueryLanguage === 'JSONata' ? QueryLanguage.JSONata : raw.QueryLanguage === 'JSONPath' ? QueryLanguage.JSONPath : parentQl;
  const type = String(raw.Type);
  const jsonata = ql === QueryLanguage.JSONata;
  const s: CompiledState = {
    name, type, raw, ql,
    next: str(raw.Next),
    end: raw.End === true,
    inputPath: jsonata ? undefined : compileSelectPath(raw, 'InputPath'),
    parameters: !jsonata && 'Parameters' in raw ? compilePayloadTemplate(raw.Parameters as JsonValue) : undefined,
    resultSelector: !jsonata && 'ResultSelector' in raw ? compilePayloadTemplate(raw.ResultSelector as JsonValue) : undefined,
    resultPath: jsonata ? undefined : compileResultPath(raw),
    outputPath: jsonata ? undefined : compileSelectPath(raw, 'OutputPath'),
    result: raw.Result,
    arguments: jsonata && 'Arguments' in raw ? compileJsonataTemplate(raw.Arguments as JsonValue, 'Arguments') : undefined,
    output: jsonata && 'Output' in raw ? compileJsonataTemplate(raw.Output as JsonValue, 'Output') : undefined,
    assign: 'Assign' in raw ? compileAssign(raw.Assign as JsonValue, ql) : undefined,
    retry: Array.isArray(raw.Retry) ? raw.Retry.filter(isJsonObject).map(compileRetrier) : [],
    catch: Array.isArray(raw.Catch) ? raw.Catch.filter(isJsonObject).map((c) => compileCatcher(c, ql)) : [],
    choices: [],
    defaultNext: str(raw.Default),
    branches: [],
    processor: undefined,
    fields: {},
  };
  if (type === 'Choice' && Array.isArray(raw.Choices)) {
    s.choices = raw.Choices.filter(isJsonObject).map((c) => ({
      rule: compileChoiceRule(c, ql),
      next: String(c.Next),
      output: jsonata && 'Output' in c ? compileJsonataTemplate(c.Output as JsonValue, 'Output') : undefined,
      assign: 'Assign' in c ? compileAssign(c.Assign as JsonValue, ql) : undefined,
    }));
  }
  if (type === 'Parallel' && Array.isArray(raw.Branches)) {
    s.branches = raw.Branches.filter(isJsonObject).map((b) => compileList(b, ql, lists));
  }
  if (type === 'Map') {
    const proc = isJsonObject(raw.ItemProcessor) ? raw.ItemProcessor : isJsonObject(raw.Iterator) ? raw.Iterator : undefined;
    if (proc) s.processor = compileList(proc, ql, lists);
    if (!jsonata) {
      const sel = 'ItemSelector' in raw ? raw.ItemSelector : 'Parameters' in raw ? raw.Parameters : undefined;
      // In a Map, legacy Parameters are the ItemSelector (applied per item), not the state's Parameters.
      s.parameters = undefined;
      if (sel !== undefined) s.fields.ItemSelector = { kind: 'const', eval: compilePayloadTemplate(sel as JsonValue) };
      s.fields.ItemsPath = 'ItemsPath' in raw
        ? { kind: 'path', path: String(raw.ItemsPath), eval: compileSelectPath(raw, 'ItemsPath') ?? ((sc) => sc.input) }
        : { kind: 'path', path: '$', eval: (sc) => sc.input };
    } else {
      if ('ItemSelector' in raw) {
        const t = compileJsonataTemplate(raw.ItemSelector as JsonValue, 'ItemSelector');
        s.fields.ItemSelector = { kind: 'jsonata', eval: (sc) => t(sc) };
      }
      const items = compileField(raw, 'Items', ql);
      if (items) s.fields.Items = items;
    }
    for (const f of ['MaxConcurrency', 'ToleratedFailureCount', 'ToleratedFailurePercentage']) {
      const fe = compileField(raw, f, ql);
      if (fe) s.fields[f] = fe;
    }
    if (isJsonObject(raw.ItemBatcher)) {
      for (const f of ['MaxItemsPerBatch', 'MaxInputBytesPerBatch']) {
        const fe = compileField(raw.ItemBatcher, f, ql);
        if (fe) s.fields[f] = fe;
      }
      if ('BatchInput' in raw.ItemBatcher) {
        const bi = raw.ItemBatcher.BatchInput as JsonValue;
        s.fields.BatchInput = jsonata
          ? { kind: 'jsonata', eval: compileJsonataTemplate(bi, 'ItemBatcher/BatchInput') }
          : { kind: 'const', eval: compilePayloadTemplate(bi) };
      }
    }
  }
  if (type === 'Wait') {
    for (const f of ['Seconds', 'Timestamp']) {
      const fe = compileField(raw, f, ql);
      if (fe) s.fields[f] = fe;
    }
  }
  if (type === 'Task') {
    for (const f of ['TimeoutSeconds', 'HeartbeatSeconds']) {
      const fe = compileField(raw, f, ql);
      if (fe) s.fields[f] = fe;
    }
    if (isJsonObject(raw.Credentials)) {
      s.fields.Credentials = jsonata
        ? { kind: 'jsonata', eval: compileJsonataTemplate(raw.Credentials, 'Credentials') }
        : { kind: 'const', eval: compilePayloadTemplate(raw.Credentials) };
    }
  }
  if (type === 'Fail') {
    for (const f of ['Error', 'Cause']) {
      const fe = compileField(raw, f, ql);
      if (fe) s.fields[f] = fe;
    }
  }
  return s;
}

/**
 * A field that may be a literal (`Seconds: 5`), a `…Path` (JSONPath: `SecondsPath: "$.x"`, which may also be
 * an intrinsic for ErrorPath/CausePath) or a JSONata expression string (`Seconds: "{% … %}"`).
 */
function compileField(raw: JsonObject, field: string, ql: QueryLanguage): FieldEval | undefined {
  if (field in raw) {
    const v = raw[field] as JsonValue;
    if (ql === QueryLanguage.JSONata && ((typeof v === 'string' && isJsonataExpression(v)) || (v !== null && typeof v === 'object'))) {
      // An expression, or an array/object literal that may hold expressions at any depth.
      const t = compileJsonataTemplate(v, field);
      return { kind: 'jsonata', eval: t };
    }
    return { kind: 'const', value: v, eval: () => v };
  }
  const pathField = field + 'Path';
  if (ql === QueryLanguage.JSONPath && typeof raw[pathField] === 'string') {
    const p = raw[pathField] as string;
    if (isIntrinsicCall(p)) {
      const fn = compileIntrinsic(p);
      return { kind: 'path', path: p, eval: (sc) => fn.evaluate({ resolvePath: (q: string) => resolvePath(q, sc), entropy: sc.entropy }) };
    }
    if (field === 'Seconds' || field === 'Timestamp') {
      // Wait reports a missing SecondsPath/TimestampPath value with its own message (see engine waitSeconds).
      const read = compileRootedPath(p);
      return { kind: 'path', path: p, eval: (sc) => { try { return read(sc); } catch (e) { if (e instanceof PathNotFoundError) return undefined as unknown as JsonValue; throw e; } } };
    }
    const sel = compileValuePath(p, pathField);
    return { kind: 'path', path: p, eval: sel };
  }
  return undefined;
}

/** InputPath / OutputPath / ItemsPath: `null` means `{}` for Input/OutputPath; missing path → States.Runtime. */
function compileSelectPath(raw: JsonObject, field: string): PathEval | null | undefined {
  if (!(field in raw)) return undefined;
  const v = raw[field];
  if (v === null) return null;
  const text = String(v);
  if (text === '$') return (sc) => sc.input;
  const read = compileRootedPath(text);
  return (sc) => {
    try {
      return read(sc);
    } catch (e) {
      if (e instanceof PathNotFoundError) throw new StatesError(StatesErrorName.Runtime, `Invalid path '${text}' : ${e.message}`);
      throw e;
    }
  };
}

/** A path used as a value in a `.$` field or *Path field: missing → the "could not be found" runtime error. */
function compileValuePath(text: string, field: string): PathEval {
  const read = compileRootedPath(text);
  return (sc) => {
    try {
      return read(sc);
    } catch (e) {
      if (e instanceof PathNotFoundError) {
        throw new StatesError(StatesErrorName.Runtime,
          `The JSONPath '${text}' specified for the field '${field}' could not be found in the input '${JSON.stringify(sc.input)}'`);
      }
      throw e;
    }
  };
}

/** Paths may start at the input (`$`), the context object (`$$`) or a variable (`$name`). */
export function compileRootedPath(text: string): PathEval {
  if (text.startsWith('$$')) {
    const p = compilePath('$' + text.slice(2));
    return (sc) => p.read(sc.context()) as JsonValue;
  }
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$/s.exec(text);
  if (m) {
    const name = m[1] as string;
    const rest = m[2] as string;
    const p = rest === '' ? undefined : compilePath('$' + rest);
    return (sc) => {
      const v = sc.lookupVar(name);
      if (v === undefined) throw new PathNotFoundError(`Variable not found: ${name}`);
      return p ? (p.read(v) as JsonValue) : v;
    };
  }
  const p = compilePath(text);
  return (sc) => p.read(sc.input) as JsonValue;
}

const resolvedPaths = new Map<string, PathEval>();

/** Resolves a path argument of an intrinsic call; each distinct path text is compiled once. */
export function resolvePath(text: string, sc: Scope): JsonValue {
  let f = resolvedPaths.get(text);
  if (!f) {
    f = compileValuePath(text, text);
    resolvedPaths.set(text, f);
  }
  return f(sc);
}

function compileResultPath(raw: JsonObject): ResultPathFn | undefined {
  if (!('ResultPath' in raw)) return undefined;
  return resultPathFn(raw.ResultPath as JsonValue);
}

function resultPathFn(v: JsonValue): ResultPathFn {
  if (v === null) return (input) => input;
  const text = String(v);
  if (text === '$') return (_input, result) => result;
  const ref = compileReferencePath(text);
  return (input, result) => ref.set(input, result) as JsonValue;
}

/**
 * JSONPath payload template (Parameters, ResultSelector, ItemSelector, Credentials): keys ending in `.$`
 * take a path or an intrinsic call; everything else is copied literally, recursively.
 */
export function compilePayloadTemplate(tpl: JsonValue): PathEval {
  if (Array.isArray(tpl)) {
    const items = tpl.map(compilePayloadTemplate);
    return (sc) => items.map((f) => f(sc));
  }
  if (!isJsonObject(tpl)) return () => tpl;
  const entries: [string, PathEval][] = [];
  for (const [k, v] of Object.entries(tpl)) {
    if (k.endsWith('.$') && typeof v === 'string') entries.push([k.slice(0, -2), compileDollarValue(v, k)]);
    else entries.push([k, compilePayloadTemplate(v)]);
  }
  return objectBuilder(entries);
}

/**
 * Builds the template's object with a fixed-shape object literal (generated once per template; only
 * JSON-quoted keys and indexes enter the generated code), which V8 allocates much faster than adding
 * keys one by one. `__proto__` would set the prototype in a literal, so such templates use the loop.
 */
function objectBuilder(entries: [string, PathEval][]): PathEval {
  if (entries.length === 0 || entries.length > 64 || entries.some(([k]) => k === '__proto__')) {
    return (sc) => {
      const o: JsonObject = {};
      for (const [k, f] of entries) o[k] = f(sc);
      return o;
    };
  }
  const fields = entries.map(([k], i) => `${JSON.stringify(k)}: f[${i}](sc)`).join(', ');
  const make = new Function('f', `return function (sc) { return { ${fields} }; };`) as (f: PathEval[]) => PathEval;
  return make(entries.map(([, f]) => f));
}

function compileDollarValue(v: string, field: string): PathEval {
  if (isIntrinsicCall(v)) {
    const fn = compileIntrinsic(v);
    return (sc) => fn.evaluate({ resolvePath: (q: string) => resolvePath(q, sc), entropy: sc.entropy });
  }
  return compileValuePath(v, field);
}

function compileAssign(tpl: JsonValue, ql: QueryLanguage): Assigner {
  if (ql === QueryLanguage.JSONata) {
    const t = compileJsonataTemplate(tpl, 'Assign');
    return async (sc) => (await t(sc)) as Record<string, JsonValue>;
  }
  const t = compilePayloadTemplate(tpl);
  return (sc) => t(sc) as Record<string, JsonValue>;
}

function num(v: JsonValue | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

function compileRetrier(r: JsonObject): Retrier {
  return {
    errorEquals: Array.isArray(r.ErrorEquals) ? r.ErrorEquals.map(String) : [],
    intervalSeconds: num(r.IntervalSeconds, 1),
    maxAttempts: num(r.MaxAttempts, 3),
    backoffRate: num(r.BackoffRate, 2),
    maxDelaySeconds: typeof r.MaxDelaySeconds === 'number' ? r.MaxDelaySeconds : undefined,
    jitter: r.JitterStrategy === 'FULL' ? 'FULL' : 'NONE',
  };
}

function compileCatcher(c: JsonObject, ql: QueryLanguage): Catcher {
  const jsonata = ql === QueryLanguage.JSONata;
  return {
    errorEquals: Array.isArray(c.ErrorEquals) ? c.ErrorEquals.map(String) : [],
    next: String(c.Next),
    resultPath: !jsonata && 'ResultPath' in c ? resultPathFn(c.ResultPath as JsonValue) : undefined,
    output: jsonata && 'Output' in c ? compileJsonataTemplate(c.Output as JsonValue, 'Output') : undefined,
    assign: 'Assign' in c ? compileAssign(c.Assign as JsonValue, ql) : undefined,
  };
}

/** ErrorEquals matching, with the wildcard rules of FACTS §2.10. */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  for (const e of errorEquals) {
    if (e === error) return true;
    if (e === StatesErrorName.ALL) return error !== StatesErrorName.Runtime && error !== StatesErrorName.DataLimitExceeded;
    if (e === StatesErrorName.TaskFailed && error !== StatesErrorName.Timeout && error !== StatesErrorName.Runtime
      && error !== StatesErrorName.DataLimitExceeded && error !== StatesErrorName.HeartbeatTimeout) return true;
  }
  return false;
}
