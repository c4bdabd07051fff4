import { posix } from 'node:path';
import { canonicalJson, Framer, sha256 } from '@autopoietic/core/canonical';
import {
  SCHEMA_VERSION,
  type EffectRecord,
  type GenerationRecord,
  type InstallSeedFilePlan,
  type MutationPromotionRecord,
  type MutationVerificationRecord,
  type PlannedEffect,
} from '@autopoietic/core/schemas';
import { ledgerSeedText, withoutChain } from './ledger-seed.js';

/**
 * The five seed files of an install plan, built as pure functions of the selected evidence.
 * Every byte is deterministic: the planned generation and the planned effect records take the
 * promotion's timestamp (the moment their evidence was fixed) instead of "now", so planning the
 * same promotion twice with the same flags yields byte-identical seeds and hashes.
 */

export const SEED_SOURCES = {
  identity: 'synthetic:p3-install-plan:identity',
  verification: 'evidence:p1-verification-record',
  promotion: 'evidence:p2-promotion-record',
  generation: 'evidence:p3-generation-lineage-record',
  effects: 'synthetic:p3-planned-effect-ledger',
} as const;

export const IDENTITY_PATH = '/etc/autopoietic/identity.json';
export const IDENTITY_ROLES = ['autopoietic', 'installed-seed'];
export const PLANNED_EFFECT_TYPE = 'planned-seed-file-write';
export const SEED_FILE_MODE = '0644';

export interface IdentityChoice {
  host: string;
  /** Where the host came from: `genome:<file>:<line>` or `fallback:target-configuration`. */
  source: string;
}

export interface SeedInputs {
  promotion: MutationPromotionRecord;
  verification: MutationVerificationRecord;
  generation: GenerationRecord;
  targetRoot: string;
  installedMemoryDir: string;
  identity: IdentityChoice;
}

/** `<target root>/<installed path without its leading />`, normalized. */
export function targetPathFor(targetRoot: string, installedPath: string): string {
  return posix.join(targetRoot, installedPath.replace(/^\/+/, ''));
}

/** The planned generation: what install-plan --record appends and what the lineage seed holds. */
export function plannedGeneration(args: {
  promotion: MutationPromotionRecord;
  targetRoot: string;
  parentGeneration: string;
  resultingGeneration: string;
  installedMemoryDir: string;
  identity: IdentityChoice;
}): GenerationRecord {
  const p = args.promotion;
  return {
    schema_version: SCHEMA_VERSION,
    timestamp: p.timestamp,
    lineage_status: 'planned',
    generation: args.resultingGeneration,
    mutation_id: p.mutation_id,
    goal: p.goal,
    ...(p.changed_organs && p.changed_organs.length > 0 ? { changed_organs: [...p.changed_organs] } : {}),
    parent_generation: args.parentGeneration,
    activation_result: 'planned-install',
    ...(p.verification_id ? { verification_id: p.verification_id } : {}),
    promotion_id: p.promotion_id,
    target_root: args.targetRoot,
    target_configuration: p.target_configuration,
    metadata: {
      parent_genome: p.parent_genome,
      proposal_fingerprint: p.proposal_fingerprint,
      promotion_root_fingerprint: p.promotion_root_fingerprint,
      verified_root_fingerprint: p.verified_root_fingerprint ?? '',
      installed_memory_dir: args.installedMemoryDir,
      identity_host: args.identity.host,
      identity_host_source: args.identity.source,
    },
  };
}

interface SeedSpec {
  installedPath: string;
  source: string;
}

function seedSpecs(memoryDir: string): SeedSpec[] {
  const mem = (file: string) => posix.join(memoryDir, file);
  return [
    { installedPath: IDENTITY_PATH, source: SEED_SOURCES.identity },
    { installedPath: mem('mutation-results.jsonl'), source: SEED_SOURCES.verification },
    { installedPath: mem('mutation-promotions.jsonl'), source: SEED_SOURCES.promotion },
    { installedPath: mem('generations.jsonl'), source: SEED_SOURCES.generation },
    { installedPath: mem('effects.jsonl'), source: SEED_SOURCES.effects },
  ];
}

/** Deterministic planned-effect id: a framed digest of the promotion and the target path. */
export function plannedEffectId(promotionId: string, targetPath: string): string {
  const digest = new Framer('autopoietic-planned-effect-v1').str(promotionId).str(targetPath).digest();
  return `eff-plan-${digest.slice('sha256:'.length)}`;
}

function plannedEffect(promotionId: string, targetPath: string, spec: SeedSpec, extra: Record<string, string> = {}): PlannedEffect {
  return {
    effect_id: plannedEffectId(promotionId, targetPath),
    type: PLANNED_EFFECT_TYPE,
    target: targetPath,
    reversible: true,
    compensation:
      'install-revert removes the file if install-apply created it, or restores the backup install-apply recorded when it replaced a different file (install-apply refuses to replace one without --force)',
    verified_by: 'mutation-runner install-verify',
    risk: 'medium',
    metadata: { installed_path: spec.installedPath, source: spec.source, ...extra },
  };
}

function effectLedgerRecords(effects: PlannedEffect[], p: MutationPromotionRecord): EffectRecord[] {
  return effects.map((e) => ({
    schema_version: SCHEMA_VERSION,
    effect_id: e.effect_id ?? plannedEffectId(p.promotion_id, e.target),
    timestamp: p.timestamp,
    mutation_id: p.mutation_id,
    type: e.type,
    target: e.target,
    reversible: e.reversible,
    compensation: e.compensation,
    verified_by: e.verified_by,
    risk: e.risk,
    ...(e.metadata ? { metadata: e.metadata } : {}),
  }));
}

export function identityContent(host: string): string {
  return `${canonicalJson({ host, roles: IDENTITY_ROLES })}\n`;
}

/** The five seed files with exact content, digest and planned effect, in a fixed order. */
export function buildSeedFiles(inp: SeedInputs): InstallSeedFilePlan[] {
  const specs = seedSpecs(inp.installedMemoryDir);
  const effects = specs.map((s) =>
    plannedEffect(
      inp.promotion.promotion_id,
      targetPathFor(inp.targetRoot, s.installedPath),
      s,
      s.source === SEED_SOURCES.identity ? { identity_host_source: inp.identity.source } : {},
    ),
  );
  const contents: Record<string, string> = {
    [SEED_SOURCES.identity]: identityContent(inp.identity.host),
    [SEED_SOURCES.verification]: ledgerSeedText([withoutChain(inp.verification)]),
    [SEED_SOURCES.promotion]: ledgerSeedText([withoutChain(inp.promotion)]),
    [SEED_SOURCES.generation]: ledgerSeedText([withoutChain(inp.generation)]),
    [SEED_SOURCES.effects]: ledgerSeedText(effectLedgerRecords(effects, inp.promotion)),
  };
  return specs.map((spec, i) => {
    const content = contents[spec.source] ?? '';
    const effect = effects[i]!;
    return {
      installed_path: spec.installedPath,
      target_path: targetPathFor(inp.targetRoot, spec.installedPath),
      source: spec.source,
      content_sha256: sha256(Buffer.from(content, 'utf8')),
      content_encoding: 'utf8',
      content,
      mode: SEED_FILE_MODE,
      effect,
    };
  });
}
