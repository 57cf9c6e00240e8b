// Execution history events, shaped exactly as GetExecutionHistory returns them (FACTS §3).
// Payload fields (input, output, parameters) are JSON text; ids are sequential per execution.

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
