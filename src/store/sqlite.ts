// SQLite adapter of the store port (`--store sqlite:PATH`, better-sqlite3, WAL). Shaped like memory.ts;
// every StepWrite is one transaction, so a crash leaves either the whole step or none of it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  ActivityRow, AliasRow, ExecutionFilter, ExecutionRow, HistoryQuery, StateMachineRow, StepWrite, Store,
  StoredEvent, Tag, TaskRow, TimerRow, VersionRow,
} from './port.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS state_machines (seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT UNIQUE NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (arn TEXT PRIMARY KEY, sm_arn TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS versions_sm ON versions(sm_arn);
CREATE TABLE IF NOT EXISTS aliases (seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT UNIQUE NOT NULL, sm_arn TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS executions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT UNIQUE NOT NULL, sm_arn TEXT NOT NULL, version_arn TEXT, alias_arn TEXT,
  status TEXT NOT NULL, stop_date INTEGER, output TEXT, error TEXT, cause TEXT, clock_offset REAL NOT NULL,
  redrive_count INTEGER NOT NULL, redrive_date INTEGER, data TEXT NOT NULL, snapshot TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS executions_sm ON executions(sm_arn, seq);
CREATE INDEX IF NOT EXISTS executions_status ON executions(status);
CREATE TABLE IF NOT EXISTS history (exec_arn TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (exec_arn, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tasks (seq INTEGER PRIMARY KEY AUTOINCREMENT, exec_arn TEXT NOT NULL, task_id TEXT NOT NULL, token TEXT,
  activity_arn TEXT, command TEXT NOT NULL, state TEXT NOT NULL, UNIQUE (exec_arn, task_id));
CREATE INDEX IF NOT EXISTS tasks_token ON tasks(token);
CREATE INDEX IF NOT EXISTS tasks_activity ON tasks(activity_arn, state, seq);
CREATE TABLE IF NOT EXISTS timers (exec_arn TEXT NOT NULL, timer_id TEXT NOT NULL, due_at REAL NOT NULL, scaled INTEGER NOT NULL, PRIMARY KEY (exec_arn, timer_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS activities (seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT UNIQUE NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (key TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tags (arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (arn, key)) WITHOUT ROWID;
`;

type PendingOp = { kind: 'insert'; row: ExecutionRow; events: StoredEvent[] } | { kind: 'step'; write: StepWrite };

/** Columns of `executions` that steps change; everything else lives in `data`. */
type MutableColumns = Pick<ExecutionRow, 'status' | 'stopDate' | 'output' | 'error' | 'cause' | 'clockOffset' | 'redriveCount' | 'redriveDate' | 'snapshot'>;

interface ExecRecord {
  status: string; stop_date: number | null; output: string | null; error: string | null; cause: string | null;
  clock_offset: number; redrive_count: number; redrive_date: number | null; data: string; snapshot: string;
}

const nn = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toExecution(r: ExecRecord): ExecutionRow {
  const row = JSON.parse(r.data) as ExecutionRow;
  row.status = r.status as ExecutionRow['status'];
  row.clockOffset = r.clock_offset;
  row.redriveCount = r.redrive_count;
  row.snapshot = r.snapshot;
  const optional: [keyof ExecutionRow, unknown][] = [['stopDate', r.stop_date], ['output', r.output], ['error', r.error], ['cause', r.cause], ['redriveDate', r.redrive_date]];
  for (const [k, v] of optional) {
    if (v === null) delete row[k];
    else (row as unknown as Record<string, unknown>)[k] = v;
  }
  return row;
}

function staticPart(row: ExecutionRow): string {
  const { status: _s, stopDate: _sd, output: _o, error: _e, cause: _c, clockOffset: _co, redriveCount: _rc, redriveDate: _rd, snapshot: _sn, ...rest } = row;
  return JSON.stringify(rest);
}

export class SqliteStore implements Store {
  private db: Database.Database;
  private s: Record<string, Database.Statement>;
  private commitTx: (w: StepWrite) => void;
  private commitManyTx: (ops: PendingOp[]) => boolean[];
  /** group commit: writes queued in the same turn of the event loop share one transaction */
  private pending: { op: PendingOp; resolve: (inserted: boolean) => void; reject: (e: unknown) => void }[] = [];
  private insertTx: (row: ExecutionRow, events: StoredEvent[]) => boolean;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed step survives a process crash (kill -9); only an OS crash may lose the last ones.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const p = (sql: string): Database.Statement => this.db.prepare(sql);
    this.s = {
      putSm: p('INSERT INTO state_machines (arn, data) VALUES (?, ?) ON CONFLICT(arn) DO UPDATE SET data = excluded.data'),
      getSm: p('SELECT data FROM state_machines WHERE arn = ?'),
      listSm: p('SELECT data FROM state_machines ORDER BY seq'),
      delSm: p('DELETE FROM state_machines WHERE arn = ?'),
      delSmVersions: p('DELETE FROM versions WHERE sm_arn = ?'),
      delSmAliases: p('DELETE FROM aliases WHERE sm_arn = ?'),
      delSmVersionTags: p('DELETE FROM tags WHERE arn IN (SELECT arn FROM versions WHERE sm_arn = ? UNION SELECT arn FROM aliases WHERE sm_arn = ?)'),
      putVersion: p('INSERT OR REPLACE INTO versions (arn, sm_arn, version, data) VALUES (?, ?, ?, ?)'),
      getVersion: p('SELECT data FROM versions WHERE arn = ?'),
      listVersions: p('SELECT data FROM versions WHERE sm_arn = ? ORDER BY version DESC'),
      delVersion: p('DELETE FROM versions WHERE arn = ?'),
      putAlias: p('INSERT INTO aliases (arn, sm_arn, data) VALUES (?, ?, ?) ON CONFLICT(arn) DO UPDATE SET data = excluded.data'),
      getAlias: p('SELECT data FROM aliases WHERE arn = ?'),
      listAliases: p('SELECT data FROM aliases WHERE sm_arn = ? ORDER BY seq'),
      delAlias: p('DELETE FROM aliases WHERE arn = ?'),
      insExec: p(`INSERT OR IGNORE INTO executions (arn, sm_arn, version_arn, alias_arn, status, stop_date, output, error, cause, clock_offset, redrive_count, redrive_date, data, snapshot)
        VALUES (@arn, @sm, @version, @alias, @status, @stopDate, @output, @error, @cause, @clockOffset, @redriveCount, @redriveDate, @data, @snapshot)`),
      replExec: p(`UPDATE executions SET status = @status, stop_date = @stopDate, output = @output, error = @error, cause = @cause, clock_offset = @clockOffset,
        redrive_count = @redriveCount, redrive_date = @redriveDate, data = @data, snapshot = @snapshot WHERE arn = @arn`),
      getExec: p('SELECT * FROM executions WHERE arn = ?'),
      running: p("SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY seq"),
      insEvent: p('INSERT INTO history (exec_arn, id, data) VALUES (?, ?, ?)'),
      histAsc: p('SELECT id, data FROM history WHERE exec_arn = ? AND id > ? ORDER BY id LIMIT ?'),
      histDesc: p('SELECT id, data FROM history WHERE exec_arn = ? AND id < ? ORDER BY id DESC LIMIT ?'),
      insTimer: p('INSERT OR REPLACE INTO timers (exec_arn, timer_id, due_at, scaled) VALUES (?, ?, ?, ?)'),
      delTimer: p('DELETE FROM timers WHERE exec_arn = ? AND timer_id = ?'),
      listTimers: p('SELECT exec_arn, timer_id, due_at, scaled FROM timers'),
      insTask: p('INSERT OR REPLACE INTO tasks (exec_arn, task_id, token, activity_arn, command, state) VALUES (?, ?, ?, ?, ?, ?)'),
      delTask: p('DELETE FROM tasks WHERE exec_arn = ? AND task_id = ?'),
      taskByToken: p('SELECT * FROM tasks WHERE token = ?'),
      nextActivityTask: p("SELECT * FROM tasks WHERE activity_arn = ? AND state = 'SCHEDULED' ORDER BY seq LIMIT 1"),
      startTask: p("UPDATE tasks SET state = 'STARTED' WHERE seq = ?"),
      listTasks: p('SELECT * FROM tasks ORDER BY seq'),
      putActivity: p('INSERT INTO activities (arn, data) VALUES (?, ?) ON CONFLICT(arn) DO UPDATE SET data = excluded.data'),
      getActivity: p('SELECT data FROM activities WHERE arn = ?'),
      listActivities: p('SELECT data FROM activities ORDER BY seq'),
      delActivity: p('DELETE FROM activities WHERE arn = ?'),
      getTags: p('SELECT key, value FROM tags WHERE arn = ? ORDER BY seq'),
      putTag: p('INSERT INTO tags (arn, key, value, seq) VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tags WHERE arn = ?)) ON CONFLICT(arn, key) DO UPDATE SET value = excluded.value'),
      delTag: p('DELETE FROM tags WHERE arn = ? AND key = ?'),
      delTags: p('DELETE FROM tags WHERE arn = ?'),
    };
    this.commitTx = this.db.transaction((w: StepWrite) => this.commitSync(w));
    this.commitManyTx = this.db.transaction((ops: PendingOp[]) => ops.map((op) => this.applyOp(op)));
    this.insertTx = this.db.transaction((row: ExecutionRow, events: StoredEvent[]) => this.insertSync(row, events));
  }

  private execParams(row: ExecutionRow): Record<string, unknown> {
    return {
      arn: row.arn, sm: row.stateMachineArn, version: row.stateMachineVersionArn ?? null, alias: row.stateMachineAliasArn ?? null,
      status: row.status, stopDate: row.stopDate ?? null, output: row.output ?? null, error: row.error ?? null, cause: row.cause ?? null,
      clockOffset: row.clockOffset, redriveCount: row.redriveCount, redriveDate: row.redriveDate ?? null, data: staticPart(row), snapshot: row.snapshot,
    };
  }

  private insertSync(row: ExecutionRow, events: StoredEvent[]): boolean {
    const r = this.s.insExec!.run(this.execParams(row));
    if (r.changes === 0) return false;
    for (const e of events) this.s.insEvent!.run(row.arn, e.id, e.json);
    return true;
  }

  private applyOp(op: PendingOp): boolean {
    if (op.kind === 'insert') return this.insertSync(op.row, op.events);
    this.commitSync(op.write);
    return true;
  }

  private commitSync(w: StepWrite): void {
    const e = w.execution;
    const sets: string[] = [];
    const params: Record<string, unknown> = { arn: w.executionArn };
    const columns: Record<keyof MutableColumns, string> = {
      status: 'status', stopDate: 'stop_date', output: 'output', error: 'error', cause: 'cause', clockOffset: 'clock_offset',
      redriveCount: 'redrive_count', redriveDate: 'redrive_date', snapshot: 'snapshot',
    };
    for (const [k, col] of Object.entries(columns)) {
      if (k in e) { sets.push(`${col} = @${k}`); params[k] = (e as Record<string, unknown>)[k] ?? null; }
    }
    if (sets.length > 0) this.stmt(`UPDATE executions SET ${sets.join(', ')} WHERE arn = @arn`).run(params);
    for (const ev of w.events) this.s.insEvent!.run(w.executionArn, ev.id, ev.json);
    for (const id of w.removeTimers) this.s.delTimer!.run(w.executionArn, id);
    for (const t of w.addTimers) this.s.insTimer!.run(w.executionArn, t.timerId, t.dueAt, t.scaled ? 1 : 0);
    for (const id of w.removeTasks) this.s.delTask!.run(w.executionArn, id);
    for (const t of w.addTasks) this.s.insTask!.run(w.executionArn, t.taskId, t.taskToken ?? null, t.activityArn ?? null, t.command, t.state);
  }

  /** Statement cache for the few dynamic statements (UPDATE with the columns a step changed). */
  private dynamic = new Map<string, Database.Statement>();
  private stmt(sql: string): Database.Statement {
    let st = this.dynamic.get(sql);
    if (!st) { st = this.db.prepare(sql); this.dynamic.set(sql, st); }
    return st;
  }

  private one<T>(name: string, ...args: unknown[]): T | undefined {
    const r = this.s[name]!.get(...args) as { data: string } | undefined;
    return r ? (JSON.parse(r.data) as T) : undefined;
  }
  private all<T>(name: string, ...args: unknown[]): T[] {
    return (this.s[name]!.all(...args) as { data: string }[]).map((r) => JSON.parse(r.data) as T);
  }

  async putStateMachine(row: StateMachineRow): Promise<void> { this.s.putSm!.run(row.arn, JSON.stringify(row)); }
  async getStateMachine(arn: string): Promise<StateMachineRow | undefined> { return this.one('getSm', arn); }
  async listStateMachines(): Promise<StateMachineRow[]> { return this.all('listSm'); }
  async deleteStateMachine(arn: string): Promise<void> {
    this.db.transaction(() => {
      this.s.delSmVersionTags!.run(arn, arn);
      this.s.delSmVersions!.run(arn);
      this.s.delSmAliases!.run(arn);
      this.s.delSm!.run(arn);
      this.s.delTags!.run(arn);
    })();
  }

  async putVersion(row: VersionRow): Promise<void> { this.s.putVersion!.run(row.arn, row.stateMachineArn, row.version, JSON.stringify(row)); }
  async getVersion(arn: string): Promise<VersionRow | undefined> { return this.one('getVersion', arn); }
  async listVersions(stateMachineArn: string): Promise<VersionRow[]> { return this.all('listVersions', stateMachineArn); }
  async deleteVersion(arn: string): Promise<void> { this.s.delVersion!.run(arn); this.s.delTags!.run(arn); }

  async putAlias(row: AliasRow): Promise<void> { this.s.putAlias!.run(row.arn, row.stateMachineArn, JSON.stringify(row)); }
  async getAlias(arn: string): Promise<AliasRow | undefined> { return this.one('getAlias', arn); }
  async listAliases(stateMachineArn: string): Promise<AliasRow[]> { return this.all('listAliases', stateMachineArn); }
  async deleteAlias(arn: string): Promise<void> { this.s.delAlias!.run(arn); this.s.delTags!.run(arn); }

  insertExecution(row: ExecutionRow, events: StoredEvent[]): Promise<boolean> { return this.enqueue({ kind: 'insert', row, events }); }
  async getExecution(arn: string): Promise<ExecutionRow | undefined> {
    const r = this.s.getExec!.get(arn) as ExecRecord | undefined;
    return r ? toExecution(r) : undefined;
  }
  async listExecutions(f: ExecutionFilter, offset: number, limit: number): Promise<ExecutionRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.stateMachineArn !== undefined) { where.push('sm_arn = ?'); params.push(f.stateMachineArn); }
    if (f.stateMachineVersionArn !== undefined) { where.push('version_arn = ?'); params.push(f.stateMachineVersionArn); }
    if (f.stateMachineAliasArn !== undefined) { where.push('alias_arn = ?'); params.push(f.stateMachineAliasArn); }
    if (f.status !== undefined) { where.push('status = ?'); params.push(f.status); }
    if (f.redriven !== undefined) where.push(f.redriven ? 'redrive_count > 0' : 'redrive_count = 0');
    const sql = `SELECT * FROM executions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ? OFFSET ?`;
    return (this.stmt(sql).all(...params, limit, offset) as ExecRecord[]).map(toExecution);
  }
  async listRunningExecutions(): Promise<ExecutionRow[]> { return (this.s.running!.all() as ExecRecord[]).map(toExecution); }
  async replaceExecution(row: ExecutionRow): Promise<void> { this.s.replExec!.run(this.execParams(row)); }
  async commitStep(w: StepWrite): Promise<void> { await this.enqueue({ kind: 'step', write: w }); }

  private enqueue(op: PendingOp): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Writes the queued steps in one transaction; resolves each only once it is committed. */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: boolean[];
    try {
      results = this.commitManyTx(batch.map((b) => b.op));
    } catch {
      // One bad write must not fail the others: retry them one transaction each.
      for (const b of batch) {
        try {
          b.resolve(b.op.kind === 'insert' ? this.insertTx(b.op.row, b.op.events) : (this.commitTx(b.op.write), true));
        } catch (e) { b.reject(e); }
      }
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i] as boolean));
  }

  async getHistory(executionArn: string, q: HistoryQuery): Promise<StoredEvent[]> {
    const rows = q.reverse
      ? this.s.histDesc!.all(executionArn, q.afterId ?? Number.MAX_SAFE_INTEGER, q.limit)
      : this.s.histAsc!.all(executionArn, q.afterId ?? 0, q.limit);
    return (rows as { id: number; data: string }[]).map((r) => ({ id: r.id, json: r.data }));
  }

  private toTask(r: { seq: number; exec_arn: string; task_id: string; token: string | null; activity_arn: string | null; command: string; state: string }): TaskRow {
    const t: TaskRow = { executionArn: r.exec_arn, taskId: r.task_id, command: r.command, state: r.state as TaskRow['state'], seq: r.seq };
    const token = nn(r.token);
    const activity = nn(r.activity_arn);
    if (token !== undefined) t.taskToken = token;
    if (activity !== undefined) t.activityArn = activity;
    return t;
  }
  async getTaskByToken(token: string): Promise<TaskRow | undefined> {
    const r = this.s.taskByToken!.get(token) as Parameters<SqliteStore['toTask']>[0] | undefined;
    return r ? this.toTask(r) : undefined;
  }
  async claimActivityTask(activityArn: string): Promise<TaskRow | undefined> {
    const r = this.s.nextActivityTask!.get(activityArn) as Parameters<SqliteStore['toTask']>[0] | undefined;
    if (!r) return undefined;
    this.s.startTask!.run(r.seq);
    return { ...this.toTask(r), state: 'STARTED' };
  }
  async listTasks(): Promise<TaskRow[]> { return (this.s.listTasks!.all() as Parameters<SqliteStore['toTask']>[0][]).map((r) => this.toTask(r)); }
  async listTimers(): Promise<TimerRow[]> {
    return (this.s.listTimers!.all() as { exec_arn: string; timer_id: string; due_at: number; scaled: number }[])
      .map((r) => ({ executionArn: r.exec_arn, timerId: r.timer_id, dueAt: r.due_at, scaled: r.scaled === 1 }));
  }

  async putActivity(row: ActivityRow): Promise<void> { this.s.putActivity!.run(row.arn, JSON.stringify(row)); }
  async getActivity(arn: string): Promise<ActivityRow | undefined> { return this.one('getActivity', arn); }
  async listActivities(): Promise<ActivityRow[]> { return this.all('listActivities'); }
  async deleteActivity(arn: string): Promise<void> { this.s.delActivity!.run(arn); this.s.delTags!.run(arn); }

  async getTags(resourceArn: string): Promise<Tag[]> { return this.s.getTags!.all(resourceArn) as Tag[]; }
  async tagResource(resourceArn: string, tags: Tag[]): Promise<void> {
    this.db.transaction(() => { for (const t of tags) this.s.putTag!.run(resourceArn, t.key, t.value, resourceArn); })();
  }
  async untagResource(resourceArn: string, keys: string[]): Promise<void> {
    this.db.transaction(() => { for (const k of keys) this.s.delTag!.run(resourceArn, k); })();
  }

  async getDocument(key: string): Promise<string | undefined> {
    return (this.stmt('SELECT data FROM documents WHERE key = ?').get(key) as { data: string } | undefined)?.data;
  }

  async putDocument(key: string, text: string): Promise<void> {
    this.stmt('INSERT INTO documents (key, data) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET data = excluded.data').run(key, text);
  }

  async close(): Promise<void> {
    this.flush();
    if (this.db.open) this.db.close();
  }
}
