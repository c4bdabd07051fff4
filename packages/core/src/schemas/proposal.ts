import { z } from 'zod';
import { Metadata, NonBlank, Risk, SchemaVersion } from './common.js';

export const ExpectedCheck = z.strictObject({
  name: NonBlank,
  command: NonBlank,
  args: z.array(z.string()).optional(),
  timeout_seconds: z.number().positive().optional().describe('Per-check timeout override'),
});
export type ExpectedCheck = z.infer<typeof ExpectedCheck>;

export const SideEffectDeclaration = z.strictObject({
  type: z.string(),
  target: z.string(),
  reversible: z.boolean(),
  compensation: z.string(),
  risk: Risk,
});
export type SideEffectDeclaration = z.infer<typeof SideEffectDeclaration>;

/**
 * A mutation proposal: `proposal.json`, with a sibling `patch_path` (preferred) or an inline `patch`.
 * Exactly one of the two is allowed; the verifier reports which rule was broken.
 */
export const MutationProposal = z.strictObject({
  schema_version: SchemaVersion,
  mutation_id: NonBlank.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"'),
  goal: NonBlank,
  phase: NonBlank,
  changed_paths: z.array(z.string()),
  expected_checks: z.array(ExpectedCheck),
  patch: z.string().optional(),
  patch_path: z.string().optional(),
  side_effects: z.array(SideEffectDeclaration).optional(),
  metadata: Metadata.optional(),
});
export type MutationProposal = z.infer<typeof MutationProposal>;
