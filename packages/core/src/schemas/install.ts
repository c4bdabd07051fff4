import { z } from 'zod';
import { Metadata, Risk, SchemaVersion, Sha256, Timestamp } from './common.js';
import { GenerationRecord, LineageStatus } from './generation.js';

/** An effect that install-apply will perform (and record in `effects.jsonl`) for one seed file. */
export const PlannedEffect = z.strictObject({
  effect_id: z.string().optional(),
  type: z.string(),
  target: z.string(),
  reversible: z.boolean(),
  compensation: z.string(),
  verified_by: z.string(),
  risk: Risk,
  metadata: Metadata.optional(),
});
export type PlannedEffect = z.infer<typeof PlannedEffect>;

/** One seed file of an install plan, with its exact content so the plan is executable. */
export const InstallSeedFilePlan = z.strictObject({
  installed_path: z.string().regex(/^\//, 'must be an absolute path'),
  target_path: z.string(),
  source: z.string(),
  content_sha256: Sha256,
  content_encoding: z.enum(['utf8', 'base64']),
  content: z.string(),
  mode: z.string().regex(/^0[0-7]{3}$/).optional(),
  effect: PlannedEffect,
});
export type InstallSeedFilePlan = z.infer<typeof InstallSeedFilePlan>;

export const InstallSeedManifest = z.strictObject({
  schema_version: SchemaVersion,
  generated_at: Timestamp,
  target_root: z.string(),
  mutation_id: z.string(),
  promotion_id: z.string(),
  lineage_status: LineageStatus,
  files: z.array(InstallSeedFilePlan).min(1),
});
export type InstallSeedManifest = z.infer<typeof InstallSeedManifest>;

/** What `install-plan` prints, and what install-apply / install-verify / install-revert read. */
export const InstallPlanOutput = z.strictObject({
  schema_version: SchemaVersion,
  generation: GenerationRecord,
  seed_manifest: InstallSeedManifest,
});
export type InstallPlanOutput = z.infer<typeof InstallPlanOutput>;

export const SEED_FILE_STATUSES = ['matched', 'missing', 'mismatched', 'error'] as const;

/** Permission bits as four octal digits (`0644`; `4755` with setuid), as install-verify reports them. */
export const PermissionBits = z.string().regex(/^[0-7]{4}$/, 'must be four octal digits, e.g. 0644');

export const InstallVerifyFile = z.strictObject({
  installed_path: z.string(),
  target_path: z.string(),
  expected_sha256: Sha256,
  actual_sha256: Sha256.optional(),
  /** The manifest's `mode`, when it gives one (only then are permission bits compared). */
  expected_mode: PermissionBits.optional(),
  /** The file's permission bits (`mode & 0o7777` of the opened file), when the manifest gives a mode and the file was read. */
  actual_mode: PermissionBits.optional(),
  /** Who may own the file: root and the target root's owner (ADR 0025); set when the file was read. */
  allowed_uids: z.array(z.number().int().nonnegative()).min(1).optional(),
  /** The owner of the opened file, when it was read. */
  actual_uid: z.number().int().nonnegative().optional(),
  status: z.enum(SEED_FILE_STATUSES),
  reason: z.string(),
  /** Set when the file was reached through a symlink that stays inside the target root. */
  resolved_path: z.string().optional(),
});
export type InstallVerifyFile = z.infer<typeof InstallVerifyFile>;

export const InstallVerifyOutput = z.strictObject({
  schema_version: SchemaVersion,
  verified_at: Timestamp,
  target_root: z.string(),
  mutation_id: z.string(),
  promotion_id: z.string(),
  generation: z.string().optional(),
  all_matched: z.boolean(),
  files: z.array(InstallVerifyFile),
  /** Whether the target's installed lineage ledger holds the plan's generation record. */
  lineage: z
    .strictObject({
      status: z.enum(['matched', 'missing', 'mismatched', 'error']),
      reason: z.string(),
    })
    .optional(),
});
export type InstallVerifyOutput = z.infer<typeof InstallVerifyOutput>;
