import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

// What is at a path and where it leads: lexical and symlink-resolved containment, symlinks on
// the way, the same file under two names. Synchronous, and none of them writes.

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

/** True when the absolute path `child` lies below `dir` (lexically; `dir` itself is not below it). */
export function isStrictlyInside(child: string, dir: string): boolean {
  return relative(dir, child) !== '' && within(child, dir);
}

function within(child: string, dir: string): boolean {
  const rel = relative(dir, child);
  // `..b` is a child named "..b"; only `..` itself or `../...` leaves the directory.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
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

/**
 * The deepest existing component of `path` (itself included), when it is not a directory: what
 * an ENOTDIR on the way to `path` stumbled on. Undefined when that component is a directory.
 */
export function nonDirectoryOnPath(path: string): string | undefined {
  for (let cur = path; ; cur = dirname(cur)) {
    if (entryExists(cur)) return isDirectory(cur) ? undefined : cur;
    if (dirname(cur) === cur) return undefined;
  }
}
