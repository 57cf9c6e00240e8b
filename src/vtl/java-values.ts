// Java value semantics for the Velocity engine: how API Gateway's Java runtime stores, compares,
// prints and calls methods on strings, numbers, maps and lists (java.lang / java.util behaviour).
import { JavaException } from './java-exception.js';
import { javaRegex, javaReplacement, javaSplit } from './java-regex.js';

export { JavaException };

/** A java.lang.Double (or Float). Integers are plain JS numbers; doubles are boxed so `2.0` prints "2.0". */
export class JavaDouble {
  constructor(readonly value: number) {}
}

/**
 * How a map prints. `map`: java.util.LinkedHashMap (`{k=v, k2=v2}`). `json`: a json-smart JSONObject
 * (prints as JSON). `opaque`: API Gateway's own $context sub-objects, which render as the empty string
 * (recorded: `"$context.get('identity')"` → `""`).
 */
export type MapStyle = 'map' | 'json' | 'opaque';

/** java.util.Map with insertion order (LinkedHashMap). */
export class JavaMap {
  readonly entries: Map<unknown, unknown>;
  constructor(entries?: Map<unknown, unknown>, readonly style: MapStyle = 'map') {
    this.entries = entries ?? new Map();
  }
}

/**
 * How a list prints. `list`: java.util.ArrayList (`[a, b]`). `json`: json-smart JSONArray, what
 * $input.path returns (recorded: prints as JSON `[{"foo":"bar"}]`). `array`: a Java array such as the
 * String[] of split(), which prints as its type and identity hash (`[Ljava.lang.String;@1b6d3586`).
 */
export type ListStyle = 'list' | 'json' | 'array';

export class JavaList {
  constructor(readonly items: unknown[], readonly style: ListStyle = 'list') {}
}

/** A Map.Entry from entrySet(). */
export class JavaEntry {
  constructor(readonly map: JavaMap, readonly key: unknown) {}
}

/** Objects provided by the host ($input, $util, ...): the only way templates reach host behaviour. */
export abstract class VtlObject {
  /** `$obj.name`; undefined = no such property. */
  abstract property(name: string): unknown;
  /** `$obj.name(args)`; returns NO_METHOD when there is no such method. */
  abstract invoke(name: string, args: unknown[], key?: string): unknown;
  abstract toJavaString(): string;
}

export const NO_METHOD: unique symbol = Symbol('no-method');

export const isDouble = (v: unknown): v is JavaDouble => v instanceof JavaDouble;
export const isNumber = (v: unknown): v is number | JavaDouble => typeof v === 'number' || v instanceof JavaDouble;
export const numValue = (v: number | JavaDouble): number => (typeof v === 'number' ? v : v.value);

/** Java's int range check for arguments such as substring(int). */
function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// toString

/** Double.toString: plain notation in [10^-3, 10^7), otherwise computerized scientific notation. */
export function doubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const sign = d < 0 ? '-' : '';
  const a = Math.abs(d);
  if (a >= 1e-3 && a < 1e7) {
    // In this range JavaScript also prints plain decimals with the shortest round-trip digits.
    const t = String(d);
    return t.includes('.') ? t : `${t}.0`;
  }
  // Shortest round-trip digits, as Double.toString produces (JDK 19+ exactly; earlier JDKs almost always).
  const [mant = '0', expText = '0'] = a.toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (a >= 1e-3 && a < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === '' ? '0' : frac}E${exp}`;
}

/** Stable stand-in for Object.hashCode (Java's identity hash is arbitrary; ours is derived from content). */
function identityHash(items: unknown[]): string {
  let h = 7;
  for (const it of items) h = (Math.imul(h, 31) + stringHash(javaToString(it))) | 0;
  return (h >>> 0).toString(16);
}

/** String.hashCode: s[0]*31^(n-1) + ... + s[n-1], int arithmetic. */
export function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** String.valueOf(Object) as Java prints a value (null → "null"). */
export function javaToString(v: unknown, seen?: Set<unknown>): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return v;
    case 'number': return Number.isInteger(v) ? String(v) : doubleToString(v);
    case 'boolean': return v ? 'true' : 'false';
    default: break;
  }
  if (v instanceof JavaDouble) return doubleToString(v.value);
  if (v instanceof JavaMap) {
    if (v.style === 'opaque') return '';
    if (v.style === 'json') return toJson(v);
    const s = seen ?? new Set();
    s.add(v);
    const parts: string[] = [];
    // AbstractMap.toString: "{k=v, k=v}", "(this Map)" for self references.
    for (const [k, val] of v.entries) {
      parts.push(`${k === v ? '(this Map)' : javaToString(k, s)}=${val === v ? '(this Map)' : s.has(val) ? '(this Map)' : javaToString(val, s)}`);
    }
    s.delete(v);
    return `{${parts.join(', ')}}`;
  }
  if (v instanceof JavaList) {
    if (v.style === 'json') return toJson(v);
    if (v.style === 'array') return `[Ljava.lang.Object;@${identityHash(v.items)}`;
    const s = seen ?? new Set();
    s.add(v);
    // AbstractCollection.toString: "[a, b]", "(this Collection)" for self references.
    const parts = v.items.map((it) => (s.has(it) ? '(this Collection)' : javaToString(it, s)));
    s.delete(v);
    return `[${parts.join(', ')}]`;
  }
  if (v instanceof JavaEntry) return `${javaToString(v.key)}=${javaToString(v.map.entries.get(v.key))}`;
  if (v instanceof VtlObject) return v.toJavaString();
  return '';
}

/** String[] arrays print with their own type name. */
export function stringArray(items: string[]): JavaList {
  return new JavaList(items, 'array');
}

// ------------------------------------------------------------------------------------------------
// JSON (json-smart style, what JSONArray.toString and $input.json produce)

export function jsonQuote(s: string): string {
  // JSON.stringify escapes exactly `"`, `\`, \b \f \n \r \t and other control chars (as \u00xx).
  return JSON.stringify(s);
}

export function toJson(v: unknown, depth = 0): string {
  if (depth > 200) return 'null';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : doubleToString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JavaDouble) return Number.isFinite(v.value) ? doubleToString(v.value) : 'null';
  if (v instanceof JavaMap) {
    let out = '{';
    let first = true;
    for (const [k, val] of v.entries) {
      out += `${first ? '' : ','}${JSON.stringify(typeof k === 'string' ? k : javaToString(k))}:${toJson(val, depth + 1)}`;
      first = false;
    }
    return `${out}}`;
  }
  if (v instanceof JavaList) {
    let out = '[';
    const items = v.items;
    for (let i = 0; i < items.length; i++) out += (i ? ',' : '') + toJson(items[i], depth + 1);
    return `${out}]`;
  }
  return JSON.stringify(javaToString(v));
}

/**
 * Parses JSON text into Java values the way the JSON provider behind $input.path / $util.parseJson does:
 * objects → ordered maps (a repeated key keeps the last value), arrays → JSONArray (prints as JSON),
 * integers → Integer/Long, numbers with a fraction or exponent → Double. Throws SyntaxError.
 */
export function parseJsonJava(text: string): unknown {
  // Fast path: the engine's own JSON.parse, when it cannot lose what Java keeps — the order of
  // integer-like keys (JavaScript objects move them first) and the Double-ness of `1.0` / `1e3`.
  if (!hasDecimalToken(text)) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return readJson(text);
    }
    const r = fromNative(v, 0);
    if (r !== TEXT_NEEDED) return r;
  }
  return readJson(text);
}

const DIGIT_THEN_DECIMAL = /\d[.eE]/g;

/** Is there a number token with a fraction or exponent but an integral value (`1.0`, `1e3`) in the text? */
function hasDecimalToken(text: string): boolean {
  DIGIT_THEN_DECIMAL.lastIndex = 0;
  for (let m = DIGIT_THEN_DECIMAL.exec(text); m; m = DIGIT_THEN_DECIMAL.exec(text)) {
    let j = m.index;
    while (j > 0 && text.charCodeAt(j - 1) >= 48 && text.charCodeAt(j - 1) <= 57) j--;
    if (j > 0 && text.charCodeAt(j - 1) === 45) j--;
    const start = j;
    while (j > 0 && /\s/.test(text[j - 1] as string)) j--;
    const c = j === 0 ? 0 : text.charCodeAt(j - 1);
    if (j === 0 || c === 58 || c === 91 || c === 44) {
      // Only an integral value (1.0, 1e3) is ambiguous after JSON.parse; 12.5 is a Double either way.
      let end = m.index + 1;
      while (end < text.length && /[0-9.eE+-]/.test(text[end] as string)) end++;
      if (Number.isInteger(Number(text.slice(start, end)))) return true;
    }
  }
  return false;
}
/** fromNative's answer when the JSON text must be read instead (index-like keys, see below; huge integers) */
const TEXT_NEEDED: unique symbol = Symbol('text needed');
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

/** Converts JSON.parse output; TEXT_NEEDED when an object had array-index keys (JavaScript lists those first) or an integer is too large to tell. */
function fromNative(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v !== 'number') return v;
    if (!Number.isInteger(v)) return new JavaDouble(v);
    // JSON.stringify prints integral values from 1e21 up with an exponent, which Java reads as a Double:
    // only the text can tell, so the caller parses it.
    return v >= 1e21 || v <= -1e21 ? TEXT_NEEDED : v;
  }
  if (depth > 500) throw new SyntaxError('JSON nested too deeply');
  if (Array.isArray(v)) {
    const items = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = fromNative(v[i], depth + 1);
      if (c === TEXT_NEEDED) return TEXT_NEEDED;
      // (javaFromJsonValue) JSON.stringify prints an undefined item as null
      items[i] = c === undefined ? null : c;
    }
    return new JavaList(items, 'json');
  }
  const m = new Map<unknown, unknown>();
  const o = v as Record<string, unknown>;
  let first = true;
  for (const k in o) {
    // Index-like keys are enumerated first, so checking the first key finds any of them.
    if (first && INDEX_KEY.test(k)) return TEXT_NEEDED;
    first = false;
    const c = fromNative(o[k], depth + 1);
    if (c === TEXT_NEEDED) return TEXT_NEEDED;
    // (javaFromJsonValue) JSON.stringify leaves out undefined fields
    if (c !== undefined) m.set(k, c);
  }
  return new JavaMap(m);
}

/**
 * parseJsonJava(JSON.stringify(value)) for a JSON value (plain objects, arrays, strings, finite numbers,
 * booleans, null) without printing and parsing it: for an integration that answered in-process, whose
 * body text was made from this value. Falls back to the text when only it can tell.
 */
export function javaFromJsonValue(value: unknown, text: string): unknown {
  const r = fromNative(value, 0);
  return r === TEXT_NEEDED ? parseJsonJava(text) : r;
}

function readJson(text: string): unknown {
  const p = new JsonReader(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i < text.length) p.fail();
  return v;
}

class JsonReader {
  i = 0;
  constructor(private readonly s: string) {}

  fail(): never {
    throw new SyntaxError(this.i >= this.s.length ? 'Unexpected end of JSON input' : `Unexpected token ${this.s[this.i]} in JSON at position ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): unknown {
    if (depth > 500) this.fail();
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 123 /* { */) {
      this.i++;
      const m = new Map<unknown, unknown>();
      this.ws();
      if (s.charCodeAt(this.i) === 125) {
        this.i++;
        return new JavaMap(m);
      }
      for (;;) {
        this.ws();
        if (s.charCodeAt(this.i) !== 34) this.fail();
        const k = this.string();
        this.ws();
        if (s.charCodeAt(this.i) !== 58) this.fail();
        this.i++;
        this.ws();
        m.set(k, this.value(depth + 1));
        this.ws();
        const d = s.charCodeAt(this.i++);
        if (d === 125) return new JavaMap(m);
        if (d !== 44) { this.i--; this.fail(); }
      }
    }
    if (c === 91 /* [ */) {
      this.i++;
      const items: unknown[] = [];
      this.ws();
      if (s.charCodeAt(this.i) === 93) {
        this.i++;
        return new JavaList(items, 'json');
      }
      for (;;) {
        this.ws();
        items.push(this.value(depth + 1));
        this.ws();
        const d = s.charCodeAt(this.i++);
        if (d === 93) return new JavaList(items, 'json');
        if (d !== 44) { this.i--; this.fail(); }
      }
    }
    if (c === 34) return this.string();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (s.startsWith('true', this.i)) { this.i += 4; return true; }
    if (s.startsWith('false', this.i)) { this.i += 5; return false; }
    if (s.startsWith('null', this.i)) { this.i += 4; return null; }
    return this.fail();
  }

  string(): string {
    const s = this.s;
    const start = this.i;
    // Jump from quote to quote; a backslash before the closing quote means escapes to decode.
    let end = s.indexOf('"', start + 1);
    if (end < 0) {
      this.i = s.length;
      return this.fail();
    }
    let slash = s.indexOf('\\', start + 1);
    if (slash < 0 || slash > end) {
      this.i = end + 1;
      return s.slice(start + 1, end);
    }
    while (slash >= 0 && slash < end) {
      // Skip the escaped char; an escaped quote is not the end.
      if (slash + 1 === end) end = s.indexOf('"', end + 1);
      if (end < 0) {
        this.i = s.length;
        return this.fail();
      }
      slash = s.indexOf('\\', slash + 2);
    }
    this.i = end + 1;
    try {
      return JSON.parse(s.slice(start, end + 1)) as string;
    } catch {
      this.i = start;
      return this.fail();
    }
  }

  /** Skips one or more decimal digits starting at j. */
  private digits(j: number): number {
    const s = this.s;
    const from = j;
    while (s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j === from) {
      this.i = j;
      this.fail();
    }
    return j;
  }

  number(): unknown {
    const s = this.s;
    const start = this.i;
    let j = start;
    if (s.charCodeAt(j) === 45) j++;
    if (s.charCodeAt(j) === 48) j++;
    else j = this.digits(j);
    let decimal = false;
    if (s.charCodeAt(j) === 46) { decimal = true; j = this.digits(j + 1); }
    const e = s.charCodeAt(j);
    if (e === 101 || e === 69) {
      decimal = true;
      j++;
      if (s.charCodeAt(j) === 43 || s.charCodeAt(j) === 45) j++;
      j = this.digits(j);
    }
    this.i = j;
    const n = Number(s.slice(start, j));
    return decimal ? new JavaDouble(n) : n;
  }
}

/** Converts plain JS data (request descriptions, $context values) into Java values. */
export function javaFromPlain(v: unknown, mapStyle: MapStyle = 'map'): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v : new JavaDouble(v);
  if (v instanceof JavaMap || v instanceof JavaList || v instanceof JavaDouble || v instanceof VtlObject) return v;
  if (Array.isArray(v)) return new JavaList(v.map((x) => javaFromPlain(x, mapStyle)));
  if (typeof v === 'object') {
    const m = new Map<unknown, unknown>();
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) m.set(k, javaFromPlain(val, mapStyle));
    return new JavaMap(m, mapStyle);
  }
  return null;
}

/** Converts Java values back to plain JS data (for responseOverride and tests). */
export function javaToPlain(v: unknown): unknown {
  if (v instanceof JavaDouble) return v.value;
  if (v instanceof JavaMap) {
    const o: Record<string, unknown> = {};
    for (const [k, val] of v.entries) o[javaToString(k)] = javaToPlain(val);
    return o;
  }
  if (v instanceof JavaList) return v.items.map(javaToPlain);
  if (v instanceof VtlObject) return v.toJavaString();
  return v ?? null;
}

// ------------------------------------------------------------------------------------------------
// equality and comparison (Velocity 1.7 ASTEQNode rules, plus API Gateway's null handling)

/** Object.equals for Java values: numbers of one kind by value, maps and lists deeply. */
export function javaEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number' || a instanceof JavaDouble) {
    // Integer.equals(Double) is false in Java even for equal values.
    if (typeof a === 'number' && typeof b === 'number') return a === b;
    if (a instanceof JavaDouble && b instanceof JavaDouble) return Object.is(a.value, b.value) || a.value === b.value;
    return false;
  }
  if (a instanceof JavaMap && b instanceof JavaMap) {
    if (a.entries.size !== b.entries.size) return false;
    for (const [k, v] of a.entries) {
      if (!mapHas(b, k) || !javaEquals(v, mapGet(b, k))) return false;
    }
    return true;
  }
  if (a instanceof JavaList && b instanceof JavaList) {
    if (a.style === 'array' || b.style === 'array') return false;
    return a.items.length === b.items.length && a.items.every((x, i) => javaEquals(x, b.items[i]));
  }
  if (a instanceof JavaEntry && b instanceof JavaEntry) {
    return javaEquals(a.key, b.key) && javaEquals(a.map.entries.get(a.key), b.map.entries.get(b.key));
  }
  return false;
}

function sameKind(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object') return typeof a === typeof b;
  if (a instanceof JavaMap) return b instanceof JavaMap;
  if (a instanceof JavaList) return b instanceof JavaList;
  return a?.constructor === b?.constructor;
}

/**
 * `==` in a template. Velocity 1.7: numbers compare by value whatever their class; values of one class
 * use equals(); otherwise their toString() values are compared. API Gateway treats a null operand as
 * the empty string (recorded: `#if($undefined.x != '')` takes the #else branch, and a JSON null from
 * $input.path is both `== $null` and `== ""`).
 */
export function vtlEquals(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null && b === null) return true;
  if (isNumber(a) && isNumber(b)) return numValue(a) === numValue(b);
  if (a !== null && b !== null && sameKind(a, b)) return javaEquals(a, b);
  const sa = a === null ? '' : javaToString(a);
  const sb = b === null ? '' : javaToString(b);
  return sa === sb;
}

/** `<`, `>`, ... Velocity 1.7 compares numbers only; anything else logs an error and yields false. */
export function vtlCompare(a: unknown, b: unknown): number | undefined {
  if (isNumber(a) && isNumber(b)) {
    const x = numValue(a);
    const y = numValue(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : undefined;
  }
  return undefined;
}

/** `#if($x)`: null and Boolean.FALSE are false; every other object (even "" and 0) is true (Velocity 1.7). */
export function vtlTruthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  return true;
}

// ------------------------------------------------------------------------------------------------
// arithmetic (Velocity 1.7 MathUtils: Integer op Integer stays integral, division truncates)

export type ArithOp = '+' | '-' | '*' | '/' | '%';

/** Java long arithmetic for integers outside int range is approximated by JS numbers (exact to 2^53). */
export function arith(op: ArithOp, a: unknown, b: unknown): unknown {
  if (!isNumber(a) || !isNumber(b)) return null;
  const decimal = a instanceof JavaDouble || b instanceof JavaDouble;
  const x = numValue(a);
  const y = numValue(b);
  if (decimal) {
    switch (op) {
      case '+': return new JavaDouble(x + y);
      case '-': return new JavaDouble(x - y);
      case '*': return new JavaDouble(x * y);
      case '/': return y === 0 ? null : new JavaDouble(x / y);
      case '%': return y === 0 ? null : new JavaDouble(x % y);
    }
  }
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    // Velocity logs "Right side of division operation is zero" and yields null.
    case '/': return y === 0 ? null : Math.trunc(x / y);
    case '%': return y === 0 ? null : x % y;
  }
}

// ------------------------------------------------------------------------------------------------
// maps

/** Map keys: integers and strings are kept apart (Java Integer 1 ≠ String "1"); doubles by value. */
function keyOf(k: unknown): unknown {
  return k instanceof JavaDouble ? `\u0000d:${k.value}` : k;
}

function findKey(m: JavaMap, k: unknown): unknown {
  if (m.entries.has(k)) return k;
  if (k instanceof JavaDouble) {
    for (const key of m.entries.keys()) if (key instanceof JavaDouble && keyOf(key) === keyOf(k)) return key;
  }
  return undefined;
}

export function mapHas(m: JavaMap, k: unknown): boolean {
  return findKey(m, k) !== undefined || (k === undefined && m.entries.has(undefined));
}

export function mapGet(m: JavaMap, k: unknown): unknown {
  // Stored values are never undefined (Java null is stored as null), so one lookup decides.
  const v = m.entries.get(k);
  if (v !== undefined) return v;
  if (!(k instanceof JavaDouble)) return null;
  const key = findKey(m, k);
  return key === undefined ? null : (m.entries.get(key) ?? null);
}

export function mapPut(m: JavaMap, k: unknown, v: unknown): unknown {
  const key = findKey(m, k);
  const old = key === undefined ? null : (m.entries.get(key) ?? null);
  m.entries.set(key === undefined ? k : key, v);
  return old;
}

function mapRemove(m: JavaMap, k: unknown): unknown {
  const key = findKey(m, k);
  if (key === undefined) return null;
  const old = m.entries.get(key) ?? null;
  m.entries.delete(key);
  return old;
}

function invokeMap(m: JavaMap, name: string, args: unknown[], key: string): unknown {
  const [a, b] = args;
  switch (key) {
    case 'get/1': return mapGet(m, a);
    case 'getOrDefault/2': return mapHas(m, a) ? mapGet(m, a) : b;
    case 'put/2': return mapPut(m, a, b);
    case 'putIfAbsent/2': {
      const cur = mapGet(m, a);
      if (cur === null) mapPut(m, a, b);
      return cur;
    }
    case 'containsKey/1': return mapHas(m, a);
    case 'containsValue/1': return [...m.entries.values()].some((v) => javaEquals(v, a));
    // keySet()/values() are views; a copy is indistinguishable for templates that only read them.
    case 'keySet/0': return new JavaList([...m.entries.keys()]);
    case 'values/0': return new JavaList([...m.entries.values()]);
    case 'entrySet/0': return new JavaList([...m.entries.keys()].map((k) => new JavaEntry(m, k)));
    case 'size/0': return m.entries.size;
    case 'isEmpty/0': return m.entries.size === 0;
    case 'remove/1': return mapRemove(m, a);
    case 'putAll/1': {
      if (!(a instanceof JavaMap)) throw new JavaException('java.lang.NullPointerException', 'putAll(null)');
      for (const [k, v] of [...a.entries]) mapPut(m, k, v);
      return null;
    }
    case 'clear/0': m.entries.clear(); return null;
    case 'toString/0': return javaToString(m);
    case 'equals/1': return javaEquals(m, a);
    default: return NO_METHOD;
  }
}

// ------------------------------------------------------------------------------------------------
// lists

function checkIndex(i: unknown, size: number, forAdd = false): number {
  const n = toInt(i);
  if (n === undefined) throw new JavaException('java.lang.IllegalArgumentException', 'argument type mismatch');
  if (n < 0 || (forAdd ? n > size : n >= size)) {
    throw new JavaException('java.lang.IndexOutOfBoundsException', `Index: ${n}, Size: ${size}`);
  }
  return n;
}

function invokeList(l: JavaList, name: string, args: unknown[], key: string): unknown {
  const [a, b] = args;
  const items = l.items;
  // Java arrays are fixed-size: Velocity 1.7 wraps them so only read methods work.
  const fixed = l.style === 'array';
  switch (key) {
    case 'get/1': return items[checkIndex(a, items.length)] ?? null;
    case 'size/0': return items.length;
    case 'isEmpty/0': return items.length === 0;
    case 'contains/1': return items.some((x) => javaEquals(x, a));
    case 'indexOf/1': return items.findIndex((x) => javaEquals(x, a));
    case 'lastIndexOf/1': {
      for (let i = items.length - 1; i >= 0; i--) if (javaEquals(items[i], a)) return i;
      return -1;
    }
    case 'toString/0': return javaToString(l);
    case 'equals/1': return javaEquals(l, a);
    default: break;
  }
  if (fixed) return NO_METHOD;
  switch (key) {
    case 'add/1': items.push(a); return true;
    case 'add/2': items.splice(checkIndex(a, items.length, true), 0, b); return null;
    case 'set/2': {
      const i = checkIndex(a, items.length);
      const old = items[i];
      items[i] = b;
      return old ?? null;
    }
    // remove(int index) when the argument is an Integer, remove(Object) otherwise (Java overloading).
    case 'remove/1': {
      if (typeof a === 'number') {
        const i = checkIndex(a, items.length);
        return items.splice(i, 1)[0] ?? null;
      }
      const i = items.findIndex((x) => javaEquals(x, a));
      if (i < 0) return false;
      items.splice(i, 1);
      return true;
    }
    case 'addAll/1': {
      if (!(a instanceof JavaList)) throw new JavaException('java.lang.NullPointerException', 'addAll(null)');
      items.push(...a.items);
      return a.items.length > 0;
    }
    case 'clear/0': items.length = 0; return null;
    case 'subList/2': {
      const from = toInt(a);
      const to = toInt(b);
      if (from === undefined || to === undefined || from < 0 || to > items.length || from > to) {
        throw new JavaException('java.lang.IndexOutOfBoundsException', `fromIndex: ${String(a)}, toIndex: ${String(b)}`);
      }
      return new JavaList(items.slice(from, to), l.style);
    }
    default: return NO_METHOD;
  }
}

// ------------------------------------------------------------------------------------------------
// strings

function strArg(v: unknown): string {
  if (typeof v === 'string') return v;
  // A null argument to a String method throws NullPointerException in Java.
  if (v === null || v === undefined) throw new JavaException('java.lang.NullPointerException', 'null argument');
  // Velocity would not find a matching method for other types; CharSequence/char arrive as strings.
  throw new JavaException('java.lang.IllegalArgumentException', 'argument type mismatch');
}

function outOfBounds(msg: string): JavaException {
  return new JavaException('java.lang.StringIndexOutOfBoundsException', msg);
}

/** String.trim removes every char ≤ U+0020 at both ends. */
function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

function invokeString(s: string, name: string, args: unknown[], key: string): unknown {
  const [a, b] = args;
  switch (key) {
    case 'length/0': return s.length;
    case 'isEmpty/0': return s.length === 0;
    case 'charAt/1': {
      const i = toInt(a);
      if (i === undefined || i < 0 || i >= s.length) throw outOfBounds(`String index out of range: ${String(a)}`);
      return s[i] ?? null;
    }
    case 'substring/1': {
      const i = toInt(a);
      if (i === undefined || i < 0 || i > s.length) throw outOfBounds(`String index out of range: ${s.length - Number(a)}`);
      return s.slice(i);
    }
    case 'substring/2': case 'subSequence/2': {
      const i = toInt(a);
      const j = toInt(b);
      if (i === undefined || j === undefined || i < 0 || j > s.length || i > j) {
        throw outOfBounds(`begin ${String(a)}, end ${String(b)}, length ${s.length}`);
      }
      return s.slice(i, j);
    }
    case 'indexOf/1': return s.indexOf(strArg(a));
    case 'indexOf/2': {
      const from = toInt(b) ?? 0;
      return s.indexOf(strArg(a), Math.max(0, from));
    }
    case 'lastIndexOf/1': return s.lastIndexOf(strArg(a));
    case 'lastIndexOf/2': {
      const from = toInt(b) ?? 0;
      return from < 0 ? -1 : s.lastIndexOf(strArg(a), from);
    }
    case 'contains/1': return s.includes(strArg(a));
    case 'startsWith/1': return s.startsWith(strArg(a));
    case 'startsWith/2': {
      const off = toInt(b) ?? 0;
      return off >= 0 && off <= s.length && s.startsWith(strArg(a), off);
    }
    case 'endsWith/1': return s.endsWith(strArg(a));
    case 'equals/1': return typeof a === 'string' && a === s;
    case 'equalsIgnoreCase/1': return typeof a === 'string' && a.length === s.length && (a === s || a.toUpperCase() === s.toUpperCase() || a.toLowerCase() === s.toLowerCase());
    case 'compareTo/1': {
      const t = strArg(a);
      const n = Math.min(s.length, t.length);
      for (let i = 0; i < n; i++) {
        const d = s.charCodeAt(i) - t.charCodeAt(i);
        if (d !== 0) return d;
      }
      return s.length - t.length;
    }
    case 'compareToIgnoreCase/1': {
      const x = s.toUpperCase().toLowerCase();
      const y = strArg(a).toUpperCase().toLowerCase();
      return invokeString(x, 'compareTo', [y], 'compareTo/1');
    }
    case 'matches/1': return javaRegex(strArg(a)).full(s);
    case 'replace/2': {
      const target = strArg(a);
      const repl = strArg(b);
      // String.replace(CharSequence, CharSequence): literal, every occurrence; an empty target inserts
      // the replacement between every char and at both ends.
      if (target === '') return s === '' ? repl : repl + s.split('').join(repl) + repl;
      return s.split(target).join(repl);
    }
    case 'replaceAll/2': return javaRegex(strArg(a)).replace(s, javaReplacement(strArg(b)), true);
    case 'replaceFirst/2': return javaRegex(strArg(a)).replace(s, javaReplacement(strArg(b)), false);
    case 'split/1': return stringArray(javaSplit(s, strArg(a), 0));
    case 'split/2': {
      const limit = toInt(b);
      if (limit === undefined) throw new JavaException('java.lang.IllegalArgumentException', 'argument type mismatch');
      return stringArray(javaSplit(s, strArg(a), limit));
    }
    // Locale-sensitive in Java; API Gateway runs with an English default locale.
    case 'toLowerCase/0': return s.toLowerCase();
    case 'toUpperCase/0': return s.toUpperCase();
    case 'trim/0': return javaTrim(s);
    case 'concat/1': return s + strArg(a);
    case 'toString/0': return s;
    case 'hashCode/0': return stringHash(s);
    case 'intern/0': return s;
    case 'toCharArray/0': return new JavaList([...s].flatMap((c) => c.split('')), 'array');
    case 'codePointAt/1': {
      const i = toInt(a);
      if (i === undefined || i < 0 || i >= s.length) throw outOfBounds(`String index out of range: ${String(a)}`);
      return s.codePointAt(i) ?? null;
    }
    case 'isBlank/0': return javaTrim(s).length === 0 && [...s].every((c) => /\s/.test(c));
    case 'repeat/1': {
      const n = toInt(a);
      if (n === undefined || n < 0) throw new JavaException('java.lang.IllegalArgumentException', `count is negative: ${String(a)}`);
      if (s.length * n > MAX_STRING) throw new JavaException('java.lang.OutOfMemoryError', 'Repeating would exceed the string size limit');
      return s.repeat(n);
    }
    default: return NO_METHOD;
  }
}

/** Largest string a template may build; beyond it API Gateway's 10 MB payload limit is exceeded anyway. */
export const MAX_STRING = 10 * 1024 * 1024;

// ------------------------------------------------------------------------------------------------
// numbers and booleans

function parseJavaInt(v: unknown): number {
  const s = typeof v === 'string' ? v : '';
  // Integer.parseInt: optional sign, decimal digits only, within int range.
  if (!/^[+-]?\d+$/.test(s)) throw new JavaException('java.lang.NumberFormatException', `For input string: "${javaToString(v)}"`);
  const n = Number(s);
  if (n > 2147483647 || n < -2147483648) throw new JavaException('java.lang.NumberFormatException', `For input string: "${s}"`);
  return n;
}

function parseJavaDouble(v: unknown): JavaDouble {
  const s = typeof v === 'string' ? javaTrim(v) : '';
  if (!/^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/.test(s)) {
    throw new JavaException('java.lang.NumberFormatException', s === '' ? 'empty String' : `For input string: "${s}"`);
  }
  return new JavaDouble(Number(s.replace(/[fFdD]$/, '')));
}

function invokeNumber(n: number | JavaDouble, name: string, args: unknown[], key: string): unknown {
  const x = numValue(n);
  const [a] = args;
  switch (key) {
    case 'intValue/0': case 'longValue/0': case 'shortValue/0': case 'byteValue/0':
      return Number.isFinite(x) ? Math.trunc(x) : 0;
    case 'doubleValue/0': case 'floatValue/0': return new JavaDouble(x);
    case 'toString/0': return javaToString(n);
    case 'equals/1': return javaEquals(n, a);
    case 'compareTo/1': return isNumber(a) ? Math.sign(x - numValue(a)) : NO_METHOD;
    case 'hashCode/0': return typeof n === 'number' ? n | 0 : NO_METHOD;
    case 'isNaN/0': return n instanceof JavaDouble ? Number.isNaN(x) : NO_METHOD;
    case 'isInfinite/0': return n instanceof JavaDouble ? !Number.isFinite(x) && !Number.isNaN(x) : NO_METHOD;
    // Static methods can be called through an instance in Velocity: `$zero.parseInt("42")` is a
    // well-known idiom in API Gateway templates.
    case 'parseInt/1': case 'valueOf/1': return typeof n === 'number' ? parseJavaInt(a) : parseJavaDouble(a);
    case 'parseLong/1': return parseJavaInt(a);
    case 'parseDouble/1': return parseJavaDouble(a);
    default: return NO_METHOD;
  }
}

function invokeBoolean(v: boolean, name: string, args: unknown[], key: string): unknown {
  switch (key) {
    case 'booleanValue/0': return v;
    case 'toString/0': return v ? 'true' : 'false';
    case 'equals/1': return args[0] === v;
    case 'parseBoolean/1': return typeof args[0] === 'string' && args[0].toLowerCase() === 'true';
    default: return NO_METHOD;
  }
}

// ------------------------------------------------------------------------------------------------
// dispatch used by the compiler

/** `$target.name(args)`. Returns NO_METHOD when Java would have no such method; may throw JavaException. */
export function invokeMethod(target: unknown, name: string, args: unknown[], key = `${name}/${args.length}`): unknown {
  if (typeof target === 'string') return invokeString(target, name, args, key);
  if (target instanceof JavaMap) return invokeMap(target, name, args, key);
  if (target instanceof JavaList) return invokeList(target, name, args, key);
  if (typeof target === 'number' || target instanceof JavaDouble) return invokeNumber(target, name, args, key);
  if (typeof target === 'boolean') return invokeBoolean(target, name, args, key);
  if (target instanceof VtlObject) return target.invoke(name, args, key);
  if (target instanceof JavaEntry) {
    switch (key) {
      case 'getKey/0': return target.key;
      case 'getValue/0': return mapGet(target.map, target.key);
      case 'setValue/1': return mapPut(target.map, target.key, args[0]);
      case 'toString/0': return javaToString(target);
      default: return NO_METHOD;
    }
  }
  return NO_METHOD;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * `$target.name`. Velocity 1.7's lookup order: getName(), then get("name") on maps, then isName().
 * Returns undefined when nothing matches (the reference is then unresolved).
 */
export function getProperty(target: unknown, name: string): unknown {
  if (target === null || target === undefined) return undefined;
  if (target instanceof JavaMap) {
    // A Map has no getters templates would use; MapGetExecutor answers get("name").
    return mapGet(target, name);
  }
  if (target instanceof VtlObject) return target.property(name);
  for (const method of [`get${capitalize(name)}`, `get${name}`, `is${capitalize(name)}`]) {
    const r = invokeMethod(target, method, []);
    if (r !== NO_METHOD) return r;
  }
  // get("name") on a list has no String overload; ArrayList.get(int) does not match.
  if (target instanceof JavaList || typeof target === 'string') {
    if (name === 'empty') return invokeMethod(target, 'isEmpty', []);
  }
  return undefined;
}

/** `$target[key]` (Velocity 1.7 index notation): list/array index (negative counts from the end), map key. */
export function getIndex(target: unknown, key: unknown): unknown {
  if (target instanceof JavaList) {
    let i = toInt(key);
    if (i === undefined) return undefined;
    if (i < 0) i += target.items.length;
    return target.items[checkIndex(i, target.items.length)] ?? null;
  }
  if (target instanceof JavaMap) return mapGet(target, key);
  if (target instanceof VtlObject && typeof key === 'string') return target.property(key);
  return undefined;
}

/** `#set($target.name = v)`: put on maps (setName() has no equivalent on our value types). */
export function setProperty(target: unknown, name: string, value: unknown): boolean {
  if (target instanceof JavaMap) {
    mapPut(target, name, value);
    return true;
  }
  return false;
}

/** `#set($target[key] = v)`. */
export function setIndex(target: unknown, key: unknown, value: unknown): boolean {
  if (target instanceof JavaMap) {
    mapPut(target, key, value);
    return true;
  }
  if (target instanceof JavaList && target.style !== 'array') {
    const i = checkIndex(key, target.items.length);
    target.items[i] = value;
    return true;
  }
  return false;
}

/** What #foreach iterates: lists and arrays, a map's values (Velocity 1.7), nothing for other values. */
export function iterableItems(v: unknown): unknown[] | undefined {
  if (v instanceof JavaList) return v.items;
  if (v instanceof JavaMap) return [...v.entries.values()];
  return undefined;
}
