import { resolve } from 'node:path';
import { gitWorkTree } from '@autopoietic/core/adapters';
import { newId } from '@autopoietic/core/canonical';
import { getLogger, isAosError, usageError } from '@autopoietic/core/cli-kit';
import { checkAppendable, type StoredRecord } from '@autopoietic/core/ledger';
import { loadHostPolicy, requireMode } from '@autopoietic/core/policy';
import type { AutonomyMode } from '@autopoietic/core/schemas';
import { proposalsInGenomeWarning } from '../../candidate/exclusions.js';
import { pendingDir } from '../../candidate/queue.js';
import { gateContext, type GateFlags } from '../../pipeline/context.js';
import { generatorIdentity } from '../generator/identity.js';
import { checkPassEnv } from '../generator/run.js';
import { locate, observe } from '../handoff/gather.js';
import { loadAncestry } from '../handoff/history.js';
import { runAttempt, type PromoteSettings, type RunContext } from './attempt.js';
import { checkEvolveDirs } from './dirs.js';
import { snapshotLive } from './guard.js';

/**
 * `mutation-runner evolve` (docs/evolve.md): observe, then attempt until a proposal is verified
 * or the attempts run out. Each attempt's hand-off carries the feedback of its ancestors; the
 * attempts form a tree in `lineage.jsonl` (`--from-attempt` branches from any earlier one).
 * Modes: evolve needs mutate-draft, --promote mutate-vm, --unattended autopoiesis; all checked
 * before anything runs.
 */
export interface EvolveOptions extends GateFlags {
  goal: string;
  generator: string;
  attempts: number;
  fromAttempt?: string | undefined;
  promote?: PromoteSettings | undefined;
  unattended?: boolean | undefined;
  stopOnError?: boolean | undefined;
  generatorTimeoutMs: number;
  generatorMaxOutput: number;
  generatorEnv: string[];
  handoffMaxBytes: number;
  selfState?: string | undefined;
  proposalsDir?: string | undefined;
}

export type EvolveOutcome = 'verified' | 'promoted' | 'promotion-failed' | 'exhausted' | 'stopped';

export interface EvolveSummary {
  run_id: string;
  goal: string;
  outcome: EvolveOutcome;
  reason: string;
  attempts: StoredRecord<'lineage-attempt'>[];
  result?: { attempt_id: string; mutation_id: string; proposal_path: string; verification_id: string; promotion_id?: string };
}

export function requiredMode(o: Pick<EvolveOptions, 'promote' | 'unattended'>): AutonomyMode {
  if (o.unattended) return 'autopoiesis';
  return o.promote ? 'mutate-vm' : 'mutate-draft';
}

export async function evolve(o: EvolveOptions): Promise<EvolveSummary> {
  const action = o.unattended ? 'unattended evolve' : o.promote ? 'evolve --promote' : 'evolve';
  const ctx = gateContext(o, requiredMode(o), action);
  const loc = locate({ root: ctx.root, memoryDir: ctx.memoryDir, etcDir: o.etcDir, cwd: ctx.cwd });
  const generator = generatorIdentity(o.generator, ctx.cwd, ctx.root);
  checkPassEnv(o.generatorEnv);
  if (o.fromAttempt !== undefined) await loadAncestry(loc.ledgers, o.fromAttempt, 1); // exists, or a usage error now
  const proposalsDir = o.proposalsDir === undefined ? pendingDir(ctx.root) : resolve(ctx.cwd, o.proposalsDir);
  checkEvolveDirs(proposalsDir);
  const inGenome = proposalsInGenomeWarning(ctx.root, proposalsDir, '--proposals-dir');
  if (inGenome) getLogger().warn({ proposals_dir: proposalsDir }, inGenome);
  // Before any generator runs: a ledger that cannot take its record (not a file, a torn tail, a
  // lock that cannot be taken) would fail only after a generator and P1 had run, the attempt's
  // lineage record lost and no summary printed.
  for (const ledger of [loc.ledgers.lineage, loc.ledgers.results, ...(o.promote ? [loc.ledgers.promotions] : [])]) await checkAppendable(ledger);
  const promote = o.promote ? await withParentGenome(o.promote, ctx.root) : undefined;
  const runId = newId('run');
  const log = getLogger();
  log.info({ run: runId, goal: o.goal, generator: generator.command }, 'evolve: observing the genome');
  const observed = await observe(loc, o.selfState);
  const rc: RunContext = {
    loc,
    observed,
    goal: o.goal,
    runId,
    generator,
    limits: { timeoutMs: o.generatorTimeoutMs, maxOutputBytes: o.generatorMaxOutput },
    passEnv: o.generatorEnv,
    handoffMaxBytes: o.handoffMaxBytes,
    proposalsDir,
    protectedRules: ctx.policy.protectedRules,
    gate: { ...o, root: ctx.root, memoryDir: ctx.memoryDir, cwd: ctx.cwd },
    promote,
    baseline: await snapshotLive(loc.root, loc.memoryDir, proposalsDir),
    lineageJournal: loc.ledgers.lineage,
  };
  const attempts: StoredRecord<'lineage-attempt'>[] = [];
  let parent = o.fromAttempt ?? null;
  for (let n = 1; n <= o.attempts; n++) {
    const withdrawn = n > 1 ? modeWithdrawn(o, ctx.cwd, action, ctx.host.present) : undefined;
    if (withdrawn) return summary(runId, o.goal, 'stopped', withdrawn, attempts);
    const { record, stop } = await runAttempt(rc, n, parent);
    attempts.push(record);
    parent = record.attempt_id;
    log.info({ attempt: record.attempt_id, n, verdict: record.verdict, stage: record.stage }, `evolve: attempt ${n}: ${record.verdict}: ${record.reason}`);
    if (stop) return summary(runId, o.goal, 'stopped', stop, attempts);
    if (record.verdict === 'verified') return finished(runId, o.goal, record, attempts, Boolean(promote));
    if (record.verdict === 'error' && o.stopOnError) return summary(runId, o.goal, 'stopped', `attempt ${n} ended in error and --stop-on-error is set: ${record.reason}`, attempts);
  }
  return summary(runId, o.goal, 'exhausted', `no proposal was verified in ${o.attempts} attempt(s)`, attempts);
}

/**
 * The mode is read again before every later attempt. The attempt's P1 needs only mutate-draft, so
 * an unattended run whose host was lowered from autopoiesis (an operator stopping the agent) went
 * on running the generator for every remaining attempt.
 */
function modeWithdrawn(o: EvolveOptions, cwd: string, action: string, hadPolicy: boolean): string | undefined {
  try {
    const host = loadHostPolicy({ etcDir: o.etcDir, cwd });
    if (hadPolicy || host.present) requireMode(host, requiredMode(o), action);
    return undefined;
  } catch (e) {
    if (!isAosError(e)) throw e;
    return `the host policy no longer allows ${action}: error[${e.code}]: ${e.message}`;
  }
}

function finished(runId: string, goal: string, r: StoredRecord<'lineage-attempt'>, attempts: StoredRecord<'lineage-attempt'>[], promoting: boolean): EvolveSummary {
  const result = { attempt_id: r.attempt_id, mutation_id: r.mutation_id!, proposal_path: r.proposal_path!, verification_id: r.verification_id!, ...(r.promotion_id ? { promotion_id: r.promotion_id } : {}) };
  if (!promoting) return { ...summary(runId, goal, 'verified', `attempt ${r.attempt_number} was verified`, attempts), result };
  const ok = r.promotion_status === 'promoted';
  return { ...summary(runId, goal, ok ? 'promoted' : 'promotion-failed', `attempt ${r.attempt_number} was verified; ${r.reason}`, attempts), result };
}

function summary(runId: string, goal: string, outcome: EvolveOutcome, reason: string, attempts: StoredRecord<'lineage-attempt'>[]): EvolveSummary {
  return { run_id: runId, goal, outcome, reason, attempts };
}

/** `--parent-genome` defaults to the live HEAD (`git:<sha>`); a genome outside git must name it. */
async function withParentGenome(p: PromoteSettings, root: string): Promise<PromoteSettings> {
  if (p.parentGenome !== '') return p;
  const head = (await gitWorkTree(root))?.head;
  if (!head) throw usageError('parent-genome-missing', 'evolve --promote needs --parent-genome: the genome has no git HEAD to default to', 'Pass --parent-genome, e.g. --parent-genome path:/srv/genome@2026-01-01.');
  return { ...p, parentGenome: `git:${head}` };
}
