// Velocity syntax tree → JavaScript closures (compile once, render many) with Velocity 1.7 runtime
// semantics: #set ignores null, #foreach scopes, #break/#stop, macros, #define, #evaluate, and limits.
import type { Node, Ref } from './ast.js';
import { generate } from './codegen.js';
import {
  arith, type ArithOp, getIndex, getProperty, invokeMethod, isNumber, iterableItems, JavaDouble, JavaException, JavaList, JavaMap,
  javaFromPlain, javaToString, mapGet, MAX_STRING, NO_METHOD, numValue, setIndex, setProperty, vtlCompare, vtlEquals, vtlTruthy,
  VtlObject,
} from './java-values.js';
import { parseTemplate, VtlSyntaxError } from './parser.js';

/** A problem while rendering (a Java exception in a method, a limit exceeded). API Gateway answers 500. */
export class VtlRuntimeError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number, readonly javaClass?: string) {
    super(line === undefined ? message : `${message} at line ${line}, column ${column ?? 0}`);
    this.name = 'VtlRuntimeError';
  }
}

export interface CompileOptions {
  /**
   * How an unresolved reference (`$nope`, `$a.missing`, a null value) renders. API Gateway renders it as
   * the empty string (recorded: `"$stageVariables.version"` → `""`); stock Velocity prints its source
   * text (`$nope`) unless written quiet (`$!nope`). Default `empty`.
   */
  readonly undefinedReferences?: 'empty' | 'literal';
  /** `#foreach` stops after this many iterations (API Gateway quota: 1,000). */
  readonly maxForeachIterations?: number;
  /** Total loop iterations, macro calls and #evaluate runs allowed in one render. */
  readonly maxSteps?: number;
  /** Largest output or string value, in UTF-16 code units. */
  readonly maxOutput?: number;
}

export interface RenderResult {
  readonly output: string;
  /** Set when rendering stopped on a runtime problem; `output` then holds what was rendered so far. */
  readonly error?: VtlRuntimeError;
}

export interface CompiledTemplate {
  /**
   * Root names the template can read (`input` for `$input.body`), so a caller can skip building the
   * others; undefined when the template uses #evaluate and may read anything.
   */
  readonly variables: ReadonlySet<string> | undefined;
  /** Renders the template; throws VtlRuntimeError (only) when rendering fails. */
  render(vars?: Record<string, unknown>): string;
  /** Renders the template and never throws. */
  execute(vars?: Record<string, unknown>): RenderResult;
}

// Velocity 1.7's velocimacro.max.depth.
const MAX_MACRO_DEPTH = 20;
const MAX_RANGE = 1_000_000;

type Emit = (st: State) => void;

interface Settings {
  readonly literalUndefined: boolean;
  readonly maxForeach: number;
  readonly maxSteps: number;
  readonly maxOutput: number;
}

interface Macro { readonly params: readonly string[]; body: Emit }

class State {
  out = '';
  steps = 0;
  depth = 0;
  readonly max: number;
  readonly maxForeach: number;
  constructor(readonly vars: Map<string, unknown>, readonly macros: Map<string, Macro>, readonly settings: Settings, readonly evalCache: Map<string, Emit>) {
    this.max = settings.maxOutput;
    this.maxForeach = settings.maxForeach;
  }

  step(pos?: { line: number; column: number }): void {
    if (++this.steps > this.settings.maxSteps) {
      throw new VtlRuntimeError('Template evaluation exceeded its step limit', pos?.line, pos?.column);
    }
    // Loops are where output grows without bound; check its size once per iteration.
    if (this.out.length > this.settings.maxOutput) this.checkSize(this.out);
  }

  checkSize(s: string): string {
    if (s.length > this.settings.maxOutput) throw new VtlRuntimeError('Template output exceeded its size limit');
    return s;
  }
}

class BreakSignal {
  constructor(readonly scope: unknown) {}
}
class StopSignal {}
const STOP = new StopSignal();

/** `$foreach` (Velocity 1.7 ForeachScope): hasNext, index, count, first, last, parent. */
class ForeachScope extends VtlObject {
  index = 0;
  constructor(readonly size: number, readonly parent: unknown) {
    super();
  }
  property(name: string): unknown {
    switch (name) {
      case 'hasNext': return this.index < this.size - 1;
      case 'index': return this.index;
      case 'count': return this.index + 1;
      case 'first': return this.index === 0;
      case 'last': return this.index === this.size - 1;
      case 'parent': return this.parent ?? null;
      default: return undefined;
    }
  }
  invoke(name: string, args: unknown[]): unknown {
    if (args.length !== 0) return NO_METHOD;
    const prop = name === 'hasNext' ? 'hasNext' : name.replace(/^(get|is)/, '').replace(/^./, (c) => c.toLowerCase());
    const v = this.property(prop);
    return v === undefined ? NO_METHOD : v;
  }
  toJavaString(): string {
    return '';
  }
}

/** A `#define`d block: renders its body each time it is rendered, with the variables of that moment. */
class DefinedBlock extends VtlObject {
  constructor(private readonly st: State, private readonly body: Emit) {
    super();
  }
  property(): unknown {
    return undefined;
  }
  invoke(name: string, args: unknown[]): unknown {
    if (name === 'toString' && args.length === 0) return this.toJavaString();
    return NO_METHOD;
  }
  toJavaString(): string {
    const st = this.st;
    if (st.depth >= MAX_MACRO_DEPTH) throw new VtlRuntimeError(`Max calling depth of ${MAX_MACRO_DEPTH} was exceeded`);
    const saved = st.out;
    st.out = '';
    st.depth++;
    try {
      this.body(st);
    } catch (e) {
      if (!(e instanceof BreakSignal)) throw e;
    } finally {
      st.depth--;
    }
    const r = st.out;
    st.out = saved;
    return r;
  }
}

function renderValue(v: unknown): string {
  return typeof v === 'string' ? v : javaToString(v);
}

interface Pos { readonly line: number; readonly column: number }

function javaError(e: unknown, method: string, ref: Ref): unknown {
  if (e instanceof JavaException) {
    return new VtlRuntimeError(`Invocation of method '${method}' in ${ref.src} threw exception ${e.message}`, ref.line, ref.column, e.javaClass);
  }
  return e;
}

/** Compiles parsed nodes into an emit function (and registers their macros). */
function build(nodes: readonly Node[], settings: Settings, macros: Map<string, Macro>): { emit: Emit; names: Set<string>; dynamic: boolean } {
  const g = generate(nodes, settings.literalUndefined);
  // The source holds no template text outside string literals (see codegen.ts).
  const factory = new Function('rt', 'K', 'R', g.source) as (rt: unknown, k: unknown[], r: Ref[]) => { main: Emit; macros: [string, Macro][] };
  const made = factory(RT, g.consts, g.refs);
  for (const [name, m] of made.macros) if (!macros.has(name)) macros.set(name, m);
  return { emit: made.main, names: g.names, dynamic: g.dynamic };
}

/**
 * A variable made on its first read: `$context` of a mapping template, which many renders reach only
 * in a branch they do not take. `resolved` is the value once something read it.
 */
export class LazyVariable {
  private made = false;
  private v: unknown;

  constructor(private readonly make: () => unknown) {}

  get value(): unknown {
    if (!this.made) {
      this.v = this.make();
      this.made = true;
    }
    return this.v;
  }

  get resolved(): unknown {
    return this.made ? this.v : undefined;
  }
}

/** The runtime the generated code calls (`rt.*`). */
const RT = {
  STOP,
  /** the value of a variable, making a LazyVariable's on its first read */
  v(V: Map<string, unknown>, name: string): unknown {
    const x = V.get(name);
    if (!(x instanceof LazyVariable)) return x;
    const made = x.value;
    V.set(name, made);
    return made;
  },
  str: renderValue,
  truthy: vtlTruthy,
  eq: vtlEquals,
  cmp(a: unknown, b: unknown, otherwise: number): number {
    return vtlCompare(a, b) ?? otherwise;
  },
  arith: (op: ArithOp, a: unknown, b: unknown): unknown => arith(op, a, b),
  add(st: State, x: unknown, y: unknown, litA: string, litB: string): unknown {
    // Velocity 1.7 ASTAddNode: a String on either side concatenates; a null side contributes its
    // literal source text (`$x`).
    if (typeof x === 'string' || typeof y === 'string') {
      const r = (x === null || x === undefined ? litA : renderValue(x)) + (y === null || y === undefined ? litB : renderValue(y));
      return r.length > st.max ? st.checkSize(r) : r;
    }
    return arith('+', x, y);
  },
  neg(v: unknown): unknown {
    if (!isNumber(v)) return null;
    return v instanceof JavaDouble ? new JavaDouble(-v.value) : -numValue(v);
  },
  prop(t: unknown, name: string): unknown {
    return t instanceof JavaMap ? mapGet(t, name) : getProperty(t, name);
  },
  index(t: unknown, key: unknown, ref: Ref): unknown {
    try {
      return getIndex(t, key ?? null);
    } catch (e) {
      throw javaError(e, 'get', ref);
    }
  },
  method(st: State, t: unknown, name: string, args: unknown[], key: string, ref: Ref): unknown {
    for (let i = 0; i < args.length; i++) if (args[i] === undefined) args[i] = null;
    let r: unknown;
    try {
      r = invokeMethod(t, name, args, key);
    } catch (e) {
      throw javaError(e, name, ref);
    }
    if (r === NO_METHOD) return undefined;
    if (typeof r === 'string' && r.length > st.max) st.checkSize(r);
    return r;
  },
  get1(st: State, t: unknown, arg: unknown, ref: Ref): unknown {
    if (t instanceof JavaMap) return mapGet(t, arg ?? null);
    return RT.method(st, t, 'get', [arg], 'get/1', ref);
  },
  assign(o: unknown, key: unknown, v: unknown, isIndex: boolean, ref: Ref): void {
    try {
      if (isIndex) setIndex(o, key ?? null, v);
      else setProperty(o, key as string, v);
    } catch (e) {
      throw javaError(e, 'set', ref);
    }
  },
  items: iterableItems,
  scope(n: number, parent: unknown): ForeachScope {
    return new ForeachScope(n, parent instanceof ForeachScope ? parent : null);
  },
  breaks(e: unknown, scope: ForeachScope): boolean {
    return e instanceof BreakSignal && (e.scope === undefined || e.scope === scope);
  },
  brk(scope: unknown): BreakSignal {
    return new BreakSignal(scope);
  },
  restore,
  interp(st: State, body: Emit): string {
    const saved = st.out;
    st.out = '';
    try {
      body(st);
      return st.checkSize(st.out);
    } finally {
      st.out = saved;
    }
  },
  list(items: unknown[]): JavaList {
    for (let i = 0; i < items.length; i++) if (items[i] === undefined) items[i] = null;
    return new JavaList(items);
  },
  map(kv: unknown[]): JavaMap {
    const m = new Map<unknown, unknown>();
    for (let i = 0; i < kv.length; i += 2) m.set(kv[i] ?? null, kv[i + 1] ?? null);
    return new JavaMap(m);
  },
  range(from: unknown, to: unknown): JavaList | null {
    const a = rangeBound(from);
    const b = rangeBound(to);
    if (a === undefined || b === undefined) return null;
    if (Math.abs(b - a) >= MAX_RANGE) throw new VtlRuntimeError('Range is too large');
    const out: number[] = [];
    if (a <= b) for (let i = a; i <= b; i++) out.push(i);
    else for (let i = a; i >= b; i--) out.push(i);
    return new JavaList(out);
  },
  define(st: State, body: Emit): DefinedBlock {
    return new DefinedBlock(st, body);
  },
  call(st: State, name: string, args: unknown[], src: string, pos: Pos): void {
    const macro = st.macros.get(name);
    if (!macro) {
      st.out += src;
      return;
    }
    st.step(pos);
    if (st.depth >= MAX_MACRO_DEPTH) {
      throw new VtlRuntimeError(`Max calling depth of ${MAX_MACRO_DEPTH} was exceeded in macro '${name}'`, pos.line, pos.column);
    }
    const saved = macro.params.map((p) => st.vars.get(p));
    macro.params.forEach((p, i) => {
      const v = args[i];
      if (v === undefined || v === null) st.vars.delete(p);
      else st.vars.set(p, v);
    });
    st.depth++;
    try {
      macro.body(st);
    } catch (e) {
      if (!(e instanceof BreakSignal)) throw e;
    } finally {
      st.depth--;
      macro.params.forEach((p, i) => restore(st.vars, p, saved[i]));
    }
  },
  evaluate(st: State, v: unknown, pos: Pos): void {
    if (v === null || v === undefined) return;
    const src = renderValue(v);
    let emit = st.evalCache.get(src);
    if (!emit) {
      try {
        emit = build(parseTemplate(src), st.settings, st.macros).emit;
      } catch (e) {
        if (e instanceof VtlSyntaxError) throw new VtlRuntimeError(`#evaluate: ${e.message}`, pos.line, pos.column);
        throw e;
      }
      if (st.evalCache.size < 100) st.evalCache.set(src, emit);
    }
    st.step(pos);
    if (st.depth >= MAX_MACRO_DEPTH) throw new VtlRuntimeError(`Max calling depth of ${MAX_MACRO_DEPTH} was exceeded`, pos.line, pos.column);
    st.depth++;
    try {
      emit(st);
    } catch (e) {
      if (!(e instanceof BreakSignal)) throw e;
    } finally {
      st.depth--;
    }
  },
};

export function compileTemplate(text: string, options: CompileOptions = {}): CompiledTemplate {
  const settings: Settings = {
    literalUndefined: options.undefinedReferences === 'literal',
    maxForeach: options.maxForeachIterations ?? 1000,
    maxSteps: options.maxSteps ?? 2_000_000,
    maxOutput: options.maxOutput ?? MAX_STRING,
  };
  const macros = new Map<string, Macro>();
  const evalCache = new Map<string, Emit>();
  let built: ReturnType<typeof build>;
  try {
    built = build(parseTemplate(text), settings, macros);
  } catch (e) {
    if (e instanceof VtlSyntaxError) throw e;
    // Pathological nesting exhausts the parser's or the code generator's stack.
    throw new VtlSyntaxError('Template nesting is too deep', 1, 1);
  }
  const { emit, names, dynamic } = built;
  const execute = (vars?: Record<string, unknown>): RenderResult => {
    const map = new Map<string, unknown>();
    if (vars) {
      for (const k in vars) {
        const v = vars[k];
        map.set(k, v instanceof LazyVariable ? v : javaFromPlain(v));
      }
    }
    const st = new State(map, macros, settings, evalCache);
    try {
      emit(st);
    } catch (e) {
      if (e instanceof StopSignal || e instanceof BreakSignal) return { output: st.out };
      if (e instanceof VtlRuntimeError) return { output: st.out, error: e };
      // Anything else (stack exhaustion in a pathological template) is still a template failure.
      return { output: st.out, error: new VtlRuntimeError(e instanceof Error ? e.message : String(e)) };
    }
    return { output: st.out };
  };
  return {
    variables: dynamic ? undefined : names,
    execute,
    render(vars) {
      const r = execute(vars);
      if (r.error) throw r.error;
      return r.output;
    },
  };
}

function rangeBound(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof JavaDouble) return Math.trunc(v.value);
  // Velocity 1.7 also accepts a String holding an integer.
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function restore(vars: Map<string, unknown>, key: string, saved: unknown): void {
  if (saved === undefined) vars.delete(key);
  else vars.set(key, saved);
}
