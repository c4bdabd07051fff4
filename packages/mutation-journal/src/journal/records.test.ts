import { describe, expect, it } from 'vitest';
import { AosError } from '@autopoietic/core/cli-kit';
import { parseMetadata } from './metadata.js';
import { effectFromFlags, generationFromFlags, mutationFromFlags } from './records.js';

const NOW = new Date('2026-03-04T05:06:07.089Z');

describe('parseMetadata', () => {
  it('splits at the first "=", keeps the last of a repeated key, allows an empty value', () => {
    expect(parseMetadata(['a=1', 'b=x=y', 'a=2', 'v='])).toEqual({ a: '2', b: 'x=y', v: '' });
    expect(parseMetadata(undefined)).toEqual({});
  });

  it('refuses an empty key (a "$KEY=v" with KEY unset) as a usage error, not a record keyed ""', () => {
    for (const item of ['=v', '=', '==x']) {
      expect(() => parseMetadata(['ok=1', item])).toThrow(expect.objectContaining({ code: 'metadata-invalid', exit: 2, message: `metadata must be key=value with a non-empty key, got ${JSON.stringify(item)}` }));
    }
  });

  it('refuses an item without "=" as a usage error', () => {
    const err = (() => {
      try {
        parseMetadata(['ok=1', 'broken']);
      } catch (e) {
        return e;
      }
    })() as AosError;
    expect(err).toBeInstanceOf(AosError);
    expect(err.exit).toBe(2);
    expect(err.message).toBe('metadata must be key=value, got "broken"');
  });
});

describe('record builders', () => {
  const mutationFlags = { goal: 'g', status: 'pending', phase: 'P0', reason: '', nextHypothesis: '' };

  it('build a mutation with a generated id and the given clock', () => {
    const r = mutationFromFlags(mutationFlags, NOW);
    expect(r.mutation_id).toMatch(/^mut-20260304-050607-[0-9a-f]{32}$/);
    expect(r.timestamp).toBe('2026-03-04T05:06:07.089Z');
    expect(r).toMatchObject({ changed_paths: [], metadata: {}, schema_version: '0.1.0' });
  });

  it('name the flag behind a bad enum value (when called without commander)', () => {
    expect(() => mutationFromFlags({ ...mutationFlags, status: 'done' }, NOW)).toThrow(/--status \(status: Invalid option: expected one of "pending"\|"accepted"\|"failed"\|"reverted"\)/);
    expect(() => effectFromFlags({ mutationId: 'm', type: 't', target: 'x', compensation: '', verifiedBy: '', risk: 'huge' }, NOW)).toThrow(/--risk/);
  });

  it('build an effect: reversible only when the switch is given', () => {
    const base = { mutationId: 'm', type: 't', target: 'x', compensation: '', verifiedBy: '', risk: 'low' };
    expect(effectFromFlags(base, NOW)).toMatchObject({ reversible: false, effect_id: expect.stringMatching(/^eff-20260304-050607-/) });
    expect(effectFromFlags({ ...base, reversible: true }, NOW).reversible).toBe(true);
  });

  it('build a generation: null parent, empty lists and maps omitted, given links kept', () => {
    const base = { lineageStatus: 'installed', generation: 'gen-1', mutationId: 'm', goal: 'g', activationResult: 'unknown' };
    expect(Object.keys(generationFromFlags(base, NOW)).sort()).toEqual(
      ['activation_result', 'generation', 'goal', 'lineage_status', 'mutation_id', 'parent_generation', 'schema_version', 'timestamp'].sort(),
    );
    expect(generationFromFlags({ ...base, promotionId: 'pro-1', changedOrgan: ['a'] }, NOW)).toMatchObject({ promotion_id: 'pro-1', changed_organs: ['a'], parent_generation: null });
  });
});
