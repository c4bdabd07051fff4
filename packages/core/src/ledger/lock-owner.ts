import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { currentOwner, ownerIsGone } from '../adapters/process-owner.js';
import { AosError } from '../cli-kit/errors.js';
import { ShortWriteError, writeFailureHint } from './io-hint.js';

/**
 * Who holds a ledger lock, and this process's owner files (see lock.ts for the protocol).
 *
 * An owner file, `<ledger>.lock.owner-<pid>-<nonce>`, holds this process's owner record. It is
 * written once per process and ledger; each acquisition hard-links it to `<ledger>.lock`. A
 * link() adds a name to an existing inode, where creating a file allocates one, and on ext4 the
 * fsync that follows every append commits that metadata: creating and removing a fresh lock file
 * per append halved the append rate, a link costs next to nothing. The lock file thus reads
 * exactly as before (its content is the owner record), so stale-lock recovery is unchanged.
 *
 * Owner files are removed when the process exits; those of processes that died (SIGKILL, crash)
 * are swept by the next process that creates its own owner file next to them.
 */
export interface LockOwner {
  pid: number;
  host: string;
  start: string | null;
  nonce: string;
  /** When the lock file got its name (its ctime; for an owner file, when it was written). */
  acquired_at: string;
}

/** A lock or owner file as read: an owner, a file without a readable owner, or nothing. */
export type ReadOwner = LockOwner | { unreadable: true; mtimeMs: number } | 'gone';
export type PresentOwner = Exclude<ReadOwner, 'gone'>;

/** An unreadable lock (its owner died between create and write) older than this is stale. */
const UNREADABLE_GRACE_MS = 5_000;
const OWNER_INFIX = '.owner-';

export interface OwnerFile {
  path: string;
  owner: LockOwner;
  dev: number;
  ino: number;
}

const ownerFiles = new Map<string, OwnerFile>();
let cleanupRegistered = false;

export function selfOwner(): LockOwner {
  return {
    ...currentOwner(),
    nonce: randomBytes(12).toString('hex'),
    acquired_at: new Date().toISOString(),
  };
}

/** This process's owner file for `lockPath`, written on first use (and again if it was removed). */
export function ownerFileFor(lockPath: string, fresh = false): OwnerFile {
  const known = ownerFiles.get(lockPath);
  if (known && !fresh) return known;
  if (known) unlinkQuietly(known.path);
  const owner = selfOwner();
  const path = `${lockPath}${OWNER_INFIX}${owner.pid}-${owner.nonce}`;
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    throw lockFailed(lockPath, 'create', e);
  }
  let file: OwnerFile;
  try {
    writeOwnerRecord(fd, owner);
    const st = fstatSync(fd);
    file = { path, owner, dev: st.dev, ino: st.ino };
  } catch (e) {
    unlinkQuietly(path);
    throw lockFailed(lockPath, 'create', e);
  } finally {
    closeSync(fd);
  }
  ownerFiles.set(lockPath, file);
  registerCleanup();
  sweepDeadOwners(lockPath, path);
  return file;
}

/**
 * Writes an owner record whole, or throws. A short write (a full disk, a file-size limit) left a
 * truncated record that the lock was then taken with: other processes read it as unreadable and,
 * after UNREADABLE_GRACE_MS, broke the lock as stale while its holder was still working.
 */
export function writeOwnerRecord(fd: number, owner: object): void {
  const bytes = Buffer.from(JSON.stringify(owner), 'utf8');
  const n = writeSync(fd, bytes);
  if (n !== bytes.length) throw new ShortWriteError(n, bytes.length);
}

/** Removes the owner files of processes that are gone (never another host's, never a live one's). */
function sweepDeadOwners(lockPath: string, mine: string): void {
  const prefix = `${basename(lockPath)}${OWNER_INFIX}`;
  let names: string[];
  try {
    names = readdirSync(dirname(lockPath));
  } catch {
    return; // tidying only
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const path = join(dirname(lockPath), name);
    if (path === mine) continue;
    try {
      const held = readOwner(path);
      if (held !== 'gone' && isStale(held)) unlinkQuietly(path);
    } catch {
      /* not ours to judge (unreadable for us): leave it */
    }
  }
}

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once('exit', () => {
    for (const f of ownerFiles.values()) unlinkQuietly(f.path);
  });
}

export function readOwner(path: string): ReadOwner {
  let text: string;
  let mtimeMs: number;
  let ctimeMs: number;
  try {
    // lstat: the tools only ever make the lock a regular file (a hard link or an O_EXCL create).
    // A symlink there made link() say EEXIST while reading through it said ENOENT ("gone"), and
    // acquireLock retried that forever without yielding: a dangling symlink hung every append.
    const st = lstatSync(path);
    if (!st.isFile()) throw notALockFile(path, st);
    ({ mtimeMs, ctimeMs } = st);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof AosError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw new AosError('ledger-lock-failed', `cannot read the ledger lock ${path}: ${(e as Error).message}`, {
      hint: `${path} must be a lock file written by the tools; remove whatever is there instead.`,
      cause: e,
    });
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.nonce === 'string') {
      // A link() sets the inode's ctime: for a held lock that is when it was taken.
      return { ...(o as LockOwner), acquired_at: new Date(ctimeMs).toISOString() };
    }
  } catch {
    /* fall through: half-written */
  }
  return { unreadable: true, mtimeMs };
}

function notALockFile(path: string, st: Stats): AosError {
  const what = st.isSymbolicLink() ? `a symlink (to ${safeReadlink(path)})` : st.isDirectory() ? 'a directory' : 'not a regular file';
  return new AosError('ledger-lock-failed', `the ledger lock ${path} is ${what}, not a lock file the tools wrote`, {
    hint: `Remove ${path} (no tool creates it as anything but a file), then retry.`,
  });
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?';
  }
}

export function isStale(held: PresentOwner): boolean {
  // Either way: an mtime far ahead of the clock means the clock was set back since the file was
  // made, and its owner has had all that time to write it. Only "older than" kept it live until
  // the clock caught up again, and every append waited out its timeout meanwhile.
  if ('unreadable' in held) return Math.abs(Date.now() - held.mtimeMs) > UNREADABLE_GRACE_MS;
  return ownerIsGone(held);
}

export function sameOwner(a: PresentOwner, b: PresentOwner): boolean {
  if ('unreadable' in a || 'unreadable' in b) return 'unreadable' in a && 'unreadable' in b && a.mtimeMs === b.mtimeMs;
  return a.nonce === b.nonce;
}

/** The owner file a lock was linked from (named by its pid and nonce), if it follows that scheme. */
export function ownerFileOf(lockPath: string, held: PresentOwner): string | undefined {
  if ('unreadable' in held || !/^[0-9a-f]+$/.test(held.nonce)) return undefined;
  return `${lockPath}${OWNER_INFIX}${held.pid}-${held.nonce}`;
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

export function lockFailed(path: string, what: string, e: unknown): AosError {
  return new AosError('ledger-lock-failed', `cannot ${what} the ledger lock ${path}: ${(e as Error).message}`, {
    hint: writeFailureHint(e, 'Check that the memory directory exists and is writable by this user.'),
    cause: e,
  });
}
