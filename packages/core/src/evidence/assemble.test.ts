import { describe, expect, it } from 'vitest';
import { assembleBundle, checkBundle, distinctKeys } from './assemble.js';
import { rawRef } from './refs.js';

const base = {
  bundleId: 'evidence:x',
  phase: 'P1',
  prefix: 'x',
  subject: { mutation_id: 'm', proposal_fingerprint: 'unknown:test', root_fingerprint: 'unknown:test' },
  raw: rawRef('k', 's', {}),
  summary: 'test',
  facts: [{ kind: 'status', value: 'verified' }],
};

describe('assembleBundle / checkBundle', () => {
  it('refuses a claim that cites an id the bundle does not contain', () => {
    expect(() => assembleBundle({ ...base, claim: { name: 'c', text: 't', keyFacts: ['not-there'], limits: [] } })).toThrow(
      /cites ids not in the bundle: fact:x:not-there/,
    );
  });

  it('refuses duplicate ids and schema violations', () => {
    expect(() =>
      assembleBundle({ ...base, facts: [...base.facts, ...base.facts], claim: { name: 'c', text: 't', keyFacts: ['status'], limits: [] } }),
    ).toThrow(/duplicate id fact:x:status/);
    const ok = assembleBundle({ ...base, claim: { name: 'c', text: 't', keyFacts: ['status'], limits: [] } });
    expect(() => checkBundle({ ...ok, subject: { mutation_id: 'm', proposal_fingerprint: 'p' } })).toThrow(/root_fingerprint or generation_id/);
    expect(() => checkBundle({ ...ok, claims: [{ ...ok.claims![0]!, backing: [] }] })).toThrow(/EvidenceBundle schema/);
  });

  it('lays out the layers with their qualities', () => {
    const b = assembleBundle({
      ...base,
      comparisons: [{ name: 'root', left: 'l', right: 'r', status: 'matched', reason: 'same' }],
      claim: { name: 'c', text: 't', keyFacts: ['status'], limits: ['l'] },
    });
    expect(b.inputs!.map((i) => [i.input_id, i.quality])).toEqual([['input:x:record', 'raw']]);
    expect(b.observations!.map((o) => [o.observation_id, o.quality])).toEqual([['observation:x:record', 'observed']]);
    expect(b.canonical_facts!.map((f) => [f.fact_id, f.quality, f.derived_from])).toEqual([['fact:x:status', 'canonicalized', ['observation:x:record']]]);
    expect(b.comparisons!.map((c) => [c.comparison_id, c.quality])).toEqual([['comparison:x:root', 'verified']]);
    expect(b.claims!.map((c) => [c.claim_id, c.quality, c.backing])).toEqual([
      ['claim:x:c', 'derived', ['observation:x:record', 'fact:x:status', 'comparison:x:root']],
    ]);
  });

  it('distinctKeys numbers repeats', () => {
    expect(distinctKeys(['a', 'b', 'a', 'a'])).toEqual(['a', 'b', 'a#2', 'a#3']);
  });
});
