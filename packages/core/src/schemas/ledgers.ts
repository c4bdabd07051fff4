import type { SchemaName } from './registry.js';

/**
 * The ledgers: kind -> default file name and the record schema of its lines. Kept apart from the
 * zod schemas (registry.ts re-exports it) so that code that only needs to know where ledgers live
 * (paths, os-introspect's memory probe) does not load zod.
 */
export const LEDGERS = {
  mutations: { file: 'mutations.jsonl', schema: 'mutation' },
  effects: { file: 'effects.jsonl', schema: 'effect' },
  generations: { file: 'generations.jsonl', schema: 'generation' },
  results: { file: 'mutation-results.jsonl', schema: 'mutation-result' },
  promotions: { file: 'mutation-promotions.jsonl', schema: 'mutation-promotion' },
  organs: { file: 'organs.jsonl', schema: 'organ' },
  lineage: { file: 'lineage.jsonl', schema: 'lineage-attempt' },
} as const satisfies Record<string, { file: string; schema: SchemaName }>;

export type LedgerKind = keyof typeof LEDGERS;
