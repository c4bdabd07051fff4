import { gitWorkingSetIfAny, listPlainWorkingSet, makeDirs } from '@autopoietic/core/adapters';
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
export type LiveListing = { kind: 'git'; paths: string[] } | { kind: 'plain' };

/** Starts listing what the user sees, as soon as the root is known (one git process). */
export async function listLive(root: string): Promise<LiveListing> {
  const paths = await gitWorkingSetIfAny(root);
  return paths ? { kind: 'git', paths } : { kind: 'plain' };
}

export async function collectFileSet(root: string, scratch: string, ctx: ExclusionContext, listing: Promise<LiveListing> = listLive(root)): Promise<FileSet> {
  const live = await listing;
  const listed = live.kind === 'git' ? live.paths : await listPlain(root, scratch);
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

async function listPlain(root: string, scratch: string): Promise<string[]> {
  makeDirs(scratch, 0o700);
  return listPlainWorkingSet(root, scratch);
}
