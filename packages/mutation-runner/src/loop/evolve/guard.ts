import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exclusionContext, relativeInside } from '../../candidate/exclusions.js';
import { collectFileSet, type FileSet } from '../../candidate/fileset.js';

/**
 * The live genome as evolve must leave it: the working set verify builds candidates from (its
 * exclusions applied), minus the directories the loop itself writes (the memory directory and
 * the proposals directory). Taken before the run and after every generator; any difference ends
 * the run, because something other than the loop changed the genome while a generator ran.
 */
export interface LiveSnapshot {
  /** Path -> content digest (or link target). */
  files: Map<string, string>;
  /** The same file set, as the sandbox copies it (valid while the snapshot still matches). */
  set: FileSet;
}

export async function snapshotLive(root: string, memoryDir: string, ownDirs: readonly string[]): Promise<LiveSnapshot> {
  const scratch = mkdtempSync(join(tmpdir(), 'autopoietic-live-scan-'));
  try {
    const skip = [memoryDir, ...ownDirs].map((d) => relativeInside(root, d)).filter((d): d is string => d !== undefined);
    const listed = await collectFileSet(root, scratch, exclusionContext(root, { memoryDir, files: [] }));
    const set: FileSet = { ...listed, paths: listed.paths.filter((rel) => !skip.some((d) => rel === d || rel.startsWith(`${d}/`))) };
    const files = new Map<string, string>();
    for (const rel of set.paths) files.set(rel, entryDigest(join(root, rel)));
    return { files, set };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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
