// Request validation against the service model's constraints, with AWS's wording:
// `1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must
// have value less than or equal to 1000` (FACTS §1.1 [rec]); several violations are joined with "; ".
import { serializationError, ValidationException } from './errors.js';

export type Body = Record<string, unknown>;

export class RequestReader {
  private violations: string[] = [];
  constructor(readonly body: Body) {}

  private violation(value: unknown, field: string, constraint: string): void {
    const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
    this.violations.push(`Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
  }

  string(field: string, opts: { required?: boolean; min?: number; max?: number; enum?: readonly string[]; pattern?: RegExp } = {}): string | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) {
      if (opts.required) this.violation(v, field, 'Member must not be null');
      return undefined;
    }
    if (typeof v !== 'string') throw serializationError(`STRING_VALUE can not be converted to a String for '${field}'`);
    if (opts.enum && !opts.enum.includes(v)) this.violation(v, field, `Member must satisfy enum value set: [${opts.enum.join(', ')}]`);
    if (opts.min !== undefined && v.length < opts.min) this.violation(v, field, `Member must have length greater than or equal to ${opts.min}`);
    if (opts.max !== undefined && v.length > opts.max) this.violation(v, field, `Member must have length less than or equal to ${opts.max}`);
    if (opts.pattern && !opts.pattern.test(v)) this.violation(v, field, `Member must satisfy regular expression pattern: ${opts.pattern.source}`);
    return v;
  }

  integer(field: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw serializationError(`NUMBER_VALUE can not be converted to an Integer for '${field}'`);
    if (opts.min !== undefined && v < opts.min) this.violation(v, field, `Member must have value greater than or equal to ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) this.violation(v, field, `Member must have value less than or equal to ${opts.max}`);
    return v;
  }

  boolean(field: string): boolean | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw serializationError(`Expected a boolean for '${field}'`);
    return v;
  }

  object(field: string): Record<string, unknown> | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw serializationError(`Expected an object for '${field}'`);
    return v as Record<string, unknown>;
  }

  array(field: string, opts: { required?: boolean; min?: number; max?: number } = {}): unknown[] | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) {
      if (opts.required) this.violation(v, field, 'Member must not be null');
      return undefined;
    }
    if (!Array.isArray(v)) throw serializationError(`Expected a list for '${field}'`);
    if (opts.min !== undefined && v.length < opts.min) this.violation(v, field, `Member must have length greater than or equal to ${opts.min}`);
    if (opts.max !== undefined && v.length > opts.max) this.violation(v, field, `Member must have length less than or equal to ${opts.max}`);
    return v;
  }

  /** Throws the collected violations as one ValidationException. */
  check(): void {
    const n = this.violations.length;
    if (n === 0) return;
    throw new ValidationException(`${n} validation error${n > 1 ? 's' : ''} detected: ${this.violations.join('; ')}`);
  }
}
