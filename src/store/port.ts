// The persistence port of the Step Functions service: state machines with versions and aliases,
// executions (row + engine snapshot), history, activities, pending tasks (task tokens and activity
// tasks), timers and tags. Adapters (memory, sqlite, later postgres) are thin and shaped alike; every
// method is async so that a networked adapter fits the same port.

export type MachineType = 'STANDARD' | 'EXPRESS';
export type ExecutionStatusText = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** Fields shared by a state machine and its published versions. */
export interface MachineConfig {
  definition: string;
  roleArn: string;
  type: MachineType;
  loggingConfiguration: unknown;
  tracingConfiguration: unknown;
  encryptionConfiguration?: unknown;
  revisionId: string;
}

export interface StateMachineRow extends MachineConfig {
  arn: string;
  name: string;
  /** epoch ms */
  creationDate: number;
  updateDate: number;
  status: 'ACTIVE' | 'DELETING';
  /** the last version number handed out (versions are numbered from 1 and never reused) */
  lastVersion: number;
  /** request fields that make CreateStateMachine idempotent (FACTS §1.3), as JSON text */
  createKey: string;
}

export interface VersionRow extends MachineConfig {
  arn: string;
  stateMachineArn: string;
  version: number;
  description?: string;
  creationDate: number;
}

export interface RoutingEntry { stateMachineVersionArn: string; weight: number }

export interface AliasRow {
  arn: string;
  stateMachineArn: string;
  name: string;
  description?: string;
  routingConfiguration: RoutingEntry[];
  creationDate: number;
  updateDate: number;
}

export interface ExecutionRow {
  arn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  type: MachineType;
  status: ExecutionStatusText;
  /** epoch ms */
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  traceHeader?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  redriveCount: number;
  redriveDate?: number;
  /** the definition and role this execution runs with (DescribeStateMachineForExecution) */
  definition: string;
  roleArn: string;
  /** multiplier of Wait and retry delays for this execution */
  timeScale: number;
  /** execution clock minus host clock, ms: virtual time advances it */
  clockOffset: number;
  /** the engine snapshot, JSON text */
  snapshot: string;
}

export interface StoredEvent { id: number; json: string }

export interface TaskRow {
  executionArn: string;
  taskId: string;
  taskToken?: string;
  /** set for activity tasks: GetActivityTask hands them out */
  activityArn?: string;
  /** the engine's invokeTask command, JSON text */
  command: string;
  state: 'SCHEDULED' | 'STARTED';
  /** insertion order (FIFO hand-out of activity tasks) */
  seq?: number;
}

export interface TimerRow {
  executionArn: string;
  timerId: string;
  /** epoch ms in execution time */
  dueAt: number;
  /** Wait and retry timers are scaled by the time-scale; timeouts are not */
  scaled: boolean;
}

export interface ActivityRow {
  arn: string;
  name: string;
  creationDate: number;
  createKey: string;
}

export interface Tag { key: string; value: string }

/** Everything one engine step changes, written in one transaction. */
export interface StepWrite {
  executionArn: string;
  execution: Partial<Pick<ExecutionRow, 'status' | 'stopDate' | 'output' | 'error' | 'cause' | 'snapshot' | 'clockOffset' | 'redriveCount' | 'redriveDate'>>;
  events: StoredEvent[];
  addTimers: TimerRow[];
  removeTimers: string[];
  addTasks: TaskRow[];
  removeTasks: string[];
}

export interface ExecutionFilter {
  stateMachineArn?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  status?: ExecutionStatusText;
  redriven?: boolean;
}

export interface HistoryQuery {
  reverse: boolean;
  /** exclusive bound: events after (or, reversed, before) this id */
  afterId?: number;
  limit: number;
}

export interface Store {
  putStateMachine(row: StateMachineRow): Promise<void>;
  getStateMachine(arn: string): Promise<StateMachineRow | undefined>;
  /** oldest first */
  listStateMachines(): Promise<StateMachineRow[]>;
  /** removes the machine with its versions, aliases and tags */
  deleteStateMachine(arn: string): Promise<void>;

  putVersion(row: VersionRow): Promise<void>;
  getVersion(arn: string): Promise<VersionRow | undefined>;
  /** newest first */
  listVersions(stateMachineArn: string): Promise<VersionRow[]>;
  deleteVersion(arn: string): Promise<void>;

  putAlias(row: AliasRow): Promise<void>;
  getAlias(arn: string): Promise<AliasRow | undefined>;
  listAliases(stateMachineArn: string): Promise<AliasRow[]>;
  deleteAlias(arn: string): Promise<void>;

  /** false (and nothing written) when an execution with this ARN exists */
  insertExecution(row: ExecutionRow, events: StoredEvent[]): Promise<boolean>;
  getExecution(arn: string): Promise<ExecutionRow | undefined>;
  /** newest first (FACTS §1.2) */
  listExecutions(filter: ExecutionFilter, offset: number, limit: number): Promise<ExecutionRow[]>;
  listRunningExecutions(): Promise<ExecutionRow[]>;
  /** redrive / restart: replaces the whole row */
  replaceExecution(row: ExecutionRow): Promise<void>;
  commitStep(write: StepWrite): Promise<void>;

  getHistory(executionArn: string, query: HistoryQuery): Promise<StoredEvent[]>;

  getTaskByToken(token: string): Promise<TaskRow | undefined>;
  /** marks the oldest SCHEDULED task of the activity STARTED and returns it */
  claimActivityTask(activityArn: string): Promise<TaskRow | undefined>;
  listTasks(): Promise<TaskRow[]>;
  listTimers(): Promise<TimerRow[]>;

  putActivity(row: ActivityRow): Promise<void>;
  getActivity(arn: string): Promise<ActivityRow | undefined>;
  listActivities(): Promise<ActivityRow[]>;
  deleteActivity(arn: string): Promise<void>;

  getTags(resourceArn: string): Promise<Tag[]>;
  /** adds or overwrites by key */
  tagResource(resourceArn: string, tags: Tag[]): Promise<void>;
  untagResource(resourceArn: string, keys: string[]): Promise<void>;

  /** a whole JSON document by key (API Gateway keeps its APIs, keys and usage plans under `apigateway`) */
  getDocument(key: string): Promise<string | undefined>;
  putDocument(key: string, text: string): Promise<void>;

  close(): Promise<void>;
}
