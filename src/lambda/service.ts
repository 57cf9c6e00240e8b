// The Lambda port: how API Gateway integrations and Step Functions tasks invoke a function, whatever
// runs it. InProcessLambdaService runs plain JS functions in this process (tests, library users);
// the isolated runtime for handler files (worker threads / child processes) implements the same port.

/** What Lambda's Invoke API answers (RequestResponse): the raw payload text and the error marker. */
export interface LambdaInvokeResult {
  /** HTTP status of the Invoke call: 200 (RequestResponse), 202 (Event), 204 (DryRun) */
  statusCode: number;
  /** the response payload exactly as serialised (JSON text, or the error document on a function error) */
  payload: string;
  /** `Unhandled` when the function failed (the payload is `{errorMessage, errorType, stackTrace}`) */
  functionError?: 'Unhandled' | 'Handled';
  executedVersion: string;
  requestId: string;
  /** LogType Tail: the last 4 KB of the invocation's log, base64-encoded (X-Amz-Log-Result) */
  logResult?: string;
}

export interface LambdaInvokeOptions {
  invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  qualifier?: string;
  clientContext?: string;
  /** `Tail` asks for the log in the result (logResult) */
  logType?: 'None' | 'Tail';
}

/** A Lambda service error (not a function error): AWS's error code, HTTP status and message. */
export class LambdaServiceError extends Error {
  constructor(readonly code: string, readonly statusCode: number, message: string) {
    super(message);
    this.name = code;
  }
}

export interface LambdaService {
  /** Invokes by name, partial ARN or full ARN (with an optional `:qualifier`). Throws LambdaServiceError. */
  invoke(functionName: string, payload: string, options?: LambdaInvokeOptions): Promise<LambdaInvokeResult>;
  /** true when a function of that name or ARN exists */
  has(functionName: string): boolean;
}

/** A handler as users write it: (event, context) → result (or a promise of it). */
export type InProcessHandler = (event: unknown, context: { functionName: string; awsRequestId: string }) => unknown;

/** Function name from a name, `name:qualifier`, partial ARN or full ARN. */
export function functionNameOf(nameOrArn: string): string {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(nameOrArn);
  if (arn) return arn[1] as string;
  const partial = /^[^:]+:function:([^:]+)/.exec(nameOrArn);
  if (partial) return partial[1] as string;
  return nameOrArn.split(':')[0] as string;
}

/** Runs registered JS functions in this process; errors come back in Lambda's error-document shape. */
export class InProcessLambdaService implements LambdaService {
  private readonly handlers = new Map<string, InProcessHandler>();
  constructor(private readonly region = 'us-east-1', private readonly accountId = '000000000000') {}

  register(name: string, handler: InProcessHandler): void {
    this.handlers.set(name, handler);
  }

  has(functionName: string): boolean {
    return this.handlers.has(functionNameOf(functionName));
  }

  async invoke(functionName: string, payload: string, options: LambdaInvokeOptions = {}): Promise<LambdaInvokeResult> {
    const name = functionNameOf(functionName);
    const handler = this.handlers.get(name);
    if (!handler) {
      const arn = `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}:${options.qualifier ?? '$LATEST'}`;
      throw new LambdaServiceError('ResourceNotFoundException', 404, `Function not found: ${arn}`);
    }
    const requestId = globalThis.crypto.randomUUID();
    const executedVersion = '$LATEST';
    if (options.invocationType === 'DryRun') return { statusCode: 204, payload: '', executedVersion, requestId };
    let event: unknown;
    try {
      event = payload === '' ? {} : JSON.parse(payload);
    } catch {
      throw new LambdaServiceError('InvalidRequestContentException', 400, 'Could not parse request body into json: Could not parse payload into json');
    }
    const run = async (): Promise<LambdaInvokeResult> => {
      try {
        const out = await handler(event, { functionName: name, awsRequestId: requestId });
        return { statusCode: 200, payload: out === undefined ? 'null' : JSON.stringify(out), executedVersion, requestId };
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        const doc = { errorType: err.name || 'Error', errorMessage: err.message, trace: (err.stack ?? '').split('\n') };
        return { statusCode: 200, payload: JSON.stringify(doc), functionError: 'Unhandled', executedVersion, requestId };
      }
    };
    if (options.invocationType === 'Event') {
      void run();
      return { statusCode: 202, payload: '', executedVersion, requestId };
    }
    return run();
  }
}
