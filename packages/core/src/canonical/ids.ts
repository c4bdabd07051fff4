import { randomUUID } from 'node:crypto';

/** Record id prefixes, one per record family. */
export const ID_PREFIX = {
  mutation: 'mut',
  effect: 'eff',
  verification: 'ver',
  promotion: 'pro',
  attempt: 'att',
  worktree: 'autopoietic-mutation',
} as const;

export const ID_PATTERN = /^[a-z][a-z0-9-]*-\d{8}-\d{6}-[0-9a-f]{32}$/;

/** `<prefix>-<YYYYMMDD-HHMMSS>-<32 hex>`, with the UTC time of `now`. */
export function newId(prefix: string, now: Date = new Date()): string {
  return `${prefix}-${compactUtc(now)}-${randomUUID().replaceAll('-', '')}`;
}

/** `YYYYMMDD-HHMMSS` in UTC. */
export function compactUtc(d: Date): string {
  const iso = d.toISOString(); // 2026-11-26T03:16:15.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}
