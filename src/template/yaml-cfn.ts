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
  /**
   * 1-based line of each top-level section (`Resources`, `Parameters`, …) and of each entry of the
   * sections Parameters, Conditions, Outputs and Mappings, as `Section.Name`.
   */
  lines: Map<string, number>;
}

/** Strict JSON for `.json` files: YAML would accept `{a: 1,}`, CloudFormation's JSON parser does not. */
function checkJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const m = /position (\d+)/.exec(message);
    const pos = m ? Number(m[1]) : text.length;
    const before = text.slice(0, pos).split('\n');
    throw new TemplateError(`template is not valid JSON: ${message.replace(/ \(line \d+ column \d+\)/, '')}`, {
      file, line: before.length, column: (before[before.length - 1] ?? '').length + 1,
    });
  }
}

/**
 * Parses template text; JSON is a subset of YAML, so one parser serves both. A `fragment` (a file
 * included with AWS::Include or a DefinitionUri) may be any value, not only a mapping.
 */
export function parseTemplateText(text: string, file: string, options: { fragment?: boolean } = {}): ParsedTemplate {
  if (/\.json$/i.test(file)) checkJson(text, file);
  const lineCounter = new LineCounter();
  let doc: Document.Parsed<ParsedNode>;
  try {
    doc = parseDocument(text, { customTags: CUSTOM_TAGS, lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    throw new TemplateError(`cannot parse template: ${(e as Error).message}`, { file });
  }
  const err = doc.errors[0];
  if (err) {
    // An error found only at the end of the text (an unclosed quote or bracket) belongs to the last line
    // that has content, not to the empty line after it.
    const at = text.slice(err.pos[0]).trim() === '' ? text.trimEnd().length : err.pos[0];
    const pos = lineCounter.linePos(Math.max(0, at === err.pos[0] ? at : at - 1));
    throw new TemplateError(`template is not valid YAML/JSON: ${err.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col });
  }
  // An unknown `!Tag` would silently become a string; CloudFormation rejects the template.
  const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) {
    const pos = lineCounter.linePos(unknownTag.pos[0]);
    throw new TemplateError(`template is not valid: ${unknownTag.message.split('\n')[0]} (not a CloudFormation intrinsic function)`, { file, line: pos.line, column: pos.col });
  }
  const template = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (options.fragment) return { template: template as Record<string, unknown>, resourceLines: new Map(), lines: new Map() };
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new TemplateError('a template must be a mapping with a Resources section', { file, line: 1 });
  }
  const resourceLines = new Map<string, number>();
  const lines = new Map<string, number>();
  const keyLines = (node: unknown, each: (key: string, line: number) => void): void => {
    if (!isMap(node)) return;
    for (const item of node.items) {
      if (isScalar(item.key) && item.key.range) each(String(item.key.value), lineCounter.linePos(item.key.range[0]).line);
    }
  };
  keyLines(doc.contents, (k, line) => lines.set(k, line));
  keyLines(doc.get('Resources', true), (k, line) => resourceLines.set(k, line));
  for (const section of ['Parameters', 'Conditions', 'Outputs', 'Mappings']) {
    keyLines(doc.get(section, true), (k, line) => lines.set(`${section}.${k}`, line));
  }
  return { template: template as Record<string, unknown>, resourceLines, lines };
}
