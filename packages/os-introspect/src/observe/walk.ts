import { lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { byCodeUnit } from '@autopoietic/core/canonical';

/**
 * Tree walking shared by the genome reader and the project sampler. Directories that are build
 * output, VCS data or dependency caches are skipped by name. Symlinked directories are never
 * entered (no loops, no double counting); symlinked files are followed only when they resolve
 * to a regular file inside the walked root.
 */
export const SKIPPED_DIRS = new Set(['.git', '.direnv', 'node_modules', 'target', '.jj', '.hg', '.svn']);

/** `result`, `result-dev`, `result-vm`: the GC-root links `nix build` leaves behind. */
export function isSkippedName(name: string): boolean {
  return SKIPPED_DIRS.has(name) || name === 'result' || name.startsWith('result-');
}

export interface WalkedFile {
  /** Path relative to the root, `/`-separated. */
  rel: string;
  abs: string;
  /** The file's stat (of a symlink's target). */
  stat: Stats;
  /** Set when the entry is a symlink (the stat is of its target). */
  linkTarget?: string;
}

export interface WalkProblem {
  rel: string;
  reason: string;
  /** A directory whose entries were not read: whatever it holds is missing from the walk. */
  unlisted?: true;
}

export interface WalkOptions {
  /** Which files to report (by name). */
  want: (name: string) => boolean;
  /** Stop after this many files (undefined: no limit). */
  limit?: number;
  /**
   * Names are all the caller needs (the project sampler counts suffixes): a plain file is not
   * stat'ed, which is most of a walk's cost. Its `stat` is then left out.
   */
  names?: boolean;
  /**
   * Regular files whose names decode are not stat'ed either (the genome's first walk, which has
   * no stat index to compare with: reading the file stats it anyway); symlinks, other kinds of
   * files and names that are not UTF-8 are, and are reported as a full walk reports them.
   */
  lazyStat?: boolean;
}

/** A file found by a walk for names only: stat'ed only when it is a symlink. */
export type WalkedName = Omit<WalkedFile, 'stat'> & { stat?: Stats };

export interface WalkResult<F = WalkedFile> {
  files: F[];
  problems: WalkProblem[];
  truncated: boolean;
}

export function walkTree(root: string, opts: WalkOptions & { names: true }): WalkResult<WalkedName>;
export function walkTree(root: string, opts: WalkOptions & { lazyStat: boolean }): WalkResult<WalkedName>;
export function walkTree(root: string, opts: WalkOptions & { names?: false }): WalkResult<WalkedFile>;
export function walkTree(root: string, opts: WalkOptions): WalkResult<WalkedName> {
  const out: WalkResult<WalkedName> = { files: [], problems: [], truncated: false };
  const realRoot = realpathSync(root);
  const under = pathUnder(root);
  const stack = [''];
  while (stack.length) {
    const relDir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(under(relDir), { withFileTypes: true });
    } catch (e) {
      out.problems.push({ rel: relDir || '.', reason: undecodedName(relDir, e) ?? `cannot list directory: ${errText(e)}`, unlisted: true });
      continue;
    }
    entries.sort((a, b) => byCodeUnit(a.name, b.name));
    for (const d of entries) {
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (!isSkippedName(d.name)) stack.push(rel);
        continue;
      }
      if (!opts.want(d.name)) continue;
      if (opts.limit !== undefined && out.files.length >= opts.limit) {
        out.truncated = true;
        return out;
      }
      const plain = !d.isSymbolicLink() && (opts.names || (opts.lazyStat && d.isFile() && !rel.includes('\uFFFD')));
      const f = plain ? { rel, abs: under(rel) } : fileEntry(under(rel), realRoot, rel, d, out.problems);
      if (f) out.files.push(f);
    }
  }
  return out;
}

/**
 * `join(root, rel)` for paths `rel` made of names readdir gave, joined by `/` (no `.`, `..` or
 * empty segments): the root normalised once, then the names appended. path.join normalises the
 * whole path again each time, about 20 ms for the 3500 files of the bench tree, before any file
 * is read.
 */
export function pathUnder(root: string): (rel: string) => string {
  const base = join(root, '/'); // normalised, ending in one separator
  return (rel) => base + rel;
}

function fileEntry(abs: string, realRoot: string, rel: string, d: Dirent, problems: WalkProblem[]): WalkedFile | undefined {
  try {
    if (!d.isSymbolicLink()) return { rel, abs, stat: lstatSync(abs) };
    let target: string;
    try {
      target = realpathSync(abs);
    } catch (e) {
      problems.push({ rel, reason: `symlink that does not resolve (${errCode(e)})` });
      return undefined;
    }
    const inside = relative(realRoot, target);
    if (inside.startsWith('..') || inside.startsWith(sep) || inside === '') {
      problems.push({ rel, reason: `symlink to ${target}, outside the root: not read` });
      return undefined;
    }
    return { rel, abs, stat: statSync(abs), linkTarget: inside.split(sep).join('/') };
  } catch (e) {
    problems.push({ rel, reason: undecodedName(rel, e) ?? `cannot stat: ${errText(e)}` });
    return undefined;
  }
}

/**
 * Node reads directory entries as UTF-8 and puts U+FFFD for bytes that are not; such a name
 * then names nothing (ENOENT). Said as it is, rather than as a file that vanished.
 */
function undecodedName(rel: string, e: unknown): string | undefined {
  if (errCode(e) !== 'ENOENT' || !rel.includes('\uFFFD')) return undefined;
  return 'its name is not valid UTF-8 (shown with U+FFFD), so it cannot be opened by name: not read';
}

export function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? 'error';
}

export function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message.replace(/^\w+: /, '')}` : String(e);
}
