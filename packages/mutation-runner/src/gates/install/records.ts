import { digestCanonical, newId, nowRfc3339 } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION, type EffectRecord, type GenerationRecord, type InstallSeedFilePlan } from '@autopoietic/core/schemas';
import { withoutChain } from './ledger-seed.js';
import type { LoadedPlan } from './plan-file.js';

/**
 * The records install-apply and install-revert append: one effect per seed file written (or
 * left alone), one effect per compensation, and one generation record per run. They are pure
 * builders; the gates decide when to append them (always BEFORE the effect they describe, so a
 * crash leaves a record of what may have happened, and revert works from file state).
 */

export const EFFECT_TYPES = {
  write: 'seed-file-write',
  remove: 'seed-file-remove',
  restore: 'seed-file-restore',
} as const;

export const VERIFIED_BY = 'mutation-runner install-verify';

/** What was at a seed path before install-apply wrote it. */
export type PriorState =
  | { state: 'absent' }
  | { state: 'identical'; sha256: string }
  | { state: 'replaced'; sha256: string; backupPath: string };

export interface WriteEffectArgs {
  loaded: LoadedPlan;
  applyId: string;
  file: InstallSeedFilePlan;
  writePath: string;
  prior: PriorState;
  createdDirs: string[];
}

function compensationFor(prior: PriorState, writePath: string): string {
  switch (prior.state) {
    case 'absent':
      return `install-revert removes ${writePath} (it did not exist before) and the directories this write created, if empty`;
    case 'identical':
      return `none needed: ${writePath} already held the planned content; install-revert leaves it`;
    case 'replaced':
      return `install-revert moves the backup ${prior.backupPath} (${prior.sha256}) back over ${writePath}`;
  }
}

export function writeEffect(a: WriteEffectArgs, now: Date = new Date()): EffectRecord {
  const { loaded, file, prior } = a;
  const metadata: Record<string, string> = {
    plan_digest: loaded.digest,
    apply_id: a.applyId,
    installed_path: file.installed_path,
    content_sha256: file.content_sha256,
    prior_state: prior.state,
  };
  if (file.effect.effect_id) metadata.planned_effect_id = file.effect.effect_id;
  if (a.writePath !== file.target_path) metadata.write_path = a.writePath;
  if (prior.state !== 'absent') metadata.prior_sha256 = prior.sha256;
  if (prior.state === 'replaced') {
    metadata.backup_path = prior.backupPath;
    metadata.backup_sha256 = prior.sha256;
  }
  if (a.createdDirs.length > 0) metadata.created_dirs = JSON.stringify(a.createdDirs);
  return {
    schema_version: SCHEMA_VERSION,
    effect_id: newId('eff', now),
    timestamp: nowRfc3339(now),
    mutation_id: loaded.plan.seed_manifest.mutation_id,
    type: EFFECT_TYPES.write,
    target: file.target_path,
    // A backup or the recorded absence makes every write undoable; an identical file was not touched.
    reversible: true,
    compensation: compensationFor(prior, a.writePath),
    verified_by: VERIFIED_BY,
    risk: prior.state === 'replaced' ? 'high' : file.effect.risk,
    metadata,
  };
}

export interface CompensationArgs {
  loaded: LoadedPlan;
  revertId: string;
  applied: EffectRecord;
  action: 'remove' | 'restore';
  writePath: string;
  /** With --force, the changed content found at the path was kept here first. */
  forcedBackup?: { path: string; sha256: string } | undefined;
}

export function compensationEffect(a: CompensationArgs, now: Date = new Date()): EffectRecord {
  const meta = a.applied.metadata ?? {};
  const metadata: Record<string, string> = {
    plan_digest: a.loaded.digest,
    apply_id: meta.apply_id ?? '',
    revert_id: a.revertId,
    compensates: a.applied.effect_id,
    installed_path: meta.installed_path ?? '',
    write_path: a.writePath,
  };
  if (a.action === 'restore') metadata.restored_from = meta.backup_path ?? '';
  if (a.action === 'restore') metadata.restored_sha256 = meta.backup_sha256 ?? '';
  if (a.action === 'remove' && meta.created_dirs) metadata.remove_dirs_if_empty = meta.created_dirs;
  if (a.forcedBackup) {
    metadata.forced_backup_path = a.forcedBackup.path;
    metadata.forced_backup_sha256 = a.forcedBackup.sha256;
  }
  return {
    schema_version: SCHEMA_VERSION,
    effect_id: newId('eff', now),
    timestamp: nowRfc3339(now),
    mutation_id: a.applied.mutation_id,
    type: a.action === 'remove' ? EFFECT_TYPES.remove : EFFECT_TYPES.restore,
    target: a.applied.target,
    reversible: true,
    compensation: `install-apply --plan ${a.loaded.file} writes the planned content again`,
    verified_by: VERIFIED_BY,
    risk: 'medium',
    metadata,
  };
}

/** A generation record of an apply or revert run, linked to the planned one by plan_digest. */
export function outcomeGeneration(
  loaded: LoadedPlan,
  status: Extract<GenerationRecord['lineage_status'], 'installed' | 'failed' | 'reverted'>,
  activation: string,
  metadata: Record<string, string>,
  now: Date = new Date(),
): GenerationRecord {
  const planned = withoutChain(loaded.plan.generation);
  return {
    ...planned,
    timestamp: nowRfc3339(now),
    lineage_status: status,
    activation_result: activation,
    plan_digest: loaded.digest,
    metadata: { ...(planned.metadata ?? {}), planned_generation_digest: digestCanonical(planned), ...metadata },
  };
}
