import { realpathSync, statSync } from 'node:fs';
import { AosError, usageError } from '@autopoietic/core/cli-kit';
import { pseudoFileSystemProblem, resolvedPath, sameFile } from '@autopoietic/core/adapters';

/** The flag that lets install-apply / install-revert write into `/` (the running system). */
export const LIVE_ROOT_FLAG = '--allow-live-root';

/**
 * The real path of a plan's target root, which must already exist (install-apply never creates
 * or mounts it). `/` (also reached through a symlink) is the running system: refused unless the
 * operator passed --allow-live-root.
 */
export function checkTargetRoot(targetRoot: string, allowLiveRoot: boolean, action: string): string {
  let real: string;
  try {
    real = realpathSync(targetRoot);
  } catch (e) {
    throw new AosError('target-root-missing', `target root ${targetRoot} does not exist (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, {
      hint: `${action} writes into an existing, mounted target root; mount or create it first (it never creates one).`,
    });
  }
  if (!statSync(real).isDirectory()) {
    throw new AosError('target-root-invalid', `target root ${targetRoot} is not a directory`, { hint: 'Plan again with the mount point of the installed system.' });
  }
  // A plan made before install-plan refused such roots, or by hand: nothing can be installed there.
  const pseudo = pseudoFileSystemProblem(real);
  if (pseudo) throw new AosError('target-root-invalid', `target root ${targetRoot} ${pseudo}`, { hint: 'Plan again with the mount point of the installed system.' });
  if (real === '/' && !allowLiveRoot) {
    throw usageError(
      'target-root-live',
      `target root ${targetRoot} is / (the running system); ${action} refuses it without ${LIVE_ROOT_FLAG}`,
      `If you really mean to write the seed files into this machine, pass ${LIVE_ROOT_FLAG}.`,
    );
  }
  return real;
}

/** The first protected file (a ledger or the plan) that `path` would overwrite, if any. */
export function collidesWith(path: string, protectedFiles: readonly string[]): string | undefined {
  const real = resolvedPath(path);
  return protectedFiles.find((p) => resolvedPath(p) === real || sameFile(p, path));
}
