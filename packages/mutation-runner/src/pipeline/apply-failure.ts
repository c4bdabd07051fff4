import { gitEnv, runCommand } from '@autopoietic/core/adapters';
import type { CheckResult } from '@autopoietic/core/schemas';

/**
 * Why a patch did not apply, in the gate's reason: git's first complaint, and, when the patch
 * applies in reverse, that the change is already there. That is the usual case after `propose`
 * made the proposal from the work tree and the change was left in place: the candidate starts
 * from the live working tree, so the patch meets its own result ("patch application failed"
 * alone sent the user to the check's stderr and left them guessing).
 */
export async function applyFailureReason(failure: string, check: CheckResult, dir: string, patchFile: string): Promise<string> {
  const first = check.stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('error: ') && !l.startsWith('error: patch failed:'));
  const said = first ?? check.reason ?? undefined;
  const base = said ? `${failure}: ${said}` : failure;
  if (check.status !== 'failed') return base;
  const reverse = await runCommand({ command: 'git', args: ['apply', '--reverse', '--check', '--whitespace=nowarn', patchFile], cwd: dir, env: gitEnv(true), timeoutMs: 60_000 });
  if (reverse.outcome !== 'exited' || reverse.exitCode !== 0) return base;
  return (
    `${base}; the change is already in the genome's working tree (the candidate starts from it): ` +
    // Only those paths: a bare `git stash -u` would also take the proposal and the memory ledgers.
    "set it aside (git stash push --include-untracked -- <the proposal's changed_paths>) and verify again, " +
    'or commit it and propose the commit range with --from'
  );
}
