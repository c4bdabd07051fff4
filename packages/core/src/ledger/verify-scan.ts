import { ChainChecker, MAX_PROBLEMS } from './chain-check.js';
import type { LineFacts } from './line-facts.js';
import { bomCause, causeMessage, crlfCause } from './line-marks.js';
import type { CheckpointResult, LedgerProblemKind, LedgerReport } from './ledger-report.js';
import type { LedgerSchemaName } from './validate.js';

/** The order-dependent part of verify, fed line facts in file order (from this thread or workers). */
export class Scan {
  private readonly chain = new ChainChecker();
  private pending: LineFacts | undefined;
  private omitted = 0;
  private seenAtCheckpoint: { line: number; digest: string } | undefined;
  /** The first line ending with CR LF: it carries the explanation, later ones point to it. */
  private firstCr: number | undefined;

  constructor(
    private readonly report: LedgerReport,
    private readonly schema: LedgerSchemaName | null,
    private readonly checkpointSeq: number | undefined,
    private readonly onRecord?: (line: number, value: unknown) => void,
  ) {}

  blank(count: number): void {
    this.report.blank_lines += count;
  }

  facts(f: LineFacts): void {
    this.report.lines++;
    this.flushPending('malformed');
    if (f.bom && f.terminated) this.byteOrderMark(f);
    else if (!f.json || !f.terminated) this.pending = f;
    else this.record(f);
  }

  /**
   * A complete line starting with a byte-order mark is malformed, never a torn tail: its append
   * completed, and `ledger repair` must not quarantine a record an editor only prefixed.
   */
  private byteOrderMark(f: LineFacts): void {
    this.problem(f.no, 'malformed', causeMessage(bomCause(this.report.path, f.no, f.bom!)));
    if (f.bom !== 'nothing') this.chain.unreadable(f.no, f.digest); // a bare BOM holds no record, so no seq
  }

  finish(): void {
    this.flushPending('torn-tail');
    for (const p of this.chain.problems) this.report.problems.push(p);
    const h = this.chain.head;
    this.report.head = h ? { seq: h.seq, digest: h.digest, line: h.line } : null;
  }

  problem(line: number, kind: LedgerProblemKind, message: string): void {
    if (this.report.problems.length < MAX_PROBLEMS) this.report.problems.push({ line, kind, message });
    else this.omitted++;
    this.chain.flag(line);
  }

  /** Merges the chain's problems in line order and keeps the first MAX_PROBLEMS. */
  limitProblems(): void {
    const all = this.report.problems.sort((a, b) => a.line - b.line);
    const omitted = this.omitted + this.chain.omitted + Math.max(0, all.length - MAX_PROBLEMS);
    all.length = Math.min(all.length, MAX_PROBLEMS);
    if (omitted > 0) this.report.problems_omitted = omitted;
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

  private record(f: LineFacts): void {
    // Named here, so the chain does not call the converted line (or its neighbour) edited by hand.
    if (f.cr) {
      this.firstCr ??= f.no;
      this.problem(f.no, 'edited', causeMessage(crlfCause(this.report.path, f.no, this.firstCr)));
    }
    if (this.schema && f.issues.length) this.problem(f.no, 'schema', `line ${f.no} is not a valid ${this.schema} record: ${f.issues.join('; ')}`);
    else if (this.onRecord && f.unexplained === undefined) this.onRecord(f.no, f.value);
    if (!f.chain || !this.chain.wellFormed(f.chain)) {
      this.chain.unchained(f.no);
      return;
    }
    this.chain.link(f.no, f.chain, f.digest);
    if (f.chain.seq === this.checkpointSeq && !this.seenAtCheckpoint) this.seenAtCheckpoint = { line: f.no, digest: f.digest };
  }

  /** An unparsable line is torn when nothing but blank lines follows it; otherwise malformed. */
  private flushPending(as: 'malformed' | 'torn-tail'): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    if (as === 'torn-tail') {
      this.report.problems.push({ line: p.no, kind: 'torn-tail', message: tornMessage(p) });
      this.report.torn_tail = { line: p.no, offset: p.offset, bytes: this.report.bytes - p.offset };
      return;
    }
    this.problem(p.no, 'malformed', `line ${p.no} is not valid JSON`);
    this.chain.unreadable(p.no, p.digest);
  }
}

function tornMessage(p: LineFacts): string {
  const repair = '`ledger repair` moves it to a quarantine file';
  // An editor's new, empty ledger saved with a BOM: no append was interrupted, and nothing is lost by moving it.
  if (p.bom === 'nothing') return `the last line (${p.no}) is only a byte-order mark (U+FEFF) with no newline, no record: an editor saved this ledger as 'UTF-8 with BOM'; ${repair}`;
  const why = p.terminated ? 'is not valid JSON' : 'has no trailing newline';
  return `the last line (${p.no}) ${why}: an append was interrupted; ${repair}`;
}
