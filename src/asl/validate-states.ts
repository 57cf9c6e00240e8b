// Static checks of state containers (the machine, Parallel branches, Map item processors) and of
// every state in them: allowed fields per type and query language, field types and ranges,
// mutually exclusive fields, Retry/Catch, Express-only restrictions, transition targets and
// reachability, in the order AWS reports them (each state in document order, then the graph).
import { parseTimestamp } from './timestamp.js';
import { isJsonataExpression } from './jsonata-eval.js';
import {
  at, item, isInteger, isJsonObject, expectKind, expectIntRange, expectRange, expectEnum, expectRequired,
  type Collector,
} from './validate-context.js';
import { DiagnosticCode, Msg, ValueKind } from './validate-messages.js';
import {
  ALL_ROOTS, INPUT_ONLY, checkStaticResult, looksLikePath, checkJsonataAssign, checkJsonataTemplate, checkJsonPathAssign, checkPayloadTemplate,
  isPathOrIntrinsic, isValidPath, isValidReferencePath,
} from './validate-expressions.js';
import { checkJsonataRule, checkJsonPathRule } from './validate-choice.js';

export const StateType = {
  Task: 'Task', Wait: 'Wait', Pass: 'Pass', Succeed: 'Succeed', Fail: 'Fail', Choice: 'Choice', Parallel: 'Parallel', Map: 'Map',
} as const;
export type StateType = (typeof StateType)[keyof typeof StateType];
/** In AWS's order, as its "should have one of these values" message lists them. */
const STATE_TYPES: readonly StateType[] = ['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice', 'Parallel', 'Map'];

export const QUERY_LANGUAGES = ['JSONPath', 'JSONata'] as const;

/** Largest timeout / interval AWS accepts (FACTS §2.2, §2.9; "Maximum value is 99999999" [rec]). */
const MAX_SECONDS = 99_999_999;
/** Retrier MaxDelaySeconds upper bound (FACTS §2.9). */
const MAX_DELAY_SECONDS = 31_622_400;
/** State names: at most 80 characters (FACTS §1.4). */
const MAX_STATE_NAME = 80;
/** Map Label: at most 40 characters (FACTS §1.4). */
const MAX_LABEL = 40;

const TRANSITION = ['Next', 'End'];
const IO = ['InputPath', 'OutputPath'];
const RESULT = ['ResultSelector', 'ResultPath'];
const ERRORS = ['Retry', 'Catch'];

/** Fields each state type accepts, besides Type, Comment and QueryLanguage (FACTS §2.2). */
const JSONPATH_FIELDS: Record<StateType, readonly string[]> = {
  Pass: [...IO, 'Parameters', 'Result', 'ResultPath', 'Assign', ...TRANSITION],
  Task: [...IO, 'Resource', 'Parameters', ...RESULT, ...ERRORS, 'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds',
    'HeartbeatSecondsPath', 'Credentials', 'Assign', ...TRANSITION],
  Choice: [...IO, 'Choices', 'Default', 'Assign'],
  Wait: [...IO, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'Assign', ...TRANSITION],
  Succeed: [...IO],
  Fail: ['Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: [...IO, 'Branches', 'Parameters', ...RESULT, ...ERRORS, 'Assign', ...TRANSITION],
  Map: [...IO, 'ItemProcessor', 'Iterator', 'ItemsPath', 'ItemSelector', 'Parameters', 'ItemReader', 'ItemBatcher', 'ResultWriter',
    'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath',
    'ToleratedFailureCount', 'ToleratedFailureCountPath', 'Label', ...RESULT, ...ERRORS, 'Assign', ...TRANSITION],
};
const JSONATA_FIELDS: Record<StateType, readonly string[]> = {
  Pass: ['Output', 'Assign', ...TRANSITION],
  Task: ['Resource', 'Arguments', 'Output', 'Assign', ...ERRORS, 'TimeoutSeconds', 'HeartbeatSeconds', 'Credentials', ...TRANSITION],
  Choice: ['Choices', 'Default', 'Output', 'Assign'],
  Wait: ['Seconds', 'Timestamp', 'Output', 'Assign', ...TRANSITION],
  Succeed: ['Output'],
  Fail: ['Error', 'Cause'],
  Parallel: ['Branches', 'Arguments', 'Output', 'Assign', ...ERRORS, ...TRANSITION],
  Map: ['Items', 'ItemProcessor', 'Iterator', 'ItemSelector', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'MaxConcurrency',
    'ToleratedFailurePercentage', 'ToleratedFailureCount', 'Label', 'Output', 'Assign', ...ERRORS, ...TRANSITION],
};
const COMMON_FIELDS = ['Type', 'Comment', 'QueryLanguage'];

/** Pairs (or sets) of which a state may carry at most one. */
const EXCLUSIVE: Partial<Record<StateType, readonly (readonly string[])[]>> = {
  Task: [['TimeoutSeconds', 'TimeoutSecondsPath'], ['HeartbeatSeconds', 'HeartbeatSecondsPath']],
  Fail: [['Error', 'ErrorPath'], ['Cause', 'CausePath']],
  Map: [['ItemProcessor', 'Iterator'], ['ItemSelector', 'Parameters'], ['MaxConcurrency', 'MaxConcurrencyPath'],
    ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'], ['ToleratedFailureCount', 'ToleratedFailureCountPath']],
};
const WAIT_FIELDS = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'];
const WAIT_FIELDS_JSONATA = ['Seconds', 'Timestamp'];

const ERROR_ALL = 'States.ALL';
const JITTER = ['FULL', 'NONE'];
const MAP_MODES = ['INLINE', 'DISTRIBUTED'];
const EXECUTION_TYPES = ['STANDARD', 'EXPRESS'];

/** Names of states whose key appears twice in one `States` object, by that object's location. */
export type DuplicateNames = ReadonlyMap<string, readonly string[]>;

interface StateCtx {
  c: Collector;
  type: StateType;
  jsonata: boolean;
  loc: string;
  raw: Record<string, unknown>;
  duplicates: DuplicateNames;
}

export const ContainerKind = { MACHINE: 'MACHINE', BRANCH: 'BRANCH', PROCESSOR: 'PROCESSOR' } as const;
export type ContainerKind = (typeof ContainerKind)[keyof typeof ContainerKind];

/**
 * Checks the `States` of a container and its graph. `loc` is the container's location ('/' for the
 * machine). Field checks of the container object itself are done by the caller.
 */
export function checkStates(c: Collector, container: Record<string, unknown>, loc: string, kind: ContainerKind, duplicates: DuplicateNames): void {
  const states = container.States;
  if (!isJsonObject(states)) return;
  const statesLoc = at(loc, 'States');
  const names = Object.keys(states);
  const dups = duplicates.get(statesLoc) ?? [];
  for (const name of names) {
    const stateLoc = at(statesLoc, name);
    if (dups.includes(name)) c.error(DiagnosticCode.DUPLICATE_STATE_NAME, Msg.duplicateStateName(name), stateLoc);
    if (name.length === 0) c.error(DiagnosticCode.INVALID_STATE_NAME, Msg.stateNameEmpty(), stateLoc);
    else if ([...name].length > MAX_STATE_NAME) c.error(DiagnosticCode.INVALID_STATE_NAME, Msg.stateNameTooLong(name), stateLoc);
    checkState(c, states[name], stateLoc, new Set(names), duplicates);
  }
  const startAt = typeof container.StartAt === 'string' ? container.StartAt : undefined;
  // MISSING_END_STATE is a machine-level rule and replaces the reachability walk there
  // (measured, floci-io/floci#2735); branches and item processors are always walked.
  if (kind === ContainerKind.MACHINE && !names.some((n) => isTerminal(states[n]))) {
    c.error(DiagnosticCode.MISSING_END_STATE, Msg.noTerminalState());
    return;
  }
  if (startAt === undefined) return;
  const reachable = new Set<string>();
  if (names.includes(startAt)) {
    const pending = [startAt];
    reachable.add(startAt);
    while (pending.length > 0) {
      for (const t of targetsOf(states[pending.pop() as string])) {
        if (names.includes(t.name) && !reachable.has(t.name)) { reachable.add(t.name); pending.push(t.name); }
      }
    }
  } else {
    c.error(DiagnosticCode.MISSING_TRANSITION_TARGET, Msg.missingTarget(startAt), at(loc, 'StartAt'));
  }
  for (const name of names) {
    if (!reachable.has(name)) c.error(DiagnosticCode.MISSING_TRANSITION_TARGET, Msg.unreachable(name), at(statesLoc, name));
  }
}

function isTerminal(s: unknown): boolean {
  return isJsonObject(s) && (s.Type === 'Succeed' || s.Type === 'Fail' || s.End === true);
}

interface Target { name: string; loc: string }

/** Every transition out of a state, with the location AWS reports a missing target at. */
function targetsOf(s: unknown, stateLoc = ''): Target[] {
  if (!isJsonObject(s)) return [];
  const out: Target[] = [];
  for (const key of Object.keys(s)) {
    const v = s[key];
    if ((key === 'Next' || key === 'Default') && typeof v === 'string') out.push({ name: v, loc: at(stateLoc, key) });
    if ((key === 'Choices' || key === 'Catch') && Array.isArray(v)) {
      v.forEach((rule, i) => {
        if (isJsonObject(rule) && typeof rule.Next === 'string') out.push({ name: rule.Next, loc: at(item(at(stateLoc, key), i), 'Next') });
      });
    }
  }
  return out;
}

function checkState(c: Collector, state: unknown, loc: string, siblings: ReadonlySet<string>, duplicates: DuplicateNames): void {
  if (!expectKind(c, state, ValueKind.OBJECT, loc)) return;
  const raw = state as Record<string, unknown>;
  if (!expectRequired(c, raw, ['Type'], loc)) return;
  if (typeof raw.Type !== 'string' || !(STATE_TYPES as readonly string[]).includes(raw.Type)) {
    c.schema(Msg.stateType(STATE_TYPES), at(loc, 'Type'));
    return;
  }
  const type = raw.Type as StateType;
  // The language is JSONPath only when spelled exactly so; absent, it is inherited from the
  // machine (not from an enclosing Map or Parallel) (floci-io/floci#2968, measured).
  const jsonata = 'QueryLanguage' in raw ? raw.QueryLanguage !== 'JSONPath' : c.topJsonata;
  const downgraded = c.topJsonata && raw.QueryLanguage === 'JSONPath';
  if (downgraded) c.schema(Msg.queryLanguageDowngrade(), loc);
  const s: StateCtx = { c, type, jsonata, loc, raw, duplicates };

  const own = jsonata ? JSONATA_FIELDS[type] : JSONPATH_FIELDS[type];
  const other = jsonata ? JSONPATH_FIELDS[type] : JSONATA_FIELDS[type];
  for (const key of Object.keys(raw)) {
    if (key === 'Type') continue;
    if (COMMON_FIELDS.includes(key) || own.includes(key)) checkField(s, key, raw[key]);
    else if (other.includes(key)) {
      // After a refused downgrade AWS reports only the downgrade for that state (floci-io/floci#2968).
      if (!downgraded) c.schema(Msg.otherLanguageField(jsonata ? 'JSONata' : 'JSONPath', key, jsonata ? 'JSONPath' : 'JSONata'), loc);
    } else c.schema(Msg.notSupported(key), loc);
  }
  checkCrossFields(s);
  for (const t of targetsOf(raw, loc)) {
    if (!siblings.has(t.name)) c.error(DiagnosticCode.MISSING_TRANSITION_TARGET, Msg.missingTarget(t.name), t.loc);
  }
  if (type === 'Parallel' && Array.isArray(raw.Branches)) {
    raw.Branches.forEach((b, i) => checkContainer(c, b, item(at(loc, 'Branches'), i), ContainerKind.BRANCH, duplicates));
  }
  if (type === 'Map') {
    for (const key of ['ItemProcessor', 'Iterator']) {
      if (key in raw) checkContainer(c, raw[key], at(loc, key), ContainerKind.PROCESSOR, duplicates);
    }
  }
}

/** A Parallel branch or a Map item processor: `{StartAt, States, Comment?, ProcessorConfig?}`. */
function checkContainer(c: Collector, v: unknown, loc: string, kind: ContainerKind, duplicates: DuplicateNames): void {
  if (!expectKind(c, v, ValueKind.OBJECT, loc)) return;
  const o = v as Record<string, unknown>;
  expectRequired(c, o, ['States', 'StartAt'], loc);
  for (const [key, x] of Object.entries(o)) {
    const fieldLoc = at(loc, key);
    if (key === 'StartAt' || key === 'Comment') expectKind(c, x, ValueKind.STRING, fieldLoc);
    else if (key === 'States') expectKind(c, x, ValueKind.OBJECT, fieldLoc);
    else if (key === 'ProcessorConfig' && kind === ContainerKind.PROCESSOR) checkProcessorConfig(c, x, fieldLoc);
    // A sub-workflow declares no QueryLanguage of its own (measured, floci-io/floci#2968).
    else c.schema(Msg.notSupported(key), loc);
  }
  checkStates(c, o, loc, kind, duplicates);
}

function checkProcessorConfig(c: Collector, v: unknown, loc: string): void {
  if (!expectKind(c, v, ValueKind.OBJECT, loc)) return;
  for (const [key, x] of Object.entries(v as Record<string, unknown>)) {
    if (key === 'Mode') expectEnum(c, x, MAP_MODES, at(loc, key));
    else if (key === 'ExecutionType') expectEnum(c, x, EXECUTION_TYPES, at(loc, key));
    else c.schema(Msg.notSupported(key), loc);
  }
}

const isExpr = (v: unknown): v is string => typeof v === 'string' && isJsonataExpression(v);

/** Integer field that a JSONata state may also give as an expression. */
function intOrExpr(s: StateCtx, v: unknown, min: number, max: number | undefined, loc: string): void {
  if (s.jsonata && isExpr(v)) checkJsonataTemplate(s.c, v, loc);
  else expectIntRange(s.c, v, min, max, loc);
}

function referencePath(s: StateCtx, key: string, v: unknown, loc: string): void {
  if (expectKind(s.c, v, ValueKind.STRING, loc) && !isValidReferencePath(v as string, ALL_ROOTS)) s.c.schema(Msg.invalidReferencePath(key), loc);
}

/** Characters a Map Label may not contain (FACTS §1.4: the execution-name rules). */
const LABEL_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff]/u;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isValidLabel(label: string): boolean {
  const length = [...label].length;
  return length >= 1 && length <= MAX_LABEL && !LABEL_FORBIDDEN.test(label) && !LONE_SURROGATE.test(label);
}

const ARN = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;

function checkField(s: StateCtx, key: string, v: unknown): void {
  const { c } = s;
  const loc = at(s.loc, key);
  switch (key) {
    case 'Comment': case 'Next': case 'Default':
      expectKind(c, v, ValueKind.STRING, loc);
      return;
    case 'QueryLanguage':
      expectEnum(c, v, QUERY_LANGUAGES, loc);
      return;
    case 'End':
      expectKind(c, v, ValueKind.BOOLEAN, loc);
      return;
    case 'InputPath': case 'OutputPath':
      if (v !== null && expectKind(c, v, ValueKind.STRING, loc) && !isValidPath(v as string, ALL_ROOTS)) c.schema(Msg.invalidPath(key), loc);
      return;
    case 'ResultPath':
      if (v !== null && expectKind(c, v, ValueKind.STRING, loc) && !isValidReferencePath(v as string, INPUT_ONLY)) c.schema(Msg.invalidReferencePath(key), loc);
      return;
    case 'Parameters':
      checkPayloadTemplate(c, v, loc);
      return;
    case 'ResultSelector':
      if (expectKind(c, v, ValueKind.OBJECT, loc)) checkPayloadTemplate(c, v, loc);
      return;
    case 'ItemSelector':
      if (!(s.jsonata && isExpr(v)) && !expectKind(c, v, ValueKind.OBJECT, loc)) return;
      if (s.jsonata) checkJsonataTemplate(c, v, loc);
      else checkPayloadTemplate(c, v, loc);
      return;
    case 'Assign':
      if (!expectKind(c, v, ValueKind.OBJECT, loc)) return;
      if (s.jsonata) checkJsonataAssign(c, v as Record<string, unknown>, loc);
      else checkJsonPathAssign(c, v as Record<string, unknown>, loc);
      return;
    case 'Arguments':
      if (!isExpr(v) && !expectKind(c, v, ValueKind.OBJECT, loc)) return;
      checkJsonataTemplate(c, v, loc);
      return;
    case 'Output':
      checkJsonataTemplate(c, v, loc);
      return;
    case 'Items':
      if (!isExpr(v) && !expectKind(c, v, ValueKind.ARRAY, loc)) return;
      checkJsonataTemplate(c, v, loc);
      return;
    case 'Resource':
      if (expectKind(c, v, ValueKind.STRING, loc)) checkResource(s, v as string, loc);
      return;
    case 'TimeoutSeconds': case 'HeartbeatSeconds':
      intOrExpr(s, v, 1, MAX_SECONDS, loc);
      return;
    case 'Seconds':
      intOrExpr(s, v, 0, MAX_SECONDS, loc);
      return;
    case 'MaxConcurrency': case 'ToleratedFailureCount':
      intOrExpr(s, v, 0, undefined, loc);
      return;
    case 'ToleratedFailurePercentage':
      if (s.jsonata && isExpr(v)) checkJsonataTemplate(c, v, loc);
      else if (expectKind(c, v, ValueKind.NUMBER, loc)) expectRange(c, v as number, 0, 100, loc);
      return;
    case 'TimeoutSecondsPath': case 'HeartbeatSecondsPath': case 'SecondsPath': case 'TimestampPath': case 'ItemsPath':
    case 'MaxConcurrencyPath': case 'ToleratedFailurePercentagePath': case 'ToleratedFailureCountPath':
      referencePath(s, key, v, loc);
      return;
    case 'Timestamp':
      if (s.jsonata && isExpr(v)) checkJsonataTemplate(c, v, loc);
      else if (expectKind(c, v, ValueKind.STRING, loc) && parseTimestamp(v as string) === undefined) c.schema(Msg.invalidTimestamp(key), loc);
      return;
    case 'Error': case 'Cause':
      if (!expectKind(c, v, ValueKind.STRING, loc)) return;
      if (s.jsonata) checkJsonataTemplate(c, v, loc);
      else if (looksLikePath(v)) c.warning(DiagnosticCode.NO_PATH, Msg.noPath(key), loc);
      return;
    case 'Result':
      checkStaticResult(c, v, loc);
      return;
    case 'ErrorPath': case 'CausePath':
      if (expectKind(c, v, ValueKind.STRING, loc) && !isPathOrIntrinsic(v)) c.schema(Msg.invalidPayloadPath(key), loc);
      return;
    case 'Credentials':
      checkCredentials(s, v, loc);
      return;
    case 'Retry': case 'Catch':
      checkErrorHandlers(s, key, v, loc);
      return;
    case 'Choices':
      if (!expectKind(c, v, ValueKind.ARRAY, loc)) return;
      if ((v as unknown[]).length === 0) c.schema(Msg.minItems(1), loc);
      (v as unknown[]).forEach((rule, i) => {
        if (s.jsonata) checkJsonataRule(c, rule, item(loc, i));
        else checkJsonPathRule(c, rule, item(loc, i), true);
      });
      return;
    case 'Branches':
      if (expectKind(c, v, ValueKind.ARRAY, loc) && (v as unknown[]).length === 0) c.schema(Msg.minItems(1), loc);
      return;
    case 'ItemProcessor': case 'Iterator':
      return; // checked as a container after the state's own fields
    case 'Label':
      if (!expectKind(c, v, ValueKind.STRING, loc)) return;
      if (!isValidLabel(v as string)) c.error(DiagnosticCode.INVALID_LABEL_NAME, Msg.invalidLabel(v as string), loc);
      else if (c.labels.has(v as string)) c.error(DiagnosticCode.DUPLICATE_LABEL_NAME, Msg.duplicateLabel(v as string), loc);
      c.labels.add(v as string);
      return;
    case 'ItemReader': case 'ItemBatcher': case 'ResultWriter':
      checkMapIo(s, key, v, loc);
      return;
    default:
      return;
  }
}

function checkResource(s: StateCtx, r: string, loc: string): void {
  if (!ARN.test(r)) {
    s.c.schema(Msg.unknownResource(r), loc);
    return;
  }
  if (s.c.machineType !== 'EXPRESS') return;
  // EXPRESS rejects activities, .sync and .waitForTaskToken at creation (FACTS §4).
  if (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(r)) s.c.schema(Msg.expressActivity(), loc);
  else if (r.endsWith('.waitForTaskToken')) s.c.schema(Msg.expressWaitForTaskToken(), loc);
  else if (/\.sync(:\d+)?$/.test(r)) s.c.schema(Msg.expressSync(), loc);
}

function checkCredentials(s: StateCtx, v: unknown, loc: string): void {
  const { c } = s;
  if (!expectKind(c, v, ValueKind.OBJECT, loc)) return;
  const o = v as Record<string, unknown>;
  const allowed = s.jsonata ? ['RoleArn'] : ['RoleArn', 'RoleArn.$'];
  for (const key of Object.keys(o)) if (!allowed.includes(key)) c.schema(Msg.notSupported(key), loc);
  const present = allowed.filter((k) => k in o);
  if (present.length === 0) c.schema(Msg.requiredMissing('RoleArn'), loc);
  else if (present.length > 1) c.schema(Msg.onlyOneOf(present), loc);
  if ('RoleArn' in o) expectKind(c, o.RoleArn, ValueKind.STRING, at(loc, 'RoleArn'));
  if (!s.jsonata && 'RoleArn.$' in o && !isPathOrIntrinsic(o['RoleArn.$'])) c.schema(Msg.invalidPayloadPath('RoleArn.$'), loc);
}

/** ItemReader / ItemBatcher / ResultWriter: objects whose parameters are templates of the state's language. */
function checkMapIo(s: StateCtx, key: string, v: unknown, loc: string): void {
  const { c } = s;
  if (!expectKind(c, v, ValueKind.OBJECT, loc)) return;
  const o = v as Record<string, unknown>;
  if (key !== 'ItemBatcher') expectRequired(c, o, ['Resource'], loc);
  for (const [k, x] of Object.entries(o)) {
    const kLoc = at(loc, k);
    if (k === 'Resource') { expectKind(c, x, ValueKind.STRING, kLoc); continue; }
    if (s.jsonata) checkJsonataTemplate(c, x, kLoc);
    else if (k === 'Parameters' || k === 'BatchInput' || k === 'ReaderConfig' || k === 'WriterConfig') checkPayloadTemplate(c, x, kLoc);
  }
}

/** Retry and Catch arrays (FACTS §2.9). */
function checkErrorHandlers(s: StateCtx, field: string, v: unknown, loc: string): void {
  const { c } = s;
  if (!expectKind(c, v, ValueKind.ARRAY, loc)) return;
  const handlers = v as unknown[];
  handlers.forEach((h, i) => {
    const hLoc = item(loc, i);
    if (!expectKind(c, h, ValueKind.OBJECT, hLoc)) return;
    const o = h as Record<string, unknown>;
    const isRetry = field === 'Retry';
    const allowed = isRetry
      ? ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment']
      : ['ErrorEquals', 'Next', 'Comment', ...(s.jsonata ? ['Output', 'Assign'] : ['ResultPath', 'Assign'])];
    for (const key of Object.keys(o)) {
      if (allowed.includes(key)) continue;
      const otherLang = !isRetry && (s.jsonata ? key === 'ResultPath' : key === 'Output');
      c.schema(otherLang ? Msg.otherLanguageField(s.jsonata ? 'JSONata' : 'JSONPath', key, s.jsonata ? 'JSONPath' : 'JSONata') : Msg.notSupported(key), hLoc);
    }
    expectRequired(c, o, isRetry ? ['ErrorEquals'] : ['ErrorEquals', 'Next'], hLoc);
    for (const [key, x] of Object.entries(o)) {
      const kLoc = at(hLoc, key);
      switch (key) {
        case 'ErrorEquals':
          checkErrorEquals(c, x, kLoc, field, i === handlers.length - 1, hLoc);
          break;
        case 'IntervalSeconds': expectIntRange(c, x, 1, MAX_SECONDS, kLoc); break;
        case 'MaxAttempts': expectIntRange(c, x, 0, MAX_SECONDS, kLoc); break;
        case 'MaxDelaySeconds': expectIntRange(c, x, 1, MAX_DELAY_SECONDS, kLoc); break;
        case 'BackoffRate':
          if (expectKind(c, x, ValueKind.NUMBER, kLoc)) expectRange(c, x as number, 1, undefined, kLoc);
          break;
        case 'JitterStrategy': expectEnum(c, x, JITTER, kLoc); break;
        case 'Comment': case 'Next': expectKind(c, x, ValueKind.STRING, kLoc); break;
        case 'ResultPath':
          if (!s.jsonata && x !== null && expectKind(c, x, ValueKind.STRING, kLoc) && !isValidReferencePath(x as string, INPUT_ONLY)) {
            c.schema(Msg.invalidReferencePath('ResultPath'), kLoc);
          }
          break;
        case 'Output':
          if (s.jsonata) checkJsonataTemplate(c, x, kLoc);
          break;
        case 'Assign':
          if (isRetry || !expectKind(c, x, ValueKind.OBJECT, kLoc)) break;
          if (s.jsonata) checkJsonataAssign(c, x as Record<string, unknown>, kLoc);
          else checkJsonPathAssign(c, x as Record<string, unknown>, kLoc);
          break;
        default:
          break;
      }
    }
  });
}

function checkErrorEquals(c: Collector, v: unknown, loc: string, field: string, last: boolean, handlerLoc: string): void {
  if (!expectKind(c, v, ValueKind.ARRAY, loc)) return;
  const names = v as unknown[];
  if (names.length === 0) { c.schema(Msg.minItems(1), loc); return; }
  names.forEach((n, i) => expectKind(c, n, ValueKind.STRING, item(loc, i)));
  if (!names.includes(ERROR_ALL)) return;
  // States.ALL must appear alone and only in the last retrier/catcher (ASL spec, FACTS §2.9).
  if (names.length > 1) c.schema(Msg.errorsAllAlone(), loc);
  if (!last) c.schema(Msg.errorsAllLast(field), handlerLoc);
}

function checkCrossFields(s: StateCtx): void {
  const { c, raw, type, loc } = s;
  const has = (k: string): boolean => k in raw;
  if (type === 'Task') expectRequired(c, raw, ['Resource'], loc);
  if (type === 'Choice') expectRequired(c, raw, ['Choices'], loc);
  if (type === 'Parallel') expectRequired(c, raw, ['Branches'], loc);
  if (type === 'Map' && !has('ItemProcessor') && !has('Iterator')) c.schema(Msg.required(['ItemProcessor']), loc);
  if (type === 'Pass' || type === 'Task' || type === 'Wait' || type === 'Parallel' || type === 'Map') {
    const end = raw.End === true;
    if (has('Next') && end) c.schema(Msg.onlyOneOf(['Next', 'End']), loc);
    else if (!has('Next') && !end) c.schema(Msg.exactlyOneOf(['Next', 'End']), loc);
  }
  if (type === 'Wait') {
    const candidates = s.jsonata ? WAIT_FIELDS_JSONATA : WAIT_FIELDS;
    const present = candidates.filter(has);
    if (present.length === 0) c.schema(Msg.exactlyOneOf(candidates), loc);
    else if (present.length > 1) c.schema(Msg.onlyOneOf(present), loc);
  }
  for (const group of EXCLUSIVE[type] ?? []) {
    const present = group.filter(has);
    if (present.length > 1) c.schema(Msg.onlyOneOf(present), loc);
  }
  // HeartbeatSeconds must be below TimeoutSeconds when both are literals (FACTS §2.2).
  if (type === 'Task' && isInteger(raw.HeartbeatSeconds) && isInteger(raw.TimeoutSeconds) && raw.HeartbeatSeconds >= raw.TimeoutSeconds) {
    c.schema(Msg.heartbeatBelowTimeout(), at(loc, 'HeartbeatSeconds'));
  }
}
