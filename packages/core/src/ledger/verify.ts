import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { getLogger } from '../cli-kit/logger.js';
import { verifyParallelMinBytesFromEnv, verifyThreadsFromEnv } from '../cli-kit/verify-env.js';
import type { StoredRecord } from './append.js';
import { checkpointPathFor } from './checkpoint-file.js';
import { loadCheckpoint } from './checkpoint-load.js';
import { analyzeLine } from './line-facts.js';
import { checkLedgerFile } from './ledger-file.js';
import type { LedgerReport, LedgerStatus } from './ledger-report.js';
import { waitWhileLocked } from './lock.js';
import { forEachLine, isBlank, LineTooLong, readChunks } from './lines.js';
import { recordCheck, type RecordCheck } from './record-check.js';
import { schemaForFileName, type LedgerSchemaName } from './validate.js';
import { scanFactsParallel } from './verify-parallel.js';
import { Scan } from './verify-scan.js';

export interface VerifyOptions {
  /**
   * Called with each complete line that is JSON and matches the schema, in file order: a caller
   * that takes the records as evidence only if the ledger verifies (loadVerifiedRecords) reads
   * the file once instead of verifying it and then reading it again. Scans in this thread.
   */
  onRecord?: (line: number, value: unknown) => void;
  /**
   * Checkpoint to check against: a path, `false` for none, or undefined for the default
   * `<ledger>.checkpoint.json` when it exists.
   */
  checkpoint?: string | false;
  /**
   * A checkpoint named in `checkpoint` that does not exist (`checkpoint: {status: 'missing',
   * hint}`), and one that cannot be used (`{status: 'invalid' | 'byte-order-mark' | 'unreadable' |
   * 'other-ledger', reason, hint}`), are reported instead of thrown, the ledger verified without
   * it, so that `ledger verify --all` gives every ledger its verdict. The status stays what the
   * lines give.
   */
  reportCheckpointProblems?: boolean;
  /**
   * Worker threads for the per-line work (default: AUTOPOIETIC_VERIFY_THREADS, else the number
   * of CPUs for ledgers of at least AUTOPOIETIC_VERIFY_PARALLEL_MIN_BYTES, default 16 MiB).
   * 1 scans in this thread. Workers need the compiled package (dist/).
   */
  threads?: number;
  /**
   * The caller holds the ledger's lock (checkpoint, repair): no append can be mid-write, so an
   * unterminated last line is torn as it stands, and the lock is not waited for.
   */
  underLock?: boolean;
  /** Called before the ledger is read again (an append was mid-write): drop what onRecord was given. */
  onReread?: () => void;
}

/** Reads of a ledger whose tail keeps turning out to be an append in flight, before reporting it as seen. */
const MAX_READS = 4;

const PARALLEL_MIN_BYTES = 16 << 20;

/**
 * Checks every line of a ledger: JSON, schema, hash chain, and (with a checkpoint) that the
 * known head is still there. Streams the file; memory use does not grow with its length.
 * Never throws for a damaged ledger: every finding is a problem in the report.
 */
export async function verifyLedger(file: string, schemaName?: LedgerSchemaName, opts: VerifyOptions = {}): Promise<LedgerReport> {
  let report = await verifyOnce(file, schemaName, opts);
  for (let reads = 1; reads < MAX_READS && report.torn_tail && !opts.underLock; reads++) {
    // A reader takes no lock, and the kernel grows a file a page at a time during one write(),
    // so a record crossing a page boundary can be seen without its end: that ledger is healthy.
    // The append was in flight if a live process held the lock (waited for), or the file has
    // grown since. A torn tail whose writer died stays: its lock is free or stale, and nothing
    // grows the file (an appender refuses to write after it).
    getLogger().debug({ ledger: report.path, line: report.torn_tail.line }, 'the last line is unterminated: reading again once a writer holding the lock is done');
    const lock = await waitWhileLocked(report.path);
    if (lock === 'free' && fileSize(report.path) === report.bytes) break;
    opts.onReread?.();
    report = await verifyOnce(file, schemaName, opts);
    if (lock === 'held') break; // held past the lock timeout: no append takes that long; report what is there
  }
  return report;
}

async function verifyOnce(file: string, schemaName: LedgerSchemaName | undefined, opts: VerifyOptions): Promise<LedgerReport> {
  const path = resolve(file);
  checkLedgerFile(path);
  const schema = schemaName ?? schemaForFileName(basename(path)) ?? null;
  const cpPath = opts.checkpoint === false ? undefined : resolve(opts.checkpoint ?? checkpointPathFor(path));
  const loaded = cpPath ? loadCheckpoint(cpPath, opts.checkpoint !== undefined, path, opts.reportCheckpointProblems === true) : undefined;
  const checkpoint = loaded && 'checkpoint' in loaded ? loaded.checkpoint : undefined;
  const size = fileSize(path);
  const report: LedgerReport = { path, exists: size !== undefined, schema, lines: 0, blank_lines: 0, bytes: size ?? 0, head: null, status: 'ok', problems: [] };
  const scan = new Scan(report, schema, checkpoint?.seq, opts.onRecord);
  if (size !== undefined) {
    try {
      const check = await recordCheck(schema);
      const threads = opts.onRecord ? 1 : threadsFor(size, opts.threads);
      if (threads > 1) await scanFactsParallel(path, size, schema, check, threads, scan);
      else await scanInThread(path, size, check, scan, opts.onRecord !== undefined);
    } catch (e) {
      if (!(e instanceof LineTooLong)) throw e;
      scan.problem(e.no, 'malformed', `line ${e.no} is longer than any record may be: the file is damaged from byte ${e.offset}`);
    }
  }
  scan.finish();
  if (checkpoint && cpPath) report.checkpoint = scan.checkCheckpoint(cpPath, checkpoint);
  else if (loaded && 'result' in loaded) report.checkpoint = loaded.result;
  scan.limitProblems();
  report.status = statusOf(report);
  return report;
}

async function scanInThread(path: string, size: number, check: RecordCheck | null, scan: Scan, keepValues: boolean): Promise<void> {
  for await (const chunk of readChunks(path, size)) {
    // No per-chunk arrays: each line's objects die young, so the heap stays flat.
    forEachLine(chunk, (no, offset, bytes, terminated) => {
      if (terminated && isBlank(bytes)) scan.blank(1);
      else scan.facts(analyzeLine(no, offset, bytes, terminated, check, keepValues));
    });
  }
}

function threadsFor(size: number, requested: number | undefined): number {
  const wanted = requested ?? verifyThreadsFromEnv();
  // Workers load verify-worker.js: only the compiled package has it (tests of src/ scan in-thread).
  if (!import.meta.url.endsWith('.js')) return 1;
  // More workers than CPUs gain nothing (the per-line work is CPU-bound), and a huge count ran out
  // of memory: AUTOPOIETIC_VERIFY_THREADS=99999 died with a V8 fatal OOM (exit 133).
  if (wanted !== undefined) return Math.min(wanted, 4 * Math.max(1, availableParallelism()));
  const min = verifyParallelMinBytesFromEnv() ?? PARALLEL_MIN_BYTES;
  return size >= min ? Math.max(1, availableParallelism()) : 1;
}

function statusOf(r: LedgerReport): LedgerStatus {
  if (!r.exists && r.problems.length === 0) return 'missing';
  if (r.problems.length === 0) return 'ok';
  return r.problems.every((p) => p.kind === 'torn-tail') ? 'torn-tail' : 'broken';
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * A ledger's integrity report and its records, from one read of the file: every complete line
 * that is JSON and matches the schema (the same check the reader makes, compiled from the same
 * schema), in file order, whatever the report says. The caller decides from the report whether
 * the records may be used (a gate takes none from a broken ledger).
 */
export async function verifiedRecords<N extends LedgerSchemaName>(
  file: string,
  schemaName: N,
  opts: Omit<VerifyOptions, 'onRecord' | 'onReread' | 'threads'> = {},
): Promise<{ report: LedgerReport; records: Array<{ line: number; record: StoredRecord<N> }> }> {
  const records: Array<{ line: number; record: StoredRecord<N> }> = [];
  const report = await verifyLedger(file, schemaName, {
    ...opts,
    onRecord: (line, value) => records.push({ line, record: value as StoredRecord<N> }),
    onReread: () => (records.length = 0),
  });
  return { report, records };
}
