import type { EvidenceBundle, ProvenanceRef } from '../schemas/evidence.js';
import type { OrganRegistrySuggestionOutput, OrganReviewOutput } from '../schemas/organ.js';
import { assembleBundle, keyedMap, type FactSpec } from './assemble.js';

/**
 * P4 bundles are about the registry, not about one mutation or one genome root. The schema still
 * needs those subject slots, so they carry explicit `unknown:` placeholders that say why.
 */
export const NOT_PROPOSAL_SCOPED = 'unknown:not-mutation-proposal-scoped';
export const NOT_ROOT_SCOPED = 'unknown:not-root-fingerprint-scoped';

export const REVIEW_LIMITS = [
  'Advisory and read-only: the registry was not written and a status deletes nothing.',
  'Removing or replacing an organ must go through P1, P2 and P3 as a new mutation.',
];

export const SUGGEST_LIMITS = [
  'Advisory and read-only: no registry record was written; a candidate becomes an organ only through organ add.',
  'Inferred types and sources are hints from names and the self-state, not verified facts.',
  'Observations come only from promoted mutations, installed generations and the self-state when given; an empty list does not prove the registry is complete.',
];

/** P4 organ review (decay classification) as an evidence bundle. */
export function organReviewBundle(review: OrganReviewOutput, raw: ProvenanceRef): EvidenceBundle {
  const groups = {
    active: review.active,
    candidates: review.candidates,
    stale: review.stale,
    duplicate: review.duplicate,
    failed: review.failed,
    unknown: review.unknown,
    retired: review.retired,
  };
  return assembleBundle({
    bundleId: `evidence:organ-review:${review.reviewed_at}`,
    phase: 'P4',
    prefix: 'organ-review',
    subject: {
      mutation_id: 'p4:organ-registry-review',
      proposal_fingerprint: NOT_PROPOSAL_SCOPED,
      root_fingerprint: NOT_ROOT_SCOPED,
      metadata: { source: review.source },
    },
    raw,
    summary: `P4 organ review of ${review.source}: ${review.total_organs} organs, ${review.findings.length} findings`,
    observedAt: review.reviewed_at,
    facts: [
      { kind: 'total-organs', value: review.total_organs },
      { kind: 'status-groups', value: groups },
      { kind: 'finding-statuses', value: keyedMap(review.findings.map((f) => f.name), review.findings.map((f) => f.status)) },
    ],
    claim: {
      name: 'organ-review',
      text: 'organ decay review generated',
      keyFacts: ['status-groups', 'finding-statuses'],
      limits: [...REVIEW_LIMITS, ...(review.limits ?? [])],
    },
  });
}

/** P4 organ suggest (observed organs missing from the registry) as an evidence bundle. */
export function organSuggestBundle(out: OrganRegistrySuggestionOutput, raw: ProvenanceRef): EvidenceBundle {
  const candidates = out.candidates.map((c) => ({
    name: c.name,
    ...(c.inferred_type ? { inferred_type: c.inferred_type } : {}),
    ...(c.source ? { source: c.source } : {}),
    ...(c.matched_registered_name ? { matched_registered_name: c.matched_registered_name } : {}),
    observed_in: c.observed_in ?? [],
  }));
  const facts: FactSpec[] = [
    { kind: 'registered-organs', value: out.registered_organs },
    { kind: 'observed-changed-organs', value: out.observed_changed_organs },
    { kind: 'candidate-organs', value: candidates },
    { kind: 'source-statuses', value: out.source_statuses },
  ];
  if (out.near_misses?.length) facts.push({ kind: 'near-misses', value: out.near_misses });
  return assembleBundle({
    bundleId: `evidence:organ-suggest:${out.reviewed_at}`,
    phase: 'P4',
    prefix: 'organ-suggest',
    subject: {
      mutation_id: 'p4:organ-registry-suggestion',
      proposal_fingerprint: NOT_PROPOSAL_SCOPED,
      root_fingerprint: NOT_ROOT_SCOPED,
      metadata: { registry_source: out.registry_source },
    },
    raw,
    summary: `P4 organ suggestions for ${out.registry_source}: ${out.candidates.length} candidates`,
    observedAt: out.reviewed_at,
    facts,
    claim: {
      name: 'organ-suggest',
      text: 'organ registry suggestions generated',
      keyFacts: ['candidate-organs', 'source-statuses'],
      limits: [...SUGGEST_LIMITS, ...(out.limits ?? [])],
    },
  });
}
