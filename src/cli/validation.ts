// What `stepgate validate` (and `start --watch` before it deploys) checks, without a server: a SAM /
// CloudFormation template as a whole stack, an OpenAPI document as ImportRestApi sees it, a state machine
// definition as ValidateStateMachineDefinition sees it. Results are plain data; printing is local-commands.ts's.
import { extname } from 'node:path';
import { validateDefinition, type Diagnostic } from '../asl/validate.js';
import { ApiGatewayError } from '../apigw/errors.js';
import { importDefinition, parseDefinition } from '../apigw/openapi.js';
import { ApiRegistry } from '../apigw/registry.js';
import { loadTemplate, type LoadTemplateOptions, type StackPlan } from '../template/load.js';
import { TemplateError } from '../template/errors.js';

export const FileKind = { Template: 'template', OpenApi: 'openapi', Asl: 'asl' } as const;
export type FileKind = (typeof FileKind)[keyof typeof FileKind];

export type Result = 'OK' | 'FAIL';

/** A template problem where the loader found it. */
export interface TemplateProblem { message: string; file?: string; line?: number; column?: number; logicalId?: string }

/** What ImportRestApi answers: the BadRequestException (errors) or the warnings it returns with the API. */
export interface ImportCheck {
  result: Result;
  /** the exception, as AWS reports errors during import */
  error?: { code: string; message: string };
  /** the exception's message split into its listed errors */
  errors: string[];
  warnings: string[];
}

export interface AslReport { kind: 'asl'; file: string; result: Result; type: 'STANDARD' | 'EXPRESS'; diagnostics: Diagnostic[] }
export interface OpenApiReport extends ImportCheck { kind: 'openapi'; file: string }
export interface TemplateReport {
  kind: 'template';
  file: string;
  result: Result;
  /** the loader's errors (the stack cannot be planned) */
  errors: TemplateProblem[];
  stateMachines: { logicalId: string; name: string; type: 'STANDARD' | 'EXPRESS'; line?: number; result: Result; diagnostics: Diagnostic[] }[];
  apis: ({ logicalId: string; apiId: string; stageName: string; line?: number } & ImportCheck)[];
  functions: { logicalId: string; name: string; line?: number }[];
  /** resources stepgate does not run (not an error: they deploy to AWS unchanged) */
  unsupported: { logicalId: string; type: string; line?: number }[];
}
export type FileReport = AslReport | OpenApiReport | TemplateReport;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const TEMPLATE_KEYS = ['AWSTemplateFormatVersion', 'Transform', 'Resources'];
const OPENAPI_KEYS = ['swagger', 'openapi'];
const ASL_KEYS = ['StartAt', 'States'];

function kindOfKeys(has: (key: string) => boolean): FileKind | undefined {
  if (TEMPLATE_KEYS.some(has)) return FileKind.Template;
  if (OPENAPI_KEYS.some(has)) return FileKind.OpenApi;
  if (ASL_KEYS.some(has)) return FileKind.Asl;
  return undefined;
}

/**
 * What a file is, by its top-level keys: AWSTemplateFormatVersion / Transform / Resources → template,
 * swagger / openapi → OpenAPI, StartAt / States → state machine. Text that is not even JSON or YAML is
 * still recognised by those keys, so its own checker reports the syntax error with its line. Other JSON
 * is taken for a definition (ValidateStateMachineDefinition then says what is missing).
 */
export function detectKind(text: string, file: string): FileKind | undefined {
  const t = text.replace(/^\uFEFF/, '');
  const json = /^\s*[{[]/.test(t);
  if (json) {
    try {
      const doc = JSON.parse(t) as unknown;
      if (isObj(doc)) return kindOfKeys((k) => k in doc) ?? FileKind.Asl;
    } catch {
      // not JSON after all: the keys are looked for in the text below
    }
    const found = kindOfKeys((k) => new RegExp(`"${k}"\\s*:`).test(t));
    if (found) return found;
  } else {
    // YAML: top-level keys start a line, unindented (quoted or not).
    const found = kindOfKeys((k) => new RegExp(`^(["']?)${k}\\1\\s*:`, 'm').test(t));
    if (found) return found;
  }
  return json || extname(file).toLowerCase() === '.json' ? FileKind.Asl : undefined;
}

export function validateAsl(file: string, text: string, type: 'STANDARD' | 'EXPRESS'): AslReport {
  const diagnostics = validateDefinition(text, { type });
  return { kind: 'asl', file, type, result: diagnostics.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK', diagnostics };
}

/** ImportRestApi (mode create) into a throw-away registry. */
export function checkImport(doc: Record<string, unknown>, options: { failOnWarnings?: boolean; region?: string; accountId?: string } = {}): ImportCheck {
  const registry = new ApiRegistry({ region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' });
  const state = registry.createApi({ name: 'validate' });
  try {
    const warnings = importDefinition(registry, state, doc, { mode: 'create', failOnWarnings: options.failOnWarnings === true });
    return { result: 'OK', errors: [], warnings };
  } catch (e) {
    return failedImport(e);
  }
}

function failedImport(e: unknown): ImportCheck {
  if (!(e instanceof ApiGatewayError)) throw e;
  // "Errors found during import:\n\t<error>\n\t<error>" (or the same for warnings): one entry per line.
  const [head, ...rest] = e.message.split('\n');
  const listed = rest.map((l) => l.replace(/^\t/, '')).filter((l) => l !== '');
  const isWarnings = /^Warnings found/.test(head ?? '');
  return {
    result: 'FAIL', error: { code: e.code, message: e.message },
    errors: isWarnings ? [] : listed.length > 0 ? listed : [e.message], warnings: isWarnings ? listed : [],
  };
}

export function validateOpenApi(file: string, text: string, options: { failOnWarnings?: boolean } = {}): OpenApiReport {
  let doc: Record<string, unknown>;
  try {
    doc = parseDefinition(text);
  } catch (e) {
    return { kind: 'openapi', file, ...failedImport(e) };
  }
  return { kind: 'openapi', file, ...checkImport(doc, options) };
}

/** The loader's error, where it happened. */
export function templateProblem(e: unknown): TemplateProblem {
  if (e instanceof TemplateError) {
    const w = e.where;
    return {
      message: e.reason,
      ...(w.file !== undefined ? { file: w.file } : {}), ...(w.line !== undefined ? { line: w.line } : {}),
      ...(w.column !== undefined ? { column: w.column } : {}), ...(w.logicalId !== undefined ? { logicalId: w.logicalId } : {}),
    };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

/** Every state machine definition and OpenAPI body of a loaded stack, checked as their create calls would. */
export function checkPlan(file: string, plan: StackPlan, options: { failOnWarnings?: boolean } = {}): TemplateReport {
  const line = (l: number | undefined): { line?: number } => (l !== undefined ? { line: l } : {});
  const stateMachines = plan.stateMachines.map((sm) => {
    const diagnostics = validateDefinition(JSON.stringify(sm.definition), { type: sm.type });
    return {
      logicalId: sm.logicalId, name: sm.name, type: sm.type, ...line(sm.line),
      result: (diagnostics.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK') as Result, diagnostics,
    };
  });
  const apis = plan.apis.map((a) => ({
    logicalId: a.logicalId, apiId: a.apiId, stageName: a.stageName, ...line(a.line),
    ...checkImport(a.body, { ...options, region: plan.region, accountId: plan.accountId }),
  }));
  const failed = stateMachines.some((s) => s.result === 'FAIL') || apis.some((a) => a.result === 'FAIL');
  return {
    kind: 'template', file, result: failed ? 'FAIL' : 'OK', errors: [], stateMachines, apis,
    functions: plan.functions.map((f) => ({ logicalId: f.logicalId, name: f.name, ...line(f.line) })),
    unsupported: plan.unsupported.map((u) => ({ logicalId: u.logicalId, type: u.type, ...line(u.line) })),
  };
}

/** Loads the template (every intrinsic, include and SAM transform) and checks the stack it plans. */
export function validateTemplate(file: string, options: LoadTemplateOptions & { failOnWarnings?: boolean } = {}): { report: TemplateReport; plan?: StackPlan } {
  let plan: StackPlan;
  try {
    plan = loadTemplate(file, options);
  } catch (e) {
    return { report: { kind: 'template', file, result: 'FAIL', errors: [templateProblem(e)], stateMachines: [], apis: [], functions: [], unsupported: [] } };
  }
  return { report: checkPlan(file, plan, options), plan };
}
