// JSON value types and the helpers every part of the engine shares for JSON text.
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Compact JSON text as AWS writes payloads into history and API responses. */
export function toJsonText(v: unknown): string {
  return JSON.stringify(v === undefined ? null : v);
}

/** UTF-8 byte length of a string (AWS payload limits count bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** Deep copy of a JSON value (structuredClone is slower for small trees). */
export function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) o[k] = cloneJson((v as Record<string, unknown>)[k]);
  return o as T;
}
