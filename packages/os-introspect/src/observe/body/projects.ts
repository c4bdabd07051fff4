import { statSync, type Stats } from 'node:fs';
import { extname } from 'node:path';
import type { z } from 'zod';
import type { ProjectSummary } from '@autopoietic/core/schemas';
import { errCode, type WalkProblem, walkTree } from '../walk.js';

type Project = z.infer<typeof ProjectSummary>;

const TOP = 12;

/** Samples up to `max` files under a project root and counts the most common suffixes. */
export function summarizeProject(path: string, max: number): Project {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = errCode(e);
    return { path, exists: false, reason: code === 'ENOENT' ? 'does not exist' : `cannot be looked at (${code})` };
  }
  if (!st.isDirectory()) return { path, exists: true, reason: 'not a directory: nothing sampled' };
  const walk = walkTree(path, { want: () => true, limit: max, names: true });
  const unlisted = unlistedReason(walk.problems);
  const counts = new Map<string, number>();
  for (const f of walk.files) {
    const name = f.rel.split('/').pop()!;
    const ext = extname(name);
    const key = ext && ext !== name ? ext : '<none>';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { path, exists: true, sampled_files: walk.files.length, truncated: walk.truncated, top_suffixes: topSuffixes(counts), ...(unlisted ? { reason: unlisted } : {}) };
}

/**
 * The root itself could not be listed (the walk names it '.'), or directories under it (not
 * searchable, a name that is not UTF-8): their files are missing from the counts, which were
 * reported as if they were the whole tree. Symlinks the walk does not follow are no loss: a
 * project's `result` link to the store is not part of it.
 */
function unlistedReason(problems: WalkProblem[]): string | undefined {
  const root = problems.find((p) => p.rel === '.');
  if (root) return root.reason;
  const dirs = problems.filter((p) => p.unlisted);
  if (!dirs.length) return undefined;
  const n = dirs.length === 1 ? '1 directory' : `${dirs.length} directories`;
  return `${n} under the root could not be listed: ${dirs.length === 1 ? 'its' : 'their'} files are not in the sample (first: ${dirs[0]!.rel}: ${dirs[0]!.reason})`;
}

/** Most common first; ties by name. */
export function topSuffixes(counts: Map<string, number>): [string, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, TOP);
}
