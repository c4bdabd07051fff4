import { mkdirSync } from 'node:fs';
import { gitTopLevel, listGitWorkingSet, listPlainWorkingSet, type GitTopLevel } from '@autopoietic/core/adapters';
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
  /** The live work tree (git genomes only). */
  workTree: GitTopLevel | undefined;
  paths: string[];
  excluded: { path: string; why: string }[];
}

export async function collectFileSet(root: string, scratch: string, ctx: ExclusionContext): Promise<FileSet> {
  // Both git processes at once: the listing is only used when `root` is in a work tree, and
  // outside one it fails harmlessly (its error is then ignored).
  const gitListing = listGitWorkingSet(root).then(
    (paths) => ({ paths }),
    (error: unknown) => ({ error }),
  );
  const workTree = await gitTopLevel(root).catch(async (e: unknown) => {
    await gitListing;
    throw e;
  });
  const listed = workTree ? await fromGit(gitListing) : await listPlain(root, scratch, gitListing);
  const paths: string[] = [];
  const excluded: { path: string; why: string }[] = [];
  for (const raw of listed) {
    const path = raw.endsWith('/') ? raw.slice(0, -1) : raw;
    const why = exclusionReason(path, ctx);
    if (why) excluded.push({ path, why });
    else paths.push(path);
  }
  paths.sort();
  return { kind: workTree ? 'git' : 'plain', root, workTree, paths, excluded };
}

async function fromGit(listing: Promise<{ paths: string[] } | { error: unknown }>): Promise<string[]> {
  const r = await listing;
  if ('error' in r) throw r.error;
  return r.paths;
}

async function listPlain(root: string, scratch: string, listing: Promise<unknown>): Promise<string[]> {
  await listing;
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  return listPlainWorkingSet(root, scratch);
}
