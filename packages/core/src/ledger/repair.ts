import { closeSync, constants, fsyncSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createNewFile } from '../adapters/fs-safe.js';
import { AosError } from '../cli-kit/errors.js';
import { compactUtc } from '../canonical/ids.js';
import { checkLedgerFile } from './ledger-file.js';
import { withLock, type LockOptions } from './lock.js';
import type { LedgerSchemaName } from './validate.js';
import { verifyLedger, type LedgerReport } from './verify.js';

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
 * Runs under the ledger lock.
 */
export async function repairLedger(file: string, schemaName?: LedgerSchemaName, opts: LockOptions & { now?: Date } = {}): Promise<RepairOutcome> {
  const path = resolve(file);
  checkLedgerFile(path); // before the lock: a path that is no ledger is named as such, not as a lock it cannot create
  return withLock(
    path,
    async () => {
      const before = await verifyLedger(path, schemaName, { underLock: true });
      if (!before.exists) {
        throw new AosError('ledger-missing', `there is no ledger at ${path}`, { hint: 'Check the path (or --kind / --memory-dir).' });
      }
      const torn = before.torn_tail;
      if (!torn) return { path, repaired: false, report: before };
      const data = readRange(path, torn.offset, torn.bytes);
      const quarantine = writeQuarantine(path, data, opts.now ?? new Date());
      truncate(path, torn.offset);
      const report = await verifyLedger(path, schemaName, { underLock: true });
      return { path, repaired: true, quarantine, line: torn.line, offset: torn.offset, bytes: torn.bytes, report };
    },
    opts,
  );
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

function truncate(path: string, offset: number): void {
  const fd = openSync(path, constants.O_WRONLY);
  try {
    ftruncateSync(fd, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
