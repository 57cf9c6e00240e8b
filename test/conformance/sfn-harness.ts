// Replays one case of the Step Functions corpus through stepgate's engine and returns the result in
// the shape compare.mjs reads: {id, status, output | error+cause, history}.
import { loadStateMachine, type RunOptions, type TaskHandler } from '../../src/sfn/machine.js';
import type { LambdaService } from '../../src/lambda/service.js';
import { LambdaDispatcher } from '../../src/sfn/integrations/lambda.js';
import { StatesDispatcher } from '../../src/sfn/integrations/states.js';
import { AwsSdkSfnDispatcher } from '../../src/sfn/integrations/aws-sdk-sfn.js';
import { InProcessExecutions } from '../../src/sfn/integrations/in-process-executions.js';
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
  setup?: { call: string; args: Record<string, unknown> }[];
  /** `{{fnN}}` → behaviour key of functions.md */
  functions?: Record<string, string>;
  stateMachines?: Record<string, { kind: string; type: string; definition: unknown }>;
}

/** Services a case may call: the Lambda runtime with the corpus functions registered (see corpusFunctionName). */
export interface CaseServices {
  lambda?: LambdaService;
}

/** The name under which a corpus behaviour key is registered (`raise_exception` → `corpus-raise-exception`). */
export function corpusFunctionName(behaviour: string): string {
  return `corpus-${behaviour.replace(/_/g, '-')}`;
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

/** `{{sm1}}`-style placeholders become plain names; `{{fnN}}` the function of its behaviour. */
function filler(c: SfnCase): (text: string) => string {
  return (text) => text.replace(/\{\{([a-z]+\d*)\}\}/g, (m, n: string) => {
    const behaviour = c.functions?.[m];
    return behaviour ? corpusFunctionName(behaviour) : `stepgate-${n}`;
  });
}

export async function runCase(c: SfnCase, tasks: Record<string, TaskHandler> = {}, services: CaseServices = {}): Promise<SfnResult> {
  const fill = filler(c);
  const definition = fill(JSON.stringify(c.definition));
  let machine;
  try {
    machine = loadStateMachine(definition, { name: 'stepgate-sm1', region: REGION, accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/stepgate-role` });
  } catch (e) {
    return { id: c.id, status: 'INVALID_DEFINITION', error: 'InvalidDefinition', cause: (e as Error).message };
  }
  const stop = (c.actions ?? []).some((a) => a.call === 'stepfunctions.stop_execution');
  const abort = new AbortController();
  // A function that outlives its task timeout is real work: such cases run at 1/100 of real time.
  const sleeps = Object.values(c.functions ?? {}).includes('sleep_60s_then_identity');
  const executions = new InProcessExecutions(() => childOptions);
  const dispatchers = [
    ...(services.lambda ? [new LambdaDispatcher(services.lambda)] : []),
    new StatesDispatcher(executions),
    new AwsSdkSfnDispatcher(executions),
  ];
  const childOptions: RunOptions = { tasks, timeScale: sleeps ? 0.01 : 0, dispatchers };
  const deleted = new Set((c.setup ?? []).filter((s) => s.call === 'stepfunctions.delete_state_machine').map((s) => fill(String(s.args.stateMachineArn))));
  for (const [placeholder, sm] of Object.entries(c.stateMachines ?? {})) {
    if (sm.kind !== 'state-machine') continue;
    const name = fill(placeholder);
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    if (deleted.has(arn)) continue;
    // Cross-account cases name the child in another account (e.g. 222222222222): register it there too.
    const accounts = new Set([ACCOUNT, ...[...fill(c.input).matchAll(new RegExp(`arn:aws:states:${REGION}:(\\d{12}):stateMachine:${name}\\b`, 'g'))].map((m) => m[1] as string)]);
    for (const account of accounts) {
      executions.register(`arn:aws:states:${REGION}:${account}:stateMachine:${name}`,
        loadStateMachine(fill(JSON.stringify(sm.definition)), { name, region: REGION, accountId: account, roleArn: `arn:aws:iam::${account}:role/stepgate-role` }));
    }
  }
  const r = await machine.run(fill(c.input), {
    tasks,
    dispatchers,
    timeScale: sleeps ? 0.01 : 0,
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
