import { closeSync, constants, fsyncSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { deniedErrno, errnoOf } from '../adapters/errno.js';
import { createNewFile } from '../adapters/fs-safe.js';
import { AosError } from '../cli-kit/errors.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import { compactUtc } from '../canonical/ids.js';
import { writeFailureHint } from './io-hint.js';
import { acquireLock, type LockOptions } from './lock.js';
import type { LedgerSchemaName } from './validate.js';
import type { LedgerReport } from './ledger-report.js';
import { verifyLedger } from './verify.js';

export interface RepairOutcome {
  path: string;
  /** True when a torn tail was moved aside. */
  repaired: boolean;
  /** The quarantine file holding the moved bytes. */
  quarantine?: string;
  /** The torn line's number and where it started; the ledger now ends there. */
  line?: number;
  offset?: number;
  bytes?: number;
  /** The ledger after the repair. */
  report: LedgerReport;
}

/**
 * Moves a torn final line (an interrupted append) out of a ledger into
 * `<ledger>.quarantine-<YYYYMMDD-HHMMSS>` beside it. Bytes are never deleted: the quarantine
 * copy is written with O_EXCL and fsynced (file and directory) BEFORE the ledger is cut back
 * with ftruncate. Only a torn tail is repaired; other damage is reported and left for a human,
 * because any automatic "fix" of a mid-file line would be a silent rewrite of history.
 *
 * The ledger is read first without the lock, as every reader reads it: a ledger with no torn
 * tail needs no write, so a user who may read the memory directory but not write to it (a CI
 * step, an operator) is told there is nothing to repair. A torn tail is repaired under the lock,
 * after reading the ledger again there.
 */
export async function repairLedger(file: string, schemaName?: LedgerSchemaName, opts: LockOptions & { now?: Date } = {}): Promise<RepairOutcome> {
  const path = resolve(file);
  const seen = await verifyLedger(path, schemaName);
  if (!seen.exists) throw missing(path);
  if (!seen.torn_tail) return { path, repaired: false, report: seen };
  const lock = await acquireLock(path, opts).catch((e: unknown) => {
    throw lockRefused(path, seen.torn_tail!.line, e);
  });
  try {
    return await repairUnderLock(path, schemaName, opts.now ?? new Date());
  } finally {
    lock.release();
  }
}

async function repairUnderLock(path: string, schemaName: LedgerSchemaName | undefined, now: Date): Promise<RepairOutcome> {
  const before = await verifyLedger(path, schemaName, { underLock: true });
  if (!before.exists) throw missing(path);
  const torn = before.torn_tail;
  if (!torn) return { path, repaired: false, report: before };
  // Opened for the cut before the quarantine copy is made: a ledger this user may not write to is
  // refused with nothing written (a copy whose cut then failed was left behind by every retry).
  const fd = openForCut(path);
  try {
    const data = readRange(path, torn.offset, torn.bytes);
    const quarantine = writeQuarantine(path, data, now);
    ftruncateSync(fd, torn.offset);
    fsyncSync(fd);
    const report = await verifyLedger(path, schemaName, { underLock: true });
    return { path, repaired: true, quarantine, line: torn.line, offset: torn.offset, bytes: torn.bytes, report };
  } finally {
    closeSync(fd);
  }
}

function missing(path: string): AosError {
  return new AosError('ledger-missing', `there is no ledger at ${path}`, { hint: 'Check the path (or --kind / --memory-dir).' });
}

/** The lock could not be taken: say what it was needed for; the lock's own error names the cause and the remedy. */
function lockRefused(path: string, line: number, e: unknown): unknown {
  if (!(e instanceof AosError) || e.code !== 'ledger-lock-failed') return e; // a live holder (ledger-locked) says so itself
  return new AosError('ledger-lock-failed', `cannot repair ${path}: its torn tail (line ${line}) is moved out under the ledger lock, which could not be taken: ${e.message}`, {
    hint: e.hint,
    cause: e,
  });
}

function openForCut(path: string): number {
  try {
    return openSync(path, constants.O_WRONLY);
  } catch (e) {
    const denied = deniedErrno(e);
    const why = denied ? `this user may not write to it (${denied})` : `it cannot be opened for writing (${errnoOf(e) ?? (e as Error).message})`;
    throw new AosError('ledger-unwritable', `cannot repair ${path}: ${why}; nothing was changed`, {
      hint: denied ? `Run the repair as the ledger's owner, or fix its owner or mode (\`ls -l ${shellQuote(path)}\`).` : writeFailureHint(e, `Check ${path}, then retry.`),
      cause: e,
    });
  }
}

function readRange(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) throw new AosError('ledger-changed', `ledger ${path} shrank while being repaired`, { hint: 'Retry the repair.' });
      got += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Creates the quarantine file (never overwriting one): `-2`, `-3`, ... when the name is taken. */
function writeQuarantine(path: string, data: Buffer, now: Date): string {
  const base = `${path}.quarantine-${compactUtc(now)}`;
  for (let i = 1; i < 1000; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    try {
      createNewFile(candidate, data, { mode: 0o644 });
      return candidate;
    } catch (e) {
      if (e instanceof AosError && e.code === 'output-exists') continue;
      throw e;
    }
  }
  throw new AosError('quarantine-exists', `too many quarantine files named ${base}-*`, { hint: `Inspect and clean up ${dirname(path)}.` });
}
