// The durable runner: drives the pure engine step by step for every running execution. Each
// execution processes one input at a time; after every step the snapshot, the new history events,
// timers and pending tasks are written in one store transaction, and only then are the step's
// commands carried out. On start-up, running executions are reloaded and their timers re-armed, so a
// crash loses nothing and runs nothing twice. Wait and retry delays are multiplied by the
// execution's time-scale (virtual time: the execution clock jumps to the timer's due time).
import { randomUUID } from 'node:crypto';
import { compileMachine, type CompiledMachine } from '../asl/compile.js';
import { createSnapshot, step, type Snapshot } from '../asl/engine.js';
import { ExecutionStatus, IntegrationPattern, type EngineInput, type ExecutionInfo, type InvokeTaskCommand, type Outcome } from '../asl/engine-types.js';
import { materializeEvent, type HistoryEvent } from '../asl/history.js';
import type { JsonObject, JsonValue } from '../asl/json.js';
import type { ExecutionRow, Store, StoredEvent, StepWrite, TaskRow, TimerRow } from '../store/port.js';
import { ACTIVITY_RESOURCE, noDispatcher, TaskFailure, type TaskDispatcher } from './dispatch.js';

/** Longest delay setTimeout accepts; longer timers re-arm when it expires. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** Express workflows run at most five minutes (FACTS §1.4). */
export const EXPRESS_MAX_MS = 5 * 60 * 1000;
const EXPRESS_TIMER = '__express_timeout';
const SCALED_PURPOSES = new Set(['wait', 'retry']);

const entropy = { random: Math.random, uuid: randomUUID };

interface Queued { input: EngineInput; at?: number; done?: (error?: unknown) => void }

interface LiveTimer { dueAt: number; scaled: boolean; handle?: ReturnType<typeof setTimeout> }

interface Live {
  arn: string;
  durable: boolean;
  compiled: CompiledMachine;
  snapshot: Snapshot;
  timeScale: number;
  clockOffset: number;
  queue: Queued[];
  busy: boolean;
  timers: Map<string, LiveTimer>;
  /** timer and task ids written to the store, to remove the ones the engine dropped */
  storedTimers: Set<string>;
  storedTasks: Set<string>;
  /** in-flight dispatcher calls */
  running: Map<string, AbortController>;
  /** ephemeral executions keep their history in memory */
  history?: HistoryEvent[];
  finished: Promise<Outcome>;
  resolve: (o: Outcome) => void;
}

export interface RunnerOptions {
  store: Store;
  timeScale: number;
  region: string;
  accountId: string;
  dispatchers?: TaskDispatcher[];
  /** called with every new activity task, so GetActivityTask long polls can wake up */
  onActivityTask?: (activityArn: string) => void;
  /** host clock; tests may replace it */
  now?: () => number;
  log?: (message: string) => void;
}

export interface EphemeralResult { outcome: Outcome; history: HistoryEvent[]; stopDate: number }

export class Runner {
  private live = new Map<string, Live>();
  private compiled = new Map<string, CompiledMachine>();
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly opts: RunnerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get timeScale(): number { return this.opts.timeScale; }

  compile(definition: string): CompiledMachine {
    let c = this.compiled.get(definition);
    if (!c) {
      if (this.compiled.size >= 256) this.compiled.clear();
      c = compileMachine(JSON.parse(definition) as JsonObject);
      this.compiled.set(definition, c);
    }
    return c;
  }

  /** Reloads every RUNNING execution of the store and re-arms its timers and task dispatch. */
  async recover(): Promise<number> {
    const rows = await this.opts.store.listRunningExecutions();
    const timers = new Map<string, TimerRow[]>();
    for (const t of await this.opts.store.listTimers()) timers.set(t.executionArn, [...(timers.get(t.executionArn) ?? []), t]);
    const tasks = new Map<string, TaskRow[]>();
    for (const t of await this.opts.store.listTasks()) tasks.set(t.executionArn, [...(tasks.get(t.executionArn) ?? []), t]);
    for (const row of rows) {
      let live: Live;
      try {
        live = this.attach(row, true);
      } catch (e) {
        this.opts.log?.(`cannot resume ${row.arn}: ${String(e)}`);
        continue;
      }
      for (const t of timers.get(row.arn) ?? []) { live.storedTimers.add(t.timerId); this.arm(live, t.timerId, t.dueAt, t.scaled); }
      for (const t of tasks.get(row.arn) ?? []) {
        live.storedTasks.add(t.taskId);
        // Tokens and activity tasks simply wait for SendTask* / GetActivityTask; a call to an
        // integration that was in flight is made again (at-least-once, as AWS retries do).
        if (!t.taskToken && !t.activityArn) this.dispatch(live, JSON.parse(t.command) as InvokeTaskCommand);
      }
      if (live.snapshot.nextEventId === 1) this.enqueue(live, { input: { kind: 'start' } });
      if (live.snapshot.ready.length > 0) this.opts.log?.(`execution ${row.arn} resumed with ready threads`);
    }
    for (const arn of new Set([...tasks.values()].flat().filter((t) => t.activityArn && t.state === 'SCHEDULED').map((t) => t.activityArn as string))) {
      this.opts.onActivityTask?.(arn);
    }
    return rows.length;
  }

  /** Makes a stored execution live (it must not be live yet). */
  private attach(row: ExecutionRow, durable: boolean): Live {
    const snapshot = this.fresh?.text === row.snapshot ? this.fresh.snapshot : JSON.parse(row.snapshot) as Snapshot;
    this.fresh = undefined;
    let resolve!: (o: Outcome) => void;
    const finished = new Promise<Outcome>((r) => { resolve = r; });
    const live: Live = {
      arn: row.arn, durable, compiled: this.compile(row.definition), snapshot, timeScale: row.timeScale, clockOffset: row.clockOffset,
      queue: [], busy: false, timers: new Map(), storedTimers: new Set(), storedTasks: new Set(), running: new Map(), finished, resolve,
    };
    this.live.set(row.arn, live);
    return live;
  }

  /** A new snapshot for an execution (the row's `snapshot` field at StartExecution). */
  newSnapshot(info: ExecutionInfo, input: JsonValue, serialize = true): string {
    const snapshot = createSnapshot(info, input);
    const text = serialize ? JSON.stringify(snapshot) : '';
    // attach() usually follows at once (StartExecution / StartSyncExecution): spare it the parse.
    this.fresh = { text, snapshot };
    return text;
  }

  /** the snapshot newSnapshot just made, as an object (consumed by the next attach of that text) */
  private fresh: { text: string; snapshot: Snapshot } | undefined;

  /** Starts a stored (Standard) execution: its row was just inserted. */
  begin(row: ExecutionRow): void {
    const live = this.attach(row, true);
    this.enqueue(live, { input: { kind: 'start' } });
  }

  /** Runs an execution that is never stored (Express), resolving when it ends. */
  async runEphemeral(row: ExecutionRow): Promise<EphemeralResult> {
    const live = this.attach(row, false);
    live.history = [];
    // The five-minute limit is armed by pump() once the first inputs are applied, for an execution that is
    // still running then: most express executions end within that first drain and never need the timer.
    this.enqueue(live, { input: { kind: 'start' } });
    const outcome = await live.finished;
    const events = live.history ?? [];
    // AWS-shaped (JSON text payloads) only when someone reads it.
    return { outcome, get history() { return events.map(materializeEvent); }, stopDate: this.executionNow(live) };
  }

  isLive(arn: string): boolean { return this.live.has(arn); }

  /** RedriveExecution: makes a stopped Standard execution live again and restarts it. */
  redrive(row: ExecutionRow): Promise<void> {
    if (this.live.has(row.arn)) return Promise.resolve();
    const live = this.attach(row, true);
    return new Promise<void>((res, rej) => this.enqueue(live, { input: { kind: 'redrive' }, done: (e) => (e ? rej(e) : res()) }));
  }

  /** Delivers an input to a live execution; resolves once it has been applied and persisted. */
  send(arn: string, input: EngineInput): Promise<void> {
    const live = this.live.get(arn);
    if (!live) return Promise.resolve();
    return new Promise<void>((res, rej) => this.enqueue(live, { input, done: (e) => (e ? rej(e) : res()) }));
  }

  /** Resolves with the outcome when the live execution ends (undefined when not live). */
  whenFinished(arn: string): Promise<Outcome> | undefined { return this.live.get(arn)?.finished; }

  private enqueue(live: Live, item: Queued): void {
    live.queue.push(item);
    void this.pump(live);
  }

  private executionNow(live: Live): number { return this.now() + live.clockOffset; }

  private async pump(live: Live): Promise<void> {
    if (live.busy) return;
    live.busy = true;
    try {
      while (live.queue.length > 0) {
        const item = live.queue.shift() as Queued;
        if ((live.snapshot.status !== ExecutionStatus.RUNNING && item.input.kind !== 'redrive') || this.closed) { item.done?.(); continue; }
        try {
          await this.apply(live, item);
          item.done?.();
        } catch (e) {
          item.done?.(e);
        }
      }
    } finally {
      live.busy = false;
    }
    // An express execution that is still running gets its five-minute limit (deadline from its start).
    if (!live.durable && live.snapshot.status === ExecutionStatus.RUNNING && !live.timers.has(EXPRESS_TIMER) && this.live.get(live.arn) === live) {
      this.arm(live, EXPRESS_TIMER, live.snapshot.info.startTime + EXPRESS_MAX_MS, false);
    }
  }

  private async apply(live: Live, item: Queued): Promise<void> {
    let now = this.executionNow(live);
    if (item.at !== undefined && item.at > now) {
      // Virtual time: a scaled timer fired early in host time; the execution clock jumps to its due time.
      live.clockOffset += item.at - now;
      now = item.at;
    }
    const s = live.snapshot;
    let events: HistoryEvent[];
    let commands: Awaited<ReturnType<typeof step>>['commands'];
    if (item.input.kind === 'timerFired' && item.input.timerId === EXPRESS_TIMER) {
      // Express executions end after five minutes with States.Timeout (FACTS §1.4).
      s.status = ExecutionStatus.TIMED_OUT;
      s.outcome = { status: ExecutionStatus.TIMED_OUT, error: 'States.Timeout', cause: 'The execution has exceeded the maximum Express duration of 5 minutes.' };
      events = [{ timestamp: now, type: 'ExecutionTimedOut', id: s.nextEventId++, previousEventId: 0, executionTimedOutEventDetails: { error: 'States.Timeout' } }];
      commands = [];
    } else {
      try {
        // Express executions keep no readable history, so their payloads need no JSON text.
        ({ events, commands } = await step(live.compiled, s, item.input, { now, entropy, lazyPayloads: !live.durable }));
      } catch (e) {
        // An engine defect must not wedge the execution: it fails with States.Runtime.
        const cause = e instanceof Error ? e.message : String(e);
        s.status = ExecutionStatus.FAILED;
        s.outcome = { status: ExecutionStatus.FAILED, error: 'States.Runtime', cause };
        events = [{ timestamp: now, type: 'ExecutionFailed', id: s.nextEventId++, previousEventId: 0, executionFailedEventDetails: { error: 'States.Runtime', cause } }];
        commands = [];
        this.opts.log?.(`engine error in ${live.arn}: ${cause}`);
      }
    }
    const ended = s.status !== ExecutionStatus.RUNNING;

    const write: StepWrite = { executionArn: live.arn, execution: {}, events: [], addTimers: [], removeTimers: [], addTasks: [], removeTasks: [] };
    const newTimers: { timerId: string; dueAt: number; scaled: boolean }[] = [];
    const invokes: InvokeTaskCommand[] = [];
    const missingActivities = new Set<string>();
    for (const c of commands) {
      if (c.kind === 'startTimer') {
        if (!ended && s.timers[c.timerId]) newTimers.push({ timerId: c.timerId, dueAt: c.dueAt, scaled: SCALED_PURPOSES.has(s.timers[c.timerId]?.purpose ?? '') });
      } else if (c.kind === 'invokeTask') {
        if (!ended && s.tasks[c.taskId] !== undefined) invokes.push(c);
      } else if (c.kind === 'cancelTask') {
        live.running.get(c.taskId)?.abort();
        live.running.delete(c.taskId);
      }
    }
    for (const t of newTimers) {
      write.addTimers.push({ executionArn: live.arn, ...t });
    }
    for (const c of invokes) {
      const row: TaskRow = { executionArn: live.arn, taskId: c.taskId, command: JSON.stringify(c), state: 'SCHEDULED' };
      if (c.taskToken) row.taskToken = c.taskToken;
      if (ACTIVITY_RESOURCE.test(c.resource)) {
        if (live.durable && !(await this.opts.store.getActivity(c.resource))) { missingActivities.add(c.taskId); continue; }
        row.activityArn = c.resource;
      }
      write.addTasks.push(row);
    }
    // Whatever the engine no longer tracks is gone from the store too.
    for (const id of live.storedTimers) if (!s.timers[id] || ended) write.removeTimers.push(id);
    for (const id of live.storedTasks) if (s.tasks[id] === undefined || ended) write.removeTasks.push(id);
    write.execution = { snapshot: '', clockOffset: live.clockOffset };
    if (item.input.kind === 'redrive') {
      // Back to RUNNING: the previous stop's fields no longer apply.
      Object.assign(write.execution, { status: 'RUNNING', stopDate: undefined, output: undefined, error: undefined, cause: undefined, redriveCount: s.info.redriveCount, redriveDate: now });
    }
    if (ended) {
      const o = s.outcome ?? { status: s.status };
      Object.assign(write.execution, { status: o.status, stopDate: now });
      if (o.output !== undefined) write.execution.output = JSON.stringify(o.output);
      if (o.error !== undefined) write.execution.error = o.error;
      if (o.cause !== undefined) write.execution.cause = o.cause;
    }

    if (live.durable) {
      write.execution.snapshot = JSON.stringify(s);
      write.events = events.map((e): StoredEvent => ({ id: e.id, json: JSON.stringify(e) }));
      await this.opts.store.commitStep(write);
    } else {
      live.history?.push(...events);
    }

    // The step is durable: now carry out its commands.
    for (const id of write.removeTimers) { this.disarm(live, id); live.storedTimers.delete(id); }
    for (const id of write.removeTasks) live.storedTasks.delete(id);
    for (const [id, t] of live.timers) if (id !== EXPRESS_TIMER && !s.timers[id]) { if (t.handle) clearTimeout(t.handle); live.timers.delete(id); }
    if (ended) {
      for (const id of [...live.timers.keys()]) this.disarm(live, id);
      for (const ac of live.running.values()) ac.abort();
      live.running.clear();
      this.live.delete(live.arn);
      live.resolve(s.outcome ?? { status: s.status });
      return;
    }
    for (const t of newTimers) { live.storedTimers.add(t.timerId); this.arm(live, t.timerId, t.dueAt, t.scaled); }
    for (const row of write.addTasks) live.storedTasks.add(row.taskId);
    for (const c of invokes) {
      if (missingActivities.has(c.taskId)) {
        // FACTS §4.5 [rec]: a missing activity fails with States.Runtime.
        this.enqueue(live, { input: { kind: 'taskFailed', taskId: c.taskId, error: 'States.Runtime', cause: `Internal Error: The activity ${c.resource} does not exist.` } });
      } else if (ACTIVITY_RESOURCE.test(c.resource)) {
        this.opts.onActivityTask?.(c.resource);
      } else {
        this.dispatch(live, c);
      }
    }
  }

  private dispatch(live: Live, c: InvokeTaskCommand): void {
    const dispatcher = this.opts.dispatchers?.find((d) => d.handles(c.resource));
    if (!dispatcher && c.pattern === IntegrationPattern.WAIT_FOR_TASK_TOKEN) return; // the token comes back through SendTask*
    const ac = new AbortController();
    live.running.set(c.taskId, ac);
    const info = live.snapshot.info;
    void (async () => {
      let input: EngineInput;
      try {
        if (!dispatcher) throw noDispatcher(c.resource);
        const out = await dispatcher.invoke(c, {
          executionArn: live.arn, stateMachineArn: info.stateMachineArn, region: this.opts.region, accountId: this.opts.accountId, signal: ac.signal,
          submitted: (output) => { if (!ac.signal.aborted) this.enqueue(live, { input: { kind: 'taskSubmitted', taskId: c.taskId, output } }); },
        });
        input = c.pattern === IntegrationPattern.WAIT_FOR_TASK_TOKEN
          ? { kind: 'taskSubmitted', taskId: c.taskId, output: out }
          : { kind: 'taskSucceeded', taskId: c.taskId, output: out };
      } catch (e) {
        const f = e instanceof TaskFailure ? { error: e.error, cause: e.errorCause }
          : e instanceof Error ? { error: e.name || 'Error', cause: e.message } : { error: 'Error', cause: String(e) };
        input = { kind: 'taskFailed', taskId: c.taskId, error: f.error, ...(f.cause !== undefined ? { cause: f.cause } : {}) };
      }
      if (ac.signal.aborted) return;
      live.running.delete(c.taskId);
      this.enqueue(live, { input });
    })();
  }

  private arm(live: Live, timerId: string, dueAt: number, scaled: boolean): void {
    this.disarm(live, timerId);
    const t: LiveTimer = { dueAt, scaled };
    live.timers.set(timerId, t);
    const schedule = (): void => {
      const remaining = Math.max(0, dueAt - this.executionNow(live));
      const delay = scaled ? remaining * live.timeScale : remaining;
      if (delay > MAX_TIMEOUT_MS) { t.handle = setTimeout(schedule, MAX_TIMEOUT_MS); return; }
      t.handle = setTimeout(() => this.fire(live, timerId), delay);
    };
    schedule();
  }

  private disarm(live: Live, timerId: string): void {
    const t = live.timers.get(timerId);
    if (t?.handle) clearTimeout(t.handle);
    live.timers.delete(timerId);
  }

  /** Fires a timer, and before it every timer due no later (virtual time keeps their order). */
  private fire(live: Live, timerId: string): void {
    const t = live.timers.get(timerId);
    if (!t || this.closed) return;
    const due = [...live.timers].filter(([, x]) => x.dueAt <= t.dueAt).sort((a, b) => a[1].dueAt - b[1].dueAt);
    for (const [id, x] of due) {
      this.disarm(live, id);
      this.enqueue(live, { input: { kind: 'timerFired', timerId: id }, at: x.dueAt });
    }
  }

  /** Stops timers and dispatches; running executions stay in the store and resume on the next start. */
  async close(): Promise<void> {
    this.closed = true;
    for (const live of this.live.values()) {
      for (const id of [...live.timers.keys()]) this.disarm(live, id);
      for (const ac of live.running.values()) ac.abort();
    }
    // Let in-flight steps finish their transaction.
    for (let i = 0; i < 100 && [...this.live.values()].some((l) => l.busy); i++) await new Promise((r) => setTimeout(r, 5));
    this.live.clear();
  }
}
