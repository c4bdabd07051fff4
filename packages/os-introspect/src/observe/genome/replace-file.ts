import { closeSync, openSync, readdirSync, renameSync, rmSync, writevSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeDirs, parseTempName, removeIfLeftover, tempPathFor } from '@autopoietic/core/adapters';

// Whole-file replacement for the parse cache, and the clean-up of what an interrupted one leaves.
// Temp files are named by core's tempPathFor, as writeFileAtomic's are: the pid in the name says
// whose it is, so that a later run can tell a writer that is gone from one still writing.

/**
 * Writes a file so that readers see the old or the new content, never a torn one: the chunks go
 * to a new temp file (one writev where the system allows, no concatenated copy), which is then
 * renamed into place.
 *
 * Synchronously, though callers await it: an asynchronous write needs this thread again for
 * each of its steps (open, every writev, close, rename), and in a run's tail this thread is busy
 * assembling, validating and printing, so the parse cache of the bench tree was on disk 40-70 ms
 * after the last step could have started. Its 13 MB take 13-17 ms to write here.
 */
export async function writeReplacing(path: string, chunks: Uint8Array[]): Promise<void> {
  makeDirs(dirname(path));
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeAll(fd, chunks);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/** At most this many buffers per writev (IOV_MAX on Linux). */
const IOV_MAX = 1024;

/** writev until every byte is written (a write may be short: more buffers than IOV_MAX, a signal). */
function writeAll(fd: number, chunks: Uint8Array[]): void {
  let pending = chunks.filter((c) => c.byteLength > 0);
  while (pending.length) {
    let bytesWritten = writevSync(fd, pending.slice(0, IOV_MAX));
    let i = 0;
    while (i < pending.length && bytesWritten >= pending[i]!.byteLength) bytesWritten -= pending[i++]!.byteLength;
    pending = pending.slice(i);
    if (bytesWritten > 0) pending[0] = pending[0]!.subarray(bytesWritten);
  }
}

/**
 * Removes the temp files in `dir` of files named like `named` whose writer is gone (core's adapters/leftovers.ts):
 * those of cache writes that a killed run began.
 */
export function removeStaleTemps(dir: string, named: RegExp): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const temp = parseTempName(name);
    if (temp && named.test(temp.target)) removeIfLeftover(join(dir, name), temp.pid);
  }
}
