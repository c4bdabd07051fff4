/** RFC 3339 UTC timestamps with millisecond precision, e.g. `2026-11-26T03:16:15.123Z`. */
export function nowRfc3339(now: Date = new Date()): string {
  return now.toISOString();
}

/** Parses an RFC 3339 timestamp; returns undefined when it is not one. */
export function parseRfc3339(s: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
