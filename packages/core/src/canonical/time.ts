/** RFC 3339 UTC timestamps with millisecond precision, e.g. `2026-11-26T03:16:15.123Z`. */
export function nowRfc3339(now: Date = new Date()): string {
  return now.toISOString();
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 timestamp; returns undefined when it is not one. The fields are checked
 * against the calendar (`new Date` rolls `2026-02-30` over to March 2) and the instant is built
 * from them (Date.UTC would read years 0-99 as 1900-1999). A leap second (`23:59:60`), which a
 * Date cannot hold, is the last millisecond before it; fractions finer than a millisecond are cut.
 */
export function parseRfc3339(s: string): Date | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, offHour, offMinute] = [1, 2, 3, 4, 5, 6, 9, 10].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || offHour > 23 || offMinute > 59) return undefined;
  const leap = second === 60;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, leap ? 59 : second, leap ? 999 : Math.floor(Number(`0${m[7] ?? ''}`) * 1000));
  const offsetMinutes = (m[8] === '-' ? -1 : 1) * (offHour * 60 + offMinute);
  return new Date(d.getTime() - offsetMinutes * 60_000);
}

function daysInMonth(year: number, month: number): number {
  const leapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}
