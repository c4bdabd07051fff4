import type { CheckResult } from '@autopoietic/core/schemas';

export type CheckStatus = CheckResult['status'];

/**
 * The gate verdict from check results (pure): every check passed -> pass; any check failed ->
 * reject (the proposal's fault, even if others could not run); otherwise some check could not
 * reach an answer (timeout, spawn failure, missing tool, cancelled) -> error. Never "pass" on
 * an empty list: a gate with no checks has verified nothing.
 */
export type Verdict = { kind: 'pass' } | { kind: 'reject'; failed: string[] } | { kind: 'error'; errored: string[] };

export function verdictOf(checks: readonly CheckResult[]): Verdict {
  if (checks.length === 0) return { kind: 'error', errored: ['(no checks ran)'] };
  const failed = checks.filter((c) => c.status === 'failed').map((c) => c.name);
  if (failed.length > 0) return { kind: 'reject', failed };
  const errored = checks.filter((c) => c.status === 'error').map((c) => `${c.name} (${c.reason ?? 'error'})`);
  if (errored.length > 0) return { kind: 'error', errored };
  return { kind: 'pass' };
}
