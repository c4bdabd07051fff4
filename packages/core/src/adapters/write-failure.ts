import { dirname } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { errnoOf } from './errno.js';
import { isDirectory, nonDirectoryOnPath } from './path-checks.js';
import { pseudoFileSystemProblem } from './pseudo-fs.js';
import { writeHint } from './write-hint.js';

// How a failed file write or mkdir of fs-safe.ts and make-dirs.ts is reported: the error with
// its errno, and the hint for the place it failed in (not exported from the package).

/**
 * The hint for a write into `dir` (of `file`, when one was being made) that failed with `e`: by
 * its errno (write-hint.ts), after what only the disk can tell. /proc and /sys refuse new files
 * with ENOENT or EACCES though their directories exist; an ENOENT under an existing directory
 * (a race) says nothing about a missing one.
 */
export function writeFailedHint(e: unknown, dir: string, file?: string, elsewhere?: string): string {
  const pseudo = pseudoFileSystemProblem(dir);
  if (pseudo) return `${dir} ${pseudo}: ${elsewhere ?? 'write to a regular directory instead'}.`;
  const code = errnoOf(e);
  const known = code === 'ENOENT' && isDirectory(dir) ? undefined : code;
  const inTheWay = code === 'ENOTDIR' && file !== undefined ? nonDirectoryOnPath(dirname(file)) : undefined;
  const hint = writeHint(known, { dir, file, inTheWay, elsewhere });
  if (hint) return hint;
  return `The write failed${code ? ` with ${code}` : ''}: check ${dir} and the file system that holds it.`;
}

export function ioError(code: string, message: string, cause: unknown, hint: string): AosError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  const detail = errno && !message.includes(errno) ? ` (${errno})` : '';
  return new AosError(code, `${message}${detail}`, { hint, cause });
}
