// The 18 intrinsic functions of JSONPath-mode ASL (`States.Format(...)` and friends), parsed once into closures.
// Outputs follow the recorded AWS corpus (conformance/sfn/dev.jsonl, tag `intrinsic`): Java rendering in
// States.Format (`{Arg1=1, Arg2=[]}`), Java Math.round in States.MathAdd (1.5 → 2, -1.5 → -1), StringTokenizer
// splitting in States.StringSplit (empty tokens dropped), blank text → null in States.StringToJson.
// Path arguments (`$…`, `$$…`, `$var…`) are resolved by the engine through IntrinsicContext.resolvePath.
import type { Entropy } from './clock.js';
import type { JsonValue } from './json.js';
import { StatesError, StatesErrorName } from './errors.js';
import { base64Decode, base64Encode, utf8Decode, utf8Encode } from './base64.js';
import { hashHex, isHashAlgorithm } from './hash.js';

/** Everything an intrinsic needs from the running state. */
export interface IntrinsicContext {
  /** Resolves `$…` (state input), `$$…` (context object) and `$var…` (variables); throws when not found. */
  resolvePath(path: string): unknown;
  entropy: Entropy;
}

export interface CompiledIntrinsic {
  readonly text: string;
  evaluate(ctx: IntrinsicContext): JsonValue;
}

/** A definition-time problem with an intrinsic call (bad syntax, unknown function, wrong argument count). */
export class IntrinsicSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicSyntaxError';
  }
}

/**
 * Error name for failing intrinsics at run time. The ASL spec names States.IntrinsicFailure; executions on AWS
 * (as recorded by LocalStack's snapshot tests, FACTS §2.7) fail with States.Runtime, which is what we raise.
 */
export const INTRINSIC_RUNTIME_ERROR = StatesErrorName.Runtime;

/** Function names exactly as ASL spells them. */
export const IntrinsicName = {
  Format: 'States.Format',
  StringToJson: 'States.StringToJson',
  JsonToString: 'States.JsonToString',
  Array: 'States.Array',
  ArrayPartition: 'States.ArrayPartition',
  ArrayContains: 'States.ArrayContains',
  ArrayRange: 'States.ArrayRange',
  ArrayGetItem: 'States.ArrayGetItem',
  ArrayLength: 'States.ArrayLength',
  ArrayUnique: 'States.ArrayUnique',
  Base64Encode: 'States.Base64Encode',
  Base64Decode: 'States.Base64Decode',
  Hash: 'States.Hash',
  JsonMerge: 'States.JsonMerge',
  MathRandom: 'States.MathRandom',
  MathAdd: 'States.MathAdd',
  StringSplit: 'States.StringSplit',
  UUID: 'States.UUID',
} as const;
export type IntrinsicName = (typeof IntrinsicName)[keyof typeof IntrinsicName];

/** AWS limits (developer guide, intrinsic functions: "Input validation"). */
const MAX_NESTING = 10;
const MAX_RANGE_ITEMS = 1000;
const MAX_ENCODE_CHARS = 10_000;

/** True for text shaped like an intrinsic call: `States.Name(...)`. */
export function isIntrinsicCall(text: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(text) && text.trimEnd().endsWith(')');
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

type Arg =
  | { readonly kind: 'literal'; readonly value: JsonValue; readonly template?: readonly string[] }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly call: Call };

interface Call {
  readonly name: IntrinsicName;
  readonly args: readonly Arg[];
}

const NAMES: ReadonlySet<string> = new Set(Object.values(IntrinsicName));

class IntrinsicParser {
  pos = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw new IntrinsicSyntaxError(`The value for the field is not a valid intrinsic function: ${this.s} (${msg})`);
  }
  skip(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos] as string)) this.pos++;
  }

  parseCall(depth: number): Call {
    if (depth > MAX_NESTING) this.fail(`intrinsic functions can be nested at most ${MAX_NESTING} deep`);
    this.skip();
    const m = /^States\.[A-Za-z0-9]+/.exec(this.s.slice(this.pos));
    if (!m) this.fail(`expected a function name at position ${this.pos}`);
    const name = m[0];
    if (!NAMES.has(name)) this.fail(`unknown function ${name}`);
    this.pos += name.length;
    this.skip();
    if (this.s[this.pos] !== '(') this.fail(`expected '(' after ${name}`);
    this.pos++;
    const args: Arg[] = [];
    this.skip();
    if (this.s[this.pos] === ')') {
      this.pos++;
    } else {
      for (;;) {
        args.push(this.parseArg(depth));
        this.skip();
        const c = this.s[this.pos];
        this.pos++;
        if (c === ')') break;
        if (c !== ',') this.fail(`expected ',' or ')' at position ${this.pos - 1}`);
      }
    }
    const call: Call = { name: name as IntrinsicName, args };
    checkArity(call, (msg) => this.fail(msg));
    return call;
  }

  parseArg(depth: number): Arg {
    this.skip();
    const s = this.s;
    const c = s[this.pos];
    if (c === "'") return this.parseString();
    if (c === '$') {
      const start = this.pos;
      let nest = 0;
      let quote: string | undefined;
      for (; this.pos < s.length; this.pos++) {
        const ch = s[this.pos] as string;
        if (quote !== undefined) {
          if (ch === '\\') this.pos++;
          else if (ch === quote) quote = undefined;
          continue;
        }
        if (ch === "'" || ch === '"') quote = ch;
        else if (ch === '[' || ch === '(') nest++;
        else if ((ch === ']' || ch === ')') && nest > 0) nest--;
        else if (nest === 0 && (ch === ',' || ch === ')')) break;
      }
      return { kind: 'path', path: s.slice(start, this.pos).trim() };
    }
    if (s.startsWith('States.', this.pos)) return { kind: 'call', call: this.parseCall(depth + 1) };
    const lit = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?![A-Za-z0-9_.])/.exec(s.slice(this.pos));
    if (lit) {
      this.pos += lit[0].length;
      return { kind: 'literal', value: JSON.parse(lit[0]) as JsonValue };
    }
    this.fail(`unexpected argument at position ${this.pos}`);
  }

  /** 'text' with the escapes \' \{ \} \\ ; also splits the text at unescaped `{}` for States.Format. */
  parseString(): Arg {
    const s = this.s;
    let value = '';
    const template: string[] = [];
    let piece = '';
    let i = this.pos + 1;
    for (; i < s.length; i++) {
      const c = s[i] as string;
      if (c === "'") break;
      if (c === '\\') {
        const n = s[i + 1];
        if (n === "'" || n === '{' || n === '}' || n === '\\') {
          value += n;
          piece += n;
          i++;
          continue;
        }
        this.fail(`invalid escape sequence at position ${i}`);
      }
      if (c === '{' && s[i + 1] === '}') {
        template.push(piece);
        piece = '';
        value += '{}';
        i++;
        continue;
      }
      value += c;
      piece += c;
    }
    if (i >= s.length) this.fail('unterminated string literal');
    template.push(piece);
    this.pos = i + 1;
    return { kind: 'literal', value, template };
  }
}

/** Allowed argument counts (min, max). */
const ARITY: Record<IntrinsicName, readonly [number, number]> = {
  'States.Format': [1, Infinity],
  'States.StringToJson': [1, 1],
  'States.JsonToString': [1, 1],
  'States.Array': [0, Infinity],
  'States.ArrayPartition': [2, 2],
  'States.ArrayContains': [2, 2],
  'States.ArrayRange': [3, 3],
  'States.ArrayGetItem': [2, 2],
  'States.ArrayLength': [1, 1],
  'States.ArrayUnique': [1, 1],
  'States.Base64Encode': [1, 1],
  'States.Base64Decode': [1, 1],
  'States.Hash': [2, 2],
  'States.JsonMerge': [3, 3],
  'States.MathRandom': [2, 3],
  'States.MathAdd': [2, 2],
  'States.StringSplit': [2, 2],
  'States.UUID': [0, 0],
};

function checkArity(call: Call, fail: (msg: string) => never): void {
  const [min, max] = ARITY[call.name];
  const n = call.args.length;
  if (n < min || n > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    fail(`${call.name} expects ${expected} argument${min === 1 && max === 1 ? '' : 's'} but got ${n}`);
  }
  if (call.name === 'States.JsonToString' && call.args[0]?.kind !== 'path') fail('States.JsonToString expects a path argument');
  if (call.name === 'States.Format') {
    const tpl = call.args[0];
    if (tpl?.kind === 'literal') {
      if (tpl.template === undefined) fail('States.Format expects a string template');
      else if (tpl.template.length - 1 !== n - 1) fail(`States.Format template has ${tpl.template.length - 1} placeholders but ${n - 1} arguments were given`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

const cache = new Map<string, CompiledIntrinsic>();

/** Parses an intrinsic call once (cached by text). Throws IntrinsicSyntaxError at definition time. */
export function compileIntrinsic(text: string): CompiledIntrinsic {
  const hit = cache.get(text);
  if (hit) return hit;
  const parser = new IntrinsicParser(text.trim());
  const call = parser.parseCall(1);
  parser.skip();
  if (parser.pos !== parser.s.length) parser.fail(`unexpected text after the call at position ${parser.pos}`);
  const run = compileCall(call);
  const compiled: CompiledIntrinsic = { text, evaluate: run };
  if (cache.size > 10_000) cache.clear();
  cache.set(text, compiled);
  return compiled;
}

type Run = (ctx: IntrinsicContext) => JsonValue;

function compileArg(a: Arg): Run {
  switch (a.kind) {
    case 'literal': {
      const v = a.value;
      return () => v;
    }
    case 'path': {
      const p = a.path;
      return (ctx) => ctx.resolvePath(p) as JsonValue;
    }
    case 'call':
      return compileCall(a.call);
  }
}

function fail(fn: IntrinsicName, detail: string): never {
  throw new StatesError(INTRINSIC_RUNTIME_ERROR, `Invalid arguments in ${fn}: ${detail}`);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function needString(fn: IntrinsicName, v: unknown, what: string): string {
  if (typeof v !== 'string') fail(fn, `${what} must be a string, but was ${typeName(v)}`);
  return v;
}
function needArray(fn: IntrinsicName, v: unknown, what: string): JsonValue[] {
  if (!Array.isArray(v)) fail(fn, `${what} must be an array, but was ${typeName(v)}`);
  return v as JsonValue[];
}
function needNumber(fn: IntrinsicName, v: unknown, what: string): number {
  if (typeof v !== 'number') fail(fn, `${what} must be a number, but was ${typeName(v)}`);
  return v;
}
function needInteger(fn: IntrinsicName, v: unknown, what: string): number {
  const n = needNumber(fn, v, what);
  if (!Number.isInteger(n)) fail(fn, `${what} must be an integer, but was ${javaNumber(n)}`);
  return n;
}
function needObject(fn: IntrinsicName, v: unknown, what: string): Record<string, JsonValue> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(fn, `${what} must be a JSON object, but was ${typeName(v)}`);
  return v as Record<string, JsonValue>;
}

function compileCall(call: Call): Run {
  const args = call.args.map(compileArg);
  const fn = call.name;
  const a0 = args[0] as Run;
  const a1 = args[1] as Run;
  const a2 = args[2] as Run;
  switch (fn) {
    case 'States.Format': {
      const tplArg = call.args[0];
      const rest = args.slice(1);
      const literalParts = tplArg?.kind === 'literal' ? tplArg.template : undefined;
      return (ctx) => {
        const parts = literalParts ?? needString(fn, a0(ctx), 'the template').split('{}');
        if (parts.length - 1 !== rest.length) fail(fn, `the template has ${parts.length - 1} placeholders but ${rest.length} arguments were given`);
        let out = parts[0] as string;
        for (let i = 0; i < rest.length; i++) out += javaToString((rest[i] as Run)(ctx)) + (parts[i + 1] as string);
        return out;
      };
    }
    case 'States.StringToJson':
      return (ctx) => {
        const s = needString(fn, a0(ctx), 'the argument');
        // Jackson reads blank text as no value: AWS returns null (corpus: " " → null)
        if (s.trim() === '') return null;
        try {
          const v = JSON.parse(s) as JsonValue;
          // Jackson reads "-0" as the integer 0 (corpus: test_string_to_json[3])
          return Object.is(v, -0) ? 0 : v;
        } catch {
          return fail(fn, `the argument is not valid JSON text: ${s}`);
        }
      };
    case 'States.JsonToString':
      return (ctx) => JSON.stringify(a0(ctx) ?? null);
    case 'States.Array':
      return (ctx) => args.map((a) => a(ctx));
    case 'States.ArrayPartition':
      return (ctx) => {
        const arr = needArray(fn, a0(ctx), 'the first argument');
        const size = needInteger(fn, a1(ctx), 'the chunk size');
        if (size <= 0) fail(fn, `the chunk size must be greater than 0, but was ${size}`);
        const out: JsonValue[] = [];
        for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
        return out;
      };
    case 'States.ArrayContains':
      return (ctx) => {
        const arr = needArray(fn, a0(ctx), 'the first argument');
        const v = a1(ctx);
        return arr.some((e) => jsonEquals(e, v));
      };
    case 'States.ArrayRange':
      return (ctx) => {
        const start = needInteger(fn, a0(ctx), 'the start');
        const end = needInteger(fn, a1(ctx), 'the end');
        const step = needInteger(fn, a2(ctx), 'the step');
        if (step === 0) fail(fn, 'the step must not be 0');
        const count = Math.floor((end - start) / step) + 1;
        if (count > MAX_RANGE_ITEMS) fail(fn, `the range would have ${count} items, more than the maximum of ${MAX_RANGE_ITEMS}`);
        const out: number[] = [];
        for (let i = 0; i < count; i++) out.push(start + i * step);
        return out;
      };
    case 'States.ArrayGetItem':
      return (ctx) => {
        const arr = needArray(fn, a0(ctx), 'the first argument');
        const idx = needInteger(fn, a1(ctx), 'the index');
        if (idx < 0 || idx >= arr.length) fail(fn, `the index ${idx} is out of bounds for an array of length ${arr.length}`);
        return arr[idx] as JsonValue;
      };
    case 'States.ArrayLength':
      return (ctx) => needArray(fn, a0(ctx), 'the argument').length;
    case 'States.ArrayUnique':
      return (ctx) => {
        const out: JsonValue[] = [];
        for (const e of needArray(fn, a0(ctx), 'the argument')) if (!out.some((o) => jsonEquals(o, e))) out.push(e);
        return out;
      };
    case 'States.Base64Encode':
      return (ctx) => {
        const s = needString(fn, a0(ctx), 'the argument');
        if (s.length > MAX_ENCODE_CHARS) fail(fn, `the input must be at most ${MAX_ENCODE_CHARS} characters`);
        return base64Encode(utf8Encode(s));
      };
    case 'States.Base64Decode':
      return (ctx) => {
        const s = needString(fn, a0(ctx), 'the argument');
        if (s.length > MAX_ENCODE_CHARS) fail(fn, `the input must be at most ${MAX_ENCODE_CHARS} characters`);
        const bytes = base64Decode(s);
        if (bytes === undefined) fail(fn, `the input is not valid Base64: ${s}`);
        return utf8Decode(bytes);
      };
    case 'States.Hash':
      return (ctx) => {
        const data = a0(ctx);
        const alg = needString(fn, a1(ctx), 'the algorithm');
        if (!isHashAlgorithm(alg)) fail(fn, `the algorithm ${alg} is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512`);
        const text = typeof data === 'string' ? data : JSON.stringify(data ?? null);
        if (text.length > MAX_ENCODE_CHARS) fail(fn, `the input must be at most ${MAX_ENCODE_CHARS} characters`);
        return hashHex(alg, utf8Encode(text));
      };
    case 'States.JsonMerge':
      return (ctx) => {
        const left = needObject(fn, a0(ctx), 'the first argument');
        const right = needObject(fn, a1(ctx), 'the second argument');
        const deep = a2(ctx);
        if (typeof deep !== 'boolean') fail(fn, `the third argument must be a boolean, but was ${typeName(deep)}`);
        if (deep) fail(fn, 'deep merging is not supported; the third argument must be false');
        // shallow: keys of the second object replace those of the first (corpus: test_json_merge)
        const out: Record<string, JsonValue> = {};
        for (const src of [left, right]) {
          for (const k of Object.keys(src)) {
            if (k === '__proto__') Object.defineProperty(out, k, { value: src[k], enumerable: true, writable: true, configurable: true });
            else out[k] = src[k] as JsonValue;
          }
        }
        return out;
      };
    case 'States.MathRandom':
      return (ctx) => {
        // AWS docs: non-integer start/end are rounded to the nearest integer.
        const start = javaRound(needNumber(fn, a0(ctx), 'the start'));
        const end = javaRound(needNumber(fn, a1(ctx), 'the end'));
        if (end <= start) fail(fn, `the end (${end}) must be greater than the start (${start})`);
        const bound = end - start;
        if (bound > 0x7fffffff) fail(fn, 'the range between start and end is too large');
        if (args.length === 3) {
          const seed = javaRound(needNumber(fn, a2(ctx), 'the seed'));
          return start + new JavaRandom(seed).nextInt(bound);
        }
        return start + Math.floor(ctx.entropy.random() * bound);
      };
    case 'States.MathAdd':
      return (ctx) => {
        // corpus: non-integers are rounded half up first (1.5 → 2, -1.5 → -1, -0.5 → 0), like Java Math.round
        const x = javaRound(needNumber(fn, a0(ctx), 'the first argument'));
        const y = javaRound(needNumber(fn, a1(ctx), 'the second argument'));
        return x + y;
      };
    case 'States.StringSplit':
      return (ctx) => {
        const s = needString(fn, a0(ctx), 'the first argument');
        const delims = needString(fn, a1(ctx), 'the second argument');
        // java.util.StringTokenizer: every character of `delims` separates, empty tokens are dropped
        const out: string[] = [];
        let cur = '';
        for (const ch of s) {
          if (delims.includes(ch)) {
            if (cur !== '') out.push(cur);
            cur = '';
          } else cur += ch;
        }
        if (cur !== '') out.push(cur);
        return out;
      };
    case 'States.UUID':
      return (ctx) => ctx.entropy.uuid();
  }
}

/** Java Math.round: floor(x + 0.5). */
function javaRound(x: number): number {
  return Math.floor(x + 0.5);
}

function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEquals(ra[k], rb[k]));
  }
  return false;
}

/** Java's Double.toString / Long.toString for a JSON number (integers print without a fraction). */
export function javaNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) return String(n);
  const [mant, exp] = n.toExponential().split('e') as [string, string];
  return `${mant.includes('.') ? mant : `${mant}.0`}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** Java's toString of the value Jackson would hold: maps `{k=v, …}`, lists `[a, b]`, strings bare (corpus). */
export function javaToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return javaNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(javaToString).join(', ')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).map((k) => `${k}=${javaToString(o[k])}`).join(', ')}}`;
}

/** java.util.Random (48-bit LCG), so a seeded States.MathRandom is repeatable the way Java's is. */
export class JavaRandom {
  private seed: bigint;
  private static readonly MULT = 0x5deece66dn;
  private static readonly MASK = (1n << 48n) - 1n;

  constructor(seed: number) {
    this.seed = (BigInt.asIntN(64, BigInt(Math.trunc(seed))) ^ JavaRandom.MULT) & JavaRandom.MASK;
  }

  next(bits: number): number {
    this.seed = (this.seed * JavaRandom.MULT + 0xbn) & JavaRandom.MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  nextInt(bound: number): number {
    if (bound <= 0) throw new RangeError('bound must be positive');
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const val = bits % bound;
      if (bits - val + (bound - 1) <= 0x7fffffff) return val;
    }
  }
}
