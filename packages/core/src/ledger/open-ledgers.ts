import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { AosError } from '../cli-kit/errors.js';
import { notAFile } from './ledger-file.js';
import type { ChainHead } from './chain.js';

/**
 * Ledgers this process appends to, kept open between appends with what it last wrote: the file's
 * identity (dev, inode), its size after that write, and the chain head that write made. Used only
 * under the ledger lock. The head is reused when the file at the path is still that inode and
 * exactly that size: a ledger only grows by appends under the lock, so no other process wrote in
 * between and the bytes up to that size are the ones this process chained on. Any other size
 * (another process appended, `repair` truncated) or inode (the file was replaced) and the caller
 * reads the tail from the file as before.
 */
export interface OpenLedger {
  fd: number;
  dev: number;
  ino: number;
  /** Size of the file after this process's last append, -1 when unknown. */
  size: number;
  head: ChainHead | null;
}

/** A handful is plenty (a process writes a few ledgers); bounds the descriptors kept open. */
const MAX_OPEN = 8;
const open = new Map<string, OpenLedger>();

export interface Opened {
  ledger: OpenLedger;
  /** The size of the file now (under the lock, the offset the next append lands at). */
  size: number;
  /** True when this call created the file. */
  created: boolean;
}

/** The open ledger for `path`, reopened when the path no longer names the cached inode. */
export function openLedger(path: string): Opened {
  const cached = open.get(path);
  if (cached) {
    const st = statOrNull(path);
    if (st && st.ino === cached.ino && st.dev === cached.dev) {
      open.delete(path); // re-insert: most recently used last
      open.set(path, cached);
      return { ledger: cached, size: st.size, created: false };
    }
    forget(path);
  }
  const { fd, created } = openOrCreate(path);
  let st: Stats;
  try {
    st = fstatSync(fd);
    // /dev/null or a FIFO would take the append and then fail its fsync (EINVAL), or lose it.
    if (!st.isFile()) throw notAFile(path, st);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  const ledger: OpenLedger = { fd, dev: st.dev, ino: st.ino, size: -1, head: null };
  open.set(path, ledger);
  if (open.size > MAX_OPEN) forget(open.keys().next().value!);
  return { ledger, size: st.size, created };
}

/** Drops (and closes) the cached ledger: after a failed write, or when it was replaced. */
export function forget(path: string): void {
  const l = open.get(path);
  if (!l) return;
  open.delete(path);
  try {
    closeSync(l.fd);
  } catch {
    /* already unusable */
  }
}

function openOrCreate(path: string): { fd: number; created: boolean } {
  const flags = constants.O_RDWR | constants.O_APPEND;
  try {
    return { fd: openSync(path, flags | constants.O_CREAT | constants.O_EXCL, 0o644), created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  try {
    return { fd: openSync(path, flags), created: false };
  } catch (e) {
    // O_EXCL refuses any existing name, a symlink too; ENOENT now means the link leads nowhere.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && isSymlink(path)) throw danglingLink(path, e);
    throw e;
  }
}

/** The refusal of a ledger path that is a symbolic link to nothing (it would not create the file it names). */
export function danglingLink(path: string, cause?: unknown): AosError {
  return new AosError('ledger-dangling-link', `ledger ${path} is a symbolic link to ${readlinkSync(path)}, which does not exist`, {
    hint: 'Create the file it points to (an empty file is an empty ledger), or replace the link with the ledger file.',
    cause,
  });
}

export function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function statOrNull(path: string): Stats | undefined {
  return statSync(path, { throwIfNoEntry: false });
}
