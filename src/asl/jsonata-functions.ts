// Functions Step Functions adds to JSONata (FACTS §2.4): $partition, $range, $parse are registered on
// every compiled expression; $random and $uuid need the execution's entropy and come in as bindings.
import type jsonata from 'jsonata';
import type { Entropy } from './clock.js';
import { StatesError, StatesErrorName } from './errors.js';

type Expr = ReturnType<typeof jsonata>;

export function registerAwsFunctions(e: Expr): void {
  e.registerFunction('partition', (arr: unknown, size: unknown) => {
    if (!Array.isArray(arr) || typeof size !== 'number' || size <= 0) {
      throw new StatesError(StatesErrorName.QueryEvaluationError, 'Invalid arguments to $partition');
    }
    const out: unknown[][] = [];
    for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
    return out;
  });
  e.registerFunction('range', (start: unknown, end: unknown, step: unknown) => {
    if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number' || step === 0) {
      throw new StatesError(StatesErrorName.QueryEvaluationError, 'Invalid arguments to $range');
    }
    const out: number[] = [];
    if (step > 0) for (let i = start; i <= end; i += step) out.push(i);
    else for (let i = start; i >= end; i += step) out.push(i);
    return out;
  });
  e.registerFunction('parse', (text: unknown) => {
    if (typeof text !== 'string') throw new StatesError(StatesErrorName.QueryEvaluationError, 'Invalid arguments to $parse');
    return JSON.parse(text) as unknown;
  });
}

/** Per-evaluation function bindings that draw on the execution's entropy. */
export function entropyBindings(entropy: Entropy): Record<string, unknown> {
  return {
    uuid: () => entropy.uuid(),
    random: () => entropy.random(),
  };
}
