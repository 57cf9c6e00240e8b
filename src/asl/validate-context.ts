// Shared plumbing of the definition validator: the diagnostic shape, the collector every check
// writes to, locations (AWS's JSON-pointer-like "/States/X/Catch[0]/Next") and JSON kind tests.
import { isJsonObject, type JsonObject } from './json.js';
import { Msg, DiagnosticCode, ValueKind } from './validate-messages.js';

export type DiagnosticSeverity = 'ERROR' | 'WARNING';
export interface Diagnostic {
  severity: DiagnosticSeverity;
  code: string;
  message: string;
  location?: string;
}

export const MachineType = { STANDARD: 'STANDARD', EXPRESS: 'EXPRESS' } as const;
export type MachineType = (typeof MachineType)[keyof typeof MachineType];

/** What every check needs: where to write, and the machine-wide settings. */
export class Collector {
  readonly diagnostics: Diagnostic[] = [];
  /** Map Labels seen so far: they name Map Runs and must be unique in the machine. */
  readonly labels = new Set<string>();
  constructor(readonly machineType: MachineType, readonly topJsonata: boolean) {}

  error(code: DiagnosticCode, message: string, location?: string): void {
    this.diagnostics.push(location === undefined ? { severity: 'ERROR', code, message } : { severity: 'ERROR', code, message, location });
  }

  warning(code: DiagnosticCode, message: string, location: string): void {
    this.diagnostics.push({ severity: 'WARNING', code, message, location });
  }

  schema(message: string, location?: string): void {
    this.error(DiagnosticCode.SCHEMA_VALIDATION_FAILED, message, location);
  }
}

/** Child location of an object key: AWS joins keys with `/` (no escaping). */
export const at = (loc: string, key: string): string => (loc === '/' ? `/${key}` : `${loc}/${key}`);
/** Child location of an array item: AWS appends `[i]` (`/States/C/Choices[0]`). */
export const item = (loc: string, i: number): string => `${loc}[${i}]`;

export { isJsonObject };
export type { JsonObject };

export const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Reports a type mismatch; returns whether the value has the kind. */
export function expectKind(c: Collector, v: unknown, kind: ValueKind, loc: string): boolean {
  const ok =
    kind === ValueKind.STRING ? typeof v === 'string'
      : kind === ValueKind.INTEGER ? isInteger(v)
        : kind === ValueKind.NUMBER ? typeof v === 'number'
          : kind === ValueKind.BOOLEAN ? typeof v === 'boolean'
            : kind === ValueKind.OBJECT ? isJsonObject(v)
              : Array.isArray(v);
  if (!ok) c.schema(Msg.valueType(kind), loc);
  return ok;
}

/** Checks an integer against an inclusive range (AWS reports "Minimum value is n" / "Maximum value is n"). */
export function expectIntRange(c: Collector, v: unknown, min: number, max: number | undefined, loc: string): void {
  if (!expectKind(c, v, ValueKind.INTEGER, loc)) return;
  expectRange(c, v as number, min, max, loc);
}

export function expectRange(c: Collector, v: number, min: number, max: number | undefined, loc: string): void {
  if (v < min) c.schema(Msg.minimum(min), loc);
  else if (max !== undefined && v > max) c.schema(Msg.maximum(max), loc);
}

export function expectEnum(c: Collector, v: unknown, values: readonly string[], loc: string): void {
  if (!expectKind(c, v, ValueKind.STRING, loc)) return;
  if (!values.includes(v as string)) c.schema(Msg.enumValue(values), loc);
}

/** Reports the fields of `required` that `o` lacks, in one "These fields are required" diagnostic. */
export function expectRequired(c: Collector, o: Record<string, unknown>, required: readonly string[], loc: string): boolean {
  const missing = required.filter((f) => !(f in o));
  if (missing.length > 0) c.schema(Msg.required(missing), loc);
  return missing.length === 0;
}
