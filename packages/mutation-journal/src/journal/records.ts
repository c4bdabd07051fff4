import { newId, nowRfc3339 } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION, type EffectRecord, type GenerationRecord, type MutationRecord } from '@autopoietic/core/schemas';
import { ownParentError } from '@autopoietic/core/vocab';
import { checkRecord, optionalText, text, textList } from './fields.js';
import { parseMetadata } from './metadata.js';
import { wellFormedOrganName } from '../organs/fields.js';

/**
 * Records built from the flags of `append`, `effect` and `generation` (inventory section 1.2).
 * Pure apart from the clock and the id generator; every bad value is a usage error (exit 2)
 * raised before any file is touched.
 */
export interface AppendFlags {
  mutationId?: string;
  goal: string;
  status: string;
  phase: string;
  reason: string;
  changedPath?: string[];
  nextHypothesis: string;
  metadata?: string[];
}

export function mutationFromFlags(f: AppendFlags, now: Date = new Date()): MutationRecord {
  const record: MutationRecord = {
    schema_version: SCHEMA_VERSION,
    mutation_id: optionalText('--mutation-id', f.mutationId) ?? newId('mut', now),
    timestamp: nowRfc3339(now),
    goal: text('--goal', f.goal),
    status: f.status as MutationRecord['status'],
    phase: text('--phase', f.phase),
    reason: f.reason,
    changed_paths: textList('--changed-path', f.changedPath),
    next_hypothesis: f.nextHypothesis,
    metadata: parseMetadata(f.metadata),
  };
  checkRecord('mutation', record, { changed_paths: '--changed-path' });
  return record;
}

export interface EffectFlags {
  effectId?: string;
  mutationId: string;
  type: string;
  target: string;
  reversible?: boolean;
  compensation: string;
  verifiedBy: string;
  risk: string;
  metadata?: string[];
}

export function effectFromFlags(f: EffectFlags, now: Date = new Date()): EffectRecord {
  const record: EffectRecord = {
    schema_version: SCHEMA_VERSION,
    effect_id: optionalText('--effect-id', f.effectId) ?? newId('eff', now),
    timestamp: nowRfc3339(now),
    mutation_id: text('--mutation-id', f.mutationId),
    type: text('--type', f.type),
    target: text('--target', f.target),
    reversible: f.reversible === true,
    compensation: f.compensation,
    verified_by: f.verifiedBy,
    risk: f.risk as EffectRecord['risk'],
    metadata: parseMetadata(f.metadata),
  };
  checkRecord('effect', record, {});
  return record;
}

export interface GenerationFlags {
  lineageStatus: string;
  generation: string;
  mutationId: string;
  goal: string;
  changedOrgan?: string[];
  parentGeneration?: string;
  activationResult: string;
  verificationId?: string;
  promotionId?: string;
  targetRoot?: string;
  targetConfiguration?: string;
  metadata?: string[];
}

/** Optional links are omitted when absent, `parent_generation` is null, empty lists/maps are omitted. */
export function generationFromFlags(f: GenerationFlags, now: Date = new Date()): GenerationRecord {
  const organs = textList('--changed-organ', f.changedOrgan).map((name) => wellFormedOrganName(name, '--changed-organ'));
  const metadata = parseMetadata(f.metadata);
  const links = {
    verification_id: optionalText('--verification-id', f.verificationId),
    promotion_id: optionalText('--promotion-id', f.promotionId),
    target_root: optionalText('--target-root', f.targetRoot),
    target_configuration: optionalText('--target-configuration', f.targetConfiguration),
  };
  const record: GenerationRecord = {
    schema_version: SCHEMA_VERSION,
    timestamp: nowRfc3339(now),
    lineage_status: f.lineageStatus as GenerationRecord['lineage_status'],
    generation: text('--generation', f.generation),
    mutation_id: text('--mutation-id', f.mutationId),
    goal: text('--goal', f.goal),
    ...(organs.length ? { changed_organs: organs } : {}),
    parent_generation: optionalText('--parent-generation', f.parentGeneration) ?? null,
    activation_result: text('--activation-result', f.activationResult),
    ...Object.fromEntries(Object.entries(links).filter(([, v]) => v !== undefined)),
    ...(Object.keys(metadata).length ? { metadata } : {}),
  };
  checkRecord('generation', record, { changed_organs: '--changed-organ' });
  const ownParent = ownParentError(
    { parent: '--parent-generation', generation: '--generation' },
    { parent: record.parent_generation, generation: record.generation },
    'Give the label of the generation this one descends from, or leave --parent-generation out.',
  );
  if (ownParent) throw ownParent;
  return record;
}
