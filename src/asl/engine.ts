// The interpreter as a step function (DESIGN "The engine"): step(machine, snapshot, input, env) runs
// every thread that can run, then returns the history events it produced and the commands (invoke a
// task, start a timer, ...) the runner must carry out. The snapshot is plain JSON data, so a runner can
// persist it after every step and resume after a crash. No I/O, no host clock, no host randomness.
import { isJsonObject, toJsonText, utf8Length, type JsonObject, type JsonValue } from './json.js';
import { ExpressionError, StatesError, StatesErrorName, type ErrorValue } from './errors.js';
import { errorMatches, type CompiledMachine, type CompiledState, type StateList } from './compile.js';
import { JsonPayload, LazyStateEvent, TRUNCATED_FALSE, type HistoryEvent } from './history.js';
import type { Scope } from './scope.js';
import { isoMillis, parseTimestamp } from './timestamp.js';
import { jsonTypeName } from './jsonata-eval.js';
import { checkTaskParameters } from './task-parameters.js';
import {
  ExecutionStatus, IntegrationPattern,
  type Command, type EngineInput, type ExecutionInfo, type Outcome, type StepEnv,
} from './engine-types.js';

/** Payload limit for inputs, outputs and results (FACTS §1.4). */
export const MAX_PAYLOAD_BYTES = 262_144;
/** History limit per execution (FACTS §1.4). */
export const MAX_HISTORY_EVENTS = 25_000;
/**
 * Variable limits (AWS "Passing data between states with variables", Limits): one variable and all the
 * variables one Assign sets are at most 256 KiB each; the variables stored in one execution at most 10 MiB.
 * Sizes are UTF-8 bytes of the values' JSON text (how AWS counts is unverified).
 */
export const MAX_VARIABLE_BYTES = 262_144;
export const MAX_ASSIGN_BYTES = 262_144;
export const MAX_EXECUTION_VARIABLE_BYTES = 10_485_760;

/**
 * Run-time variable errors. AWS documents the rules (inner scopes cannot assign outer variables; the size
 * limits) but no error text could be found: these are our wording [own], modelled on the recorded
 * `The state/task '<name>' returned a result with a size exceeding the maximum number of bytes service limit.`
 */
const VarMsg = {
  outerScopeVariable: (name: string): string =>
    `The variable '${name}' is defined in an outer scope and cannot be assigned in a Parallel branch or Map iteration.`,
  variableTooLarge: (state: string, name: string): string =>
    `The state/task '${state}' assigned the variable '${name}' with a size exceeding the maximum number of bytes service limit.`,
  assignTooLarge: (state: string): string =>
    `The state/task '${state}' assigned variables with a combined size exceeding the maximum number of bytes service limit.`,
  executionVariablesTooLarge: (state: string): string =>
    `The state/task '${state}' assigned variables that exceed the maximum total size of variables stored in an execution.`,
} as const;

type Stage = 'enter' | 'wait' | 'task' | 'retry' | 'fan' | 'fanDone' | 'done';

interface TaskRef {
  id: string;
  kind: 'lambda' | 'activity' | 'task';
  resourceType: string;
  resource: string;
  timeoutTimer?: string;
  heartbeatTimer?: string;
  token?: string;
  started: boolean;
}

interface Fan {
  kind: 'map' | 'parallel';
  inputs: JsonValue[];
  results: JsonValue[];
  next: number;
  running: number[];
  done: number;
  failures: number;
  maxConcurrency: number;
  toleratedCount: number | undefined;
  toleratedPercentage: number | undefined;
  failed?: ErrorValue;
  distributed?: boolean;
}

interface Thread {
  id: number;
  parent: number;
  kind: 'root' | 'branch' | 'iteration';
  index: number;
  list: number;
  state: string;
  stage: Stage;
  input: JsonValue;
  entered: number;
  /** previousEventId of the StateEntered event: EvaluationFailed points there too (recorded AWS behaviour) */
  enteredPrev?: number;
  enteredAt: number;
  last: number;
  started: boolean;
  retries: number[];
  /** this thread's variable scope (created on first assignment) */
  vars?: Record<string, JsonValue>;
  /** UTF-8 bytes of the values in `vars` */
  varBytes?: number;
  /** UTF-8 bytes of each value in `vars` (so a reassignment needs no second serialisation) */
  varSizes?: Record<string, number>;
  /**
   * On an execution's top scope (the root, or a distributed Map iteration, which runs as a child
   * execution): the bytes of every live variable of that execution.
   */
  executionVarBytes?: number;
  /** a distributed Map iteration: its scope has no parent (outer variables are not visible) */
  isolated?: boolean;
  task?: TaskRef;
  fan?: Fan;
  /** runs as a child execution of a distributed Map: its events are not part of this history */
  silent?: boolean;
  /** the Map/Parallel state has emitted its Started event (errors before it emit no …StateFailed) */
  fanStarted?: boolean;
  /** JSON text of `input` when already known (the previous state's output) */
  inputText?: string;
  /** JSON text of the current state's raw input, as recorded in its StateEntered event */
  enteredText?: string;
  /** a Wait state's output and assignments, computed at entry and applied when the timer fires */
  pending?: { output: JsonValue; assigned: Record<string, JsonValue> | null };
}

interface TimerRec {
  thread: number;
  purpose: 'wait' | 'retry' | 'taskTimeout' | 'heartbeat' | 'executionTimeout';
}

export interface Snapshot {
  version: 1;
  status: ExecutionStatus;
  info: ExecutionInfo;
  input: JsonValue;
  nextEventId: number;
  seq: number;
  /** live threads by id; a finished one is set to undefined (deleting keys would slow the object down) */
  threads: Record<string, Thread | undefined>;
  ready: number[];
  timers: Record<string, TimerRec>;
  tasks: Record<string, number>;
  outcome?: Outcome;
}

export interface StepResult {
  snapshot: Snapshot;
  events: HistoryEvent[];
  commands: Command[];
}

export function createSnapshot(info: ExecutionInfo, input: JsonValue): Snapshot {
  return {
    version: 1, status: ExecutionStatus.RUNNING, info, input,
    nextEventId: 1, seq: 0, threads: {}, ready: [], timers: {}, tasks: {},
  };
}

/** Runs one step. The snapshot is updated in place (the caller owns it) and returned. */
export async function step(machine: CompiledMachine, snapshot: Snapshot, input: EngineInput, env: StepEnv): Promise<StepResult> {
  const run = new Step(machine, snapshot, env);
  await run.apply(input);
  await run.drain();
  return { snapshot, events: run.events, commands: run.commands };
}

const ROOT = 0;

class Step {
  readonly events: HistoryEvent[] = [];
  readonly commands: Command[] = [];
  constructor(private readonly m: CompiledMachine, private readonly s: Snapshot, private readonly env: StepEnv) {}

  // ---------------------------------------------------------------- inputs

  async apply(input: EngineInput): Promise<void> {
    if (input.kind === 'redrive') return this.redrive();
    if (this.s.status !== ExecutionStatus.RUNNING) return;
    switch (input.kind) {
      case 'start': return this.start();
      case 'timerFired': return this.timerFired(input.timerId);
      case 'taskStarted': return this.taskStarted(input.taskId, input.workerName);
      case 'taskSubmitted': return this.taskSubmitted(input.taskId, input.output);
      case 'taskSucceeded': return this.taskSucceeded(input.taskId, input.output);
      case 'taskFailed': return this.taskFailed(input.taskId, { error: input.error, ...(input.cause !== undefined ? { cause: input.cause } : {}) });
      case 'taskHeartbeat': return this.taskHeartbeat(input.taskId);
      case 'stop': return this.stop(input.error, input.cause);
    }
  }

  /**
   * Redrive (AWS "Restarting state machine executions with redrive"): the execution runs again from
   * the top-level state it stopped in, with that state's input; ExecutionRedriven records the count.
   * stepgate re-runs a failed Map or Parallel state whole (AWS re-runs only its unsuccessful iterations).
   */
  private redrive(): void {
    const s = this.s;
    const root = s.threads[ROOT];
    if (s.status === ExecutionStatus.RUNNING || s.status === ExecutionStatus.SUCCEEDED || !root) return;
    s.status = ExecutionStatus.RUNNING;
    delete s.outcome;
    s.info.redriveCount++;
    s.info.redriveTime = this.env.now;
    s.threads = { [ROOT]: root };
    s.ready = [];
    s.timers = {};
    s.tasks = {};
    const ev = this.emit('ExecutionRedriven', s.nextEventId - 1, 'executionRedrivenEventDetails', { redriveCount: s.info.redriveCount });
    // Only the root's own variables survive: the discarded threads' no longer count.
    Object.assign(root, { stage: 'enter', last: ev, retries: [], executionVarBytes: root.varBytes ?? 0 });
    delete root.task;
    delete root.fan;
    delete root.pending;
    delete root.fanStarted;
    if (this.m.timeoutSeconds !== undefined) this.startTimer(ROOT, 'executionTimeout', this.env.now + this.m.timeoutSeconds * 1000);
    s.ready.push(ROOT);
  }

  private start(): void {
    const s = this.s;
    const inputText = this.payload(s.input);
    this.emit('ExecutionStarted', 0, 'executionStartedEventDetails', { input: inputText, inputDetails: TRUNCATED_FALSE, roleArn: s.info.roleArn });
    const root = this.newThread(-1, 'root', 0, this.m.root, s.input, 0);
    root.started = true;
    // The first state's Entered event points at 0, not at ExecutionStarted (FACTS §3.3).
    root.last = 0;
    if (this.m.timeoutSeconds !== undefined) this.startTimer(ROOT, 'executionTimeout', this.env.now + this.m.timeoutSeconds * 1000);
    if (this.overLimit(s.input, inputText)) {
      this.finish({ status: ExecutionStatus.FAILED, error: StatesErrorName.DataLimitExceeded, cause: 'The input exceeds the maximum number of bytes service limit.' }, 0);
      return;
    }
    this.s.ready.push(root.id);
  }

  private stop(error?: string, cause?: string): void {
    const details: Record<string, string> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    this.abortAll();
    this.finish({ status: ExecutionStatus.ABORTED, ...details }, 0, 'ExecutionAborted', details);
  }

  private async timerFired(timerId: string): Promise<void> {
    const rec = this.s.timers[timerId];
    if (!rec) return;
    delete this.s.timers[timerId];
    const t = this.s.threads[rec.thread];
    if (rec.purpose === 'executionTimeout') {
      this.abortAll();
      this.finish({ status: ExecutionStatus.TIMED_OUT }, this.lastEventOverall(), 'ExecutionTimedOut', {});
      return;
    }
    if (!t) return;
    const st = this.stateOf(t);
    if (rec.purpose === 'wait' && t.stage === 'wait') {
      await this.exitSimple(t, st, this.afterWait(t));
    } else if (rec.purpose === 'retry' && t.stage === 'retry') {
      t.stage = 'enter';
      await this.execute(t, st);
    } else if ((rec.purpose === 'taskTimeout' || rec.purpose === 'heartbeat') && t.stage === 'task' && t.task) {
      const task = t.task;
      this.commands.push({ kind: 'cancelTask', taskId: task.id });
      this.clearTaskTimers(task);
      delete this.s.tasks[task.id];
      const type = task.kind === 'lambda' ? 'LambdaFunctionTimedOut' : task.kind === 'activity' ? 'ActivityTimedOut' : 'TaskTimedOut';
      const details: Record<string, unknown> = task.kind === 'task' ? { resourceType: task.resourceType, resource: task.resource } : {};
      details.error = StatesErrorName.Timeout;
      t.last = this.emitT(t, type, t.last, detailsName(type), details);
      t.task = undefined;
      await this.handleError(t, st, { error: StatesErrorName.Timeout });
    }
  }

  private threadOfTask(taskId: string): Thread | undefined {
    const id = this.s.tasks[taskId];
    const t = id === undefined ? undefined : this.s.threads[id];
    return t && t.stage === 'task' && t.task?.id === taskId ? t : undefined;
  }

  private taskStarted(taskId: string, workerName?: string): void {
    const t = this.threadOfTask(taskId);
    if (!t || !t.task || t.task.started) return;
    t.task.started = true;
    if (t.task.kind === 'activity') {
      t.last = this.emitT(t, 'ActivityStarted', t.last, 'activityStartedEventDetails', workerName === undefined ? {} : { workerName });
    }
  }

  private taskSubmitted(taskId: string, output: JsonValue): void {
    const t = this.threadOfTask(taskId);
    if (!t || !t.task) return;
    t.last = this.emitT(t, 'TaskSubmitted', t.last, 'taskSubmittedEventDetails', { resourceType: t.task.resourceType, resource: t.task.resource, output: this.payload(output), outputDetails: TRUNCATED_FALSE });
  }

  private taskHeartbeat(taskId: string): void {
    const t = this.threadOfTask(taskId);
    if (!t || !t.task?.heartbeatTimer) return;
    const st = this.stateOf(t);
    const hb = st.raw.HeartbeatSeconds;
    delete this.s.timers[t.task.heartbeatTimer];
    this.commands.push({ kind: 'cancelTimer', timerId: t.task.heartbeatTimer });
    if (typeof hb === 'number') t.task.heartbeatTimer = this.startTimer(t.id, 'heartbeat', this.env.now + hb * 1000);
  }

  /** Detaches a finished task from its thread (timers cancelled); undefined when it is no longer awaited. */
  private takeTask(taskId: string): { t: Thread; task: TaskRef } | undefined {
    const t = this.threadOfTask(taskId);
    if (!t || !t.task) return undefined;
    const task = t.task;
    this.clearTaskTimers(task);
    delete this.s.tasks[taskId];
    t.task = undefined;
    return { t, task };
  }

  private async taskSucceeded(taskId: string, output: JsonValue): Promise<void> {
    const taken = this.takeTask(taskId);
    if (!taken) return;
    const { t, task } = taken;
    const st = this.stateOf(t);
    const text = this.payload(output);
    if (this.overLimit(output, text)) {
      const name = task.kind === 'lambda' ? st.raw.Resource : task.resourceType;
      const err = { error: StatesErrorName.DataLimitExceeded, cause: `The state/task '${String(name)}' returned a result with a size exceeding the maximum number of bytes service limit.` };
      this.emitTaskFailed(t, task, err);
      await this.handleError(t, st, err, true);
      return;
    }
    if (task.kind === 'lambda') t.last = this.emitT(t, 'LambdaFunctionSucceeded', t.last, 'lambdaFunctionSucceededEventDetails', { output: text, outputDetails: TRUNCATED_FALSE });
    else if (task.kind === 'activity') t.last = this.emitT(t, 'ActivitySucceeded', t.last, 'activitySucceededEventDetails', { output: text, outputDetails: TRUNCATED_FALSE });
    else t.last = this.emitT(t, 'TaskSucceeded', t.last, 'taskSucceededEventDetails', { resourceType: task.resourceType, resource: task.resource, output: text, outputDetails: TRUNCATED_FALSE });
    const g = this.guard(t, st, () => this.completeWithResult(t, st, output));
    if (g) await g;
  }

  private async taskFailed(taskId: string, err: ErrorValue): Promise<void> {
    const taken = this.takeTask(taskId);
    if (!taken) return;
    const { t, task } = taken;
    this.emitTaskFailed(t, task, err);
    await this.handleError(t, this.stateOf(t), err);
  }

  private emitTaskFailed(t: Thread, task: TaskRef, err: ErrorValue): void {
    const details: Record<string, unknown> = task.kind === 'task' ? { resourceType: task.resourceType, resource: task.resource } : {};
    if (err.error !== undefined) details.error = err.error;
    if (err.cause !== undefined) details.cause = err.cause;
    const type = task.kind === 'lambda' ? 'LambdaFunctionFailed' : task.kind === 'activity' ? 'ActivityFailed' : 'TaskFailed';
    t.last = this.emitT(t, type, t.last, detailsName(type), details);
  }

  private clearTaskTimers(task: TaskRef): void {
    for (const id of [task.timeoutTimer, task.heartbeatTimer]) {
      if (id && this.s.timers[id]) {
        delete this.s.timers[id];
        this.commands.push({ kind: 'cancelTimer', timerId: id });
      }
    }
  }

  // ---------------------------------------------------------------- scheduling

  async drain(): Promise<void> {
    const s = this.s;
    while (s.ready.length > 0 && s.status === ExecutionStatus.RUNNING) {
      const id = s.ready.shift() as number;
      const t = s.threads[id];
      if (!t || t.stage === 'done') continue;
      if (!t.started) {
        t.started = true;
        const parent = s.threads[t.parent];
        if (parent) t.last = parent.last;
        if (t.kind === 'iteration' && parent) {
          t.last = this.emitT(t, 'MapIterationStarted', t.last, 'mapIterationStartedEventDetails', { index: t.index, name: parent.state });
        }
      }
      if (t.stage === 'enter') {
        const r = this.enter(t);
        if (r) await r;
      } else if (t.stage === 'fanDone') await this.fanDone(t);
    }
  }

  private newThread(parent: number, kind: Thread['kind'], index: number, list: StateList, input: JsonValue, last: number): Thread {
    const id = parent < 0 ? ROOT : ++this.s.seq;
    const t: Thread = {
      id, parent, kind, index, list: list.id, state: list.startAt, stage: 'enter', input,
      entered: 0, enteredAt: 0, last, started: false, retries: [],
    };
    this.s.threads[id] = t;
    return t;
  }

  private stateOf(t: Thread): CompiledState {
    const list = this.m.lists[t.list] as StateList;
    const st = list.states.get(t.state);
    if (!st) throw new Error(`state ${t.state} not found`);
    return st;
  }

  private emit(type: string, previousEventId: number, detailsKey?: string, details?: unknown): number {
    const id = this.s.nextEventId++;
    const e: HistoryEvent = { timestamp: this.env.now, type, id, previousEventId };
    if (detailsKey !== undefined) e[detailsKey] = details;
    this.events.push(e);
    return id;
  }

  /** A payload field: JSON text, or a lazy JsonPayload when the runner asked for them. */
  private payload(v: JsonValue): string | JsonPayload {
    return this.env.lazyPayloads ? new JsonPayload(v) : toJsonText(v);
  }

  /** The 256 KiB check, from the text when there is one, otherwise from a cheap size bound. */
  private overLimit(v: JsonValue, text: string | JsonPayload | undefined): boolean {
    if (typeof text === 'string') return overPayloadLimit(text);
    return jsonSizeBound(v, MAX_PAYLOAD_BYTES) < 0 && overPayloadLimit(toJsonText(v));
  }

  /** A StateEntered/Exited event in lazy-payload mode (see LazyStateEvent). */
  private emitLazyState(t: Thread, type: string, name: string, payload: JsonValue, assigned: Record<string, string> | undefined): number {
    if (t.silent) return t.last;
    const id = this.s.nextEventId++;
    this.events.push(new LazyStateEvent(this.env.now, type, id, t.last, name, payload, assigned) as unknown as HistoryEvent);
    return id;
  }

  /** Thread-scoped event: threads of a distributed Map run as child executions and record nothing here. */
  private emitT(t: Thread, type: string, previousEventId: number, detailsKey?: string, details?: unknown): number {
    return t.silent ? previousEventId : this.emit(type, previousEventId, detailsKey, details);
  }

  private startTimer(thread: number, purpose: TimerRec['purpose'], dueAt: number): string {
    const timerId = `timer-${++this.s.seq}`;
    this.s.timers[timerId] = { thread, purpose };
    this.commands.push({ kind: 'startTimer', timerId, dueAt });
    return timerId;
  }

  // ---------------------------------------------------------------- scopes

  private scope(t: Thread, st: CompiledState, input: JsonValue, extra?: ScopeExtra): Scope {
    return new StateScope(this, t, st, input, extra);
  }

  /**
   * The enclosing scope: Parallel branches and inline Map iterations see their parent's variables; a
   * distributed Map iteration is a child execution and sees none (AWS "Passing data between states with
   * variables", Variable scope).
   */
  private outerScope(t: Thread): Thread | undefined {
    return t.isolated ? undefined : this.s.threads[t.parent];
  }

  /** Variable lookup through the thread's scope chain (Parallel branches / Map iterations read outer scopes). */
  lookupVar(t: Thread, name: string): JsonValue | undefined {
    for (let c: Thread | undefined = t; c; c = this.outerScope(c)) {
      if (c.vars && Object.prototype.hasOwnProperty.call(c.vars, name)) return c.vars[name];
    }
    return undefined;
  }

  visibleVars(t: Thread): Record<string, JsonValue> {
    const chain: Thread[] = [];
    for (let c: Thread | undefined = t; c; c = this.outerScope(c)) chain.unshift(c);
    return Object.assign({}, ...chain.map((c) => c.vars ?? {})) as Record<string, JsonValue>;
  }

  /** The thread holding the execution-wide variable total for t (the root or a distributed iteration). */
  private executionScope(t: Thread): Thread {
    let c = t;
    for (let p = this.outerScope(c); p; p = this.outerScope(c)) c = p;
    return c;
  }

  /**
   * Checks one state's assignments before any of them takes effect, and returns the new byte counts.
   * An inner scope may read, but not assign, a variable that an outer scope holds (AWS "Passing data
   * between states with variables", Variable scope; enforced when the state assigns, since AWS accepts
   * definitions that reuse a name across scopes [rec: states_vars/error_output/test_parallel_catch_error]).
   */
  private checkAssigned(t: Thread, st: CompiledState, assigned: Record<string, JsonValue>, texts: Record<string, string>): { own: number; execution: number; sizes: Record<string, number> } {
    for (let c = this.outerScope(t); c; c = this.outerScope(c)) {
      if (!c.vars) continue;
      for (const name of Object.keys(assigned)) {
        if (Object.prototype.hasOwnProperty.call(c.vars, name)) throw new StatesError(StatesErrorName.Runtime, VarMsg.outerScopeVariable(name));
      }
    }
    let total = 0;
    let replaced = 0;
    const sizes: Record<string, number> = {};
    for (const [name, text] of Object.entries(texts)) {
      const bytes = utf8Length(text);
      sizes[name] = bytes;
      if (bytes > MAX_VARIABLE_BYTES) throw new StatesError(StatesErrorName.DataLimitExceeded, VarMsg.variableTooLarge(st.name, name));
      total += bytes;
      if (t.vars && Object.prototype.hasOwnProperty.call(t.vars, name)) replaced += t.varSizes?.[name] ?? utf8Length(toJsonText(t.vars[name] as JsonValue));
    }
    if (total > MAX_ASSIGN_BYTES) throw new StatesError(StatesErrorName.DataLimitExceeded, VarMsg.assignTooLarge(st.name));
    const execution = (this.executionScope(t).executionVarBytes ?? 0) + total - replaced;
    if (execution > MAX_EXECUTION_VARIABLE_BYTES) throw new StatesError(StatesErrorName.DataLimitExceeded, VarMsg.executionVariablesTooLarge(st.name));
    return { own: (t.varBytes ?? 0) + total - replaced, execution, sizes };
  }

  get entropy(): StepEnv['entropy'] {
    return this.env.entropy;
  }

  contextObject(t: Thread, st: CompiledState, mapItem?: { index: number; value: JsonValue }, token?: string): JsonObject {
    const info = this.s.info;
    const execution: JsonObject = {
      Id: info.executionArn, Input: this.s.input, StartTime: isoMillis(info.startTime), Name: info.name, RoleArn: info.roleArn,
    };
    if (info.type === 'STANDARD') execution.RedriveCount = info.redriveCount;
    if (info.redriveTime !== undefined) execution.RedriveTime = isoMillis(info.redriveTime);
    const state: JsonObject = { Name: st.name, EnteredTime: isoMillis(t.enteredAt) };
    if (st.retry.length > 0) state.RetryCount = t.retries.reduce((a, b) => a + b, 0);
    const ctx: JsonObject = {
      Execution: execution,
      StateMachine: { Id: info.stateMachineArn, Name: info.stateMachineName },
      State: state,
    };
    if (token !== undefined) ctx.Task = { Token: token };
    if (mapItem) ctx.Map = { Item: { Index: mapItem.index, Value: mapItem.value } };
    return ctx;
  }

  // ---------------------------------------------------------------- states

  /** Enters t.state and runs it as far as it goes without waiting. */
  private enter(t: Thread): void | Promise<void> {
    // Runs successive states of this thread until it blocks or ends; synchronous until a state needs to await.
    while (t.stage === 'enter' && this.s.status === ExecutionStatus.RUNNING) {
      const st = this.stateOf(t);
      if (this.s.nextEventId > MAX_HISTORY_EVENTS) {
        this.finish({ status: ExecutionStatus.FAILED, error: StatesErrorName.Runtime, cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).` }, t.last);
        return;
      }
      if (t.retries.length > 0) t.retries = [];
      t.enteredAt = this.env.now;
      t.enteredPrev = t.last;
      // The previous state's output text is this state's input text: serialise each payload once.
      const inputText = t.inputText ?? (this.env.lazyPayloads ? undefined : toJsonText(t.input));
      t.inputText = undefined;
      t.enteredText = inputText;
      t.entered = inputText === undefined
        ? this.emitLazyState(t, `${st.type}StateEntered`, st.name, t.input, undefined)
        : this.emitT(t, `${st.type}StateEntered`, t.last, 'stateEnteredEventDetails', { name: st.name, input: inputText, inputDetails: TRUNCATED_FALSE });
      t.last = t.entered;
      const r = this.execute(t, st);
      if (r) return r.then(() => this.enter(t));
    }
  }

  /** Runs the state's work (again, on a retry). Synchronous for JSONPath states (the hot path). */
  private execute(t: Thread, st: CompiledState): void | Promise<void> {
    let r: void | Promise<void>;
    try {
      r = this.runState(t, st);
    } catch (e) {
      return this.stateError(t, st, e);
    }
    if (r) return r.then(undefined, (e: unknown) => this.stateError(t, st, e));
  }

  private runState(t: Thread, st: CompiledState): void | Promise<void> {
    switch (st.type) {
      case 'Pass': return this.runPass(t, st);
      case 'Choice': return this.runChoice(t, st);
      case 'Wait': return this.runWait(t, st);
      case 'Succeed': return this.runSucceed(t, st);
      case 'Fail': return this.runFail(t, st);
      case 'Task': return this.runTask(t, st);
      case 'Parallel': return this.runFan(t, st, 'parallel');
      case 'Map': return this.runFan(t, st, 'map');
      default: throw new StatesError(StatesErrorName.Runtime, `Unsupported state type ${st.type}`);
    }
  }

  /** Evaluation errors inside a state become that state's error, with AWS's cause prefix. */
  private guard(t: Thread, st: CompiledState, body: () => Promise<void> | void): void | Promise<void> {
    let r: void | Promise<void>;
    try {
      r = body();
    } catch (e) {
      return this.stateError(t, st, e);
    }
    if (r) return r.then(undefined, (e: unknown) => this.stateError(t, st, e));
  }

  private async stateError(t: Thread, st: CompiledState, e: unknown): Promise<void> {
    if (!(e instanceof StatesError)) throw e;
    const prefixed = e.error === StatesErrorName.Runtime || e.error === StatesErrorName.QueryEvaluationError || e.error === StatesErrorName.IntrinsicFailure || e.error === StatesErrorName.ResultPathMatchFailure;
    const cause = prefixed ? `An error occurred while executing the state '${st.name}' (entered at the event id #${t.entered}). ${e.cause ?? ''}` : e.cause;
    const err: ErrorValue = { error: e.error, ...(cause !== undefined ? { cause } : {}) };
    if (e.error === StatesErrorName.QueryEvaluationError) {
      const details: Record<string, unknown> = { error: err.error, cause: err.cause, state: st.name };
      if (e.location !== undefined) details.location = e.location;
      // Recorded AWS histories: EvaluationFailed points at the state's predecessor, except when a Wait's
      // evaluated Timestamp fails its format check, which points at WaitStateEntered.
      const afterEntered = st.type === 'Wait' && !(e instanceof ExpressionError);
      t.last = this.emitT(t, 'EvaluationFailed', afterEntered ? t.last : t.enteredPrev ?? t.last, 'evaluationFailedEventDetails', details);
    }
    await this.handleError(t, st, err);
  }

  private jsonata(st: CompiledState): boolean {
    return st.ql === 'JSONata';
  }

  private effectiveInput(t: Thread, st: CompiledState): JsonValue {
    if (st.inputPath === null) return {};
    if (st.inputPath === undefined) return t.input;
    return st.inputPath(this.scope(t, st, t.input));
  }

  private applyOutputPath(t: Thread, st: CompiledState, value: JsonValue): JsonValue {
    if (st.outputPath === null) return {};
    if (st.outputPath === undefined) return value;
    return st.outputPath(this.scope(t, st, value));
  }

  private runPass(t: Thread, st: CompiledState): void | Promise<void> {
    if (this.jsonata(st)) return this.runPassJsonata(t, st);
    const effective = this.effectiveInput(t, st);
    let result: JsonValue = st.parameters ? st.parameters(this.scope(t, st, effective)) : effective;
    // Payload values are never mutated inside the engine, so the literal Result can be shared.
    if (st.result !== undefined) result = st.result;
    const assigned = st.assign ? this.assignSync(st.assign, this.scope(t, st, result)) : undefined;
    const combined = st.resultPath ? st.resultPath(t.input, result) : result;
    this.exit(t, st, this.applyOutputPath(t, st, combined), assigned);
  }

  private async runPassJsonata(t: Thread, st: CompiledState): Promise<void> {
    const sc = this.scope(t, st, t.input);
    const [assigned, output] = await Promise.all([this.assign(st.assign, sc), st.output ? st.output(sc) : t.input]);
    this.exit(t, st, output, assigned);
  }

  private runChoice(t: Thread, st: CompiledState): void | Promise<void> {
    if (this.jsonata(st)) return this.runChoiceJsonata(t, st);
    const input = this.effectiveInput(t, st);
    const sc = this.scope(t, st, input);
    for (const c of st.choices) {
      if (c.rule(sc) === true) {
        const stateAssign = st.assign ? this.assignSync(st.assign, sc) : undefined;
        const ruleAssign = c.assign ? this.assignSync(c.assign, sc) : undefined;
        const assigned = stateAssign || ruleAssign ? { ...stateAssign, ...ruleAssign } : undefined;
        return this.exit(t, st, this.applyOutputPath(t, st, input), assigned, c.next);
      }
    }
    if (st.defaultNext === undefined) throw new StatesError(StatesErrorName.NoChoiceMatched, 'No Matches!');
    const assigned = st.assign ? this.assignSync(st.assign, sc) : undefined;
    return this.exit(t, st, this.applyOutputPath(t, st, input), assigned, st.defaultNext);
  }

  private async runChoiceJsonata(t: Thread, st: CompiledState): Promise<void> {
    const input = t.input;
    const sc = this.scope(t, st, input);
    for (const c of st.choices) {
      if (await c.rule(sc)) {
        const stateAssign = await this.assign(st.assign, sc);
        const ruleAssign = await this.assign(c.assign, sc);
        const assigned = stateAssign || ruleAssign ? { ...stateAssign, ...ruleAssign } : undefined;
        const output = c.output ? await c.output(sc) : st.output ? await st.output(sc) : input;
        return this.exit(t, st, output, assigned, c.next);
      }
    }
    if (st.defaultNext === undefined) throw new StatesError(StatesErrorName.NoChoiceMatched, 'No Matches!');
    const assigned = await this.assign(st.assign, sc);
    const output = st.output ? await st.output(sc) : input;
    return this.exit(t, st, output, assigned, st.defaultNext);
  }

  private async runWait(t: Thread, st: CompiledState): Promise<void> {
    const jsonata = this.jsonata(st);
    const input = jsonata ? t.input : this.effectiveInput(t, st);
    const sc = this.scope(t, st, input);
    let dueAt: number;
    const secondsField = st.fields.Seconds;
    const tsField = st.fields.Timestamp;
    if (secondsField) {
      const v = await secondsField.eval(sc);
      dueAt = this.env.now + waitSeconds(v, secondsField.kind, secondsField.path, jsonata) * 1000;
    } else if (tsField) {
      const v = await tsField.eval(sc);
      const inst = typeof v === 'string' ? parseTimestamp(v) : undefined;
      if (!inst) {
        if (jsonata) throw new StatesError(StatesErrorName.QueryEvaluationError, `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${typeof v === 'string' ? v : JSON.stringify(v)}`, 'Timestamp');
        throw new StatesError(StatesErrorName.Runtime, `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${tsField.path} == ${typeof v === 'string' ? v : JSON.stringify(v)}`);
      }
      dueAt = inst.ms;
    } else {
      dueAt = this.env.now;
    }
    const assigned = await this.assign(st.assign, sc);
    const output = jsonata ? (st.output ? await st.output(sc) : input) : this.applyOutputPath(t, st, input);
    // The wait's output is computed at entry (it sees the entry-time variables) and used at exit.
    t.stage = 'wait';
    t.pending = { output, assigned: assigned ?? null };
    this.startTimer(t.id, 'wait', Math.max(dueAt, this.env.now));
  }

  private afterWait(t: Thread): { output: JsonValue; assigned: Record<string, JsonValue> | undefined } {
    const p = t.pending;
    delete t.pending;
    return { output: p?.output ?? null, assigned: p?.assigned ?? undefined };
  }

  private async exitSimple(t: Thread, st: CompiledState, r: { output: JsonValue; assigned: Record<string, JsonValue> | undefined }): Promise<void> {
    t.stage = 'enter';
    const g = this.guard(t, st, () => this.exit(t, st, r.output, r.assigned));
    if (g) await g;
    if (t.stage === 'enter') await this.enter(t);
  }

  private runSucceed(t: Thread, st: CompiledState): void | Promise<void> {
    if (this.jsonata(st)) {
      const sc = this.scope(t, st, t.input);
      return st.output ? st.output(sc).then((o) => this.exit(t, st, o, undefined, undefined, true)) : this.exit(t, st, t.input, undefined, undefined, true);
    }
    const effective = this.effectiveInput(t, st);
    return this.exit(t, st, this.applyOutputPath(t, st, effective), undefined, undefined, true);
  }

  private async runFail(t: Thread, st: CompiledState): Promise<void> {
    const sc = this.scope(t, st, t.input);
    const err: ErrorValue = { error: undefined as unknown as string };
    const e = st.fields.Error;
    const c = st.fields.Cause;
    if (e) err.error = stringField(await e.eval(sc));
    if (c) err.cause = stringField(await c.eval(sc));
    await this.failThread(t, err);
  }

  // ---------------------------------------------------------------- Task

  private async runTask(t: Thread, st: CompiledState): Promise<void> {
    const jsonata = this.jsonata(st);
    const resource = String(st.raw.Resource);
    const pattern = resource.endsWith('.waitForTaskToken') ? IntegrationPattern.WAIT_FOR_TASK_TOKEN
      : resource.endsWith('.sync:2') ? IntegrationPattern.SYNC2
        : resource.endsWith('.sync') ? IntegrationPattern.SYNC : IntegrationPattern.REQUEST_RESPONSE;
    const isActivity = /^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource);
    const isLambda = /^arn:[^:]+:lambda:/.test(resource);
    const token = pattern === IntegrationPattern.WAIT_FOR_TASK_TOKEN || isActivity ? this.env.entropy.uuid() + this.env.entropy.uuid().replace(/-/g, '') : undefined;
    const sc = this.scope(t, st, t.input, token !== undefined ? { token } : undefined);
    let parameters: JsonValue;
    if (jsonata) {
      parameters = st.arguments ? await st.arguments(sc) : t.input;
    } else {
      const effective = this.effectiveInput(t, st);
      parameters = st.parameters ? st.parameters(this.scope(t, st, effective, token !== undefined ? { token } : undefined)) : effective;
    }
    const timeout = st.fields.TimeoutSeconds ? await st.fields.TimeoutSeconds.eval(sc) : undefined;
    const heartbeat = st.fields.HeartbeatSeconds ? await st.fields.HeartbeatSeconds.eval(sc) : undefined;
    const timeoutSeconds = typeof timeout === 'number' ? timeout : undefined;
    const heartbeatSeconds = typeof heartbeat === 'number' ? heartbeat : undefined;
    let roleArn: string | undefined;
    if (st.fields.Credentials) {
      const cred = await st.fields.Credentials.eval(sc);
      if (isJsonObject(cred) && typeof cred.RoleArn === 'string') roleArn = cred.RoleArn;
    }
    checkTaskParameters(resource, parameters);
    const { resourceType, resourceName } = splitResource(resource);
    const taskId = `task-${++this.s.seq}`;
    const task: TaskRef = { id: taskId, kind: isLambda ? 'lambda' : isActivity ? 'activity' : 'task', resourceType, resource: resourceName, started: false };
    if (token !== undefined) task.token = token;
    const paramsText = this.payload(parameters);
    if (task.kind === 'lambda') {
      const d: Record<string, unknown> = { resource, input: paramsText, inputDetails: TRUNCATED_FALSE };
      if (timeoutSeconds !== undefined) d.timeoutInSeconds = timeoutSeconds;
      if (roleArn !== undefined) d.taskCredentials = { roleArn };
      t.last = this.emitT(t, 'LambdaFunctionScheduled', t.last, 'lambdaFunctionScheduledEventDetails', d);
      t.last = this.emitT(t, 'LambdaFunctionStarted', t.last);
      task.started = true;
    } else if (task.kind === 'activity') {
      const d: Record<string, unknown> = { resource, input: paramsText, inputDetails: TRUNCATED_FALSE };
      if (timeoutSeconds !== undefined) d.timeoutInSeconds = timeoutSeconds;
      if (heartbeatSeconds !== undefined) d.heartbeatInSeconds = heartbeatSeconds;
      t.last = this.emitT(t, 'ActivityScheduled', t.last, 'activityScheduledEventDetails', d);
    } else {
      const d: Record<string, unknown> = { resourceType, resource: resourceName, region: this.s.info.region, parameters: paramsText };
      if (timeoutSeconds !== undefined) d.timeoutInSeconds = timeoutSeconds;
      if (heartbeatSeconds !== undefined) d.heartbeatInSeconds = heartbeatSeconds;
      if (roleArn !== undefined) d.taskCredentials = { roleArn };
      t.last = this.emitT(t, 'TaskScheduled', t.last, 'taskScheduledEventDetails', d);
      t.last = this.emitT(t, 'TaskStarted', t.last, 'taskStartedEventDetails', { resourceType, resource: resourceName });
      task.started = true;
    }
    t.stage = 'task';
    t.task = task;
    this.s.tasks[taskId] = t.id;
    if (timeoutSeconds !== undefined) task.timeoutTimer = this.startTimer(t.id, 'taskTimeout', this.env.now + timeoutSeconds * 1000);
    if (heartbeatSeconds !== undefined) task.heartbeatTimer = this.startTimer(t.id, 'heartbeat', this.env.now + heartbeatSeconds * 1000);
    this.commands.push({
      kind: 'invokeTask', taskId, stateName: st.name, resource, parameters, pattern,
      ...(token !== undefined ? { taskToken: token } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
      ...(roleArn !== undefined ? { roleArn } : {}),
    });
  }

  /** Task / Parallel / Map result → ResultSelector → ResultPath → OutputPath (or JSONata Output), Assign, exit. */
  private async completeWithResult(t: Thread, st: CompiledState, result: JsonValue): Promise<void> {
    t.stage = 'enter';
    if (this.jsonata(st)) {
      const sc = this.scope(t, st, t.input, { result });
      const [assigned, output] = await Promise.all([this.assign(st.assign, sc), st.output ? st.output(sc) : result]);
      this.exit(t, st, output, assigned);
    } else {
      const selected = st.resultSelector ? st.resultSelector(this.scope(t, st, result)) : result;
      const assigned = await this.assign(st.assign, this.scope(t, st, selected));
      const combined = st.resultPath ? st.resultPath(t.input, selected) : selected;
      this.exit(t, st, this.applyOutputPath(t, st, combined), assigned);
    }
    if (t.stage === 'enter') await this.enter(t);
  }

  // ---------------------------------------------------------------- Parallel and Map

  private async runFan(t: Thread, st: CompiledState, kind: 'map' | 'parallel'): Promise<void> {
    const jsonata = this.jsonata(st);
    let inputs: JsonValue[];
    let maxConcurrency = 0;
    let toleratedCount: number | undefined;
    let toleratedPercentage: number | undefined;
    if (kind === 'parallel') {
      let effective: JsonValue;
      if (jsonata) effective = st.arguments ? await st.arguments(this.scope(t, st, t.input)) : t.input;
      else {
        effective = this.effectiveInput(t, st);
        if (st.parameters) effective = st.parameters(this.scope(t, st, effective));
      }
      inputs = st.branches.map(() => effective);
    } else {
      const base = jsonata ? t.input : this.effectiveInput(t, st);
      const sc = this.scope(t, st, base);
      maxConcurrency = await this.intField(st, 'MaxConcurrency', sc, 0);
      if (jsonata) t.fanStarted = true;
      let items: JsonValue;
      if (jsonata) {
        const f = st.fields.Items;
        items = f ? await f.eval(sc) : base;
        if (!Array.isArray(items)) {
          if (f && f.kind === 'jsonata') {
            const text = String(st.raw.Items).slice(2, -2).trim();
            throw new StatesError(StatesErrorName.QueryEvaluationError,
              `The JSONata expression '${text}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${jsonTypeName(items)}' for value: ${JSON.stringify(items)}`, 'Items');
          }
          throw new StatesError(StatesErrorName.QueryEvaluationError, `Map state input must be an array but was: ${JSON.stringify(items)}`);
        }
      } else {
        const f = st.fields.ItemsPath;
        items = f ? await f.eval(sc) : base;
        if (!Array.isArray(items)) {
          throw new StatesError(StatesErrorName.Runtime, `Map state input must be an array but was: ${JSON.stringify(items)}`);
        }
      }
      // Inline Maps read their tolerated-failure fields before MapStateStarted, distributed ones after it.
      if (!isDistributed(st)) ({ toleratedCount, toleratedPercentage } = await this.toleratedFailures(st, sc));
      const selector = st.fields.ItemSelector;
      let prepared: JsonValue[];
      if (selector) {
        prepared = [];
        for (let i = 0; i < items.length; i++) {
          const isc = this.scope(t, st, base, { mapItem: { index: i, value: items[i] as JsonValue } });
          prepared.push(await selector.eval(isc));
        }
      } else prepared = items;
      inputs = await this.batch(st, sc, prepared);
    }
    if (kind === 'parallel') {
      t.last = this.emitT(t, 'ParallelStateStarted', t.last);
    } else {
      t.last = this.emitT(t, 'MapStateStarted', t.last, 'mapStateStartedEventDetails', { length: inputs.length });
    }
    const distributed = kind === 'map' && isDistributed(st);
    if (distributed) {
      // Distributed mode: iterations run as child executions of a Map Run; the parent history only shows
      // MapRunStarted / MapRunSucceeded|Failed (FACTS §2.11). Tolerated-failure fields are read after
      // MapStateStarted, so their errors surface after it.
      const sc = this.scope(t, st, this.jsonata(st) ? t.input : this.effectiveInput(t, st));
      ({ toleratedCount, toleratedPercentage } = await this.toleratedFailures(st, sc));
      const info = this.s.info;
      const label = typeof st.raw.Label === 'string' ? st.raw.Label : st.name;
      const mapRunArn = `arn:aws:states:${info.region}:${info.accountId}:mapRun:${info.stateMachineName}/${label}:${this.env.entropy.uuid()}`;
      t.last = this.emitT(t, 'MapRunStarted', t.last, 'mapRunStartedEventDetails', { mapRunArn });
    }
    // From here a failure of the state is reported with MapStateFailed / ParallelStateFailed.
    t.fanStarted = true;
    t.stage = 'fan';
    t.fan = {
      kind, inputs, results: new Array<JsonValue>(inputs.length).fill(null), next: 0, running: [], done: 0, failures: 0,
      maxConcurrency: kind === 'parallel' ? 0 : maxConcurrency, toleratedCount, toleratedPercentage,
      ...(distributed ? { distributed: true } : {}),
    };
    if (inputs.length === 0) {
      t.stage = 'fanDone';
      this.s.ready.unshift(t.id);
      return;
    }
    this.spawnChildren(t, st);
  }

  private async batch(st: CompiledState, sc: Scope, items: JsonValue[]): Promise<JsonValue[]> {
    const maxItems = st.fields.MaxItemsPerBatch ? Number(await st.fields.MaxItemsPerBatch.eval(sc)) : undefined;
    const maxBytes = st.fields.MaxInputBytesPerBatch ? Number(await st.fields.MaxInputBytesPerBatch.eval(sc)) : undefined;
    if (!isJsonObject(st.raw.ItemBatcher)) return items;
    const batchInput = st.fields.BatchInput ? await st.fields.BatchInput.eval(sc) : undefined;
    const out: JsonValue[] = [];
    let cur: JsonValue[] = [];
    let bytes = 0;
    const flush = (): void => {
      if (cur.length === 0) return;
      const b: JsonObject = {};
      if (batchInput !== undefined) b.BatchInput = batchInput;
      b.Items = cur;
      out.push(b);
      cur = [];
      bytes = 0;
    };
    for (const it of items) {
      const size = utf8Length(toJsonText(it));
      if ((maxItems !== undefined && cur.length >= maxItems) || (maxBytes !== undefined && cur.length > 0 && bytes + size > maxBytes)) flush();
      cur.push(it);
      bytes += size;
    }
    flush();
    return out;
  }

  /** ToleratedFailureCount(Path) and ToleratedFailurePercentage(Path), with AWS's range errors. */
  private async toleratedFailures(st: CompiledState, sc: Scope): Promise<{ toleratedCount: number | undefined; toleratedPercentage: number | undefined }> {
    const toleratedCount = st.fields.ToleratedFailureCount ? await this.intField(st, 'ToleratedFailureCount', sc, 0) : undefined;
    if (toleratedCount !== undefined && toleratedCount < 0) throw new StatesError(StatesErrorName.Runtime, 'ToleratedFailureCount cannot be negative.');
    const toleratedPercentage = st.fields.ToleratedFailurePercentage ? await this.floatField(st, 'ToleratedFailurePercentage', sc) : undefined;
    if (toleratedPercentage !== undefined && (toleratedPercentage < 0 || toleratedPercentage > 100)) {
      throw new StatesError(StatesErrorName.Runtime, 'ToleratedFailurePercentage must be between 0 and 100.');
    }
    return { toleratedCount, toleratedPercentage };
  }

  private async intField(st: CompiledState, name: string, sc: Scope, dflt: number): Promise<number> {
    const f = st.fields[name];
    if (!f) return dflt;
    const v = await f.eval(sc);
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    // A *Path value may be an integer written as a string ("1"), as Jackson's asInt would read it.
    if (f.kind === 'path' && typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    if (f.kind === 'path') {
      throw new StatesError(StatesErrorName.Runtime, `The ${name}Path field refers to value "${typeof v === 'string' ? v : JSON.stringify(v)}" which is not a valid integer: ${f.path}`);
    }
    if (typeof v === 'number') return Math.trunc(v);
    throw new StatesError(StatesErrorName.QueryEvaluationError, `The ${name} field must be an integer but was: ${JSON.stringify(v)}`);
  }

  private async floatField(st: CompiledState, name: string, sc: Scope): Promise<number> {
    const f = st.fields[name] as NonNullable<CompiledState['fields'][string]>;
    const v = await f.eval(sc);
    if (typeof v === 'number') return v;
    if (f.kind === 'path' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    if (f.kind === 'path') {
      throw new StatesError(StatesErrorName.Runtime, `The ${name}Path field refers to value "${typeof v === 'string' ? v : JSON.stringify(v)}" which is not a valid float: ${f.path}`);
    }
    throw new StatesError(StatesErrorName.QueryEvaluationError, `The ${name} field must be a number but was: ${JSON.stringify(v)}`);
  }

  private spawnChildren(t: Thread, st: CompiledState): void {
    const fan = t.fan as Fan;
    const limit = fan.maxConcurrency > 0 ? fan.maxConcurrency : Infinity;
    while (fan.next < fan.inputs.length && fan.running.length < limit) {
      const i = fan.next++;
      const list = fan.kind === 'parallel' ? st.branches[i] as StateList : st.processor as StateList;
      const child = this.newThread(t.id, fan.kind === 'parallel' ? 'branch' : 'iteration', i, list, fan.inputs[i] as JsonValue, t.last);
      if (fan.distributed || t.silent) child.silent = true;
      if (fan.distributed) child.isolated = true;
      fan.running.push(child.id);
      this.s.ready.push(child.id);
    }
  }

  private childEnded(child: Thread, output: JsonValue | undefined, err: ErrorValue | undefined): void {
    const t = this.s.threads[child.parent];
    if (!t || !t.fan || t.stage !== 'fan') return;
    const fan = t.fan;
    const st = this.stateOf(t);
    const at = fan.running.indexOf(child.id);
    if (at >= 0) fan.running.splice(at, 1);
    this.dropThread(child.id);
    if (!fan.distributed) t.last = child.last;
    let iterationEvent = 0;
    if (fan.kind === 'map' && !child.silent) {
      iterationEvent = this.emit(err ? 'MapIterationFailed' : 'MapIterationSucceeded', child.last,
        err ? 'mapIterationFailedEventDetails' : 'mapIterationSucceededEventDetails', { index: child.index, name: t.state });
    }
    fan.done++;
    // The last MapIterationSucceeded is what MapStateSucceeded/Exited point at; earlier ones chain nothing.
    if (!err && iterationEvent && fan.done === fan.inputs.length) t.last = iterationEvent;
    if (err) {
      fan.failures++;
      if (!this.tolerated(fan)) {
        fan.failed = err;
        this.abortChildren(t);
        t.stage = 'fanDone';
        this.s.ready.unshift(t.id);
        return;
      }
      fan.results[child.index] = null;
    } else {
      fan.results[child.index] = output ?? null;
    }
    if (fan.done === fan.inputs.length) {
      t.stage = 'fanDone';
      this.s.ready.unshift(t.id);
      return;
    }
    this.spawnChildren(t, st);
  }

  private tolerated(fan: Fan): boolean {
    if (fan.kind !== 'map') return false;
    if (fan.toleratedCount === undefined && fan.toleratedPercentage === undefined) return false;
    if (fan.toleratedCount !== undefined && fan.failures <= fan.toleratedCount) return true;
    if (fan.toleratedPercentage !== undefined && (fan.failures / fan.inputs.length) * 100 <= fan.toleratedPercentage) return true;
    return false;
  }

  private async fanDone(t: Thread): Promise<void> {
    const fan = t.fan as Fan;
    const st = this.stateOf(t);
    t.fan = undefined;
    if (fan.failed) {
      const tolerance = fan.toleratedCount !== undefined || fan.toleratedPercentage !== undefined;
      const err = tolerance || fan.distributed
        ? { error: StatesErrorName.ExceedToleratedFailureThreshold, cause: 'The specified tolerated failure threshold was exceeded' }
        : fan.failed;
      if (fan.distributed) t.last = this.emitT(t, 'MapRunFailed', t.last, 'mapRunFailedEventDetails', { error: err.error, cause: err.cause });
      await this.handleError(t, st, err);
      return;
    }
    // Recorded since Nov 2024: MapRunSucceeded → MapStateSucceeded chain, while MapStateExited points back at
    // MapRunStarted (earlier recordings pointed it at MapRunSucceeded).
    const closing = fan.distributed ? this.emitT(t, 'MapRunSucceeded', t.last) : t.last;
    this.emitT(t, fan.kind === 'map' ? 'MapStateSucceeded' : 'ParallelStateSucceeded', closing);
    const g = this.guard(t, st, () => this.completeWithResult(t, st, fan.results));
    if (g) await g;
  }

  /** Stops every running descendant of t (a failing branch or iteration aborts its siblings). */
  private abortChildren(t: Thread): void {
    const fan = t.fan;
    if (!fan) return;
    for (const id of fan.running) {
      const c = this.s.threads[id];
      if (!c) continue;
      this.abortThread(c);
      if (fan.kind === 'map' && c.started) {
        this.emit('MapIterationAborted', c.last, 'mapIterationAbortedEventDetails', { index: c.index, name: t.state });
      }
      this.dropThread(id);
    }
    fan.running = [];
  }

  private abortThread(c: Thread): void {
    if (c.fan) this.abortChildren(c);
    if (c.task) {
      this.commands.push({ kind: 'cancelTask', taskId: c.task.id });
      this.clearTaskTimers(c.task);
      delete this.s.tasks[c.task.id];
    }
    for (const [id, rec] of Object.entries(this.s.timers)) {
      if (rec.thread === c.id) {
        delete this.s.timers[id];
        this.commands.push({ kind: 'cancelTimer', timerId: id });
      }
    }
    c.stage = 'done';
  }

  /** Forgets a thread (its variables go out of scope); drain() skips ids of forgotten threads still in the ready queue. */
  private dropThread(id: number): void {
    const t = this.s.threads[id];
    if (t?.varBytes && !t.isolated) {
      const top = this.executionScope(t);
      if (top !== t) top.executionVarBytes = (top.executionVarBytes ?? 0) - t.varBytes;
    }
    this.s.threads[id] = undefined;
  }

  private abortAll(): void {
    for (const t of Object.values(this.s.threads)) {
      if (!t) continue;
      if (t.task) {
        this.commands.push({ kind: 'cancelTask', taskId: t.task.id });
      }
    }
    for (const id of Object.keys(this.s.timers)) this.commands.push({ kind: 'cancelTimer', timerId: id });
    this.s.timers = {};
    this.s.tasks = {};
  }

  private lastEventOverall(): number {
    return this.s.nextEventId - 1;
  }

  // ---------------------------------------------------------------- exits, errors

  private async assign(a: CompiledState['assign'], sc: Scope): Promise<Record<string, JsonValue> | undefined> {
    if (!a) return undefined;
    return a(sc);
  }

  /** JSONPath Assign blocks evaluate synchronously. */
  private assignSync(a: NonNullable<CompiledState['assign']>, sc: Scope): Record<string, JsonValue> {
    const v = a(sc);
    if (v instanceof Promise) throw new Error('JSONata Assign evaluated on the synchronous path');
    return v;
  }

  /** Emits `<Type>StateExited`, applies assigned variables, and moves to the next state (or ends the thread). */
  private exit(t: Thread, st: CompiledState, output: JsonValue, assigned: Record<string, JsonValue> | undefined, next?: string, terminal = false): void {
    // Choice/Wait/Succeed often pass their input through unchanged: reuse its text.
    let text: string | undefined = output === t.input ? t.enteredText : undefined;
    t.enteredText = undefined;
    if (text === undefined && !this.env.lazyPayloads) text = toJsonText(output);
    // An unchanged input was already checked when the previous state produced it.
    if (output !== t.input && this.overLimit(output, text)) {
      throw new StatesError(StatesErrorName.DataLimitExceeded, `The state/task '${st.name}' returned a result with a size exceeding the maximum number of bytes service limit.`);
    }
    let av: Record<string, string> | undefined;
    if (assigned && Object.keys(assigned).length > 0) {
      av = {};
      for (const [k, v] of Object.entries(assigned)) av[k] = toJsonText(v);
      const bytes = this.checkAssigned(t, st, assigned, av);
      const vars = (t.vars ??= {});
      const sizes = (t.varSizes ??= {});
      for (const [k, v] of Object.entries(assigned)) { vars[k] = v; sizes[k] = bytes.sizes[k] as number; }
      t.varBytes = bytes.own;
      this.executionScope(t).executionVarBytes = bytes.execution;
    }
    if (text === undefined) {
      t.last = this.emitLazyState(t, `${st.type}StateExited`, st.name, output, av);
    } else {
      const details: Record<string, unknown> = { name: st.name, output: text, outputDetails: TRUNCATED_FALSE };
      if (av) {
        details.assignedVariables = av;
        details.assignedVariablesDetails = TRUNCATED_FALSE;
      }
      t.last = this.emitT(t, `${st.type}StateExited`, t.last, 'stateExitedEventDetails', details);
    }
    // A catcher's Next wins over the state's own End (Catch on an End state).
    const target = next ?? (st.end ? undefined : st.next);
    if (terminal || target === undefined) {
      this.endThread(t, output);
      return;
    }
    t.state = target;
    t.input = output;
    t.inputText = t.silent ? undefined : text;
    t.stage = 'enter';
  }

  private endThread(t: Thread, output: JsonValue): void {
    t.stage = 'done';
    if (t.id === ROOT) {
      this.finish({ status: ExecutionStatus.SUCCEEDED, output }, t.last, 'ExecutionSucceeded', {
        output: this.payload(output), outputDetails: TRUNCATED_FALSE,
      });
      return;
    }
    this.childEnded(t, output, undefined);
  }

  private async failThread(t: Thread, err: ErrorValue): Promise<void> {
    t.stage = 'done';
    if (t.id === ROOT) {
      const details: Record<string, string> = {};
      if (err.error !== undefined) details.error = err.error;
      if (err.cause !== undefined) details.cause = err.cause;
      this.abortAll();
      this.finish({ status: ExecutionStatus.FAILED, ...details }, t.last, 'ExecutionFailed', details);
      return;
    }
    this.childEnded(t, undefined, err);
  }

  /** Retry, then Catch, then fail the thread (FACTS §2.9). */
  private async handleError(t: Thread, st: CompiledState, err: ErrorValue, oversizedResult = false): Promise<void> {
    const name = err.error ?? '';
    // An oversized task result is an ordinary task error that States.ALL catches [rec:
    // errors/states_errors/test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response];
    // oversized state input/output stays terminal.
    const fatal = name === StatesErrorName.Runtime || (name === StatesErrorName.DataLimitExceeded && !oversizedResult);
    const matches = (errorEquals: readonly string[]): boolean => errorMatches(errorEquals, name)
      || (oversizedResult && errorEquals.includes(StatesErrorName.ALL));
    if (!fatal) {
      for (let i = 0; i < st.retry.length; i++) {
        const r = st.retry[i] as CompiledState['retry'][number];
        if (!matches(r.errorEquals)) continue;
        const count = t.retries[i] ?? 0;
        if (count < r.maxAttempts) {
          t.retries[i] = count + 1;
          let delay = r.intervalSeconds * Math.pow(r.backoffRate, count);
          if (r.maxDelaySeconds !== undefined) delay = Math.min(delay, r.maxDelaySeconds);
          if (r.jitter === 'FULL') delay = this.env.entropy.random() * delay;
          t.stage = 'retry';
          this.startTimer(t.id, 'retry', this.env.now + delay * 1000);
          return;
        }
        break;
      }
    }
    if ((st.type === 'Map' || st.type === 'Parallel') && t.fanStarted) {
      t.last = this.emitT(t, st.type === 'Map' ? 'MapStateFailed' : 'ParallelStateFailed', t.last);
    }
    t.fanStarted = false;
    if (!fatal) {
      for (const c of st.catch) {
        if (!matches(c.errorEquals)) continue;
        const errorOutput: JsonObject = { Error: name };
        if (err.cause !== undefined) errorOutput.Cause = err.cause;
        t.stage = 'enter';
        const g = this.guard(t, st, async () => {
          let output: JsonValue;
          let assigned: Record<string, JsonValue> | undefined;
          if (this.jsonata(st)) {
            const sc = this.scope(t, st, t.input, { errorOutput });
            [assigned, output] = await Promise.all([this.assign(c.assign, sc), c.output ? c.output(sc) : errorOutput]);
          } else {
            assigned = await this.assign(c.assign, this.scope(t, st, errorOutput));
            output = c.resultPath ? c.resultPath(t.input, errorOutput) : errorOutput;
          }
          this.exit(t, st, output, assigned, c.next);
        });
        if (g) await g;
        if (t.stage === 'enter' && !this.s.ready.includes(t.id)) await this.enter(t);
        return;
      }
    }
    await this.failThread(t, err);
  }

  private finish(outcome: Outcome, prev: number, type?: string, details?: Record<string, unknown>): void {
    if (this.s.status !== ExecutionStatus.RUNNING) return;
    if (type) this.emit(type, prev, detailsName(type), details ?? {});
    else this.emit('ExecutionFailed', prev, 'executionFailedEventDetails', { error: outcome.error, cause: outcome.cause });
    this.s.status = outcome.status;
    this.s.outcome = outcome;
    this.s.ready = [];
  }
}

interface ScopeExtra {
  result?: JsonValue;
  errorOutput?: JsonValue;
  mapItem?: { index: number; value: JsonValue };
  token?: string;
}

/** What expressions in one state see; the context object is built only when asked for. */
class StateScope implements Scope {
  result?: JsonValue;
  errorOutput?: JsonValue;
  private ctx: JsonObject | undefined;
  constructor(private readonly run: Step, private readonly t: Thread, private readonly st: CompiledState, readonly input: JsonValue, private readonly extra?: ScopeExtra) {
    if (extra?.result !== undefined) this.result = extra.result;
    if (extra?.errorOutput !== undefined) this.errorOutput = extra.errorOutput;
  }
  get entropy(): StepEnv['entropy'] { return this.run.entropy; }
  get stateName(): string { return this.st.name; }
  context(): JsonObject {
    if (!this.ctx) this.ctx = this.run.contextObject(this.t, this.st, this.extra?.mapItem, this.extra?.token);
    return this.ctx;
  }
  lookupVar(name: string): JsonValue | undefined { return this.run.lookupVar(this.t, name); }
  visibleVars(): Record<string, JsonValue> { return this.run.visibleVars(this.t); }
}

function isDistributed(st: CompiledState): boolean {
  const proc = isJsonObject(st.raw.ItemProcessor) ? st.raw.ItemProcessor : isJsonObject(st.raw.Iterator) ? st.raw.Iterator : undefined;
  return isJsonObject(proc?.ProcessorConfig) && proc.ProcessorConfig.Mode === 'DISTRIBUTED';
}

function detailsName(type: string): string {
  return type.charAt(0).toLowerCase() + type.slice(1) + 'EventDetails';
}

/** `arn:aws:states:::lambda:invoke` → lambda / invoke; `…:::aws-sdk:s3:getObject` → aws-sdk:s3 / getObject. */
export function splitResource(resource: string): { resourceType: string; resourceName: string } {
  const m = /^arn:[^:]+:states:[^:]*:[^:]*:(.+)$/.exec(resource);
  if (m) {
    const rest = m[1] as string;
    const i = rest.lastIndexOf(':');
    // `.sync:2` ends in a colon-number that belongs to the resource name.
    const j = /:\d+$/.test(rest) ? rest.lastIndexOf(':', i - 1) : i;
    if (j > 0) return { resourceType: rest.slice(0, j), resourceName: rest.slice(j + 1) };
  }
  const parts = resource.split(':');
  return { resourceType: parts[2] ?? resource, resourceName: parts.slice(5).join(':') || resource };
}

/** Each UTF-16 unit is at most 3 UTF-8 bytes, so short texts need no byte count. */
function overPayloadLimit(text: string): boolean {
  return text.length * 3 > MAX_PAYLOAD_BYTES && utf8Length(text) > MAX_PAYLOAD_BYTES;
}

/**
 * Subtracts an upper bound of v's serialised UTF-8 size from budget (6 bytes per string unit covers
 * `\uXXXX` escapes and 3-byte characters); stops early once below zero.
 */
function jsonSizeBound(v: unknown, budget: number): number {
  if (typeof v === 'string') return budget - 6 * v.length - 2;
  if (v === null || typeof v !== 'object') return budget - 25;
  budget -= 2;
  if (Array.isArray(v)) {
    for (const x of v) {
      budget = jsonSizeBound(x, budget - 1);
      if (budget < 0) return budget;
    }
    return budget;
  }
  for (const k in v) {
    budget = jsonSizeBound((v as Record<string, unknown>)[k], budget - 6 * k.length - 4);
    if (budget < 0) return budget;
  }
  return budget;
}

function stringField(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function waitSeconds(v: JsonValue, kind: string, path: string | undefined, jsonata: boolean): number {
  if (kind === 'path') {
    if (v === undefined) throw new StatesError(StatesErrorName.Runtime, `The SecondsPath parameter does not reference an input value: ${path}`);
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new StatesError(StatesErrorName.Runtime, `The SecondsPath parameter cannot be parsed as a long value: ${path} == ${JSON.stringify(v)}`);
    }
    if (v < 0) throw new StatesError(StatesErrorName.Runtime, `The SecondsPath parameter references a negative value: ${path} == ${v}`);
    return v;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new StatesError(jsonata ? StatesErrorName.QueryEvaluationError : StatesErrorName.Runtime, `The Seconds field must be an integer but was: ${JSON.stringify(v)}`);
  }
  if (v < 0) throw new StatesError(jsonata ? StatesErrorName.QueryEvaluationError : StatesErrorName.Runtime, `The Seconds field references a negative value: ${v}`);
  return v;
}
