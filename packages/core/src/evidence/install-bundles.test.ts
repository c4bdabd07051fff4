import { describe, expect, it } from 'vitest';
import { sha256 } from '../canonical/digest.js';
import { EvidenceBundle } from '../schemas/evidence.js';
import { InstallPlanOutput, InstallVerifyOutput, type InstallVerifyFile } from '../schemas/install.js';
import { installPlanBundle, installVerifyBundle, NOT_CARRIED_BY_GENERATION, NOT_CARRIED_BY_VERIFY, VERIFY_LIMITS, VERIFY_LIMITS_WITH_MODES, VERIFY_LIMITS_WITH_OWNERS } from './install-bundles.js';
import { rawRef } from './refs.js';

const FP = (c: string) => `sha256:${c.repeat(64)}`;
const PID = 'pro-20260101-000100-0123456789abcdef0123456789abcdef';

function seed(installed: string, content: string) {
  return {
    installed_path: installed,
    target_path: `/mnt${installed}`,
    source: 'identity',
    content_sha256: sha256(content),
    content_encoding: 'utf8',
    content,
    effect: {
      type: 'seed-file-write',
      target: `/mnt${installed}`,
      reversible: true,
      compensation: 'remove the file',
      verified_by: 'install-verify',
      risk: 'low',
    },
  };
}

function plan(metadata: Record<string, string> | null = {
  proposal_fingerprint: FP('a'),
  verified_root_fingerprint: FP('b'),
  promotion_root_fingerprint: FP('b'),
  parent_genome: 'gen-parent',
}): InstallPlanOutput {
  return InstallPlanOutput.parse({
    schema_version: '0.1.0',
    generation: {
      schema_version: '0.1.0',
      timestamp: '2026-01-01T00:02:00.000Z',
      lineage_status: 'planned',
      generation: 'gen-child',
      mutation_id: 'mut-docs',
      goal: 'document the genome',
      parent_generation: 'gen-parent',
      activation_result: 'planned-install',
      promotion_id: PID,
      target_root: '/mnt',
      target_configuration: 'aion',
      ...(metadata ? { metadata } : {}),
    },
    seed_manifest: {
      schema_version: '0.1.0',
      generated_at: '2026-01-01T00:02:00.000Z',
      target_root: '/mnt',
      mutation_id: 'mut-docs',
      promotion_id: PID,
      lineage_status: 'planned',
      files: [seed('/etc/autopoietic/identity.json', '{"host":"aion"}\n'), seed('/var/lib/autopoietic/generations.jsonl', '')],
    },
  });
}

function verifyOut(files: Partial<InstallVerifyFile>[], extra: Partial<InstallVerifyOutput> = {}): InstallVerifyOutput {
  const full = files.map((f, i) => ({
    installed_path: `/etc/autopoietic/f${i}.json`,
    target_path: `/mnt/etc/autopoietic/f${i}.json`,
    expected_sha256: FP('e'),
    status: 'matched',
    reason: 'seed file matches manifest hash',
    ...(f.status === 'matched' || f.status === undefined ? { actual_sha256: FP('e') } : {}),
    ...f,
  }));
  return InstallVerifyOutput.parse({
    schema_version: '0.1.0',
    verified_at: '2026-01-01T00:03:00.000Z',
    target_root: '/mnt',
    mutation_id: 'mut-docs',
    promotion_id: PID,
    all_matched: full.every((f) => f.status === 'matched'),
    files: full,
    ...extra,
  });
}

const fact = (b: EvidenceBundle, kind: string) => b.canonical_facts?.find((f) => f.kind === kind);
function expectValidAndBacked(b: EvidenceBundle): void {
  expect(EvidenceBundle.safeParse(b).success).toBe(true);
  const present = new Set([
    ...b.observations!.map((o) => o.observation_id),
    ...b.canonical_facts!.map((f) => f.fact_id),
    ...b.comparisons!.map((c) => c.comparison_id),
  ]);
  for (const id of b.claims![0]!.backing) expect(present.has(id)).toBe(true);
}

describe('installPlanBundle (P3 plan)', () => {
  it('maps an install plan to a planned evidence bundle', () => {
    const p = plan();
    const b = installPlanBundle(p, rawRef('install-plan-output', 'mutation-runner install-plan output', p));
    expectValidAndBacked(b);
    expect(b.bundle_id).toBe('evidence:install-plan:gen-child');
    expect(b.phase).toBe('P3');
    expect(b.subject).toMatchObject({
      mutation_id: 'mut-docs',
      proposal_fingerprint: FP('a'),
      root_fingerprint: FP('b'),
      generation_id: 'gen-child',
      metadata: { promotion_id: PID, target_root: '/mnt' },
    });
    expect(b.claims![0]!.claim).toBe('install planned');
    expect(b.comparisons![0]!.status).toBe('matched');
    expect(b.claims![0]!.backing).toContain(b.comparisons![0]!.comparison_id);
    expect(fact(b, 'seed-file-hashes')?.value).toEqual({
      '/etc/autopoietic/identity.json': sha256('{"host":"aion"}\n'),
      '/var/lib/autopoietic/generations.jsonl': sha256(''),
    });
    expect(b.claims![0]!.limits).toContain('Planned is not installed.');
    expect(b.inputs!.map((i) => i.input_id)).toEqual(['input:install-plan:gen-child:record']);
  });

  it('lists the promotion and verification records it planned from as inputs', () => {
    const p = plan();
    const promotion = rawRef('mutation-promotion-record', `promotions.jsonl#${PID}`, { promotion_id: PID });
    const verification = rawRef('mutation-verification-record', 'results.jsonl#ver-1', { verification_id: 'ver-1' });
    const b = installPlanBundle(p, rawRef('install-plan-output', 'out', p), { promotion, verification });
    expectValidAndBacked(b);
    const inputs = Object.fromEntries(b.inputs!.map((i) => [i.input_id, i.provenance]));
    expect(inputs['input:install-plan:gen-child:promotion']).toEqual(promotion);
    expect(inputs['input:install-plan:gen-child:verification']).toEqual(verification);
  });

  it('marks root drift between P1 and P2 as stale', () => {
    const p = plan({ proposal_fingerprint: FP('a'), verified_root_fingerprint: FP('b'), promotion_root_fingerprint: FP('c') });
    expect(installPlanBundle(p, rawRef('k', 's', p)).comparisons![0]!.status).toBe('stale');
  });

  it('uses an honest placeholder when the generation does not carry the proposal fingerprint', () => {
    const p = plan(null);
    const b = installPlanBundle(p, rawRef('k', 's', p));
    expectValidAndBacked(b);
    expect(b.subject.proposal_fingerprint).toBe(NOT_CARRIED_BY_GENERATION);
    expect(b.subject.root_fingerprint).toBeUndefined();
    expect(b.comparisons![0]!.status).toBe('missing');
  });
});

describe('installVerifyBundle (P3 verify)', () => {
  const raw = (o: InstallVerifyOutput) => rawRef('install-verify-output', 'mutation-runner install-verify output', o);

  it('maps matching seed files to matched comparisons backing "seed files verified"', () => {
    const out = verifyOut([{}, {}], { generation: 'gen-child' });
    const b = installVerifyBundle(out, raw(out));
    expectValidAndBacked(b);
    expect(b.bundle_id).toBe(`evidence:install-verify:${PID}`);
    expect(b.claims![0]!.claim).toBe('seed files verified');
    const c = b.comparisons!.find((x) => x.comparison_id === `comparison:${PID}:seed-file:/etc/autopoietic/f0.json`)!;
    expect(c).toMatchObject({ status: 'matched', left_ref: `expected:${FP('e')}`, right_ref: `actual:${FP('e')}` });
    expect(b.claims![0]!.backing).toContain(c.comparison_id);
    expect(b.observations![0]!.raw_ref.source).toBe('mutation-runner install-verify output');
  });

  it('maps failed seed files to "seed verification failed" with the per-file status', () => {
    const out = verifyOut([{ status: 'missing', reason: 'seed file is missing' }, {}]);
    const b = installVerifyBundle(out, raw(out));
    expectValidAndBacked(b);
    expect(b.claims![0]!.claim).toBe('seed verification failed');
    expect(b.comparisons![0]!).toMatchObject({ status: 'missing', right_ref: 'actual:missing' });
    expect(fact(b, 'seed-file-statuses')?.value).toEqual({ '/etc/autopoietic/f0.json': 'missing', '/etc/autopoietic/f1.json': 'matched' });
  });

  it('satisfies the schema: the subject takes the generation from the output, then the plan, else a placeholder', () => {
    const out = verifyOut([{}]);
    expect(installVerifyBundle(verifyOut([{}], { generation: 'gen-x' }), raw(out)).subject.generation_id).toBe('gen-x');
    const fromPlan = installVerifyBundle(out, raw(out), { plan: plan() });
    expectValidAndBacked(fromPlan);
    expect(fromPlan.subject).toMatchObject({ generation_id: 'gen-child', proposal_fingerprint: FP('a'), root_fingerprint: FP('b') });
    const bare = installVerifyBundle(out, raw(out));
    expectValidAndBacked(bare);
    expect(bare.inputs).toHaveLength(1);
    const planRaw = rawRef('install-plan-output', '/plans/p.json', plan());
    const withPlan = installVerifyBundle(out, raw(out), { plan: plan(), planRaw });
    expect(withPlan.inputs!.find((i) => i.input_id === `input:${PID}:plan`)?.provenance).toEqual(planRaw);
    expect(bare.subject).toMatchObject({ generation_id: NOT_CARRIED_BY_VERIFY, proposal_fingerprint: NOT_CARRIED_BY_VERIFY });
  });

  // A mode-only mismatch had the comparison say "expected:X / actual:X, mismatched", and the claim "Hashes only".
  it('names both modes in a compared file, and says permission bits were compared', () => {
    const modeOnly = { status: 'mismatched', actual_sha256: FP('e'), expected_mode: '0644', actual_mode: '0666', reason: "content hash matched, but mode 0666 differs from the manifest's 0644" } as const;
    const out = verifyOut([modeOnly, { expected_mode: '0644', actual_mode: '0644' }]);
    const b = installVerifyBundle(out, raw(out));
    expectValidAndBacked(b);
    expect(b.comparisons![0]!).toMatchObject({ status: 'mismatched', left_ref: `expected:${FP('e')},mode=0644`, right_ref: `actual:${FP('e')},mode=0666`, reason: modeOnly.reason });
    expect(b.comparisons![1]!).toMatchObject({ status: 'matched', left_ref: `expected:${FP('e')},mode=0644`, right_ref: `actual:${FP('e')},mode=0644` });
    expect(b.claims![0]!.claim).toBe('seed verification failed');
    expect(b.claims![0]!.limits[0]).toContain('permission bits were compared');
    expect(b.claims![0]!.limits.join(' ')).not.toContain('Hashes only');
    // A report without modes (a manifest without them, or one kept before) gives the bundle it gave before.
    const before = verifyOut([{}]);
    expect(installVerifyBundle(before, raw(before)).claims![0]!.limits).toEqual(VERIFY_LIMITS);
  });

  // install-verify judges owners (ADR 0025): an owner-only mismatch must be explained in the comparison, and the claim's limits must say owners were compared.
  it('names the allowed owners and the actual one in a compared file, and says owners were compared', () => {
    const ownerOnly: Partial<InstallVerifyFile> = { status: 'mismatched', actual_sha256: FP('e'), expected_mode: '0644', actual_mode: '0644', allowed_uids: [0], actual_uid: 1000, reason: 'content hash matched, but it is owned by uid 1000' };
    const out = verifyOut([ownerOnly, { allowed_uids: [0, 1000], actual_uid: 1000 }]);
    const b = installVerifyBundle(out, raw(out));
    expectValidAndBacked(b);
    expect(b.comparisons![0]!).toMatchObject({ status: 'mismatched', left_ref: `expected:${FP('e')},mode=0644,uid=0`, right_ref: `actual:${FP('e')},mode=0644,uid=1000` });
    expect(b.comparisons![1]!).toMatchObject({ status: 'matched', left_ref: `expected:${FP('e')},uid=0|1000`, right_ref: `actual:${FP('e')},uid=1000` });
    expect(b.claims![0]!.limits).toEqual(VERIFY_LIMITS_WITH_OWNERS);
    expect(b.claims![0]!.limits[0]).toContain('owners (root or the target root\'s owner)');
    // A report kept before owners were compared gives the bundle it gave then (evidence check rebuilds it).
    const before = verifyOut([{ expected_mode: '0644', actual_mode: '0644' }]);
    expect(installVerifyBundle(before, raw(before)).claims![0]!.limits).toEqual(VERIFY_LIMITS_WITH_MODES);
    expect(installVerifyBundle(before, raw(before)).comparisons![0]!.left_ref).toBe(`expected:${FP('e')},mode=0644`);
  });

  it('adds the lineage check and symlink resolution when present', () => {
    const out = verifyOut([{ resolved_path: '/mnt/etc/static/autopoietic/f0.json' }], {
      generation: 'gen-child',
      lineage: { status: 'missing', reason: 'generation gen-child is not in the installed lineage ledger' },
    });
    const b = installVerifyBundle(out, raw(out));
    expectValidAndBacked(b);
    expect(b.comparisons!.find((c) => c.comparison_id.endsWith(':lineage'))!.status).toBe('missing');
    expect(b.comparisons![0]!.metadata).toEqual({ resolved_path: '/mnt/etc/static/autopoietic/f0.json' });
    expect(fact(b, 'lineage-status')?.value).toBe('missing');
  });
});
