import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, readdirSync, readSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { getLogger } from '../cli-kit/logger.js';
import { makeScratchDir, tmpdirHint } from './make-dirs.js';
import { entryExists } from './path-checks.js';
import { currentOwner, ownerIsGone, type ProcessOwner } from './process-owner.js';

/**
 * Scratch directories in TMPDIR that name their owner, so that a later run can remove them once
 * the owner is gone. A run removes its own on exit and on SIGINT/SIGTERM (onInterrupt), but one
 * killed with SIGKILL (the OOM killer) cannot: evolve's generator sandboxes, each a full copy of
 * the genome, piled up in /tmp for ever.
 *
 * The owner file `.autopoietic-owner.json` (read-only) is written inside the directory as soon as
 * it is made: `{tool, dir, pid, host, start}`. A directory is removed only when all of this holds,
 * so nothing that is not provably ours, and never a live run's, is touched:
 *  - its name is `<prefix>` plus mkdtemp's six characters, in TMPDIR;
 *  - it is a directory, not a symlink (lstat), owned by this user;
 *  - its owner file is a regular file (opened with O_NOFOLLOW) owned by this user, and names this
 *    directory (a copied owner file does not vouch for another directory);
 *  - its owner is gone (process-owner.ts: same host, and the pid is gone or was reused).
 * Removal never follows a symlink: only real directories are made writable (through a descriptor
 * opened with O_NOFOLLOW), and rm unlinks links instead of entering them.
 *
 * A run killed between mkdtemp and the owner file leaves an empty directory without one: it is
 * left alone, as are directories of versions that wrote no owner file.
 */

const OWNER_FILE = '.autopoietic-owner.json';
const TOOL = 'autopoietic-scratch-v1';
/** mkdtemp appends six characters. */
const SUFFIX = /^[A-Za-z0-9]{6}$/;
/** Far more than an owner file holds: a larger file is not one of ours. */
const MAX_OWNER_BYTES = 4096;

interface OwnerRecord extends ProcessOwner {
  tool: typeof TOOL;
  dir: string;
}

/**
 * makeScratchDir, plus the owner file that lets a later run remove it if this one dies; first
 * removes the directories of this prefix that runs now gone left behind (logged at info).
 */
export function makeOwnedScratchDir(prefix: string, purpose: string): string {
  const removed = removeDeadScratchDirs(prefix);
  if (removed.length) getLogger().info({ removed }, `removed ${removed.length} scratch director${removed.length === 1 ? 'y' : 'ies'} left by runs that are gone: ${purpose}`);
  const dir = makeScratchDir(prefix, purpose);
  const record: OwnerRecord = { tool: TOOL, dir: basename(dir), ...currentOwner() };
  try {
    writeFileSync(join(dir, OWNER_FILE), `${JSON.stringify(record)}\n`, { mode: 0o444, flag: 'wx' });
  } catch (e) {
    removeScratchTree(dir);
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AosError('tmpdir-unusable', `cannot write the owner file of the scratch directory ${dir} (TMPDIR): ${code}`, { hint: tmpdirHint(purpose), cause: e });
  }
  return dir;
}

/**
 * Removes the directories `<prefix>XXXXXX` in TMPDIR that runs now gone left behind (see the
 * rules above); returns the ones removed. Best effort: what cannot be read or removed is left for
 * a later run.
 */
export function removeDeadScratchDirs(prefix: string): string[] {
  const parent = tmpdir();
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !SUFFIX.test(name.slice(prefix.length))) continue;
    const dir = join(parent, name);
    if (!leftByDeadOwner(dir, name)) continue;
    removeScratchTree(dir);
    if (!entryExists(dir)) removed.push(dir);
  }
  return removed;
}

function leftByDeadOwner(dir: string, name: string): boolean {
  const uid = process.getuid?.();
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) return false;
    const owner = readOwnerFile(join(dir, OWNER_FILE), uid);
    if (owner?.dir !== name || !ownerIsGone(owner)) return false;
    // Still the directory the owner file was read from (not replaced meanwhile).
    const again = lstatSync(dir);
    return again.isDirectory() && again.ino === st.ino && again.dev === st.dev;
  } catch {
    return false;
  }
}

/** The owner record in `path`, or undefined unless it is a small regular file of this user holding one. */
function readOwnerFile(path: string, uid: number | undefined): OwnerRecord | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_OWNER_BYTES || (uid !== undefined && st.uid !== uid)) return undefined;
    const buf = Buffer.alloc(MAX_OWNER_BYTES + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const o = JSON.parse(buf.subarray(0, n).toString('utf8')) as Partial<OwnerRecord>;
    const valid =
      o.tool === TOOL &&
      typeof o.dir === 'string' &&
      Number.isSafeInteger(o.pid) &&
      (o.pid as number) > 0 &&
      typeof o.host === 'string' &&
      (o.start === null || typeof o.start === 'string');
    return valid ? (o as OwnerRecord) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes a scratch tree that may hold read-only directories (a generator's read-only genome
 * copy): each real directory is made writable through a descriptor opened with O_NOFOLLOW, so a
 * symlink in the tree is never followed, and rm unlinks links without entering them.
 */
export function removeScratchTree(dir: string): void {
  makeWritable(dir);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Best effort: a later run tries again.
  }
}

function makeWritable(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch {
    return; // not a directory (or a symlink to one): nothing to make writable
  }
  try {
    fchmodSync(fd, 0o700);
  } catch {
    // Not ours to change: rm reports nothing either, and the tree stays.
  } finally {
    closeSync(fd);
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) makeWritable(join(dir, e.name));
}
