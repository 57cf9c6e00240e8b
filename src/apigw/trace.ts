// The execution log of TestInvokeMethod: every pipeline stage writes what it did, in AWS's format
// (`<Java date> : <line>`, maps printed Java-style `{k=v, k2=v2}`).

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** `Thu Dec 23 09:35:28 UTC 2021`, as java.util.Date#toString prints in UTC. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** `{a=1, b=2}`; long maps are cut like AWS does (` [TRUNCATED]`). */
export function javaMap(entries: Iterable<[string, string]>, limit = 1024): string {
  const s = `{${[...entries].map(([k, v]) => `${k}=${v}`).join(', ')}}`;
  return s.length > limit ? `${s.slice(0, limit)} [TRUNCATED]` : s;
}

export class TraceLog {
  readonly lines: string[] = [];
  constructor(private readonly now: () => number = Date.now) {}
  add(line: string): void {
    this.lines.push(`${javaDate(this.now())} : ${line}`);
  }
  render(requestId: string): string {
    return [`Execution log for request ${requestId}`, ...this.lines, ''].join('\n');
  }
}

/** A trace that records nothing (ordinary invocations pay nothing for test-invoke). */
export const NO_TRACE = { add(): void { /* not tracing */ } } as const;
export type Trace = Pick<TraceLog, 'add'>;
