import { AosError } from '../cli-kit/errors.js';
import { git } from './git.js';

// What `git apply` makes of a patch: the paths it touches, and the argv that applies it.

export interface PatchSummary {
  /** The paths git would write (for a pure rename, git names only the destination). */
  paths: string[];
  /** `git apply --summary` lines (creations, deletions, renames, mode changes). */
  summary: string[];
}

/**
 * What `git apply` itself thinks a patch touches, without applying it: one `git apply --numstat
 * --summary -z` call prints the NUL-terminated numstat records, then the summary lines.
 */
export async function patchSummary(dir: string, patchFile: string): Promise<PatchSummary> {
  const out = await git(dir, ['apply', '--numstat', '--summary', '-z', patchFile], { hermetic: true });
  const split = out.lastIndexOf(0) + 1;
  const summary = out.subarray(split).toString('utf8');
  return { paths: parseNumstatZ(out.subarray(0, split)), summary: summary.split('\n').filter((l) => l.trim() !== '') };
}

/** `added\tdeleted\tpath\0`, or for renames and copies `added\tdeleted\t\0old\0new\0`. */
export function parseNumstatZ(out: Buffer): string[] {
  const fields = out.toString('utf8').split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f === '') continue;
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(f);
    if (!m) throw new AosError('git-output', `unexpected git apply --numstat output: ${JSON.stringify(f)}`);
    if (m[3] !== '') paths.push(m[3]!);
    else {
      paths.push(fields[i + 1] ?? '', fields[i + 2] ?? '');
      i += 2;
    }
  }
  return paths.filter((p) => p !== '');
}

/** The argv of a plain `git apply` (never --3way or --index: those follow untracked symlinks out of the tree). */
export function applyPatchArgs(patchFile: string): string[] {
  return ['apply', '--whitespace=nowarn', patchFile];
}
