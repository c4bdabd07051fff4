import { z } from 'zod';
import { ChainLink, Metadata, Risk, SchemaVersion, Timestamp } from './common.js';

/** An effect outside Nix, one line of `effects.jsonl`. */
export const EffectRecord = z.strictObject({
  schema_version: SchemaVersion,
  effect_id: z.string().regex(/\S/, 'must not be blank'),
  timestamp: Timestamp,
  mutation_id: z.string().regex(/\S/, 'must not be blank'),
  type: z.string().regex(/\S/, 'must not be blank'),
  target: z.string().regex(/\S/, 'must not be blank'),
  reversible: z.boolean(),
  compensation: z.string().optional(),
  verified_by: z.string().optional(),
  risk: Risk.optional(),
  metadata: Metadata.optional(),
  chain: ChainLink.optional(),
});
export type EffectRecord = z.infer<typeof EffectRecord>;
