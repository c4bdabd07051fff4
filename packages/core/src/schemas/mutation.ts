import { z } from 'zod';
import { Metadata, SchemaVersion, Timestamp } from './common.js';

export const MUTATION_STATUSES = ['pending', 'accepted', 'failed', 'reverted'] as const;

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
});
export type MutationRecord = z.infer<typeof MutationRecord>;
