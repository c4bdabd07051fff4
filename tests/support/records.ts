import { newId, nowRfc3339 } from '@autopoietic/core/canonical';
import { GENESIS_PREV, lineDigest } from '@autopoietic/core/ledger';

/** A valid mutation record (no chain), for ledger tests. */
export function mutationRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: '0.1.0',
    mutation_id: newId('mut'),
    timestamp: nowRfc3339(),
    goal: 'keep the ledger honest',
    status: 'pending',
    phase: 'P0-smoke',
    reason: '',
    changed_paths: [],
    next_hypothesis: '',
    metadata: {},
    ...over,
  };
}

/**
 * The lines of a valid hash-chained mutations ledger of `n` records, `over(i)` changing record i
 * (from 1): for ledgers far too long to build with an append each.
 */
export function chainedMutationLines(n: number, over: (i: number) => Record<string, unknown> = () => ({})): string[] {
  const lines: string[] = [];
  let prev = GENESIS_PREV;
  for (let i = 1; i <= n; i++) {
    const line = JSON.stringify({ ...mutationRecord(over(i)), chain: { seq: i, prev } });
    prev = lineDigest(Buffer.from(line, 'utf8'));
    lines.push(line);
  }
  return lines;
}
