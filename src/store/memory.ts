// In-memory adapter of the store port (`--store memory`): the same behaviour as the SQLite adapter,
// nothing survives the process. Rows are copied in and out so callers never share mutable state.
import type {
  ActivityRow, AliasRow, ExecutionFilter, ExecutionRow, HistoryQuery, StateMachineRow, StepWrite, Store,
  StoredEvent, Tag, TaskRow, TimerRow, VersionRow,
} from './port.js';

/**
 * A row's copy. Rows are plain JSON-like data; strings are immutable and shared, so a long definition
 * is not copied and keeps its cached hash (the runner's compile cache looks machines up by their text).
 * A hand-written walk: structuredClone costs more than the whole copy for rows this small.
 */
function copy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copy) as T;
  const out: Record<string, unknown> = {};
  const src = v as Record<string, unknown>;
  for (const k in src) {
    const f = src[k];
    out[k] = f !== null && typeof f === 'object' ? copy(f) : f;
  }
  return out as T;
}

export function matchesFilter(row: ExecutionRow, f: ExecutionFilter): boolean {
  if (f.stateMachineArn !== undefined && row.stateMachineArn !== f.stateMachineArn) return false;
  if (f.stateMachineVersionArn !== undefined && row.stateMachineVersionArn !== f.stateMachineVersionArn) return false;
  if (f.stateMachineAliasArn !== undefined && row.stateMachineAliasArn !== f.stateMachineAliasArn) return false;
  if (f.status !== undefined && row.status !== f.status) return false;
  if (f.redriven !== undefined && (row.redriveCount > 0) !== f.redriven) return false;
  return true;
}

export class MemoryStore implements Store {
  private machines = new Map<string, StateMachineRow>();
  private versions = new Map<string, VersionRow>();
  private aliases = new Map<string, AliasRow>();
  private executions = new Map<string, ExecutionRow>();
  /** insertion order of executions, for newest-first listing */
  private executionOrder: string[] = [];
  private history = new Map<string, StoredEvent[]>();
  private tasks = new Map<string, TaskRow>();
  private taskSeq = 0;
  private timers = new Map<string, TimerRow>();
  private activities = new Map<string, ActivityRow>();
  private tags = new Map<string, Tag[]>();

  async putStateMachine(row: StateMachineRow): Promise<void> { this.machines.set(row.arn, copy(row)); }
  async getStateMachine(arn: string): Promise<StateMachineRow | undefined> { return copy(this.machines.get(arn)); }
  async listStateMachines(): Promise<StateMachineRow[]> { return [...this.machines.values()].map(copy); }
  async deleteStateMachine(arn: string): Promise<void> {
    this.machines.delete(arn);
    this.tags.delete(arn);
    for (const [k, v] of this.versions) if (v.stateMachineArn === arn) { this.versions.delete(k); this.tags.delete(k); }
    for (const [k, v] of this.aliases) if (v.stateMachineArn === arn) { this.aliases.delete(k); this.tags.delete(k); }
  }

  async putVersion(row: VersionRow): Promise<void> { this.versions.set(row.arn, copy(row)); }
  async getVersion(arn: string): Promise<VersionRow | undefined> { return copy(this.versions.get(arn)); }
  async listVersions(stateMachineArn: string): Promise<VersionRow[]> {
    return [...this.versions.values()].filter((v) => v.stateMachineArn === stateMachineArn).sort((a, b) => b.version - a.version).map(copy);
  }
  async deleteVersion(arn: string): Promise<void> { this.versions.delete(arn); this.tags.delete(arn); }

  async putAlias(row: AliasRow): Promise<void> { this.aliases.set(row.arn, copy(row)); }
  async getAlias(arn: string): Promise<AliasRow | undefined> { return copy(this.aliases.get(arn)); }
  async listAliases(stateMachineArn: string): Promise<AliasRow[]> {
    return [...this.aliases.values()].filter((a) => a.stateMachineArn === stateMachineArn).map(copy);
  }
  async deleteAlias(arn: string): Promise<void> { this.aliases.delete(arn); this.tags.delete(arn); }

  async insertExecution(row: ExecutionRow, events: StoredEvent[]): Promise<boolean> {
    if (this.executions.has(row.arn)) return false;
    this.executions.set(row.arn, copy(row));
    this.executionOrder.push(row.arn);
    this.history.set(row.arn, events.map(copy));
    return true;
  }
  async getExecution(arn: string): Promise<ExecutionRow | undefined> { return copy(this.executions.get(arn)); }
  async listExecutions(filter: ExecutionFilter, offset: number, limit: number): Promise<ExecutionRow[]> {
    const out: ExecutionRow[] = [];
    let skipped = 0;
    for (let i = this.executionOrder.length - 1; i >= 0 && out.length < limit; i--) {
      const row = this.executions.get(this.executionOrder[i] as string);
      if (!row || !matchesFilter(row, filter)) continue;
      if (skipped < offset) { skipped++; continue; }
      out.push(copy(row));
    }
    return out;
  }
  async listRunningExecutions(): Promise<ExecutionRow[]> {
    return this.executionOrder.map((a) => this.executions.get(a)).filter((r): r is ExecutionRow => r?.status === 'RUNNING').map(copy);
  }
  async replaceExecution(row: ExecutionRow): Promise<void> { this.executions.set(row.arn, copy(row)); }
  async commitStep(w: StepWrite): Promise<void> {
    const row = this.executions.get(w.executionArn);
    if (!row) throw new Error(`no execution ${w.executionArn}`);
    Object.assign(row, copy(w.execution));
    const h = this.history.get(w.executionArn) ?? [];
    for (const e of w.events) h.push({ ...e });
    this.history.set(w.executionArn, h);
    for (const id of w.removeTimers) this.timers.delete(`${w.executionArn}\u0000${id}`);
    for (const t of w.addTimers) this.timers.set(`${w.executionArn}\u0000${t.timerId}`, { ...t });
    for (const id of w.removeTasks) this.tasks.delete(`${w.executionArn}\u0000${id}`);
    for (const t of w.addTasks) this.tasks.set(`${w.executionArn}\u0000${t.taskId}`, { ...t, seq: ++this.taskSeq });
  }

  async getHistory(executionArn: string, q: HistoryQuery): Promise<StoredEvent[]> {
    const all = this.history.get(executionArn) ?? [];
    const list = q.reverse ? [...all].reverse() : all;
    const from = q.afterId === undefined ? list : list.filter((e) => (q.reverse ? e.id < (q.afterId as number) : e.id > (q.afterId as number)));
    return from.slice(0, q.limit).map((e) => ({ ...e }));
  }

  async getTaskByToken(token: string): Promise<TaskRow | undefined> {
    for (const t of this.tasks.values()) if (t.taskToken === token) return { ...t };
    return undefined;
  }
  async claimActivityTask(activityArn: string): Promise<TaskRow | undefined> {
    let best: TaskRow | undefined;
    for (const t of this.tasks.values()) {
      if (t.activityArn === activityArn && t.state === 'SCHEDULED' && (!best || (t.seq ?? 0) < (best.seq ?? 0))) best = t;
    }
    if (!best) return undefined;
    best.state = 'STARTED';
    return { ...best };
  }
  async listTasks(): Promise<TaskRow[]> { return [...this.tasks.values()].map((t) => ({ ...t })); }
  async listTimers(): Promise<TimerRow[]> { return [...this.timers.values()].map((t) => ({ ...t })); }

  async putActivity(row: ActivityRow): Promise<void> { this.activities.set(row.arn, { ...row }); }
  async getActivity(arn: string): Promise<ActivityRow | undefined> { const a = this.activities.get(arn); return a && { ...a }; }
  async listActivities(): Promise<ActivityRow[]> { return [...this.activities.values()].map((a) => ({ ...a })); }
  async deleteActivity(arn: string): Promise<void> { this.activities.delete(arn); this.tags.delete(arn); }

  async getTags(resourceArn: string): Promise<Tag[]> { return (this.tags.get(resourceArn) ?? []).map((t) => ({ ...t })); }
  async tagResource(resourceArn: string, tags: Tag[]): Promise<void> {
    const cur = this.tags.get(resourceArn) ?? [];
    for (const t of tags) {
      const i = cur.findIndex((c) => c.key === t.key);
      if (i >= 0) cur[i] = { ...t }; else cur.push({ ...t });
    }
    this.tags.set(resourceArn, cur);
  }
  async untagResource(resourceArn: string, keys: string[]): Promise<void> {
    this.tags.set(resourceArn, (this.tags.get(resourceArn) ?? []).filter((t) => !keys.includes(t.key)));
  }

  private readonly documents = new Map<string, string>();

  async getDocument(key: string): Promise<string | undefined> { return this.documents.get(key); }

  async putDocument(key: string, text: string): Promise<void> { this.documents.set(key, text); }

  async close(): Promise<void> { /* nothing to release */ }
}
