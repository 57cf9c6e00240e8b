// NestedExecutions for the in-process runner (loadStateMachine().run): child machines are registered by
// ARN and run with the parent's run options, so `states:startExecution` works without a server.
import type { ExecutionResult, RunOptions, StateMachine } from '../machine.js';
import { StartExecutionError, type NestedExecution, type NestedExecutions } from './states.js';
import type { SfnApi } from './aws-sdk-sfn.js';

interface Child { promise: Promise<ExecutionResult>; result?: ExecutionResult; startDate: number; input: string; name: string; stateMachineArn: string; stop: AbortController }

export class InProcessExecutions implements NestedExecutions, SfnApi {
  private readonly machines = new Map<string, StateMachine>();
  private readonly children = new Map<string, Child>();

  /** `options` are handed to every child run (dispatchers, clock, time-scale...). */
  constructor(private readonly options: () => RunOptions = () => ({})) {}

  register(stateMachineArn: string, machine: StateMachine): void {
    this.machines.set(stateMachineArn, machine);
  }

  async start(request: { stateMachineArn: string; input: string; name?: string }): Promise<{ executionArn: string; startDate: number }> {
    const machine = this.machines.get(request.stateMachineArn);
    // The API's answer for an unknown ARN [rec: errors/task_service_sfn/test_start_execution_no_such_arn].
    if (!machine) throw new StartExecutionError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    const name = request.name ?? globalThis.crypto.randomUUID();
    const opts = this.options();
    const stop = new AbortController();
    const startDate = opts.clock?.now() ?? Date.now();
    const promise = machine.run(request.input, { ...opts, executionName: name, signal: stop.signal, startTime: startDate });
    const executionArn = request.stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
    const child: Child = { promise, startDate, input: request.input, name, stateMachineArn: request.stateMachineArn, stop };
    void promise.then((r) => { child.result = r; }, () => undefined);
    this.children.set(executionArn, child);
    return { executionArn, startDate };
  }

  /** The few API actions a child run can answer without a server. */
  async call(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (action === 'StartExecution') {
      const r = await this.start({ stateMachineArn: String(body.stateMachineArn), input: typeof body.input === 'string' ? body.input : '{}', ...(typeof body.name === 'string' ? { name: body.name } : {}) });
      return { executionArn: r.executionArn, startDate: r.startDate / 1000 };
    }
    // No task tokens exist outside a server: the API's answer for an unknown token.
    if (action === 'SendTaskSuccess' || action === 'SendTaskFailure' || action === 'SendTaskHeartbeat') throw new StartExecutionError('InvalidToken', "Invalid Token: 'Invalid token'");
    throw new StartExecutionError('UnknownOperationException', `The in-process runner does not implement ${action}`);
  }

  async finished(executionArn: string): Promise<void> {
    await this.children.get(executionArn)?.promise;
  }

  async describe(executionArn: string): Promise<NestedExecution> {
    const c = this.children.get(executionArn);
    if (!c) throw new StartExecutionError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    const r = c.result;
    const last = r?.history[r.history.length - 1];
    return {
      executionArn, stateMachineArn: c.stateMachineArn, name: c.name, status: r?.status ?? 'RUNNING', startDate: c.startDate, input: c.input,
      ...(last ? { stopDate: last.timestamp.getTime() } : {}),
      ...(r?.output !== undefined ? { output: JSON.stringify(r.output) } : {}),
      ...(r?.error !== undefined ? { error: r.error } : {}),
      ...(r?.cause !== undefined ? { cause: r.cause } : {}),
    };
  }

  async stop(executionArn: string): Promise<void> {
    this.children.get(executionArn)?.stop.abort();
  }
}
