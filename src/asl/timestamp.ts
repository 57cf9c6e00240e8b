// RFC 3339 timestamps as Step Functions accepts them (Wait Timestamp, Timestamp* choice rules):
// uppercase `T`, a zone (`Z` or ±hh:mm) required, fraction of any length, real calendar dates.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** Parsed instant: epoch milliseconds plus the sub-millisecond part in nanoseconds (for exact comparisons). */
export interface Instant {
  ms: number;
  subMsNanos: number;
}

export function parseTimestamp(text: string): Instant | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > dim) return undefined;
  const frac = (m[7] ?? '').padEnd(9, '0').slice(0, 9);
  const zone = m[8] as string;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    offsetMin = sign * (zh * 60 + zm);
  }
  const base = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60000;
  return { ms: base + Number(frac.slice(0, 3)), subMsNanos: Number(frac.slice(3)) };
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.subMsNanos - b.subMsNanos;
}

/** ISO-8601 with milliseconds and `Z`, as the context object shows times (`2024-01-01T00:00:00.000Z`). */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}
