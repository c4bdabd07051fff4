import { z } from 'zod';
import { CheckResult } from './check.js';
import { ChainLink, Fingerprint, Metadata, SchemaVersion, Timestamp } from './common.js';
import { SideEffectDeclaration } from './proposal.js';

export const VERIFICATION_STATUSES = ['verified', 'rejected', 'error'] as const;

/** P1 record, one line of `mutation-results.jsonl`. */
export const MutationVerificationRecord = z.strictObject({
  schema_version: SchemaVersion,
  verification_id: z.string(),
  timestamp: Timestamp,
  mutation_id: z.string(),
  goal: z.string(),
  phase: z.string(),
  status: z.enum(VERIFICATION_STATUSES),
  reason: z.string(),
  proposal_fingerprint: Fingerprint,
  root_fingerprint: Fingerprint,
  changed_paths: z.array(z.string()),
  checks: z.array(CheckResult),
  side_effects: z.array(SideEffectDeclaration).optional(),
  metadata: Metadata.optional(),
  /** The proposal file as given (for humans; not part of any fingerprint). */
  proposal_path: z.string().optional(),
  /** The candidate's staged git tree id (`git-tree:<sha>`) or content digest (`sha256:`). */
  candidate_tree: z.string().optional(),
  nix_version: z.string().nullable().optional(),
  duration_ms: z.int().min(0).optional(),
  chain: ChainLink.optional(),
});
export type MutationVerificationRecord = z.infer<typeof MutationVerificationRecord>;
