// The library face of the engine (DESIGN "Programmatic API"): loadStateMachine validates and compiles a
// definition once; machine.run() drives one execution in-process with local task handlers, an
// injectable clock and entropy, and virtual time (timeScale 0: waits and retries take no real time).
// It lives in sfn/ because it owns the effects (timers, the host clock) that the pure engine in asl/ may not.
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../asl/json.js';
import { compileMachine, type CompiledMachine } from '../asl/compile.js';
import { createSnapshot, step } from '../asl/engine.js';
import { materializeEvent, type HistoryEvent } from '../asl/history.js';
import type { Clock, Entropy } from '../asl/clock.js';
import { ExecutionStatus, IntegrationPattern, StateMachineType, type Command, type EngineInput, type ExecutionInfo, type InvokeTaskCommand } from '../asl/engine-types.js';
import { formatInvalidDefinition, validateDefinition, type Diagnostic } from '../asl/validate.js';
import type { TaskDispatcher } from './dispatch.js';

export interface LoadOptions {
  type?: StateMachineType;
  /** state machine name for ARNs and the context object (default `StateMachine`) */
  name?: string;
  region?: string;
  accountId?: string;
  roleArn?: string;
}

/** What a task handler gets besides the effective input. */
export interface TaskInvocation {
  resource: string;
  stateName: string;
  taskToken?: string;
  /** waits this many seconds of execution time (virtual under timeScale 0): lets a mock take time */
  sleep(seconds: number): Promise<void>;
}

export type TaskHandler = (payload: JsonValue, invocation: TaskInvocation) => Promise<unknown> | unknown;

/** A failure a handler can throw to fail the task with exactly this error and cause. */
export class TaskFailure extends Error {
  constructor(readonly error: string, readonly errorCause?: string) {
    super(errorCause ?? error);
    this.name = 'TaskFailure';
  }
}

export interface RunOptions {
  /** handlers by Resource ARN (exact match) */
  tasks?: Record<string, TaskHandler>;
  /** fallback for resources without a handler in `tasks` */
  resolveTask?: (command: InvokeTaskCommand) => TaskHandler | undefined;
  /** the server's task integrations (Lambda, nested executions, HTTP...) for resources no handler takes */
  dispatchers?: TaskDispatcher[];
  /** 0 = virtual time (no real waiting; the default); 1 = real time; 0.01 = 100× faster */
  timeScale?: number;
  clock?: Clock;
  entropy?: Entropy;
  executionName?: string;
  /** epoch ms of the execution start (default: clock.now()) */
  startTime?: number;
  /** aborting stops the execution (StopExecution): status ABORTED */
  signal?: AbortSignal;
  /** called with every history event as it is recorded */
  onEvent?: (event: HistoryEvent) => void;
}

export interface ExecutionResult {
  status: ExecutionStatus;
  output?: JsonValue;
  error?: string;
  cause?: string;
  /** AWS-shaped events as GetExecutionHistory returns them (timestamps as Date, like the SDK) */
  history: RunHistoryEvent[];
  executionArn: string;
}

/** A history event with its timestamp as a Date, the way the AWS SDK returns it. */
export interface RunHistoryEvent {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

/** Thrown by loadStateMachine for an invalid definition; carries AWS's diagnostics. */
export class InvalidDefinitionError extends Error {
  readonly code = 'InvalidDefinition';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(formatInvalidDefinition(diagnostics));
    this.name = 'InvalidDefinitionError';
  }
}

export interface StateMachine {
  readonly definition: JsonObject;
  readonly type: StateMachineType;
  readonly compiled: CompiledMachine;
  run(input?: unknown, options?: RunOptions): Promise<ExecutionResult>;
}

const systemClock: Clock = { now: () => Date.now() };

function defaultEntropy(): Entropy {
  return { random: Math.random, uuid: () => globalThis.crypto.randomUUID() };
}

export function loadStateMachine(definition: unknown, options: LoadOptions = {}): StateMachine {
  const type = options.type ?? StateMachineType.STANDARD;
  const errors = validateDefinition(definition, { type }).filter((d) => d.severity === 'ERROR');
  if (errors.length > 0) throw new InvalidDefinitionError(errors);
  const def = (typeof definition === 'string' ? JSON.parse(definition) : definition) as unknown;
  if (!isJsonObject(def as JsonValue)) throw new InvalidDefinitionError([{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be an object', location: '/' }]);
  const compiled = compileMachine(def as JsonObject);
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const smName = options.name ?? 'StateMachine';
  const stateMachineArn = `arn:aws:states:${region}:${accountId}:stateMachine:${smName}`;
  return {
    definition: def as JsonObject,
    type,
    compiled,
    run: (input, runOptions = {}) => runExecution(compiled, {
      stateMachineArn, stateMachineName: smName, region, accountId, type,
      roleArn: options.roleArn ?? `arn:aws:iam::${accountId}:role/StepFunctionsRole`,
    }, input, runOptions),
  };
}

/** Virtual time: a clock that can be moved forward to a timer's due time. */
class OffsetClock implements Clock {
  private offset = 0;
  constructor(private readonly base: Clock) {}
  now(): number { return this.base.now() + this.offset; }
  advanceTo(ms: number): void { const d = ms - this.now(); if (d > 0) this.offset += d; }
}

type Info = Omit<ExecutionInfo, 'executionArn' | 'name' | 'startTime' | 'redriveCount'>;

async function runExecution(compiled: CompiledMachine, base: Info, rawInput: unknown, options: RunOptions): Promise<ExecutionResult> {
  const timeScale = options.timeScale ?? 0;
  const clock = new OffsetClock(options.clock ?? systemClock);
  const entropy = options.entropy ?? defaultEntropy();
  const input = (typeof rawInput === 'string' ? JSON.parse(rawInput) : rawInput ?? {}) as JsonValue;
  const name = options.executionName ?? entropy.uuid();
  const kind = base.type === StateMachineType.EXPRESS ? 'express' : 'execution';
  const executionArn = base.type === StateMachineType.EXPRESS
    ? `arn:aws:states:${base.region}:${base.accountId}:express:${base.stateMachineName}:${name}:${entropy.uuid()}`
    : `arn:aws:states:${base.region}:${base.accountId}:${kind}:${base.stateMachineName}:${name}`;
  const info: ExecutionInfo = { ...base, executionArn, name, startTime: options.startTime ?? clock.now(), redriveCount: 0 };
  const snapshot = createSnapshot(info, input);
  let history: HistoryEvent[] = [];
  const queue: EngineInput[] = [{ kind: 'start' }];
  const timers = new Map<string, { dueAt: number; handle?: ReturnType<typeof setTimeout> }>();
  /** handlers sleeping in virtual time: they do not count as busy */
  const sleepers: { dueAt: number; wakeUp: () => void }[] = [];
  const cancelled = new Set<string>();
  let inflight = 0;
  let wake: (() => void) | undefined;
  const poke = (): void => { const w = wake; wake = undefined; w?.(); };
  const onAbort = (): void => { queue.push({ kind: 'stop' }); poke(); };
  if (options.signal?.aborted) queue.push({ kind: 'stop' });
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const sleep = (seconds: number): Promise<void> => new Promise<void>((res) => {
    const dueAt = clock.now() + seconds * 1000;
    if (timeScale > 0) {
      setTimeout(() => { clock.advanceTo(dueAt); res(); }, seconds * 1000 * timeScale);
      return;
    }
    inflight--;
    sleepers.push({ dueAt, wakeUp: () => { inflight++; res(); } });
    poke();
  });

  const running = new Map<string, AbortController>();
  const dispatch = (cmd: InvokeTaskCommand, dispatcher: TaskDispatcher): void => {
    const ac = new AbortController();
    running.set(cmd.taskId, ac);
    inflight++;
    void (async () => {
      let msg: EngineInput;
      try {
        const out = await dispatcher.invoke(cmd, {
          executionArn, stateMachineArn: base.stateMachineArn, region: base.region, accountId: base.accountId, signal: ac.signal,
          submitted: (output) => { if (!ac.signal.aborted) { queue.push({ kind: 'taskSubmitted', taskId: cmd.taskId, output }); poke(); } },
        });
        msg = cmd.pattern === IntegrationPattern.WAIT_FOR_TASK_TOKEN
          ? { kind: 'taskSubmitted', taskId: cmd.taskId, output: out }
          : { kind: 'taskSucceeded', taskId: cmd.taskId, output: out };
      } catch (e) {
        const f = toFailure(e);
        msg = { kind: 'taskFailed', taskId: cmd.taskId, error: f.error, ...(f.cause !== undefined ? { cause: f.cause } : {}) };
      }
      inflight--;
      running.delete(cmd.taskId);
      if (!cancelled.has(cmd.taskId) && !ac.signal.aborted) queue.push(msg);
      poke();
    })();
  };

  const invoke = (cmd: InvokeTaskCommand): void => {
    const handler = options.tasks?.[cmd.resource] ?? options.resolveTask?.(cmd);
    const dispatcher = handler ? undefined : options.dispatchers?.find((d) => d.handles(cmd.resource));
    if (dispatcher) { dispatch(cmd, dispatcher); return; }
    inflight++;
    void (async () => {
      let msg: EngineInput;
      try {
        if (!handler) throw missingHandler(cmd.resource);
        // Handlers get their own copy: the engine shares payload values and never mutates them.
        const out = await handler(cloneJson(cmd.parameters), { resource: cmd.resource, stateName: cmd.stateName, sleep, ...(cmd.taskToken ? { taskToken: cmd.taskToken } : {}) });
        msg = { kind: 'taskSucceeded', taskId: cmd.taskId, output: (out === undefined ? null : JSON.parse(JSON.stringify(out))) as JsonValue };
      } catch (e) {
        const f = toFailure(e);
        msg = { kind: 'taskFailed', taskId: cmd.taskId, error: f.error, ...(f.cause !== undefined ? { cause: f.cause } : {}) };
      }
      inflight--;
      if (!cancelled.has(cmd.taskId)) queue.push(msg);
      poke();
    })();
  };

  const execute = (commands: Command[]): void => {
    for (const c of commands) {
      if (c.kind === 'invokeTask') invoke(c);
      else if (c.kind === 'cancelTask') { cancelled.add(c.taskId); running.get(c.taskId)?.abort(); }
      else if (c.kind === 'startTimer') {
        const rec: { dueAt: number; handle?: ReturnType<typeof setTimeout> } = { dueAt: c.dueAt };
        if (timeScale > 0) {
          rec.handle = setTimeout(() => {
            timers.delete(c.timerId);
            clock.advanceTo(c.dueAt);
            queue.push({ kind: 'timerFired', timerId: c.timerId });
            poke();
          }, Math.max(0, (c.dueAt - clock.now()) * timeScale));
        }
        timers.set(c.timerId, rec);
      } else if (c.kind === 'cancelTimer') {
        const rec = timers.get(c.timerId);
        if (rec?.handle) clearTimeout(rec.handle);
        timers.delete(c.timerId);
      }
    }
  };

  while (snapshot.status === ExecutionStatus.RUNNING) {
    const next = queue.shift();
    if (next) {
      const r = await step(compiled, snapshot, next, { now: clock.now(), entropy, lazyPayloads: true });
      if (history.length === 0) history = r.events;
      else for (const e of r.events) history.push(e);
      if (options.onEvent) for (const e of r.events) options.onEvent(materializeEvent(e));
      execute(r.commands);
      continue;
    }
    if (inflight > 0 || (timeScale > 0 && timers.size > 0)) {
      await new Promise<void>((res) => { wake = res; });
      continue;
    }
    if (timers.size > 0 || sleepers.length > 0) {
      // Virtual time: nothing else can happen before the earliest timer or sleeping handler, so jump to it.
      let firstId = '';
      let first = Infinity;
      for (const [id, t] of timers) if (t.dueAt < first) { first = t.dueAt; firstId = id; }
      const sleeperIndex = sleepers.reduce((best, x, i) => (x.dueAt < (sleepers[best]?.dueAt ?? Infinity) ? i : best), -1);
      const sleeper = sleepers[sleeperIndex];
      if (sleeper && sleeper.dueAt < first) {
        sleepers.splice(sleeperIndex, 1);
        clock.advanceTo(sleeper.dueAt);
        sleeper.wakeUp();
        await new Promise<void>((res) => setImmediate(res));
        continue;
      }
      timers.delete(firstId);
      clock.advanceTo(first);
      queue.push({ kind: 'timerFired', timerId: firstId });
      continue;
    }
    // Nothing can move the execution any more (e.g. a task token nobody will return).
    throw new Error('Execution is stuck: it waits for a task result that no handler will deliver');
  }
  for (const t of timers.values()) if (t.handle) clearTimeout(t.handle);
  for (const ac of running.values()) ac.abort();
  options.signal?.removeEventListener('abort', onAbort);
  const o = snapshot.outcome ?? { status: snapshot.status };
  let apiHistory: RunHistoryEvent[] | undefined;
  return {
    status: o.status,
    ...(o.output !== undefined ? { output: cloneJson(o.output) } : {}),
    ...(o.error !== undefined ? { error: o.error } : {}),
    ...(o.cause !== undefined ? { cause: o.cause } : {}),
    // Built on first read: runs whose history nobody reads do not pay for the Date objects.
    get history(): RunHistoryEvent[] {
      apiHistory ??= history.map((e) => ({ ...materializeEvent(e), timestamp: new Date(e.timestamp) }));
      return apiHistory;
    },
    executionArn,
  };
}

function missingHandler(resource: string): TaskFailure {
  const m = /^arn:[^:]+:lambda:[^:]+:[^:]+:function:([^:]+)/.exec(resource);
  if (m) {
    return new TaskFailure('Lambda.ResourceNotFoundException',
      `Function not found: ${resource.split(':').length > 7 ? resource : resource + ':$LATEST'} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: 00000000-0000-0000-0000-000000000000; Proxy: null)`);
  }
  return new TaskFailure('States.TaskFailed', `No task handler is registered for the resource '${resource}'`);
}

function toFailure(e: unknown): { error: string; cause?: string } {
  if (e instanceof TaskFailure) return { error: e.error, ...(e.errorCause !== undefined ? { cause: e.errorCause } : {}) };
  if (e instanceof Error) return { error: e.name || 'Error', cause: e.message };
  return { error: 'Error', cause: String(e) };
}
