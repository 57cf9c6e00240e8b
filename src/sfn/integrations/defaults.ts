// The task integrations a server (or an in-process run) gets by default, in dispatch order.
import type { LambdaService } from '../../lambda/service.js';
import type { TaskDispatcher } from '../dispatch.js';
import { AwsSdkSfnDispatcher, type SfnApi } from './aws-sdk-sfn.js';
import { HttpDispatcher, type HttpDispatcherOptions } from './http.js';
import { LambdaDispatcher } from './lambda.js';
import { StatesDispatcher, type NestedExecutions } from './states.js';

export interface IntegrationOptions {
  lambda: LambdaService;
  executions: NestedExecutions & SfnApi;
  http?: HttpDispatcherOptions;
}

export function defaultDispatchers(o: IntegrationOptions): TaskDispatcher[] {
  return [new LambdaDispatcher(o.lambda), new StatesDispatcher(o.executions), new AwsSdkSfnDispatcher(o.executions), new HttpDispatcher(o.http ?? {})];
}
