import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { posix } from 'node:path';

/**
 * Path resolution inside a target root, the way the installed system will see it.
 *
 * A target root is a mounted system (`/mnt`): an absolute symlink in it (`etc/static ->
 * /nix/store/...-etc/etc` on NixOS) means `<root>/nix/store/...`, not the host's `/nix/store`.
 * So symlinks are followed by hand, component by component, with absolute link targets
 * re-rooted at the target root. A relative link that climbs above the root leaves it: that is an
 * error, never followed. Nothing here writes.
 */

const MAX_LINKS = 40; // the kernel's own limit for one lookup

export type Resolution =
  /** Every component exists; `path` is the final host path (never a symlink itself). */
  | { kind: 'found'; path: string; viaSymlink: boolean }
  /** `existing` is the deepest existing directory reached; `path` the host path the file would have. */
  | { kind: 'missing'; path: string; existing: string; viaSymlink: boolean }
  | { kind: 'escape'; link: string; target: string }
  | { kind: 'error'; reason: string };

function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/** Resolves `installedPath` (absolute, inside the installed system) under `root` (a real, existing directory). */
export function resolveInRoot(root: string, installedPath: string): Resolution {
  const pending = splitPath(installedPath);
  let current = root;
  let links = 0;
  let viaSymlink = false;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === '..') {
      if (current === root) {
        if (root === '/') continue; // the kernel keeps `..` of `/` at `/`
        return { kind: 'error', reason: `a symlink on the way to ${installedPath} leads above the target root (symlink traversal refused)` };
      }
      current = posix.dirname(current);
      continue;
    }
    const next = posix.join(current, comp);
    let st: Stats;
    try {
      st = lstatSync(next);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'missing', path: posix.join(next, ...pending), existing: current, viaSymlink };
      return { kind: 'error', reason: `cannot inspect ${next}: ${code ?? (e as Error).message}` };
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return { kind: 'error', reason: `too many symlinks while resolving ${installedPath}` };
      const target = readlinkSync(next);
      if (!target.startsWith('/') && climbsAbove(root, current, target)) return { kind: 'escape', link: next, target };
      viaSymlink = true;
      pending.unshift(...splitPath(target));
      if (target.startsWith('/')) current = root;
      continue;
    }
    if (pending.length > 0 && !st.isDirectory()) return { kind: 'error', reason: `${next} is not a directory` };
    current = next;
  }
  return { kind: 'found', path: current, viaSymlink };
}

/** Whether a relative link target read in directory `dir` climbs above `root` before descending again. */
function climbsAbove(root: string, dir: string, target: string): boolean {
  if (root === '/') return false;
  let depth = splitPath(posix.relative(root, dir)).length;
  for (const comp of splitPath(target)) {
    depth += comp === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

export type SeedRead =
  | { status: 'missing' }
  | { status: 'error'; reason: string }
  | { status: 'read'; bytes: Buffer; stat: Stats; resolvedPath?: string };

/**
 * Reads one seed file under the target root without being fooled by swaps: resolve, lstat, open
 * with O_NOFOLLOW|O_NONBLOCK, then resolve again and require the same path and the same
 * device+inode as the open descriptor (the open-then-compare identity guard).
 */
export function readSeedFile(root: string, installedPath: string): SeedRead {
  const first = resolveInRoot(root, installedPath);
  if (first.kind === 'missing') return { status: 'missing' };
  if (first.kind === 'escape') return { status: 'error', reason: `symlink ${first.link} -> ${first.target} leaves the target root (symlink traversal refused)` };
  if (first.kind === 'error') return { status: 'error', reason: first.reason };
  const st = lstatSync(first.path);
  if (!st.isFile()) return { status: 'error', reason: `${first.path} is not a regular seed file` };
  let fd: number;
  try {
    fd = openSync(first.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { status: 'error', reason: `${first.path} changed while it was being opened: it is no longer a regular seed file` };
    if (code === 'ENOENT') return { status: 'missing' };
    return { status: 'error', reason: `failed to read target file: ${code ?? (e as Error).message}` };
  }
  try {
    const opened = fstatSync(fd);
    const again = resolveInRoot(root, installedPath);
    const now = again.kind === 'found' && again.path === first.path ? safeLstat(again.path) : undefined;
    const mismatch = compareIdentity(opened, now);
    if (mismatch) return { status: 'error', reason: `${first.path} changed while it was being opened: ${mismatch}` };
    const bytes = readAll(fd, opened.size);
    return { status: 'read', bytes, stat: opened, ...(first.viaSymlink ? { resolvedPath: first.path } : {}) };
  } catch (e) {
    return { status: 'error', reason: `failed to read target file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Why an opened descriptor is not the regular file now at its path, or undefined when it is.
 * `current` is the path's lstat after the open (undefined when the path no longer resolves the same way).
 */
export function compareIdentity(opened: Stats, current: Stats | undefined): string | undefined {
  if (!opened.isFile()) return 'the opened file is not a regular seed file';
  if (current === undefined) return 'the path no longer resolves to the opened regular seed file';
  if (current.isSymbolicLink()) return 'the path is now a symlink, not the opened regular seed file';
  if (current.dev !== opened.dev || current.ino !== opened.ino) return 'the path now names a different file than the opened regular seed file';
  return undefined;
}

function safeLstat(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function readAll(fd: number, sizeHint: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.alloc(Math.max(sizeHint - total, 64 * 1024));
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
  }
  return Buffer.concat(chunks, total);
}
