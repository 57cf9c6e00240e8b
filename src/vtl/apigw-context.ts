// API Gateway's mapping-template variables ($input, $util, $context, $stageVariables) built from a plain
// request description, and renderMappingTemplate, which renders a template the way API Gateway does.
import { compileTemplate, LazyVariable, VtlRuntimeError, type CompiledTemplate, type CompileOptions } from './compiler.js';
import { compileJsonPath } from './json-path.js';
import { VtlSyntaxError } from './parser.js';
import {
  JavaException, JavaMap, javaFromJsonValue, javaFromPlain, javaToPlain, javaToString, mapGet, NO_METHOD, parseJsonJava, toJson,
  VtlObject,
} from './java-values.js';

/** The request a template sees. For a response template, `body` is the integration response body. */
export interface MappingRequest {
  readonly method: string;
  readonly path: string;
  readonly resourcePath: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** Decoded query parameters; a repeated name may carry all its values (the last one is used). */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Headers as the client sent them (names keep their case). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | null;
  /** The JSON value `body` is the JSON.stringify text of, when the caller has it (an in-process
   * integration's answer): `$input.path/json` and `$util.parseJson($input.body)` convert it instead
   * of parsing the text. */
  readonly bodyJson?: unknown;
  readonly stageVariables?: Readonly<Record<string, string>>;
  /** `$context` values (accountId, apiId, identity: {...}, requestOverride: {...}, ...). */
  readonly context?: Readonly<Record<string, unknown>>;
}

export interface MappingResult {
  readonly body: string;
  /** `$context.responseOverride` after rendering: `{ status?, header: {name: value} }`. */
  readonly responseOverride: { status?: unknown; header: Record<string, unknown> };
  /** `$context.requestOverride` after rendering: `{ header, path, querystring }`. */
  readonly requestOverride: { header: Record<string, unknown>; path: Record<string, unknown>; querystring: Record<string, unknown> };
  /** Set when the template failed (API Gateway answers 500 Internal server error). */
  readonly error?: VtlRuntimeError;
}

/**
 * Headers API Gateway hides from `$input.params()` (recorded: these read as "" while others pass through).
 */
const HIDDEN_HEADERS = new Set([
  'connection', 'content-length', 'content-md5', 'expect', 'max-forwards', 'proxy-authenticate', 'server', 'te',
  'transfer-encoding', 'trailer', 'upgrade', 'www-authenticate',
]);

const HIDDEN_LENGTHS = new Set([...HIDDEN_HEADERS].map((h) => h.length));
const isHidden = (name: string): boolean => HIDDEN_LENGTHS.has(name.length) && HIDDEN_HEADERS.has(name.toLowerCase());

const lastValue = (v: string | readonly string[]): string => (typeof v === 'string' ? v : (v[v.length - 1] ?? ''));

/** `$input`: body, json(path), path(path), params(), params(name). */
export class InputVariable extends VtlObject {
  private parsed: { ok: boolean; value: unknown } | undefined;
  private paramsMap: JavaMap | undefined;
  private lowerHeaders: Map<string, unknown> | undefined;
  private paramMemo: Map<string, unknown> | undefined;
  private readonly body: string;

  constructor(private readonly req: MappingRequest) {
    super();
    // Recorded: an empty or absent body reads as "{}".
    this.body = req.body === null || req.body === undefined || req.body === '' ? '{}' : req.body;
  }

  /** `$input.params()`: {path, querystring, header}, built on first use. */
  private get params(): JavaMap {
    if (this.paramsMap) return this.paramsMap;
    const req = this.req;
    const header = new Map<unknown, unknown>();
    const headers = req.headers ?? {};
    for (const k in headers) if (!isHidden(k)) header.set(k, lastValue(headers[k] as string));
    const query = new Map<unknown, unknown>();
    const q = req.query ?? {};
    for (const k in q) query.set(k, lastValue(q[k] as string));
    const path = new Map<unknown, unknown>();
    const pp = req.pathParameters ?? {};
    for (const k in pp) path.set(k, pp[k]);
    this.paramsMap = new JavaMap(new Map<unknown, unknown>([['path', new JavaMap(path)], ['querystring', new JavaMap(query)], ['header', new JavaMap(header)]]));
    return this.paramsMap;
  }

  /** `$input.params(name)`: path, then query string, then header (case-insensitive); "" when absent. */
  private param(name: unknown): unknown {
    const key = typeof name === 'string' ? name : javaToString(name);
    // Parameters of one request never change: remember each answer.
    const known = this.paramMemo?.get(key);
    if (known !== undefined) return known;
    const v = this.lookupParam(key);
    (this.paramMemo ??= new Map()).set(key, v);
    return v;
  }

  private lookupParam(key: string): unknown {
    // Read straight from the request: no need to build the three maps of $input.params().
    const { pathParameters: pp, query: q, headers: h } = this.req;
    if (pp && Object.hasOwn(pp, key)) return pp[key] ?? '';
    if (q && Object.hasOwn(q, key)) return lastValue(q[key] as string);
    if (!h) return '';
    if (Object.hasOwn(h, key) && !isHidden(key)) return lastValue(h[key] as string);
    if (!this.lowerHeaders) {
      this.lowerHeaders = new Map();
      for (const k in h) if (!isHidden(k)) this.lowerHeaders.set(k.toLowerCase(), lastValue(h[k] as string));
    }
    return this.lowerHeaders.get(key.toLowerCase()) ?? '';
  }

  /** The body as JSON; a body that is not JSON is one string (so `$input.path('$')` returns the raw text). */
  private document(): unknown {
    if (!this.parsed) {
      try {
        const known = this.req.bodyJson;
        this.parsed = { ok: true, value: known !== undefined && this.body === this.req.body ? javaFromJsonValue(known, this.body) : parseJsonJava(this.body) };
      } catch {
        this.parsed = { ok: false, value: this.body };
      }
    }
    return this.parsed.value;
  }

  property(name: string): unknown {
    if (name === 'body') return this.body;
    return undefined;
  }

  invoke(name: string, args: unknown[], key = `${name}/${args.length}`): unknown {
    const [a] = args;
    switch (key) {
      case 'params/0': return this.params;
      case 'params/1': return this.param(a);
      case 'path/1': {
        if (typeof a !== 'string') return null;
        return compileJsonPath(a).evaluate(this.document());
      }
      case 'json/1': {
        if (typeof a !== 'string') return null;
        const p = compileJsonPath(a);
        const r = p.evaluate(this.document());
        if (r === null && p.definite && a.trim() !== '$') return '';
        return toJson(r);
      }
      case 'getBody/0': case 'body/0': return this.body;
      default: return NO_METHOD;
    }
  }

  toJavaString(): string {
    return '';
  }
}

// ------------------------------------------------------------------------------------------------ $util

const HEX = '0123456789ABCDEF';

/**
 * $util.escapeJavaScript: Apache Commons Lang StringEscapeUtils.escapeJavaScript — `'` → `\'`,
 * `"` → `\"`, `\` → `\\`, `/` → `\/`, \b \f \n \r \t, other control and all non-ASCII chars → \uXXXX.
 */
export function escapeJavaScript(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    let rep: string;
    if (ch >= 32 && ch <= 0x7f) {
      if (ch !== 34 && ch !== 39 && ch !== 92 && ch !== 47) continue;
      rep = `\\${s[i] as string}`;
    } else if (ch > 0x7f) rep = `\\u${ch.toString(16).toUpperCase().padStart(4, '0')}`;
    else {
      switch (ch) {
        case 8: rep = '\\b'; break;
        case 9: rep = '\\t'; break;
        case 10: rep = '\\n'; break;
        case 12: rep = '\\f'; break;
        case 13: rep = '\\r'; break;
        default: rep = `\\u${ch.toString(16).toUpperCase().padStart(4, '0')}`;
      }
    }
    out += s.slice(last, i) + rep;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** java.net.URLEncoder.encode(s, "UTF-8"): keeps [A-Za-z0-9.*_-], space → '+', the rest %XX (upper case). */
const ASCII = /^[\u0000-\u007f]*$/;

export function urlEncode(s: string): string {
  let out = '';
  const ascii = ASCII.test(s);
  const bytes: ArrayLike<number> = ascii ? { length: s.length } : utf8.encode(s);
  for (let i = 0; i < bytes.length; i++) {
    const b = ascii ? s.charCodeAt(i) : (bytes[i] as number);
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2e || b === 0x2a || b === 0x5f || b === 0x2d) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** java.net.URLDecoder.decode(s, "UTF-8"): '+' → space, %XX sequences as UTF-8 bytes. */
export function urlDecode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length;) {
    const c = s[i] as string;
    if (c === '+') { out += ' '; i++; continue; }
    if (c !== '%') { out += c; i++; continue; }
    const bytes: number[] = [];
    while (s[i] === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        throw new JavaException('java.lang.IllegalArgumentException', `URLDecoder: Illegal hex characters in escape (%) pattern - For input string: "${h}"`);
      }
      bytes.push(parseInt(h, 16));
      i += 3;
    }
    out += utf8Decoder.decode(new Uint8Array(bytes));
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** java.util.Base64 (basic) of the UTF-8 bytes. */
export function base64Encode(s: string): string {
  if (ASCII.test(s)) return btoa(s);
  const bytes = utf8.encode(s);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i] as number);
  return btoa(bin);
}

/** java.util.Base64 basic decoder, result read as UTF-8; illegal input throws IllegalArgumentException. */
export function base64Decode(s: string): string {
  const clean = s.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1 || s.length - clean.length > 2) {
    throw new JavaException('java.lang.IllegalArgumentException', 'Illegal base64 character');
  }
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of clean) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

/** `$util`: escapeJavaScript, parseJson, urlEncode, urlDecode, base64Encode, base64Decode. */
export class UtilVariable extends VtlObject {
  /** `known`: a JSON text and the value it was printed from (parseJson of that text converts the value) */
  constructor(private readonly known?: { text: string; value: unknown }) {
    super();
  }

  property(): unknown {
    return undefined;
  }

  invoke(name: string, args: unknown[]): unknown {
    if (args.length !== 1) return NO_METHOD;
    const [a] = args;
    // A null argument yields null, which renders as the empty string (recorded for urlEncode).
    if (a === null || a === undefined) {
      return ['escapeJavaScript', 'parseJson', 'urlEncode', 'urlDecode', 'base64Encode', 'base64Decode'].includes(name) ? null : NO_METHOD;
    }
    const s = javaToString(a);
    switch (name) {
      case 'escapeJavaScript': return escapeJavaScript(s);
      case 'parseJson':
        try {
          return this.known !== undefined && s === this.known.text ? javaFromJsonValue(this.known.value, s) : parseJsonJava(s);
        } catch (e) {
          throw new JavaException('com.fasterxml.jackson.core.JsonParseException', e instanceof Error ? e.message : 'Invalid JSON');
        }
      case 'urlEncode': return urlEncode(s);
      case 'urlDecode': return urlDecode(s);
      case 'base64Encode': return base64Encode(s);
      case 'base64Decode': return base64Decode(s);
      default: return NO_METHOD;
    }
  }

  toJavaString(): string {
    return '';
  }
}

const UTIL = new UtilVariable();

// ------------------------------------------------------------------------------------------------ $context

/**
 * `$context` as a map in the order the values were given. Its nested objects (identity, authorizer,
 * requestOverride, ...) render as "" when printed whole (recorded), but are read and written as maps.
 */
export function buildContext(req: MappingRequest): JavaMap {
  const ctx = new Map<unknown, unknown>();
  const given = req.context ?? {};
  for (const k in given) {
    const v = given[k];
    ctx.set(k, v !== null && typeof v === 'object' && !Array.isArray(v) ? opaqueMap(v as Record<string, unknown>) : javaFromPlain(v));
  }
  if (!ctx.has('httpMethod')) ctx.set('httpMethod', req.method);
  if (!ctx.has('resourcePath')) ctx.set('resourcePath', req.resourcePath);
  const ro = ensureMap(ctx, 'requestOverride');
  for (const k of ['header', 'path', 'querystring']) ensureMap(ro.entries, k);
  ensureMap(ensureMap(ctx, 'responseOverride').entries, 'header');
  return new JavaMap(ctx);
}

function opaqueMap(o: Record<string, unknown>): JavaMap {
  const m = new Map<unknown, unknown>();
  for (const k in o) {
    const v = o[k];
    m.set(k, v !== null && typeof v === 'object' && !Array.isArray(v) ? opaqueMap(v as Record<string, unknown>) : javaFromPlain(v));
  }
  return new JavaMap(m, 'opaque');
}

function ensureMap(m: Map<unknown, unknown>, key: string): JavaMap {
  const cur = m.get(key);
  if (cur instanceof JavaMap) return cur;
  const fresh = new JavaMap(new Map(), 'opaque');
  m.set(key, fresh);
  return fresh;
}

/** The variables of one mapping-template evaluation (only `names`, when given). */
export function buildVariables(req: MappingRequest, names?: ReadonlySet<string>): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  if (!names || names.has('input')) vars.input = new InputVariable(req);
  if (!names || names.has('util')) {
    vars.util = req.bodyJson !== undefined && typeof req.body === 'string' && req.body !== '' ? new UtilVariable({ text: req.body, value: req.bodyJson }) : UTIL;
  }
  // $context is converted to Java maps only when the template reads it (often only in an error branch).
  if (!names || names.has('context')) vars.context = new LazyVariable(() => buildContext(req));
  if (!names || names.has('stageVariables')) vars.stageVariables = javaFromPlain({ ...(req.stageVariables ?? {}) });
  return vars;
}

/** A $context override map as plain data; untouched (only empty sub-maps) reads as {}. */
function overrides(v: unknown): unknown {
  if (!(v instanceof JavaMap)) return {};
  let touched = false;
  for (const sub of v.entries.values()) if (!(sub instanceof JavaMap) || sub.entries.size > 0) touched = true;
  return touched ? javaToPlain(v) : {};
}

const compiledCache = new Map<string, CompiledTemplate>();

/**
 * Renders a request or response mapping template as API Gateway does, returning the body and the
 * overrides the template set. Never throws for a template problem: a syntax or runtime error comes
 * back in `error` (API Gateway answers 500 {"message": "Internal server error"}).
 */
export function renderMappingTemplate(template: string | CompiledTemplate, req: MappingRequest, options: CompileOptions = {}): MappingResult {
  let lazyContext: LazyVariable | undefined;
  let result: { output: string; error?: VtlRuntimeError };
  try {
    let compiled: CompiledTemplate;
    if (typeof template === 'string') {
      const key = `${options.undefinedReferences ?? ''}|${options.maxForeachIterations ?? ''}|${template}`;
      compiled = compiledCache.get(key) ?? compileTemplate(template, options);
      if (compiledCache.size > 500) compiledCache.clear();
      compiledCache.set(key, compiled);
    } else compiled = template;
    // Only the variables the template can reach are built (compile once, do little per request).
    const vars = buildVariables(req, compiled.variables);
    lazyContext = vars.context as LazyVariable | undefined;
    result = compiled.execute(vars);
  } catch (e) {
    const err = e instanceof VtlSyntaxError
      ? new VtlRuntimeError(e.reason, e.line, e.column)
      : new VtlRuntimeError(e instanceof Error ? e.message : String(e));
    result = { output: '', error: err };
  }
  // A template that never read $context left its overrides untouched.
  const ctx = lazyContext?.resolved as JavaMap | undefined;
  const ro = (ctx ? overrides(mapGet(ctx, 'responseOverride')) : {}) as Partial<MappingResult['responseOverride']>;
  const rq = (ctx ? overrides(mapGet(ctx, 'requestOverride')) : {}) as Partial<MappingResult['requestOverride']>;
  return {
    body: result.output,
    responseOverride: { ...ro, header: ro.header ?? {} },
    requestOverride: { header: rq.header ?? {}, path: rq.path ?? {}, querystring: rq.querystring ?? {} },
    ...(result.error ? { error: result.error } : {}),
  };
}

