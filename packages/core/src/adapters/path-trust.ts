import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { shellQuote } from '../cli-kit/shell-quote.js';
import { ownerOnlyGroup } from './owner-only-group.js';

/**
 * Whether anyone but root and the reader can change what a path names: the one rule for files
 * that grant the tools their powers (the host policy, a gate's --policy). It is OpenSSH's for
 * ~/.ssh/config and StrictModes (misc.c safe_path: the file and every directory above it owned by
 * root or the user, none writable by group or others) and sudo's for sudo.conf (owned by root,
 * neither group- nor world-writable), with two exceptions:
 *  - group write by a group that holds only the owner, as Debian's OpenSSH allows
 *    (owner-only-group.ts): Debian and Ubuntu give users their own group and a umask of 002;
 *  - a directory with the sticky bit (/tmp, /nix/store at 1775 root:nixbld) may be writable by
 *    others, since they can add entries there but not rename or remove anyone else's, and
 *    whatever they add is owned by them and refused.
 *
 * Every object the kernel consults to resolve the path is checked: each directory looked in,
 * each symbolic link followed (NixOS links /etc/autopoietic/* through /etc/static into the
 * store), and the file. A POSIX ACL that lets another user write shows as group write in the
 * mode, and is refused like it, unless the group holds only the owner: then it is not seen (nor
 * by Debian's ssh), and only the owner or root can have set it. Once every directory passes,
 * nobody else can swap the file between this check and the read.
 *
 * The owner of `/` is trusted too: whoever owns it can rename any entry of it, and so holds every
 * path already. It is root, except in a user namespace that does not map root: in a Nix build
 * sandbox `/`, /nix/store and /tmp belong to the overflow uid 65534, which stands for root there.
 */
export interface PathTrustProblem {
  /** The directory, symbolic link or file another user could change. */
  path: string;
  /** What is wrong with it, as a sentence fragment: `directory /x is writable by every user (mode 0777)`. */
  what: string;
  /** The command that fixes it. */
  fix: string;
}

export type PathKind = 'directory' | 'symbolic link' | 'file';

/** Who may own what a trusted path goes through: root, the reader, and the owner of `/`. */
export interface TrustedOwners {
  reader: number;
  rootOwner: number;
  /** Whether group `gid` holds nobody but `owner` (owner-only-group.ts): then its write is harmless. */
  ownerOnlyGroup: (owner: number, gid: number) => boolean;
}

/** At most as many links as Linux follows in one lookup (MAXSYMLINKS) before ELOOP. */
const MAX_LINKS = 40;

/**
 * The first object on the way to `path` that someone other than root or `reader` (default: this
 * process's effective uid) could change, or undefined when there is none. `groups` says whether a
 * group holds only a given owner (default: from /etc/passwd and /etc/group). A missing file has no
 * problem of its own, but the directories that say it is missing are checked: whoever could write
 * them could have removed it. A lookup that fails otherwise (ELOOP, EACCES) is a problem: what
 * cannot be checked is not trusted.
 */
export function pathTrustProblem(
  path: string,
  reader: number = process.geteuid?.() ?? 0,
  groups: TrustedOwners['ownerOnlyGroup'] = ownerOnlyGroup,
): PathTrustProblem | undefined {
  const top = lookup('/');
  if (!top.ok) return top.problem;
  if (top.st === undefined) return undefined; // no root directory: nothing to check (never on Linux)
  const owners: TrustedOwners = { reader, rootOwner: top.st.uid, ownerOnlyGroup: groups };
  const rootProblem = statProblem('/', 'directory', top.st, owners);
  if (rootProblem !== undefined) return rootProblem;
  let pending = splitPath(resolve(path));
  let current = '/';
  let links = 0;
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    // `current` never holds a link, so its parent is the directory reached just before it.
    if (name === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, name);
    const found = lookup(next);
    if (!found.ok) return found.problem;
    const st = found.st;
    if (st === undefined) return undefined;
    const kind: PathKind = st.isSymbolicLink() ? 'symbolic link' : st.isDirectory() ? 'directory' : 'file';
    const problem = statProblem(next, kind, st, owners);
    if (problem !== undefined) return problem;
    if (kind === 'symbolic link') {
      if (++links > MAX_LINKS) return { path: next, what: `${path} cannot be checked (ELOOP: more than ${MAX_LINKS} symbolic links)`, fix: 'Name the file through fewer symbolic links' };
      const target = readlinkSync(next);
      if (target.startsWith('/')) current = '/';
      pending = [...splitPath(target), ...pending];
      continue;
    }
    current = next;
  }
  return undefined;
}

/** The components of a path, without empty ones and `.`; `..` is kept (it is resolved against what is reached). */
function splitPath(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

/** lstat of `path`: undefined when nothing is there (ENOENT, or a file where a directory was expected); a problem when it cannot be looked at. */
function lookup(path: string): { ok: true; st: Stats | undefined } | { ok: false; problem: PathTrustProblem } {
  try {
    return { ok: true, st: lstatSync(path) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: true, st: undefined };
    return { ok: false, problem: { path, what: `${path} cannot be checked (${code})`, fix: 'Make every directory on the path searchable by the user running the tools' } };
  }
}

/**
 * The rule for one object, from its lstat: owned by root, the reader or the owner of `/`; not
 * writable by others, nor by a group that holds other users (owners.ownerOnlyGroup), except a
 * sticky directory. Pure.
 */
export function statProblem(path: string, kind: PathKind, st: Pick<Stats, 'uid' | 'gid' | 'mode'>, owners: TrustedOwners): PathTrustProblem | undefined {
  const q = shellQuote(path);
  const mode = `mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}`;
  if (st.uid !== 0 && st.uid !== owners.reader && st.uid !== owners.rootOwner) {
    const who = [
      'root',
      ...(owners.reader === 0 ? [] : [`the user reading it (uid ${owners.reader})`]),
      ...(owners.rootOwner === 0 || owners.rootOwner === owners.reader ? [] : [`the owner of / (uid ${owners.rootOwner})`]),
    ];
    return {
      path,
      what: `${kind} ${path} is owned by uid ${st.uid}, not by ${who.join(' or ')}: that user can change it`,
      fix: `Give it to root: \`chown ${kind === 'symbolic link' ? '-h ' : ''}root ${q}\``,
    };
  }
  // A symbolic link's own mode is always 0777 on Linux and never used: only its owner and its directory count.
  if (kind === 'symbolic link') return undefined;
  if (kind === 'directory' && (st.mode & 0o1000) !== 0) return undefined;
  if ((st.mode & 0o002) !== 0) return { path, what: `${kind} ${path} is writable by every user (${mode})`, fix: `Remove that write permission: \`chmod o-w ${q}\`` };
  if ((st.mode & 0o020) !== 0 && !owners.ownerOnlyGroup(st.uid, st.gid)) {
    return { path, what: `${kind} ${path} is writable by its group (gid ${st.gid}, ${mode}), which holds other users than its owner`, fix: `Remove that write permission: \`chmod g-w ${q}\`` };
  }
  return undefined;
}
