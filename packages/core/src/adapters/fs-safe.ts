import { closeSync, constants, fchmodSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseTempName, tempPathFor } from './temp-name.js';
import { ioError, writeFailedHint } from './write-failure.js';

/**
 * Safe file writes shared by every writer that must never half-write or write through a link it
 * did not expect: install-apply's seed files and checkpoints (atomic replace), evidence sidecars
 * and quarantine files (create-new only). Directories are made by make-dirs.ts, and the path
 * checks of the one sidecar policy (evidence/sidecar.ts) are in path-checks.ts.
 *
 * All functions are synchronous: the files are small, and a caller that forgets `await` can
 * then never lose an error.
 */

export interface WriteOptions {
  /** Permission bits of the written file (applied with fchmod, so the umask does not change them). */
  mode?: number;
}

/**
 * Replaces `path` atomically: writes a temp file in the same directory (O_EXCL|O_NOFOLLOW),
 * fsyncs it, renames it over `path` and fsyncs the directory. A reader sees the old or the new
 * content, never a mix; after a crash the name holds one of the two. On any failure the temp
 * file is removed and `path` is untouched.
 *
 * rename() replaces the directory entry: if `path` is a symlink, the link itself is replaced and
 * its target is never written. The parent directory must exist.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: WriteOptions = {}): void {
  const dir = dirname(path);
  const temp = tempPathFor(path);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  let fd: number | undefined;
  try {
    fd = openSync(temp, flags, opts.mode ?? 0o644);
    if (opts.mode !== undefined) fchmodSync(fd, opts.mode);
    writeAllSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    throw ioError('write-failed', `failed to write ${path} atomically`, e, writeFailedHint(e, dir, path));
  }
  fsyncDir(dir);
}

/**
 * Temp files that an interrupted writeFileAtomic(path) left beside `path` (a SIGKILL between
 * creating and renaming them), so that an undo can remove them too. Full paths; [] when the
 * directory does not exist.
 */
export function atomicWriteLeftovers(path: string): string[] {
  const target = basename(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
  return names.filter((n) => parseTempName(n)?.target === target).map((n) => join(dirname(path), n));
}

/**
 * Creates `path`, which must not exist in any form (file, directory, symlink, even a dangling
 * one): O_CREAT|O_EXCL|O_NOFOLLOW. The content is fsynced and the directory entry too. On a
 * failure after the create, the partial file is removed. The parent directory must exist.
 */
export function createNewFile(path: string, data: string | Uint8Array, opts: WriteOptions = {}): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(path, flags, opts.mode ?? 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw ioError('output-exists', `failed to open output file ${path}: it already exists (create-new only)`, e, 'Choose a path that does not exist yet.');
    }
    throw ioError('write-failed', `failed to open output file ${path}`, e, writeFailedHint(e, dirname(path), path));
  }
  try {
    if (opts.mode !== undefined) fchmodSync(fd, opts.mode);
    writeAllSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    closeQuietly(fd);
    removeQuietly(path);
    throw ioError('write-failed', `failed to write ${path}`, e, writeFailedHint(e, dirname(path), path));
  }
  fsyncDir(dirname(path));
}

/** fsync a directory so that a new or renamed entry in it survives a crash. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch (e) {
    // Some file systems refuse fsync on directories (EINVAL); the data itself is already synced.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EBADF') {
      throw ioError('write-failed', `failed to sync directory ${dir}`, e, writeFailedHint(e, dir));
    }
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function writeAllSync(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already failing; the original error is what matters */
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* it may never have been created */
  }
}
