import { join } from 'node:path';
import { createNewFile, makeDirs } from '@autopoietic/core/adapters';
import { digestCanonical, newId } from '@autopoietic/core/canonical';
import { isAosError } from '@autopoietic/core/cli-kit';
import { appendRecord, type StoredRecord } from '@autopoietic/core/ledger';
import type { CheckResult, ExpectedCheck, GeneratorIdentity, GeneratorRun } from '@autopoietic/core/schemas';
import { promoteProposal } from '../../gates/promote/run.js';
import { verifyProposal } from '../../gates/verify/run.js';
import type { GateFlags } from '../../pipeline/context.js';
import type { ProtectedRule } from '../../patch/protected.js';
import { readGeneratorOutput, type GeneratedProposal } from '../generator/output.js';
import { runGenerator, type GeneratorLimits } from '../generator/run.js';
import { createSandbox, treeDigest } from '../generator/sandbox.js';
import type { Located } from '../handoff/gather.js';
import { composeHandoff } from '../handoff/run.js';
import type { ObservedState } from '../handoff/state-facts.js';
import { buildProposal } from '../propose/build.js';
import { writeProposalDir } from '../propose/write.js';
import { changedPaths, snapshotLive, type LiveSnapshot } from './guard.js';
import { attemptRecord, type AttemptDraft } from './record.js';

/**
 * One attempt of the evolve loop: hand-off, generator in its sandbox, proposal, P1 (and P2 with
 * --promote), one lineage record. Whatever goes wrong with the generator or its output becomes
 * an `error` attempt with the reason; only a change to the live genome stops the run.
 */
export interface PromoteSettings {
  vmChecks: string[];
  targetConfiguration: string;
  system: string;
  parentGenome: string;
}

export interface RunContext {
  loc: Located;
  observed: ObservedState;
  goal: string;
  runId: string;
  generator: GeneratorIdentity;
  limits: GeneratorLimits;
  passEnv: string[];
  handoffMaxBytes: number;
  proposalsDir: string;
  protectedRules: readonly ProtectedRule[];
  gate: GateFlags;
  promote: PromoteSettings | undefined;
  baseline: LiveSnapshot;
  lineageJournal: string;
}

export interface AttemptOutcome {
  record: StoredRecord<'lineage-attempt'>;
  /** Why the run must stop now (the live genome changed), if it must. */
  stop?: string;
}

type Known = Omit<AttemptDraft, 'durations' | 'verdict' | 'stage' | 'reason' | 'checks'>;

export async function runAttempt(ctx: RunContext, attemptNumber: number, parentId: string | null): Promise<AttemptOutcome> {
  const t0 = performance.now();
  const attemptId = newId('att');
  const logDir = join(ctx.loc.memoryDir, 'logs', 'evolve', attemptId);
  makeDirs(logDir);
  const d: Known = { attemptId, parentAttemptId: parentId, runId: ctx.runId, attemptNumber, goal: ctx.goal, generator: ctx.generator, handoffDigest: null };
  const times = { handoff_ms: 0, generate_ms: 0, verify_ms: 0 } as AttemptDraft['durations'];
  const finish = async (o: Pick<AttemptDraft, 'verdict' | 'stage' | 'reason'> & { checks?: readonly CheckResult[]; extra?: Partial<AttemptDraft> }, stop?: string): Promise<AttemptOutcome> => {
    const record = attemptRecord({ ...d, ...o.extra, verdict: o.verdict, stage: o.stage, reason: o.reason, checks: o.checks ?? [], durations: { ...times, total_ms: ms(t0) } });
    return { record: await appendRecord(ctx.lineageJournal, 'lineage-attempt', record), ...(stop ? { stop } : {}) };
  };

  const th = performance.now();
  let handoff: Awaited<ReturnType<typeof composeHandoff>>;
  try {
    handoff = await composeHandoff(ctx.loc, ctx.observed, {
      goal: ctx.goal,
      fromAttempt: parentId ?? undefined,
      noGoalHistory: true,
      maxBytes: ctx.handoffMaxBytes,
      subject: { kind: 'goal', run_id: ctx.runId, attempt_id: attemptId, parent_attempt_id: parentId, attempt_number: attemptNumber },
    });
  } catch (e) {
    // The first attempt's failure is the command's (a --handoff-max-bytes too small for the
    // essentials is a usage error, exit 2, nothing journaled). A later one carries more feedback
    // and can outgrow a bound the first fitted: the run had journaled attempts by then, and died
    // with exit 2 and no summary. It stops instead, this attempt recorded at stage handoff.
    if (attemptNumber === 1 || !isAosError(e)) throw e;
    times.handoff_ms = ms(th);
    const why = `the hand-off could not be built: error[${e.code}]: ${e.message}`;
    return finish({ verdict: 'error', stage: 'handoff', reason: why }, why);
  }
  const handoffText = `${JSON.stringify(handoff, null, 2)}\n`;
  d.handoffDigest = digestCanonical(handoff);
  d.handoffPath = join(logDir, 'handoff.json');
  createNewFile(d.handoffPath, handoffText);
  times.handoff_ms = ms(th);

  const tg = performance.now();
  const generated = await generate(ctx, handoffText, attemptId, attemptNumber, parentId, logDir);
  times.generate_ms = ms(tg);
  d.generatorRun = generated.run;
  if ('stop' in generated) return finish({ verdict: 'error', stage: 'generate', reason: generated.stop }, generated.stop);
  if ('error' in generated) return finish({ verdict: 'error', stage: 'generate', reason: generated.error });

  let written: WrittenProposal;
  try {
    written = writeGenerated(ctx, generated.proposal, attemptId);
  } catch (e) {
    if (!isAosError(e)) throw e;
    return finish({ verdict: 'error', stage: 'propose', reason: `the generator's proposal was refused before P1: ${e.message}` });
  }
  d.mutationId = written.mutationId;
  d.proposalPath = written.proposalPath;
  d.proposalFingerprint = written.fingerprint;

  const tv = performance.now();
  const verified = await gate(() => verifyProposal({ ...ctx.gate, proposal: written.proposalPath }));
  times.verify_ms = ms(tv);
  if ('failed' in verified) return finish({ verdict: 'error', stage: 'verify', reason: `P1 could not run: ${verified.failed}` }, `P1 could not run: ${verified.failed}`);
  const v = verified.ok.record;
  d.verificationId = v.verification_id;
  if (v.status !== 'verified' || !ctx.promote) return finish({ verdict: v.status, stage: 'verify', reason: v.reason, checks: v.checks });

  const tp = performance.now();
  const promoted = await gate(() => promoteProposal({ ...ctx.gate, ...ctx.promote!, changedOrgans: [], proposal: written.proposalPath }));
  times.promote_ms = ms(tp);
  if ('failed' in promoted) {
    const why = `P2 could not run: ${promoted.failed}`;
    return finish({ verdict: v.status, stage: 'promote', reason: `${v.reason}; ${why}`, checks: v.checks }, why);
  }
  const p = promoted.ok.record;
  return finish({ verdict: v.status, stage: 'promote', reason: `${v.reason}; P2 ${p.status}: ${p.reason}`, checks: v.checks, extra: { promotionId: p.promotion_id, promotionStatus: p.status } });
}

/**
 * A gate that throws (its journal became unusable, the host policy changed) has still been given
 * this attempt's proposal: the attempt is recorded as an error and the run stops, instead of
 * ending with no lineage record for a generator run and a proposal that exist.
 */
async function gate<T>(run: () => Promise<T>): Promise<{ ok: T } | { failed: string }> {
  try {
    return { ok: await run() };
  } catch (e) {
    if (!isAosError(e)) throw e;
    return { failed: `error[${e.code}]: ${e.message}` };
  }
}

type Generated = { run?: GeneratorRun } & ({ proposal: GeneratedProposal } | { error: string } | { stop: string });

async function generate(ctx: RunContext, handoffText: string, attemptId: string, n: number, parentId: string | null, logDir: string): Promise<Generated> {
  const sandbox = await createSandbox(ctx.loc.root, ctx.baseline.set, handoffText);
  try {
    const env: Record<string, string> = {
      AUTOPOIETIC_HANDOFF: sandbox.handoff,
      AUTOPOIETIC_GENOME: sandbox.genome,
      AUTOPOIETIC_WORK: sandbox.work,
      AUTOPOIETIC_GOAL: ctx.goal,
      AUTOPOIETIC_RUN_ID: ctx.runId,
      AUTOPOIETIC_ATTEMPT_ID: attemptId,
      AUTOPOIETIC_ATTEMPT_NUMBER: String(n),
      ...(parentId ? { AUTOPOIETIC_PARENT_ATTEMPT_ID: parentId } : {}),
    };
    const g = await runGenerator({ argv: ctx.generator.argv, sandbox, handoffText, env, passEnv: ctx.passEnv, limits: ctx.limits, logDir });
    const live = changedPaths(ctx.baseline, await snapshotLive(ctx.loc.root, ctx.loc.memoryDir, ctx.proposalsDir));
    if (live.length) {
      return { run: g.run, stop: `the live genome changed while the generator ran (${live.slice(0, 5).join(', ')}${live.length > 5 ? `, and ${live.length - 5} more` : ''}); the run stops and nothing is verified` };
    }
    if (treeDigest(sandbox.genome) !== sandbox.digest) return { run: g.run, error: 'generator wrote into its read-only copy of the genome; a generator must print its change as a patch (use $AUTOPOIETIC_WORK for its own files)' };
    const out = readGeneratorOutput(g, sandbox.dir, ctx.limits.timeoutMs, ctx.limits.maxOutputBytes);
    return out.ok ? { run: g.run, proposal: out.proposal } : { run: g.run, error: out.reason };
  } finally {
    sandbox.dispose();
  }
}

interface WrittenProposal {
  mutationId: string;
  proposalPath: string;
  fingerprint: string;
}

/** The generator's change as a pending proposal, written and validated exactly as propose does. */
function writeGenerated(ctx: RunContext, g: GeneratedProposal, attemptId: string): WrittenProposal {
  const checks: ExpectedCheck[] = g.expected_checks ?? [];
  const proposal = buildProposal(g.patch, {
    mutationId: newId('mut'),
    goal: ctx.goal,
    phase: 'evolve',
    checks,
    inferChecks: true,
    metadata: { ...(g.metadata ?? {}), evolve_run: ctx.runId, evolve_attempt: attemptId, generator_digest: ctx.generator.digest },
  });
  if (g.changed_paths) proposal.changed_paths = [...new Set([...proposal.changed_paths, ...g.changed_paths])];
  if (g.side_effects?.length) proposal.side_effects = g.side_effects;
  const written = writeProposalDir(ctx.proposalsDir, proposal, g.patch, { cwd: ctx.loc.cwd, protectedRules: ctx.protectedRules });
  return { mutationId: proposal.mutation_id, proposalPath: written.proposalPath, fingerprint: written.prepared.fingerprint };
}

function ms(t: number): number {
  return Math.max(0, Math.round(performance.now() - t));
}
