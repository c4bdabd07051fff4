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

/**
 * The checkpoint the ledger was checked against, or (`reportCheckpointProblems`) a required one
 * that does not exist or one that cannot be used.
 */
export type CheckpointResult = { path: string; seq: number; digest: string; status: 'ok' | 'mismatch' | 'truncated' } | MissingCheckpoint | CheckpointFault;

export interface MissingCheckpoint {
  path: string;
  status: 'missing';
  /** How to take it: the `ledger checkpoint` command for this ledger. */
  hint: string;
}

/** Why a checkpoint that is there cannot be used: not JSON or not the schema, a BOM before it, not readable, another ledger's. */
export type CheckpointFaultStatus = 'invalid' | 'byte-order-mark' | 'unreadable' | 'other-ledger';

/** A checkpoint that is there but cannot be used; the ledger was verified without it. */
export interface CheckpointFault {
  path: string;
  status: CheckpointFaultStatus;
  /** What is wrong with it (the message of the error one ledger's verify ends with). */
  reason: string;
  /** How to fix it: the commands for this ledger and this checkpoint. */
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
