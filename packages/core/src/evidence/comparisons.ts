import type { CheckResult } from '../schemas/check.js';
import type { ComparisonSpec } from './assemble.js';

/**
 * Pure comparison rules shared by the phase mappings. A status is never a bool:
 *   matched / mismatched  both sides known, equal or not;
 *   stale                 a digest or root drifted since the earlier phase;
 *   missing               one side was never produced;
 *   incomparable          a side is `unavailable:` / `unknown:` (no digest to compare);
 *   error                 a side could not be evaluated.
 */
function unusable(fp: string): boolean {
  return fp.startsWith('unavailable:') || fp.startsWith('unknown:');
}

/** The P1 (verified) root fingerprint against the one recomputed later (promotion or plan). */
export function compareRoots(verified: string | null | undefined, current: string | undefined): ComparisonSpec {
  const base = { name: 'root-fingerprint', left: `verified-root:${verified ?? 'none'}`, right: `promotion-root:${current ?? 'none'}` };
  if (verified === undefined || verified === null) {
    return { ...base, status: 'missing', reason: 'no verified root fingerprint: P1 verification evidence is missing' };
  }
  if (current === undefined) return { ...base, status: 'missing', reason: 'no promotion root fingerprint was recorded' };
  if (unusable(verified) || unusable(current)) {
    return { ...base, status: 'incomparable', reason: 'a root fingerprint is unavailable, so the roots cannot be compared' };
  }
  if (verified === current) return { ...base, status: 'matched', reason: 'the genome root is the one P1 verified' };
  return { ...base, status: 'stale', reason: 'the genome root changed after P1 verification' };
}

/** The proposal fingerprint P1 verified against the one P2 promoted. */
export function compareProposals(p1: string | undefined, p2: string): ComparisonSpec {
  const base = { name: 'proposal-fingerprint', left: `p1-proposal:${p1 ?? 'none'}`, right: `p2-proposal:${p2}` };
  if (p1 === undefined) return { ...base, status: 'missing', reason: 'no P1 verification record was available to compare with' };
  if (unusable(p1) || unusable(p2)) {
    return { ...base, status: 'incomparable', reason: 'a proposal fingerprint is unavailable, so the proposals cannot be compared' };
  }
  if (p1 === p2) return { ...base, status: 'matched', reason: 'the promoted proposal is the one P1 verified' };
  return { ...base, status: 'stale', reason: 'the proposal changed after P1 verification' };
}

export const VM_CHECK_PREFIX = 'vm-check:';

/** The `vm-check:<name>` results of a promotion, in order. */
export function vmChecks(checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter((c) => c.name.startsWith(VM_CHECK_PREFIX));
}

/** Every VM check must be named `<target_configuration>-...` (the P2 naming rule). */
export function compareTargetPrefix(target: string, checks: readonly CheckResult[]): ComparisonSpec {
  const names = vmChecks(checks).map((c) => c.name.slice(VM_CHECK_PREFIX.length));
  const base = { name: 'target-configuration', left: `target-configuration:${target}`, right: `vm-checks:${names.join(',')}` };
  if (names.length === 0) return { ...base, status: 'missing', reason: 'no VM check ran, so nothing ties the promotion to the target' };
  const off = names.filter((n) => !n.startsWith(`${target}-`));
  if (off.length === 0) return { ...base, status: 'matched', reason: `every VM check is named ${target}-*` };
  return { ...base, status: 'mismatched', reason: `VM checks not named ${target}-*: ${off.join(', ')}` };
}

/** Whether every VM check passed. */
export function compareVmStatuses(checks: readonly CheckResult[]): ComparisonSpec {
  const vms = vmChecks(checks);
  const base = { name: 'vm-check-status', left: 'expected:passed', right: `actual:${vms.map((c) => `${c.name}=${c.status}`).join(',')}` };
  if (vms.length === 0) return { ...base, status: 'missing', reason: 'no VM check result was recorded' };
  const failed = vms.filter((c) => c.status === 'failed').map((c) => c.name);
  if (failed.length > 0) return { ...base, status: 'mismatched', reason: `VM checks failed: ${failed.join(', ')}` };
  const errored = vms.filter((c) => c.status === 'error').map((c) => `${c.name}${c.reason ? ` (${c.reason})` : ''}`);
  if (errored.length > 0) return { ...base, status: 'error', reason: `VM checks could not run: ${errored.join(', ')}` };
  return { ...base, status: 'matched', reason: `all ${vms.length} VM checks passed` };
}
