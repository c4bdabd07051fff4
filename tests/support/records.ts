import { newId, nowRfc3339 } from '@autopoietic/core/canonical';

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
