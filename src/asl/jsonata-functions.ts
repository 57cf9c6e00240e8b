// Functions Step Functions adds to JSONata (AWS "Transforming data with JSONata": $partition, $range,
// $hash, $random, $uuid, $parse). $eval is not available in Step Functions: definitions using it are
// accepted, and a call fails at run time (see registerAwsFunctions).
// $random and $uuid need the execution's entropy, so they come in as per-evaluation bindings.
import type jsonata from 'jsonata';
import type { Entropy } from './clock.js';
import { hashHex, isHashAlgorithm } from './hash.js';
import { utf8Encode } from './base64.js';
import { JavaRandom } from './intrinsics.js';

type Expr = ReturnType<typeof jsonata>;

/** Thrown like JSONata's own function errors, so the cause reads "… threw an error during evaluation. …". */
function fail(fn: string, why: string): never {
  throw new Error(`${fn}: ${why}`);
}

export function registerAwsFunctions(e: Expr): void {
  // Step Functions leaves $eval out of JSONata ("use $parse"). Measured on AWS (TestState, floci-io/floci#2737):
  // `$eval("1+1")` fails with States.QueryEvaluationError, cause "The JSONata expression '$eval("1+1")'
  // specified for the field 'Output/r' threw an error during evaluation. T1006: Attempted to invoke a
  // non-function" — JSONata's error for calling something that is not a function.
  e.registerFunction('eval', () => {
    throw Object.assign(new Error('Attempted to invoke a non-function'), { code: 'T1006' });
  });
  e.registerFunction('partition', (arr: unknown, size: unknown) => {
    if (!Array.isArray(arr)) fail('$partition', 'the first argument must be an array');
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) fail('$partition', 'the chunk size must be a positive integer');
    const out: unknown[][] = [];
    for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
    return out;
  });
  // Inclusive of `end` (AWS: $range(0, 10, 2) → [0, 2, 4, 6, 8, 10]); a negative step counts down.
  e.registerFunction('range', (start: unknown, end: unknown, step: unknown) => {
    if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number') fail('$range', 'start, end and step must be numbers');
    if (step === 0) fail('$range', 'step must not be 0');
    const out: number[] = [];
    if (step > 0) for (let i = start; i <= end; i += step) out.push(i);
    else for (let i = start; i >= end; i += step) out.push(i);
    return out;
  });
  e.registerFunction('hash', (data: unknown, alg: unknown) => {
    if (typeof data !== 'string') fail('$hash', 'the data must be a string');
    if (typeof alg !== 'string' || !isHashAlgorithm(alg)) fail('$hash', 'the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512');
    return hashHex(alg, utf8Encode(data));
  });
  e.registerFunction('parse', (text: unknown) => {
    if (typeof text !== 'string') fail('$parse', 'the argument must be a string');
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      return fail('$parse', (err as Error).message);
    }
  });
}

/** Per-evaluation function bindings that draw on the execution's entropy. */
export function entropyBindings(entropy: Entropy): Record<string, unknown> {
  return {
    uuid: () => entropy.uuid(),
    // With a seed the sequence is reproducible, like java.util.Random(seed).nextDouble().
    random: (seed?: unknown) => {
      if (seed === undefined) return entropy.random();
      if (typeof seed !== 'number') fail('$random', 'the seed must be a number');
      const r = new JavaRandom(seed);
      return (r.next(26) * 2 ** 27 + r.next(27)) * 2 ** -53;
    },
  };
}
