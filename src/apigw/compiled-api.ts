// A deployment compiled once (STYLE habit 8): the resource tree for routing, mapping templates
// compiled to closures, request models compiled to JSON Schema draft-04 validators.
import ajvDraft04 from 'ajv-draft-04';

interface DraftValidator { addSchema(schema: object, key: string): unknown; getSchema(key: string): ((v: unknown) => unknown) | undefined }
type DraftCtor = new (opts: Record<string, unknown>) => DraftValidator;
// ajv-draft-04 is CommonJS: under ESM its class is the default export's `default`.
const Ajv04 = ((ajvDraft04 as unknown as { default?: DraftCtor }).default ?? ajvDraft04) as unknown as DraftCtor;
import { compileTemplate, type CompiledTemplate } from '../vtl/compiler.js';
import type { ApiSnapshot, IntegrationResponse, Method, Resource } from './model.js';

export interface CompiledMethod {
  resource: Resource;
  method: Method;
  /** template text → compiled closure (a template that does not compile stays text: 500 at run time) */
  templates: Map<string, CompiledTemplate | string>;
  validateBody?: Map<string, (value: unknown) => boolean>;
  /** the integration responses, and each one's response templates (media type, text), listed once */
  responses: IntegrationResponse[];
  responseTemplates: Map<IntegrationResponse, [string, string][]>;
}

interface Node {
  resource: Resource;
  literal: Map<string, Node>;
  param?: { name: string; node: Node };
  greedy?: { name: string; node: Node };
  methods: Map<string, CompiledMethod>;
}

export interface RouteMatch {
  compiled: CompiledMethod;
  pathParameters: Record<string, string>;
}

export class CompiledApi {
  private readonly root: Node;
  readonly byResourceId = new Map<string, Node>();

  constructor(readonly snapshot: ApiSnapshot) {
    const rootRes = snapshot.resources.find((r) => r.id === snapshot.api.rootResourceId) ?? { id: snapshot.api.rootResourceId, path: '/' };
    const ajv = new Ajv04({ allErrors: false, strict: false, validateFormats: false });
    const models = new Map(snapshot.models.map((m) => [m.name, m]));
    for (const m of snapshot.models) {
      try {
        ajv.addSchema(m.schema ? JSON.parse(m.schema) as object : {}, `https://apigateway.amazonaws.com/restapis/${snapshot.api.id}/models/${m.name}`);
      } catch { /* an invalid model fails validation at run time */ }
    }
    const build = (res: Resource): Node => {
      const node: Node = { resource: res, literal: new Map(), methods: new Map() };
      this.byResourceId.set(res.id, node);
      for (const [verb, method] of Object.entries(res.resourceMethods ?? {})) {
        const templates = new Map<string, CompiledTemplate | string>();
        const texts = [
          ...Object.values(method.methodIntegration?.requestTemplates ?? {}),
          ...Object.values(method.methodIntegration?.integrationResponses ?? {}).flatMap((r) => Object.values(r.responseTemplates ?? {})),
        ];
        for (const t of texts) {
          if (typeof t !== 'string' || templates.has(t)) continue;
          try { templates.set(t, compileTemplate(t)); } catch { templates.set(t, t); }
        }
        const responses = Object.values(method.methodIntegration?.integrationResponses ?? {});
        const responseTemplates = new Map(responses.map((r) => [r, Object.entries(r.responseTemplates ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')]));
        const cm: CompiledMethod = { resource: res, method, templates, responses, responseTemplates };
        if (method.requestModels) {
          cm.validateBody = new Map();
          for (const [mime, name] of Object.entries(method.requestModels)) {
            const model = models.get(name);
            if (!model) continue;
            let fn: (v: unknown) => boolean;
            try {
              const v = ajv.getSchema(`https://apigateway.amazonaws.com/restapis/${snapshot.api.id}/models/${name}`);
              fn = v ? (x) => v(x) as boolean : () => false;
            } catch { fn = () => false; }
            cm.validateBody.set(mime, fn);
          }
        }
        node.methods.set(verb, cm);
      }
      for (const child of snapshot.resources.filter((r) => r.parentId === res.id)) {
        const part = child.pathPart ?? '';
        const childNode = build(child);
        const pm = /^\{(.+?)(\+?)\}$/.exec(part);
        if (pm && pm[2] === '+') node.greedy = { name: pm[1] as string, node: childNode };
        else if (pm) node.param = { name: pm[1] as string, node: childNode };
        else node.literal.set(part, childNode);
      }
      return node;
    };
    this.root = build(rootRes);
  }

  /**
   * FACTS §5.1 step 1: the most specific resource (literal over {param} over {proxy+}) that has the
   * method or ANY; a less specific sibling path is tried when the specific one lacks the method.
   */
  route(path: string, verb: string): RouteMatch | undefined {
    // Non-empty segments and where each starts: a greedy {proxy+} takes the raw rest of the path,
    // double slashes and %-escapes included (recorded).
    const segments: string[] = [];
    const starts: number[] = [];
    const re = /[^/]+/g;
    for (let m = re.exec(path); m; m = re.exec(path)) { segments.push(m[0]); starts.push(m.index); }
    const params: Record<string, string> = {};
    const pick = (node: Node): CompiledMethod | undefined => node.methods.get(verb) ?? node.methods.get('ANY');
    const walk = (node: Node, i: number): CompiledMethod | undefined => {
      if (i === segments.length) {
        const m = pick(node);
        if (m) return m;
      } else {
        const seg = segments[i] as string;
        const lit = node.literal.get(seg);
        if (lit) { const m = walk(lit, i + 1); if (m) return m; }
        if (node.param) {
          params[node.param.name] = seg;
          const m = walk(node.param.node, i + 1);
          if (m) return m;
          delete params[node.param.name];
        }
      }
      if (node.greedy && i < segments.length) {
        const m = pick(node.greedy.node);
        if (m) { params[node.greedy.name] = path.slice(starts[i]); return m; }
      }
      return undefined;
    };
    const compiled = walk(this.root, 0);
    return compiled ? { compiled, pathParameters: params } : undefined;
  }

  method(resourceId: string, verb: string): CompiledMethod | undefined {
    return this.byResourceId.get(resourceId)?.methods.get(verb);
  }
}
