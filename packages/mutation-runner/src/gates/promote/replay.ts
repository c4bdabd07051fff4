import { nixInfo, nixStoreProblem, type NixInfo } from '@autopoietic/core/adapters';
import { describeWithHint, getLogger } from '@autopoietic/core/cli-kit';
import { unavailable } from '@autopoietic/core/canonical';
import type { CheckResult, MutationVerificationRecord } from '@autopoietic/core/schemas';
import { plannedProposalCheck, plannedVmCheck, type PlanContext } from '../../checks/plan.js';
import { runChecks } from '../../checks/run.js';
import { exclusionContext } from '../../candidate/exclusions.js';
import { applyToCandidate, buildCandidate, guardCandidate, removeCandidateFast, type Candidate, type CandidatePaths } from '../../pipeline/candidate.js';
import type { GateContext } from '../../pipeline/context.js';
import type { PreparedProposal } from '../../pipeline/prepare.js';
import { rootMismatch } from './binding.js';
import { readIdentityHost } from './identity.js';
import { featureProblem, machineFeatures, systemProblem, type MachineFeatures } from './kvm.js';
import { PROMOTE_REASONS, promoteDraftFromChecks, type PromoteDraft } from './record.js';
import { evaluateTarget } from './target-config.js';
import { discoverVmChecks } from './vm-checks.js';

/**
 * The part of P2 that happens in the fresh candidate: build it (its root fingerprint must equal
 * P1's), replay the patch, list `checks.<system>` and preflight system features before anything
 * builds, then run the proposal's expected checks and the VM builds.
 */
export interface ReplayIo {
  vmChecks: string[];
  system: string;
  targetConfiguration: string;
  journals: string[];
  logDir: string;
}

export async function replayInCandidate(ctx: GateContext, p: PreparedProposal, p1: MutationVerificationRecord, paths: CandidatePaths, io: ReplayIo): Promise<PromoteDraft> {
  const detecting = nixInfo(ctx.checkEnv); // `nix --version` runs while the candidate is copied
  const pinging = nixStoreProblem(ctx.pass, ctx.checkEnv); // and so does `nix store ping`
  const release = guardCandidate(paths, ctx.keepWorktree);
  try {
    let candidate: Candidate;
    const exclusions = exclusionContext(ctx.root, { memoryDir: ctx.memoryDir, files: [p.path, p.patch.path, ...io.journals] });
    try {
      candidate = await buildCandidate(ctx.root, paths, exclusions, { bytes: p.patch.bytes, files: p.files });
    } catch (e) {
      const nixVersion = (await detecting).version;
      await pinging;
      return { proposalFingerprint: p.fingerprint, verificationId: p1.verification_id, verifiedRoot: p1.root_fingerprint, nixVersion, status: 'error', reason: `failed to create isolated promotion candidate: ${describeWithHint(e)}`, promotionRoot: unavailable('candidate-failed'), checks: [] };
    }
    const nix = await detecting;
    const bound = { proposalFingerprint: p.fingerprint, verificationId: p1.verification_id, verifiedRoot: p1.root_fingerprint, nixVersion: nix.version };
    const rooted = { ...bound, promotionRoot: candidate.rootFingerprint };
    const drift = rootMismatch(p1, candidate.rootFingerprint);
    if (drift) return { ...rooted, status: 'rejected', reason: drift, checks: [] };
    const storeProblem = await pinging;
    if (storeProblem) return { ...rooted, status: 'error', reason: storeProblem, checks: [] };
    // Nothing is listed or built with a nix that cannot say which Nix it is (see checks/run.ts).
    if (!nix.available) return { ...rooted, status: 'error', reason: `nix-unusable: ${nix.problem ?? 'nix --version failed'}`, checks: [] };
    const applied = await applyToCandidate(candidate, p.files, io.logDir, PROMOTE_REASONS.applyFailed);
    const broken = (why: string) => `failed to create isolated promotion candidate: ${why}`;
    if (!applied.ok) {
      const reason = applied.failure === 'error' ? broken(applied.problem) : applied.problem;
      return { ...rooted, status: applied.failure, reason, checks: applied.check ? [applied.check] : [] };
    }
    const tree = await applied.tree();
    if (!tree.ok) return { ...rooted, status: 'error', reason: broken(tree.reason), checks: [applied.check] };
    // What install-plan will seed as the host: read from the promoted files, before any check runs.
    const identity = await readIdentityHost(paths.dir, io.targetConfiguration);
    const staged = { ...rooted, candidateTree: tree.id, identity };
    const checks: CheckResult[] = [applied.check];
    // The target configuration is evaluated while the VM checks are listed. Logs are numbered
    // in record order: 00 apply-patch, 01 list-vm-checks, 02 target-configuration, then the checks.
    const timeoutMs = ctx.policy.timeouts.base * 1000;
    const [gate, target] = await Promise.all([
      vmGate(ctx, nix, paths.dir, io),
      evaluateTarget({ dir: paths.dir, target: io.targetConfiguration, pass: ctx.pass, env: ctx.checkEnv, logDir: io.logDir, index: 2, timeoutMs }),
    ]);
    checks.push(gate.discovery, target.check);
    // The candidate's answer (rejected) comes before a machine's lack of one (error), and the
    // target before its VM checks: with a mistyped --target-configuration both are missing, and
    // "VM check 'seedd-smoke' is not defined" hid the cause and the configurations there are.
    const problems = [target.problem, gate.problem].filter((x) => x !== undefined);
    const problem = problems.find((x) => x.status === 'rejected') ?? problems[0];
    if (problem) return { ...staged, ...problem, checks: [...checks, ...(problem === gate.problem ? gate.blocked : [])] };
    const plan: PlanContext = { candidateDir: paths.dir, nix, pass: ctx.pass, timeouts: ctx.policy.timeouts };
    const planned = [...p.checks.map((c) => plannedProposalCheck(c.check, c.shape, plan)), ...io.vmChecks.map((n) => plannedVmCheck(n, io.system, plan))];
    const results = await runChecks(planned, { cwd: paths.dir, env: ctx.checkEnv, jobs: ctx.jobs, failFast: ctx.failFast, logDir: io.logDir, firstIndex: 3, nix, progress: ctx.progress });
    return promoteDraftFromChecks([...checks, ...results], staged);
  } finally {
    release();
    if (ctx.keepWorktree) getLogger().info({ candidate: paths.dir }, `kept the candidate at ${paths.dir}`);
    else await removeCandidateFast(paths);
  }
}

interface VmGate {
  discovery: CheckResult;
  problem?: { status: 'rejected' | 'error'; reason: string };
  /** `vm-check:<name>` entries that were refused before building (system or KVM preflight). */
  blocked: CheckResult[];
}

/** Lists checks.<system>, refuses missing VM checks, and preflights the system and the required features (KVM) before anything builds. */
async function vmGate(ctx: GateContext, nix: NixInfo, dir: string, io: ReplayIo): Promise<VmGate> {
  const found = await discoverVmChecks({ dir, system: io.system, names: io.vmChecks, nix, pass: ctx.pass, env: ctx.checkEnv, logDir: io.logDir, index: 1, timeoutMs: ctx.policy.timeouts.base * 1000 });
  const discovery = found.check;
  if (!found.names) {
    const status = discovery.status === 'failed' ? 'rejected' : 'error';
    return { discovery, blocked: [], problem: { status, reason: `could not list checks.${io.system} of the candidate flake (${discovery.reason ?? `exit ${discovery.exit_code}`}); see the list-vm-checks log` } };
  }
  const missing = io.vmChecks.filter((n) => !found.names!.includes(n));
  if (missing.length) {
    const available = found.names.length ? found.names.join(', ') : 'none';
    return { discovery, blocked: [], problem: { status: 'rejected', reason: `VM check ${missing.map((m) => `'${m}'`).join(', ')} is not defined in checks.${io.system} of the candidate flake (available: ${available})` } };
  }
  let machine: MachineFeatures;
  try {
    machine = await machineFeatures(nix, ctx.pass, ctx.checkEnv);
  } catch (e) {
    return { discovery, blocked: [], problem: { status: 'error', reason: `cannot read the Nix configuration for the build preflight: ${describeWithHint(e)}` } };
  }
  const blocked: CheckResult[] = [];
  for (const n of io.vmChecks) {
    const why = systemProblem(io.system, machine) ?? featureProblem(found.features?.[n] ?? [], machine, io.system);
    if (why) blocked.push({ name: `vm-check:${n}`, command: 'nix', status: 'error', exit_code: null, reason: `preflight: ${why}`, stdout: '', stderr: '' });
  }
  if (blocked.length === 0) return { discovery, blocked };
  const names = blocked.map((b) => b.name.slice('vm-check:'.length)).join(', ');
  return { discovery, blocked, problem: { status: 'error', reason: `VM check ${names} cannot run on this machine: ${blocked[0]!.reason!.slice('preflight: '.length)}` } };
}
