import { z } from 'zod';
import { DECAY_STATUSES, ORGAN_EVENTS, ORGAN_TYPES, REVIEW_STATUSES } from '../vocab/organ.js';
import { ChainLink, SchemaVersion, Timestamp } from './common.js';

export { DECAY_STATUSES, ORGAN_EVENTS, ORGAN_TYPES, REVIEW_STATUSES } from '../vocab/organ.js';

export const OrganType = z.enum(ORGAN_TYPES);

export const DecayStatus = z.enum(DECAY_STATUSES);

/**
 * One version of an organ, a line of `organs.jsonl`. `organ_id` (written by `organ add` and
 * copied by update/retire) ties the versions of one organ together; lines without it are each
 * their own organ, as in the reference registry.
 */
export const OrganRecord = z.strictObject({
  schema_version: SchemaVersion,
  organ_id: z.string().regex(/\S/, 'organ id must not be empty').optional(),
  recorded_at: Timestamp.optional(),
  event: z.enum(ORGAN_EVENTS).optional(),
  name: z.string().regex(/\S/, 'organ name must not be empty'),
  type: OrganType,
  source: z.string().regex(/\S/, 'organ source must not be empty'),
  purpose: z.string().regex(/\S/, 'organ purpose must not be empty'),
  created_by: z.string().optional(),
  usage_count: z.int().min(0).optional(),
  failure_count: z.int().min(0).optional(),
  related_goals: z.array(z.string()).optional(),
  decay_status: DecayStatus.optional(),
  retired: z.boolean().optional(),
  retired_reason: z.string().optional(),
  chain: ChainLink.optional(),
});
export type OrganRecord = z.infer<typeof OrganRecord>;

export const OrganFinding = z.strictObject({
  name: z.string(),
  status: z.enum(REVIEW_STATUSES),
  reason: z.string(),
  evidence: z.record(z.string(), z.string()),
});

export const OrganReviewOutput = z.strictObject({
  schema_version: SchemaVersion,
  reviewed_at: Timestamp,
  source: z.string(),
  total_organs: z.int().min(0),
  findings: z.array(OrganFinding),
  active: z.array(z.string()),
  candidates: z.array(z.string()),
  stale: z.array(z.string()),
  duplicate: z.array(z.string()),
  failed: z.array(z.string()),
  unknown: z.array(z.string()),
  retired: z.array(z.string()),
  /** The time-based staleness window the review used, in days. */
  stale_after_days: z.int().min(1).optional(),
  /** With `--measure`: ledger kind -> path read for the measured figures. */
  measured_from: z.record(z.string(), z.string()).optional(),
  /** registry and, with `--measure`, each ledger: `loaded:<n>` or `missing:treated-as-empty`. */
  source_statuses: z.record(z.string(), z.string()).optional(),
  limits: z.array(z.string()).optional(),
});
export type OrganReviewOutput = z.infer<typeof OrganReviewOutput>;

export const OrganCandidate = z.strictObject({
  name: z.string(),
  reason: z.string(),
  observed_in: z.array(z.string()).optional(),
  evidence: z.record(z.string(), z.string()).optional(),
  inferred_type: OrganType.optional(),
  source: z.string().optional(),
  matched_registered_name: z.string().optional(),
});

export const OrganRegistrySuggestionOutput = z.strictObject({
  schema_version: SchemaVersion,
  reviewed_at: Timestamp,
  registry_source: z.string(),
  promotion_source: z.string(),
  generation_source: z.string(),
  self_state_source: z.string().optional(),
  source_statuses: z.strictObject({
    registry: z.string(),
    promotions: z.string(),
    generations: z.string(),
    self_state: z.string().optional(),
  }),
  registered_organs: z.array(z.string()),
  observed_changed_organs: z.array(z.string()),
  candidates: z.array(OrganCandidate),
  near_misses: z.array(z.strictObject({ observed: z.string(), registered: z.string() })).optional(),
  limits: z.array(z.string()).optional(),
});
export type OrganRegistrySuggestionOutput = z.infer<typeof OrganRegistrySuggestionOutput>;
