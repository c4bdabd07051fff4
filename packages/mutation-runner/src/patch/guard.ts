import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { PatchSummary } from '@autopoietic/core/adapters';
import type { PatchFile } from './parse.js';
import { touchedPaths } from './rules.js';

/**
 * Checks that need the candidate on disk, run just before `git apply`:
 * - no path may pass through (or be) a symlink that exists in the candidate: an untracked
 *   symlink carried over from the live tree is exactly how `git apply --3way/--index` escape
 *   (toolchain-facts 5.3); plain `git apply` refuses too, but we refuse first, by name;
 * - git's own reading of the patch must not touch a path, or a mode, that jsdiff did not show
 *   us (two parsers disagreeing is a reason to stop, not to guess).
 */
export function symlinkProblem(candidateRoot: string, files: readonly PatchFile[]): string | undefined {
  for (const f of files) {
    for (const path of touchedPaths(f)) {
      const parts = path.split('/');
      let cur = candidateRoot;
      for (let i = 0; i < parts.length; i++) {
        cur = join(cur, parts[i]!);
        let isLink: boolean;
        try {
          isLink = lstatSync(cur).isSymbolicLink();
        } catch {
          break; // missing: nothing below it exists
        }
        if (isLink) {
          const at = parts.slice(0, i + 1).join('/');
          return at === path
            ? `patch path ${JSON.stringify(path)} is a symlink in the candidate; a proposal may not write through symlinks`
            : `patch path ${JSON.stringify(path)} goes through the symlink ${JSON.stringify(at)} in the candidate; a proposal may not write through symlinks`;
        }
      }
    }
  }
  return undefined;
}

export function gitViewProblem(summary: PatchSummary, files: readonly PatchFile[]): string | undefined {
  const seen = new Set(files.flatMap(touchedPaths));
  const unseen = summary.paths.find((p) => !seen.has(p));
  if (unseen !== undefined) {
    return `git apply would touch ${JSON.stringify(unseen)}, which the patch headers did not name; refusing an ambiguous patch`;
  }
  const symlink = summary.summary.find((line) => /\b120000\b/.test(line));
  if (symlink !== undefined) return `git apply would create or change a symlink (${symlink.trim()}); a proposal may not do that`;
  return undefined;
}
