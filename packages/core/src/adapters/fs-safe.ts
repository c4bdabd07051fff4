import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { errnoOf } from './errno.js';
import { pseudoFileSystemProblem } from './pseudo-fs.js';
import { parseTempName, tempPathFor } from './temp-name.js';
import { writeHint } from './write-hint.js';

/**
 * Safe file primitives shared by every writer that must never half-write or write through a
 * link it did not expect: install-apply's seed files (atomic replace), evidence sidecars
 * (create-new only), and the path checks of the one sidecar policy (evidence/sidecar.ts).
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

/** `path` made absolute against `cwd`, with `.` and `..` removed lexically (symlinks are NOT followed). */
export function lexicalAbsolute(path: string, cwd: string = process.cwd()): string {
  return resolve(cwd, path);
}

/**
 * The first existing component of `path` (made lexically absolute) that is a symlink, or
 * undefined. Components after the first missing one cannot exist and are not examined.
 */
export function symlinkComponent(path: string, cwd?: string): string | undefined {
  const abs = lexicalAbsolute(path, cwd);
  const parts = abs.split(sep).filter((p) => p !== '');
  let cur: string = sep;
  for (const part of parts) {
    cur = join(cur, part);
    let st: Stats;
    try {
      st = lstatSync(cur);
    } catch {
      return undefined; // missing (or not a directory): nothing below can exist
    }
    if (st.isSymbolicLink()) return cur;
  }
  return undefined;
}

/**
 * Where `path` really points: the realpath of its deepest existing ancestor, joined with the
 * components that do not exist yet. For an existing path this is its realpath.
 */
export function resolvedPath(path: string, cwd?: string): string {
  const abs = lexicalAbsolute(path, cwd);
  let existing = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...rest.reverse());
    } catch {
      const up = dirname(existing);
      if (up === existing) return abs;
      rest.push(basename(existing));
      existing = up;
    }
  }
}

/**
 * True when `child` is `dir` itself or lies under it, either lexically or after resolving
 * symlinks in both (so a symlinked spelling of either side is still caught).
 */
export function isInsideDir(child: string, dir: string, cwd?: string): boolean {
  const lexical = within(lexicalAbsolute(child, cwd), lexicalAbsolute(dir, cwd));
  return lexical || within(resolvedPath(child, cwd), resolvedPath(dir, cwd));
}

/** True when both paths exist and are the same file (device + inode; symlinks are followed, so hard links and aliases match). */
export function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a, { bigint: true });
    const sb = statSync(b, { bigint: true });
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * `mkdir -p`: creates `path` and any missing parents (each with `mode`, default 0o777, less the
 * umask as mkdir applies it) and returns the first directory it created, or undefined when `path` already was one,
 * as `mkdirSync(path, { recursive: true })` does. Use this instead: Node's recursive mkdir
 * retries for ever when a parent exists but mkdir under it still fails with ENOENT, as under
 * /proc and /sys (`--output /proc/x/state.json` spun at full CPU and ignored SIGTERM). Here each
 * level is one plain mkdir, tried at most twice, so such a path fails at once. A failure is an
 * AosError `mkdir-failed` naming the directory, with the hint for its errno (mkdirFailedHint);
 * its cause is Node's error (ENOENT, EACCES, ENOTDIR, or EEXIST when a file has the name).
 */
export function makeDirs(path: string, mode?: number): string | undefined {
  try {
    return makeDirsOrThrow(resolve(path), mode === undefined ? undefined : { mode });
  } catch (e) {
    throw ioError('mkdir-failed', `cannot create directory ${path}${inTheWay(e as NodeJS.ErrnoException)}`, e, mkdirFailedHint(e, resolve(path)));
  }
}

/**
 * The hint for creating the directory `path` (or one of its missing parents) that failed with
 * `e`, by its errno (write-hint.ts): Node's error names the level that failed, and the directory
 * it was made in is the one to fix. `elsewhere` says how to choose another place, when the
 * caller knows (`give --work-dir a writable directory`).
 */
export function mkdirFailedHint(e: unknown, path: string, elsewhere?: string): string {
  const failed = (e as NodeJS.ErrnoException | undefined)?.path ?? path;
  const hint = errnoOf(e) === 'EEXIST' ? writeHint('EEXIST', { dir: dirname(failed), file: failed, inTheWay: failed, elsewhere }) : undefined;
  return hint ?? writeFailedHint(e, dirname(failed), failed, elsewhere);
}

/** What stands where a directory should be: "(EEXIST)" alone read as if the directory existed. */
function inTheWay(e: NodeJS.ErrnoException): string {
  if (e.code === 'EEXIST' && e.path) return `: ${e.path} exists and is not a directory`;
  if (e.code === 'ENOTDIR' && e.path) return `: a parent of ${e.path} is not a directory`;
  return '';
}

function makeDirsOrThrow(dir: string, opts: { mode: number } | undefined): string | undefined {
  try {
    mkdirSync(dir, opts);
    return dir;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && isDirectory(dir)) return undefined;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw e;
    const first = makeDirsOrThrow(parent, opts);
    // The parent is a directory now: this mkdir's errors are final (ENOENT under /proc).
    try {
      mkdirSync(dir, opts);
    } catch (again) {
      // Made meanwhile by someone else, as `mkdir -p` allows.
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(dir)) throw again;
      return first;
    }
    return first ?? dir;
  }
}

/**
 * A new private directory in the system temp dir (TMPDIR) for `purpose` ("a private git index",
 * say), or an AosError `tmpdir-unusable` naming TMPDIR, the cause and what the directory was for.
 * Node's own mkdtemp error (ENOENT, EROFS, ENOSPC) reached users as error[internal].
 */
export function makeScratchDir(prefix: string, purpose: string): string {
  const parent = tmpdir();
  try {
    return mkdtempSync(join(parent, prefix));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AosError('tmpdir-unusable', `cannot create a scratch directory in ${parent} (TMPDIR): ${code}`, {
      hint: tmpdirHint(purpose),
      cause: e,
    });
  }
}

/** The hint for anything that failed in a scratch dir for `purpose` (also a write in it that filled TMPDIR). */
export function tmpdirHint(purpose: string): string {
  return `Point TMPDIR at a writable directory with free space: ${purpose} is made there.`;
}

/** Whether anything has the name `path`, a dangling symlink included (lstat: links are not followed). */
export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether `path` is a directory (through symlinks); false when it does not exist or cannot be stat'ed. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
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

/** True when the absolute path `child` lies below `dir` (lexically; `dir` itself is not below it). */
export function isStrictlyInside(child: string, dir: string): boolean {
  return relative(dir, child) !== '' && within(child, dir);
}

function within(child: string, dir: string): boolean {
  const rel = relative(dir, child);
  // `..b` is a child named "..b"; only `..` itself or `../...` leaves the directory.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
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

/**
 * The hint for a write into `dir` (of `file`, when one was being made) that failed with `e`: by
 * its errno (write-hint.ts), after what only the disk can tell. /proc and /sys refuse new files
 * with ENOENT or EACCES though their directories exist; an ENOENT under an existing directory
 * (a race) says nothing about a missing one.
 */
function writeFailedHint(e: unknown, dir: string, file?: string, elsewhere?: string): string {
  const pseudo = pseudoFileSystemProblem(dir);
  if (pseudo) return `${dir} ${pseudo}: ${elsewhere ?? 'write to a regular directory instead'}.`;
  const code = errnoOf(e);
  const known = code === 'ENOENT' && isDirectory(dir) ? undefined : code;
  const inTheWay = code === 'ENOTDIR' && file !== undefined ? nonDirectoryOnPath(dirname(file)) : undefined;
  const hint = writeHint(known, { dir, file, inTheWay, elsewhere });
  if (hint) return hint;
  return `The write failed${code ? ` with ${code}` : ''}: check ${dir} and the file system that holds it.`;
}

/** The first existing component of `path` that is not a directory (what ENOTDIR stumbled on), or undefined. */
function nonDirectoryOnPath(path: string): string | undefined {
  for (let cur = path; ; cur = dirname(cur)) {
    if (entryExists(cur)) return isDirectory(cur) ? undefined : cur;
    if (dirname(cur) === cur) return undefined;
  }
}

function ioError(code: string, message: string, cause: unknown, hint: string): AosError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  const detail = errno && !message.includes(errno) ? ` (${errno})` : '';
  return new AosError(code, `${message}${detail}`, { hint, cause });
}
