import { getLogger } from '@autopoietic/core/cli-kit';

/**
 * Debug log of a step of the run, with the milliseconds since the process started
 * (AUTOPOIETIC_LOG_LEVEL=debug): where a slow run spends its time, without a profiler (which
 * distorts the start-up of worker threads).
 */
export function trace(step: string, fields: Record<string, unknown> = {}): void {
  const log = getLogger();
  if (log.isLevelEnabled('debug')) log.debug({ ...fields, at_ms: Math.round(performance.now()) }, step);
}
