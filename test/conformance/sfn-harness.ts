// Replays one case of the Step Functions corpus through stepgate's engine and returns the result in
// the shape compare.mjs reads: {id, status, output | error+cause, history}.
import { loadStateMachine, type TaskHandler } from '../../src/sfn/machine.js';
import { SimulatedClock, seededEntropy } from '../../src/asl/clock.js';
import type { JsonValue } from '../../src/asl/json.js';

export interface SfnCase {
  id: string;
  queryLanguage: string;
  needs: string[];
  tags: string[];
  definition: unknown;
  input: string;
  expected: { status: string; output?: unknown; error?: string; cause?: unknown };
  history: unknown[];
  tokens?: string[];
  skipVerify?: string[];
  actions?: { call: string; args: Record<string, unknown> }[];
}

export interface SfnResult {
  id: string;
  status: string;
  output?: JsonValue;
  error?: string;
  cause?: string;
  history?: unknown[];
}

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

/** `{{sm1}}`-style placeholders become plain names. */
function fill(text: string): string {
  return text.replace(/\{\{([a-z]+\d*)\}\}/g, (_m, n: string) => `stepgate-${n}`);
}

export async function runCase(c: SfnCase, tasks: Record<string, TaskHandler> = {}): Promise<SfnResult> {
  const definition = fill(JSON.stringify(c.definition));
  let machine;
  try {
    machine = loadStateMachine(definition, { name: 'stepgate-sm1', region: REGION, accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/stepgate-role` });
  } catch (e) {
    return { id: c.id, status: 'INVALID_DEFINITION', error: 'InvalidDefinition', cause: (e as Error).message };
  }
  const stop = (c.actions ?? []).some((a) => a.call === 'stepfunctions.stop_execution');
  const abort = new AbortController();
  const r = await machine.run(fill(c.input), {
    tasks,
    timeScale: 0,
    clock: new SimulatedClock(Date.now()),
    entropy: seededEntropy(7),
    executionName: 'ex-uid0001',
    ...(stop ? { signal: abort.signal, onEvent: (e) => { if (e.type.endsWith('StateEntered') && e.type !== 'PassStateEntered') abort.abort(); } } : {}),
  });
  return {
    id: c.id,
    status: r.status,
    ...(r.output !== undefined ? { output: r.output } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.cause !== undefined ? { cause: r.cause } : {}),
    history: r.history.map((e) => ({ ...e, timestamp: e.timestamp.getTime() / 1000 })),
  };
}
