import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { errnoOf } from './errno.js';
import { isDirectory } from './path-checks.js';
import { ioError, writeFailedHint } from './write-failure.js';
import { writeHint } from './write-hint.js';

// Directories core creates: `mkdir -p` that fails at once where Node's retries for ever, and
// private scratch directories in TMPDIR, each failure named with its directory and remedy.

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
