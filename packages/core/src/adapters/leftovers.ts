import { lstatSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { atomicWriteLeftovers } from './fs-safe.js';
import { resolvedPath } from './path-checks.js';
import { parseTempName } from './temp-name.js';

/**
 * Temp files that interrupted writes left behind. A run killed while writing (SIGKILL, or
 * SIGTERM, which Node answers by exiting at once) leaves its temp file, as large as what it was
 * writing (13 MB for a 3,500-file genome), and nothing else ever removes it. Each temp name holds
 * its writer's pid: a later run removes the ones whose writer is gone. A writer still running
 * (another run at once, even another user's) keeps its own, unless it is older than any write.
 * writeOutputFile sweeps beside every --output it writes; os-introspect's parse cache does the
 * same for its own temp files.
 */

/** No write takes this long: past it a temp file is left over whatever its pid says (pids are reused). */
const STALE_AFTER_MS = 3600_000;

/** Whether something last modified at `mtimeMs` is older than any write (see STALE_AFTER_MS). */
export function olderThanAnyWrite(mtimeMs: number, now = Date.now()): boolean {
  return mtimeMs < now - STALE_AFTER_MS;
}

/**
 * Whether what `pid` was writing (a temp file, a staging directory), modified at `mtimeMs`, is
 * left over: its writer is gone, or it is older than any write. The one rule for every sweep.
 */
export function isLeftover(pid: number, mtimeMs: number, now = Date.now()): boolean {
  return olderThanAnyWrite(mtimeMs, now) || !processExists(pid);
}

/** Removes `path`, a temp file written by `pid`, when it is left over; quietly (best effort). */
export function removeIfLeftover(path: string, pid: number, now = Date.now()): void {
  if (pid === process.pid) return;
  try {
    if (isLeftover(pid, lstatSync(path).mtimeMs, now)) unlinkSync(path);
  } catch {
    // Gone already (its writer renamed it), or not ours to remove: a later run tries again.
  }
}

/** Whether a process of that pid exists (EPERM: it does, another user's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * The temp files core's writeFileAtomic left beside `output` (`.<name>.tmp-<pid>-<hex>`, next to
 * the file a symlink points at, where it writes), for the writers that are gone.
 */
export function removeOutputLeftovers(output: string): void {
  let temps: string[];
  try {
    temps = atomicWriteLeftovers(resolvedPath(output));
  } catch {
    return; // an unreadable directory: the write reports it
  }
  for (const temp of temps) removeIfLeftover(temp, parseTempName(basename(temp))!.pid);
}
