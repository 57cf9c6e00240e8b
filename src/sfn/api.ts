// The Step Functions API (AWS JSON 1.0): one handler per action, request validation with AWS's
// messages, and the AWS semantics of FACTS §1 (ARNs, Standard vs Express, idempotency, limits,
// versions and aliases, activities and task tokens). Errors are thrown as SfnError subclasses and
// put on the wire by the server in one place.
import { randomUUID } from 'node:crypto';
import { validateDefinition, formatInvalidDefinition, type Diagnostic } from '../asl/validate.js';
import { withoutExecutionData, type HistoryEvent } from '../asl/history.js';
import { ExecutionStatus, type ExecutionInfo, type InvokeTaskCommand } from '../asl/engine-types.js';
import type { JsonValue } from '../asl/json.js';
import type { AliasRow, ExecutionRow, RoutingEntry, StateMachineRow, Store, Tag, VersionRow } from '../store/port.js';
import {
  activityArn, executionArn as makeExecutionArn, expressExecutionArn, parseArn, parseMachineArn, stateMachineArn as makeMachineArn, type ArnScope,
} from './arn.js';
import {
  activityAlreadyExists, activityDoesNotExist, conflict, executionAlreadyExists, executionDoesNotExist, executionNotRedrivable, expressArnNotValid,
  invalidArn, invalidDefinition, invalidExecutionInput, invalidName, invalidOutput, invalidToken, missingRequiredParameter, resourceNotFound,
  serviceValidation, SfnError, stateMachineAlreadyExists, stateMachineDoesNotExist, tooManyTags, typeNotSupported, unknownOperation, ValidationException,
} from './errors.js';
import { isValidName } from './names.js';
import { decodeToken, encodeToken, pageSize } from './pagination.js';
import { RequestReader, type Body } from './request.js';
import { Runner } from './runner.js';
import type { MockSessions } from './integrations/mocks.js';
import type { TaskDispatcher } from './dispatch.js';
import { testState } from './test-state.js';

/** FACTS §1.4: payloads are limited to 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;
const MAX_DEFINITION = 1_048_576;
const MAX_TAGS = 50;
/** GetActivityTask holds the request up to 60 seconds (FACTS §1.2). */
export const ACTIVITY_POLL_MS = 60_000;
const STATUS_VALUES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
const TYPES = ['STANDARD', 'EXPRESS'] as const;
const INCLUDED_DATA = ['ALL_DATA', 'METADATA_ONLY'] as const;
const DEFAULT_LOGGING = { level: 'OFF', includeExecutionData: false } as const;
const DEFAULT_TRACING = { enabled: false } as const;
/** Tokens this service hands out: a UUID followed by 32 hex digits (engine.ts). */
const OUR_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[0-9a-f]{32}$/;

/** Epoch seconds with fractional milliseconds, as AWS puts timestamps on the wire (FACTS §1.1). */
export const seconds = (ms: number): number => ms / 1000;

export interface ServiceOptions extends ArnScope {
  store: Store;
  timeScale: number;
  runner: Runner;
  /** long-poll wait of GetActivityTask (tests shorten it) */
  activityPollMs?: number;
  /** Step Functions Local mocks: StartExecution with `stateMachineArn#TestCaseName` selects a test case */
  mocks?: MockSessions;
  /** the task integrations, for TestState of a Task without a mock */
  dispatchers?: readonly TaskDispatcher[];
}

/** Per-request settings that are not part of the AWS API (documented stepgate extensions). */
export interface RequestExtras {
  /** `X-Stepgate-Time-Scale` on StartExecution / StartSyncExecution */
  timeScale?: number;
}

type Handler = (r: RequestReader, extras: RequestExtras) => Promise<Record<string, unknown>>;

/** Parse errors in the style of Jackson, the JSON parser behind AWS's InvalidExecutionInput messages. */
function parseJsonPayload(text: string): { ok: true; value: JsonValue } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `Unexpected character: ${m}` };
  }
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

export class SfnService {
  private readonly store: Store;
  private readonly runner: Runner;
  private readonly scope: ArnScope;
  private readonly pollers = new Map<string, Set<() => void>>();
  private readonly pollMs: number;
  private closed = false;
  readonly actions: Record<string, Handler>;

  constructor(private readonly opts: ServiceOptions) {
    this.store = opts.store;
    this.runner = opts.runner;
    this.scope = { region: opts.region, accountId: opts.accountId };
    this.pollMs = opts.activityPollMs ?? ACTIVITY_POLL_MS;
    const a: Record<string, Handler> = {
      CreateStateMachine: (r) => this.createStateMachine(r),
      DescribeStateMachine: (r) => this.describeStateMachine(r),
      ListStateMachines: (r) => this.listStateMachines(r),
      UpdateStateMachine: (r) => this.updateStateMachine(r),
      DeleteStateMachine: (r) => this.deleteStateMachine(r),
      StartExecution: (r, x) => this.startExecution(r, x),
      StartSyncExecution: (r, x) => this.startSyncExecution(r, x),
      DescribeExecution: (r) => this.describeExecution(r),
      ListExecutions: (r) => this.listExecutions(r),
      GetExecutionHistory: (r) => this.getExecutionHistory(r),
      StopExecution: (r) => this.stopExecution(r),
      DescribeStateMachineForExecution: (r) => this.describeStateMachineForExecution(r),
      ValidateStateMachineDefinition: (r) => this.validateStateMachineDefinition(r),
      TestState: (r) => this.testState(r),
      SendTaskSuccess: (r) => this.sendTaskSuccess(r),
      SendTaskFailure: (r) => this.sendTaskFailure(r),
      SendTaskHeartbeat: (r) => this.sendTaskHeartbeat(r),
      CreateActivity: (r) => this.createActivity(r),
      DeleteActivity: (r) => this.deleteActivity(r),
      DescribeActivity: (r) => this.describeActivity(r),
      ListActivities: (r) => this.listActivities(r),
      GetActivityTask: (r) => this.getActivityTask(r),
      TagResource: (r) => this.tagResource(r),
      UntagResource: (r) => this.untagResource(r),
      ListTagsForResource: (r) => this.listTagsForResource(r),
      PublishStateMachineVersion: (r) => this.publishStateMachineVersion(r),
      ListStateMachineVersions: (r) => this.listStateMachineVersions(r),
      DeleteStateMachineVersion: (r) => this.deleteStateMachineVersion(r),
      CreateStateMachineAlias: (r) => this.createStateMachineAlias(r),
      DescribeStateMachineAlias: (r) => this.describeStateMachineAlias(r),
      ListStateMachineAliases: (r) => this.listStateMachineAliases(r),
      UpdateStateMachineAlias: (r) => this.updateStateMachineAlias(r),
      DeleteStateMachineAlias: (r) => this.deleteStateMachineAlias(r),
      RedriveExecution: (r) => this.redriveExecution(r),
    };
    this.actions = a;
  }

  /** Runs one action; throws SfnError for every failure AWS models. */
  async handle(action: string, body: Body, extras: RequestExtras = {}): Promise<Record<string, unknown>> {
    const handler = Object.prototype.hasOwnProperty.call(this.actions, action) ? this.actions[action] : undefined;
    if (!handler) throw unknownOperation();
    const target = (body as Record<string, unknown> | null)?.stateMachineArn;
    if ((action === 'StartExecution' || action === 'StartSyncExecution') && this.opts.mocks && typeof target === 'string' && target.includes('#')) {
      // Step Functions Local: `<stateMachineArn>#<TestCaseName>` runs the execution with that test case's mocks.
      const [arn, testCase] = [target.slice(0, target.indexOf('#')), target.slice(target.indexOf('#') + 1)];
      const smName = arn.split(':')[6] ?? '';
      if (!this.opts.mocks.config.hasTestCase(smName, testCase)) throw new ValidationException(`Test case '${testCase}' of state machine '${smName}' is not in the mock config`);
      const b = body as Record<string, unknown>;
      const name = typeof b.name === 'string' ? b.name : randomUUID();
      this.opts.mocks.bind(smName, name, testCase);
      return handler(new RequestReader({ ...b, stateMachineArn: arn, name }), extras);
    }
    return handler(new RequestReader(body), extras);
  }

  /** Wakes GetActivityTask pollers of an activity (the runner calls it for every new activity task). */
  notifyActivity(arn: string): void {
    const set = this.pollers.get(arn);
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  close(): void {
    this.closed = true;
    for (const set of this.pollers.values()) for (const wake of [...set]) wake();
  }

  // ------------------------------------------------------------------ helpers

  private validateDefinitionText(definition: string, type: string): void {
    const errors = validateDefinition(definition, { type: type as 'STANDARD' | 'EXPRESS' }).filter((d) => d.severity === 'ERROR');
    if (errors.length > 0) throw invalidDefinition(formatInvalidDefinition(errors));
  }

  private checkRoleArn(roleArn: string | undefined): void {
    if (roleArn !== undefined && !roleArn.startsWith('arn:')) throw invalidArn(roleArn);
  }

  private async machineOrThrow(arn: string): Promise<StateMachineRow> {
    const ref = parseMachineArn(arn);
    if (!ref) throw invalidArn(arn);
    const row = await this.store.getStateMachine(ref.base);
    if (!row || ref.qualifier !== undefined) {
      if (row && ref.qualifier !== undefined) throw invalidArn(arn);
      throw stateMachineDoesNotExist(arn);
    }
    return row;
  }

  private tags(r: RequestReader, arn: string): Tag[] {
    const raw = r.array('tags') ?? [];
    if (raw.length > MAX_TAGS) throw tooManyTags(arn);
    return raw.map((t) => {
      const o = t as Record<string, unknown>;
      return { key: String(o.key ?? ''), value: String(o.value ?? '') };
    });
  }

  private async publish(sm: StateMachineRow, description: string | undefined, now: number): Promise<VersionRow> {
    const latest = (await this.store.listVersions(sm.arn))[0];
    // Publishing an unchanged revision returns the latest version instead of a new one (AWS versions guide).
    if (latest && latest.revisionId === sm.revisionId) return latest;
    sm.lastVersion += 1;
    const v: VersionRow = {
      arn: `${sm.arn}:${sm.lastVersion}`, stateMachineArn: sm.arn, version: sm.lastVersion, definition: sm.definition, roleArn: sm.roleArn, type: sm.type,
      loggingConfiguration: sm.loggingConfiguration, tracingConfiguration: sm.tracingConfiguration, revisionId: sm.revisionId, creationDate: now,
      ...(sm.encryptionConfiguration !== undefined ? { encryptionConfiguration: sm.encryptionConfiguration } : {}),
      ...(description !== undefined ? { description } : {}),
    };
    await this.store.putVersion(v);
    await this.store.putStateMachine(sm);
    return v;
  }

  /** An express execution ARN is refused where only Standard executions exist (FACTS §1.3). */
  private async executionOrThrow(arn: string): Promise<ExecutionRow> {
    const a = parseArn(arn);
    if (a.resourceType === 'express') throw expressArnNotValid();
    if (a.resourceType !== 'execution') throw invalidArn(arn);
    const row = await this.store.getExecution(arn);
    if (!row) throw executionDoesNotExist(arn);
    return row;
  }

  // ------------------------------------------------------------------ state machines

  private async createStateMachine(r: RequestReader): Promise<Record<string, unknown>> {
    const name = r.string('name', { required: true, min: 1, max: 80 });
    const definition = r.string('definition', { required: true, min: 1, max: MAX_DEFINITION });
    const roleArn = r.string('roleArn', { required: true, min: 1, max: 256 });
    const type = r.string('type', { enum: TYPES }) ?? 'STANDARD';
    const publish = r.boolean('publish') ?? false;
    const versionDescription = r.string('versionDescription', { max: 256 });
    const logging = r.object('loggingConfiguration');
    const tracing = r.object('tracingConfiguration');
    const encryption = r.object('encryptionConfiguration');
    r.check();
    if (!isValidName(name as string)) throw invalidName(name as string);
    this.checkRoleArn(roleArn);
    if (versionDescription !== undefined && !publish) throw serviceValidation('Version description can only be set when publish is true');
    this.validateDefinitionText(definition as string, type);
    const arn = makeMachineArn(this.scope, name as string);
    const tags = this.tags(r, arn);
    const loggingConfiguration = { ...DEFAULT_LOGGING, ...(logging ?? {}) };
    const tracingConfiguration = { ...DEFAULT_TRACING, ...(tracing ?? {}) };
    // Create is idempotent on these fields; roleArn and tags are ignored (FACTS §1.3 [rec]).
    const createKey = JSON.stringify([definition, type, loggingConfiguration, tracingConfiguration, encryption ?? null, publish, versionDescription ?? null]);
    const existing = await this.store.getStateMachine(arn);
    if (existing) {
      if (existing.createKey !== createKey) throw stateMachineAlreadyExists(arn);
      const latest = publish ? (await this.store.listVersions(arn))[0] : undefined;
      return { stateMachineArn: arn, creationDate: seconds(existing.creationDate), ...(latest ? { stateMachineVersionArn: latest.arn } : {}) };
    }
    const now = Date.now();
    const row: StateMachineRow = {
      arn, name: name as string, type: type as StateMachineRow['type'], definition: definition as string, roleArn: roleArn as string,
      creationDate: now, updateDate: now, status: 'ACTIVE', lastVersion: 0, createKey, revisionId: randomUUID(),
      loggingConfiguration, tracingConfiguration, ...(encryption ? { encryptionConfiguration: encryption } : {}),
    };
    await this.store.putStateMachine(row);
    if (tags.length > 0) await this.store.tagResource(arn, tags);
    const out: Record<string, unknown> = { stateMachineArn: arn, creationDate: seconds(now) };
    if (publish) out.stateMachineVersionArn = (await this.publish(row, versionDescription, now)).arn;
    return out;
  }

  private async describeStateMachine(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineArn', { required: true, min: 1, max: 256 }) as string;
    r.string('includedData', { enum: INCLUDED_DATA });
    r.check();
    const ref = parseMachineArn(arn);
    if (!ref) throw invalidArn(arn);
    if (ref.qualifier !== undefined && /^\d+$/.test(ref.qualifier)) {
      const v = await this.store.getVersion(arn);
      if (!v) throw stateMachineDoesNotExist(arn);
      return {
        stateMachineArn: v.arn, name: ref.name, status: 'ACTIVE', definition: v.definition, roleArn: v.roleArn, type: v.type, creationDate: seconds(v.creationDate),
        loggingConfiguration: v.loggingConfiguration, tracingConfiguration: v.tracingConfiguration, revisionId: v.revisionId,
        ...(v.description !== undefined ? { description: v.description } : {}),
        ...(v.encryptionConfiguration !== undefined ? { encryptionConfiguration: v.encryptionConfiguration } : {}),
      };
    }
    const sm = await this.machineOrThrow(arn);
    return {
      stateMachineArn: sm.arn, name: sm.name, status: sm.status, definition: sm.definition, roleArn: sm.roleArn, type: sm.type,
      creationDate: seconds(sm.creationDate), loggingConfiguration: sm.loggingConfiguration, tracingConfiguration: sm.tracingConfiguration,
      revisionId: sm.revisionId, ...(sm.encryptionConfiguration !== undefined ? { encryptionConfiguration: sm.encryptionConfiguration } : {}),
    };
  }

  private async listStateMachines(r: RequestReader): Promise<Record<string, unknown>> {
    const max = r.integer('maxResults', { min: 0, max: 1000 });
    const token = r.string('nextToken', { min: 1, max: 1024 });
    r.check();
    const start = decodeToken(token, 'ListStateMachines') ?? 0;
    const all = await this.store.listStateMachines();
    const size = pageSize(max);
    const page = all.slice(start, start + size);
    return {
      stateMachines: page.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: seconds(m.creationDate) })),
      ...(start + size < all.length ? { nextToken: encodeToken('ListStateMachines', start + size) } : {}),
    };
  }

  private async updateStateMachine(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineArn', { required: true, min: 1, max: 256 }) as string;
    const definition = r.string('definition', { min: 1, max: MAX_DEFINITION });
    const roleArn = r.string('roleArn', { min: 1, max: 256 });
    const logging = r.object('loggingConfiguration');
    const tracing = r.object('tracingConfiguration');
    const encryption = r.object('encryptionConfiguration');
    const publish = r.boolean('publish') ?? false;
    const versionDescription = r.string('versionDescription', { max: 256 });
    r.check();
    const sm = await this.machineOrThrow(arn);
    if (definition === undefined && roleArn === undefined && logging === undefined && tracing === undefined && encryption === undefined && !publish) {
      throw missingRequiredParameter('Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
    }
    if (versionDescription !== undefined && !publish) throw serviceValidation('Version description can only be set when publish is true');
    this.checkRoleArn(roleArn);
    if (definition !== undefined) this.validateDefinitionText(definition, sm.type);
    const changed = (definition !== undefined && definition !== sm.definition) || (roleArn !== undefined && roleArn !== sm.roleArn)
      || logging !== undefined || tracing !== undefined || encryption !== undefined;
    const now = Date.now();
    if (definition !== undefined) sm.definition = definition;
    if (roleArn !== undefined) sm.roleArn = roleArn;
    if (logging) sm.loggingConfiguration = { ...DEFAULT_LOGGING, ...logging };
    if (tracing) sm.tracingConfiguration = { ...DEFAULT_TRACING, ...tracing };
    if (encryption) sm.encryptionConfiguration = encryption;
    if (changed) sm.revisionId = randomUUID();
    sm.updateDate = now;
    await this.store.putStateMachine(sm);
    const out: Record<string, unknown> = { updateDate: seconds(now), revisionId: sm.revisionId };
    if (publish) out.stateMachineVersionArn = (await this.publish(sm, versionDescription, now)).arn;
    return out;
  }

  private async deleteStateMachine(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineArn', { required: true, min: 1, max: 256 }) as string;
    r.check();
    const ref = parseMachineArn(arn);
    if (!ref) throw invalidArn(arn);
    // Deleting an unknown state machine answers 200 {} (FACTS §1.3 [rec]).
    if (ref.qualifier === undefined) await this.store.deleteStateMachine(ref.base);
    else if (/^\d+$/.test(ref.qualifier)) await this.deleteVersionChecked(arn);
    else await this.store.deleteAlias(arn);
    return {};
  }

  // ------------------------------------------------------------------ executions

  /** Resolves a (qualified) state machine ARN to what an execution runs: version or alias routing. */
  private async resolveTarget(arn: string): Promise<{ sm: StateMachineRow; definition: string; roleArn: string; versionArn?: string; aliasArn?: string }> {
    const ref = parseMachineArn(arn);
    if (!ref) {
      const a = parseArn(arn);
      if (a.resourceType === 'stateMachine') throw serviceValidation(`Invalid Arn: '${arn}'`);
      throw invalidArn(arn);
    }
    const sm = await this.store.getStateMachine(ref.base);
    if (!sm) throw stateMachineDoesNotExist(arn);
    if (ref.qualifier === undefined) return { sm, definition: sm.definition, roleArn: sm.roleArn };
    if (/^\d+$/.test(ref.qualifier)) {
      const v = await this.store.getVersion(arn);
      if (!v) throw stateMachineDoesNotExist(arn);
      return { sm, definition: v.definition, roleArn: v.roleArn, versionArn: v.arn };
    }
    const alias = await this.store.getAlias(arn);
    if (!alias) throw stateMachineDoesNotExist(arn);
    // Alias routing: pick a version with probability weight/100.
    let pick = Math.random() * 100;
    let chosen = alias.routingConfiguration[0] as RoutingEntry;
    for (const e of alias.routingConfiguration) { if (pick < e.weight) { chosen = e; break; } pick -= e.weight; }
    const v = await this.store.getVersion(chosen.stateMachineVersionArn);
    if (!v) throw stateMachineDoesNotExist(chosen.stateMachineVersionArn);
    return { sm, definition: v.definition, roleArn: v.roleArn, versionArn: v.arn, aliasArn: alias.arn };
  }

  private readStart(r: RequestReader): { arn: string; name?: string; input: string; traceHeader?: string } {
    const arn = r.string('stateMachineArn', { required: true, min: 1, max: 256 }) as string;
    const name = r.string('name', { min: 1, max: 80 });
    const input = r.string('input', { max: MAX_PAYLOAD_BYTES });
    const traceHeader = r.string('traceHeader', { max: 256 });
    r.check();
    if (name !== undefined && !isValidName(name)) throw invalidName(name);
    if (input !== undefined && byteLength(input) > MAX_PAYLOAD_BYTES) {
      throw new ValidationException(`1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`);
    }
    return { arn, ...(name !== undefined ? { name } : {}), input: input ?? '{}', ...(traceHeader !== undefined ? { traceHeader } : {}) };
  }

  private prepare(req: { name?: string; input: string; traceHeader?: string }, target: Awaited<ReturnType<SfnService['resolveTarget']>>, timeScale: number): { row: ExecutionRow; input: JsonValue } {
    const parsed = parseJsonPayload(req.input);
    if (!parsed.ok) throw invalidExecutionInput(parsed.message);
    const sm = target.sm;
    const name = req.name ?? randomUUID();
    const arn = sm.type === 'EXPRESS' ? expressExecutionArn(this.scope, sm.name, name, randomUUID()) : makeExecutionArn(this.scope, sm.name, name);
    const startTime = Date.now();
    const info: ExecutionInfo = {
      executionArn: arn, name, stateMachineArn: target.versionArn ?? target.aliasArn ?? sm.arn, stateMachineName: sm.name, roleArn: target.roleArn,
      startTime, redriveCount: 0, type: sm.type, region: this.scope.region, accountId: this.scope.accountId,
    };
    // The context object names the unqualified machine; the version/alias shows in the execution's fields.
    info.stateMachineArn = sm.arn;
    const row: ExecutionRow = {
      arn, stateMachineArn: sm.arn, stateMachineName: sm.name, name, type: sm.type, status: 'RUNNING', startDate: startTime, input: req.input,
      redriveCount: 0, definition: target.definition, roleArn: target.roleArn, timeScale, clockOffset: 0,
      // Express executions are never stored: their snapshot needs no JSON text.
      snapshot: this.runner.newSnapshot(info, parsed.value, sm.type !== 'EXPRESS'),
      ...(req.traceHeader !== undefined ? { traceHeader: req.traceHeader } : {}),
      ...(target.versionArn !== undefined ? { stateMachineVersionArn: target.versionArn } : {}),
      ...(target.aliasArn !== undefined ? { stateMachineAliasArn: target.aliasArn } : {}),
    };
    return { row, input: parsed.value };
  }

  private async startExecution(r: RequestReader, extras: RequestExtras): Promise<Record<string, unknown>> {
    const req = this.readStart(r);
    const target = await this.resolveTarget(req.arn);
    const { row } = this.prepare(req, target, extras.timeScale ?? this.opts.timeScale);
    if (row.type === 'EXPRESS') {
      // Express executions are not stored: names are not checked, history is not kept (FACTS §1.4).
      void this.runner.runEphemeral(row);
      return { executionArn: row.arn, startDate: seconds(row.startDate) };
    }
    for (;;) {
      const existing = await this.store.getExecution(row.arn);
      if (existing) {
        // Same name and input while RUNNING → the original execution; otherwise ExecutionAlreadyExists (FACTS §1.4).
        if (existing.status === 'RUNNING' && existing.input === row.input) return { executionArn: existing.arn, startDate: seconds(existing.startDate) };
        throw executionAlreadyExists(row.arn);
      }
      if (await this.store.insertExecution(row, [])) break;
    }
    this.runner.begin(row);
    return { executionArn: row.arn, startDate: seconds(row.startDate) };
  }

  private async startSyncExecution(r: RequestReader, extras: RequestExtras): Promise<Record<string, unknown>> {
    const req = this.readStart(r);
    r.string('includedData', { enum: INCLUDED_DATA });
    r.check();
    const target = await this.resolveTarget(req.arn);
    if (target.sm.type !== 'EXPRESS') throw typeNotSupported();
    const { row } = this.prepare(req, target, extras.timeScale ?? this.opts.timeScale);
    const { outcome, stopDate } = await this.runner.runEphemeral(row);
    const status = outcome.status === ExecutionStatus.SUCCEEDED ? 'SUCCEEDED' : outcome.status === ExecutionStatus.TIMED_OUT ? 'TIMED_OUT' : 'FAILED';
    return {
      executionArn: row.arn, stateMachineArn: row.stateMachineArn, name: row.name, startDate: seconds(row.startDate), stopDate: seconds(stopDate), status,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
      input: row.input, inputDetails: { included: true },
      // FAILED [rec]: outputDetails {included:true} without output.
      ...(status === 'SUCCEEDED' ? { output: JSON.stringify(outcome.output ?? null) } : {}), outputDetails: { included: true },
      ...(row.traceHeader !== undefined ? { traceHeader: row.traceHeader } : {}),
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((stopDate - row.startDate) / 100) * 100) },
    };
  }

  private redriveInfo(row: ExecutionRow): Record<string, unknown> {
    const date = row.redriveDate !== undefined ? { redriveDate: seconds(row.redriveDate) } : {};
    // FACTS §1.4 [rec]: FAILED / TIMED_OUT / ABORTED Standard executions are REDRIVABLE.
    if (row.status === 'FAILED' || row.status === 'TIMED_OUT' || row.status === 'ABORTED') return { ...date, redriveStatus: 'REDRIVABLE' };
    return { ...date, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: `Execution is ${row.status} and cannot be redriven` };
  }

  private async describeExecution(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('executionArn', { required: true, min: 1, max: 256 }) as string;
    const included = r.string('includedData', { enum: INCLUDED_DATA });
    r.check();
    const row = await this.executionOrThrow(arn);
    const withData = included !== 'METADATA_ONLY';
    return {
      executionArn: row.arn, stateMachineArn: row.stateMachineArn, name: row.name, status: row.status, startDate: seconds(row.startDate),
      ...(row.stopDate !== undefined ? { stopDate: seconds(row.stopDate) } : {}),
      ...(withData ? { input: row.input } : {}), inputDetails: { included: withData },
      ...(row.output !== undefined ? { ...(withData ? { output: row.output } : {}), outputDetails: { included: withData } } : {}),
      ...(row.error !== undefined ? { error: row.error } : {}),
      ...(row.cause !== undefined ? { cause: row.cause } : {}),
      ...(row.traceHeader !== undefined ? { traceHeader: row.traceHeader } : {}),
      ...(row.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: row.stateMachineVersionArn } : {}),
      ...(row.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: row.stateMachineAliasArn } : {}),
      redriveCount: row.redriveCount, ...this.redriveInfo(row),
    };
  }

  private async listExecutions(r: RequestReader): Promise<Record<string, unknown>> {
    const smArn = r.string('stateMachineArn', { min: 1, max: 256 });
    const mapRunArn = r.string('mapRunArn', { min: 1, max: 2000 });
    const status = r.string('statusFilter', { enum: STATUS_VALUES });
    const max = r.integer('maxResults', { min: 0, max: 1000 });
    const token = r.string('nextToken', { min: 1, max: 3096 });
    const redrive = r.string('redriveFilter', { enum: ['REDRIVEN', 'NOT_REDRIVEN'] });
    r.check();
    if (smArn === undefined && mapRunArn === undefined) throw serviceValidation('Must provide a StateMachine ARN or MapRun ARN');
    if (mapRunArn !== undefined) throw resourceNotFound(`Resource not found: '${mapRunArn}'`, mapRunArn);
    const ref = parseMachineArn(smArn as string);
    if (!ref) throw invalidArn(smArn as string);
    const sm = await this.store.getStateMachine(ref.base);
    if (!sm) throw stateMachineDoesNotExist(smArn as string);
    // Express executions are not listable (FACTS §1.3).
    if (sm.type === 'EXPRESS') throw typeNotSupported();
    const filter: Parameters<Store['listExecutions']>[0] = { stateMachineArn: sm.arn };
    if (ref.qualifier !== undefined) {
      if (/^\d+$/.test(ref.qualifier)) {
        if (!(await this.store.getVersion(smArn as string))) throw stateMachineDoesNotExist(smArn as string);
        filter.stateMachineVersionArn = smArn as string;
      } else {
        if (!(await this.store.getAlias(smArn as string))) throw resourceNotFound(`Resource not found: '${smArn}'`, smArn);
        filter.stateMachineAliasArn = smArn as string;
      }
    }
    if (status !== undefined) filter.status = status as ExecutionRow['status'];
    if (redrive !== undefined) filter.redriven = redrive === 'REDRIVEN';
    const scope = `ListExecutions:${JSON.stringify(filter)}`;
    const start = decodeToken(token, scope) ?? 0;
    const size = pageSize(max);
    const rows = await this.store.listExecutions(filter, start, size + 1);
    return {
      executions: rows.slice(0, size).map((e) => ({
        executionArn: e.arn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: seconds(e.startDate),
        ...(e.stopDate !== undefined ? { stopDate: seconds(e.stopDate) } : {}),
        ...(e.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: e.stateMachineVersionArn } : {}),
        ...(e.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: e.stateMachineAliasArn } : {}),
        redriveCount: e.redriveCount,
      })),
      ...(rows.length > size ? { nextToken: encodeToken(scope, start + size) } : {}),
    };
  }

  private async getExecutionHistory(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('executionArn', { required: true, min: 1, max: 256 }) as string;
    const max = r.integer('maxResults', { min: 0, max: 1000 });
    const reverse = r.boolean('reverseOrder') ?? false;
    const token = r.string('nextToken', { min: 1, max: 3096 });
    const includeData = r.boolean('includeExecutionData') ?? true;
    r.check();
    await this.executionOrThrow(arn);
    const scope = `GetExecutionHistory:${arn}:${reverse}`;
    const after = decodeToken(token, scope);
    const size = pageSize(max);
    const stored = await this.store.getHistory(arn, { reverse, limit: size + 1, ...(after !== undefined ? { afterId: after } : {}) });
    const page = stored.slice(0, size).map((e) => {
      const ev = JSON.parse(e.json) as HistoryEvent;
      const shown = includeData ? ev : withoutExecutionData(ev);
      return { ...shown, timestamp: seconds(ev.timestamp) };
    });
    const last = stored[size - 1];
    return { events: page, ...(stored.length > size && last ? { nextToken: encodeToken(scope, last.id) } : {}) };
  }

  private async stopExecution(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('executionArn', { required: true, min: 1, max: 256 }) as string;
    const error = r.string('error', { max: 256 });
    const cause = r.string('cause', { max: 32768 });
    r.check();
    const row = await this.executionOrThrow(arn);
    if (row.status === 'RUNNING') {
      await this.runner.send(arn, { kind: 'stop', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
    }
    const after = await this.store.getExecution(arn);
    return { stopDate: seconds(after?.stopDate ?? Date.now()) };
  }

  private async describeStateMachineForExecution(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('executionArn', { required: true, min: 1, max: 256 }) as string;
    r.string('includedData', { enum: INCLUDED_DATA });
    r.check();
    const row = await this.executionOrThrow(arn);
    const sm = await this.store.getStateMachine(row.stateMachineArn);
    const version = row.stateMachineVersionArn ? await this.store.getVersion(row.stateMachineVersionArn) : undefined;
    const cfg = version ?? sm;
    return {
      stateMachineArn: row.stateMachineVersionArn ?? row.stateMachineArn, name: row.stateMachineName, definition: row.definition, roleArn: row.roleArn,
      updateDate: seconds(version?.creationDate ?? sm?.updateDate ?? row.startDate),
      loggingConfiguration: cfg?.loggingConfiguration ?? DEFAULT_LOGGING, tracingConfiguration: cfg?.tracingConfiguration ?? DEFAULT_TRACING,
      ...(cfg?.revisionId !== undefined ? { revisionId: cfg.revisionId } : {}),
    };
  }

  private async validateStateMachineDefinition(r: RequestReader): Promise<Record<string, unknown>> {
    const definition = r.string('definition', { required: true, min: 1, max: MAX_DEFINITION }) as string;
    const type = r.string('type', { enum: TYPES }) ?? 'STANDARD';
    const severity = r.string('severity', { enum: ['ERROR', 'WARNING'] }) ?? 'ERROR';
    const max = r.integer('maxResults', { min: 0, max: 100 });
    r.check();
    const all: Diagnostic[] = validateDefinition(definition, { type: type as 'STANDARD' | 'EXPRESS' });
    const shown = severity === 'WARNING' ? all : all.filter((d) => d.severity === 'ERROR');
    const limit = max === undefined || max === 0 ? 100 : max;
    return {
      result: all.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK',
      diagnostics: shown.slice(0, limit).map((d) => ({ severity: d.severity, code: d.code, message: d.message, ...(d.location !== undefined ? { location: d.location } : {}) })),
      truncated: shown.length > limit,
    };
  }

  private async testState(r: RequestReader): Promise<Record<string, unknown>> {
    const definition = r.string('definition', { required: true, min: 1, max: MAX_DEFINITION }) as string;
    r.string('roleArn', { min: 1, max: 256 });
    const input = r.string('input', { max: MAX_PAYLOAD_BYTES });
    const inspectionLevel = r.string('inspectionLevel', { enum: ['INFO', 'DEBUG', 'TRACE'] }) ?? 'INFO';
    const variables = r.string('variables', { max: MAX_PAYLOAD_BYTES });
    const stateName = r.string('stateName', { min: 1, max: 80 });
    const mock = r.object('mock');
    const context = r.string('context', { max: MAX_PAYLOAD_BYTES });
    r.check();
    return testState({
      definition, inspectionLevel, region: this.scope.region, accountId: this.scope.accountId,
      ...(input !== undefined ? { input } : {}), ...(variables !== undefined ? { variables } : {}), ...(stateName !== undefined ? { stateName } : {}),
      ...(mock !== undefined ? { mock } : {}), ...(context !== undefined ? { context } : {}),
      ...(this.opts.dispatchers ? { dispatchers: this.opts.dispatchers } : {}),
    });
  }

  // ------------------------------------------------------------------ task tokens

  private async taskOf(token: string): Promise<{ executionArn: string; taskId: string }> {
    const task = await this.store.getTaskByToken(token);
    if (task && this.runner.isLive(task.executionArn)) return task;
    // A token of ours whose task has ended answers TaskTimedOut; anything else is not a token (AWS behaviour).
    if (OUR_TOKEN.test(token)) throw new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    throw invalidToken('Invalid token');
  }

  private async sendTaskSuccess(r: RequestReader): Promise<Record<string, unknown>> {
    const token = r.string('taskToken', { required: true, min: 1, max: 2048 }) as string;
    const output = r.string('output', { required: true, max: MAX_PAYLOAD_BYTES }) as string;
    r.check();
    const parsed = parseJsonPayload(output);
    if (!parsed.ok) throw invalidOutput(parsed.message);
    const task = await this.taskOf(token);
    await this.runner.send(task.executionArn, { kind: 'taskSucceeded', taskId: task.taskId, output: parsed.value });
    return {};
  }

  private async sendTaskFailure(r: RequestReader): Promise<Record<string, unknown>> {
    const token = r.string('taskToken', { required: true, min: 1, max: 2048 }) as string;
    const error = r.string('error', { max: 256 });
    const cause = r.string('cause', { max: 32768 });
    r.check();
    const task = await this.taskOf(token);
    // SendTaskFailure's error and cause reach TaskFailed verbatim (FACTS §4.5 [rec]).
    await this.runner.send(task.executionArn, { kind: 'taskFailed', taskId: task.taskId, error: error ?? '', ...(cause !== undefined ? { cause } : {}) });
    return {};
  }

  private async sendTaskHeartbeat(r: RequestReader): Promise<Record<string, unknown>> {
    const token = r.string('taskToken', { required: true, min: 1, max: 2048 }) as string;
    r.check();
    const task = await this.taskOf(token);
    await this.runner.send(task.executionArn, { kind: 'taskHeartbeat', taskId: task.taskId });
    return {};
  }

  // ------------------------------------------------------------------ activities

  private async activityOrThrow(arn: string): Promise<void> {
    const a = parseArn(arn);
    if (a.resourceType !== 'activity') throw invalidArn(arn);
    if (!(await this.store.getActivity(arn))) throw activityDoesNotExist(arn);
  }

  private async createActivity(r: RequestReader): Promise<Record<string, unknown>> {
    const name = r.string('name', { required: true, min: 1, max: 80 }) as string;
    const encryption = r.object('encryptionConfiguration');
    r.check();
    if (!isValidName(name)) throw invalidName(name);
    const arn = activityArn(this.scope, name);
    const tags = this.tags(r, arn);
    const createKey = JSON.stringify([encryption ?? null]);
    const existing = await this.store.getActivity(arn);
    if (existing) {
      // CreateActivity is idempotent; a different configuration is ActivityAlreadyExists.
      if (existing.createKey !== createKey) throw activityAlreadyExists(arn);
      return { activityArn: arn, creationDate: seconds(existing.creationDate) };
    }
    const now = Date.now();
    await this.store.putActivity({ arn, name, creationDate: now, createKey });
    if (tags.length > 0) await this.store.tagResource(arn, tags);
    return { activityArn: arn, creationDate: seconds(now) };
  }

  private async deleteActivity(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('activityArn', { required: true, min: 1, max: 256 }) as string;
    r.check();
    const a = parseArn(arn);
    if (a.resourceType !== 'activity') throw invalidArn(arn);
    await this.store.deleteActivity(arn);
    return {};
  }

  private async describeActivity(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('activityArn', { required: true, min: 1, max: 256 }) as string;
    r.check();
    await this.activityOrThrow(arn);
    const a = await this.store.getActivity(arn);
    return { activityArn: arn, name: a?.name, creationDate: seconds(a?.creationDate ?? 0) };
  }

  private async listActivities(r: RequestReader): Promise<Record<string, unknown>> {
    const max = r.integer('maxResults', { min: 0, max: 1000 });
    const token = r.string('nextToken', { min: 1, max: 1024 });
    r.check();
    const start = decodeToken(token, 'ListActivities') ?? 0;
    const all = await this.store.listActivities();
    const size = pageSize(max);
    return {
      activities: all.slice(start, start + size).map((a) => ({ activityArn: a.arn, name: a.name, creationDate: seconds(a.creationDate) })),
      ...(start + size < all.length ? { nextToken: encodeToken('ListActivities', start + size) } : {}),
    };
  }

  private async getActivityTask(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('activityArn', { required: true, min: 1, max: 256 }) as string;
    const workerName = r.string('workerName', { min: 1, max: 80 });
    r.check();
    await this.activityOrThrow(arn);
    const deadline = Date.now() + this.pollMs;
    while (!this.closed) {
      const task = await this.store.claimActivityTask(arn);
      if (task) {
        const cmd = JSON.parse(task.command) as InvokeTaskCommand;
        await this.runner.send(task.executionArn, { kind: 'taskStarted', taskId: task.taskId, ...(workerName !== undefined ? { workerName } : {}) });
        return { taskToken: task.taskToken, input: JSON.stringify(cmd.parameters) };
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await new Promise<void>((res) => {
        const set = this.pollers.get(arn) ?? new Set<() => void>();
        this.pollers.set(arn, set);
        const wake = (): void => { clearTimeout(timer); set.delete(wake); res(); };
        const timer = setTimeout(wake, remaining);
        set.add(wake);
      });
    }
    // Nothing to do within the poll: an empty answer (FACTS §1.2).
    return {};
  }

  // ------------------------------------------------------------------ tags

  private async taggable(arn: string): Promise<void> {
    const a = parseArn(arn);
    const found = a.resourceType === 'stateMachine'
      ? (a.parts.length === 1 ? await this.store.getStateMachine(arn) : /^\d+$/.test(a.parts[1] ?? '') ? await this.store.getVersion(arn) : await this.store.getAlias(arn))
      : a.resourceType === 'activity' ? await this.store.getActivity(arn) : undefined;
    if (!found) throw resourceNotFound(`Resource not found: '${arn}'`, arn);
  }

  private async tagResource(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('resourceArn', { required: true, min: 1, max: 256 }) as string;
    r.array('tags', { required: true });
    r.check();
    await this.taggable(arn);
    const tags = this.tags(r, arn);
    const current = await this.store.getTags(arn);
    const keys = new Set([...current.map((t) => t.key), ...tags.map((t) => t.key)]);
    if (keys.size > MAX_TAGS) throw tooManyTags(arn);
    await this.store.tagResource(arn, tags);
    return {};
  }

  private async untagResource(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('resourceArn', { required: true, min: 1, max: 256 }) as string;
    const keys = r.array('tagKeys', { required: true }) ?? [];
    r.check();
    await this.taggable(arn);
    await this.store.untagResource(arn, keys.map(String));
    return {};
  }

  private async listTagsForResource(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('resourceArn', { required: true, min: 1, max: 256 }) as string;
    r.check();
    await this.taggable(arn);
    return { tags: await this.store.getTags(arn) };
  }

  // ------------------------------------------------------------------ versions and aliases

  private async publishStateMachineVersion(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineArn', { required: true, min: 1, max: 256 }) as string;
    const revisionId = r.string('revisionId');
    const description = r.string('description', { max: 256 });
    r.check();
    const sm = await this.machineOrThrow(arn);
    if (revisionId !== undefined && revisionId !== sm.revisionId) {
      throw conflict(`Failed to publish the State Machine version for revision ${revisionId}. The current State Machine revision is ${sm.revisionId}.`);
    }
    const v = await this.publish(sm, description, Date.now());
    return { creationDate: seconds(v.creationDate), stateMachineVersionArn: v.arn };
  }

  private async listStateMachineVersions(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineArn', { required: true, min: 1, max: 256 }) as string;
    const max = r.integer('maxResults', { min: 0, max: 1000 });
    const token = r.string('nextToken', { min: 1, max: 1024 });
    r.check();
    const sm = await this.machineOrThrow(arn);
    const scope = `ListStateMachineVersions:${sm.arn}`;
    const start = decodeToken(token, scope) ?? 0;
    const all = await this.store.listVersions(sm.arn);
    const size = pageSize(max);
    return {
      stateMachineVersions: all.slice(start, start + size).map((v) => ({ stateMachineVersionArn: v.arn, creationDate: seconds(v.creationDate) })),
      ...(start + size < all.length ? { nextToken: encodeToken(scope, start + size) } : {}),
    };
  }

  private async deleteVersionChecked(arn: string): Promise<void> {
    const ref = parseMachineArn(arn);
    if (!ref || ref.qualifier === undefined || !/^\d+$/.test(ref.qualifier)) throw invalidArn(arn);
    for (const alias of await this.store.listAliases(ref.base)) {
      if (alias.routingConfiguration.some((e) => e.stateMachineVersionArn === arn)) {
        throw conflict(`Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${alias.name}]`);
      }
    }
    await this.store.deleteVersion(arn);
  }

  private async deleteStateMachineVersion(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineVersionArn', { required: true, min: 1, max: 256 }) as string;
    r.check();
    await this.deleteVersionChecked(arn);
    return {};
  }

  private async readRouting(r: RequestReader, required: boolean): Promise<RoutingEntry[] | undefined> {
    const raw = r.array('routingConfiguration', { required, min: 1, max: 2 });
    r.check();
    if (!raw) return undefined;
    const routes = raw.map((e) => {
      const o = e as Record<string, unknown>;
      return { stateMachineVersionArn: String(o.stateMachineVersionArn ?? ''), weight: Number(o.weight ?? 0) };
    });
    const machines = new Set<string>();
    for (const e of routes) {
      const ref = parseMachineArn(e.stateMachineVersionArn);
      if (!ref || ref.qualifier === undefined || !/^\d+$/.test(ref.qualifier)) throw invalidArn(e.stateMachineVersionArn);
      if (!(await this.store.getVersion(e.stateMachineVersionArn))) throw resourceNotFound(`Resource not found: '${e.stateMachineVersionArn}'`, e.stateMachineVersionArn);
      machines.add(ref.base);
      if (!Number.isInteger(e.weight) || e.weight < 0 || e.weight > 100) throw serviceValidation('Weight must be an integer between 0 and 100');
    }
    if (routes.reduce((a, e) => a + e.weight, 0) !== 100) throw serviceValidation('Sum of routing configuration weights must be equal to 100');
    if (new Set(routes.map((e) => e.stateMachineVersionArn)).size !== routes.length) throw serviceValidation('Routing configuration must contain distinct state machine version ARNs');
    if (machines.size > 1) throw serviceValidation('Routing configuration must contain state machine versions of the same state machine');
    return routes;
  }

  private async createStateMachineAlias(r: RequestReader): Promise<Record<string, unknown>> {
    const name = r.string('name', { required: true, min: 1, max: 80 }) as string;
    const description = r.string('description', { max: 256 });
    const routes = await this.readRouting(r, true) as RoutingEntry[];
    // An alias name may not look like a version number, or its ARN would be ambiguous.
    if (!isValidName(name) || /^\d+$/.test(name)) throw invalidName(name);
    const base = (parseMachineArn(routes[0]?.stateMachineVersionArn ?? '') as { base: string }).base;
    const arn = `${base}:${name}`;
    const existing = await this.store.getAlias(arn);
    if (existing) {
      if (JSON.stringify(existing.routingConfiguration) === JSON.stringify(routes) && existing.description === description) {
        return { stateMachineAliasArn: arn, creationDate: seconds(existing.creationDate) };
      }
      throw conflict(`Failed to create alias because an alias with the same name and a different routing configuration already exists.`);
    }
    const now = Date.now();
    const row: AliasRow = { arn, stateMachineArn: base, name, routingConfiguration: routes, creationDate: now, updateDate: now, ...(description !== undefined ? { description } : {}) };
    await this.store.putAlias(row);
    return { stateMachineAliasArn: arn, creationDate: seconds(now) };
  }

  private async aliasOrThrow(arn: string): Promise<AliasRow> {
    const ref = parseMachineArn(arn);
    if (!ref || ref.qualifier === undefined || /^\d+$/.test(ref.qualifier)) throw invalidArn(arn);
    const alias = await this.store.getAlias(arn);
    if (!alias) throw resourceNotFound(`Resource not found: '${arn}'`, arn);
    return alias;
  }

  private async describeStateMachineAlias(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineAliasArn', { required: true, min: 1, max: 256 }) as string;
    r.check();
    const a = await this.aliasOrThrow(arn);
    return {
      stateMachineAliasArn: a.arn, name: a.name, ...(a.description !== undefined ? { description: a.description } : {}),
      routingConfiguration: a.routingConfiguration, creationDate: seconds(a.creationDate), updateDate: seconds(a.updateDate),
    };
  }

  private async listStateMachineAliases(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineArn', { required: true, min: 1, max: 256 }) as string;
    const max = r.integer('maxResults', { min: 0, max: 1000 });
    const token = r.string('nextToken', { min: 1, max: 1024 });
    r.check();
    const sm = await this.machineOrThrow(arn);
    const scope = `ListStateMachineAliases:${sm.arn}`;
    const start = decodeToken(token, scope) ?? 0;
    const all = await this.store.listAliases(sm.arn);
    const size = pageSize(max);
    return {
      stateMachineAliases: all.slice(start, start + size).map((a) => ({ stateMachineAliasArn: a.arn, creationDate: seconds(a.creationDate) })),
      ...(start + size < all.length ? { nextToken: encodeToken(scope, start + size) } : {}),
    };
  }

  private async updateStateMachineAlias(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineAliasArn', { required: true, min: 1, max: 256 }) as string;
    const description = r.string('description', { max: 256 });
    const routes = await this.readRouting(r, false);
    const a = await this.aliasOrThrow(arn);
    if (description === undefined && routes === undefined) {
      throw serviceValidation('Either the description or the RoutingConfiguration must be specified');
    }
    if (routes && routes.some((e) => !e.stateMachineVersionArn.startsWith(`${a.stateMachineArn}:`))) {
      throw serviceValidation('Routing configuration must contain state machine versions of the same state machine');
    }
    const now = Date.now();
    if (description !== undefined) a.description = description;
    if (routes) a.routingConfiguration = routes;
    a.updateDate = now;
    await this.store.putAlias(a);
    return { updateDate: seconds(now) };
  }

  private async deleteStateMachineAlias(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('stateMachineAliasArn', { required: true, min: 1, max: 256 }) as string;
    r.check();
    await this.aliasOrThrow(arn);
    await this.store.deleteAlias(arn);
    return {};
  }

  private async redriveExecution(r: RequestReader): Promise<Record<string, unknown>> {
    const arn = r.string('executionArn', { required: true, min: 1, max: 256 }) as string;
    r.string('clientToken', { min: 1, max: 64 });
    r.check();
    const row = await this.executionOrThrow(arn);
    if (row.status === 'RUNNING' || row.status === 'SUCCEEDED') {
      throw executionNotRedrivable(`Execution with arn ${arn} cannot be redriven because it is in ${row.status} state.`);
    }
    // The engine restarts the execution from the state it stopped in (see engine.ts redrive).
    await this.runner.redrive(row);
    const after = await this.executionOrThrow(arn);
    return { redriveDate: seconds(after.redriveDate ?? Date.now()) };
  }
}
