// JSONPath for $input.path / $input.json (Jayway JsonPath semantics, which API Gateway uses): a definite
// path yields one value (null when absent); wildcards, deep scans, slices, unions and filters yield a list.
import { isNumber, JavaList, JavaMap, mapGet, mapHas, numValue, vtlEquals } from './java-values.js';
import { JavaException } from './java-exception.js';

type Seg =
  | { k: 'name'; names: string[] }
  | { k: 'index'; idx: number[] }
  | { k: 'wild' }
  | { k: 'deep'; then: Seg }
  | { k: 'slice'; start?: number; end?: number; step: number }
  | { k: 'filter'; f: Filter };

type Filter = (v: unknown, root: unknown) => boolean;

export interface CompiledPath {
  readonly definite: boolean;
  evaluate(root: unknown): unknown;
}

const cache = new Map<string, CompiledPath>();

function invalid(path: string, why: string): JavaException {
  return new JavaException('com.jayway.jsonpath.InvalidPathException', `${why}: ${path}`);
}

export function compileJsonPath(path: string): CompiledPath {
  const hit = cache.get(path);
  if (hit) return hit;
  const p = path.trim();
  if (!p.startsWith('$')) throw invalid(path, 'Path must start with $');
  let i = 1;
  const segs: Seg[] = [];
  const readName = (): string => {
    const m = /^[^.[\]\s]+/.exec(p.slice(i));
    if (!m) throw invalid(path, 'Expected a property name');
    i += m[0].length;
    return m[0];
  };
  const bracket = (): Seg => {
    // at '['
    i++;
    const close = findClose(p, i);
    if (close < 0) throw invalid(path, 'Unclosed [');
    const body = p.slice(i, close).trim();
    i = close + 1;
    if (body === '*') return { k: 'wild' };
    if (body.startsWith('?')) return { k: 'filter', f: compileFilter(body.slice(1).trim(), path) };
    if (/^['"]/.test(body)) {
      const names = [...body.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
      return { k: 'name', names };
    }
    const slice = /^(-?\d+)?\s*:\s*(-?\d+)?(?:\s*:\s*(-?\d+))?$/.exec(body);
    if (slice) {
      return { k: 'slice', ...(slice[1] !== undefined ? { start: Number(slice[1]) } : {}), ...(slice[2] !== undefined ? { end: Number(slice[2]) } : {}), step: slice[3] ? Number(slice[3]) : 1 };
    }
    if (/^-?\d+(\s*,\s*-?\d+)*$/.test(body)) return { k: 'index', idx: body.split(',').map((x) => Number(x.trim())) };
    throw invalid(path, `Could not parse token [${body}]`);
  };
  while (i < p.length) {
    const c = p[i];
    if (c === '.' && p[i + 1] === '.') {
      i += 2;
      let then: Seg;
      if (p[i] === '[') then = bracket();
      else if (p[i] === '*') { i++; then = { k: 'wild' }; }
      else then = { k: 'name', names: [readName()] };
      segs.push({ k: 'deep', then });
    } else if (c === '.') {
      i++;
      if (p[i] === '*') { i++; segs.push({ k: 'wild' }); }
      else if (p[i] === '[') segs.push(bracket());
      else segs.push({ k: 'name', names: [readName()] });
    } else if (c === '[') segs.push(bracket());
    else throw invalid(path, `Unexpected character '${c}'`);
  }
  const definite = segs.every((s) => (s.k === 'name' && s.names.length === 1) || (s.k === 'index' && s.idx.length === 1));
  const compiled: CompiledPath = {
    definite,
    evaluate(root) {
      let cur: unknown[] = [root];
      for (const s of segs) cur = step(cur, s, root);
      if (definite) return cur.length ? cur[0] : null;
      return new JavaList(cur, 'json');
    },
  };
  if (cache.size > 1000) cache.clear();
  cache.set(path, compiled);
  return compiled;
}

function findClose(p: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let j = from; j < p.length; j++) {
    const c = p[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ']') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

function children(v: unknown): unknown[] {
  if (v instanceof JavaList) return v.items;
  if (v instanceof JavaMap) return [...v.entries.values()];
  return [];
}

function step(cur: unknown[], s: Seg, root: unknown): unknown[] {
  const out: unknown[] = [];
  for (const v of cur) {
    switch (s.k) {
      case 'name':
        if (v instanceof JavaMap) for (const n of s.names) if (mapHas(v, n)) out.push(mapGet(v, n));
        break;
      case 'index':
        if (v instanceof JavaList) {
          for (const n of s.idx) {
            const i = n < 0 ? v.items.length + n : n;
            if (i >= 0 && i < v.items.length) out.push(v.items[i]);
          }
        }
        break;
      case 'wild': out.push(...children(v)); break;
      case 'slice':
        if (v instanceof JavaList) {
          const len = v.items.length;
          const norm = (x: number): number => (x < 0 ? Math.max(0, len + x) : Math.min(len, x));
          const a = norm(s.start ?? 0);
          const b = norm(s.end ?? len);
          for (let i = a; i < b; i += Math.max(1, s.step)) out.push(v.items[i]);
        }
        break;
      case 'filter':
        for (const c of v instanceof JavaList ? v.items : [v]) if (s.f(c, root)) out.push(c);
        break;
      case 'deep': {
        const walk = (x: unknown, depth: number): void => {
          if (depth > 100) return;
          out.push(...step([x], s.then, root));
          for (const c of children(x)) walk(c, depth + 1);
        };
        walk(v, 0);
        break;
      }
    }
  }
  return out;
}

/** Filters: `?(@.a.b)`, `?(@.a == 'x')`, `<`, `<=`, `>`, `>=`, `!=`, combined with && and ||. */
function compileFilter(src: string, path: string): Filter {
  let body = src.trim();
  if (body.startsWith('(') && body.endsWith(')')) body = body.slice(1, -1).trim();
  const ors = splitTop(body, '||');
  if (ors.length > 1) {
    const fs = ors.map((x) => compileFilter(x, path));
    return (v, r) => fs.some((f) => f(v, r));
  }
  const ands = splitTop(body, '&&');
  if (ands.length > 1) {
    const fs = ands.map((x) => compileFilter(x, path));
    return (v, r) => fs.every((f) => f(v, r));
  }
  const m = /^(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body);
  if (!m) {
    const get = operand(body, path);
    return (v, r) => get(v, r) !== undefined;
  }
  const left = operand(m[1] as string, path);
  const right = operand(m[3] as string, path);
  const op = m[2] as string;
  return (v, r) => {
    const a = left(v, r);
    const b = right(v, r);
    if (a === undefined || b === undefined) return false;
    if (op === '==') return vtlEquals(a, b);
    if (op === '!=') return !vtlEquals(a, b);
    if (isNumber(a) && isNumber(b)) {
      const x = numValue(a);
      const y = numValue(b);
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    }
    if (typeof a === 'string' && typeof b === 'string') return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    return false;
  };
}

function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let last = 0;
  for (let j = 0; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && s.startsWith(sep, j)) {
      parts.push(s.slice(last, j).trim());
      last = j + sep.length;
      j += sep.length - 1;
    }
  }
  parts.push(s.slice(last).trim());
  return parts;
}

function operand(src: string, path: string): (v: unknown, root: unknown) => unknown {
  const t = src.trim();
  if (t.startsWith('@') || t.startsWith('$')) {
    const sub = compileJsonPath(`$${t.slice(1)}`);
    const fromRoot = t.startsWith('$');
    return (v, root) => {
      const r = sub.evaluate(fromRoot ? root : v);
      if (sub.definite && r === null) {
        // Distinguish "absent" from JSON null for existence filters.
        return definitePresent(t.slice(1), fromRoot ? root : v) ? null : undefined;
      }
      return r;
    };
  }
  const q = /^'(.*)'$|^"(.*)"$/.exec(t);
  if (q) {
    const s = q[1] ?? q[2] ?? '';
    return () => s;
  }
  if (/^-?\d+$/.test(t)) { const n = Number(t); return () => n; }
  if (/^-?\d*\.\d+$/.test(t)) { const n = Number(t); return () => n; }
  if (t === 'true') return () => true;
  if (t === 'false') return () => false;
  if (t === 'null') return () => null;
  throw invalid(path, `Unsupported filter operand ${t}`);
}

function definitePresent(rest: string, v: unknown): boolean {
  let cur: unknown = v;
  for (const m of rest.matchAll(/\.([^.[\]]+)|\[['"]?([^'"\]]+)['"]?\]/g)) {
    const key = m[1] ?? m[2] ?? '';
    if (cur instanceof JavaMap) {
      if (!mapHas(cur, key)) return false;
      cur = mapGet(cur, key);
    } else if (cur instanceof JavaList && /^-?\d+$/.test(key)) {
      const i = Number(key);
      if (i >= cur.items.length) return false;
      cur = cur.items[i < 0 ? cur.items.length + i : i];
    } else return false;
  }
  return true;
}
