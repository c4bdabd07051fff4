import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exclusionContext, relativeInside } from '../../candidate/exclusions.js';
import { collectFileSet } from '../../candidate/fileset.js';

/**
 * The live genome as evolve must leave it: the working set verify builds candidates from (its
 * exclusions applied), minus the directories the loop itself writes (the memory directory and
 * the proposals directory). Taken before the run and after every generator; any difference ends
 * the run, because something other than the loop changed the genome while a generator ran.
 */
export type LiveSnapshot = Map<string, string>;

export async function snapshotLive(root: string, memoryDir: string, ownDirs: readonly string[]): Promise<LiveSnapshot> {
  const scratch = mkdtempSync(join(tmpdir(), 'autopoietic-live-scan-'));
  try {
    const skip = [memoryDir, ...ownDirs].map((d) => relativeInside(root, d)).filter((d): d is string => d !== undefined);
    const set = await collectFileSet(root, scratch, exclusionContext(root, { memoryDir, files: [] }));
    const snap: LiveSnapshot = new Map();
    for (const rel of set.paths) {
      if (skip.some((d) => rel === d || rel.startsWith(`${d}/`))) continue;
      snap.set(rel, entryDigest(join(root, rel)));
    }
    return snap;
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
  for (const [p, d] of before) if (after.get(p) !== d) out.add(p);
  for (const p of after.keys()) if (!before.has(p)) out.add(p);
  return [...out].sort();
}
