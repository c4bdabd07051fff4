import { join } from 'node:path';
import { entryExists, gitWorkingSetIfAny, listPlainWorkingSet, makeDirs } from '@autopoietic/core/adapters';
import { AosError } from '@autopoietic/core/cli-kit';
import { exclusionReason, type ExclusionContext } from './exclusions.js';

/**
 * The files a candidate is built from: what the user sees in the live root.
 * - git genome: tracked files plus untracked files that are not ignored (HEAD + uncommitted state);
 * - plain directory: every file not ignored by its `.gitignore` files.
 * Then the exclusions apply. Paths are relative to the root, `/`-separated, sorted.
 */
export interface FileSet {
  kind: 'git' | 'plain';
  root: string;
  paths: string[];
  excluded: { path: string; why: string }[];
}

/** The live listing: a git work tree's paths, or word that `root` is a plain directory (listed later, with scratch space). */
export type LiveListing = { kind: 'git'; paths: string[]; skipWorktree: string[] } | { kind: 'plain' };

/** Starts listing what the user sees, as soon as the root is known (one git process). */
export async function listLive(root: string): Promise<LiveListing> {
  const set = await gitWorkingSetIfAny(root);
  return set ? { kind: 'git', ...set } : { kind: 'plain' };
}

export async function collectFileSet(root: string, scratch: string, ctx: ExclusionContext, listing: Promise<LiveListing> = listLive(root)): Promise<FileSet> {
  const live = await listing;
  const listed = live.kind === 'git' ? live.paths : await listPlain(root, scratch);
  refuseUndecodableNames(root, listed);
  if (live.kind === 'git') refuseNotCheckedOut(root, live.skipWorktree, (p) => !exclusionReason(p, ctx));
  if (!listed.includes('flake.nix')) throw flakeNotShown(root, live.kind);
  const paths: string[] = [];
  const excluded: { path: string; why: string }[] = [];
  for (const raw of listed) {
    const path = raw.endsWith('/') ? raw.slice(0, -1) : raw;
    const why = exclusionReason(path, ctx);
    if (why) excluded.push({ path, why });
    else paths.push(path);
  }
  paths.sort();
  return { kind: live.kind, root, paths, excluded };
}

/**
 * The listing arrives as text, so a file name that is not UTF-8 comes back with U+FFFD in place of
 * its bytes and names no file: the copy would skip it as "deleted in the work tree" and the
 * checks would run on a genome without it. No verdict is possible on such a candidate, so it is
 * refused (fail closed), naming the file. (A real U+FFFD in a name is valid UTF-8 and exists.)
 */
function refuseUndecodableNames(root: string, listed: readonly string[]): void {
  const bad = listed.filter((p) => p.includes('\uFFFD') && !entryExists(join(root, p)));
  if (bad.length === 0) return;
  throw new AosError('file-name-not-utf8', `the genome holds ${bad.length === 1 ? 'a file' : 'files'} whose name is not UTF-8 (shown with U+FFFD), which no candidate can carry: ${bad.slice(0, 5).join(', ')}`, {
    hint: 'Rename it to UTF-8 (git mv), or ignore it in .gitignore if it is not part of the genome.',
  });
}

/**
 * Tracked files a sparse checkout left out of the work tree (skip-worktree, and absent): the copy
 * would skip them as deleted, and the checks would judge a genome without them, rejecting a
 * proposal for what the checkout lacks. No verdict is possible (fail closed). A skip-worktree
 * file that is present is the user's version and is copied as such. `propose` refuses the same
 * way: its diff against HEAD would delete them (its `consequence` says so). `counts` says which
 * paths matter (a candidate never holds excluded ones).
 */
export function refuseNotCheckedOut(
  root: string,
  skipWorktree: readonly string[],
  counts: (path: string) => boolean = () => true,
  consequence = 'a candidate would lack them',
): void {
  const absent = skipWorktree.filter((p) => counts(p) && !entryExists(join(root, p))).sort();
  if (absent.length === 0) return;
  const some = `${absent.slice(0, 5).join(', ')}${absent.length > 5 ? `, and ${absent.length - 5} more` : ''}`;
  const count = absent.length === 1 ? '1 tracked file is' : `${absent.length} tracked files are`;
  throw new AosError('genome-not-checked-out', `${count} not checked out (a sparse checkout): ${some}; ${consequence}`, {
    hint: 'Check out the whole genome first: git sparse-checkout disable (in CI, no sparse-checkout); git ls-files -t shows the files left out tagged S (skip-worktree).',
  });
}

/**
 * The root holds flake.nix (the gate context checks it) but the listing does not: git ignores it,
 * typically because the genome lies in a repository that ignores the genome's directory (a
 * dotfiles repository ignoring `*`). The candidate would hold no flake and every check would fail
 * as if the proposal were at fault; Nix itself would not see the file either. No verdict.
 */
function flakeNotShown(root: string, kind: 'git' | 'plain'): AosError {
  const where = kind === 'git' ? 'the git repository it lies in ignores or does not list it' : 'a .gitignore in it ignores it';
  return new AosError('flake-not-in-file-set', `${root}/flake.nix is not in what git shows of the genome: ${where} (.gitignore, info/exclude or core.excludesFile), so a candidate would hold no flake`, {
    hint: 'Make the genome its own repository (git init; git add -A; git commit), or stop ignoring it (git check-ignore -v flake.nix says which rule does).',
  });
}

async function listPlain(root: string, scratch: string): Promise<string[]> {
  makeDirs(scratch, 0o700);
  return listPlainWorkingSet(root, scratch);
}
