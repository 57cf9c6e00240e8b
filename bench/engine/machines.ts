// The state machines bench/engine runs through stepgate and through aws-local-stepfunctions.
// Each entry says how many state transitions one run makes, so both engines are measured alike.

export interface BenchMachine {
  name: string;
  definition: Record<string, unknown>;
  input: unknown;
  /** only stepgate runs it (no peer supports the query language) */
  stepgateOnly?: boolean;
}

function passChain(n: number): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    states[`S${i}`] = {
      Type: 'Pass',
      Parameters: { 'step': i, 'value.$': '$.value', 'meta': { 'source.$': '$.meta.source' } },
      ...(i + 1 < n ? { Next: `S${i + 1}` } : { End: true }),
    };
  }
  return { StartAt: 'S0', States: states };
}

const choiceLoop = {
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Parameters: { count: 0 }, Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.count', NumericGreaterThanEquals: 100, Next: 'Done' }],
      Default: 'Increment',
    },
    Increment: { Type: 'Pass', Parameters: { 'count.$': 'States.MathAdd($.count, 1)' }, Next: 'Check' },
    Done: { Type: 'Succeed' },
  },
};

const map100 = {
  StartAt: 'Items',
  States: {
    Items: { Type: 'Pass', Parameters: { 'items.$': 'States.ArrayRange(1, 100, 1)' }, Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', End: true } } },
      End: true,
    },
  },
};

function jsonataChain(n: number): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    states[`S${i}`] = {
      Type: 'Pass',
      Assign: { [`v${i}`]: `{% $states.input.value + ${i} %}` },
      Output: { 'value': '{% $states.input.value + 1 %}', 'meta': '{% $states.input.meta %}' },
      ...(i + 1 < n ? { Next: `S${i + 1}` } : { End: true }),
    };
  }
  return { QueryLanguage: 'JSONata', StartAt: 'S0', States: states };
}

export const MACHINES: BenchMachine[] = [
  { name: '50-state Pass chain (Parameters)', definition: passChain(50), input: { value: 42, meta: { source: 'bench' } } },
  { name: 'Choice loop (100 iterations)', definition: choiceLoop, input: {} },
  { name: 'Map over 100 items (Pass inside)', definition: map100, input: {} },
  { name: '20-state JSONata chain (Output/Assign)', definition: jsonataChain(20), input: { value: 1, meta: { source: 'bench' } }, stepgateOnly: true },
];
