// NestedExecutions on the server: child executions are ordinary executions of the same SfnService
// (StartExecution / DescribeExecution / StopExecution through its action table), awaited through the
// runner, so they show up in ListExecutions and the console like any other.
import type { SfnService } from '../api.js';
import { SfnError } from '../errors.js';
import type { Runner } from '../runner.js';
import { StartExecutionError, type NestedExecution, type NestedExecutions } from './states.js';
import type { SfnApi } from './aws-sdk-sfn.js';

export class ServiceExecutions implements NestedExecutions, SfnApi {
  constructor(private readonly service: () => SfnService | undefined, private readonly runner: Runner) {}

  private api(): SfnService {
    const s = this.service();
    if (!s) throw new Error('the Step Functions service is not running');
    return s;
  }

  async call(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    try {
      return await this.api().handle(action, body);
    } catch (e) {
      if (e instanceof SfnError) throw new StartExecutionError(e.code, e.wireMessage ?? e.code);
      throw e;
    }
  }

  async start(request: { stateMachineArn: string; input: string; name?: string }): Promise<{ executionArn: string; startDate: number }> {
    try {
      const r = await this.api().handle('StartExecution', { stateMachineArn: request.stateMachineArn, input: request.input, ...(request.name !== undefined ? { name: request.name } : {}) });
      return { executionArn: String(r.executionArn), startDate: Math.round(Number(r.startDate) * 1000) };
    } catch (e) {
      if (e instanceof SfnError) throw new StartExecutionError(e.code, e.wireMessage ?? e.code);
      throw e;
    }
  }

  async describe(executionArn: string): Promise<NestedExecution> {
    const r = await this.api().handle('DescribeExecution', { executionArn });
    const ms = (v: unknown): number => Math.round(Number(v) * 1000);
    return {
      executionArn: String(r.executionArn), stateMachineArn: String(r.stateMachineArn), name: String(r.name), status: String(r.status),
      startDate: ms(r.startDate), input: String(r.input ?? '{}'),
      ...(r.stopDate !== undefined ? { stopDate: ms(r.stopDate) } : {}),
      ...(typeof r.output === 'string' ? { output: r.output } : {}),
      ...(typeof r.error === 'string' ? { error: r.error } : {}),
      ...(typeof r.cause === 'string' ? { cause: r.cause } : {}),
      ...(typeof r.redriveCount === 'number' ? { redriveCount: r.redriveCount } : {}),
    };
  }

  async finished(executionArn: string): Promise<void> {
    for (;;) {
      const done = this.runner.whenFinished(executionArn);
      if (done) { await done; return; }
      const d = await this.describe(executionArn);
      if (d.status !== 'RUNNING') return;
      // Running but not live in this process (e.g. being resumed): look again shortly.
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(executionArn: string): Promise<void> {
    await this.api().handle('StopExecution', { executionArn });
  }
}
