import { AosError, describeError, usageError } from '@autopoietic/core/cli-kit';
import { newId, nowRfc3339 } from '@autopoietic/core/canonical';
import { appendRecord, ledgerPath, loadRecords } from '@autopoietic/core/ledger';
import { loadHostPolicy, requireMode } from '@autopoietic/core/policy';
import { SCHEMA_VERSION, type EffectRecord, type GenerationRecord } from '@autopoietic/core/schemas';
import { readPlanFile, type LoadedPlan, type PlanTargetOptions } from './plan-file.js';
import { compensationEffect, EFFECT_TYPES, outcomeGeneration } from './records.js';
import { keepChanged, performStep, planRevertStep, type RevertStep } from './revert-steps.js';
import { checkTargetRoot } from './target-root.js';
import { withInstallLock } from './install-lock.js';

export type RevertOptions = PlanTargetOptions;

export interface RevertOutput {
  schema_version: string;
  reverted_at: string;
  plan: string;
  plan_digest: string;
  apply_id: string;
  status: 'reverted' | 'already-reverted';
  revert_id?: string;
  /** Compensation effects appended by this run (none when already reverted). */
  effects: EffectRecord[];
  /** Seed paths that needed no compensation, and why. */
  unchanged: { target: string; why: string }[];
  generation?: GenerationRecord;
}

/** The effect records of the latest install-apply run of this plan. */
function latestApply(effects: readonly EffectRecord[], loaded: LoadedPlan, ledger: string): { applyId: string; applied: EffectRecord[] } {
  const writes = effects.filter((e) => e.type === EFFECT_TYPES.write && e.metadata?.plan_digest === loaded.digest);
  const applyId = writes.at(-1)?.metadata?.apply_id;
  if (applyId === undefined) {
    throw new AosError('plan-not-applied', `no install-apply effects for plan ${loaded.file} (${loaded.digest}) in ${ledger}; nothing to revert`, {
      hint: 'Pass the --memory-dir install-apply journaled into.',
    });
  }
  return { applyId, applied: writes.filter((e) => e.metadata?.apply_id === applyId) };
}

/**
 * install-revert: undoes the latest install-apply of a plan from its effect records. Every step
 * is decided from the current file state before anything changes; a conflict (a file changed
 * since the apply) refuses the whole revert unless --force. Each compensation is journaled just
 * before it is performed, and a `reverted` generation record closes the run.
 */
export async function revertPlan(opts: RevertOptions): Promise<RevertOutput> {
  if (!opts.yes) throw usageError('confirmation-required', 'install-revert changes files in the target root; pass --yes to confirm', 'Rerun with --yes.');
  const cwd = opts.cwd ?? process.cwd();
  requireMode(loadHostPolicy({ etcDir: opts.etcDir, cwd }), 'mutate-live', 'install-revert');
  const loaded = readPlanFile(opts.plan, cwd);
  const where = { memoryDir: opts.memoryDir, etcDir: opts.etcDir, cwd };
  const ledgers = { effects: ledgerPath('effects', undefined, where), generations: ledgerPath('generations', undefined, where) };
  latestApply((await loadRecords(ledgers.effects, 'effect')) as EffectRecord[], loaded, ledgers.effects); // its error first: then the memory dir exists
  return withInstallLock(ledgers.generations, () => revertLocked(loaded, ledgers, opts));
}

/** The revert proper, holding the install lock: decided from the ledgers and files as they are now. */
async function revertLocked(loaded: LoadedPlan, ledgers: { effects: string; generations: string }, opts: RevertOptions): Promise<RevertOutput> {
  const { applyId, applied } = latestApply((await loadRecords(ledgers.effects, 'effect')) as EffectRecord[], loaded, ledgers.effects);
  const base = { schema_version: SCHEMA_VERSION, plan: loaded.file, plan_digest: loaded.digest, apply_id: applyId };
  const generations = (await loadRecords(ledgers.generations, 'generation')) as GenerationRecord[];
  if (generations.some((g) => g.plan_digest === loaded.digest && g.lineage_status === 'reverted' && g.metadata?.apply_id === applyId)) {
    return { ...base, reverted_at: nowRfc3339(), status: 'already-reverted', effects: [], unchanged: [] };
  }
  const root = checkTargetRoot(loaded.plan.seed_manifest.target_root, opts.allowLiveRoot, 'install-revert');
  const steps = [...applied].reverse().map((e) => {
    const file = loaded.plan.seed_manifest.files.find((f) => f.installed_path === e.metadata?.installed_path);
    return file ? planRevertStep(root, file, e) : ({ kind: 'blocked', applied: e, reason: `effect ${e.effect_id} names a seed path that is not in this plan` } as RevertStep);
  });
  refuseBlocked(steps, opts.force);

  const revertId = newId('rev');
  const effects: EffectRecord[] = [];
  const unchanged: RevertOutput['unchanged'] = [];
  for (const step of steps) {
    if (step.kind === 'noop') unchanged.push({ target: step.applied.target, why: step.why });
    if (step.kind !== 'remove' && step.kind !== 'restore') continue;
    const forced = step.changed ? { path: `${step.writePath}.autopoietic-revert-backup-${revertId}`, sha256: step.changed } : undefined;
    const effect = compensationEffect({ loaded, revertId, applied: step.applied, action: step.kind, writePath: step.writePath, forcedBackup: forced });
    effects.push((await appendRecord(ledgers.effects, 'effect', effect)) as EffectRecord);
    compensate(step, forced !== undefined, revertId, effects.length - 1);
  }
  const meta = { apply_id: applyId, revert_id: revertId, compensations: String(effects.length) };
  const generation = await appendRecord(ledgers.generations, 'generation', outcomeGeneration(loaded, 'reverted', 'seed-files-reverted', meta));
  return { ...base, reverted_at: nowRfc3339(), status: 'reverted', revert_id: revertId, effects, unchanged, generation };
}

/**
 * Performs one journaled compensation. A file system that refuses it (read-only, immutable,
 * full) stops the revert with an error naming the file: the steps before it are done and
 * journaled, and a re-run decides again from file state, so it finishes the revert.
 */
function compensate(step: Extract<RevertStep, { kind: 'remove' | 'restore' }>, forced: boolean, revertId: string, done: number): void {
  try {
    if (forced) keepChanged(step.writePath, revertId);
    performStep(step);
  } catch (e) {
    throw new AosError('revert-step-failed', `install-revert ${revertId} could not ${step.kind} ${step.writePath} (${done} compensation(s) before it are done): ${describeError(e)}`, {
      hint: 'Fix what the error names (a read-only or full file system, an immutable file), then run install-revert again: it finishes from the state the files are in.',
      cause: e,
    });
  }
}

function refuseBlocked(steps: RevertStep[], force: boolean): void {
  const problems: string[] = [];
  for (const s of steps) {
    if (s.kind === 'blocked') problems.push(`${s.applied.target}: ${s.reason}`);
    else if (s.kind !== 'noop' && s.changed && !force) problems.push(`${s.applied.target}: changed since install-apply (now ${s.changed}); --force keeps it in a backup and reverts anyway`);
  }
  if (problems.length > 0) {
    throw new AosError('revert-conflict', `install-revert refused; nothing was changed:\n  ${problems.join('\n  ')}`, {
      hint: 'Inspect the listed files. Pass --force to revert anyway (changed content is kept as a backup); a missing or changed backup must be restored by hand.',
    });
  }
}
