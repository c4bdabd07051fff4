import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeOwnedScratchDir } from '@autopoietic/core/adapters';
import { exclusionContext, relativeInside } from '../../candidate/exclusions.js';
import { collectFileSet, type FileSet } from '../../candidate/fileset.js';

/**
 * The live genome as evolve must leave it: the working set verify builds candidates from (its
 * exclusions applied), minus what the loop itself writes: the memory directory, and the proposal
 * directories in the proposals directory (`<dir>/<name>/` holding a `proposal.json`). Taken
 * before the run and after every generator; any difference ends the run, because something
 * other than the loop changed the genome while a generator ran.
 *
 * Only proposal directories are left out, not the whole proposals directory: it may be the genome
 * root or a directory of genome files (`--proposals-dir hosts`), and those files must stay in the
 * generator's copy and under this check.
 */
export interface LiveSnapshot {
  /** Path -> content digest (or link target). */
  files: Map<string, string>;
  /** The same file set, as the sandbox copies it (valid while the snapshot still matches). */
  set: FileSet;
}

export async function snapshotLive(root: string, memoryDir: string, proposalsDir: string): Promise<LiveSnapshot> {
  // Owned, so that one left by a run killed mid-scan is removed by a later one.
  const scratch = makeOwnedScratchDir('autopoietic-live-scan-', "the scan of the live genome (a private git index)");
  try {
    const memory = relativeInside(root, realOrSelf(memoryDir));
    const listed = await collectFileSet(root, scratch, exclusionContext(root, { memoryDir, files: [] }));
    const own = realOrSelf(proposalsDir);
    const proposal = proposalDirsOf(listed.paths, own === root ? '' : relativeInside(root, own));
    const set: FileSet = { ...listed, paths: listed.paths.filter((rel) => !(memory !== undefined && under(rel, memory)) && !proposal(rel)) };
    const files = new Map<string, string>();
    for (const rel of set.paths) files.set(rel, entryDigest(join(root, rel)));
    return { files, set };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The path with symlinks resolved (root is), so that another spelling of a directory in the genome is still seen inside it. */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function under(rel: string, dir: string): boolean {
  return rel === dir || rel.startsWith(`${dir}/`);
}

/** Whether a path lies in a proposal directory of `dir` (relative to the root, '' for the root itself). */
function proposalDirsOf(paths: readonly string[], dir: string | undefined): (rel: string) => boolean {
  if (dir === undefined) return () => false;
  const prefix = dir === '' ? '' : `${dir}/`;
  const dirs = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith(prefix)) continue;
    const inner = p.slice(prefix.length).split('/');
    if (inner.length === 2 && inner[1] === 'proposal.json') dirs.add(`${prefix}${inner[0]}`);
  }
  return (rel) => {
    if (!rel.startsWith(prefix)) return false;
    const cut = rel.indexOf('/', prefix.length);
    return cut > 0 && dirs.has(rel.slice(0, cut));
  };
}

function entryDigest(path: string): string {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return `link:${readlinkSync(path)}`;
    if (!st.isFile()) return 'other';
    return `${st.mode & 0o111 ? 'x' : '-'}${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  } catch {
    return 'missing';
  }
}

/** Paths that differ between two snapshots (added, removed or changed), sorted. */
export function changedPaths(before: LiveSnapshot, after: LiveSnapshot): string[] {
  const out = new Set<string>();
  for (const [p, d] of before.files) if (after.files.get(p) !== d) out.add(p);
  for (const p of after.files.keys()) if (!before.files.has(p)) out.add(p);
  return [...out].sort();
}
