import type { ChainProblemKind } from './chain-check.js';
import type { LedgerSchemaName } from './validate.js';

// What `verifyLedger` reports about one ledger: counts, head, status and each problem by line (docs/ledger.md).

export type LedgerProblemKind = ChainProblemKind | 'malformed' | 'schema' | 'torn-tail' | 'checkpoint' | 'truncated';

export interface LedgerProblem {
  /** 1-based physical line number the problem is about. */
  line: number;
  kind: LedgerProblemKind;
  message: string;
}

export type LedgerStatus = 'ok' | 'torn-tail' | 'broken' | 'missing';

/** The checkpoint the ledger was checked against, or a required one that does not exist (`reportMissingCheckpoint`). */
export type CheckpointResult = { path: string; seq: number; digest: string; status: 'ok' | 'mismatch' | 'truncated' } | MissingCheckpoint;

export interface MissingCheckpoint {
  path: string;
  status: 'missing';
  /** How to take it: the `ledger checkpoint` command for this ledger. */
  hint: string;
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
  /** Problems in line order; at most 1000, the rest are counted in `problems_omitted`. */
  problems: LedgerProblem[];
  problems_omitted?: number;
  /** Where the torn final line starts, for `ledger repair`. */
  torn_tail?: { line: number; offset: number; bytes: number };
  checkpoint?: CheckpointResult;
}
