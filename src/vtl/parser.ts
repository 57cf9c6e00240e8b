// Velocity Template Language parser (Velocity 1.7 syntax, as API Gateway runs it): template text →
// syntax tree, with syntax errors carrying line and column in Velocity's "Encountered ..." wording.
import type { Access, BinOp, Expr, Node, Pos, Ref } from './ast.js';
import { JavaDouble } from './java-values.js';

/** A template that does not parse. Message follows Velocity's ParseException: `Encountered "x" at line L, column C.` */
export class VtlSyntaxError extends Error {
  constructor(readonly reason: string, readonly line: number, readonly column: number) {
    super(`${reason} at line ${line}, column ${column}.`);
    this.name = 'VtlSyntaxError';
  }
}

const IDENT_START = /[a-zA-Z_]/;
// Velocity 1.7 identifiers may contain '-' and '_' after the first char (`$foo-bar` is one reference).
const IDENT_CHAR = /[a-zA-Z0-9_-]/;
const WORD_CHAR = /[a-zA-Z0-9_]/;
const BLOCK_DIRECTIVES = new Set(['if', 'foreach', 'macro', 'define']);
const WORD_OPS: Record<string, BinOp> = { and: '&&', or: '||', eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=' };

type Terminator = 'end' | 'else' | 'elseif';
interface BlockEnd { kind: Terminator | 'eof'; pos: Pos; cond?: Expr }

export interface ParseOptions {
  /** Offsets positions of a nested parse (string literals) so errors point into the whole template. */
  readonly lineOffset?: number;
  readonly columnOffset?: number;
  readonly macroNames?: Set<string>;
}

export function parseTemplate(src: string, options: ParseOptions = {}): Node[] {
  const p = new Parser(src, options);
  const { nodes, end } = p.block(new Set());
  if (end.kind !== 'eof') throw new VtlSyntaxError(`Encountered "#${end.kind}"`, end.pos.line, end.pos.column);
  return nodes;
}

class Parser {
  private i = 0;
  private readonly lineStarts: number[] = [0];
  readonly macroNames: Set<string>;

  constructor(private readonly s: string, private readonly opts: ParseOptions) {
    for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
    // Macros are registered when the template is parsed, so a call may precede its definition.
    this.macroNames = opts.macroNames ?? new Set();
    for (const m of s.matchAll(/#\{?macro\}?[ \t]*\([ \t\r\n]*([a-zA-Z_][a-zA-Z0-9_-]*)/g)) this.macroNames.add(m[1] as string);
  }

  pos(at = this.i): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    const line = lo + 1;
    const column = at - (this.lineStarts[lo] as number) + 1;
    return { line: line + (this.opts.lineOffset ?? 0), column: column + (line === 1 ? (this.opts.columnOffset ?? 0) : 0) };
  }

  fail(what: string, at = this.i): never {
    const p = this.pos(at);
    throw new VtlSyntaxError(`Encountered "${what}"`, p.line, p.column);
  }

  private tokenAt(at: number): string {
    if (at >= this.s.length) return '<EOF>';
    const m = /^(?:[a-zA-Z_][a-zA-Z0-9_]*|\d+|\S)/.exec(this.s.slice(at, at + 40));
    return m ? m[0] : (this.s[at] as string);
  }

  // ---------------------------------------------------------------------------------------- template level

  block(terms: Set<Terminator>): { nodes: Node[]; end: BlockEnd } {
    const nodes: Node[] = [];
    const s = this.s;
    let text = '';
    const flush = (): void => {
      if (text) nodes.push({ t: 'text', v: text });
      text = '';
    };
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c !== 36 /* $ */ && c !== 35 /* # */ && c !== 92 /* \ */) {
        // Fast path: copy plain text up to the next special char.
        let j = this.i + 1;
        while (j < s.length) {
          const d = s.charCodeAt(j);
          if (d === 36 || d === 35 || d === 92) break;
          j++;
        }
        text += s.slice(this.i, j);
        this.i = j;
        continue;
      }
      if (c === 92) {
        let j = this.i;
        while (s.charCodeAt(j) === 92) j++;
        const k = j - this.i;
        if (s[j] === '$' && this.isRefStart(j)) {
          flush();
          this.i = j;
          nodes.push({ t: 'ref', ref: this.reference(), escapes: k });
          continue;
        }
        if (s[j] === '#' && this.directiveName(j) !== undefined) {
          // `\#if` renders `#if` literally; pairs of backslashes render as one backslash each.
          text += '\\'.repeat(k >> 1);
          this.i = j;
          if (k % 2 === 1) {
            const name = this.directiveName(j) as string;
            const braced = s[j + 1] === '{';
            const len = 1 + name.length + (braced ? 2 : 0);
            text += s.slice(j, j + len);
            this.i = j + len;
          }
          continue;
        }
        text += s.slice(this.i, j);
        this.i = j;
        continue;
      }
      if (c === 36) {
        if (this.isRefStart(this.i)) {
          flush();
          nodes.push({ t: 'ref', ref: this.reference(), escapes: 0 });
        } else {
          text += '$';
          this.i++;
        }
        continue;
      }
      // '#'
      const next = s[this.i + 1];
      if (next === '#') {
        // ## line comment, including its newline.
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? s.length : nl + 1;
        continue;
      }
      if (next === '*') {
        const close = s.indexOf('*#', this.i + 2);
        if (close < 0) this.fail('#*');
        this.i = close + 2;
        continue;
      }
      if (next === '[' && s[this.i + 2] === '[') {
        const close = s.indexOf(']]#', this.i + 3);
        if (close < 0) this.fail('#[[');
        text += s.slice(this.i + 3, close);
        this.i = close + 3;
        continue;
      }
      const name = this.directiveName(this.i);
      if (name === undefined) {
        text += '#';
        this.i++;
        continue;
      }
      const start = this.i;
      const startPos = this.pos();
      const braced = next === '{';
      const after = start + 1 + name.length + (braced ? 2 : 0);
      if (name === 'end' || name === 'else' || name === 'elseif') {
        if (!terms.has(name)) this.fail(`#${name}`, start);
        flush();
        this.i = after;
        let cond: Expr | undefined;
        if (name === 'elseif') cond = this.parenExpr();
        else this.gobbleNewline();
        return { nodes, end: { kind: name, pos: startPos, ...(cond ? { cond } : {}) } };
      }
      if (name === 'set') {
        // Velocity 1.7's #set token swallows the spaces and tabs in front of it.
        text = text.replace(/[ \t]+$/, '');
        flush();
        this.i = after;
        nodes.push(this.setDirective(startPos));
        continue;
      }
      if (name === 'stop') {
        flush();
        this.i = after;
        nodes.push({ t: 'stop' });
        continue;
      }
      if (name === 'break') {
        flush();
        this.i = after;
        if (s[this.i] === '(') {
          this.i++;
          this.ws();
          const scope = this.expr();
          this.expectChar(')');
          this.gobbleNewline();
          nodes.push({ t: 'break', scope });
        } else nodes.push({ t: 'break' });
        continue;
      }
      // Everything else needs an argument list.
      let j = after;
      while (s[j] === ' ' || s[j] === '\t') j++;
      if (s[j] !== '(') {
        if (BLOCK_DIRECTIVES.has(name) || name === 'evaluate') {
          this.i = j;
          this.fail(this.tokenAt(j));
        }
        text += s.slice(start, after);
        this.i = after;
        continue;
      }
      flush();
      this.i = j + 1;
      switch (name) {
        case 'if': nodes.push(this.ifDirective()); break;
        case 'foreach': nodes.push(this.foreachDirective(startPos)); break;
        case 'macro': nodes.push(this.macroDirective()); break;
        case 'define': nodes.push(this.defineDirective()); break;
        case 'evaluate': {
          this.ws();
          const expr = this.expr();
          this.expectChar(')');
          this.gobbleNewline();
          nodes.push({ t: 'evaluate', expr, pos: startPos });
          break;
        }
        default: {
          const args = this.argList(')');
          this.gobbleNewline();
          nodes.push({ t: 'call', name, args, pos: startPos, src: s.slice(start, this.i) });
        }
      }
    }
    flush();
    return { nodes, end: { kind: 'eof', pos: this.pos() } };
  }

  /** The directive or macro named at `#`, or undefined when `#` is plain text there. */
  private directiveName(at: number): string | undefined {
    const s = this.s;
    const braced = s[at + 1] === '{';
    let j = at + (braced ? 2 : 1);
    const from = j;
    if (!IDENT_START.test(s[j] ?? '')) return undefined;
    while (j < s.length && WORD_CHAR.test(s[j] as string)) j++;
    if (braced && s[j] !== '}') return undefined;
    const name = s.slice(from, j);
    switch (name) {
      case 'set': case 'if': case 'elseif': case 'else': case 'end': case 'foreach': case 'break':
      case 'stop': case 'macro': case 'define': case 'evaluate':
        return name;
      default:
        return this.macroNames.has(name) ? name : undefined;
    }
  }

  /** After `)` of a directive, `#else` and `#end`: Velocity 1.7 eats trailing blanks and one newline. */
  private gobbleNewline(): void {
    const s = this.s;
    let j = this.i;
    while (s[j] === ' ' || s[j] === '\t') j++;
    if (s[j] === '\n') this.i = j + 1;
    else if (s[j] === '\r') this.i = s[j + 1] === '\n' ? j + 2 : j + 1;
  }

  private setDirective(pos: Pos): Node {
    this.ws();
    if (this.s[this.i] !== '(') this.fail(this.tokenAt(this.i));
    this.i++;
    this.ws();
    if (this.s[this.i] !== '$') this.fail(this.tokenAt(this.i));
    const target = this.reference();
    const last = target.path[target.path.length - 1];
    if (last && last.k === 'method') {
      this.ws();
      this.fail(this.tokenAt(this.i));
    }
    this.ws();
    if (this.s[this.i] !== '=') this.fail(this.tokenAt(this.i));
    this.i++;
    this.ws();
    const value = this.expr();
    this.expectChar(')');
    this.gobbleNewline();
    return { t: 'set', target, value, pos };
  }

  private parenExpr(): Expr {
    this.ws();
    if (this.s[this.i] !== '(') this.fail(this.tokenAt(this.i));
    this.i++;
    this.ws();
    const e = this.expr();
    this.expectChar(')');
    this.gobbleNewline();
    return e;
  }

  private ifDirective(): Node {
    this.ws();
    const cond = this.expr();
    this.expectChar(')');
    this.gobbleNewline();
    const branches: { cond: Expr; body: Node[] }[] = [];
    let current = cond;
    const terms = new Set<Terminator>(['end', 'else', 'elseif']);
    for (;;) {
      const { nodes, end } = this.block(terms);
      if (end.kind === 'eof') this.fail('<EOF>');
      branches.push({ cond: current, body: nodes });
      if (end.kind === 'end') return { t: 'if', branches };
      if (end.kind === 'else') {
        const other = this.block(new Set(['end']));
        if (other.end.kind === 'eof') this.fail('<EOF>');
        return { t: 'if', branches, otherwise: other.nodes };
      }
      current = end.cond as Expr;
    }
  }

  private foreachDirective(pos: Pos): Node {
    this.ws();
    if (this.s[this.i] !== '$') this.fail(this.tokenAt(this.i));
    const v = this.reference();
    if (v.path.length > 0) this.fail(v.src);
    this.ws();
    if (!this.word('in')) this.fail(this.tokenAt(this.i));
    this.ws();
    const iter = this.expr();
    this.expectChar(')');
    this.gobbleNewline();
    const { nodes, end } = this.block(new Set(['end']));
    if (end.kind === 'eof') this.fail('<EOF>');
    return { t: 'foreach', varName: v.name, iter, body: nodes, pos };
  }

  private macroDirective(): Node {
    this.ws();
    const name = this.ident();
    if (name === undefined) this.fail(this.tokenAt(this.i));
    const params: string[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === ',') { this.i++; continue; }
      if (this.s[this.i] === ')') { this.i++; break; }
      if (this.s[this.i] !== '$') this.fail(this.tokenAt(this.i));
      const r = this.reference();
      if (r.path.length > 0) this.fail(r.src);
      params.push(r.name);
    }
    this.gobbleNewline();
    const { nodes, end } = this.block(new Set(['end']));
    if (end.kind === 'eof') this.fail('<EOF>');
    return { t: 'macro', name, params, body: nodes };
  }

  private defineDirective(): Node {
    this.ws();
    if (this.s[this.i] !== '$') this.fail(this.tokenAt(this.i));
    const target = this.reference();
    this.expectChar(')');
    this.gobbleNewline();
    const { nodes, end } = this.block(new Set(['end']));
    if (end.kind === 'eof') this.fail('<EOF>');
    return { t: 'define', target, body: nodes };
  }

  // ---------------------------------------------------------------------------------------- references

  private isRefStart(at: number): boolean {
    const s = this.s;
    let j = at + 1;
    if (s[j] === '!') j++;
    if (s[j] === '{') j++;
    return IDENT_START.test(s[j] ?? '');
  }

  private ident(): string | undefined {
    const s = this.s;
    if (!IDENT_START.test(s[this.i] ?? '')) return undefined;
    const from = this.i;
    while (this.i < s.length && IDENT_CHAR.test(s[this.i] as string)) this.i++;
    return s.slice(from, this.i);
  }

  /** `$a`, `$!a`, `${a}`, `$!{a.b(1)[0]}`, with `.prop`, `.method(args)` and `[index]` steps. */
  reference(): Ref {
    const s = this.s;
    const start = this.i;
    const pos = this.pos();
    this.i++; // $
    let quiet = false;
    if (s[this.i] === '!') { quiet = true; this.i++; }
    const formal = s[this.i] === '{';
    if (formal) this.i++;
    const name = this.ident() as string;
    const path: Access[] = [];
    for (;;) {
      if (s[this.i] === '.' && IDENT_START.test(s[this.i + 1] ?? '')) {
        this.i++;
        // Velocity 1.7 property names follow the identifier rule too (`$h.X-Trace` is property "X-Trace").
        const from = this.i;
        while (this.i < s.length && IDENT_CHAR.test(s[this.i] as string)) this.i++;
        const prop = s.slice(from, this.i);
        if (s[this.i] === '(') {
          this.i++;
          path.push({ k: 'method', name: prop, args: this.argList(')') });
        } else path.push({ k: 'prop', name: prop });
        continue;
      }
      if (s[this.i] === '[') {
        const save = this.i;
        this.i++;
        this.ws();
        if (s[this.i] === ']') { this.i = save; break; }
        const expr = this.expr();
        this.ws();
        if (s[this.i] !== ']') this.fail(this.tokenAt(this.i));
        this.i++;
        path.push({ k: 'index', expr });
        continue;
      }
      break;
    }
    if (formal) {
      if (s[this.i] !== '}') this.fail(this.tokenAt(this.i));
      this.i++;
    }
    return { name, path, src: s.slice(start, this.i), quiet, line: pos.line, column: pos.column };
  }

  /** Comma- or blank-separated expressions up to `close` (method arguments, macro call arguments). */
  private argList(close: string): Expr[] {
    const args: Expr[] = [];
    this.ws();
    if (this.s[this.i] === close) {
      this.i++;
      return args;
    }
    for (;;) {
      this.ws();
      args.push(this.expr());
      this.ws();
      if (this.s[this.i] === ',') { this.i++; continue; }
      if (this.s[this.i] === close) { this.i++; return args; }
      if (this.i >= this.s.length) this.fail('<EOF>');
      // Macro calls may separate arguments with blanks only.
      if (close === ')' && /[\s]/.test(this.s[this.i - 1] ?? '')) continue;
      this.fail(this.tokenAt(this.i));
    }
  }

  // ---------------------------------------------------------------------------------------- expressions

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else break;
    }
  }

  private expectChar(c: string): void {
    this.ws();
    if (this.s[this.i] !== c) this.fail(this.tokenAt(this.i));
    this.i++;
  }

  /** A keyword operator (`and`, `in`, ...) not followed by an identifier char. */
  private word(w: string): boolean {
    if (this.s.startsWith(w, this.i) && !WORD_CHAR.test(this.s[this.i + w.length] ?? '')) {
      this.i += w.length;
      return true;
    }
    return false;
  }

  expr(): Expr {
    return this.or();
  }

  private bin(op: BinOp, a: Expr, b: Expr, at: number): Expr {
    return { t: 'bin', op, a, b, pos: this.pos(at) };
  }

  private or(): Expr {
    let a = this.and();
    for (;;) {
      this.ws();
      const at = this.i;
      if (this.s.startsWith('||', this.i)) this.i += 2;
      else if (!this.word('or')) return a;
      this.ws();
      a = this.bin('||', a, this.and(), at);
    }
  }

  private and(): Expr {
    let a = this.eq();
    for (;;) {
      this.ws();
      const at = this.i;
      if (this.s.startsWith('&&', this.i)) this.i += 2;
      else if (!this.word('and')) return a;
      this.ws();
      a = this.bin('&&', a, this.eq(), at);
    }
  }

  private eq(): Expr {
    let a = this.rel();
    for (;;) {
      this.ws();
      const at = this.i;
      let op: BinOp;
      if (this.s.startsWith('==', this.i)) { op = '=='; this.i += 2; }
      else if (this.s.startsWith('!=', this.i)) { op = '!='; this.i += 2; }
      else if (this.word('eq')) op = '==';
      else if (this.word('ne')) op = '!=';
      else return a;
      this.ws();
      a = this.bin(op, a, this.rel(), at);
    }
  }

  private rel(): Expr {
    let a = this.add();
    for (;;) {
      this.ws();
      const at = this.i;
      let op: BinOp;
      if (this.s.startsWith('<=', this.i)) { op = '<='; this.i += 2; }
      else if (this.s.startsWith('>=', this.i)) { op = '>='; this.i += 2; }
      else if (this.s[this.i] === '<') { op = '<'; this.i++; }
      else if (this.s[this.i] === '>') { op = '>'; this.i++; }
      else {
        const w = /^(lt|gt|le|ge)(?![a-zA-Z0-9_])/.exec(this.s.slice(this.i, this.i + 3));
        if (!w) return a;
        op = WORD_OPS[w[1] as string] as BinOp;
        this.i += 2;
      }
      this.ws();
      a = this.bin(op, a, this.add(), at);
    }
  }

  private add(): Expr {
    let a = this.mul();
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c !== '+' && c !== '-') return a;
      const at = this.i;
      this.i++;
      this.ws();
      a = this.bin(c, a, this.mul(), at);
    }
  }

  private mul(): Expr {
    let a = this.unary();
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c !== '*' && c !== '/' && c !== '%') return a;
      const at = this.i;
      this.i++;
      this.ws();
      a = this.bin(c, a, this.unary(), at);
    }
  }

  private unary(): Expr {
    this.ws();
    if (this.s[this.i] === '!' && this.s[this.i + 1] !== '=') {
      this.i++;
      return { t: 'not', a: this.unary() };
    }
    if (this.word('not')) {
      this.ws();
      return { t: 'not', a: this.unary() };
    }
    if (this.s[this.i] === '-') {
      this.i++;
      const a = this.unary();
      if (a.t === 'lit' && typeof a.v === 'number') return { t: 'lit', v: -a.v };
      if (a.t === 'lit' && a.v instanceof JavaDouble) return { t: 'lit', v: new JavaDouble(-a.v.value) };
      return { t: 'neg', a };
    }
    return this.primary();
  }

  private primary(): Expr {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '$' && this.isRefStart(this.i)) return { t: 'ref', ref: this.reference() };
    if (c === '"') return this.dqString();
    if (c === "'") {
      let j = this.i + 1;
      let v = '';
      for (;;) {
        if (j >= s.length) this.fail('<EOF>');
        if (s[j] === "'") {
          // Velocity 1.7: a doubled quote inside a string literal is one quote.
          if (s[j + 1] === "'") { v += "'"; j += 2; continue; }
          break;
        }
        v += s[j];
        j++;
      }
      this.i = j + 1;
      return { t: 'lit', v };
    }
    if (c !== undefined && c >= '0' && c <= '9') {
      const m = /^\d+(?:(\.\d+)([eE][+-]?\d+)?)?/.exec(s.slice(this.i, this.i + 400)) as RegExpExecArray;
      this.i += m[0].length;
      return { t: 'lit', v: m[1] !== undefined ? new JavaDouble(Number(m[0])) : Number(m[0]) };
    }
    if (c === '[') {
      this.i++;
      this.ws();
      if (s[this.i] === ']') { this.i++; return { t: 'list', items: [] }; }
      const first = this.expr();
      this.ws();
      if (s.startsWith('..', this.i)) {
        this.i += 2;
        this.ws();
        const to = this.expr();
        this.expectChar(']');
        return { t: 'range', from: first, to };
      }
      const items = [first];
      for (;;) {
        this.ws();
        if (s[this.i] === ']') { this.i++; return { t: 'list', items }; }
        if (s[this.i] !== ',') this.fail(this.tokenAt(this.i));
        this.i++;
        this.ws();
        items.push(this.expr());
      }
    }
    if (c === '{') {
      this.i++;
      this.ws();
      const entries: [Expr, Expr][] = [];
      if (s[this.i] === '}') { this.i++; return { t: 'map', entries }; }
      for (;;) {
        this.ws();
        const k = this.expr();
        this.expectChar(':');
        this.ws();
        const v = this.expr();
        entries.push([k, v]);
        this.ws();
        if (s[this.i] === '}') { this.i++; return { t: 'map', entries }; }
        if (s[this.i] !== ',') this.fail(this.tokenAt(this.i));
        this.i++;
      }
    }
    if (c === '(') {
      this.i++;
      this.ws();
      const e = this.expr();
      this.expectChar(')');
      return e;
    }
    if (this.word('true')) return { t: 'lit', v: true };
    if (this.word('false')) return { t: 'lit', v: false };
    if (this.word('null')) return { t: 'lit', v: null };
    return this.fail(this.tokenAt(this.i));
  }

  /** A double-quoted string: interpolated (references and directives inside are rendered). */
  private dqString(): Expr {
    const s = this.s;
    const start = this.i;
    let j = this.i + 1;
    let raw = '';
    for (;;) {
      if (j >= s.length) this.fail('<EOF>', start);
      const ch = s[j] as string;
      if (ch === '\\' && j + 1 < s.length) {
        // A backslash keeps the next char inside the literal (the token rule of Velocity 1.7).
        raw += ch + s[j + 1];
        j += 2;
        continue;
      }
      if (ch === '"') {
        if (s[j + 1] === '"') { raw += '"'; j += 2; continue; }
        break;
      }
      raw += ch;
      j++;
    }
    this.i = j + 1;
    // Velocity 1.7 unescapes \uXXXX in string literals.
    const text = raw.replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (!text.includes('$') && !text.includes('#') && !text.includes('\\')) return { t: 'lit', v: text };
    const p = this.pos(start + 1);
    const body = parseTemplate(text, { lineOffset: p.line - 1, columnOffset: p.column - 1, macroNames: this.macroNames });
    return { t: 'str', body };
  }
}
