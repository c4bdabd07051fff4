import { z } from 'zod';
import { MUTATION_STATUSES } from '../vocab/journal.js';
import { ChainLink, Metadata, SchemaVersion, Timestamp } from './common.js';

export { MUTATION_STATUSES };

/** A mutation journal entry, one line of `mutations.jsonl`. */
export const MutationRecord = z.strictObject({
  schema_version: SchemaVersion,
  mutation_id: z.string().regex(/\S/, 'must not be blank'),
  timestamp: Timestamp,
  goal: z.string().regex(/\S/, 'must not be blank'),
  status: z.enum(MUTATION_STATUSES),
  phase: z.string().regex(/\S/, 'must not be blank'),
  reason: z.string().optional(),
  changed_paths: z.array(z.string()).optional(),
  next_hypothesis: z.string().optional(),
  metadata: Metadata.optional(),
  chain: ChainLink.optional(),
});
export type MutationRecord = z.infer<typeof MutationRecord>;
