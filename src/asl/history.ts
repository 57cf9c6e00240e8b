// Execution history events, shaped exactly as GetExecutionHistory returns them (FACTS §3).
// Payload fields (input, output, parameters) are JSON text; ids are sequential per execution.
// The in-process runner may ask the engine for lazy payloads (JsonPayload): the text is produced
// when the history is read (materializeEvent, or JSON.stringify through toJSON), not at every state.
import { toJsonText } from './json.js';

export interface HistoryEvent {
  /** epoch milliseconds; the API layer converts to epoch seconds */
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

export const TRUNCATED_FALSE = { truncated: false } as const;

/** `TaskStateEntered` → `stateEnteredEventDetails` etc.: the details key of every event type. */
export function detailsKey(type: string): string | undefined {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  if (NO_DETAILS.has(type)) return undefined;
  return type.charAt(0).toLowerCase() + type.slice(1) + 'EventDetails';
}

const NO_DETAILS = new Set([
  'MapStateSucceeded', 'MapStateFailed', 'MapStateAborted',
  'ParallelStateStarted', 'ParallelStateSucceeded', 'ParallelStateFailed', 'ParallelStateAborted',
  'TaskStateAborted', 'WaitStateAborted', 'LambdaFunctionStarted', 'MapRunSucceeded', 'MapRunAborted',
]);

/** Drops payloads, as GetExecutionHistory with includeExecutionData=false does. */
export function withoutExecutionData(e: HistoryEvent): HistoryEvent {
  const key = detailsKey(e.type);
  if (!key || !(key in e)) return e;
  const d = { ...(e[key] as Record<string, unknown>) };
  for (const k of ['input', 'output', 'parameters', 'inputDetails', 'outputDetails']) delete d[k];
  return { ...e, [key]: d };
}

/** A payload whose JSON text is produced on demand. Payload values are never mutated after emission. */
export class JsonPayload {
  constructor(readonly value: unknown) {}
  toJSON(): string {
    return toJsonText(this.value);
  }
}

/**
 * A StateEntered/StateExited event recorded in lazy mode: one object instead of event + details +
 * payload (the most frequent events). materializeEvent turns it into the AWS shape.
 */
export class LazyStateEvent {
  [field: string]: unknown;
  declare timestamp: number;
  declare type: string;
  declare id: number;
  declare previousEventId: number;
  constructor(timestamp: number, type: string, id: number, previousEventId: number,
    readonly lazyName: string, readonly lazyPayload: unknown, readonly lazyAssigned?: Record<string, string>) {
    this.timestamp = timestamp;
    this.type = type;
    this.id = id;
    this.previousEventId = previousEventId;
  }
}

/** The event with every lazy payload turned into its JSON text. */
export function materializeEvent(e: HistoryEvent): HistoryEvent {
  if (e instanceof LazyStateEvent) {
    const text = toJsonText(e.lazyPayload);
    const entered = e.type.endsWith('StateEntered');
    const details: Record<string, unknown> = entered
      ? { name: e.lazyName, input: text, inputDetails: TRUNCATED_FALSE }
      : { name: e.lazyName, output: text, outputDetails: TRUNCATED_FALSE };
    if (e.lazyAssigned) {
      details.assignedVariables = e.lazyAssigned;
      details.assignedVariablesDetails = TRUNCATED_FALSE;
    }
    return { timestamp: e.timestamp, type: e.type, id: e.id, previousEventId: e.previousEventId, [entered ? 'stateEnteredEventDetails' : 'stateExitedEventDetails']: details };
  }
  const key = detailsKey(e.type);
  const d = key ? (e[key] as Record<string, unknown> | undefined) : undefined;
  if (!key || !d) return e;
  let copy: Record<string, unknown> | undefined;
  for (const f of PAYLOAD_FIELDS) {
    const v = d[f];
    if (v instanceof JsonPayload) {
      copy ??= { ...d };
      copy[f] = v.toJSON();
    }
  }
  return copy ? { ...e, [key]: copy } : e;
}

const PAYLOAD_FIELDS = ['input', 'output', 'parameters'] as const;
