import { nowRfc3339 } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION, type CheckResult, type MutationProposal, type MutationVerificationRecord } from '@autopoietic/core/schemas';
import type { ProposalIdentity } from '../../proposal/read.js';
import { verdictOf } from '../../checks/status.js';

/** What a P1 run found, before it becomes a record. */
export interface VerifyDraft {
  status: MutationVerificationRecord['status'];
  reason: string;
  proposalFingerprint: string;
  rootFingerprint: string;
  checks: CheckResult[];
  candidateTree?: string | undefined;
  nixVersion?: string | null | undefined;
}

export const REASONS = {
  verified: 'all verifier checks passed',
  rejected: 'one or more verifier checks failed',
  applyFailed: 'patch application failed',
} as const;

/** Classifies the checks of a run that got as far as running them. */
export function draftFromChecks(checks: CheckResult[], base: Omit<VerifyDraft, 'status' | 'reason' | 'checks'>): VerifyDraft {
  const v = verdictOf(checks);
  if (v.kind === 'pass') return { ...base, checks, status: 'verified', reason: REASONS.verified };
  if (v.kind === 'reject') return { ...base, checks, status: 'rejected', reason: REASONS.rejected };
  return { ...base, checks, status: 'error', reason: `one or more verifier checks could not run: ${v.errored.join(', ')}` };
}

export function verificationRecord(args: {
  id: string;
  identity: ProposalIdentity;
  proposal: MutationProposal | undefined;
  proposalPath: string;
  draft: VerifyDraft;
  durationMs: number;
}): MutationVerificationRecord {
  const { draft, proposal } = args;
  const record: MutationVerificationRecord = {
    schema_version: SCHEMA_VERSION,
    verification_id: args.id,
    timestamp: nowRfc3339(),
    mutation_id: args.identity.mutation_id,
    goal: args.identity.goal,
    phase: args.identity.phase,
    status: draft.status,
    reason: draft.reason,
    proposal_fingerprint: draft.proposalFingerprint,
    root_fingerprint: draft.rootFingerprint,
    changed_paths: proposal?.changed_paths ?? [],
    checks: draft.checks,
    proposal_path: args.proposalPath,
    duration_ms: Math.max(0, Math.round(args.durationMs)),
  };
  if (proposal?.side_effects?.length) record.side_effects = proposal.side_effects;
  if (proposal?.metadata && Object.keys(proposal.metadata).length) record.metadata = proposal.metadata;
  if (draft.candidateTree !== undefined) record.candidate_tree = draft.candidateTree;
  if (draft.nixVersion !== undefined) record.nix_version = draft.nixVersion;
  return record;
}
