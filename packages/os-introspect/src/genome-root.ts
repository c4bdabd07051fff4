import { realpathSync, statSync } from 'node:fs';
import { deniedErrno, errnoOf, nonDirectoryOnPath } from '@autopoietic/core/adapters';
import { AosError } from '@autopoietic/core/cli-kit';

/**
 * The genome root as a real directory path (symlinks resolved), or an error (exit 1) that says
 * why `root` cannot be one: missing, a file, a file on its path, a symlink loop, a directory this
 * user may not search.
 */
export function canonicalRoot(root: string): string {
  try {
    const real = realpathSync(root);
    if (statSync(real).isDirectory()) return real;
  } catch (e) {
    throw rootLookupError(root, e);
  }
  throw new AosError('root-not-directory', `genome root ${root} is not a directory`, { hint: 'Point --root at the directory that holds flake.nix.' });
}

const CHECK_ROOT = 'Check the --root path, or run os-introspect inside the genome (the directory that holds flake.nix).';

/** Why looking `root` up failed, by its errno. */
function rootLookupError(root: string, e: unknown): AosError {
  const code = errnoOf(e);
  const denied = deniedErrno(code);
  if (code === 'ENOENT') return new AosError('root-not-found', `genome root ${root} does not exist (ENOENT)`, { hint: CHECK_ROOT, cause: e });
  if (code === 'ENOTDIR') {
    const file = nonDirectoryOnPath(root);
    const inTheWay = file ? `${file}, on its path, is not a directory` : 'a part of its path is not a directory';
    return new AosError('root-not-found', `genome root ${root} does not exist: ${inTheWay} (ENOTDIR)`, { hint: CHECK_ROOT, cause: e });
  }
  if (code === 'ELOOP') {
    return new AosError('root-unreadable', `genome root ${root} cannot be resolved: symbolic links on its path lead back to themselves (ELOOP)`, {
      hint: 'Point --root at the directory itself, or fix the symbolic link that loops (ls -l each part of the path).',
      cause: e,
    });
  }
  if (denied) {
    return new AosError('root-unreadable', `genome root ${root} cannot be reached: this user may not search a directory on its path (${denied})`, {
      hint: 'Run os-introspect as a user that may read the genome, or let this user search the directories above it (ls -ld each one shows its owner and mode).',
      cause: e,
    });
  }
  return new AosError('root-unreadable', `genome root ${root} cannot be resolved (${code ?? String(e)})`, {
    hint: 'Check the --root path and the file system that holds it.',
    cause: e,
  });
}
