import { readFileSync } from 'node:fs';
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
  if (crlfHeaders(patchFile)) {
    return `${base}; the patch's own header lines end in CR LF, so it was converted to Windows line endings after it was made: convert it back (dos2unix) or make it again with git diff --binary`;
  }
  // Reverse first, and -p0 only for paths without git's prefixes: a patch creating a file the
  // work tree already has "applies with -p0" too (as b/<file>, which does not exist), and was
  // told its paths had no a/ and b/ prefix.
  if (await gitApplies(dir, patchFile, ['--reverse'])) {
    return (
      `${base}; the change is already in the genome's working tree (the candidate starts from it): ` +
      // Only those paths: a bare `git stash -u` would also take the proposal and the memory ledgers.
      "set it aside (git stash push --include-untracked -- <the proposal's changed_paths>) and verify again, " +
      'or commit it and propose the commit range with --from'
    );
  }
  if (await appliesWithP0Only(dir, patchFile)) return `${base}; ${P0_HINT}`;
  return base;
}

/**
 * A patch that does not apply (nor in reverse: see applyFailureReason) whose paths lack git's
 * a/ and b/ prefixes while it applies with -p0: made with diff -u from the genome root. The one
 * rule for verify's reason and propose's refusal.
 */
export async function appliesWithP0Only(dir: string, patchFile: string): Promise<boolean> {
  return !gitPrefixed(patchFile) && (await gitApplies(dir, patchFile, ['-p0']));
}

/** Every `--- ` and `+++ ` path but /dev/null starts with git's a/ and b/: -p0 is not the problem. */
function gitPrefixed(patchFile: string): boolean {
  const text = patchBytes(patchFile);
  if (text === undefined) return false;
  const headers = text.match(/^(?:---|\+\+\+) [^\n]*/gm) ?? [];
  return headers.every((h) => /^(?:--- "?a\/|\+\+\+ "?b\/|(?:---|\+\+\+) \/dev\/null(?:\t|$))/.test(h));
}

/**
 * `diff -u hosts/x.orig hosts/x`, run from the genome root, names paths without the a/ and b/
 * that git apply strips (-p1), so `hosts/` is stripped and `seed/x` does not exist.
 */
export const P0_HINT =
  "the patch applies only with -p0: its paths have no a/ and b/ prefix (made with diff -u from the genome root?), and git apply strips one component; make it with git diff --binary, or with diff -ruN from copies named a/ and b/";

/** Would `git apply --check <extra> patch` succeed in `dir` (read-only)? */
export async function gitApplies(dir: string, patchFile: string, extra: string[]): Promise<boolean> {
  const r = await runCommand({ command: 'git', args: ['apply', '--check', '--whitespace=nowarn', ...extra, patchFile], cwd: dir, env: gitEnv(true), timeoutMs: 60_000 });
  return r.outcome === 'exited' && r.exitCode === 0;
}

/**
 * A `--- a/x` / `+++ b/x` header pair ending in CR: git never writes one (a CRLF file's content lines
 * carry their CR, its headers do not), so the whole patch went through a line-ending conversion
 * and its context lines no longer match the files.
 */
function crlfHeaders(patchFile: string): boolean {
  const text = patchBytes(patchFile);
  return text !== undefined && /^--- [^\n]*\r\n\+\+\+ [^\n]*\r\n@@/m.test(text);
}

/** The patch as Latin-1 (one character per byte, so any bytes read), or undefined when it cannot be read: these reasons are extras. */
function patchBytes(patchFile: string): string | undefined {
  try {
    return readFileSync(patchFile, 'latin1');
  } catch {
    return undefined;
  }
}
