import { AosError, describeError, GateFailed, shellQuote, usageError } from '@autopoietic/core/cli-kit';
import { newId, nowRfc3339 } from '@autopoietic/core/canonical';
import { appendRecord, checkAppendable, ledgerPath } from '@autopoietic/core/ledger';
import { loadHostPolicy, requireMode } from '@autopoietic/core/policy';
import { generationParentProblem } from '@autopoietic/core/vocab';
import { SCHEMA_VERSION, type EffectRecord, type GenerationRecord, type InstallVerifyOutput } from '@autopoietic/core/schemas';
import { missingDirs, performWrite, probeSeedPath, type Probe } from './apply-target.js';
import { loadInstallLedger, latestApplyState, recheckPlanEvidence, unrecordedApply } from './evidence.js';
import { readPlanFile, type LoadedPlan, type PlanTargetOptions } from './plan-file.js';
import { outcomeGeneration, writeEffect, type PriorState } from './records.js';
import { checkTargetRoot, collidesWith } from './target-root.js';
import { verifyInstall } from './verify.js';
import { withInstallLock } from './install-lock.js';

export type ApplyOptions = PlanTargetOptions;

export interface ApplyOutput {
  schema_version: string;
  applied_at: string;
  apply_id: string;
  plan: string;
  plan_digest: string;
  target_root: string;
  lineage_status: 'installed' | 'failed';
  /** Set when a write failed part-way (the generation record then says failed). */
  error?: string;
  effects: EffectRecord[];
  verify: InstallVerifyOutput;
  generation: GenerationRecord;
}

/**
 * install-apply: writes a promoted, recorded plan's seed files into its target root. Every
 * check (confirmation, mode, plan, evidence, target state) happens before the first write; each
 * write is journaled in effects.jsonl just before it happens; install-verify runs afterwards and
 * its result becomes an `installed` or `failed` generation record.
 */
export async function applyPlan(opts: ApplyOptions): Promise<ApplyOutput> {
  if (!opts.yes) {
    throw usageError('confirmation-required', 'install-apply writes seed files into the target root; pass --yes to confirm', 'Review the plan (and install-verify it) first, then rerun with --yes.');
  }
  const cwd = opts.cwd ?? process.cwd();
  requireMode(loadHostPolicy({ etcDir: opts.etcDir, cwd }), 'mutate-live', 'install-apply');
  const loaded = readPlanFile(opts.plan, cwd);
  refuseOwnParent(loaded);
  const where = { memoryDir: opts.memoryDir, etcDir: opts.etcDir, cwd };
  const ledgers = {
    promotions: ledgerPath('promotions', undefined, where),
    results: ledgerPath('results', undefined, where),
    generations: ledgerPath('generations', undefined, where),
    effects: ledgerPath('effects', undefined, where),
  };
  await recheckPlanEvidence(loaded, ledgers); // its errors come first, and the memory dir exists after it
  return withInstallLock(ledgers.generations, () => applyLocked(loaded, ledgers, opts));
}

/**
 * A plan recorded before install-plan refused one (rules.ts) can name its own generation as its
 * parent: applied, it would journal an installed generation that descends from itself, which the
 * lineage cannot draw. install-verify (it only reads) and install-revert (it undoes an apply made
 * before the rule) still take such a plan.
 */
function refuseOwnParent(loaded: LoadedPlan): void {
  const g = loaded.plan.generation;
  const problem = generationParentProblem(g.generation, g.parent_generation);
  if (problem === undefined) return;
  throw usageError('generation-own-parent', `plan ${loaded.file}: its generation ${JSON.stringify(g.generation)} is also its parent_generation: ${problem}`,
    'Plan the install again (install-plan --parent-generation <the generation installed now> --resulting-generation <a new label> --record), and apply that plan.');
}

type ApplyLedgers = Record<'promotions' | 'results' | 'generations' | 'effects', string>;

/** The apply proper, holding the install lock: decided from the ledgers and files as they are now. */
async function applyLocked(loaded: LoadedPlan, ledgers: ApplyLedgers, opts: ApplyOptions): Promise<ApplyOutput> {
  await refuseApplied(loaded, ledgers);
  const root = checkTargetRoot(loaded.plan.seed_manifest.target_root, opts.allowLiveRoot, 'install-apply');
  const probes = loaded.plan.seed_manifest.files.map((f) => probeSeedPath(root, f));
  refuseConflicts(probes, opts.force, [...Object.values(ledgers), loaded.file]);
  // Before the first write: a generation ledger that refuses appends (a torn last line) let every
  // seed file be written and journaled, then lost the outcome, leaving the apply to be reverted.
  // (The effect ledger needs no such check: its first append comes before the first write.)
  await checkAppendable(ledgers.generations);

  const applyId = newId('ins');
  const effects: EffectRecord[] = [];
  let failure: string | undefined;
  try {
    for (const [i, probe] of probes.entries()) await applyOne(loaded, root, applyId, probe, loaded.bytes[i]!, ledgers.effects, effects);
  } catch (e) {
    if (effects.length === 0) throw nothingJournaled(applyId, ledgers.effects, e);
    failure = describeError(e);
  }
  const verify = verifyInstall(loaded);
  const status = failure === undefined && verify.all_matched ? 'installed' : 'failed';
  const matched = `${verify.files.filter((f) => f.status === 'matched').length}/${verify.files.length}`;
  const activation = status === 'installed' ? 'seed-files-written' : failure !== undefined ? 'seed-write-failed' : 'seed-verification-failed';
  const meta: Record<string, string> = { apply_id: applyId, files_matched: matched, lineage_check: verify.lineage?.status ?? 'error' };
  if (failure !== undefined) meta.failure = failure;
  const generation = await appendOutcome(ledgers, outcomeGeneration(loaded, status, activation, meta), effects.length);
  return {
    schema_version: SCHEMA_VERSION,
    applied_at: nowRfc3339(),
    apply_id: applyId,
    plan: loaded.file,
    plan_digest: loaded.digest,
    target_root: loaded.plan.seed_manifest.target_root,
    lineage_status: status,
    ...(failure !== undefined ? { error: failure } : {}),
    effects,
    verify,
    generation,
  };
}

/**
 * Refuses a plan whose last apply is installed or failed, and one whose last apply never
 * recorded its outcome: applying again would journal that apply's files as 'identical', and
 * install-revert, which undoes the latest apply, would then leave them in the target.
 */
async function refuseApplied(loaded: LoadedPlan, ledgers: ApplyLedgers): Promise<void> {
  const generations = (await loadInstallLedger(ledgers.generations, 'generation')) as GenerationRecord[];
  const effects = (await loadInstallLedger(ledgers.effects, 'effect')) as EffectRecord[];
  const last = latestApplyState(generations, loaded.digests);
  if (last && last.lineage_status !== 'reverted' && !wroteNothing(last, effects)) {
    throw new AosError('plan-already-applied', `plan ${loaded.file} was already applied (generation ${last.generation} is ${last.lineage_status} in ${ledgers.generations})`, {
      hint: 'Run `mutation-runner install-verify --plan` to check it, or `install-revert --plan ... --yes` before applying it again.',
    });
  }
  const open = unrecordedApply(effects, generations, loaded.digests);
  if (open !== undefined) {
    throw new AosError('plan-apply-unrecorded', `plan ${loaded.file} has an install-apply (${open}) whose effects are in ${ledgers.effects} but whose outcome is not in ${ledgers.generations}: it was interrupted, and its files may be in the target`, {
      hint: 'Run `mutation-runner install-revert --plan ... --yes` (with the same --memory-dir) to undo what it wrote, then apply again.',
    });
  }
}

/**
 * A `failed` apply that journaled no effect wrote nothing (every write waits for its record).
 * install-apply no longer records one (nothingJournaled), but earlier versions did: such a record
 * does not keep the plan applied, since install-revert has nothing to undo for it.
 */
function wroteNothing(outcome: GenerationRecord, effects: readonly EffectRecord[]): boolean {
  const applyId = outcome.metadata?.apply_id;
  return outcome.lineage_status === 'failed' && applyId !== undefined && !effects.some((e) => e.metadata?.apply_id === applyId);
}

/**
 * Appends the run's generation record. If that fails, the error says what the run did all the
 * same: the journaled writes (at least one: a run that journaled none records no outcome).
 */
async function appendOutcome(ledgers: ApplyLedgers, record: GenerationRecord, journaled: number): Promise<GenerationRecord> {
  try {
    return (await appendRecord(ledgers.generations, 'generation', record)) as GenerationRecord;
  } catch (e) {
    const cause = e instanceof Error ? e.message : String(e);
    const lost = `its outcome (${record.lineage_status}) could not be recorded in ${ledgers.generations}: ${cause}`;
    const id = record.metadata?.apply_id;
    throw new AosError('install-outcome-unrecorded', `install-apply ${id} journaled ${journaled} seed file write(s) in ${ledgers.effects}, each just before making it, but ${lost}`, {
      hint: 'Make the memory directory writable again (free space), then undo this apply with `mutation-runner install-revert --plan ... --yes` (same --memory-dir) and apply again.',
      cause: e,
    });
  }
}

/**
 * The first effect record could not be journaled (a full memory directory, a torn or foreign
 * last line in effects.jsonl), or the target changed before it: every write waits for its
 * record, so nothing was written, and no outcome is recorded. A `failed` record would leave the
 * plan applied with no effects to undo: install-apply refused it (plan-already-applied) and
 * install-revert found nothing to revert (plan-not-applied), for good.
 */
function nothingJournaled(applyId: string, effectsLedger: string, e: unknown): AosError {
  return new AosError('install-outcome-unrecorded', `install-apply ${applyId} wrote nothing into the target, and recorded no outcome: ${describeError(e)}`, {
    hint: `Fix what the error names (free space; a torn last line: \`mutation-journal ledger repair --path ${shellQuote(effectsLedger)}\`), then apply again: there is nothing to revert.`,
    cause: e,
  });
}

/**
 * How a non-installed apply ends (the command throws it after printing the output). Its `failed`
 * generation is recorded, so the plan counts as applied: the hint says install-revert comes next,
 * or the user learns it from a refusal.
 */
export function applyFailed(out: ApplyOutput): GateFailed {
  const what = out.error ? `install-apply failed: ${out.error}` : 'install seed verification failed';
  const hint = `The failed generation is recorded: run \`mutation-runner install-revert --plan ${shellQuote(out.plan)} --yes\` (same --memory-dir) to undo what was written, fix the cause, then apply again.`;
  return new GateFailed(what, hint);
}

/** Refuses (before any write) everything that cannot be written safely; lists every problem at once. */
function refuseConflicts(probes: Probe[], force: boolean, protectedFiles: string[]): void {
  const problems: string[] = [];
  for (const p of probes) {
    if (p.kind === 'refused') problems.push(`${p.file.target_path}: ${p.reason}`);
    else if (p.kind === 'different' && !force) problems.push(`${p.file.target_path}: ${p.difference}; --force replaces it and keeps a backup`);
    if (p.kind !== 'refused') {
      const hit = collidesWith(p.writePath, protectedFiles);
      if (hit) problems.push(`${p.file.target_path}: would overwrite ${hit}, which install-apply reads or journals into`);
    }
  }
  if (problems.length > 0) {
    throw new AosError('target-conflict', `install-apply refused; nothing was written:\n  ${problems.join('\n  ')}`, {
      hint: 'Resolve the listed paths (or pass --force for files with different content), then apply again.',
    });
  }
}

/** Journals one write (pushing the stored record to `journaled`), then performs it. */
async function applyOne(loaded: LoadedPlan, root: string, applyId: string, probe: Probe, bytes: Buffer, effectsLedger: string, journaled: EffectRecord[]): Promise<void> {
  if (probe.kind === 'refused') throw new AosError('target-conflict', probe.reason); // refuseConflicts ran: unreachable
  const dirs = probe.kind === 'identical' ? [] : missingDirs(root, probe.file, probe.writePath);
  const backupPath = probe.kind === 'different' ? `${probe.writePath}.autopoietic-backup-${applyId}` : undefined;
  const prior: PriorState =
    probe.kind === 'absent' ? { state: 'absent' } : probe.kind === 'identical' ? { state: 'identical', sha256: probe.sha256 } : { state: 'replaced', sha256: probe.sha256, backupPath: backupPath! };
  const effect = writeEffect({ loaded, applyId, file: probe.file, writePath: probe.writePath, prior, createdDirs: dirs });
  journaled.push((await appendRecord(effectsLedger, 'effect', effect)) as EffectRecord);
  if (probe.kind !== 'identical') performWrite({ probe, root, bytes, dirs, backupPath });
}
