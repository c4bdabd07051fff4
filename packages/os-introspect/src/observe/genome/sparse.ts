import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { WalkProblem } from '../walk.js';

/**
 * The genome's tracked .nix files a sparse checkout left out of the work tree (git
 * sparse-checkout, actions/checkout's sparse-checkout). The walk reads the work tree, so it never
 * saw them: the self-state described a partial genome as the whole one (a host's configuration
 * "missing", its identity and modules gone) without a word of why. They are listed in
 * genome.skipped with this reason, and named by a pain point.
 */
export const NOT_CHECKED_OUT = 'tracked by git but not checked out (a sparse checkout left it out of the work tree): not read';

/**
 * git is asked only when the repository holding `root` has a sparse-checkout file (one stat up
 * the tree otherwise): os-introspect starts no process for an ordinary checkout. Never fails the
 * observation: a git that cannot list the tree is said as one skipped entry.
 */
export async function notCheckedOut(root: string): Promise<WalkProblem[]> {
  const gitDir = findGitDir(root);
  if (!gitDir || !existsSync(join(gitDir, 'info', 'sparse-checkout'))) return [];
  try {
    const { entryExists, gitWorkingSetIfAny } = await import('@autopoietic/core/adapters');
    const set = await gitWorkingSetIfAny(root);
    // ls-files run in `root` lists the paths under it, relative to it.
    const left = (set?.skipWorktree ?? []).filter((rel) => rel.endsWith('.nix') && !entryExists(join(root, rel)));
    return left.sort().map((rel) => ({ rel, reason: NOT_CHECKED_OUT }));
  } catch (e) {
    return [{ rel: '.', reason: `a sparse checkout, whose left-out files git could not list: ${e instanceof Error ? e.message : String(e)}` }];
  }
}

/** The git directory of the work tree holding `dir` (`.git`, or the one a `.git` file names). */
function findGitDir(dir: string): string | undefined {
  for (let cur = resolve(dir); ; cur = dirname(cur)) {
    const dotGit = join(cur, '.git');
    try {
      const st = statSync(dotGit);
      if (st.isDirectory()) return dotGit;
      // Only a regular file is read: a FIFO named .git would wait for a writer.
      if (!st.isFile() || st.size > 4096) return undefined;
      const named = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
      if (named) return isAbsolute(named) ? named : resolve(cur, named);
    } catch {
      // No .git here (or an unreadable one): look further up.
    }
    if (dirname(cur) === cur) return undefined;
  }
}
