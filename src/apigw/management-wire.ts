// What every management API handler shares on the wire: the request body as a JSON object (AWS's
// SerializationException otherwise) and a JSON response.
import { ApiGatewayError } from './errors.js';
import type { MgmtResponse } from './management.js';

type Json = Record<string, unknown>;

/** The request body as a JSON object; an empty body is `{}`. */
export function jsonBody(text: string): Json {
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
  } catch { /* fall through */ }
  throw new ApiGatewayError('SerializationException', 400, 'Unable to parse request body');
}

/** A JSON response (`undefined` → an empty body, as DELETE answers). */
export const ok = (status: number, body: unknown): MgmtResponse => ({ status, body: body === undefined ? '' : JSON.stringify(body) });
