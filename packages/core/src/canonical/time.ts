/** RFC 3339 UTC timestamps with millisecond precision, e.g. `2026-11-26T03:16:15.123Z`. */
export function nowRfc3339(now: Date = new Date()): string {
  return now.toISOString();
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 timestamp; returns undefined when it is not one. The fields are checked
 * against the calendar first: `new Date` rolls `2026-02-30` over to March 2 instead of refusing it.
 */
export function parseRfc3339(s: string): Date | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, offHour, offMinute] = [m[1], m[2], m[3], m[4], m[5], m[6], m[8] ?? '0', m[9] ?? '0'].map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate(); // day 0 of the next month
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth) return undefined;
  if (hour! > 23 || minute! > 59 || second! > 59 || offHour! > 23 || offMinute! > 59) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
