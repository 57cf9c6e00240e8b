// Static validation of state machine definitions with AWS's diagnostics: what
// ValidateStateMachineDefinition returns and what CreateStateMachine / UpdateStateMachine /
// loadStateMachine() refuse with InvalidDefinition.
import { at, Collector, expectEnum, expectIntRange, expectKind, isJsonObject, MachineType, type Diagnostic } from './validate-context.js';
import { DiagnosticCode, Msg, ValueKind } from './validate-messages.js';
import { readJsonText, type DuplicateKey } from './validate-json-text.js';
import { checkStates, ContainerKind, QUERY_LANGUAGES } from './validate-states.js';

export type { Diagnostic, DiagnosticSeverity } from './validate-context.js';
export { DiagnosticCode } from './validate-messages.js';

export interface ValidateOptions {
  type?: 'STANDARD' | 'EXPRESS';
}

/** Top-level fields of a definition (ASL "Top-level fields"; FACTS §2.1). */
const ROOT_FIELDS = ['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage'];
/** Execution timeout upper bound: one year of seconds is far below this; AWS caps at 99999999. */
const MAX_TIMEOUT_SECONDS = 99_999_999;

/** Accepts JSON text or an already parsed value. Returns every diagnostic, in AWS's order. */
export function validateDefinition(definition: string | unknown, options: ValidateOptions = {}): Diagnostic[] {
  const type = options.type ?? MachineType.STANDARD;
  let value: unknown = definition;
  let duplicates: DuplicateKey[] = [];
  if (definition === undefined) {
    // API reference, MISSING_DESCRIPTION: "Received a null or empty workflow input".
    return [{ severity: 'ERROR', code: DiagnosticCode.MISSING_DESCRIPTION, message: 'Received a null or empty workflow input' }];
  }
  if (typeof definition === 'string') {
    const read = readJsonText(definition);
    if (read.kind === 'empty') return [{ severity: 'ERROR', code: DiagnosticCode.SCHEMA_VALIDATION_FAILED, message: Msg.notAnObject() }];
    if (read.kind === 'error') {
      return [{ severity: 'ERROR', code: DiagnosticCode.INVALID_JSON_DESCRIPTION, message: read.message, location: read.location }];
    }
    value = read.value;
    duplicates = read.duplicates;
  }
  if (!isJsonObject(value)) return [{ severity: 'ERROR', code: DiagnosticCode.SCHEMA_VALIDATION_FAILED, message: Msg.notAnObject() }];

  const root = value as Record<string, unknown>;
  const topJsonata = 'QueryLanguage' in root && root.QueryLanguage !== 'JSONPath';
  const c = new Collector(type, topJsonata);
  // [rec] `{}` → "These fields are required: [States, StartAt]" at "/".
  const missing = ['States', 'StartAt'].filter((f) => !(f in root));
  if (missing.length > 0) c.schema(Msg.required(missing), '/');
  for (const [key, v] of Object.entries(root)) {
    const loc = at('/', key);
    switch (key) {
      case 'StartAt': case 'Comment': case 'Version':
        expectKind(c, v, ValueKind.STRING, loc);
        break;
      case 'States':
        expectKind(c, v, ValueKind.OBJECT, loc);
        break;
      case 'TimeoutSeconds':
        expectIntRange(c, v, 1, MAX_TIMEOUT_SECONDS, loc);
        break;
      case 'QueryLanguage':
        expectEnum(c, v, QUERY_LANGUAGES, loc);
        break;
      default:
        if (!ROOT_FIELDS.includes(key)) c.schema(Msg.notSupported(key), '/');
    }
  }
  checkStates(c, root, '/', ContainerKind.MACHINE, duplicateStateNames(duplicates));
  return c.diagnostics;
}

/** Groups duplicate keys found in `States` objects by the location of that object. */
function duplicateStateNames(duplicates: DuplicateKey[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of duplicates) {
    if (d.container[d.container.length - 1] !== 'States') continue;
    const loc = d.container.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : `${acc}/${seg}`), '');
    const names = out.get(loc) ?? [];
    if (!names.includes(d.key)) names.push(d.key);
    out.set(loc, names);
  }
  return out;
}

/**
 * The InvalidDefinition exception message. One diagnostic:
 * `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'`;
 * several are joined with ", " inside the same quotes (real AWS, quoted in localstack/localstack#12487:
 * `'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`),
 * and a diagnostic without a location prints "at null" (measured, floci-io/floci#2735).
 */
export function formatInvalidDefinition(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'ERROR');
  const shown = errors.length > 0 ? errors : diagnostics;
  return `Invalid State Machine Definition: '${shown.map(flatten).join(', ')}'`;
}

function flatten(d: Diagnostic): string {
  // Jackson's message already ends with " at [Source: …]"; repeating the location would print it twice.
  if (d.code === DiagnosticCode.INVALID_JSON_DESCRIPTION) return `${d.code}: ${d.message}`;
  return `${d.code}: ${d.message} at ${d.location ?? 'null'}`;
}

/** True when the diagnostics allow the definition to be created (no ERROR). */
export function isValidDefinition(diagnostics: readonly Diagnostic[]): boolean {
  return !diagnostics.some((d) => d.severity === 'ERROR');
}
