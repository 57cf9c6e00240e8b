// What expressions in one state can see: the input (`$` / $states.input), the result, the error
// output, the context object, the variables visible at state entry, and the entropy source.
import type { Entropy } from './clock.js';
import type { JsonObject, JsonValue } from './json.js';

export interface Scope {
  input: JsonValue;
  result?: JsonValue;
  errorOutput?: JsonValue;
  context(): JsonObject;
  /** undefined when no visible scope defines the variable */
  lookupVar(name: string): JsonValue | undefined;
  /** every visible variable, inner scopes shadowing outer ones (JSONata bindings) */
  visibleVars(): Record<string, JsonValue>;
  entropy: Entropy;
  stateName: string;
  /** cache of the JSONata bindings for this scope (filled on first use) */
  jsonataBindings?: Record<string, unknown>;
}
