import type { LedgerProblem } from '../ledger/ledger-report.js';

/**
 * The report of `mutation-journal evidence check` (docs/evidence.md, "Checking a bundle"). Every
 * item says what was compared and how it came out:
 *   matched       re-derived from what the bundle cites, and equal;
 *   differs       re-derived, and not equal (or the bundle and its record disagree in shape, or
 *                 the hash chain of a cited record's ledger is broken before it);
 *   missing       what the bundle cites is not there (a deleted ledger line, a removed log, a
 *                 ledger whose chain cannot be verified);
 *   unverifiable  cannot be re-derived by design (an output kept nowhere), with the reason.
 * Never `matched` for something that was not recomputed.
 */
export const ITEM_STATUSES = ['matched', 'differs', 'missing', 'unverifiable'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface CheckedItem {
  id: string;
  status: ItemStatus;
  reason: string;
}

export interface InputCheck extends CheckedItem {
  kind: string;
  source: string;
  /** Where it was re-derived from when that is not `source` as written (--memory-dir, --output). */
  read_from?: string;
  /** The digest the bundle states, and the one re-derived (when it could be). */
  stated: string;
  actual?: string;
}

const PARTS = ['bundle', 'subject', 'input', 'observation', 'fact', 'comparison', 'claim'] as const;
export type Part = (typeof PARTS)[number];

/** A part of the bundle that restates its record (facts, comparisons, claims, ...). */
export interface PartCheck extends CheckedItem {
  part: Part;
}

export interface LogCheck extends CheckedItem {
  /** The record that names the log, and the check and stream it belongs to. */
  record: string;
  check: string;
  stream: 'stdout' | 'stderr';
  path: string;
  stated: { sha256: string; bytes: number };
  actual?: { sha256: string; bytes: number };
}

/** A ledger a cited record was read from: its hash chain, from line 1 to the last cited line. */
export interface ChainCheck extends CheckedItem {
  /** The ledger as the bundle names it, and where it was read when that differs (--memory-dir). */
  ledger: string;
  read_from?: string;
  /** The last line of the ledger a cited record is on. */
  up_to_line: number;
  /** `ledger verify`'s problems at or before that line (when the chain is broken there). */
  problems?: LedgerProblem[];
}

/**
 * `matched`: everything matched. `partly-unverifiable`: nothing differs or is missing, but some
 * items could not be re-derived (exit 0: everything that could be checked matched). `failed`:
 * something differs or is missing (exit 1).
 */
export type OverallStatus = 'matched' | 'partly-unverifiable' | 'failed';

export interface BundleCheckReport {
  bundle: string;
  bundle_id: string;
  phase: string;
  status: OverallStatus;
  counts: Record<ItemStatus, number>;
  inputs: InputCheck[];
  parts: PartCheck[];
  logs: LogCheck[];
  ledgers: ChainCheck[];
}

export function overallStatus(items: readonly CheckedItem[]): { status: OverallStatus; counts: Record<ItemStatus, number> } {
  const counts = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>;
  for (const i of items) counts[i.status]++;
  const status = counts.differs || counts.missing ? 'failed' : counts.unverifiable ? 'partly-unverifiable' : 'matched';
  return { status, counts };
}
