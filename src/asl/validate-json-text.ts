// Reads definition text the way AWS's Java service does (Jackson ObjectMapper.readTree): the first
// JSON value is parsed, trailing text is ignored, and a syntax error is described with Jackson's
// wording and its "[Source: (String)"…"; line: L, column: C]" location. Also reports duplicate keys,
// which JSON.parse silently collapses but AWS reports as DUPLICATE_STATE_NAME inside "States".

export interface DuplicateKey {
  /** path of the object holding the key: property names and array indexes from the root */
  container: (string | number)[];
  key: string;
}

export type JsonTextResult =
  | { kind: 'ok'; value: unknown; duplicates: DuplicateKey[] }
  | { kind: 'empty' }
  | { kind: 'error'; message: string; location: string };

/** Jackson shows at most this many characters of the source in a location. */
const SOURCE_SNIPPET_MAX = 500;
const VALUE_LIST = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

class JsonSyntaxError extends Error {
  constructor(readonly jacksonMessage: string, readonly pos: number) {
    super(jacksonMessage);
  }
}

function sourceOf(text: string): string {
  if (text.length <= SOURCE_SNIPPET_MAX) return `(String)"${text}"`;
  return `(String)"${text.slice(0, SOURCE_SNIPPET_MAX)}"[truncated ${text.length - SOURCE_SNIPPET_MAX} chars]`;
}

/** Jackson's "[Source: …; line: L, column: C]" for a character offset (column is 1-based). */
function locationOf(text: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') { line++; lineStart = i + 1; }
  }
  return `[Source: ${sourceOf(text)}; line: ${line}, column: ${pos - lineStart + 1}]`;
}

/** Jackson's way of naming a character in messages: `'x' (code 120)` or `(CTRL-CHAR, code 10)`. */
function describeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return `(CTRL-CHAR, code ${code})`;
  return `'${c}' (code ${code})`;
}

const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_$]/u.test(c);

class Reader {
  pos = 0;
  readonly duplicates: DuplicateKey[] = [];
  constructor(readonly text: string) {}

  private fail(message: string, pos = this.pos): never {
    throw new JsonSyntaxError(message, pos);
  }

  skipWs(): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else break;
    }
  }

  value(path: (string | number)[]): void {
    this.skipWs();
    const c = this.text[this.pos];
    if (c === undefined) this.fail(`Unexpected end-of-input: expected a valid value ${VALUE_LIST}`);
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') { this.string(); return; }
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (isIdentPart(c)) {
      const start = this.pos;
      while (isIdentPart(this.text[this.pos]) && this.pos - start < 256) this.pos++;
      const token = this.text.slice(start, this.pos);
      if (token === 'true' || token === 'false' || token === 'null') return;
      this.fail(`Unrecognized token '${token}': was expecting ${VALUE_LIST}`);
    }
    this.pos++;
    this.fail(`Unexpected character (${describeChar(c)}): expected a valid value ${VALUE_LIST}`);
  }

  private object(path: (string | number)[]): void {
    const startPos = this.pos;
    this.pos++;
    const seen = new Set<string>();
    this.skipWs();
    if (this.text[this.pos] === '}') { this.pos++; return; }
    for (;;) {
      this.skipWs();
      const c = this.text[this.pos];
      if (c === undefined) this.endOfInput('Object', startPos);
      if (c !== '"') { this.pos++; this.fail(`Unexpected character (${describeChar(c)}): was expecting double-quote to start field name`); }
      const key = this.string();
      if (seen.has(key)) this.duplicates.push({ container: [...path], key });
      seen.add(key);
      this.skipWs();
      const colon = this.text[this.pos];
      if (colon === undefined) this.endOfInput('Object', startPos);
      if (colon !== ':') { this.pos++; this.fail(`Unexpected character (${describeChar(colon)}): was expecting a colon to separate field name and value`); }
      this.pos++;
      this.value([...path, key]);
      this.skipWs();
      const sep = this.text[this.pos];
      if (sep === undefined) this.endOfInput('Object', startPos);
      this.pos++;
      if (sep === '}') return;
      if (sep !== ',') this.fail(`Unexpected character (${describeChar(sep)}): was expecting comma to separate Object entries`);
    }
  }

  private array(path: (string | number)[]): void {
    const startPos = this.pos;
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === ']') { this.pos++; return; }
    for (let i = 0; ; i++) {
      this.skipWs();
      if (this.text[this.pos] === undefined) this.endOfInput('Array', startPos);
      this.value([...path, i]);
      this.skipWs();
      const sep = this.text[this.pos];
      if (sep === undefined) this.endOfInput('Array', startPos);
      this.pos++;
      if (sep === ']') return;
      if (sep !== ',') this.fail(`Unexpected character (${describeChar(sep)}): was expecting comma to separate Array entries`);
    }
  }

  private endOfInput(kind: 'Object' | 'Array', startPos: number): never {
    this.fail(`Unexpected end-of-input: expected close marker for ${kind} (start marker at ${locationOf(this.text, startPos)})`, this.text.length);
  }

  /** Reads a string starting at the opening quote; returns its decoded value. */
  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('Unexpected end-of-input: was expecting closing quote for a string value', this.text.length);
      if (c === '"') { this.pos++; break; }
      if (c === '\\') {
        const e = this.text[this.pos + 1];
        if (e === undefined) this.fail('Unexpected end-of-input in character escape sequence', this.text.length);
        if (e === 'u') {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            const bad = [...hex].find((h) => !/[0-9a-fA-F]/.test(h)) ?? '"';
            this.pos += 2 + Math.max(0, [...hex].findIndex((h) => !/[0-9a-fA-F]/.test(h))) + 1;
            this.fail(`Unexpected character (${describeChar(bad)}): expected a hex-digit for character escape sequence`);
          }
          this.pos += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) { this.pos += 2; this.fail(`Unrecognized character escape ${describeChar(e)}`); }
        this.pos += 2;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) {
        this.pos++;
        this.fail(`Illegal unquoted character (${describeChar(c)}): has to be escaped using backslash to be included in string value`);
      }
      this.pos++;
    }
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): void {
    const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
    if (this.text[this.pos] === '-') {
      this.pos++;
      const c = this.text[this.pos];
      if (!digit(c)) {
        if (c !== undefined) this.pos++;
        this.fail(`Unexpected character (${c === undefined ? 'EOF' : describeChar(c)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`);
      }
    }
    if (this.text[this.pos] === '0' && digit(this.text[this.pos + 1])) {
      this.pos++;
      this.fail('Invalid numeric value: Leading zeroes not allowed');
    }
    while (digit(this.text[this.pos])) this.pos++;
    if (this.text[this.pos] === '.') {
      this.pos++;
      if (!digit(this.text[this.pos])) {
        const c = this.text[this.pos];
        if (c !== undefined) this.pos++;
        this.fail(`Unexpected character (${c === undefined ? 'EOF' : describeChar(c)}) in numeric value: Decimal point not followed by a digit`);
      }
      while (digit(this.text[this.pos])) this.pos++;
    }
    const e = this.text[this.pos];
    if (e === 'e' || e === 'E') {
      this.pos++;
      if (this.text[this.pos] === '+' || this.text[this.pos] === '-') this.pos++;
      if (!digit(this.text[this.pos])) {
        const c = this.text[this.pos];
        if (c !== undefined) this.pos++;
        this.fail(`Unexpected character (${c === undefined ? 'EOF' : describeChar(c)}) in numeric value: Exponent indicator not followed by a digit`);
      }
      while (digit(this.text[this.pos])) this.pos++;
    }
  }
}

/** Parses definition text like AWS does. Whitespace-only text is `empty`. */
export function readJsonText(text: string): JsonTextResult {
  const reader = new Reader(text);
  reader.skipWs();
  if (reader.pos >= text.length) return { kind: 'empty' };
  try {
    reader.value([]);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      const location = locationOf(text, e.pos);
      return { kind: 'error', message: `${e.jacksonMessage}\n at ${location}`, location };
    }
    throw e;
  }
  // Jackson's readTree stops after the first value: trailing text is not an error.
  return { kind: 'ok', value: JSON.parse(text.slice(0, reader.pos)), duplicates: reader.duplicates };
}
