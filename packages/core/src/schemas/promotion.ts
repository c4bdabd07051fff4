import { z } from 'zod';
import { CheckResult } from './check.js';
import { ChainLink, Fingerprint, Metadata, SchemaVersion, Timestamp } from './common.js';

export const PROMOTION_STATUSES = ['promoted', 'rejected', 'error'] as const;

/** P2 record, one line of `mutation-promotions.jsonl`. `phase` is always "P2"; the proposal's own phase is `proposal_phase`. */
export const MutationPromotionRecord = z
  .strictObject({
    schema_version: SchemaVersion,
    promotion_id: z.string(),
    timestamp: Timestamp,
    mutation_id: z.string(),
    goal: z.string(),
    phase: z.string(),
    proposal_phase: z.string().optional(),
    status: z.enum(PROMOTION_STATUSES),
    reason: z.string(),
    verification_id: z.string().optional(),
    proposal_fingerprint: Fingerprint,
    verified_root_fingerprint: Fingerprint.optional(),
    promotion_root_fingerprint: Fingerprint,
    parent_genome: z.string(),
    target_configuration: z.string(),
    system: z.string().optional(),
    changed_paths: z.array(z.string()),
    changed_organs: z.array(z.string()).optional(),
    checks: z.array(CheckResult),
    metadata: Metadata.optional(),
    candidate_tree: z.string().optional(),
    nix_version: z.string().nullable().optional(),
    duration_ms: z.int().min(0).optional(),
    chain: ChainLink.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.status === 'promoted') {
      if (!r.verification_id) ctx.addIssue({ code: 'custom', path: ['verification_id'], message: 'required when status is promoted' });
      if (!r.verified_root_fingerprint)
        ctx.addIssue({ code: 'custom', path: ['verified_root_fingerprint'], message: 'required when status is promoted' });
    }
  });
export type MutationPromotionRecord = z.infer<typeof MutationPromotionRecord>;
