import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, watch, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { AosError } from '../cli-kit/errors.js';
import { getLogger } from '../cli-kit/logger.js';

/**
 * The exclusive per-ledger lock: `<ledger>.lock`, created with O_CREAT|O_EXCL (atomic on local
 * file systems; a symlink at that name also makes the create fail). It holds who owns it, so a
 * lock left by a killed process can be told apart from a live one:
 *
 *   {"pid":123,"host":"aion","start":"4567","nonce":"…","acquired_at":"…"}
 *
 * - `start` is the owner's start time from /proc/<pid>/stat: a recycled pid is not mistaken for
 *   the owner.
 * - A lock whose owner is gone (same host, pid dead or recycled) is broken under a second
 *   O_EXCL lock (`<ledger>.lock.break`) after re-reading it, and the nonce must still match, so
 *   two processes recovering at once never remove a fresh lock.
 * - A live lock is waited for: woken by inotify when the lock file goes away, with a bounded
 *   backoff as a fallback, until the timeout; then a clear error names the owner and the file.
 * - A lock from another host is never broken automatically (its pid means nothing here).
 */
export interface LockOwner {
  pid: number;
  host: string;
  start: string | null;
  nonce: string;
  acquired_at: string;
}

export interface LockOptions {
  /** How long to wait for a live lock (default AUTOPOIETIC_LOCK_TIMEOUT_MS or 10 s). */
  timeoutMs?: number;
}

export interface HeldLock {
  path: string;
  owner: LockOwner;
  release(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** An unreadable lock (its owner died between create and write) older than this is stale. */
const UNREADABLE_GRACE_MS = 5_000;

export function lockPathFor(ledger: string): string {
  return `${ledger}.lock`;
}

export async function acquireLock(ledger: string, opts: LockOptions = {}): Promise<HeldLock> {
  const path = lockPathFor(ledger);
  const timeoutMs = opts.timeoutMs ?? envTimeout() ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const owner = selfOwner();
  let backoff = 2;
  for (;;) {
    if (tryCreate(path, owner)) return { path, owner, release: () => releaseLock(path, owner) };
    const held = readOwner(path);
    if (held === 'gone') continue;
    if (isStale(path, held)) {
      breakStale(path, held);
      continue;
    }
    if (Date.now() >= deadline) throw lockTimeout(ledger, path, held, timeoutMs);
    await waitForRelease(path, Math.min(backoff, deadline - Date.now()));
    backoff = Math.min(backoff * 2, 100);
  }
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

function selfOwner(): LockOwner {
  return {
    pid: process.pid,
    host: hostname(),
    start: processStart(process.pid),
    nonce: randomBytes(12).toString('hex'),
    acquired_at: new Date().toISOString(),
  };
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new AosError('ledger-lock-failed', `cannot create the ledger lock ${path}: ${(e as Error).message}`, {
      hint: 'Check that the memory directory exists and is writable by this user.',
      cause: e,
    });
  }
  try {
    writeSync(fd, JSON.stringify({ ...owner, acquired_at: new Date().toISOString() }));
  } catch (e) {
    unlinkQuietly(path); // never leave an anonymous lock behind
    throw e;
  } finally {
    closeSync(fd);
  }
  return true;
}

type ReadOwner = LockOwner | { unreadable: true; mtimeMs: number } | 'gone';

function readOwner(path: string): ReadOwner {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw new AosError('ledger-lock-failed', `cannot read the ledger lock ${path}: ${(e as Error).message}`, {
      hint: `${path} must be a lock file written by the tools; remove whatever is there instead.`,
      cause: e,
    });
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.nonce === 'string') return o as LockOwner;
  } catch {
    /* fall through: half-written */
  }
  return { unreadable: true, mtimeMs };
}

function isStale(path: string, held: Exclude<ReadOwner, 'gone'>): boolean {
  if ('unreadable' in held) return Date.now() - held.mtimeMs > UNREADABLE_GRACE_MS;
  if (held.host !== hostname()) return false;
  if (!pidAlive(held.pid)) return true;
  const start = processStart(held.pid);
  return held.start !== null && start !== null && start !== held.start;
}

/** Removes a stale lock, but only if it is still the very lock judged stale (same nonce). */
function breakStale(path: string, judged: Exclude<ReadOwner, 'gone'>): void {
  const breaker = `${path}.break`;
  const me = selfOwner();
  if (!tryCreate(breaker, me)) {
    const other = readOwner(breaker);
    if (other !== 'gone' && isStale(breaker, other)) removeIfSame(breaker, other);
    return; // someone else is recovering it; retry the lock
  }
  try {
    const now = readOwner(path);
    if (now !== 'gone' && sameOwner(now, judged)) {
      unlinkQuietly(path);
      getLogger().warn({ lock: path, owner: judged }, 'recovered a ledger lock left by a process that is gone');
    }
  } finally {
    unlinkQuietly(breaker);
  }
}

function removeIfSame(path: string, judged: Exclude<ReadOwner, 'gone'>): void {
  const now = readOwner(path);
  if (now !== 'gone' && sameOwner(now, judged)) unlinkQuietly(path);
}

function sameOwner(a: Exclude<ReadOwner, 'gone'>, b: Exclude<ReadOwner, 'gone'>): boolean {
  if ('unreadable' in a || 'unreadable' in b) return 'unreadable' in a && 'unreadable' in b && a.mtimeMs === b.mtimeMs;
  return a.nonce === b.nonce;
}

function releaseLock(path: string, owner: LockOwner): void {
  const now = readOwner(path);
  if (now !== 'gone' && !('unreadable' in now) && now.nonce === owner.nonce) {
    unlinkSync(path);
    return;
  }
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

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start time of a process in clock ticks since boot (Linux), or null where /proc is absent. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces and parentheses); starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function envTimeout(): number | undefined {
  const v = process.env.AUTOPOIETIC_LOCK_TIMEOUT_MS;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function lockTimeout(ledger: string, path: string, held: Exclude<ReadOwner, 'gone'>, timeoutMs: number): AosError {
  const who = 'unreadable' in held ? 'an unknown process (the lock file is unreadable)' : `pid ${held.pid} on ${held.host} since ${held.acquired_at}`;
  return new AosError('ledger-locked', `ledger ${ledger} is locked by ${who}; gave up after ${timeoutMs} ms`, {
    hint: `Wait for that process to finish and retry. If it no longer exists (for example on another host), remove ${path}. AUTOPOIETIC_LOCK_TIMEOUT_MS sets the wait.`,
    details: { lock: path, owner: held },
  });
}
