// `stepgate validate` and `stepgate run`: check SAM / CloudFormation templates, OpenAPI documents and
// state machine definitions, or run one definition, in this process with no server (virtual time:
// Wait states and retries take no real time).
// Exit codes: 0 valid / SUCCEEDED; 1 invalid / not SUCCEEDED; 2 a usage error (unreadable file, bad option).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import type { Diagnostic } from '../asl/validate.js';
import { loadStateMachine, InvalidDefinitionError } from '../sfn/machine.js';
import { colours, type Paint } from './terminal.js';
import { readImports } from '../template/imports.js';
import {
  detectKind, FileKind, validateAsl, validateOpenApi, validateTemplate, type FileReport, type ImportCheck, type TemplateProblem,
} from './validation.js';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`stepgate: cannot read ${file}: ${(e as Error).message}`);
    process.exit(2);
  }
}

function machineType(value: string): 'STANDARD' | 'EXPRESS' {
  const t = value.toUpperCase();
  if (t !== 'STANDARD' && t !== 'EXPRESS') {
    console.error(`stepgate: --type must be STANDARD or EXPRESS, got ${value}`);
    process.exit(2);
  }
  return t;
}

const shown = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r === '' || r.startsWith('..') ? file : r;
};

const KIND_NAMES: Record<FileKind, string> = { template: 'template', openapi: 'OpenAPI', asl: 'state machine definition' };

/** `file:line:col: LogicalId: message`, as compilers print them. */
export function formatTemplateProblem(p: TemplateProblem, fallbackFile: string): string {
  const where = `${shown(p.file ?? fallbackFile)}${p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : ''}`;
  return `${where}: ${p.logicalId !== undefined ? `${p.logicalId}: ` : ''}${p.message}`;
}

function formatDiagnostic(d: Diagnostic, p: Paint): string {
  const sev = d.severity === 'ERROR' ? p.red('error') : p.yellow('warning');
  return `${sev} ${d.code}${d.location !== undefined ? ` at ${d.location}` : ''}: ${d.message}`;
}

function importLines(c: ImportCheck, p: Paint): string[] {
  const lines: string[] = [];
  // With an exception, its listed errors (or warnings, with --fail-on-warnings) go under it.
  const indent = c.error ? '  ' : '';
  if (c.error) lines.push(`${p.red(c.error.code)}: ${c.error.message.split('\n')[0] ?? ''}`);
  for (const e of c.errors) if (e !== c.error?.message) lines.push(`${indent}${p.red('error')} ${e}`);
  for (const w of c.warnings) lines.push(`${indent}${p.yellow('warning')} ${w}`);
  return lines;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const at = (line: number | undefined): string => (line !== undefined ? `, line ${line}` : '');

/** The human report of one file. */
export function describeReport(r: FileReport, p: Paint): string {
  const status = r.result === 'OK' ? p.green('OK') : p.red('FAIL');
  const out: string[] = [];
  if (r.kind === 'asl') {
    out.push(`${shown(r.file)}: ${KIND_NAMES.asl} (${r.type}) ${status}`);
    for (const d of r.diagnostics) out.push(`  ${formatDiagnostic(d, p)}`);
  } else if (r.kind === 'openapi') {
    out.push(`${shown(r.file)}: ${KIND_NAMES.openapi} ${status}`);
    for (const l of importLines(r, p)) out.push(`  ${l}`);
  } else {
    const summary = r.errors.length > 0 ? '' : ` (${[plural(r.stateMachines.length, 'state machine'), plural(r.apis.length, 'API'), plural(r.functions.length, 'function')].join(', ')})`;
    out.push(`${shown(r.file)}: ${KIND_NAMES.template} ${status}${summary}`);
    for (const e of r.errors) out.push(`  ${formatTemplateProblem(e, r.file)}`);
    for (const sm of r.stateMachines) {
      out.push(`  state machine ${sm.logicalId} (${sm.name}, ${sm.type}${at(sm.line)}): ${sm.result === 'OK' ? p.green('OK') : p.red('FAIL')}`);
      for (const d of sm.diagnostics) out.push(`    ${formatDiagnostic(d, p)}`);
    }
    for (const a of r.apis) {
      out.push(`  API ${a.logicalId} (${a.apiId}${a.stageName ? `, stage ${a.stageName}` : ''}${at(a.line)}): ${a.result === 'OK' ? p.green('OK') : p.red('FAIL')}`);
      for (const l of importLines(a, p)) out.push(`    ${l}`);
    }
    for (const u of r.unsupported) out.push(`  ${p.dim(`not run locally: ${u.logicalId} (${u.type}${at(u.line)})`)}`);
  }
  return out.join('\n');
}

interface ValidateOptions { type?: string; json?: boolean; failOnWarnings?: boolean; parameterOverrides?: string[]; stackName: string; region: string; accountId: string; imports?: string }

function validate(files: string[], o: ValidateOptions): void {
  const overrides: Record<string, string> = {};
  for (const pair of o.parameterOverrides ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) { console.error(`stepgate: --parameter-overrides takes Name=Value, got ${pair}`); process.exit(2); }
    overrides[pair.slice(0, i).replace(/^ParameterKey=/, '')] = pair.slice(i + 1);
  }
  let imports: Record<string, unknown> | undefined;
  if (o.imports !== undefined) {
    try { imports = readImports(o.imports); } catch (e) { console.error(`stepgate: ${e instanceof Error ? e.message : String(e)}`); process.exit(2); }
  }
  const type = o.type !== undefined ? machineType(o.type) : undefined;
  // Every file must be readable and recognisable before anything is reported (usage errors: exit 2).
  const inputs = files.map((file) => {
    const text = readText(file);
    const kind = type !== undefined ? FileKind.Asl : detectKind(text, file);
    if (kind === undefined) {
      console.error(`stepgate: cannot tell what ${file} is: expected a SAM / CloudFormation template (AWSTemplateFormatVersion, Transform or Resources), an OpenAPI document (swagger or openapi) or a state machine definition (StartAt and States)`);
      process.exit(2);
    }
    return { file, text, kind };
  });
  const failOnWarnings = o.failOnWarnings === true;
  const reports: FileReport[] = inputs.map(({ file, text, kind }) => {
    if (kind === FileKind.Asl) return validateAsl(file, text, type ?? 'STANDARD');
    if (kind === FileKind.OpenApi) return validateOpenApi(file, text, { failOnWarnings });
    return validateTemplate(file, {
      failOnWarnings, parameterOverrides: overrides, stackName: o.stackName, region: o.region, accountId: o.accountId, ...(imports ? { imports } : {}),
    }).report;
  });
  const ok = reports.every((r) => r.result === 'OK');
  if (o.json) console.log(JSON.stringify({ result: ok ? 'OK' : 'FAIL', files: reports }, null, 2));
  else {
    const p = colours(false);
    console.log(reports.map((r) => describeReport(r, p)).join('\n'));
  }
  process.exitCode = ok ? 0 : 1;
}

export function addLocalCommands(program: Command): void {
  program.command('validate')
    .summary('check templates, OpenAPI files and ASL definitions as AWS would')
    .description('check templates, OpenAPI files and state machine definitions the way AWS would, without a server')
    .argument('<file...>', 'SAM / CloudFormation template, OpenAPI 2.0 / 3.0 document (JSON or YAML) or ASL definition; the kind is told by the content')
    .option('--type <type>', 'treat every file as a state machine definition of this type: STANDARD or EXPRESS')
    .option('--fail-on-warnings', 'OpenAPI import warnings fail too (ImportRestApi failonwarnings=true)')
    .option('--parameter-overrides <pairs...>', 'template parameters as Name=Value')
    .option('--stack-name <name>', 'stack name (AWS::StackName)', 'stepgate')
    .option('--imports <file>', 'values for Fn::ImportValue: JSON {"ExportName": value} or `aws cloudformation list-exports` output')
    .option('--region <region>', 'AWS region of the ARNs', 'us-east-1')
    .option('--account-id <id>', 'AWS account id of the ARNs', '000000000000')
    .option('--json', 'print {result, files: [...]} as JSON')
    .addHelpText('after', `
A template is checked as a whole stack: the loader's errors (file:line and logical id), every state
machine definition with ValidateStateMachineDefinition's diagnostics, every OpenAPI body with
ImportRestApi's errors and warnings. Exit code 0: valid; 1: invalid; 2: usage error.

Examples:
  $ stepgate validate template.yaml
  $ stepgate validate openapi.yaml workflow.asl.json --json
  $ stepgate validate flow.json --type EXPRESS`)
    .action(validate);

  program.command('run')
    .summary('run a state machine definition once, in this process')
    .description('run a state machine definition once, in this process, and print its outcome')
    .argument('<definition>', 'ASL definition file (JSON)')
    .option('-i, --input <json>', 'execution input (JSON text)', '{}')
    .option('--input-file <file>', 'read the execution input from a file')
    .option('--type <type>', 'STANDARD or EXPRESS', 'STANDARD')
    .option('--history', 'also print the execution history (GetExecutionHistory events)')
    .addHelpText('after', `
Prints {status, output | error, cause} as JSON; exit code 0 when SUCCEEDED, 1 otherwise, 2 on usage errors.

Examples:
  $ stepgate run workflow.asl.json --input '{"orderId": 42}'
  $ stepgate run workflow.asl.json --input-file input.json --history`)
    .action(async (file: string, o: { input: string; inputFile?: string; type: string; history?: boolean }) => {
      const type = machineType(o.type);
      let machine;
      try {
        machine = loadStateMachine(readText(file), { type });
      } catch (e) {
        console.error(e instanceof InvalidDefinitionError ? e.message : `stepgate: ${(e as Error).message}`);
        process.exit(1);
      }
      const inputText = o.inputFile ? readText(o.inputFile) : o.input;
      let input: unknown;
      try {
        input = JSON.parse(inputText);
      } catch (e) {
        console.error(`stepgate: the input is not JSON: ${(e as Error).message}`);
        process.exit(2);
      }
      const run = await machine.run(input);
      const result: Record<string, unknown> = { status: run.status };
      if (run.output !== undefined) result.output = run.output;
      if (run.error !== undefined) result.error = run.error;
      if (run.cause !== undefined) result.cause = run.cause;
      if (o.history) result.events = run.history;
      console.log(JSON.stringify(result, null, 2));
      process.exitCode = run.status === 'SUCCEEDED' ? 0 : 1;
    });
}
