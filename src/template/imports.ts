// The exports of other stacks that Fn::ImportValue reads locally (`--imports FILE`): a JSON object of
// export name → value, or what `aws cloudformation list-exports` prints ({"Exports":[{Name, Value}]}),
// so a user can copy the exports of a deployed account as they are.
import { readFileSync } from 'node:fs';
import { TemplateError } from './errors.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readImports(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TemplateError(`cannot read the imports file: ${(e as Error).message}`, { file });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TemplateError(`the imports file is not JSON: ${(e as Error).message}`, { file });
  }
  if (isObj(doc) && Array.isArray(doc.Exports)) {
    const out: Record<string, unknown> = {};
    doc.Exports.forEach((x, i) => {
      if (!isObj(x) || typeof x.Name !== 'string' || !('Value' in x)) throw new TemplateError(`Exports[${i}] needs a Name and a Value`, { file });
      out[x.Name] = x.Value;
    });
    return out;
  }
  if (!isObj(doc)) throw new TemplateError('the imports file must be an object of export name → value, or list-exports output {"Exports": [...]}', { file });
  return doc;
}
