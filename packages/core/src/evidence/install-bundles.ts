import type { EvidenceBundle, EvidenceComparison, ProvenanceRef } from '../schemas/evidence.js';
import type { InstallPlanOutput, InstallVerifyOutput } from '../schemas/install.js';
import { assembleBundle, distinctKeys, keyedMap, type ComparisonSpec, type FactSpec } from './assemble.js';
import { compareRoots } from './comparisons.js';

export const PLAN_LIMITS = [
  'Nothing was written to the target root.',
  'Planned is not installed.',
  'The hashes describe planned content, not observed files.',
];

export const VERIFY_LIMITS = [
  'Hashes only: file contents were compared, nothing was executed.',
  'No NixOS evaluation of the installed root was performed.',
  'This does not prove that nixos-install ran.',
];

/** The limits when the manifest gave modes and install-verify compared permission bits too (reports before owners were compared). */
export const VERIFY_LIMITS_WITH_MODES = [
  'File contents (sha256) and permission bits were compared, nothing was executed; owner, group, ACLs and extended attributes were not compared.',
  ...VERIFY_LIMITS.slice(1),
];

/** The limits when install-verify compared owners (ADR 0025), and permission bits where the manifest gave a mode. */
export const VERIFY_LIMITS_WITH_OWNERS = [
  'File contents (sha256), owners (root or the target root\'s owner) and, where the manifest gave a mode, permission bits were compared, nothing was executed; group, ACLs and extended attributes were not compared.',
  ...VERIFY_LIMITS.slice(1),
];

/** What a seed file's report says of its owner in a comparison (nothing for a report made before owners were compared). */
function ownerPart(uids: readonly number[] | number | undefined): string {
  if (uids === undefined) return '';
  return `,uid=${typeof uids === 'number' ? uids : uids.join('|')}`;
}

function verifyLimits(files: InstallVerifyOutput['files']): string[] {
  if (files.some((f) => f.allowed_uids !== undefined)) return VERIFY_LIMITS_WITH_OWNERS;
  return files.some((f) => f.expected_mode !== undefined) ? VERIFY_LIMITS_WITH_MODES : VERIFY_LIMITS;
}

/** Honest placeholders where an output does not carry a subject field (the schema needs a value). */
export const NOT_CARRIED_BY_GENERATION = 'unknown:not-carried-by-generation-record';
export const NOT_CARRIED_BY_VERIFY = 'unknown:not-carried-by-install-verify-output';

/**
 * What install-plan read besides its output: the P2 and P1 records it planned from (normally
 * `rawRef('mutation-promotion-record', '<journal>#<promotion_id>', record)` and the P1 one), so
 * that a reader can find them in the ledgers and see that they are the same lines.
 */
export interface InstallPlanContext {
  promotion?: ProvenanceRef | undefined;
  verification?: ProvenanceRef | undefined;
}

/** P3 install-plan: a planned generation and its seed manifest. */
export function installPlanBundle(plan: InstallPlanOutput, raw: ProvenanceRef, ctx: InstallPlanContext = {}): EvidenceBundle {
  const gen = plan.generation;
  const manifest = plan.seed_manifest;
  const meta = gen.metadata ?? {};
  const verifiedRoot = meta.verified_root_fingerprint;
  const promotionRoot = meta.promotion_root_fingerprint;
  const facts: FactSpec[] = [
    { kind: 'mutation-id', value: gen.mutation_id },
    { kind: 'generation-id', value: gen.generation },
    { kind: 'lineage-status', value: gen.lineage_status },
    { kind: 'promotion-id', value: manifest.promotion_id },
    { kind: 'target-root', value: manifest.target_root },
    {
      kind: 'seed-file-hashes',
      value: keyedMap(
        manifest.files.map((f) => f.installed_path),
        manifest.files.map((f) => f.content_sha256),
      ),
    },
  ];
  if (verifiedRoot) facts.push({ kind: 'verified-root-fingerprint', value: verifiedRoot });
  if (promotionRoot) facts.push({ kind: 'promotion-root-fingerprint', value: promotionRoot });
  return assembleBundle({
    bundleId: `evidence:install-plan:${gen.generation}`,
    phase: 'P3',
    prefix: `install-plan:${gen.generation}`,
    subject: {
      mutation_id: gen.mutation_id,
      proposal_fingerprint: meta.proposal_fingerprint ?? NOT_CARRIED_BY_GENERATION,
      ...(promotionRoot ? { root_fingerprint: promotionRoot } : {}),
      generation_id: gen.generation,
      metadata: { promotion_id: manifest.promotion_id, target_root: manifest.target_root },
    },
    raw,
    extraInputs: [
      ...(ctx.promotion ? [{ name: 'promotion', provenance: ctx.promotion }] : []),
      ...(ctx.verification ? [{ name: 'verification', provenance: ctx.verification }] : []),
    ],
    summary: `P3 install plan ${gen.generation} of ${gen.mutation_id}: ${manifest.files.length} seed files for ${manifest.target_root}`,
    observedAt: manifest.generated_at,
    facts,
    comparisons: [compareRoots(verifiedRoot, promotionRoot)],
    claim: { name: 'install-plan', text: 'install planned', keyFacts: ['lineage-status', 'seed-file-hashes'], limits: PLAN_LIMITS },
  });
}

/** What install-verify knows besides its output: the plan it checked. */
export interface InstallVerifyContext {
  plan?: InstallPlanOutput | undefined;
  /**
   * Provenance of that plan (normally `rawRef('install-plan-output', '<plan file>', plan)`): the
   * same canonical digest as the install-plan bundle's record when the plan was not edited.
   */
  planRaw?: ProvenanceRef | undefined;
}

const SEED_STATUS: Record<InstallVerifyOutput['files'][number]['status'], EvidenceComparison['status']> = {
  matched: 'matched',
  missing: 'missing',
  mismatched: 'mismatched',
  error: 'error',
};

/**
 * P3 install-verify: one comparison per seed file (expected vs actual hash, mode when the
 * manifest gave one, and owner), plus lineage when checked. A report made before modes or owners
 * were compared (no expected_mode, no allowed_uids) gives the bundle it gave then, so `evidence
 * check` still rebuilds it.
 */
export function installVerifyBundle(out: InstallVerifyOutput, raw: ProvenanceRef, ctx: InstallVerifyContext = {}): EvidenceBundle {
  const pid = out.promotion_id;
  const planGen = ctx.plan?.generation;
  const generationId = out.generation ?? planGen?.generation ?? NOT_CARRIED_BY_VERIFY;
  const keys = distinctKeys(out.files.map((f) => f.installed_path));
  // A file whose mode or owner was compared names both sides: "mismatched" with equal hashes is then explained.
  const comparisons: ComparisonSpec[] = out.files.map((f, i) => ({
    name: `seed-file:${keys[i]}`,
    left: `expected:${f.expected_sha256}${f.expected_mode ? `,mode=${f.expected_mode}` : ''}${ownerPart(f.allowed_uids)}`,
    right: `actual:${f.actual_sha256 ?? f.status}${f.actual_mode ? `,mode=${f.actual_mode}` : ''}${ownerPart(f.actual_uid)}`,
    status: SEED_STATUS[f.status],
    reason: f.reason,
    ...(f.resolved_path ? { metadata: { resolved_path: f.resolved_path } } : {}),
  }));
  if (out.lineage) {
    comparisons.push({
      name: 'lineage',
      left: `planned-generation:${generationId}`,
      right: `installed-lineage:${out.lineage.status}`,
      status: out.lineage.status,
      reason: out.lineage.reason,
    });
  }
  const facts: FactSpec[] = [
    { kind: 'mutation-id', value: out.mutation_id },
    { kind: 'promotion-id', value: pid },
    { kind: 'target-root', value: out.target_root },
    { kind: 'all-matched', value: out.all_matched },
    { kind: 'seed-file-statuses', value: keyedMap(out.files.map((f) => f.installed_path), out.files.map((f) => f.status)) },
  ];
  if (out.lineage) facts.push({ kind: 'lineage-status', value: out.lineage.status });
  const promotionRoot = planGen?.metadata?.promotion_root_fingerprint;
  return assembleBundle({
    bundleId: `evidence:install-verify:${pid}`,
    phase: 'P3',
    prefix: pid,
    subject: {
      mutation_id: out.mutation_id,
      proposal_fingerprint: planGen?.metadata?.proposal_fingerprint ?? NOT_CARRIED_BY_VERIFY,
      ...(promotionRoot ? { root_fingerprint: promotionRoot } : {}),
      generation_id: generationId,
      metadata: { promotion_id: pid, target_root: out.target_root },
    },
    raw,
    extraInputs: ctx.planRaw ? [{ name: 'plan', provenance: ctx.planRaw }] : [],
    summary: `P3 install verify of ${pid} in ${out.target_root}: ${out.files.filter((f) => f.status === 'matched').length}/${out.files.length} seed files matched`,
    observedAt: out.verified_at,
    facts,
    comparisons,
    claim: {
      name: 'install-verify',
      text: out.all_matched ? 'seed files verified' : 'seed verification failed',
      keyFacts: ['all-matched', 'seed-file-statuses'],
      limits: verifyLimits(out.files),
    },
  });
}
