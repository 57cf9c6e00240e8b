// The AWS SDK integration for Step Functions itself, `arn:aws:states:::aws-sdk:sfn:<action>`: the
// Parameters are the API request with PascalCase keys, the result the API response with PascalCase
// keys and ISO-8601 dates; API errors fail the task with `Sfn.<Code>Exception` and the Java SDK v2's
// text [rec: services/aws_sdk_task_service/test_sfn_send_task_outcome_with_no_such_token].
import { randomUUID } from 'node:crypto';
import { isJsonObject, type JsonValue } from '../../asl/json.js';
import type { InvokeTaskCommand } from '../../asl/engine-types.js';
import { TaskFailure, type TaskContext, type TaskDispatcher } from '../dispatch.js';
import { invalidParameters } from './common.js';
import { StartExecutionError } from './states.js';

export const AWS_SDK_SFN_RESOURCE = /^arn:[^:]+:states:::aws-sdk:sfn:([a-zA-Z]+)$/;

/** Step Functions' own API, as the integration calls it (AWS JSON 1.0 action + camelCase body). */
export interface SfnApi {
  /** throws StartExecutionError(code, message) for API errors */
  call(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
}

function recase(v: unknown, upper: boolean, dates: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => recase(x, upper, dates));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const key = (upper ? k.charAt(0).toUpperCase() : k.charAt(0).toLowerCase()) + k.slice(1);
    out[key] = dates && /Date$/.test(k) && typeof x === 'number' ? new Date(x * 1000).toISOString() : recase(x, upper, dates);
  }
  return out;
}

export class AwsSdkSfnDispatcher implements TaskDispatcher {
  constructor(private readonly api: SfnApi) {}

  handles(resource: string): boolean {
    return AWS_SDK_SFN_RESOURCE.test(resource);
  }

  async invoke(command: InvokeTaskCommand, _context: TaskContext): Promise<JsonValue> {
    const action = (AWS_SDK_SFN_RESOURCE.exec(command.resource)?.[1] ?? '');
    const p = command.parameters;
    if (!isJsonObject(p)) throw invalidParameters(p, 'The Parameters must be an object');
    try {
      const r = await this.api.call(action.charAt(0).toUpperCase() + action.slice(1), recase(p, false, false) as Record<string, unknown>);
      return recase(r, true, true) as JsonValue;
    } catch (e) {
      if (e instanceof StartExecutionError) {
        const name = e.code.endsWith('Exception') ? e.code : `${e.code}Exception`;
        throw new TaskFailure(`Sfn.${name}`, `${e.message} (Service: Sfn, Status Code: 400, Request ID: ${randomUUID()}) (SDK Attempt Count: 1)`);
      }
      throw e;
    }
  }
}
