import { nowRfc3339 } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION, type AttemptScore, type CheckResult, type GeneratorIdentity, type GeneratorRun, type LineageAttempt } from '@autopoietic/core/schemas';

/**
 * The lineage record of one attempt (pure). The score is the fraction of P1's checks that
 * passed, and it keeps the checks themselves (name, status, logs) as the evidence it rests on.
 */
export function scoreOf(checks: readonly CheckResult[]): AttemptScore {
  const passed = checks.filter((c) => c.status === 'passed').length;
  return {
    value: checks.length === 0 ? null : passed / checks.length,
    passed,
    total: checks.length,
    checks: checks.map((c) => ({ name: c.name, status: c.status, ...(c.stdout_log ? { stdout_log: c.stdout_log } : {}), ...(c.stderr_log ? { stderr_log: c.stderr_log } : {}) })),
  };
}

export interface AttemptDraft {
  attemptId: string;
  parentAttemptId: string | null;
  runId: string;
  attemptNumber: number;
  goal: string;
  generator: GeneratorIdentity;
  generatorRun?: GeneratorRun | undefined;
  handoffDigest: string | null;
  handoffPath?: string | undefined;
  mutationId?: string | undefined;
  proposalFingerprint?: string | undefined;
  proposalPath?: string | undefined;
  verdict: LineageAttempt['verdict'];
  stage: LineageAttempt['stage'];
  reason: string;
  verificationId?: string | undefined;
  promotionId?: string | undefined;
  promotionStatus?: LineageAttempt['promotion_status'];
  checks: readonly CheckResult[];
  durations: LineageAttempt['durations'];
}

export function attemptRecord(d: AttemptDraft): LineageAttempt {
  const r: LineageAttempt = {
    schema_version: SCHEMA_VERSION,
    attempt_id: d.attemptId,
    parent_attempt_id: d.parentAttemptId,
    run_id: d.runId,
    attempt_number: d.attemptNumber,
    timestamp: nowRfc3339(),
    goal: d.goal,
    generator: { command: d.generator.command, argv: d.generator.argv, files: d.generator.files, digest: d.generator.digest },
    handoff_digest: d.handoffDigest,
    verdict: d.verdict,
    stage: d.stage,
    reason: d.reason,
    score: scoreOf(d.checks),
    durations: d.durations,
  };
  if (d.generatorRun) r.generator_run = d.generatorRun;
  if (d.handoffPath) r.handoff_path = d.handoffPath;
  if (d.mutationId) r.mutation_id = d.mutationId;
  if (d.proposalFingerprint) r.proposal_fingerprint = d.proposalFingerprint;
  if (d.proposalPath) r.proposal_path = d.proposalPath;
  if (d.verificationId) r.verification_id = d.verificationId;
  if (d.promotionId) r.promotion_id = d.promotionId;
  if (d.promotionStatus) r.promotion_status = d.promotionStatus;
  return r;
}
