import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '@autopoietic/core/cli-kit';
import type { SelfState } from '@autopoietic/core/schemas';

/**
 * A `--self-state` file stands in for observing the genome now, so it must describe the genome
 * the hand-off is for: every Nix file it read must still have the digest it recorded. Otherwise
 * (a self-state of another genome, or of this one before an edit) the hand-off would give the
 * generator settings, lines and digests that no file of this genome has. The genome's path is
 * not compared: an identical copy elsewhere is described just as well.
 */
const SHOWN = 3;

export function checkSelfStateMatches(state: SelfState, root: string, file: string): void {
  const files = state.genome.nix_files.filter((f) => f.sha256 !== null);
  const differ: string[] = [];
  for (const f of files) {
    const live = liveDigest(join(root, f.path));
    if (live !== f.sha256) differ.push(live === undefined ? `${f.path} is missing` : `${f.path} differs`);
  }
  if (differ.length === 0) return;
  const shown = differ.slice(0, SHOWN).join(', ') + (differ.length > SHOWN ? `, and ${differ.length - SHOWN} more` : '');
  const elsewhere = realOrSelf(state.genome.root) !== root ? `; it was written for ${state.genome.root}` : '';
  throw usageError('self-state-stale', `--self-state ${file} does not describe the genome at ${root}: ${shown} (${differ.length} of ${files.length} Nix files)${elsewhere}`,
    `Write it again with \`os-introspect --root ${root} --output ${file}\`, or leave --self-state out to observe the genome now.`);
}

function liveDigest(path: string): string | undefined {
  try {
    return `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  } catch {
    return undefined;
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
