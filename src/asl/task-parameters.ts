// Checks Step Functions makes on an optimized integration's parameters before the task is scheduled:
// a failure is a States.Runtime error of the state, with no TaskScheduled event (recorded for
// apigateway:invoke: `The Parameters '<json>' could not be used to start the Task: [The value of the
// field 'Headers' has an invalid format]`).
import { isJsonObject, type JsonValue } from './json.js';
import { StatesError, StatesErrorName } from './errors.js';

/** API Gateway invoke: Headers and QueryParameters map names to lists of strings (FACTS §4.2). */
function apiGatewayInvoke(p: JsonValue): string | undefined {
  if (!isJsonObject(p)) return undefined;
  for (const field of ['Headers', 'QueryParameters']) {
    const v = p[field];
    if (v === undefined || v === null) continue;
    if (!isJsonObject(v) || Object.values(v).some((x) => !Array.isArray(x) || x.some((s) => typeof s !== 'string'))) {
      return `The value of the field '${field}' has an invalid format`;
    }
  }
  return undefined;
}

const CHECKS: Record<string, (p: JsonValue) => string | undefined> = {
  'apigateway:invoke': apiGatewayInvoke,
};

/** Throws the AWS runtime error when `parameters` cannot start a task on `resource`. */
export function checkTaskParameters(resource: string, parameters: JsonValue): void {
  const m = /^arn:[^:]+:states:::([a-z0-9-]+:[A-Za-z0-9]+)(?:\.waitForTaskToken|\.sync(?::2)?)?$/.exec(resource);
  const check = m ? CHECKS[m[1] as string] : undefined;
  const problem = check?.(parameters);
  if (problem !== undefined) {
    throw new StatesError(StatesErrorName.Runtime, `The Parameters '${JSON.stringify(parameters)}' could not be used to start the Task: [${problem}]`);
  }
}
