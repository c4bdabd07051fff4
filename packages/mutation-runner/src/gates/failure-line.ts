import type { CheckResult } from '@autopoietic/core/schemas';

/**
 * The stderr line of a P1 or P2 run that did not pass: the verdict and why, as its record says.
 * CI logs show stderr, while the record on stdout is often redirected or parsed away; a bare
 * "proposal errored" left the cause to be dug out of the JSON. runAction keeps it to one line.
 */
export function gateFailureLine(record: { status: string; reason: string; checks: readonly CheckResult[] }): string {
  if (record.status !== 'rejected') return `proposal errored: ${record.reason}`;
  const failed = record.checks.filter((c) => c.status === 'failed').map((c) => (c.exit_code === null || c.exit_code === 0 ? c.name : `${c.name} (exit ${c.exit_code})`));
  return `proposal rejected: ${record.reason}${failed.length > 0 ? `: ${failed.join(', ')}` : ''}`;
}
