import { errnoOf } from '../adapters/errno.js';

/**
 * The hint for a write into the memory directory that failed, by the errno that ended it: on a
 * full disk the first failure is often the lock's owner file, and "check that it is writable"
 * sent the user looking at permissions. One place, so the lock and the append say the same.
 */
export function writeFailureHint(e: unknown, fallback: string): string {
  if (e instanceof ShortWriteError) return SHORT_WRITE_HINT;
  return memoryWriteHint(errnoOf(e), fallback);
}

/** writeFailureHint for a failure known only by its errno code (a log stream's write, say). */
export function memoryWriteHint(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'ENOSPC':
      return 'The file system holding the memory directory is full (ENOSPC): free space there (`df` names it), then retry.';
    case 'EDQUOT':
      return "This user's disk quota is used up (EDQUOT): free space or raise the quota, then retry.";
    case 'EFBIG':
      return 'The file reached the largest size this process may write (EFBIG): raise the file-size limit (`ulimit -f`, or the service\'s LimitFSIZE=), then retry.';
    case 'EROFS':
      return 'The memory directory is on a read-only file system (EROFS): remount it read-write, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable one.';
    case 'EACCES':
    case 'EPERM':
      return `This user may not write there (${code}): fix the memory directory's owner or mode, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable one.`;
    default:
      return fallback;
  }
}

/** The hint for a write that stopped short without an errno: a full disk or a file-size limit. */
export const SHORT_WRITE_HINT = 'The file system may be full, or the file-size limit (`ulimit -f`) reached: free space or raise the limit, then retry.';

/** A write() that returned fewer bytes than it was given: it has no errno, the next write would. */
export class ShortWriteError extends Error {
  constructor(written: number, length: number) {
    super(`short write: ${written} of ${length} bytes`);
  }
}
