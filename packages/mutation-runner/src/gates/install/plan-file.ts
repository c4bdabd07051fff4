import { MAX_DOCUMENT_FILE_BYTES, readBoundedFile, readFailure } from '@autopoietic/core/adapters';
import { resolve } from 'node:path';
import { usageError } from '@autopoietic/core/cli-kit';
import { digestCanonical, type Sha256Digest } from '@autopoietic/core/canonical';
import { InstallPlanOutput } from '@autopoietic/core/schemas';
import { checkManifest, seedBytes } from './manifest-rules.js';

/** A plan file read, checked and digested, ready for install-apply / install-verify / install-revert. */
export interface LoadedPlan {
  /** Absolute path of the plan file. */
  file: string;
  plan: InstallPlanOutput;
  /** The plan's identity (planDigest): the id that links effects and generation records to it. */
  digest: Sha256Digest;
  /**
   * Every digest this plan's records may carry: `digest`, then the digest of the whole plan,
   * which install-apply and install-revert recorded before `generated_at` was left out.
   */
  digests: readonly string[];
  /** Decoded bytes of each seed file, in manifest order. */
  bytes: Buffer[];
}

/**
 * What install-apply and install-revert are given: a recorded plan, and the consent to change its
 * target root (`yes`, `force`, `allowLiveRoot`, all required to be said).
 */
export interface PlanTargetOptions {
  plan: string;
  yes: boolean;
  force: boolean;
  allowLiveRoot: boolean;
  memoryDir?: string | undefined;
  etcDir?: string | undefined;
  cwd?: string | undefined;
}

/** The same as commander gives a command's action (a boolean flag that was not given is absent). */
export type PlanTargetFlags = Omit<PlanTargetOptions, 'yes' | 'force' | 'allowLiveRoot' | 'cwd'> & Partial<Pick<PlanTargetOptions, 'yes' | 'force' | 'allowLiveRoot'>>;

const HINT = 'Use the JSON printed by `mutation-runner install-plan`, unmodified.';

export function readPlanFile(path: string, cwd: string = process.cwd()): LoadedPlan {
  const file = resolve(cwd, path);
  const read = readBoundedFile(file, MAX_DOCUMENT_FILE_BYTES);
  if (!read.ok) throw usageError('plan-unreadable', `cannot read plan file ${file}: ${readFailure(read)}`, 'Pass --plan with the file install-plan wrote (e.g. `install-plan ... > plan.json`).');
  const text = read.bytes.toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw usageError('plan-invalid', `plan file ${file} is not valid JSON: ${(e as Error).message}`, HINT);
  }
  checkManifest(raw, `plan ${file}`);
  const parsed = InstallPlanOutput.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw usageError('plan-invalid', `plan ${file} does not match the install-plan schema: ${issues}`, HINT);
  }
  const plan = parsed.data;
  checkConsistency(plan, file);
  const bytes = plan.seed_manifest.files.map((f) => seedBytes(f, `plan ${file}`));
  const digest = planDigest(plan);
  return { file, plan, digest, digests: [digest, digestCanonical(plan)], bytes };
}

/**
 * The canonical digest of a plan without `seed_manifest.generated_at`, the one value install-plan
 * does not derive from the ledgers and its flags. Planning again with the same flags (to see the
 * plan again, or after losing the file) gives the same plan: install-apply still finds it applied
 * and install-revert still finds its effects (with the time in, a re-planned file was a plan never
 * applied: applied twice, and not revertible).
 */
export function planDigest(plan: InstallPlanOutput): Sha256Digest {
  const { generated_at: _fresh, ...manifest } = plan.seed_manifest;
  return digestCanonical({ ...plan, seed_manifest: manifest });
}

/** Whether a record's plan_digest names the plan with these digests (LoadedPlan.digests). */
export function ofPlan(recorded: string | undefined, planDigests: readonly string[]): boolean {
  return recorded !== undefined && planDigests.includes(recorded);
}

/** The generation record and the manifest must describe the same install. */
function checkConsistency(plan: InstallPlanOutput, file: string): void {
  const g = plan.generation;
  const m = plan.seed_manifest;
  const pairs: [string, unknown, unknown][] = [
    ['mutation_id', g.mutation_id, m.mutation_id],
    ['promotion_id', g.promotion_id, m.promotion_id],
    ['target_root', g.target_root, m.target_root],
  ];
  for (const [field, a, b] of pairs) {
    if (a !== b) throw usageError('plan-invalid', `plan ${file}: generation.${field} (${String(a)}) differs from seed_manifest.${field} (${String(b)})`, HINT);
  }
  if (g.lineage_status !== 'planned' || m.lineage_status !== 'planned') {
    throw usageError('plan-invalid', `plan ${file}: lineage_status must be planned (got ${g.lineage_status}/${m.lineage_status})`, HINT);
  }
}
