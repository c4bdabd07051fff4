import { join } from 'node:path';
import { nixInfo, nixStoreProblem, onInterrupt } from '@autopoietic/core/adapters';
import { describeWithHint, getLogger } from '@autopoietic/core/cli-kit';
import { newId, unavailable } from '@autopoietic/core/canonical';
import type { CheckResult } from '@autopoietic/core/schemas';
import { bytesRef, prepareSidecar, rawRef, verificationBundle, writeSidecar } from '@autopoietic/core/evidence';
import { bundleAfterRecord, type BundleAfterRecord } from '../bundle-after-record.js';
import { appendRecord, checkLedgerFile, ledgerPath, type StoredRecord } from '@autopoietic/core/ledger';
import { defaultFlakeCheck, plannedOperatorCheck, plannedProposalCheck, type PlanContext } from '../../checks/plan.js';
import { runChecks } from '../../checks/run.js';
import { exclusionContext } from '../../candidate/exclusions.js';
import { listLive, type LiveListing } from '../../candidate/fileset.js';
import { applyToCandidate, buildCandidate, guardCandidate, planCandidate, removeCandidateFast, type Candidate, type CandidatePaths } from '../../pipeline/candidate.js';
import { gateContext, type GateContext, type GateFlags } from '../../pipeline/context.js';
import { prepareProposal, type PreparedProposal } from '../../pipeline/prepare.js';
import { draftFromChecks, REASONS, verificationRecord, type VerifyDraft } from './record.js';

/**
 * P1 verify: check a proposal in an isolated candidate (docs/verify.md). Every outcome after the
 * mode check is journaled, including proposals that cannot be read (`error`).
 */
export interface VerifyOptions extends GateFlags {
  proposal: string;
  journal?: string | undefined;
  evidenceBundle?: string | undefined;
  /**
   * Called when an interrupt comes after the record was journaled (while the candidate is still
   * being removed), just before the process dies of the signal: the CLI prints the record, which
   * is in the ledger although the run did not finish.
   */
  interruptedAfterRecord?: ((record: StoredRecord<'mutation-result'>) => void) | undefined;
}

export interface VerifyOutcome extends BundleAfterRecord {
  record: StoredRecord<'mutation-result'>;
  journal: string;
}

export async function verifyProposal(opts: VerifyOptions): Promise<VerifyOutcome> {
  const t0 = performance.now();
  getLogger().debug({ since_process_start_ms: Math.round(t0) }, 'verify starts');
  const ctx = gateContext(opts, 'mutate-draft', 'verify');
  // git lists the live genome while the proposal is read and checked.
  const listing = listLive(ctx.root);
  const settled = listing.catch(() => undefined); // (a failure is reported where the listing is used)
  try {
    return await verifyListed(ctx, opts, listing, t0);
  } finally {
    await settled; // no git process outlives the command
  }
}

async function verifyListed(ctx: GateContext, opts: VerifyOptions, listing: Promise<LiveListing>, t0: number): Promise<VerifyOutcome> {
  const log = getLogger();
  const journal = ledgerPath('results', opts.journal, { root: ctx.root, memoryDir: opts.memoryDir, etcDir: opts.etcDir, cwd: ctx.cwd });
  checkLedgerFile(journal); // before any work: a device or directory could never take the record
  const id = newId('ver');
  const prepared = prepareProposal(opts.proposal, { cwd: ctx.cwd, protectedRules: ctx.policy.protectedRules });
  const planned = planCandidate(ctx.root, ctx.workDir, ctx.cwd);
  const patchPath = prepared.ok ? prepared.patch.path : prepared.patchPath;
  const sidecar = prepareSidecar(opts.evidenceBundle, {
    inputs: [journal, prepared.path, ...(patchPath ? [patchPath] : [])],
    forbiddenDirs: planned.ok ? [planned.paths.container] : [],
    cwd: ctx.cwd,
  });
  let draft: VerifyDraft;
  // The candidate is removed while the record is journaled; it is gone before this returns.
  let removed: Promise<void> = Promise.resolve();
  let unhook: (() => void) | undefined;
  try {
    if (!prepared.ok) {
      draft = { status: prepared.status, reason: prepared.reason, proposalFingerprint: prepared.fingerprint, rootFingerprint: unavailable('candidate-not-built'), checks: [] };
    } else if (!planned.ok) {
      draft = { status: 'error', reason: planned.reason, proposalFingerprint: prepared.fingerprint, rootFingerprint: unavailable('candidate-not-built'), checks: [] };
    } else {
      ({ draft, removed } = await verifyInCandidate(ctx, prepared, planned.paths, { journal, logDir: join(ctx.memoryDir, 'logs', id), listing }));
    }
    const identity = prepared.ok ? { mutation_id: prepared.proposal.mutation_id, goal: prepared.proposal.goal, phase: prepared.proposal.phase } : prepared.identity;
    const record = verificationRecord({ id, identity, proposal: prepared.proposal, proposalPath: prepared.path, draft, durationMs: performance.now() - t0 });
    log.debug({ ms: Math.round(performance.now() - t0) }, 'verification done, journaling');
    const stored = await appendRecord(journal, 'mutation-result', record);
    const interrupted = opts.interruptedAfterRecord;
    if (interrupted) unhook = onInterrupt(() => interrupted(stored));
    const bundle = sidecar
      ? bundleAfterRecord(() =>
          writeSidecar(sidecar, verificationBundle(stored, rawRef('mutation-verification-record', `${journal}#${id}`, stored), {
            proposal: prepared.ok ? bytesRef('proposal-file', prepared.path, prepared.bytes) : undefined,
            patch: prepared.ok ? bytesRef('patch', prepared.patch.path ?? `${prepared.path}#patch`, prepared.patch.bytes) : undefined,
          })),
        )
      : {};
    log.debug({ ms: Math.round(performance.now() - t0) }, 'journaled');
    return { record: stored, journal, ...bundle };
  } finally {
    await removed;
    unhook?.();
    log.debug({ ms: Math.round(performance.now() - t0) }, 'candidate removed');
  }
}

interface CandidateIo {
  journal: string;
  logDir: string;
  listing: Promise<LiveListing>;
}

/** Runs P1 in the candidate; the candidate's removal (or, with --keep-worktree, the note saying where it is) is returned as a promise. */
async function verifyInCandidate(ctx: GateContext, p: PreparedProposal, paths: CandidatePaths, io: CandidateIo): Promise<{ draft: VerifyDraft; removed: Promise<void> }> {
  const release = guardCandidate(paths, ctx.keepWorktree);
  const dispose = async () => {
    try {
      if (ctx.keepWorktree) getLogger().info({ candidate: paths.dir }, `kept the candidate at ${paths.dir}`);
      else await removeCandidateFast(paths);
    } finally {
      release(); // only now: an interrupt during the removal still removes the candidate
    }
  };
  let draft: VerifyDraft;
  try {
    draft = await checkInCandidate(ctx, p, paths, io);
  } catch (e) {
    await dispose();
    throw e;
  }
  return { draft, removed: dispose() };
}

async function checkInCandidate(ctx: GateContext, p: PreparedProposal, paths: CandidatePaths, io: CandidateIo): Promise<VerifyDraft> {
  const t0 = performance.now();
  const log = getLogger();
  const detecting = nixInfo(ctx.checkEnv); // `nix --version` runs while the candidate is copied
  const pinging = nixStoreProblem(ctx.pass, ctx.checkEnv); // and so does `nix store ping`
  let candidate: Candidate;
  try {
    const exclusions = exclusionContext(ctx.root, { memoryDir: ctx.memoryDir, files: [p.path, p.patch.path, io.journal] });
    candidate = await buildCandidate(ctx.root, paths, exclusions, { bytes: p.patch.bytes, files: p.files }, io.listing);
  } catch (e) {
    const nixVersion = (await detecting).version;
    await pinging;
    return { proposalFingerprint: p.fingerprint, nixVersion, status: 'error', reason: `failed to create isolated candidate: ${describeWithHint(e)}`, rootFingerprint: unavailable('candidate-failed'), checks: [] };
  }
  const nix = await detecting;
  const base = { proposalFingerprint: p.fingerprint, nixVersion: nix.version };
  const rooted = { ...base, rootFingerprint: candidate.rootFingerprint };
  log.debug({ files: candidate.entries.length, ms: Math.round(performance.now() - t0) }, 'candidate built');
  const storeProblem = await pinging;
  if (storeProblem) return { ...rooted, status: 'error', reason: storeProblem, checks: [] };
  const applied = await applyToCandidate(candidate, p.files, io.logDir, REASONS.applyFailed);
  const broken = (why: string) => `failed to create isolated candidate: ${why}`;
  if (!applied.ok) {
    const reason = applied.failure === 'error' ? broken(applied.problem) : applied.problem;
    return { ...rooted, status: applied.failure, reason, checks: applied.check ? [applied.check] : [] };
  }
  const plan: PlanContext = { candidateDir: paths.dir, nix, pass: ctx.pass, timeouts: ctx.policy.timeouts };
  const planned = [
    defaultFlakeCheck(plan),
    ...p.checks.map((c) => plannedProposalCheck(c.check, c.shape, plan)),
    ...ctx.policy.operatorChecks.map((c) => plannedOperatorCheck(c, plan)),
  ];
  log.debug({ ms: Math.round(performance.now() - t0) }, 'patch applied and staged');
  // The checks start first; git computes the tree id (from a copy of the index) meanwhile.
  const checking = runChecks(planned, { cwd: paths.dir, env: ctx.checkEnv, jobs: ctx.jobs, failFast: ctx.failFast, logDir: io.logDir, firstIndex: 1, nix, progress: ctx.progress });
  const treeId = applied.tree();
  let results: CheckResult[];
  try {
    results = await checking;
  } finally {
    await treeId; // never rejects; settled before the candidate is removed
  }
  log.debug({ ms: Math.round(performance.now() - t0) }, 'checks done');
  const tree = await treeId;
  const checks = [applied.check, ...results];
  if (!tree.ok) return { ...rooted, status: 'error', reason: broken(tree.reason), checks };
  return draftFromChecks(checks, { ...rooted, candidateTree: tree.id });
}
