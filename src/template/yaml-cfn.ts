// Reads CloudFormation / SAM template text: JSON, or YAML with CloudFormation's short-form tags
// (`!Ref`, `!Sub`, `!GetAtt`, …) turned into their long form (`{"Ref": …}`, `{"Fn::Sub": …}`), plus the
// line of every resource so errors can point at it. YAML parsing is the `yaml` package's.
import { isMap, isScalar, LineCounter, parseDocument, type Document, type ParsedNode, type YAMLMap, type YAMLSeq } from 'yaml';
import type { CollectionTag, ScalarTag } from 'yaml';
import { TemplateError } from './errors.js';

/** Short-form tags of CloudFormation (AWS "Intrinsic function reference"). */
const FUNCTIONS = [
  'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform',
  'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length',
] as const;

function longName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

function tagsFor(name: string): (ScalarTag | CollectionTag)[] {
  const key = longName(name);
  return [
    {
      tag: `!${name}`,
      resolve: (s: string) => {
        // `!GetAtt Res.Attr` is the dotted short form of `[Res, Attr]`.
        if (name === 'GetAtt') {
          const dot = s.indexOf('.');
          return { [key]: dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)] };
        }
        return { [key]: s };
      },
    },
    { tag: `!${name}`, collection: 'seq', resolve: (seq: YAMLSeq) => ({ [key]: seq.toJSON() as unknown }) } as CollectionTag,
    { tag: `!${name}`, collection: 'map', resolve: (map: YAMLMap) => ({ [key]: map.toJSON() as unknown }) } as CollectionTag,
  ];
}

const CUSTOM_TAGS = ['Ref', 'Condition', ...FUNCTIONS].flatMap(tagsFor);

export interface ParsedTemplate {
  template: Record<string, unknown>;
  /** 1-based line of each resource's logical id (YAML and JSON) */
  resourceLines: Map<string, number>;
}

/** Parses template text; JSON is a subset of YAML, so one parser serves both. */
export function parseTemplateText(text: string, file: string): ParsedTemplate {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed<ParsedNode>;
  try {
    doc = parseDocument(text, { customTags: CUSTOM_TAGS, lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    throw new TemplateError(`cannot parse template: ${(e as Error).message}`, { file });
  }
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new TemplateError(`template is not valid YAML/JSON: ${err.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col });
  }
  const template = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new TemplateError('a template must be a mapping with a Resources section', { file, line: 1 });
  }
  const resourceLines = new Map<string, number>();
  const resources = doc.get('Resources', true);
  if (isMap(resources)) {
    for (const item of resources.items) {
      if (isScalar(item.key) && item.key.range) resourceLines.set(String(item.key.value), lineCounter.linePos(item.key.range[0]).line);
    }
  }
  return { template: template as Record<string, unknown>, resourceLines };
}
