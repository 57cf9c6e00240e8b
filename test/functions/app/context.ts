// Reports what the runtime hands a handler: the context object and the Lambda environment variables.
import { threadId } from 'node:worker_threads';

interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  getRemainingTimeInMillis(): number;
}

export async function handler(event: { wait?: number }, context: LambdaContext): Promise<Record<string, unknown>> {
  if (event.wait) await new Promise((r) => setTimeout(r, event.wait));
  console.log('handling', context.awsRequestId);
  return {
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    remainingPositive: context.getRemainingTimeInMillis() > 0,
    env: {
      AWS_LAMBDA_FUNCTION_NAME: process.env.AWS_LAMBDA_FUNCTION_NAME,
      AWS_REGION: process.env.AWS_REGION,
      GREETING: process.env.GREETING,
      _HANDLER: process.env._HANDLER,
    },
    thread: threadId,
  };
}
