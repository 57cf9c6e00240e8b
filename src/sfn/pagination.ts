// nextToken handling shared by the List* actions and GetExecutionHistory: opaque base64 tokens
// bound to the request they continue; a foreign or damaged token is InvalidToken.
import { invalidToken } from './errors.js';

interface TokenBody { scope: string; pos: number }

export function encodeToken(scope: string, pos: number): string {
  return Buffer.from(JSON.stringify({ scope, pos } satisfies TokenBody)).toString('base64');
}

export function decodeToken(token: string | undefined, scope: string): number | undefined {
  if (token === undefined || token === null) return undefined;
  try {
    const body = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as TokenBody;
    if (body.scope === scope && typeof body.pos === 'number') return body.pos;
  } catch { /* fall through */ }
  throw invalidToken('Invalid Token');
}

/** FACTS §1.2: maxResults 0–1000, 0 or absent means the default page of 100. */
export function pageSize(maxResults: number | undefined): number {
  return maxResults === undefined || maxResults === 0 ? 100 : maxResults;
}
