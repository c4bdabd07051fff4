import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { makeDirs } from '@autopoietic/core/adapters';
import { isAosError, usageError } from '@autopoietic/core/cli-kit';

/**
 * The directories evolve writes into, checked before anything runs (exit 2, nothing journaled):
 *
 * - The memory directory must not be the genome root: the loop's logs and ledgers would then be
 *   genome files, and the live-genome check would take the loop's own first log for a change
 *   made by the generator (every run stopped at attempt 1).
 * - The proposals directory must be a directory this process can write. Without the check each
 *   attempt ran its generator and only then failed to write the proposal.
 */
export function checkEvolveDirs(root: string, memoryDir: string, proposalsDir: string, flag = '--proposals-dir'): void {
  if (realOrSelf(memoryDir) === realOrSelf(root)) {
    throw usageError('memory-dir-is-genome-root', `the memory directory ${memoryDir} is the genome root`,
      'Keep the ledgers out of the genome root: pass --memory-dir <genome>/memory (the default) or a directory outside the genome.');
  }
  checkWritableDir(proposalsDir, flag);
}

function checkWritableDir(dir: string, flag: string): void {
  const unusable = (why: string) =>
    usageError('proposals-dir-unusable', `${flag} ${dir} ${why}`, `Pass a directory evolve can create and write (the default is <genome>/mutations/pending).`);
  try {
    // What the first proposal would do anyway: an empty directory changes no genome file set.
    makeDirs(dir);
  } catch (e) {
    if (!isAosError(e)) throw e;
    const code = (e.cause as NodeJS.ErrnoException | undefined)?.code;
    throw unusable(code === 'ENOTDIR' || code === 'EEXIST' ? 'is not a directory (or lies under a file)' : `cannot be created (${code ?? e.message})`);
  }
  if (!statSync(dir).isDirectory()) throw unusable('is not a directory');
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw unusable('is not writable by this user');
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
