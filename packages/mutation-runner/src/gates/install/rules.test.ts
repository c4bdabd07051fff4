import { describe, expect, it } from 'vitest';
import { aosErrorOf } from '../../../../../tests/support/errors.js';
import { check, promotion, verification } from '../../../test/fixtures/install/evidence.js';
import { checkInstalledDir, selectPromotion, selectVerification, validatePlanArgs, validatePromotion, validateSeed } from './rules.js';

describe('selectPromotion', () => {
  const a = promotion({ promotion_id: 'pro-a' });
  const b = promotion({ promotion_id: 'pro-b' });
  it('needs a selector (usage error)', () => {
    const e = aosErrorOf(() => selectPromotion([a], {}, 'p.jsonl'));
    expect(e.exit).toBe(2);
    expect(e.message).toContain('--promotion-id or --mutation-id');
  });
  it('rejects several promotions of one mutation id', () => {
    const e = aosErrorOf(() => selectPromotion([a, b], { mutationId: a.mutation_id }, 'p.jsonl'));
    expect(e.exit).toBe(1);
    expect(e.message).toContain('multiple promotion records matched selector');
    expect(e.message).toContain('rerun with a unique --promotion-id');
  });
  it('lets --promotion-id pick one record among several of the mutation', () => {
    expect(selectPromotion([a, b], { mutationId: a.mutation_id, promotionId: 'pro-b' }, 'p.jsonl')).toBe(b);
  });
  it('rejects a duplicated promotion id', () => {
    const e = aosErrorOf(() => selectPromotion([a, { ...a }], { promotionId: 'pro-a' }, 'p.jsonl'));
    expect(e.message).toContain('multiple promotion records matched selector promotion_id=pro-a');
    expect(e.hint).toContain('more than once');
  });
  it('ANDs both selectors and reports no match', () => {
    const e = aosErrorOf(() => selectPromotion([a], { promotionId: 'pro-a', mutationId: 'mut-other' }, 'p.jsonl'));
    expect(e.message).toContain('no matching promotion evidence found for promotion_id=pro-a AND mutation_id=mut-other in p.jsonl');
  });
});

describe('validatePromotion', () => {
  it('accepts promoted evidence with passing VM checks', () => {
    expect(() => validatePromotion(promotion())).not.toThrow();
  });
  it.each([
    ['rejected status', { status: 'rejected' as const }, 'requires promoted P2 evidence'],
    ['no checks', { checks: [] }, 'missing VM check evidence'],
    ['no vm-check', { checks: [check('apply-patch')] }, 'missing VM check evidence'],
    ['a failed check', { checks: [check('apply-patch'), check('vm-check:iso-smoke', 'failed')] }, 'non-passing checks: vm-check:iso-smoke (failed)'],
    ['no verified root', { verified_root_fingerprint: undefined }, 'missing verified_root_fingerprint'],
    ['a stale promotion root', { promotion_root_fingerprint: `sha256:${'c'.repeat(64)}` }, 'differs from verified_root_fingerprint'],
  ])('rejects %s', (_name, over, message) => {
    const p = { ...promotion(), ...over };
    if ('verified_root_fingerprint' in over && over.verified_root_fingerprint === undefined) delete p.verified_root_fingerprint;
    const e = aosErrorOf(() => validatePromotion(p));
    expect(e.exit).toBe(1);
    expect(e.message).toContain(message);
  });
});

describe('selectVerification and validateSeed', () => {
  it('selects by verification id and mutation id', () => {
    const v = verification();
    expect(selectVerification([verification({ verification_id: 'ver-other' }), v], promotion(), 'r.jsonl')).toBe(v);
    expect(aosErrorOf(() => selectVerification([], promotion(), 'r.jsonl')).message).toContain('no P1 verification record');
    expect(aosErrorOf(() => selectVerification([v, { ...v }], promotion(), 'r.jsonl')).message).toContain('multiple verification records');
  });
  it('rejects a seed whose proposal fingerprint differs', () => {
    const e = aosErrorOf(() => validateSeed(verification({ proposal_fingerprint: `sha256:${'f'.repeat(64)}` }), promotion()));
    expect(e.message).toContain('proposal fingerprint');
  });
  it('rejects a seed with non-passing checks', () => {
    const e = aosErrorOf(() => validateSeed(verification({ checks: [check('apply-patch'), check('nix-flake-check', 'error')] }), promotion()));
    expect(e.message).toContain('non-passing checks');
  });
  it('rejects a seed that is not verified or not the promotion\'s root', () => {
    expect(aosErrorOf(() => validateSeed(verification({ status: 'rejected' }), promotion())).message).toContain('not verified');
    expect(aosErrorOf(() => validateSeed(verification({ root_fingerprint: `sha256:${'e'.repeat(64)}` }), promotion())).message).toContain('root fingerprint');
  });
});

describe('validatePlanArgs', () => {
  const ok = { targetRoot: '/mnt', parentGeneration: 'a', resultingGeneration: 'b' };
  it('needs an absolute target root', () => {
    const e = aosErrorOf(() => validatePlanArgs({ ...ok, targetRoot: 'mnt' }));
    expect(e.exit).toBe(2);
    expect(e.message).toContain('absolute path');
  });
  it('needs non-blank generation labels and a clean installed memory dir', () => {
    expect(aosErrorOf(() => validatePlanArgs({ ...ok, parentGeneration: ' ' })).message).toContain('--parent-generation must not be blank');
    expect(aosErrorOf(() => validatePlanArgs({ ...ok, resultingGeneration: '' })).message).toContain('--resulting-generation must not be blank');
    expect(aosErrorOf(() => checkInstalledDir('/var/../etc', '--installed-memory-dir')).message).toContain('--installed-memory-dir');
    expect(() => validatePlanArgs(ok)).not.toThrow();
  });
  it('refuses a resulting generation named as its own parent (usage error)', () => {
    const e = aosErrorOf(() => validatePlanArgs({ ...ok, parentGeneration: 'gen-a', resultingGeneration: 'gen-a' }));
    expect([e.code, e.exit]).toEqual(['generation-own-parent', 2]);
    expect(e.message).toBe('--parent-generation "gen-a" is --resulting-generation itself: a generation cannot be its own parent');
    expect(e.hint).toContain('--resulting-generation a new label');
  });
});
