// The peer's setup: velocityjs with an $input/$util/$context shim written from the AWS mapping-template
// reference, as serverless-offline-style emulators wire it (JavaScript semantics throughout).
import velocity from 'velocityjs';
import type { MappingRequest } from '../../src/vtl/index.js';

function jsonPath(root: unknown, expr: string): unknown {
  let cur: unknown = root;
  for (const m of expr.replace(/^\$/, '').matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = m[1] ?? m[3] ?? Number(m[2]);
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

function escapeJavaScript(s: unknown): string {
  const map: Record<string, string> = { '\\': '\\\\', '"': '\\"', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  return String(s ?? '').replace(/[\\"'\n\r\t\b\f]/g, (c) => map[c] ?? c);
}

const util = {
  escapeJavaScript,
  parseJson: (s: string) => JSON.parse(s) as unknown,
  urlEncode: (s: string) => encodeURIComponent(String(s ?? '')).replace(/%20/g, '+'),
  urlDecode: (s: string) => decodeURIComponent(String(s ?? '').replace(/\+/g, ' ')),
  base64Encode: (s: string) => Buffer.from(String(s ?? ''), 'utf8').toString('base64'),
  base64Decode: (s: string) => Buffer.from(String(s ?? ''), 'base64').toString('utf8'),
};

export function velocityjsVars(req: MappingRequest): Record<string, unknown> {
  const raw = req.body ?? '';
  let parsed: unknown;
  try {
    parsed = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const header = { ...(req.headers ?? {}) };
  const querystring = { ...(req.query ?? {}) };
  const path = { ...(req.pathParameters ?? {}) };
  return {
    input: {
      body: raw,
      json: (e: string) => JSON.stringify(jsonPath(parsed, e) ?? ''),
      path: (e: string) => jsonPath(parsed, e),
      params: (name?: string) => {
        if (name === undefined) return { path, querystring, header };
        return (path as Record<string, unknown>)[name] ?? (querystring as Record<string, unknown>)[name] ?? (header as Record<string, unknown>)[name] ?? '';
      },
    },
    util,
    context: { httpMethod: req.method, resourcePath: req.resourcePath, ...structuredClone(req.context ?? {}), requestOverride: { header: {}, path: {}, querystring: {} }, responseOverride: { header: {} } },
    stageVariables: { ...(req.stageVariables ?? {}) },
  };
}

export function compileVelocityjs(template: string): { compiled: InstanceType<typeof velocity.Compile>; render: (req: MappingRequest) => string } {
  const compiled = new velocity.Compile(velocity.parse(template), { escape: false });
  return { compiled, render: (req) => compiled.render(velocityjsVars(req)) };
}
