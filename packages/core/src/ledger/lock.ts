import { closeSync, linkSync, lstatSync, openSync, realpathSync, unlinkSync, watch } from 'node:fs';
import { getLogger } from '../cli-kit/logger.js';
import { AosError } from '../cli-kit/errors.js';
import { DEFAULT_LOCK_TIMEOUT_MS, lockTimeoutFromEnv } from '../cli-kit/lock-timeout.js';
import {
  isStale,
  lockFailed,
  ownerFileFor,
  ownerFileOf,
  readOwner,
  sameOwner,
  selfOwner,
  unlinkQuietly,
  writeOwnerRecord,
  type LockOwner,
  type OwnerFile,
  type PresentOwner,
} from './lock-owner.js';

export type { LockOwner } from './lock-owner.js';
// Tests write lock files naming a process by its start time, as an owner does.
export { processStart } from '../adapters/process-owner.js';

/**
 * The exclusive per-ledger lock: the name `<ledger>.lock`, taken atomically (it fails when the
 * name exists, also as a symlink). Its content says who owns it, so a lock left by a killed
 * process can be told apart from a live one:
 *
 *   {"pid":123,"host":"aion","start":"4567","nonce":"…","acquired_at":"…"}
 *
 * - The name is taken with link() from this process's owner file (lock-owner.ts), so the lock
 *   file appears with its content in one step and costs no inode allocation per append. Where
 *   the file system has no hard links, it is created with O_CREAT|O_EXCL and the owner written.
 * - `start` is the owner's start time from /proc/<pid>/stat: a recycled pid is not mistaken for
 *   the owner.
 * - A lock whose owner is gone (same host, pid dead or recycled) is broken under a second
 *   O_EXCL lock (`<ledger>.lock.break`) after re-reading it, and the nonce must still match, so
 *   two processes recovering at once never remove a fresh lock.
 * - A live lock is waited for: woken by inotify when the lock file goes away, with a bounded
 *   backoff as a fallback, until the timeout; then a clear error names the owner and the file.
 * - A lock from another host is never broken automatically (its pid means nothing here).
 */
export interface LockOptions {
  /** How long to wait for a live lock (default AUTOPOIETIC_LOCK_TIMEOUT_MS or 10 s). */
  timeoutMs?: number;
}

export interface HeldLock {
  path: string;
  owner: LockOwner;
  release(): void;
}

/** link() errors that mean "this file system has no hard links": fall back to O_EXCL create. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK', 'ENOSYS']);
const linklessLocks = new Set<string>();

/**
 * The lock of a ledger, named after the file itself: a ledger reached through a symlink
 * (`alias.jsonl -> real.jsonl`) has the lock of its target. Named after the path given, two
 * spellings of one ledger took two locks, and concurrent appends through both forked its chain
 * (two records with the same seq). A symlinked directory needs nothing: the lock lands in the
 * same real directory either way.
 */
export function lockPathFor(ledger: string): string {
  let file = ledger;
  try {
    if (lstatSync(ledger).isSymbolicLink()) file = realpathSync(ledger);
  } catch {
    /* missing, or a link to nothing: the path given (the ledger checks name a dangling link) */
  }
  return `${file}.lock`;
}

export async function acquireLock(ledger: string, opts: LockOptions = {}): Promise<HeldLock> {
  const path = lockPathFor(ledger);
  const timeoutMs = opts.timeoutMs ?? lockTimeoutFromEnv() ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = monotonicMs() + timeoutMs;
  let backoff = 2;
  for (;;) {
    const lock = takeLock(path);
    if (lock) return lock;
    const held = readOwner(path);
    if (held === 'gone') continue;
    if (isStale(held)) {
      breakStale(path, held);
      continue;
    }
    if (monotonicMs() >= deadline) throw lockTimeout(ledger, path, held, timeoutMs);
    await waitForRelease(path, Math.min(backoff, deadline - monotonicMs()));
    backoff = Math.min(backoff * 2, 100);
  }
}

/**
 * One attempt to take the ledger's lock, without waiting or recovering anything: the lock, or
 * null when the name is taken (then `acquireLock` judges the holder and waits). Synchronous, so
 * an uncontended append runs without a turn of the event loop.
 */
export function tryAcquireLock(ledger: string): HeldLock | null {
  return takeLock(lockPathFor(ledger));
}

/**
 * For readers, which never take the lock (they may have no write access to the memory dir):
 * waits, up to the lock timeout, while a live process holds the ledger's lock. 'free' when no
 * live process held it (none, not a lock file, or left by a process that is gone), 'released'
 * when one did and let go (an append may have been mid-write when the reader looked), 'held'
 * when one still holds it at the timeout. Creates and removes nothing.
 */
export async function waitWhileLocked(ledger: string, opts: LockOptions = {}): Promise<'free' | 'released' | 'held'> {
  const path = lockPathFor(ledger);
  const deadline = monotonicMs() + (opts.timeoutMs ?? lockTimeoutFromEnv() ?? DEFAULT_LOCK_TIMEOUT_MS);
  let backoff = 2;
  let waited = false;
  for (;;) {
    let owner: ReturnType<typeof readOwner>;
    try {
      owner = readOwner(path);
    } catch {
      return waited ? 'released' : 'free'; // not a lock file: the appenders name that; a reader has nothing to wait for
    }
    if (owner === 'gone' || isStale(owner)) return waited ? 'released' : 'free';
    if (monotonicMs() >= deadline) return 'held';
    waited = true;
    await waitForRelease(path, Math.min(backoff, deadline - monotonicMs()));
    backoff = Math.min(backoff * 2, 100);
  }
}

/**
 * Milliseconds on a clock that never jumps, for the wait deadlines: on the wall clock, a step
 * back (NTP, a fixed RTC) made a 10 s wait for a live lock last as long as the step.
 */
function monotonicMs(): number {
  return performance.now();
}

/** Runs `fn` holding the ledger's lock; the lock is released whatever happens. */
export async function withLock<T>(ledger: string, fn: () => T | Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(ledger, opts);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

function takeLock(path: string): HeldLock | null {
  if (!linklessLocks.has(path)) {
    const own = ownerFileFor(path);
    const taken = tryLink(path, own);
    if (taken !== 'no-links') return taken ? { path, owner: own.owner, release: () => releaseLinked(path, own) } : null;
    linklessLocks.add(path);
  }
  const owner = ownerFileFor(path).owner;
  return tryCreate(path, owner) ? { path, owner, release: () => releaseCreated(path, owner) } : null;
}

/** link(owner file, lock): true when taken, false when the name exists. */
function tryLink(path: string, own: OwnerFile): boolean | 'no-links' {
  for (let attempt = 0; ; attempt++) {
    try {
      linkSync(own.path, path);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return false;
      if (NO_LINKS.has(code)) return 'no-links';
      // ENOENT: our owner file was removed (by hand, or with its directory): write it again, once.
      if (code !== 'ENOENT' || attempt > 0) throw lockFailed(path, 'create', e);
      own = ownerFileFor(path, true);
    }
  }
}

/** The fallback without hard links: create the lock O_EXCL and write the owner into it. */
function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockFailed(path, 'create', e);
  }
  try {
    writeOwnerRecord(fd, { ...owner, acquired_at: new Date().toISOString() });
  } catch (e) {
    unlinkQuietly(path); // never leave an anonymous lock behind
    throw lockFailed(path, 'write', e);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes a stale lock, but only if it is still the very lock judged stale (same nonce). */
function breakStale(path: string, judged: PresentOwner): void {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker, selfOwner())) {
    const other = readOwner(breaker);
    if (other !== 'gone' && isStale(other)) removeIfSame(breaker, other);
    return; // someone else is recovering it; retry the lock
  }
  try {
    const now = readOwner(path);
    if (now !== 'gone' && sameOwner(now, judged)) {
      unlinkQuietly(path);
      const ownerFile = ownerFileOf(path, judged);
      if (ownerFile) unlinkQuietly(ownerFile);
      getLogger().warn({ lock: path, owner: judged }, 'recovered a ledger lock left by a process that is gone');
    }
  } finally {
    unlinkQuietly(breaker);
  }
}

function removeIfSame(path: string, judged: PresentOwner): void {
  const now = readOwner(path);
  if (now !== 'gone' && sameOwner(now, judged)) unlinkQuietly(path);
}

/** Releases a linked lock if the name still points at our owner file (same inode). */
function releaseLinked(path: string, own: OwnerFile): void {
  try {
    const st = lstatSync(path);
    if (st.ino === own.ino && st.dev === own.dev) {
      unlinkSync(path);
      return;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  notOursAtRelease(path);
}

function releaseCreated(path: string, owner: LockOwner): void {
  const now = readOwner(path);
  if (now !== 'gone' && !('unreadable' in now) && now.nonce === owner.nonce) {
    unlinkSync(path);
    return;
  }
  notOursAtRelease(path);
}

function notOursAtRelease(path: string): void {
  getLogger().warn({ lock: path }, 'the ledger lock was no longer ours at release (removed or replaced by another process)');
}

/** Waits until the lock file goes away (inotify) or `ms` pass, whichever is first. */
function waitForRelease(path: string, ms: number): Promise<void> {
  const jittered = Math.max(1, ms * (0.5 + Math.random() / 2));
  return new Promise((resolve) => {
    let watcher: ReturnType<typeof watch> | undefined;
    const done = (): void => {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    };
    const timer = setTimeout(done, jittered);
    try {
      watcher = watch(path, { persistent: false }, done);
      watcher.on('error', done);
    } catch {
      done(); // already gone: retry at once
    }
  });
}

function lockTimeout(ledger: string, path: string, held: PresentOwner, timeoutMs: number): AosError {
  const who = 'unreadable' in held ? 'an unknown process (the lock file is unreadable)' : `pid ${held.pid} on ${held.host} since ${held.acquired_at}`;
  return new AosError('ledger-locked', `ledger ${ledger} is locked by ${who}; gave up after ${timeoutMs} ms`, {
    hint: `Wait for that process to finish and retry. If it no longer exists (for example on another host), remove ${path}. AUTOPOIETIC_LOCK_TIMEOUT_MS sets the wait.`,
    details: { lock: path, owner: held },
  });
}
