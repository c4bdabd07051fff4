import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fsyncDir } from '../adapters/fs-safe.js';
import { makeDirs } from '../adapters/make-dirs.js';
import { AosError } from '../cli-kit/errors.js';
import type { ChainLink } from '../schemas/common.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import { chainOf, lineDigest, nextLink, type ChainHead } from './chain.js';
import { checkpointPathFor, readCheckpoint } from './checkpoint-file.js';
import { SHORT_WRITE_HINT, writeFailureHint } from './io-hint.js';
import { afterBom, bomCause, crlfCause, endsWithCr, startsWithBom, type MarkCause } from './line-marks.js';
import { checkLedgerFile } from './ledger-file.js';
import { MAX_LINE_BYTES } from './lines.js';
import { acquireLock, tryAcquireLock, type LockOptions } from './lock.js';
import { danglingLink, forget as forgetLedger, isSymlink, openLedger, type Opened } from './open-ledgers.js';
import { lineNoAt, readTail } from './tail.js';
import { checkTailLink } from './tail-link.js';
import { validateForAppend, type LedgerSchemaName, type RecordOf } from './validate.js';

/** A record as stored in a ledger: the validated record plus its chain link. */
export type StoredRecord<N extends LedgerSchemaName = LedgerSchemaName> = RecordOf<N> & { chain: ChainLink };

export interface AppendOptions extends LockOptions {
  /**
   * Runs while the lock is held, before anything is written; throwing aborts the append. For
   * checks that must be atomic with the append (for example "no current organ has this name").
   */
  precondition?: () => void | Promise<void>;
}

/**
 * Appends one record to a JSONL ledger, durably and in order:
 *  1. validate against the schema (invalid: AosError exit 2, nothing written);
 *  2. create the parent directories (fsynced when new) and take the per-ledger lock;
 *  3. take the seq and digest of the last line: remembered from this process's previous append
 *     when the file is still that inode at that size (open-ledgers.ts), else read backwards
 *     from the end (a torn or foreign tail, or a last record that does not link to the one
 *     before it, is refused: appending after it would bury the damage mid-file);
 *  4. write the whole line with ONE write() on an O_APPEND descriptor, then fsync the file, and
 *     fsync the directory when the file was just created;
 *  5. release the lock and return the record exactly as stored (with `chain`).
 * A short or failed write, or a failed fsync, is rolled back with ftruncate to the previous size,
 * so a failed append leaves the ledger as it was. Any `chain` on the input is replaced: the ledger owns it.
 */
export async function appendRecord<N extends LedgerSchemaName>(
  file: string,
  schemaName: N,
  record: object,
  opts: AppendOptions = {},
): Promise<StoredRecord<N>> {
  const path = resolve(file);
  const { chain: _ignored, ...fields } = record as { chain?: unknown };
  const valid = validateForAppend(path, schemaName, fields);
  ensureDir(dirname(path));
  // Before the lock, as checkpoint does: a device or FIFO named as a ledger (/dev/null) is named
  // as such, not as the lock beside it that this user may not create (/dev/null.lock).
  checkLedgerFile(path);
  // Uncontended and without a precondition, the whole append is synchronous: no event-loop turn
  // between taking the lock and releasing it.
  const lock = tryAcquireLock(path) ?? (await acquireLock(path, opts));
  try {
    if (opts.precondition) await opts.precondition();
    return appendLocked(path, valid) as StoredRecord<N>;
  } finally {
    lock.release();
  }
}

/**
 * Refuses, as `appendRecord` would, a ledger that cannot take a record: not a regular file, a
 * torn or unchained last line, a BOM or CR on it, a last record that does not link to the one
 * before it, lines cut below its checkpoint, or a lock this user cannot take (a read-only or full
 * memory directory). Nothing is appended. For a command
 * that must know before it starts work whose record it could not keep: evolve runs a generator
 * and P1 before its lineage record is appended, and found a torn lineage ledger only then.
 * The head is read under the lock, so an append in the middle of its write is not taken for a
 * torn tail. A ledger that does not exist yet can take a record (its directory is made then),
 * unless its name is a symbolic link to nothing.
 */
export async function checkAppendable(file: string, opts: LockOptions = {}): Promise<void> {
  const path = resolve(file);
  checkLedgerFile(path);
  if (!existsSync(path)) {
    if (isSymlink(path)) throw danglingLink(path);
    return;
  }
  const lock = tryAcquireLock(path) ?? (await acquireLock(path, opts));
  try {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw ioError(path, 'open', e);
    }
    try {
      checkedAgainstCheckpoint(path, headOf(path, fd, fstatSync(fd).size));
    } finally {
      closeSync(fd);
    }
  } finally {
    lock.release();
  }
}

function appendLocked(path: string, valid: object): StoredRecord {
  let opened: Opened;
  try {
    opened = openLedger(path);
  } catch (e) {
    throw e instanceof AosError ? e : ioError(path, 'open', e);
  }
  const { ledger, size, created } = opened;
  try {
    const head = ledger.size === size ? ledger.head : checkedAgainstCheckpoint(path, headOf(path, ledger.fd, size));
    const link = nextLink(head);
    const text = JSON.stringify({ ...valid, chain: link });
    const line = Buffer.from(`${text}\n`, 'utf8');
    if (line.length > MAX_LINE_BYTES) {
      throw new AosError('record-too-large', `refusing to append a ${line.length}-byte line to ${path} (limit ${MAX_LINE_BYTES})`, {
        hint: 'Keep large outputs in log files and reference them from the record (LogRef).',
      });
    }
    ledger.size = -1; // unknown until this append is complete
    writeLine(path, ledger.fd, line, size);
    try {
      fsyncSync(ledger.fd);
    } catch (e) {
      // The line may or may not reach the disk (after EIO Linux can drop the dirty pages and
      // still show them), while the caller is told the record was not stored: cut it back off,
      // so that a reader never finds a record whose append failed, and a retry stores it once.
      throw ioError(path, 'sync', e, rollback(ledger.fd, size));
    }
    if (created) fsyncDir(dirname(path));
    ledger.size = size + line.length;
    ledger.head = { seq: link.seq, digest: lineDigest(line.subarray(0, line.length - 1)) };
    return JSON.parse(text) as StoredRecord;
  } catch (e) {
    if (ledger.size === -1) forgetLedger(path); // a failed write or fsync: start afresh next time
    throw e;
  }
}

/**
 * A head read from disk, checked against the ledger's default checkpoint: a checkpoint that
 * records a later seq means lines were cut from the end (a restored backup, an editor, a bad
 * `ledger repair` by hand). Appending then would chain new records onto the cut ledger, and list
 * and lineage would go on without a word while the lost records stay lost. Only `verify` said so.
 * A checkpoint that cannot be read is left to `ledger verify`, which reports it: here it would
 * block every append for a file that vouches for nothing.
 */
function checkedAgainstCheckpoint(path: string, head: ChainHead | null): ChainHead | null {
  const file = checkpointPathFor(path);
  let cp: { seq: number } | undefined;
  try {
    cp = readCheckpoint(file, false);
  } catch {
    return head;
  }
  const seq = head?.seq ?? 0;
  if (cp === undefined || cp.seq <= seq) return head;
  throw new AosError('ledger-truncated', `ledger ${path} ends at seq ${seq}, but its checkpoint ${file} records seq ${cp.seq}: lines were removed from the end; refusing to append after them`, {
    hint: `Restore the ledger from a backup (\`mutation-journal ledger verify --path ${shellQuote(path)}\` shows what is missing). If those records are lost for good, move the checkpoint aside, then take a new one with \`mutation-journal ledger checkpoint --path ${shellQuote(path)}\`.`,
  });
}

function headOf(path: string, fd: number, size: number): ChainHead | null {
  const tail = readTail(fd, size);
  if (tail.kind === 'empty') return null;
  if (tail.kind === 'unterminated' && startsWithBom(tail.bytes) && afterBom(tail.bytes) === 'nothing') {
    // Not an interrupted append: an editor created the ledger empty, as 'UTF-8 with BOM'.
    const { what, fix } = bomCause(path, lineNoAt(fd, tail.offset), 'nothing');
    throw new AosError('ledger-byte-order-mark', `ledger ${path}: ${what}: refusing to append after it`, { hint: fix });
  }
  if (tail.kind === 'unterminated') {
    throw new AosError('ledger-torn-tail', `ledger ${path} ends with an incomplete line (byte ${tail.offset}): refusing to append after it`, {
      hint: `A write was interrupted. Inspect with \`mutation-journal ledger verify --path ${shellQuote(path)}\`, then move the torn line aside with \`mutation-journal ledger repair --path ${shellQuote(path)}\`.`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(tail.bytes.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const chain = chainOf(parsed);
  const mark = markOnHead(path, tail.bytes, chain !== undefined, () => lineNoAt(fd, tail.offset));
  if (mark) throw new AosError(mark.code, `ledger ${path}: ${mark.cause.what}: refusing to append after it`, { hint: mark.cause.fix });
  if (!chain) {
    throw new AosError('ledger-head-invalid', `the last line of ledger ${path} (byte ${tail.offset}) is not a chained ledger record: refusing to append after it`, {
      hint: `Run \`mutation-journal ledger verify --path ${shellQuote(path)}\` to see what is wrong; \`ledger repair\` quarantines an unparsable last line.`,
    });
  }
  checkTailLink(path, fd, tail.offset, chain);
  return { seq: chain.seq, digest: lineDigest(tail.bytes) };
}

/**
 * A BOM or CR the tools never write, on the line the next record would chain to. After a CR the
 * append would chain to the converted bytes, so converting back would then break the chain at
 * the new record: refused like any other foreign tail, with the cause named.
 */
function markOnHead(path: string, bytes: Buffer, chained: boolean, lineNo: () => number): { code: string; cause: MarkCause } | undefined {
  if (!chained && startsWithBom(bytes)) return { code: 'ledger-byte-order-mark', cause: bomCause(path, lineNo(), afterBom(bytes)) };
  if (endsWithCr(bytes)) return { code: 'ledger-line-endings', cause: crlfCause(path, lineNo()) };
  return undefined;
}

function writeLine(path: string, fd: number, line: Buffer, sizeBefore: number): void {
  let written = 0;
  try {
    written = writeSync(fd, line);
  } catch (e) {
    throw ioError(path, 'write', e, rollback(fd, sizeBefore));
  }
  if (written !== line.length) {
    const restored = rollback(fd, sizeBefore);
    throw new AosError('ledger-write-short', `short write to ${path}: ${written} of ${line.length} bytes; ${restored}`, {
      hint: SHORT_WRITE_HINT,
    });
  }
}

/** Cuts the ledger back to `size`; says what became of it, for the error that follows. */
function rollback(fd: number, size: number): string {
  try {
    ftruncateSync(fd, size);
    fsyncSync(fd);
    return 'the ledger was restored';
  } catch {
    return 'restoring the ledger failed too: check it with `mutation-journal ledger verify`';
  }
}

/** mkdir -p, fsyncing each parent whose entry list changed, so new directories survive a crash. */
export function ensureDir(dir: string): void {
  let first: string | undefined;
  try {
    first = makeDirs(dir);
  } catch (e) {
    // makeDirs' message already names the directory and the errno.
    throw new AosError('ledger-io', (e as Error).message, { hint: writeFailureHint(e, IO_HINT), cause: e });
  }
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    fsyncDir(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}

const IO_HINT = 'Check that the memory directory exists, is writable and is not full.';

function ioError(path: string, what: string, e: unknown, after?: string): AosError {
  return new AosError('ledger-io', `cannot ${what} ${path}: ${(e as Error).message}${after ? `; ${after}` : ''}`, {
    hint: writeFailureHint(e, IO_HINT),
    cause: e,
  });
}
