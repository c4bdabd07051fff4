import { z } from 'zod';
import { LINEAGE_STATUSES } from '../vocab/journal.js';
import { ChainLink, Metadata, SchemaVersion, Sha256, Timestamp } from './common.js';

/** `reverted` is ours: install-revert appends it (the reference had no revert). */
export { LINEAGE_STATUSES };
export const LineageStatus = z.enum(LINEAGE_STATUSES);

/** A lineage node, one line of `generations.jsonl`. `lineage_status` is required (no silent `installed`). */
export const GenerationRecord = z.strictObject({
  schema_version: SchemaVersion,
  timestamp: Timestamp,
  lineage_status: LineageStatus,
  generation: z.string().regex(/\S/, 'must not be blank'),
  mutation_id: z.string(),
  goal: z.string(),
  changed_organs: z.array(z.string()).optional(),
  parent_generation: z.string().nullable(),
  activation_result: z.string(),
  verification_id: z.string().optional(),
  promotion_id: z.string().optional(),
  target_root: z.string().optional(),
  target_configuration: z.string().optional(),
  /** Digest of the install plan this record installs or reverts (install-apply / install-revert). */
  plan_digest: Sha256.optional(),
  metadata: Metadata.optional(),
  chain: ChainLink.optional(),
});
export type GenerationRecord = z.infer<typeof GenerationRecord>;
