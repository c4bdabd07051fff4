import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { getLogger } from '../cli-kit/logger.js';
import { ledgerLikeName } from '../ledger/ledger-names.js';
import { writeFileAtomic } from './fs-safe.js';
import { isDirectory, resolvedPath } from './path-checks.js';
import { removeOutputLeftovers } from './leftovers.js';
import { outputPlaceProblem, type OutputWriter } from './output-place.js';
import { pseudoFileSystemProblem } from './pseudo-fs.js';

/**
 * Writes a CLI's `--output` where the user pointed it, as `> path` would, but atomically where
 * that is possible (os-introspect --output, mutation-journal lineage --output, install-verify
 * --output):
 *  - a new or regular file is replaced with a temp file and rename;
 *  - a symlink to one: its target is replaced, the link stays; a dangling symlink is replaced
 *    by the file (resolvedPath does not follow it), so nothing is ever created through a link;
 *  - a device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is written into: a rename
 *    would replace the node itself with a regular file (as root, `--output /dev/null` turned
 *    /dev/null into a file for every process on the machine).
 * A directory is left to writeFileAtomic, which refuses it with write-failed (EISDIR).
 */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  let special: { fifo: boolean } | undefined;
  try {
    const st = statSync(path);
    if (!st.isFile() && !st.isDirectory()) special = { fifo: st.isFIFO() };
  } catch {
    // Missing (or a dangling link): created by the atomic write, which reports what fails.
  }
  if (special) await writeInto(path, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, special.fifo);
  else {
    // Runs killed while writing here left their temp files (13 MB for a large self-state).
    removeOutputLeftovers(path);
    writeFileAtomic(resolvedPath(path), data);
  }
}

/** How long an open of a FIFO may wait for a reader before the user is told it is waiting. */
const FIFO_WAIT_NOTICE_MS = 1000;

/**
 * Writes into a device, FIFO or socket, as `> path` would: the open of a FIFO waits for a reader,
 * and a write waits while the reader is behind. Both wait in libuv's thread pool, not in this
 * thread: a synchronous open of a FIFO nobody read held the main thread in the kernel, where the
 * CLIs' SIGINT, SIGTERM and SIGHUP handlers (interrupt.ts) never ran, so neither Ctrl-C nor
 * `timeout` could stop the run (only SIGKILL). Now a signal stops it as it stops any other wait.
 */
async function writeInto(path: string, data: Uint8Array, fifo: boolean): Promise<void> {
  const notice = fifo ? setTimeout(() => getLogger().info({ path }, `waiting for a process to read the FIFO ${path} (Ctrl-C to stop)`), FIFO_WAIT_NOTICE_MS) : undefined;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'w');
    clearTimeout(notice);
    for (let at = 0; at < data.length; ) at += (await handle.write(data, at, data.length - at)).bytesWritten;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new AosError('write-failed', `failed to write ${path} (${code})`, { hint: 'It is a device, FIFO or socket: check that it accepts writes.', cause: e });
  } finally {
    clearTimeout(notice);
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Checks an `--output` path before any work (exit 2), and returns it absolute. The file is
 * replaced whole, so it must not be named like a ledger, whether that ledger exists or not, nor
 * point at one through a symlink: `os-introspect --output memory/organs.jsonl` replaced the organ
 * registry with a self-state and exited 0, and `handoff --output memory/effects.jsonl` created
 * that ledger holding a hand-off, which refused every later append. A directory is refused too,
 * and a path on /proc, /sys and the like, which failed only after the work (pseudo-fs.ts).
 * `example` is a file name to suggest (`self-state.json`). Given how the command writes it
 * (`writer`), the path is also checked for what would make that write fail after the work
 * (output-place.ts): a file on the way to it, a missing directory, an existing file for create-new.
 */
export function checkOutputPath(flag: string, raw: string, example: string, writer?: OutputWriter): string {
  const output = resolve(raw);
  const ledgerLike = ledgerLikeName(output) ?? ledgerLikeName(resolvedPath(output));
  if (ledgerLike !== undefined) {
    throw new AosError('output-is-ledger', `${flag} ${output} names a ledger file (${ledgerLike}): refusing to overwrite or create a ledger with other content`, {
      exit: 2,
      hint: `Write to a file of its own, e.g. ${example}.`,
    });
  }
  // Before the directory check: a directory there (`/proc/self`) would be answered with "name a
  // file in it", which is refused in turn.
  const pseudo = pseudoFileSystemProblem(output);
  if (pseudo) throw new AosError('output-on-pseudo-fs', `${flag} ${output} ${pseudo}`, { exit: 2, hint: `Write it to a regular directory instead, e.g. ${flag} ${example}.` });
  if (isDirectory(output)) throw new AosError('output-is-directory', `${flag} ${output} is a directory`, { exit: 2, hint: `Name a file in it, e.g. ${flag} ${join(output, example)}.` });
  const misplaced = writer && outputPlaceProblem(flag, output, example, writer);
  if (misplaced) throw misplaced;
  return output;
}
