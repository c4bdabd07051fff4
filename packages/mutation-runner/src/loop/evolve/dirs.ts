import { accessSync, constants, statSync } from 'node:fs';
import { makeDirs } from '@autopoietic/core/adapters';
import { isAosError, usageError } from '@autopoietic/core/cli-kit';

/**
 * The proposals directory must be a directory this process can write, checked before anything
 * runs (exit 2, nothing journaled). Without the check each attempt ran its generator and only
 * then failed to write the proposal. (The memory directory is checked where every command
 * resolves it, in core's ledger/paths.ts: never the genome root.)
 */
export function checkEvolveDirs(proposalsDir: string, flag = '--proposals-dir'): void {
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
