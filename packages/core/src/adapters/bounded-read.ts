import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { isStrictlyInside } from './path-checks.js';

/**
 * Reads a file that a user or an operator names and that holds a document of bounded size
 * (settings, policies, proposals, patches, plans), whole, but only when it is a regular file
 * within `max` bytes. readFileSync of a link to /dev/zero never ends (16 GB of memory before the
 * process aborted), a FIFO waits for a writer, and a multi-gigabyte file named by mistake would
 * be held in memory whole: each is refused with a reason instead.
 */
/** Settings and policy files (identity.json, observation.json, mutation-runner.json, --policy). */
export const MAX_SETTINGS_FILE_BYTES = 1024 * 1024;
/** Proposals, their patches and install plans: documents a tool wrote, far below this. */
export const MAX_DOCUMENT_FILE_BYTES = 64 * 1024 * 1024;

export type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; code: string; reason: string };

export interface BoundedReadOptions {
  /**
   * A directory (its real path) the file must be in. Checked on the file as opened (Linux:
   * /proc/self/fd), so a symlink swapped in after the caller looked at the path cannot lead the
   * read elsewhere; refused with code `outside`. Where /proc is missing, only the caller's own
   * check of the path applies.
   */
  within?: string;
}

export function readBoundedFile(path: string, max: number, opts: BoundedReadOptions = {}): BoundedRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return failed(e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, code: 'not-a-file', reason: `not a regular file (${st.isDirectory() ? 'a directory' : 'a device, FIFO or socket'})` };
    if (st.size > max) return tooLarge(st.size, max);
    if (opts.within !== undefined) {
      const opened = openedPath(fd);
      if (opened !== undefined && !isStrictlyInside(opened, opts.within)) return { ok: false, code: 'outside', reason: `it resolves to ${opened}, outside ${opts.within}` };
    }
    // Read to the end, one byte beyond the limit at most: a file that grew meanwhile is refused.
    const chunks: Buffer[] = [];
    let total = 0;
    for (let want = st.size + 1; total <= max; want = 64 * 1024) {
      const buf = Buffer.allocUnsafe(Math.min(want, max + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    return tooLarge(total, max);
  } catch (e) {
    return failed(e);
  } finally {
    closeSync(fd);
  }
}

/** The path of the file open as `fd`, as the kernel knows it (undefined without /proc). */
function openedPath(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

function failed(e: unknown): BoundedRead {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  return { ok: false, code, reason: code };
}

function tooLarge(bytes: number, max: number): BoundedRead {
  return { ok: false, code: 'too-large', reason: `${bytes} bytes or more, over the limit of ${max}` };
}
