import { describe, expect, it } from 'vitest';
import { digestCanonical, sha256 } from '../canonical/digest.js';
import { EvidenceBundle } from '../schemas/evidence.js';
import { MutationPromotionRecord } from '../schemas/promotion.js';
import { MutationVerificationRecord } from '../schemas/verification.js';
import type { CheckResult } from '../schemas/check.js';
import { bytesRef, rawRef } from './refs.js';
import { promotionBundle, verificationBundle } from './runner-bundles.js';

const FP = (c: string) => `sha256:${c.repeat(64)}`;
const VID = 'ver-20260101-000000-0123456789abcdef0123456789abcdef';
const PID = 'pro-20260101-000100-0123456789abcdef0123456789abcdef';

function check(name: string, status: CheckResult['status'] = 'passed', extra: Partial<CheckResult> = {}): CheckResult {
  return { name, command: 'true', status, exit_code: status === 'passed' ? 0 : 1, stdout: '', stderr: '', ...extra };
}

function verification(over: Partial<MutationVerificationRecord> = {}): MutationVerificationRecord {
  return MutationVerificationRecord.parse({
    schema_version: '0.1.0',
    verification_id: VID,
    timestamp: '2026-01-01T00:00:00.000Z',
    mutation_id: 'mut-docs',
    goal: 'document the genome',
    phase: 'P1',
    status: 'verified',
    reason: 'all checks passed',
    proposal_fingerprint: FP('a'),
    root_fingerprint: FP('b'),
    changed_paths: ['README.md'],
    checks: [check('apply-patch'), check('nix-flake-check'), check('true'), check('true')],
    ...over,
  });
}

function promotion(over: Partial<MutationPromotionRecord> = {}): MutationPromotionRecord {
  return MutationPromotionRecord.parse({
    schema_version: '0.1.0',
    promotion_id: PID,
    timestamp: '2026-01-01T00:01:00.000Z',
    mutation_id: 'mut-docs',
    goal: 'document the genome',
    phase: 'P2',
    proposal_phase: 'P1',
    status: 'promoted',
    reason: 'all promotion checks passed',
    verification_id: VID,
    proposal_fingerprint: FP('a'),
    verified_root_fingerprint: FP('b'),
    promotion_root_fingerprint: FP('b'),
    parent_genome: 'gen-parent',
    target_configuration: 'aion',
    changed_paths: ['README.md'],
    checks: [check('apply-patch'), check('vm-check:aion-smoke', 'passed', { out_paths: ['/nix/store/x-aion-smoke'] })],
    ...over,
  });
}

const ids = (b: EvidenceBundle) => [
  ...(b.inputs ?? []).map((x) => x.input_id),
  ...(b.observations ?? []).map((x) => x.observation_id),
  ...(b.canonical_facts ?? []).map((x) => x.fact_id),
  ...(b.comparisons ?? []).map((x) => x.comparison_id),
];
const fact = (b: EvidenceBundle, kind: string) => b.canonical_facts?.find((f) => f.kind === kind);
const comparison = (b: EvidenceBundle, suffix: string) => b.comparisons?.find((c) => c.comparison_id.endsWith(`:${suffix}`));

function expectValidAndBacked(b: EvidenceBundle): void {
  expect(EvidenceBundle.safeParse(b).success).toBe(true);
  expect(b.claims).toHaveLength(1);
  for (const id of b.claims![0]!.backing) expect(ids(b)).toContain(id);
}

describe('verificationBundle (P1)', () => {
  it('maps a verification record to a backed evidence bundle', () => {
    const rec = verification();
    const raw = rawRef('mutation-verification-record', `memory/mutation-results.jsonl#${VID}`, rec);
    const b = verificationBundle(rec, raw);
    expectValidAndBacked(b);
    expect(b.schema_version).toBe('0.1.0');
    expect(b.bundle_id).toBe(`evidence:${VID}`);
    expect(b.phase).toBe('P1');
    expect(b.subject).toEqual({ mutation_id: 'mut-docs', proposal_fingerprint: FP('a'), root_fingerprint: FP('b') });
    expect(b.subject.generation_id).toBeUndefined();
    expect(b.claims![0]!.claim).toBe('mutation verified');
    expect(b.claims![0]!.backing).toContain(`observation:${VID}:record`);
    expect(fact(b, 'root-fingerprint')?.value).toBe(FP('b'));
    expect(b.observations![0]!.raw_ref.digest.algorithm).toBe('sha256');
    expect(b.comparisons).toEqual([]);
    expect(b.claims![0]!.limits.join(' ')).toMatch(/No VM/);
  });

  it('keeps repeated check names apart instead of collapsing them', () => {
    const b = verificationBundle(verification(), rawRef('k', 's', {}));
    expect(fact(b, 'check-statuses')?.value).toEqual({ 'apply-patch': 'passed', 'nix-flake-check': 'passed', true: 'passed', 'true#2': 'passed' });
  });

  it('adds the proposal and patch digests and the check list as raw inputs', () => {
    const rec = verification();
    const b = verificationBundle(rec, rawRef('mutation-verification-record', 'j#1', rec), {
      proposal: bytesRef('mutation-proposal', 'proposal.json', '{"x":1}'),
      patch: bytesRef('patch', 'patch.diff', 'diff --git a/x b/x\n'),
    });
    expectValidAndBacked(b);
    const inputs = Object.fromEntries(b.inputs!.map((i) => [i.input_id, i]));
    expect(Object.keys(inputs)).toEqual([`input:${VID}:record`, `input:${VID}:proposal`, `input:${VID}:patch`, `input:${VID}:checks`]);
    expect(inputs[`input:${VID}:patch`]!.provenance.digest.value).toBe(sha256('diff --git a/x b/x\n'));
    expect(inputs[`input:${VID}:checks`]!.provenance.digest.value).toBe(
      digestCanonical(rec.checks.map((c) => ({ name: c.name, command: c.command, args: [] }))),
    );
    expect(b.inputs!.every((i) => i.quality === 'raw')).toBe(true);
  });

  it('says "mutation rejected" and "verification errored" for the other outcomes', () => {
    expect(verificationBundle(verification({ status: 'rejected' }), rawRef('k', 's', 1)).claims![0]!.claim).toBe('mutation rejected');
    const errored = verificationBundle(verification({ status: 'error', root_fingerprint: 'unavailable:proposal-unreadable' }), rawRef('k', 's', 1));
    expectValidAndBacked(errored);
    expect(errored.claims![0]!.claim).toBe('verification errored');
  });
});

describe('promotionBundle (P2)', () => {
  const raw = (r: MutationPromotionRecord) => rawRef('mutation-promotion-record', `memory/mutation-promotions.jsonl#${r.promotion_id}`, r);

  it('maps the root-fingerprint comparison and backs the claim with it', () => {
    const rec = promotion();
    const b = promotionBundle(rec, raw(rec), { verification: verification() });
    expectValidAndBacked(b);
    expect(b.subject.root_fingerprint).toBe(rec.promotion_root_fingerprint);
    expect(b.claims![0]!.claim).toBe('mutation promoted');
    const root = comparison(b, 'root-fingerprint')!;
    expect(root.status).toBe('matched');
    expect(b.claims![0]!.backing).toContain(root.comparison_id);
  });

  it('marks root drift as stale', () => {
    const rec = promotion({ status: 'rejected', reason: 'root fingerprint does not match', promotion_root_fingerprint: FP('c') });
    const b = promotionBundle(rec, raw(rec));
    expectValidAndBacked(b);
    expect(comparison(b, 'root-fingerprint')!.status).toBe('stale');
    expect(b.claims![0]!.claim).toBe('promotion rejected');
  });

  it('marks a missing verified root as missing, naming the missing P1 evidence', () => {
    const rec = promotion({ status: 'rejected', reason: 'no P1 verification evidence', verification_id: undefined, verified_root_fingerprint: undefined });
    const b = promotionBundle(rec, raw(rec));
    expectValidAndBacked(b);
    const root = comparison(b, 'root-fingerprint')!;
    expect(root.status).toBe('missing');
    expect(root.reason).toMatch(/P1 verification evidence is missing/);
    expect(fact(b, 'verified-root-fingerprint')?.value).toBeNull();
  });

  it('marks an unavailable root as incomparable', () => {
    const rec = promotion({ status: 'error', reason: 'replay failed', promotion_root_fingerprint: 'unavailable:replay' });
    const b = promotionBundle(rec, raw(rec));
    expectValidAndBacked(b);
    expect(comparison(b, 'root-fingerprint')!.status).toBe('incomparable');
    expect(b.claims![0]!.claim).toBe('promotion errored');
  });

  it('compares the proposal fingerprint with the P1 record it relied on', () => {
    const rec = promotion();
    expect(comparison(promotionBundle(rec, raw(rec), { verification: verification() }), 'proposal-fingerprint')!.status).toBe('matched');
    const drifted = promotionBundle(rec, raw(rec), { verification: verification({ proposal_fingerprint: FP('d') }) });
    expect(comparison(drifted, 'proposal-fingerprint')!.status).toBe('stale');
    expect(drifted.inputs!.map((i) => i.input_id)).toContain(`input:${PID}:verification`);
    const none = promotionBundle(rec, raw(rec));
    expect(comparison(none, 'proposal-fingerprint')!.status).toBe('missing');
  });

  it('checks that VM checks are named after the target configuration', () => {
    const ok = promotion();
    expect(comparison(promotionBundle(ok, raw(ok)), 'target-configuration')!).toMatchObject({
      status: 'matched',
      left_ref: 'target-configuration:aion',
      right_ref: 'vm-checks:aion-smoke',
    });
    const off = promotion({ status: 'rejected', reason: 'does not match target_configuration', checks: [check('vm-check:iso-boot-basic')] });
    const b = promotionBundle(off, raw(off));
    expect(comparison(b, 'target-configuration')!.status).toBe('mismatched');
    expect(comparison(b, 'target-configuration')!.reason).toContain('iso-boot-basic');
    const none = promotion({ status: 'rejected', reason: 'missing VM check evidence', checks: [check('apply-patch')] });
    expect(comparison(promotionBundle(none, raw(none)), 'target-configuration')!.status).toBe('missing');
  });

  it('does not take a VM check of another configuration whose name merely starts with the target for one of the target', () => {
    // 'aion2-smoke' belongs to configuration aion2, not aion: the rule is the prefix 'aion-'
    const rec = promotion({ status: 'rejected', reason: 'x', checks: [check('vm-check:aion2-smoke'), check('vm-check:aionic')] });
    const c = comparison(promotionBundle(rec, raw(rec)), 'target-configuration')!;
    expect(c.status).toBe('mismatched');
    expect(c.reason).toBe('VM checks not named aion-*: aion2-smoke, aionic');
  });

  it('calls a proposal comparison incomparable when either side is unavailable, never stale', () => {
    const rec = promotion({ status: 'error', reason: 'proposal unreadable', proposal_fingerprint: 'unknown:proposal-unreadable' });
    const right = comparison(promotionBundle(rec, raw(rec), { verification: verification() }), 'proposal-fingerprint')!;
    expect(right.status).toBe('incomparable');
    expect(right.right_ref).toBe('p2-proposal:unknown:proposal-unreadable');
    const left = comparison(promotionBundle(promotion(), raw(promotion()), { verification: verification({ proposal_fingerprint: 'unavailable:x' }) }), 'proposal-fingerprint')!;
    expect(left.status).toBe('incomparable');
  });

  it('reports VM check statuses: passed, failed, could not run', () => {
    const st = (checks: CheckResult[]) => {
      const r = promotion({ status: 'rejected', reason: 'x', checks });
      return comparison(promotionBundle(r, raw(r)), 'vm-check-status')!.status;
    };
    expect(st([check('vm-check:aion-a'), check('vm-check:aion-b')])).toBe('matched');
    expect(st([check('vm-check:aion-a'), check('vm-check:aion-b', 'failed')])).toBe('mismatched');
    expect(st([check('vm-check:aion-a', 'error', { reason: 'kvm-unavailable', exit_code: null })])).toBe('error');
    expect(st([check('apply-patch')])).toBe('missing');
  });

  it('records the VM check output paths as a fact', () => {
    const rec = promotion();
    expect(fact(promotionBundle(rec, raw(rec)), 'vm-check-out-paths')?.value).toEqual({ 'vm-check:aion-smoke': ['/nix/store/x-aion-smoke'] });
  });
});

describe('rawRef', () => {
  it('digests canonical JSON, so key order does not change the digest', () => {
    expect(rawRef('k', 's', { a: 1, b: [1, 2] }).digest.value).toBe(rawRef('k', 's', { b: [1, 2], a: 1 }).digest.value);
    expect(rawRef('k', 's', { a: 1 }).digest.value).toBe(digestCanonical({ a: 1 }));
    expect(rawRef('k', 's', { schema_version: '0.2.0' }).schema_version).toBe('0.2.0');
    expect(rawRef('k', 's', 'x').schema_version).toBe('0.1.0');
  });
});
