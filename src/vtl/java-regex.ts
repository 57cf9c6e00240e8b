// java.util.regex on top of JavaScript RegExp: translates Java pattern syntax, and implements
// String.matches / replaceAll / replaceFirst / split with Java's rules (java.util.regex.Pattern docs).
import { JavaException } from './java-exception.js';

export interface JavaPattern {
  /** String.matches: the whole input must match. */
  full(s: string): boolean;
  /** replaceAll (all=true) / replaceFirst with a Java replacement already parsed by javaReplacement. */
  replace(s: string, repl: Replacement, all: boolean): string;
  readonly global: RegExp;
}

/** A parsed Java replacement string: literal text and group references ($1, ${name}). */
export type Replacement = (string | number | { name: string })[];

const cache = new Map<string, JavaPattern>();
const CACHE_LIMIT = 500;

// Java's \s is ASCII whitespace only ([ \t\n\x0B\f\r]); JavaScript's also matches Unicode spaces.
const SPACE = ' \\t\\n\\x0B\\f\\r';
const POSIX: Record<string, string> = {
  Lower: 'a-z', Upper: 'A-Z', ASCII: '\\x00-\\x7F', Alpha: 'a-zA-Z', Digit: '0-9', Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~', Graph: '!-~', Print: ' -~', Blank: ' \\t', Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F', Space: SPACE, javaLowerCase: 'a-z', javaUpperCase: 'A-Z', javaWhitespace: SPACE,
  L: 'a-zA-Z\\u00C0-\\u024F', IsAlphabetic: 'a-zA-Z', IsLatin: 'a-zA-Z', IsDigit: '0-9', N: '0-9',
};

function syntaxError(desc: string, pattern: string, index: number): JavaException {
  // PatternSyntaxException.getMessage(): "<desc> near index <i>\n<pattern>"
  return new JavaException('java.util.regex.PatternSyntaxException', `${desc} near index ${index}\n${pattern}`);
}

/** Translates a Java regex to JavaScript source and flags. */
export function translateJavaRegex(p: string): { source: string; flags: string } {
  let out = '';
  let flags = '';
  let i = 0;
  let inClass = 0;
  while (i < p.length) {
    const c = p[i] as string;
    if (c === '\\') {
      const d = p[i + 1];
      if (d === undefined) throw syntaxError('Unexpected internal error', p, i + 1);
      if (d === 'Q') {
        // \Q...\E quotes everything in between.
        const end = p.indexOf('\\E', i + 2);
        const lit = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? p.length : end + 2;
        continue;
      }
      if (d === 's') { out += inClass ? SPACE : `[${SPACE}]`; i += 2; continue; }
      if (d === 'S') { out += inClass ? '\\S' : `[^${SPACE}]`; i += 2; continue; }
      if (d === 'A') { out += '^'; i += 2; continue; }
      if (d === 'z') { out += '$(?![\\s\\S])'; i += 2; continue; }
      // \Z: end of input, or before a final line terminator.
      if (d === 'Z') { out += '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?$(?![\\s\\S]))'; i += 2; continue; }
      if (d === 'h') { out += inClass ? ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000' : '[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]'; i += 2; continue; }
      if (d === 'p' || d === 'P') {
        const m = /^\{(?:Is)?([A-Za-z]+)\}/.exec(p.slice(i + 2)) ?? /^([A-Z])/.exec(p.slice(i + 2));
        const body = m ? (POSIX[m[1] as string] ?? POSIX[`Is${m[1] as string}`]) : undefined;
        if (!m || body === undefined) throw syntaxError('Unknown character property name', p, i + 2);
        if (inClass) {
          if (d === 'P') throw syntaxError('Negated property inside a character class is not supported', p, i);
          out += body;
        } else out += d === 'P' ? `[^${body}]` : `[${body}]`;
        i += 2 + m[0].length;
        continue;
      }
      if (/[a-zA-Z0-9]/.test(d)) {
        // Escapes Java and JavaScript share: \d \D \w \W \b \B \n \t \r \f \e \xhh \uhhhh \0oo, backrefs \1.
        if (d === 'e') { out += '\\x1B'; i += 2; continue; }
        if (d === 'a') { out += '\\x07'; i += 2; continue; }
        if (d === 'G') throw syntaxError('\\G is not supported', p, i);
        out += `\\${d}`;
        i += 2;
        continue;
      }
      out += `\\${d}`;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[') {
        // Nested classes / intersections ([a-z&&[^aeiou]]) have no JavaScript equivalent without the v flag.
        throw syntaxError('Nested character classes are not supported', p, i);
      }
      if (c === ']') inClass = 0;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = 1;
      out += c;
      i++;
      if (p[i] === '^') { out += '^'; i++; }
      // A ']' right after '[' or '[^' is a literal in Java.
      if (p[i] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && p[i + 1] === '?') {
      // Inline flags (?i) (?s) (?m) (?x) (?u) (?d); only leading global ones are translated.
      const m = /^\(\?([idmsux]+)\)/.exec(p.slice(i));
      if (m) {
        for (const f of m[1] as string) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
        i += m[0].length;
        continue;
      }
      // Atomic groups (?>...) behave as plain groups here (no backtracking control in JavaScript).
      if (p[i + 2] === '>') { out += '(?:'; i += 3; continue; }
    }
    // Possessive quantifiers (X*+, X++, X?+, X{n}+) become greedy ones.
    if (c === '+' && i > 0 && /[*+?}]/.test(p[i - 1] as string) && p[i - 2] !== '\\') { i++; continue; }
    out += c;
    i++;
  }
  if (inClass) throw syntaxError('Unclosed character class', p, p.length - 1);
  return { source: out, flags };
}

export function javaRegex(pattern: string): JavaPattern {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { source, flags } = translateJavaRegex(pattern);
  let global: RegExp;
  let whole: RegExp;
  try {
    global = new RegExp(source, `${flags}g`);
    whole = new RegExp(`^(?:${source})$`, flags.replace('m', ''));
  } catch (e) {
    throw syntaxError(e instanceof Error ? e.message : 'Invalid pattern', pattern, 0);
  }
  const compiled: JavaPattern = {
    global,
    full: (s) => whole.test(s),
    replace: (s, repl, all) => {
      global.lastIndex = 0;
      let out = '';
      let last = 0;
      for (let m = global.exec(s); m; m = global.exec(s)) {
        out += s.slice(last, m.index) + expand(repl, m);
        last = m.index + m[0].length;
        if (!all) break;
        if (m[0].length === 0) {
          // Java copies the char after an empty match before searching again.
          if (m.index < s.length) out += s[m.index];
          last = m.index + 1;
          global.lastIndex = m.index + 1;
          if (m.index >= s.length) break;
        }
      }
      return out + s.slice(Math.min(last, s.length));
    },
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

function expand(repl: Replacement, m: RegExpExecArray): string {
  let out = '';
  for (const part of repl) {
    if (typeof part === 'string') out += part;
    else if (typeof part === 'number') {
      if (part >= m.length) throw new JavaException('java.lang.IndexOutOfBoundsException', `No group ${part}`);
      out += m[part] ?? '';
    } else {
      const g = m.groups?.[part.name];
      if (m.groups === undefined || !(part.name in m.groups)) throw new JavaException('java.lang.IllegalArgumentException', `No group with name {${part.name}}`);
      out += g ?? '';
    }
  }
  return out;
}

/**
 * Matcher.appendReplacement syntax: `$n` / `${name}` are group references, `\x` is a literal x; a `$`
 * not followed by a group reference is "Illegal group reference", a trailing `\` is
 * "character to be escaped is missing".
 */
export function javaReplacement(r: string): Replacement {
  const out: Replacement = [];
  let lit = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i] as string;
    if (c === '\\') {
      i++;
      if (i >= r.length) throw new JavaException('java.lang.IllegalArgumentException', 'character to be escaped is missing');
      lit += r[i];
    } else if (c === '$') {
      i++;
      if (i >= r.length) throw new JavaException('java.lang.IllegalArgumentException', 'Illegal group reference: group index is missing');
      if (r[i] === '{') {
        const end = r.indexOf('}', i);
        const name = end < 0 ? '' : r.slice(i + 1, end);
        if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) throw new JavaException('java.lang.IllegalArgumentException', "named capturing group is missing trailing '}'");
        if (lit) { out.push(lit); lit = ''; }
        out.push({ name });
        i = end;
      } else if (/[0-9]/.test(r[i] as string)) {
        if (lit) { out.push(lit); lit = ''; }
        // Java takes the longest digit run that still names an existing group; we take one digit plus
        // further digits (resolved against the group count in expand is not possible up front).
        out.push(Number(r[i]));
      } else {
        throw new JavaException('java.lang.IllegalArgumentException', 'Illegal group reference');
      }
    } else lit += c;
  }
  if (lit) out.push(lit);
  return out;
}

/**
 * String.split(regex, limit) (java.util.regex.Pattern.split): limit > 0 caps the number of parts,
 * limit 0 drops trailing empty strings, limit < 0 keeps them; a zero-width match at the start never
 * produces a leading empty string; no match at all returns the input itself.
 */
export function javaSplit(s: string, pattern: string, limit: number): string[] {
  const re = javaRegex(pattern).global;
  re.lastIndex = 0;
  const parts: string[] = [];
  const limited = limit > 0;
  let index = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!limited || parts.length < limit - 1) {
      if (!(index === 0 && start === 0 && start === end)) {
        parts.push(s.slice(index, start));
        index = end;
      }
    } else break;
    if (start === end) {
      // Like Matcher.find, search again one char further after an empty match.
      if (start >= s.length) break;
      re.lastIndex = start + 1;
    }
  }
  if (index === 0) return [s];
  parts.push(s.slice(index));
  if (limit === 0) {
    let n = parts.length;
    while (n > 0 && parts[n - 1] === '') n--;
    parts.length = n;
  }
  return parts;
}
