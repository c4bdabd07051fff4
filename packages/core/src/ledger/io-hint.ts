import { errnoOf } from '../adapters/errno.js';
import { writeHint, type WritePlace } from '../adapters/write-hint.js';

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
  return writeHint(code, MEMORY_DIR) ?? fallback;
}

/** The memory directory, as core's one list of write hints (adapters/write-hint.ts) names it. */
const MEMORY_DIR: WritePlace = { dir: 'the memory directory', elsewhere: 'point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable one' };

/** The hint for a write that stopped short without an errno: a full disk or a file-size limit. */
export const SHORT_WRITE_HINT = 'The file system may be full, or the file-size limit (`ulimit -f`) reached: free space or raise the limit, then retry.';

/** A write() that returned fewer bytes than it was given: it has no errno, the next write would. */
export class ShortWriteError extends Error {
  constructor(written: number, length: number) {
    super(`short write: ${written} of ${length} bytes`);
  }
}
