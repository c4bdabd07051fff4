import { AosError, describeError, usageError } from '@autopoietic/core/cli-kit';
import { newId, nowRfc3339 } from '@autopoietic/core/canonical';
import { appendRecord, checkAppendable, ledgerPath } from '@autopoietic/core/ledger';
import { loadHostPolicy, requireMode } from '@autopoietic/core/policy';
import { SCHEMA_VERSION, type EffectRecord, type GenerationRecord } from '@autopoietic/core/schemas';
import { loadInstallLedger } from './evidence.js';
import { ofPlan, readPlanFile, type LoadedPlan, type PlanTargetOptions } from './plan-file.js';
import { compensationEffect, EFFECT_TYPES, outcomeGeneration } from './records.js';
import { forcedBackupPath, keepChanged, performStep, planRevertStep, type RevertStep } from './revert-steps.js';
import { earlierRevert, resumeStep, type ResumedStep } from './revert-resume.js';
import { checkTargetRoot } from './target-root.js';
import { withInstallLock } from './install-lock.js';

export type RevertOptions = PlanTargetOptions;

export interface CompensationRef {
  target: string;
  effect_id: string;
}

export interface RevertOutput {
  schema_version: string;
  reverted_at: string;
  plan: string;
  plan_digest: string;
  apply_id: string;
  status: 'reverted' | 'already-reverted';
  /** The revert: a run that continues one stopped part-way keeps its first run's id. */
  revert_id?: string;
  /** Compensation effects appended by this run (none when already reverted). */
  effects: EffectRecord[];
  /** Seed paths this run compensated, each with its compensation record (this run's, or the one an earlier run journaled before it stopped). */
  compensated: CompensationRef[];
  /** Seed paths an earlier run of this revert compensated already: nothing was journaled or done for them now. */
  already_compensated: CompensationRef[];
  /** Seed paths that needed no compensation, and why. */
  unchanged: { target: string; why: string }[];
  generation?: GenerationRecord;
}

/** The effect records of the latest install-apply run of this plan. */
function latestApply(effects: readonly EffectRecord[], loaded: LoadedPlan, ledger: string): { applyId: string; applied: EffectRecord[] } {
  const writes = effects.filter((e) => e.type === EFFECT_TYPES.write && ofPlan(e.metadata?.plan_digest, loaded.digests));
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
 * before it is performed, and a `reverted` generation record closes the run. A run after one
 * that stopped part-way continues that revert (revert-resume.ts).
 */
export async function revertPlan(opts: RevertOptions): Promise<RevertOutput> {
  if (!opts.yes) throw usageError('confirmation-required', 'install-revert changes files in the target root; pass --yes to confirm', 'Rerun with --yes.');
  const cwd = opts.cwd ?? process.cwd();
  requireMode(loadHostPolicy({ etcDir: opts.etcDir, cwd }), 'mutate-live', 'install-revert');
  const loaded = readPlanFile(opts.plan, cwd);
  const where = { memoryDir: opts.memoryDir, etcDir: opts.etcDir, cwd };
  const ledgers = { effects: ledgerPath('effects', undefined, where), generations: ledgerPath('generations', undefined, where) };
  latestApply((await loadInstallLedger(ledgers.effects, 'effect')) as EffectRecord[], loaded, ledgers.effects); // its error first: then the memory dir exists
  return withInstallLock(ledgers.generations, () => revertLocked(loaded, ledgers, opts));
}

/** The revert proper, holding the install lock: decided from the ledgers and files as they are now. */
async function revertLocked(loaded: LoadedPlan, ledgers: { effects: string; generations: string }, opts: RevertOptions): Promise<RevertOutput> {
  const allEffects = (await loadInstallLedger(ledgers.effects, 'effect')) as EffectRecord[];
  const { applyId, applied } = latestApply(allEffects, loaded, ledgers.effects);
  const base = { schema_version: SCHEMA_VERSION, plan: loaded.file, plan_digest: loaded.digest, apply_id: applyId };
  const generations = (await loadInstallLedger(ledgers.generations, 'generation')) as GenerationRecord[];
  const closed = generations.find((g) => ofPlan(g.plan_digest, loaded.digests) && g.lineage_status === 'reverted' && g.metadata?.apply_id === applyId);
  if (closed) {
    const none = { effects: [], compensated: [], already_compensated: [], unchanged: [] };
    return { ...base, reverted_at: nowRfc3339(), status: 'already-reverted', revert_id: closed.metadata?.revert_id, ...none };
  }
  const root = checkTargetRoot(loaded.plan.seed_manifest.target_root, opts.allowLiveRoot, 'install-revert');
  const earlier = earlierRevert(allEffects, applyId, loaded.digests);
  const steps = [...applied].reverse().map((e) => {
    const file = loaded.plan.seed_manifest.files.find((f) => f.installed_path === e.metadata?.installed_path);
    const step: RevertStep = file ? planRevertStep(root, file, e) : { kind: 'blocked', applied: e, reason: `effect ${e.effect_id} names a seed path that is not in this plan` };
    return resumeStep(step, earlier.byApplied.get(e.effect_id));
  });
  refuseBlocked(steps, opts.force);
  // Before the first change, as install-apply: else the files were reverted and the run ended
  // without its `reverted` record.
  await checkAppendable(ledgers.generations);

  const revertId = earlier.revertId ?? newId('rev');
  const run = await runSteps(steps, loaded, ledgers.effects, revertId);
  const meta = { apply_id: applyId, revert_id: revertId, compensations: String(earlier.byApplied.size + run.effects.length) };
  const generation = await appendRecord(ledgers.generations, 'generation', outcomeGeneration(loaded, 'reverted', 'seed-files-reverted', meta));
  return { ...base, reverted_at: nowRfc3339(), status: 'reverted', revert_id: revertId, ...run, generation };
}

/** Journals (unless an earlier run of this revert did) and performs each step, in order. */
async function runSteps(steps: ResumedStep[], loaded: LoadedPlan, effectsLedger: string, revertId: string) {
  const out: Pick<RevertOutput, 'effects' | 'compensated' | 'already_compensated' | 'unchanged'> = { effects: [], compensated: [], already_compensated: [], unchanged: [] };
  for (const step of steps) {
    if (step.kind === 'noop') out.unchanged.push({ target: step.applied.target, why: step.why });
    if (step.kind === 'compensated') out.already_compensated.push({ target: step.applied.target, effect_id: step.earlier.effect_id });
    if (step.kind !== 'remove' && step.kind !== 'restore') continue;
    // A continued step keeps the changed content where its record says (resumeStep checked it is that content).
    const aside = step.earlier?.metadata?.forced_backup_path ?? forcedBackupPath(step.writePath, revertId);
    const forced = step.changed ? { path: aside, sha256: step.changed } : undefined;
    let record = step.earlier;
    if (record === undefined) {
      const effect = compensationEffect({ loaded, revertId, applied: step.applied, action: step.kind, writePath: step.writePath, forcedBackup: forced });
      record = (await appendRecord(effectsLedger, 'effect', effect)) as EffectRecord;
      out.effects.push(record);
    }
    compensate(step, forced?.path, revertId, out.already_compensated.length + out.compensated.length);
    out.compensated.push({ target: step.applied.target, effect_id: record.effect_id });
  }
  return out;
}

/**
 * Performs one journaled compensation. A file system that refuses it (read-only, immutable,
 * full) stops the revert with an error naming the file: the steps before it are done and
 * journaled, and a re-run decides again from file state, so it finishes the revert.
 */
function compensate(step: Extract<RevertStep, { kind: 'remove' | 'restore' }>, aside: string | undefined, revertId: string, done: number): void {
  try {
    if (aside !== undefined) keepChanged(step.writePath, aside);
    performStep(step);
  } catch (e) {
    throw new AosError('revert-step-failed', `install-revert ${revertId} could not ${step.kind} ${step.writePath} (${done} compensation(s) before it are done): ${describeError(e)}`, {
      hint: 'Fix what the error names (a read-only or full file system, an immutable file), then run install-revert again: it finishes from the state the files are in.',
      cause: e,
    });
  }
}

function refuseBlocked(steps: ResumedStep[], force: boolean): void {
  const problems: string[] = [];
  let blocked = false;
  let changed = false;
  for (const s of steps) {
    if (s.kind === 'blocked') {
      blocked = true;
      problems.push(`${s.applied.target}: ${s.reason}`);
    } else if ((s.kind === 'remove' || s.kind === 'restore') && s.changed && !force) {
      changed = true;
      problems.push(`${s.applied.target}: changed since install-apply (now ${s.changed}); --force keeps it in a backup and reverts anyway`);
    }
  }
  if (problems.length === 0) return;
  // Only a file changed since the apply yields to --force: the hint must not offer it for the
  // others (a missing backup, a file changed since an earlier run journaled its compensation).
  const hint = [
    'Inspect the listed files.',
    changed ? 'Pass --force to revert the changed ones anyway (their content is kept as a backup).' : '',
    blocked ? `--force does not override ${changed ? 'the others' : 'these'}: put back the content they name, or finish those files by hand.` : '',
  ];
  throw new AosError('revert-conflict', `install-revert refused; nothing was changed:\n  ${problems.join('\n  ')}`, { hint: hint.filter(Boolean).join(' ') });
}
