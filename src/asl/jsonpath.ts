// JSONPath as AWS Step Functions evaluates it: Jayway JsonPath (Java) semantics, compiled once into closures.
//
// Why hand-written instead of an npm JSONPath library: AWS runs Jayway, whose rules differ from Goessner-style
// libraries in ways users see. A path is "definite" (no `..`, `[*]`, filter, slice or index union) or not; a
// definite path yields one value or throws `No results for path: $['x']` / `Missing property in path $['a']`,
// an indefinite one always yields a list (even of one match, even empty). Filters applied to an object test the
// object itself, `..` has Jayway's quirks, and error texts name the path in Jayway's normalised bracket form. No
// npm library reproduces these. Speed: a path is parsed once; a plain definite path (`$.a.b[0]`) becomes a loop
// of property lookups, and only a failing read falls back to the full evaluator to build AWS's error text.
//
// Observed AWS behaviour reproduced here (recorded corpus, conformance/sfn/dev.jsonl):
// * `Invalid path '$.x' : No results for path: $['x']` (InputPath/OutputPath; the engine adds the prefix).
// * `Invalid path '$.no.such.result.path' : Missing property in path $['no']` (intermediate property missing).
// * indefinite paths never fail: `$.item.items[1:5]` on `{}` gives `[]` (AWS reads them with exceptions suppressed).
// * `$['Test\""Name"']` addresses the key `Test\""Name"`: escapes inside bracket names are not unescaped.
import { StatesError, StatesErrorName } from './errors.js';

/** A compiled JSONPath. */
export interface CompiledPath {
  readonly text: string;
  /**
   * Jayway: no `[*]`, `..`, filters, index unions or slices. A leaf `['a','b']` merges into one object and a
   * path ending in a function (`.length()`) yields the function's value: both count as definite.
   */
  readonly definite: boolean;
  /** definite: the value, or throws PathNotFoundError; indefinite: array of all matches (maybe empty) */
  read(root: unknown): unknown;
  /** true when a definite path resolves (for IsPresent); indefinite: always true */
  exists(root: unknown): boolean;
}

/** Jayway's PathNotFoundException; `message` is Jayway's text (the engine wraps it as AWS does). */
export class PathNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathNotFoundError';
  }
}

/** Jayway's InvalidPathException raised while compiling. */
export class JsonPathSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathSyntaxError';
  }
}

/** Jayway names the JSON provider's classes in some messages; Jayway's default provider is json-smart (unverified for AWS). */
const JSON_PROVIDER_CLASS = 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider';

// ---------------------------------------------------------------------------------------------------------
// Tokens

type FnArg = { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'path'; readonly path: CompiledPath };

type Token =
  | { readonly kind: 'prop'; readonly names: readonly string[]; readonly quote: string }
  | { readonly kind: 'index'; readonly indexes: readonly number[] }
  | { readonly kind: 'slice'; readonly from: number | undefined; readonly to: number | undefined }
  | { readonly kind: 'wild' }
  | { readonly kind: 'scan' }
  | { readonly kind: 'filter'; readonly pred: FilterPredicate }
  | { readonly kind: 'fn'; readonly name: string; readonly args: readonly FnArg[] };

type FilterPredicate = (item: unknown, root: unknown) => boolean;

function tokenDefinite(t: Token, leaf: boolean): boolean {
  switch (t.kind) {
    case 'prop': return t.names.length === 1 || leaf;
    case 'index': return t.indexes.length === 1;
    case 'fn': return true;
    default: return false;
  }
}

function fragment(t: Token): string {
  switch (t.kind) {
    case 'prop': return `[${t.names.map((n) => t.quote + n + t.quote).join(',')}]`;
    case 'index': return `[${t.indexes.join(',')}]`;
    case 'slice': return `[${t.from ?? ''}:${t.to ?? ''}]`;
    case 'wild': return '[*]';
    case 'scan': return '..';
    case 'filter': return '[?]';
    case 'fn': return `.${t.name}()`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Parser (mirrors Jayway's PathCompiler, including which inputs it accepts)

function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

class PathParser {
  pos = 0;
  readonly tokens: Token[] = [];
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw new JsonPathSyntaxError(msg);
  }
  ch(i = this.pos): string | undefined {
    return this.s[i];
  }
  nextSignificant(from: number): { c: string | undefined; i: number } {
    let i = from + 1;
    while (i < this.s.length && isWs(this.s[i])) i++;
    return { c: this.s[i], i };
  }

  parse(): Token[] {
    const s = this.s;
    if (s.length === 0 || (s[0] !== '$' && s[0] !== '@')) this.fail("Path must start with '$' or '@'");
    if (s.endsWith('.')) this.fail("Path must not end with a '.' or '..'");
    if (s.length === 1) return this.tokens;
    this.pos = 1;
    if (s[1] !== '.' && s[1] !== '[') this.fail("Illegal character at position 1 expected '.' or '['");
    while (this.pos < s.length) this.readNext();
    const fnAt = this.tokens.findIndex((t) => t.kind === 'fn');
    if (fnAt >= 0 && fnAt !== this.tokens.length - 1) this.fail('Path functions are only supported at the end of a path');
    return this.tokens;
  }

  readNext(): void {
    const c = this.ch();
    if (c === '[') {
      if (this.readBracketProperty() || this.readArray() || this.readWildcard() || this.readFilter()) return;
      this.fail(`Could not parse token starting at position ${this.pos}. Expected ?, ', 0-9, * `);
    }
    if (c === '.') return this.readDot();
    if (c === '*') { this.readWildcard(); return; }
    this.readPropertyOrFunction();
  }

  readDot(): void {
    if (this.ch(this.pos + 1) === '.') {
      this.tokens.push({ kind: 'scan' });
      this.pos += 2;
    } else {
      if (this.pos + 1 >= this.s.length) this.fail("Path must not end with a '.");
      this.pos += 1;
    }
    if (this.ch() === '.') this.fail(`Character '.' on position ${this.pos} is not valid.`);
    if (this.pos >= this.s.length) this.fail("Path must not end with a '.' or '..'");
    this.readNext();
  }

  readPropertyOrFunction(): void {
    const start = this.pos;
    let i = start;
    let isFunction = false;
    while (i < this.s.length) {
      const c = this.s[i];
      if (c === ' ') this.fail(`Use bracket notion ['my prop'] if your property contains blank characters. position: ${this.pos}`);
      if (c === '.' || c === '[') break;
      if (c === '(') { isFunction = true; break; }
      i++;
    }
    const name = this.s.slice(start, i);
    if (name === '') this.fail(`Could not parse token starting at position ${this.pos}`);
    if (!isFunction) {
      this.tokens.push({ kind: 'prop', names: [name], quote: "'" });
      this.pos = i;
      return;
    }
    // find the matching ')'
    let depth = 0;
    let j = i;
    let quote: string | undefined;
    for (; j < this.s.length; j++) {
      const c = this.s[j];
      if (quote !== undefined) {
        if (c === '\\') j++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    if (depth !== 0 || j >= this.s.length) this.fail(`Arguments to function: '${name}' are not closed properly.`);
    const argText = this.s.slice(i + 1, j);
    this.tokens.push({ kind: 'fn', name, args: parseFunctionArgs(name, argText) });
    this.pos = j + 1;
  }

  readBracketProperty(): boolean {
    const { c: delim } = this.nextSignificant(this.pos);
    if (delim !== "'" && delim !== '"') return false;
    const names: string[] = [];
    let i = this.pos + 1;
    let inProp = false;
    let start = 0;
    let lastWasComma = false;
    for (; i < this.s.length; i++) {
      const c = this.s[i];
      if (inProp && c === '\\') { i++; continue; }
      if (c === ']' && !inProp) {
        if (lastWasComma) this.fail(`Found empty property at index ${i}`);
        break;
      }
      if (c === delim) {
        if (inProp) {
          const next = this.nextSignificant(i).c;
          if (next !== ']' && next !== ',') this.fail(`Property must be separated by comma or Property must be terminated close square bracket at index ${i}`);
          // AWS keeps escapes as written (corpus: `$['Test\""Name"']` reads key `Test\""Name"`)
          names.push(this.s.slice(start, i));
          inProp = false;
        } else {
          start = i + 1;
          inProp = true;
          lastWasComma = false;
        }
      } else if (c === ',' && !inProp) {
        if (lastWasComma) this.fail(`Found empty property at index ${i}`);
        lastWasComma = true;
      } else if (!inProp && !isWs(c)) {
        this.fail(`Property must be separated by comma or Property must be terminated close square bracket at index ${i}`);
      }
    }
    if (inProp) this.fail(`Property has not been closed - missing closing ${delim}`);
    if (this.s[i] !== ']') this.fail('Property has not been closed - missing closing ]');
    this.tokens.push({ kind: 'prop', names, quote: delim });
    this.pos = i + 1;
    return true;
  }

  readArray(): boolean {
    const { c } = this.nextSignificant(this.pos);
    if (!isDigit(c) && c !== '-' && c !== ':') return false;
    const close = this.s.indexOf(']', this.pos + 1);
    if (close < 0) return false;
    const expr = this.s.slice(this.pos + 1, close).trim();
    for (const ch of expr) if (!isDigit(ch) && ch !== ',' && ch !== '-' && ch !== ':' && ch !== ' ') return false;
    if (expr.includes(':')) {
      // Jayway: `from:to` only; a third part (step) is ignored, and blanks are not allowed.
      if (/[^0-9:-]/.test(expr)) this.fail(`Failed to parse SliceOperation: ${expr}`);
      const parts = expr.split(':');
      const from = parseSliceBound(parts[0], expr);
      const to = parseSliceBound(parts[1], expr);
      if (from === undefined && to === undefined) this.fail(`Failed to parse SliceOperation: ${expr}`);
      this.tokens.push({ kind: 'slice', from, to });
    } else {
      const indexes = expr.split(/\s*,\s*/).map((t) => {
        if (!/^-?\d+$/.test(t)) this.fail(`Failed to parse token in ArrayIndexOperation: ${t}`);
        return Number(t);
      });
      this.tokens.push({ kind: 'index', indexes });
    }
    this.pos = close + 1;
    return true;
  }

  readWildcard(): boolean {
    if (this.ch() === '[') {
      const star = this.nextSignificant(this.pos);
      if (star.c !== '*') return false;
      const close = this.nextSignificant(star.i);
      if (close.c !== ']') this.fail(`Expected wildcard token to end with ']' on position ${star.i + 1}`);
      this.pos = close.i + 1;
    } else {
      this.pos += 1;
    }
    this.tokens.push({ kind: 'wild' });
    return true;
  }

  readFilter(): boolean {
    const q = this.nextSignificant(this.pos);
    if (q.c !== '?') return false;
    const open = this.nextSignificant(q.i);
    if (open.c !== '(') {
      if (open.c === ']' || open.c === ',') this.fail('Filter placeholders [?] need predicates; they are not supported in ASL');
      return false;
    }
    const closeParen = findClosingParen(this.s, open.i);
    if (closeParen < 0) return false;
    const closeBracket = this.nextSignificant(closeParen);
    if (closeBracket.c !== ']') return false;
    const expr = this.s.slice(open.i + 1, closeParen);
    this.tokens.push({ kind: 'filter', pred: compileFilter(expr) });
    this.pos = closeBracket.i + 1;
    return true;
  }
}

function parseSliceBound(t: string | undefined, expr: string): number | undefined {
  if (t === undefined || t === '') return undefined;
  if (!/^-?\d+$/.test(t)) throw new JsonPathSyntaxError(`Failed to parse SliceOperation: ${expr}`);
  return Number(t);
}

/** Index of the `)` matching the `(` at `open`, skipping quoted strings and /regex/ literals; -1 if none. */
function findClosingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"' || (c === '/' && s[i - 1] !== undefined && /[\s~=(]/.test(s[i - 1] as string))) {
      const end = c;
      for (i++; i < s.length && s[i] !== end; i++) if (s[i] === '\\') i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function parseFunctionArgs(name: string, text: string): FnArg[] {
  if (text.trim() === '') return [];
  const out: FnArg[] = [];
  for (const raw of splitTopLevel(text, ',')) {
    const a = raw.trim();
    if (a.startsWith('$') || a.startsWith('@')) out.push({ kind: 'path', path: compilePath(a) });
    else {
      try {
        out.push({ kind: 'json', value: JSON.parse(a) });
      } catch {
        throw new JsonPathSyntaxError(`Arguments to function: '${name}' are not valid: ${a}`);
      }
    }
  }
  return out;
}

function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

// ---------------------------------------------------------------------------------------------------------
// Evaluator (Jayway's token evaluation; `suppress` stands for Jayway's SUPPRESS_EXCEPTIONS, which AWS uses for
// indefinite paths: corpus `$.item.items[1:5]` on `{}` returns `[]`)

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** Assignment that also works for a key named `__proto__` (JSON input may contain one). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Java class of a value as json-smart would hold it (used in Jayway messages). */
function javaClass(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 'java.lang.Double';
    return Math.abs(v) <= 2147483647 ? 'java.lang.Integer' : 'java.lang.Long';
  }
  if (Array.isArray(v)) return 'net.minidev.json.JSONArray';
  return 'net.minidev.json.JSONObject';
}

interface EvalCtx {
  readonly root: unknown;
  readonly out: unknown[];
  readonly suppress: boolean;
}

class Evaluator {
  readonly upstreamDefinite: boolean[] = [];
  readonly definiteTok: boolean[] = [];
  constructor(readonly tokens: readonly Token[]) {
    let up = true;
    tokens.forEach((t, i) => {
      this.upstreamDefinite.push(up);
      const d = tokenDefinite(t, i === tokens.length - 1);
      this.definiteTok.push(d);
      up = up && d;
    });
  }

  run(root: unknown, model: unknown, suppress: boolean): unknown[] {
    const ctx: EvalCtx = { root, out: [], suppress };
    if (this.tokens.length === 0) ctx.out.push(model);
    else this.evaluate(0, '$', model, ctx);
    return ctx.out;
  }

  private emit(i: number, path: string, value: unknown, ctx: EvalCtx): void {
    if (i === this.tokens.length - 1) ctx.out.push(value);
    else this.evaluate(i + 1, path, value, ctx);
  }

  evaluate(i: number, path: string, model: unknown, ctx: EvalCtx): void {
    const t = this.tokens[i] as Token;
    const leaf = i === this.tokens.length - 1;
    const upDef = this.upstreamDefinite[i] === true && !ctx.suppress;
    switch (t.kind) {
      case 'prop': {
        if (!isMap(model)) {
          if (!upDef) return;
          throw new PathNotFoundError(`Expected to find an object with property ${fragment(t)} in path ${path} but found '${javaClass(model)}'. This is not a json object according to the JsonProvider: '${JSON_PROVIDER_CLASS}'.`);
        }
        if (t.names.length > 1 && leaf) {
          const merged: Record<string, unknown> = {};
          for (const n of t.names) if (hasOwn(model, n)) setOwn(merged, n, model[n]);
          ctx.out.push(merged);
          return;
        }
        const tokDef = this.definiteTok[i] === true;
        for (const n of t.names) {
          const evalPath = `${path}['${n}']`;
          if (!hasOwn(model, n)) {
            if (leaf || !(upDef && tokDef)) continue;
            throw new PathNotFoundError(`Missing property in path ${evalPath}`);
          }
          this.emit(i, evalPath, model[n], ctx);
        }
        return;
      }
      case 'index': {
        if (!this.checkArray(t, path, model, upDef)) return;
        const arr = model as unknown[];
        for (const idx of t.indexes) {
          const eff = idx < 0 ? arr.length + idx : idx;
          if (eff >= 0 && eff < arr.length) this.emit(i, `${path}[${idx}]`, arr[eff], ctx);
        }
        return;
      }
      case 'slice': {
        if (!this.checkArray(t, path, model, upDef)) return;
        const arr = model as unknown[];
        const len = arr.length;
        let from: number;
        let to: number;
        if (t.from !== undefined && t.to !== undefined) {
          // Jayway sliceBetween: negative bounds are not rebased (`[1:-1]` is empty); a negative start
          // reads from the end one index at a time, as a negative index does.
          from = t.from;
          to = Math.min(len, t.to);
        } else if (t.from !== undefined) {
          from = Math.max(0, t.from < 0 ? len + t.from : t.from);
          to = len;
        } else {
          from = 0;
          const end = t.to as number;
          to = Math.min(len, end < 0 ? len + end : end);
        }
        for (let k = from; k < to; k++) {
          const eff = k < 0 ? len + k : k;
          if (eff >= 0 && eff < len) this.emit(i, `${path}[${k}]`, arr[eff], ctx);
        }
        return;
      }
      case 'wild': {
        if (isMap(model)) {
          for (const k of Object.keys(model)) this.emit(i, `${path}['${k}']`, model[k], ctx);
        } else if (Array.isArray(model)) {
          for (let k = 0; k < model.length; k++) this.emit(i, `${path}[${k}]`, model[k], ctx);
        }
        return;
      }
      case 'scan': {
        this.walk(i + 1, path, model, ctx);
        return;
      }
      case 'filter': {
        if (isMap(model)) {
          // Jayway: a filter applied to an object tests the object itself
          if (t.pred(model, ctx.root)) this.emit(i, path, model, ctx);
        } else if (Array.isArray(model)) {
          for (let k = 0; k < model.length; k++) if (t.pred(model[k], ctx.root)) this.emit(i, `${path}[${k}]`, model[k], ctx);
        } else if (upDef) {
          throw new PathNotFoundError(`Filter: [?] can not be applied to primitives. Current context is: ${javaToString(model)}`);
        }
        return;
      }
      case 'fn':
        ctx.out.push(applyFunction(t.name, t.args, model, ctx.root));
        return;
    }
  }

  private checkArray(t: Token, path: string, model: unknown, upDef: boolean): boolean {
    if (model === null || model === undefined) {
      if (!upDef) return false;
      throw new PathNotFoundError(`The path ${path} is null`);
    }
    if (!Array.isArray(model)) {
      if (!upDef) return false;
      throw new PathNotFoundError(`Filter: ${fragment(t)} can only be applied to arrays. Current context is: ${javaToString(model)}`);
    }
    return true;
  }

  /** Jayway ScanPathToken.walk: `pt` is the token after `..`. */
  private walk(pt: number, path: string, model: unknown, ctx: EvalCtx): void {
    const t = this.tokens[pt] as Token;
    const ptLeaf = pt === this.tokens.length - 1;
    if (isMap(model)) {
      if (this.scanMatches(t, ptLeaf, model, ctx)) this.evaluate(pt, path, model, ctx);
      for (const k of Object.keys(model)) this.walk(pt, `${path}['${k}']`, model[k], ctx);
    } else if (Array.isArray(model)) {
      if (this.scanMatches(t, ptLeaf, model, ctx)) {
        if (ptLeaf) this.evaluate(pt, path, model, ctx);
        // Jayway quirk: a non-leaf token after `..` that matches an array is skipped and the rest of the path
        // is applied to every element.
        else for (let k = 0; k < model.length; k++) this.evaluate(pt + 1, `${path}[${k}]`, model[k], ctx);
      }
      for (let k = 0; k < model.length; k++) this.walk(pt, `${path}[${k}]`, model[k], ctx);
    }
  }

  private scanMatches(t: Token, leaf: boolean, model: unknown, ctx: EvalCtx): boolean {
    switch (t.kind) {
      case 'prop':
        if (!isMap(model)) return false;
        if (!tokenDefinite(t, leaf)) return true;
        return t.names.every((n) => hasOwn(model, n));
      case 'index':
      case 'slice':
        return Array.isArray(model);
      case 'wild':
        return true;
      case 'filter':
        return t.pred(model, ctx.root);
      default:
        return false;
    }
  }
}

function javaToString(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? 'null';
}

const AGGREGATES: ReadonlySet<string> = new Set(['min', 'max', 'sum', 'avg', 'stddev']);

// Jayway path functions (at the path end). Aggregates skip non-numbers and fail on no numbers.
function applyFunction(name: string, args: readonly FnArg[], model: unknown, root: unknown): unknown {
  const argValues = (): unknown[] => args.map((a) => (a.kind === 'json' ? a.value : a.path.read(root)));
  const numbers = (): number[] => {
    const nums: number[] = [];
    if (Array.isArray(model)) for (const v of model) if (typeof v === 'number') nums.push(v);
    for (const a of argValues()) {
      if (typeof a === 'number') nums.push(a);
      else if (Array.isArray(a)) for (const v of a) if (typeof v === 'number') nums.push(v);
    }
    if (nums.length === 0) throw new PathNotFoundError('Aggregation function attempted to calculate value using empty array');
    return nums;
  };
  switch (name) {
    case 'length':
    case 'size':
      if (Array.isArray(model)) return model.length;
      if (isMap(model)) return Object.keys(model).length;
      if (typeof model === 'string') return model.length;
      return null;
    case 'min': return Math.min(...numbers());
    case 'max': return Math.max(...numbers());
    case 'sum': return numbers().reduce((a, b) => a + b, 0);
    case 'avg': {
      const n = numbers();
      return n.reduce((a, b) => a + b, 0) / n.length;
    }
    case 'stddev': {
      const n = numbers();
      const mean = n.reduce((a, b) => a + b, 0) / n.length;
      return Math.sqrt(n.reduce((a, b) => a + b * b, 0) / n.length - mean * mean);
    }
    case 'keys':
      return isMap(model) ? Object.keys(model) : null;
    case 'first':
    case 'last':
    case 'index': {
      if (!Array.isArray(model)) return null;
      if (model.length === 0) throw new PathNotFoundError(`Function ${name} on empty array`);
      let k = name === 'first' ? 0 : name === 'last' ? model.length - 1 : Number(argValues()[0]);
      if (k < 0) k += model.length;
      if (!(k >= 0 && k < model.length)) throw new PathNotFoundError(`Index out of bounds: ${k}`);
      return model[k];
    }
    case 'concat': {
      let s = '';
      if (Array.isArray(model)) for (const v of model) s += typeof v === 'string' ? v : '';
      else if (typeof model === 'string') s = model;
      for (const a of argValues()) s += typeof a === 'string' ? a : JSON.stringify(a);
      return s;
    }
    case 'append':
      return Array.isArray(model) ? [...model, ...argValues()] : model;
    default:
      throw new PathNotFoundError(`Function with name: ${name} does not exist.`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Filters: `[?(<expr>)]` with Jayway's operators and value semantics

type FValue =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'null' }
  | { readonly t: 'json'; readonly v: unknown }
  | { readonly t: 'regex'; readonly re: RegExp; readonly src: string }
  | { readonly t: 'undef' };

type FOperand = (item: unknown, root: unknown) => FValue;

const UNDEF: FValue = { t: 'undef' };

function toFValue(v: unknown): FValue {
  if (v === undefined) return UNDEF;
  if (v === null) return { t: 'null' };
  if (typeof v === 'string') return { t: 'str', v };
  if (typeof v === 'number') return { t: 'num', v };
  if (typeof v === 'boolean') return { t: 'bool', v };
  return { t: 'json', v };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Jayway ValueNode.equals: numbers and strings compare across types (`1 == '1'`), undefined equals nothing. */
function fEquals(l: FValue, r: FValue): boolean {
  switch (l.t) {
    case 'num':
      if (r.t === 'num') return l.v === r.v;
      if (r.t === 'str') {
        const n = r.v.trim() === '' ? NaN : Number(r.v);
        return !Number.isNaN(n) && n === l.v;
      }
      return false;
    case 'str':
      if (r.t === 'str') return l.v === r.v;
      if (r.t === 'num') return l.v === String(r.v);
      return false;
    case 'bool': return r.t === 'bool' && l.v === r.v;
    case 'null': return r.t === 'null';
    case 'json': return r.t === 'json' && deepEqual(l.v, r.v);
    case 'regex': return r.t === 'regex' && l.src === r.src;
    case 'undef': return false;
  }
}

function asList(v: FValue): FValue[] | undefined {
  return v.t === 'json' && Array.isArray(v.v) ? v.v.map(toFValue) : undefined;
}

function regexInput(v: FValue): string {
  if (v.t === 'str') return v.v;
  if (v.t === 'num' || v.t === 'bool') return String(v.v);
  return '';
}

type RelOp = (l: FValue, r: FValue) => boolean;

const inOp: RelOp = (l, r) => (asList(r) ?? []).some((e) => fEquals(l, e));

const REL_OPS: Record<string, RelOp> = {
  '==': fEquals,
  '!=': (l, r) => !fEquals(l, r),
  '===': (l, r) => l.t === r.t && fEquals(l, r),
  '!==': (l, r) => !(l.t === r.t && fEquals(l, r)),
  '<': (l, r) => (l.t === 'num' && r.t === 'num') || (l.t === 'str' && r.t === 'str') ? l.v < r.v : false,
  '<=': (l, r) => (l.t === 'num' && r.t === 'num') || (l.t === 'str' && r.t === 'str') ? l.v <= r.v : false,
  '>': (l, r) => (l.t === 'num' && r.t === 'num') || (l.t === 'str' && r.t === 'str') ? l.v > r.v : false,
  '>=': (l, r) => (l.t === 'num' && r.t === 'num') || (l.t === 'str' && r.t === 'str') ? l.v >= r.v : false,
  '=~': (l, r) => {
    // Jayway: exactly one side is a pattern; Java `matches()` is a whole-string match.
    if ((l.t === 'regex') === (r.t === 'regex')) return false;
    const [p, v] = l.t === 'regex' ? [l, r] : [r as FValue & { t: 'regex' }, l];
    const list = asList(v);
    if (list) return list.some((e) => p.re.test(regexInput(e)));
    return p.re.test(regexInput(v));
  },
  in: inOp,
  nin: (l, r) => !inOp(l, r),
  subsetof: (l, r) => {
    const a = asList(l);
    const b = asList(r);
    return a !== undefined && b !== undefined && a.every((x) => b.some((y) => fEquals(x, y)));
  },
  anyof: (l, r) => {
    const a = asList(l);
    const b = asList(r);
    return a !== undefined && b !== undefined && a.some((x) => b.some((y) => fEquals(x, y)));
  },
  noneof: (l, r) => {
    const a = asList(l);
    const b = asList(r);
    return a !== undefined && b !== undefined && !a.some((x) => b.some((y) => fEquals(x, y)));
  },
  contains: (l, r) => {
    if (l.t === 'str') return r.t === 'str' && l.v.includes(r.v);
    const a = asList(l);
    return a !== undefined && a.some((x) => fEquals(x, r));
  },
  size: (l, r) => {
    if (r.t !== 'num') return false;
    if (l.t === 'str') return l.v.length === r.v;
    return l.t === 'json' && Array.isArray(l.v) && l.v.length === r.v;
  },
  empty: (l, r) => {
    if (r.t !== 'bool') return false;
    if (l.t === 'str') return (l.v.length === 0) === r.v;
    if (l.t === 'json' && (Array.isArray(l.v) || isMap(l.v))) return (Object.keys(l.v as object).length === 0) === r.v;
    return false;
  },
};
const WORD_OPS = ['in', 'nin', 'subsetof', 'anyof', 'noneof', 'contains', 'size', 'empty'] as const;

class FilterParser {
  pos = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw new JsonPathSyntaxError(`Failed to parse filter [?(${this.s})]: ${msg}`);
  }
  skip(): void {
    while (isWs(this.s[this.pos])) this.pos++;
  }
  peek(str: string): boolean {
    this.skip();
    return this.s.startsWith(str, this.pos);
  }

  parseAll(): FilterPredicate {
    const p = this.parseOr();
    this.skip();
    if (this.pos < this.s.length) this.fail(`unexpected '${this.s.slice(this.pos)}'`);
    return p;
  }

  parseOr(): FilterPredicate {
    let left = this.parseAnd();
    while (this.peek('||')) {
      this.pos += 2;
      const l = left;
      const r = this.parseAnd();
      left = (i, root) => l(i, root) || r(i, root);
    }
    return left;
  }

  parseAnd(): FilterPredicate {
    let left = this.parseUnary();
    while (this.peek('&&')) {
      this.pos += 2;
      const l = left;
      const r = this.parseUnary();
      left = (i, root) => l(i, root) && r(i, root);
    }
    return left;
  }

  parseUnary(): FilterPredicate {
    this.skip();
    const c = this.s[this.pos];
    if (c === '!') {
      // Jayway: `!` before a path is an existence test; before anything else it negates the operand
      const next = this.s.slice(this.pos + 1).trimStart()[0];
      if (next !== '$' && next !== '@') {
        this.pos++;
        const inner = this.parseUnary();
        return (i, root) => !inner(i, root);
      }
    }
    if (c === '(') {
      this.pos++;
      const inner = this.parseOr();
      if (!this.peek(')')) this.fail('expected )');
      this.pos++;
      return inner;
    }
    return this.parseRelational();
  }

  parseRelational(): FilterPredicate {
    this.skip();
    const negated = this.s[this.pos] === '!';
    if (negated) {
      this.pos++;
      this.skip();
    }
    const leftStart = this.pos;
    const left = this.parseOperand();
    this.skip();
    const op = this.readOperator();
    if (op === undefined) {
      // existence check: `@.isbn` / `!@.isbn`
      const text = this.s.slice(leftStart, this.pos).trim();
      if (text[0] !== '@' && text[0] !== '$') this.fail(`expected a path for an existence check, got ${text}`);
      const path = compilePath(text);
      return (i, root) => {
        let found: boolean;
        try {
          const doc = text[0] === '$' ? root : i;
          found = path.definite ? (path.read(doc), true) : true;
        } catch {
          found = false;
        }
        return found !== negated;
      };
    }
    if (negated) this.fail('! can only negate a path existence check');
    const right = this.parseOperand();
    const rel = REL_OPS[op] as RelOp;
    return (i, root) => rel(left(i, root), right(i, root));
  }

  readOperator(): string | undefined {
    this.skip();
    for (const op of ['===', '!==', '==', '!=', '<=', '>=', '=~', '<', '>']) {
      if (this.s.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    for (const w of WORD_OPS) {
      if (this.s.startsWith(w, this.pos) && !/[A-Za-z0-9_]/.test(this.s[this.pos + w.length] ?? '')) {
        this.pos += w.length;
        return w;
      }
    }
    return undefined;
  }

  parseOperand(): FOperand {
    this.skip();
    const s = this.s;
    const c = s[this.pos];
    if (c === '@' || c === '$') {
      const start = this.pos;
      let depth = 0;
      let quote: string | undefined;
      for (; this.pos < s.length; this.pos++) {
        const ch = s[this.pos] as string;
        if (quote !== undefined) {
          if (ch === '\\') this.pos++;
          else if (ch === quote) quote = undefined;
          continue;
        }
        if (ch === "'" || ch === '"') quote = ch;
        else if (ch === '[' || ch === '(') depth++;
        else if ((ch === ']' || ch === ')') && depth > 0) depth--;
        else if (depth === 0 && (isWs(ch) || '=!<>&|)'.includes(ch))) break;
      }
      const text = s.slice(start, this.pos);
      const path = compilePath(text);
      const fromRoot = text[0] === '$';
      return (item, root) => {
        try {
          return toFValue(path.read(fromRoot ? root : item));
        } catch {
          return UNDEF;
        }
      };
    }
    if (c === "'" || c === '"') {
      let i = this.pos + 1;
      let out = '';
      for (; i < s.length && s[i] !== c; i++) {
        if (s[i] === '\\' && i + 1 < s.length) {
          i++;
          const e = s[i] as string;
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
        } else out += s[i];
      }
      if (i >= s.length) this.fail('unterminated string');
      this.pos = i + 1;
      const v: FValue = { t: 'str', v: out };
      return () => v;
    }
    if (c === '/') {
      const start = this.pos;
      let i = this.pos + 1;
      for (; i < s.length && s[i] !== '/'; i++) if (s[i] === '\\') i++;
      if (i >= s.length) this.fail('unterminated regular expression');
      const src = s.slice(this.pos + 1, i);
      let j = i + 1;
      while (j < s.length && /[a-zA-Z]/.test(s[j] as string)) j++;
      const flags = s.slice(i + 1, j).replace(/[^ims]/g, '');
      this.pos = j;
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${src})$`, flags);
      } catch {
        this.fail(`invalid regular expression /${src}/`);
      }
      const v: FValue = { t: 'regex', re, src: s.slice(start, j) };
      return () => v;
    }
    if (c === '[' || c === '{') {
      const close = c === '[' ? ']' : '}';
      let depth = 0;
      let i = this.pos;
      let quote: string | undefined;
      for (; i < s.length; i++) {
        const ch = s[i];
        if (quote !== undefined) {
          if (ch === '\\') i++;
          else if (ch === quote) quote = undefined;
        } else if (ch === "'" || ch === '"') quote = ch;
        else if (ch === c) depth++;
        else if (ch === close && --depth === 0) break;
      }
      if (i >= s.length) this.fail('unterminated JSON literal');
      const v = toFValue(parseLenientJson(s.slice(this.pos, i + 1), (m) => this.fail(m)));
      this.pos = i + 1;
      return () => v;
    }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(s.slice(this.pos));
    if (m) {
      this.pos += m[0].length;
      const v = toFValue(JSON.parse(m[0]));
      return () => v;
    }
    this.fail(`unexpected '${s.slice(this.pos)}'`);
  }
}

/** JSON with single-quoted strings allowed (Jayway parses filter literals with json-smart's permissive mode). */
function parseLenientJson(text: string, fail: (m: string) => never): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === "'") {
      let str = '';
      for (i++; i < text.length && text[i] !== "'"; i++) {
        if (text[i] === '\\' && i + 1 < text.length) { i++; str += text[i]; } else str += text[i];
      }
      out += JSON.stringify(str);
    } else out += c;
  }
  try {
    return JSON.parse(out);
  } catch {
    return fail(`invalid JSON literal ${text}`);
  }
}

function compileFilter(expr: string): FilterPredicate {
  return new FilterParser(expr).parseAll();
}

// ---------------------------------------------------------------------------------------------------------
// compilePath

const cache = new Map<string, CompiledPath>();

/** Compiles a JSONPath once (cached by text). Throws JsonPathSyntaxError on bad syntax. */
export function compilePath(text: string): CompiledPath {
  const hit = cache.get(text);
  if (hit) return hit;
  const compiled = buildPath(text);
  if (cache.size > 10_000) cache.clear();
  cache.set(text, compiled);
  return compiled;
}

function buildPath(text: string): CompiledPath {
  const trimmed = text.trim();
  const tokens = new PathParser(trimmed).parse();
  const ev = new Evaluator(tokens);
  const last = tokens[tokens.length - 1];
  const rootChar = trimmed[0] as string;
  const toStringText = rootChar + tokens.map(fragment).join('');

  // A function at the end applies to the value of the path before it (its match list when that is indefinite).
  if (last !== undefined && last.kind === 'fn') {
    const prefix = new Evaluator(tokens.slice(0, -1));
    const prefixDefinite = prefix.definiteTok.every(Boolean);
    const read = (root: unknown): unknown => {
      const matches = prefix.run(root, root, !prefixDefinite);
      if (prefixDefinite && matches.length === 0) throw new PathNotFoundError(`No results for path: ${toStringText}`);
      if (prefixDefinite) return applyFunction(last.name, last.args, matches[0], root);
      // Indefinite prefix: aggregates run over all matches (`$..price.sum()`); other functions run per match, and
      // one match gives its plain result (Jayway README: `$..book.length()` is the number of books).
      if (AGGREGATES.has(last.name)) return applyFunction(last.name, last.args, matches, root);
      const each = matches.map((m) => applyFunction(last.name, last.args, m, root));
      return each.length === 1 ? each[0] : each;
    };
    return { text, definite: true, read, exists: (root) => existsBy(read, root) };
  }

  const definite = ev.definiteTok.every(Boolean);
  if (!definite) {
    return { text, definite, read: (root) => ev.run(root, root, true), exists: () => true };
  }

  const slowRead = (root: unknown): unknown => {
    const out = ev.run(root, root, false);
    if (out.length === 0) throw new PathNotFoundError(`No results for path: ${toStringText}`);
    return out[0];
  };

  // Fast path: only single names and single indexes, walked as plain lookups; any miss re-runs the Jayway
  // evaluator, which produces AWS's exact error.
  const simple = tokens.every((t) => (t.kind === 'prop' && t.names.length === 1) || t.kind === 'index');
  let read = slowRead;
  if (simple) {
    const steps = tokens.map((t) => (t.kind === 'prop' ? (t.names[0] as string) : (t as { indexes: readonly number[] }).indexes[0] as number));
    if (steps.length === 0) read = (root) => root;
    else if (steps.length === 1 && typeof steps[0] === 'string') {
      const k = steps[0];
      read = (root) => (isMap(root) && hasOwn(root, k) ? root[k] : slowRead(root));
    } else {
      read = (root) => {
        let v: unknown = root;
        for (const s of steps) {
          if (typeof s === 'string') {
            if (!isMap(v) || !hasOwn(v, s)) return slowRead(root);
            v = v[s];
          } else {
            if (!Array.isArray(v)) return slowRead(root);
            const eff = s < 0 ? v.length + s : s;
            if (eff < 0 || eff >= v.length) return slowRead(root);
            v = v[eff];
          }
        }
        return v;
      };
    }
  }
  return { text, definite, read, exists: (root) => existsBy(read, root) };
}

function existsBy(read: (root: unknown) => unknown, root: unknown): boolean {
  try {
    read(root);
    return true;
  } catch (e) {
    if (e instanceof PathNotFoundError) return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reference paths (ResultPath): `$`, `.name`, `['name']`, `[n]` only

/** A compiled ResultPath-style reference path. */
export interface CompiledReferencePath {
  readonly text: string;
  /** A new root with `value` placed at the path (copy-on-write; missing objects are created). */
  set(root: unknown, value: unknown): unknown;
}

const refCache = new Map<string, CompiledReferencePath>();

/**
 * Compiles a reference path (ASL spec: "a Reference Path … may only identify a single node"). Throws
 * JsonPathSyntaxError for anything but names and indexes. `set` throws StatesError States.ResultPathMatchFailure
 * with `Unable to apply ReferencePath <path> to input "<json>"` when a step meets a non-object (as AWS reports it).
 */
export function compileReferencePath(text: string): CompiledReferencePath {
  const hit = refCache.get(text);
  if (hit) return hit;
  const tokens = new PathParser(text.trim()).parse();
  if (text.trim()[0] !== '$') throw new JsonPathSyntaxError("Path must start with '$'");
  const steps: (string | number)[] = tokens.map((t) => {
    if (t.kind === 'prop' && t.names.length === 1) return t.names[0] as string;
    if (t.kind === 'index' && t.indexes.length === 1) return t.indexes[0] as number;
    throw new JsonPathSyntaxError(`Reference paths only allow names and array indexes: ${text}`);
  });
  const fail = (root: unknown): never => {
    throw new StatesError(StatesErrorName.ResultPathMatchFailure, `Unable to apply ReferencePath ${text} to input ${JSON.stringify(JSON.stringify(root) ?? 'null')}`);
  };
  const setAt = (node: unknown, i: number, value: unknown, root: unknown): unknown => {
    if (i === steps.length) return value;
    const s = steps[i] as string | number;
    if (typeof s === 'string') {
      if (node === undefined) {
        const created: Record<string, unknown> = {};
        setOwn(created, s, setAt(undefined, i + 1, value, root));
        return created;
      }
      if (!isMap(node)) return fail(root);
      // V8: a spread copy is fastest when the key exists (same shape), but adding a key to it is ~10x slower
      // than building the copy key by key
      let copy: Record<string, unknown>;
      if (hasOwn(node, s)) copy = { ...node };
      else {
        copy = {};
        for (const k of Object.keys(node)) setOwn(copy, k, node[k]);
      }
      setOwn(copy, s, setAt(hasOwn(node, s) ? node[s] : undefined, i + 1, value, root));
      return copy;
    }
    if (!Array.isArray(node)) return fail(root);
    const eff = s < 0 ? node.length + s : s;
    if (eff < 0 || eff >= node.length) return fail(root);
    const copy = node.slice();
    copy[eff] = setAt(node[eff], i + 1, value, root);
    return copy;
  };
  const compiled: CompiledReferencePath = { text, set: (root, value) => setAt(root, 0, value, root) };
  refCache.set(text, compiled);
  return compiled;
}
