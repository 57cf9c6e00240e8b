// Syntax tree → JavaScript source for one template: straight-line code that appends to the output,
// so V8 optimises each template on its own. Every value taken from the template (text, names, numbers)
// enters the source only as a JSON string literal or through the constants table, never as code.
import type { Access, Expr, Node, Ref } from './ast.js';

/** What compiler.ts turns into a function with `new Function('rt', 'K', 'R', source)`. */
export interface GeneratedTemplate {
  readonly source: string;
  /** Constants the source reads as K[i] (doubles, position records). */
  readonly consts: unknown[];
  /** References the source reads as R[i] (for error messages). */
  readonly refs: Ref[];
  /** Root names of every reference; `dynamic` when #evaluate can read anything. */
  readonly names: Set<string>;
  readonly dynamic: boolean;
}

const lit = (s: string): string => JSON.stringify(s);

class Fn {
  temps = 0;
  readonly lines: string[] = [];
  temp(): string {
    return `t${this.temps++}`;
  }
}

export function generate(nodes: readonly Node[], literalUndefined: boolean): GeneratedTemplate {
  const g = new Generator(literalUndefined);
  const main = g.fn(nodes);
  const macros = g.macroEntries.map(([name, params, body]) => `[${lit(name)}, { params: ${JSON.stringify(params)}, body: ${body} }]`);
  const source = `"use strict";\n${g.hoisted.join('\n')}\nreturn { main: ${main}, macros: [${macros.join(', ')}] };`;
  return { source, consts: g.consts, refs: g.refs, names: g.names, dynamic: g.dynamic };
}

class Generator {
  readonly consts: unknown[] = [];
  readonly refs: Ref[] = [];
  readonly names = new Set<string>();
  readonly hoisted: string[] = [];
  readonly macroEntries: [string, readonly string[], string][] = [];
  private readonly macroNames = new Set<string>();
  dynamic = false;
  private fns = 0;

  constructor(private readonly literalUndefined: boolean) {}

  private k(v: unknown): string {
    this.consts.push(v);
    return `K[${this.consts.length - 1}]`;
  }

  private r(ref: Ref): string {
    this.refs.push(ref);
    return `R[${this.refs.length - 1}]`;
  }

  /** Emits a hoisted function `(st) => { body }` and returns its name. */
  fn(nodes: readonly Node[]): string {
    const f = new Fn();
    for (const n of nodes) this.node(n, f);
    const name = `f${this.fns++}`;
    const temps = f.temps ? `let ${Array.from({ length: f.temps }, (_, i) => `t${i}`).join(', ')};` : '';
    this.hoisted.push(`const ${name} = (st) => { const V = st.vars; ${temps}\n${f.lines.join('\n')}\n};`);
    return name;
  }

  private node(n: Node, f: Fn): void {
    const out = f.lines;
    switch (n.t) {
      case 'text':
        out.push(`st.out += ${lit(n.v)};`);
        return;
      case 'ref': {
        const v = f.temp();
        const e = this.ref(n.ref, f);
        const src = n.ref.src;
        if (n.escapes === 0) {
          const missing = n.ref.quiet || !this.literalUndefined ? '' : src;
          out.push(`${v} = ${e}; if (${v} == null) { ${missing ? `st.out += ${lit(missing)};` : ''} } else { st.out += typeof ${v} === 'string' ? ${v} : rt.str(${v}); if (st.out.length > st.max) st.checkSize(st.out); }`);
        } else {
          // Velocity 1.7: `\$a` prints `$a` when $a is defined; for an undefined reference the backslashes stay.
          const half = '\\'.repeat(n.escapes >> 1);
          const shown = n.escapes % 2 === 1 ? lit(half + src) : `${lit(half)} + rt.str(${v})`;
          out.push(`${v} = ${e}; st.out += ${v} == null ? ${lit('\\'.repeat(n.escapes) + src)} : ${shown};`);
        }
        return;
      }
      case 'set': {
        const v = f.temp();
        const value = this.expr(n.value, f);
        const target = n.target;
        this.names.add(target.name);
        // Velocity 1.7 (directive.set.null.allowed=false): a null right-hand side leaves the left alone.
        if (target.path.length === 0) {
          out.push(`${v} = ${value}; if (${v} != null) V.set(${lit(target.name)}, ${v});`);
          return;
        }
        const parent = this.ref({ ...target, path: target.path.slice(0, -1) }, f);
        const last = target.path[target.path.length - 1] as Access;
        const o = f.temp();
        const key = last.k === 'index' ? this.expr(last.expr, f) : lit(last.k === 'prop' ? last.name : '');
        out.push(`${v} = ${value}; if (${v} != null) { ${o} = ${parent}; if (${o} != null) rt.assign(${o}, ${key}, ${v}, ${last.k === 'index'}, ${this.r(target)}); }`);
        return;
      }
      case 'if': {
        n.branches.forEach((b, i) => {
          out.push(`${i ? '} else ' : ''}if (rt.truthy(${this.expr(b.cond, f)})) {`);
          for (const c of b.body) this.node(c, f);
        });
        if (n.otherwise) {
          out.push('} else {');
          for (const c of n.otherwise) this.node(c, f);
        }
        out.push('}');
        return;
      }
      case 'foreach': {
        const [items, count, sv, ss, sc, scope, i] = [f.temp(), f.temp(), f.temp(), f.temp(), f.temp(), f.temp(), f.temp()];
        const name = lit(n.varName);
        this.names.add(n.varName);
        const pos = this.k(n.pos);
        const catches = containsBreak(n.body);
        out.push(`${items} = rt.items(${this.expr(n.iter, f)}); if (${items} !== undefined && ${items}.length > 0) {`);
        // At most maxForeach items (Velocity's directive.foreach.maxloops); items the body adds are not visited.
        out.push(`${count} = Math.min(${items}.length, st.maxForeach); ${sv} = V.get(${name}); ${ss} = V.get("foreach"); ${sc} = V.get("velocityCount");`);
        out.push(`${scope} = rt.scope(${count}, ${ss}); V.set("foreach", ${scope}); try { for (${i} = 0; ${i} < ${count}; ${i}++) {`);
        // $velocityCount: the 1-based counter of Velocity 1.x (directive.foreach.counter.initial.value=1).
        out.push(`st.step(${pos}); ${scope}.index = ${i}; V.set(${name}, ${items}[${i}] ?? null); V.set("velocityCount", ${i} + 1);`);
        if (catches) out.push('try {');
        for (const c of n.body) this.node(c, f);
        if (catches) out.push(`} catch (e) { if (rt.breaks(e, ${scope})) break; throw e; }`);
        out.push(`} } finally { rt.restore(V, ${name}, ${sv}); rt.restore(V, "foreach", ${ss}); rt.restore(V, "velocityCount", ${sc}); } }`);
        return;
      }
      case 'break':
        out.push(`throw rt.brk(${n.scope ? this.expr(n.scope, f) : 'undefined'});`);
        return;
      case 'stop':
        out.push('throw rt.STOP;');
        return;
      case 'macro':
        // Registered at compile time: a call may come before the definition; the first one wins.
        if (!this.macroNames.has(n.name)) {
          this.macroNames.add(n.name);
          for (const p of n.params) this.names.add(p);
          this.macroEntries.push([n.name, n.params, this.fn(n.body)]);
        }
        return;
      case 'call':
        out.push(`rt.call(st, ${lit(n.name)}, [${n.args.map((a) => this.expr(a, f)).join(', ')}], ${lit(n.src)}, ${this.k(n.pos)});`);
        return;
      case 'define':
        this.names.add(n.target.name);
        out.push(`V.set(${lit(n.target.name)}, rt.define(st, ${this.fn(n.body)}));`);
        return;
      case 'evaluate':
        this.dynamic = true;
        out.push(`rt.evaluate(st, ${this.expr(n.expr, f)}, ${this.k(n.pos)});`);
        return;
    }
  }

  /** A reference as an expression; undefined when any step is null (Velocity stops at the first null). */
  private ref(ref: Ref, f: Fn): string {
    this.names.add(ref.name);
    const root = `rt.v(V, ${lit(ref.name)})`;
    if (ref.path.length === 0) return root;
    const t = f.temp();
    const R = this.r(ref);
    let code = '';
    let close = '';
    code += `(${t} = ${root}, `;
    close = ')';
    ref.path.forEach((a, i) => {
      const last = i === ref.path.length - 1;
      let step: string;
      switch (a.k) {
        case 'prop': step = `rt.prop(${t}, ${lit(a.name)})`; break;
        case 'index': step = `rt.index(${t}, ${this.expr(a.expr, f)}, ${R})`; break;
        case 'method':
          // Map.get(key) is the most common call in mapping templates: a direct path for maps.
          if (a.name === 'get' && a.args.length === 1) step = `rt.get1(st, ${t}, ${this.expr(a.args[0] as Expr, f)}, ${R})`;
          else step = `rt.method(st, ${t}, ${lit(a.name)}, [${a.args.map((x) => this.expr(x, f)).join(', ')}], ${lit(`${a.name}/${a.args.length}`)}, ${R})`;
          break;
      }
      code += last ? `${t} == null ? undefined : ${step}` : `${t} == null ? undefined : (${t} = ${step}, `;
      if (!last) close += ')';
    });
    return code + close;
  }

  private expr(e: Expr, f: Fn): string {
    switch (e.t) {
      case 'lit': {
        const v = e.v;
        if (v === null) return 'null';
        if (typeof v === 'string') return lit(v);
        if (typeof v === 'boolean') return v ? 'true' : 'false';
        if (typeof v === 'number' && Number.isFinite(v)) return `(${String(v)})`;
        return this.k(v);
      }
      case 'str': return `rt.interp(st, ${this.fn(e.body)})`;
      case 'ref': return this.ref(e.ref, f);
      case 'list': return `rt.list([${e.items.map((x) => this.expr(x, f)).join(', ')}])`;
      case 'map': return `rt.map([${e.entries.map(([k, v]) => `${this.expr(k, f)}, ${this.expr(v, f)}`).join(', ')}])`;
      case 'range': return `rt.range(${this.expr(e.from, f)}, ${this.expr(e.to, f)})`;
      case 'not': return `!rt.truthy(${this.expr(e.a, f)})`;
      case 'neg': return `rt.neg(${this.expr(e.a, f)})`;
      case 'bin': {
        const a = this.expr(e.a, f);
        const b = this.expr(e.b, f);
        switch (e.op) {
          case '&&': return `(rt.truthy(${a}) && rt.truthy(${b}))`;
          case '||': return `(rt.truthy(${a}) || rt.truthy(${b}))`;
          case '==': return `rt.eq(${a}, ${b})`;
          case '!=': return `!rt.eq(${a}, ${b})`;
          case '<': return `rt.cmp(${a}, ${b}, 1) < 0`;
          case '>': return `rt.cmp(${a}, ${b}, -1) > 0`;
          case '<=': return `rt.cmp(${a}, ${b}, 1) <= 0`;
          case '>=': return `rt.cmp(${a}, ${b}, -1) >= 0`;
          case '+': {
            // Velocity 1.7 ASTAddNode: a null side of a String concatenation contributes its source text.
            const la = e.a.t === 'ref' ? e.a.ref.src : 'null';
            const lb = e.b.t === 'ref' ? e.b.ref.src : 'null';
            return `rt.add(st, ${a}, ${b}, ${lit(la)}, ${lit(lb)})`;
          }
          default: return `rt.arith(${lit(e.op)}, ${a}, ${b})`;
        }
      }
    }
  }
}

function containsBreak(nodes: readonly Node[]): boolean {
  return nodes.some((n) => {
    switch (n.t) {
      case 'break': return true;
      case 'if': return n.branches.some((b) => containsBreak(b.body)) || (n.otherwise ? containsBreak(n.otherwise) : false);
      case 'foreach': return containsBreak(n.body);
      default: return false;
    }
  });
}
