import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { SCHEMAS } from '../schemas/registry.js';
import { chainOf, lineDigest } from './chain.js';
import { ChainChecker, type ChainProblemKind } from './chain-check.js';
import { checkpointPathFor, readCheckpoint } from './checkpoint-file.js';
import { LineTooLong, scanLines, type RawLine } from './lines.js';
import { describeIssues, schemaForFileName, type LedgerSchemaName } from './validate.js';

export type LedgerProblemKind = ChainProblemKind | 'malformed' | 'schema' | 'torn-tail' | 'checkpoint' | 'truncated';

export interface LedgerProblem {
  /** 1-based physical line number the problem is about. */
  line: number;
  kind: LedgerProblemKind;
  message: string;
}

export type LedgerStatus = 'ok' | 'torn-tail' | 'broken' | 'missing';

export interface CheckpointResult {
  path: string;
  seq: number;
  digest: string;
  status: 'ok' | 'mismatch' | 'truncated';
}

export interface LedgerReport {
  path: string;
  exists: boolean;
  /** Schema every line was checked against; null when it could not be told from the file name. */
  schema: LedgerSchemaName | null;
  /** Non-blank lines examined (records, broken lines and a torn tail). */
  lines: number;
  blank_lines: number;
  bytes: number;
  /** The last line accepted into the chain. */
  head: { seq: number; digest: string; line: number } | null;
  status: LedgerStatus;
  problems: LedgerProblem[];
  /** Where the torn final line starts, for `ledger repair`. */
  torn_tail?: { line: number; offset: number; bytes: number };
  checkpoint?: CheckpointResult;
}

export interface VerifyOptions {
  /**
   * Checkpoint to check against: a path, `false` for none, or undefined for the default
   * `<ledger>.checkpoint.json` when it exists.
   */
  checkpoint?: string | false;
}

/**
 * Checks every line of a ledger: JSON, schema, hash chain, and (with a checkpoint) that the
 * known head is still there. Streams the file; memory use does not grow with its length.
 * Never throws for a damaged ledger: every finding is a problem in the report.
 */
export async function verifyLedger(file: string, schemaName?: LedgerSchemaName, opts: VerifyOptions = {}): Promise<LedgerReport> {
  const path = resolve(file);
  const schema = schemaName ?? schemaForFileName(basename(path)) ?? null;
  const cpPath = opts.checkpoint === false ? undefined : resolve(opts.checkpoint ?? checkpointPathFor(path));
  const checkpoint = cpPath ? readCheckpoint(cpPath, opts.checkpoint !== undefined) : undefined;
  if (checkpoint && checkpoint.ledger !== basename(path)) {
    throw new AosError('checkpoint-mismatch', `the checkpoint ${cpPath} belongs to ledger ${checkpoint.ledger}, not ${basename(path)}`, {
      hint: 'Name the checkpoint of this ledger with --checkpoint, or verify the ledger it belongs to.',
    });
  }
  const size = fileSize(path);
  const report: LedgerReport = { path, exists: size !== undefined, schema, lines: 0, blank_lines: 0, bytes: size ?? 0, head: null, status: 'ok', problems: [] };
  const scan = new Scan(report, schema, checkpoint?.seq);
  if (size !== undefined) {
    try {
      for await (const batch of scanLines(path, size)) for (const raw of batch) scan.line(raw);
    } catch (e) {
      if (!(e instanceof LineTooLong)) throw e;
      scan.problem(e.no, 'malformed', `line ${e.no} is longer than any record may be: the file is damaged from byte ${e.offset}`);
    }
  }
  scan.finish();
  if (checkpoint && cpPath) report.checkpoint = scan.checkCheckpoint(cpPath, checkpoint);
  report.problems.sort((a, b) => a.line - b.line);
  report.status = statusOf(report);
  return report;
}

class Scan {
  private readonly chain = new ChainChecker();
  private pending: { raw: RawLine; digest: string } | undefined;
  private seenAtCheckpoint: { line: number; digest: string } | undefined;

  constructor(
    private readonly report: LedgerReport,
    private readonly schema: LedgerSchemaName | null,
    private readonly checkpointSeq: number | undefined,
  ) {}

  line(raw: RawLine): void {
    if (raw.blank && raw.terminated) {
      this.report.blank_lines++;
      return;
    }
    this.report.lines++;
    this.flushPending('malformed');
    const digest = lineDigest(raw.bytes);
    let value: unknown;
    try {
      value = JSON.parse(raw.bytes.toString('utf8'));
    } catch {
      this.pending = { raw, digest };
      return;
    }
    if (!raw.terminated) {
      this.pending = { raw, digest };
      return;
    }
    this.record(raw, value, digest);
  }

  finish(): void {
    this.flushPending('torn-tail');
    for (const p of this.chain.problems) this.report.problems.push(p);
    const h = this.chain.head;
    this.report.head = h ? { seq: h.seq, digest: h.digest, line: h.line } : null;
  }

  problem(line: number, kind: LedgerProblemKind, message: string): void {
    this.report.problems.push({ line, kind, message });
    this.chain.flag(line);
  }

  checkCheckpoint(path: string, cp: { seq: number; digest: string }): CheckpointResult {
    const base = { path, seq: cp.seq, digest: cp.digest };
    const seen = this.seenAtCheckpoint;
    if (!seen) {
      const headSeq = this.report.head?.seq ?? 0;
      this.problem(this.report.lines + this.report.blank_lines + 1, 'truncated', `the checkpoint ${path} records seq ${cp.seq}, but the ledger ends at seq ${headSeq}: lines were removed from the end`);
      return { ...base, status: 'truncated' };
    }
    if (seen.digest !== cp.digest) {
      this.problem(seen.line, 'checkpoint', `line ${seen.line} (seq ${cp.seq}) hashes to ${seen.digest}, but the checkpoint ${path} recorded ${cp.digest}: it was changed after the checkpoint`);
      return { ...base, status: 'mismatch' };
    }
    return { ...base, status: 'ok' };
  }

  private record(raw: RawLine, value: unknown, digest: string): void {
    if (this.schema) {
      const result = SCHEMAS[this.schema].safeParse(value);
      if (!result.success) this.problem(raw.no, 'schema', `line ${raw.no} is not a valid ${this.schema} record: ${describeIssues(result.error).join('; ')}`);
    }
    const c = chainOf(value);
    if (!c) {
      this.chain.unchained(raw.no);
      return;
    }
    this.chain.link(raw.no, c, digest);
    if (c.seq === this.checkpointSeq && !this.seenAtCheckpoint) this.seenAtCheckpoint = { line: raw.no, digest };
  }

  /** An unparsable line is torn when nothing but blank lines follows it; otherwise malformed. */
  private flushPending(as: 'malformed' | 'torn-tail'): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const { raw, digest } = p;
    if (as === 'torn-tail') {
      const why = raw.terminated ? 'is not valid JSON' : 'has no trailing newline';
      this.report.problems.push({ line: raw.no, kind: 'torn-tail', message: `the last line (${raw.no}) ${why}: an append was interrupted; \`ledger repair\` moves it to a quarantine file` });
      this.report.torn_tail = { line: raw.no, offset: raw.offset, bytes: this.report.bytes - raw.offset };
      return;
    }
    this.problem(raw.no, 'malformed', `line ${raw.no} is not valid JSON`);
    this.chain.unreadable(raw.no, digest);
  }
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
