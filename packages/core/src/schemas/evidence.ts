import { z } from 'zod';
import { Metadata, SchemaVersion } from './common.js';

export const COMPARISON_STATUSES = ['matched', 'mismatched', 'missing', 'incomparable', 'stale', 'ambiguous', 'error'] as const;
export const ComparisonStatus = z.enum(COMPARISON_STATUSES);
export const DATA_QUALITIES = ['raw', 'observed', 'canonicalized', 'verified', 'derived', 'stale', 'ambiguous', 'unknown'] as const;
export const DataQuality = z.enum(DATA_QUALITIES);

export const DigestRef = z.strictObject({
  algorithm: z.literal('sha256'),
  value: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});

export const ProvenanceRef = z.strictObject({
  kind: z.string(),
  source: z.string(),
  digest: DigestRef,
  schema_version: z.string(),
  metadata: Metadata.optional(),
});

export const EvidenceSubject = z
  .strictObject({
    mutation_id: z.string(),
    proposal_fingerprint: z.string(),
    root_fingerprint: z.string().optional(),
    generation_id: z.string().optional(),
    metadata: Metadata.optional(),
  })
  .refine((s) => s.root_fingerprint !== undefined || s.generation_id !== undefined, {
    message: 'subject needs root_fingerprint or generation_id',
  });

export const EvidenceInput = z.strictObject({
  input_id: z.string(),
  kind: z.string(),
  provenance: ProvenanceRef,
  quality: DataQuality,
  metadata: Metadata.optional(),
});
export const EvidenceObservation = z.strictObject({
  observation_id: z.string(),
  kind: z.string(),
  summary: z.string(),
  quality: DataQuality,
  raw_ref: ProvenanceRef,
  observed_at: z.string().optional(),
  metadata: Metadata.optional(),
});
export const CanonicalFact = z.strictObject({
  fact_id: z.string(),
  kind: z.string(),
  value: z.json(),
  quality: DataQuality,
  derived_from: z.array(z.string()).optional(),
  metadata: Metadata.optional(),
});
export const EvidenceComparison = z.strictObject({
  comparison_id: z.string(),
  left_ref: z.string(),
  right_ref: z.string(),
  status: ComparisonStatus,
  reason: z.string(),
  quality: DataQuality,
  metadata: Metadata.optional(),
});
export const EvidenceClaim = z.strictObject({
  claim_id: z.string(),
  claim: z.string(),
  quality: DataQuality,
  backing: z.array(z.string()).min(1),
  limits: z.array(z.string()),
  metadata: Metadata.optional(),
});

export const EvidenceBundle = z.strictObject({
  schema_version: SchemaVersion,
  bundle_id: z.string(),
  phase: z.string(),
  subject: EvidenceSubject,
  inputs: z.array(EvidenceInput).optional(),
  observations: z.array(EvidenceObservation).optional(),
  canonical_facts: z.array(CanonicalFact).optional(),
  comparisons: z.array(EvidenceComparison).optional(),
  claims: z.array(EvidenceClaim).optional(),
  metadata: Metadata.optional(),
});
export type EvidenceBundle = z.infer<typeof EvidenceBundle>;
export type ProvenanceRef = z.infer<typeof ProvenanceRef>;
export type CanonicalFact = z.infer<typeof CanonicalFact>;
export type EvidenceComparison = z.infer<typeof EvidenceComparison>;
export type EvidenceClaim = z.infer<typeof EvidenceClaim>;
export type EvidenceInput = z.infer<typeof EvidenceInput>;
export type EvidenceObservation = z.infer<typeof EvidenceObservation>;
