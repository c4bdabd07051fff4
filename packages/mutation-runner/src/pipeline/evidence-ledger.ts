import { AosError } from '@autopoietic/core/cli-kit';
import { loadRecords, verifiedRecords, type LedgerProblem, type LedgerProblemKind, type LedgerSchemaName, type SkippedLine, type StoredRecord } from '@autopoietic/core/ledger';

/**
 * The records of a ledger a gate takes as evidence (P1 records for promote, P1/P2 records for
 * install), after the ledger's own integrity check: a hash chain that says a line was edited,
 * inserted, deleted or reordered (or a checkpoint that says the ledger was cut back) means no
 * record in it is evidence. Reading alone only checks each line's shape, so a reordered ledger
 * let promote bind to an older verified run that a newer rejected run of the same version had
 * superseded. A torn final line (an append that never returned) is not damage: it is skipped
 * (and pushed to `skipped`, for a hand-off's limits).
 */
export async function loadEvidenceRecords<N extends LedgerSchemaName>(file: string, schema: N, what: string, skipped?: SkippedLine[]): Promise<StoredRecord<N>[]> {
  // One read gives both the integrity report and the records (it was a verify, then a read).
  const { report, records } = await verifiedRecords(file, schema);
  // A malformed or invalid line is left to the reader, whose error names it as such.
  const damage = report.problems.find((p) => !SHAPE_PROBLEMS.has(p.kind));
  if (report.status === 'broken' && damage) throw evidenceLedgerBroken(file, what, damage);
  // The reader's own error names a malformed or invalid line (and warns of a torn tail).
  if (report.problems.length) return loadRecords(file, schema, { skipped });
  return records.map((r) => r.record);
}

/** The one refusal of a ledger whose integrity check found `problem` (a gate's input, the hand-off's attempt ledger). */
export function evidenceLedgerBroken(file: string, what: string, problem: LedgerProblem): AosError {
  return new AosError('evidence-ledger-broken', `${what} ledger ${file} fails its integrity check (${file}:${problem.line}: ${problem.kind}: ${problem.message}); none of its records is taken as evidence`, {
    hint: `Run \`mutation-journal ledger verify --path ${file}\` for every problem, and restore the ledger from a backup; its lines must only be written by the tools.`,
  });
}

const SHAPE_PROBLEMS: ReadonlySet<LedgerProblemKind> = new Set(['malformed', 'schema', 'torn-tail']);
