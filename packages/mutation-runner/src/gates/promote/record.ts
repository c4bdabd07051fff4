import { nowRfc3339 } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION, type CheckResult, type MutationPromotionRecord, type MutationProposal } from '@autopoietic/core/schemas';
import { verdictOf } from '../../checks/status.js';
import type { ProposalIdentity } from '../../proposal/read.js';
import type { IdentityChoice } from '../install/seeds.js';
import { promotionMetadata } from './identity.js';

/** What a P2 run found, before it becomes a record. */
export interface PromoteDraft {
  status: MutationPromotionRecord['status'];
  reason: string;
  proposalFingerprint: string;
  verificationId?: string | undefined;
  verifiedRoot?: string | undefined;
  promotionRoot: string;
  checks: CheckResult[];
  candidateTree?: string | undefined;
  nixVersion?: string | null | undefined;
  /** The promoted candidate's identity host (read once the patch is replayed). */
  identity?: IdentityChoice | undefined;
}

export const PROMOTE_REASONS = {
  promoted: 'all promotion checks passed',
  rejected: 'one or more promotion checks failed',
  applyFailed: 'patch application failed during promotion replay',
} as const;

export function promoteDraftFromChecks(checks: CheckResult[], base: Omit<PromoteDraft, 'status' | 'reason' | 'checks'>): PromoteDraft {
  const v = verdictOf(checks);
  if (v.kind === 'pass') return { ...base, checks, status: 'promoted', reason: PROMOTE_REASONS.promoted };
  if (v.kind === 'reject') return { ...base, checks, status: 'rejected', reason: PROMOTE_REASONS.rejected };
  return { ...base, checks, status: 'error', reason: `one or more promotion checks could not run: ${v.errored.join(', ')}` };
}

export interface PromotionFlags {
  parentGenome: string;
  targetConfiguration: string;
  system: string;
  changedOrgans: string[];
}

export function promotionRecord(args: {
  id: string;
  identity: ProposalIdentity;
  proposal: MutationProposal | undefined;
  flags: PromotionFlags;
  draft: PromoteDraft;
  durationMs: number;
}): MutationPromotionRecord {
  const { draft, proposal, flags } = args;
  const record: MutationPromotionRecord = {
    schema_version: SCHEMA_VERSION,
    promotion_id: args.id,
    timestamp: nowRfc3339(),
    mutation_id: args.identity.mutation_id,
    goal: args.identity.goal,
    phase: 'P2',
    proposal_phase: args.identity.phase,
    status: draft.status,
    reason: draft.reason,
    proposal_fingerprint: draft.proposalFingerprint,
    promotion_root_fingerprint: draft.promotionRoot,
    parent_genome: flags.parentGenome,
    target_configuration: flags.targetConfiguration,
    system: flags.system,
    changed_paths: proposal?.changed_paths ?? [],
    checks: draft.checks,
    duration_ms: Math.max(0, Math.round(args.durationMs)),
  };
  if (draft.verificationId !== undefined) record.verification_id = draft.verificationId;
  if (draft.verifiedRoot !== undefined) record.verified_root_fingerprint = draft.verifiedRoot;
  if (flags.changedOrgans.length) record.changed_organs = flags.changedOrgans;
  const metadata = promotionMetadata(proposal?.metadata, draft.identity);
  if (metadata) record.metadata = metadata;
  if (draft.candidateTree !== undefined) record.candidate_tree = draft.candidateTree;
  if (draft.nixVersion !== undefined) record.nix_version = draft.nixVersion;
  return record;
}
