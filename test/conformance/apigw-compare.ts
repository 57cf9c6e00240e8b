// The API Gateway corpus's comparison rules (conformance/apigw/README.md "Comparison rules"): tokens
// `<<name>>` bind to the same text throughout a case, `<<any>>` matches anything, `{"<<json>>": V}` and
// `{"<<lines>>": [...]}` compare JSON text and log lines. Shared by the template and end-to-end suites.
export type Binds = Map<string, string>;
const TOKEN = /<<([^<>]*)>>/g;
const isAny = (name: string): boolean => name === 'any' || name.startsWith('any:');

function bind(binds: Binds, name: string, value: string): boolean {
  const cur = binds.get(name);
  if (cur !== undefined) return cur === value;
  binds.set(name, value);
  return true;
}

export function matchString(exp: string, act: unknown, binds: Binds): boolean {
  const whole = /^<<([^<>]*)>>$/.exec(exp);
  if (whole) {
    if (act === undefined) return false;
    const name = whole[1] as string;
    if (isAny(name)) return true;
    if (typeof act === 'object' && act !== null) return false;
    return bind(binds, name, typeof act === 'string' ? act : JSON.stringify(act));
  }
  if (typeof act !== 'string') return false;
  if (!exp.includes('<<')) return exp === act;
  const names: string[] = [];
  const src = exp.split(TOKEN).map((part, i) => {
    if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    names.push(part);
    return '([\\s\\S]*?)';
  }).join('');
  const m = new RegExp(`^${src}$`).exec(act);
  if (!m) return false;
  return names.every((n, i) => isAny(n) || bind(binds, n, m[i + 1] as string));
}

export function matchValue(exp: unknown, act: unknown, binds: Binds, subset: boolean): boolean {
  if (typeof exp === 'string') return matchString(exp, act, binds);
  if (exp === null || typeof exp !== 'object') return exp === act;
  if (Array.isArray(exp)) {
    return Array.isArray(act) && exp.length === act.length && exp.every((e, i) => matchValue(e, act[i], binds, subset));
  }
  const keys = Object.keys(exp);
  const e = exp as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === '<<json>>') {
    if (typeof act !== 'string') return false;
    try {
      return matchValue(e['<<json>>'], JSON.parse(act), binds, subset);
    } catch {
      return false;
    }
  }
  if (keys.length === 1 && keys[0] === '<<lines>>') return typeof act === 'string' && matchValue(e['<<lines>>'], act.split('\n'), binds, subset);
  if (act === null || typeof act !== 'object' || Array.isArray(act)) return false;
  const a = act as Record<string, unknown>;
  if (!subset && Object.keys(a).length !== keys.length) return false;
  return keys.every((k) => k in a && matchValue(e[k], a[k], binds, subset));
}
