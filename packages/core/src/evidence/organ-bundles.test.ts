import { describe, expect, it } from 'vitest';
import { EvidenceBundle } from '../schemas/evidence.js';
import { OrganRegistrySuggestionOutput, OrganReviewOutput } from '../schemas/organ.js';
import { organReviewBundle, organSuggestBundle } from './organ-bundles.js';
import { rawRef } from './refs.js';

const review = OrganReviewOutput.parse({
  schema_version: '0.1.0',
  reviewed_at: '2026-01-01T00:00:00.000Z',
  source: 'memory/organs.jsonl',
  total_organs: 3,
  findings: [
    { name: 'journal', status: 'active', reason: 'explicit decay_status', evidence: { source: 'packages/mutation-journal' } },
    { name: 'dup', status: 'duplicate', reason: 'duplicate organ name', evidence: { source: 'a' } },
    { name: 'dup', status: 'duplicate', reason: 'duplicate organ name', evidence: { source: 'b' } },
  ],
  active: ['journal'],
  candidates: [],
  stale: [],
  duplicate: ['dup', 'dup'],
  failed: [],
  unknown: [],
  retired: [],
});

const suggest = OrganRegistrySuggestionOutput.parse({
  schema_version: '0.1.0',
  reviewed_at: '2026-01-01T00:00:00.000Z',
  registry_source: 'memory/organs.jsonl',
  promotion_source: 'memory/mutation-promotions.jsonl',
  generation_source: 'memory/generations.jsonl',
  source_statuses: { registry: 'loaded:1', promotions: 'loaded:1', generations: 'missing:treated-as-empty' },
  registered_organs: ['journal'],
  observed_changed_organs: ['Journal', 'runner'],
  candidates: [{ name: 'runner', reason: 'in changed_organs but not in the registry', observed_in: ['promotion:pro-1'], inferred_type: 'cli' }],
  near_misses: [{ observed: 'Journal', registered: 'journal' }],
  limits: ['generations source was missing; empty results do not prove completeness'],
});

const fact = (b: EvidenceBundle, kind: string) => b.canonical_facts?.find((f) => f.kind === kind);

describe('organReviewBundle (P4 review)', () => {
  it('maps a review to a read-only P4 bundle with the status groups', () => {
    const b = organReviewBundle(review, rawRef('organ-review-output', 'organ review:memory/organs.jsonl', review));
    expect(EvidenceBundle.safeParse(b).success).toBe(true);
    expect(b.phase).toBe('P4');
    expect(b.bundle_id).toBe('evidence:organ-review:2026-01-01T00:00:00.000Z');
    expect(b.subject).toEqual({
      mutation_id: 'p4:organ-registry-review',
      proposal_fingerprint: 'unknown:not-mutation-proposal-scoped',
      root_fingerprint: 'unknown:not-root-fingerprint-scoped',
      metadata: { source: 'memory/organs.jsonl' },
    });
    expect(b.claims![0]!.claim).toBe('organ decay review generated');
    expect(b.claims![0]!.limits.some((l) => l.includes('read-only'))).toBe(true);
    expect(fact(b, 'status-groups')?.value).toMatchObject({ active: ['journal'], duplicate: ['dup', 'dup'], retired: [] });
    expect(fact(b, 'finding-statuses')?.value).toEqual({ journal: 'active', dup: 'duplicate', 'dup#2': 'duplicate' });
    expect(fact(b, 'total-organs')?.value).toBe(3);
  });
});

describe('organSuggestBundle (P4 suggest)', () => {
  it('maps suggestions to a P4 bundle and propagates the output limits', () => {
    const b = organSuggestBundle(suggest, rawRef('organ-registry-suggestion-output', 'organ suggest:memory/organs.jsonl', suggest));
    expect(EvidenceBundle.safeParse(b).success).toBe(true);
    expect(b.phase).toBe('P4');
    expect(b.subject.mutation_id).toBe('p4:organ-registry-suggestion');
    expect(b.claims![0]!.claim).toBe('organ registry suggestions generated');
    expect(b.claims![0]!.limits).toContain('generations source was missing; empty results do not prove completeness');
    expect(b.claims![0]!.limits.length).toBe(4);
    expect(fact(b, 'candidate-organs')?.value).toEqual([{ name: 'runner', inferred_type: 'cli', observed_in: ['promotion:pro-1'] }]);
    expect(fact(b, 'near-misses')?.value).toEqual([{ observed: 'Journal', registered: 'journal' }]);
    expect(fact(b, 'source-statuses')?.value).toMatchObject({ generations: 'missing:treated-as-empty' });
  });
});
