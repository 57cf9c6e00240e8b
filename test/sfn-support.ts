// Shared set-up of the Step Functions end-to-end tests: a real server on port 0 and an AWS SDK
// client pointed at it the way users do (endpoint, dummy credentials, disableHostPrefix).
import { SFNClient } from '@aws-sdk/client-sfn';
import { startServer, type StartServerOptions, type StepgateServer } from '../src/index.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/StepFunctionsRole`;
export const smArn = (name: string): string => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
export const execArn = (sm: string, name: string): string => `arn:aws:states:${REGION}:${ACCOUNT}:execution:${sm}:${name}`;

export interface Harness { server: StepgateServer; sfn: SFNClient; close(): Promise<void> }

export async function startHarness(options: StartServerOptions = {}): Promise<Harness> {
  const server = await startServer({ port: 0, store: 'memory', timeScale: 0, ...options });
  const sfn = new SFNClient({
    endpoint: server.url, region: REGION, disableHostPrefix: true, maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { server, sfn, close: async () => { sfn.destroy(); await server.close(); } };
}

/** Polls until the condition holds (executions finish asynchronously); no timing assertion. */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, limitMs = 10_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs fn and returns the AWS error it threw (name, message, HTTP status). */
export async function awsError(fn: () => Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, ...(err.$metadata?.httpStatusCode !== undefined ? { status: err.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected an AWS error');
}

export const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
