import type { EvidenceBundle, ProvenanceRef } from '../schemas/evidence.js';
import type { MutationPromotionRecord } from '../schemas/promotion.js';
import type { MutationVerificationRecord } from '../schemas/verification.js';
import { assembleBundle, keyedMap, type FactSpec } from './assemble.js';
import { compareProposals, compareRoots, compareTargetPrefix, compareVmStatuses, vmChecks } from './comparisons.js';
import { rawRef } from './refs.js';

export const P1_LIMITS = [
  'No VM was booted in P1.',
  'Nothing was installed and nothing live was written.',
  'Verified is neither promoted nor accepted.',
];

export const P2_LIMITS = [
  'Promoted is not accepted into lineage.',
  'Nothing was written to installed memory.',
  'No live switch was performed.',
];

const P1_CLAIMS = { verified: 'mutation verified', rejected: 'mutation rejected', error: 'verification errored' } as const;
const P2_CLAIMS = { promoted: 'mutation promoted', rejected: 'promotion rejected', error: 'promotion errored' } as const;

/** Extra P1 inputs the verify command knows: the proposal file and the patch, by exact bytes (see bytesRef). */
export interface VerificationContext {
  proposal?: ProvenanceRef | undefined;
  patch?: ProvenanceRef | undefined;
}

/** The P1 `check-list` input: name, command and args of every check, in order (args `[]` when absent). */
export function checkList(checks: MutationVerificationRecord['checks']): { name: string; command: string; args: string[] }[] {
  return checks.map((c) => ({ name: c.name, command: c.command, args: c.args ?? [] }));
}

function checkStatuses(checks: MutationVerificationRecord['checks']): Record<string, string> {
  return keyedMap(
    checks.map((c) => c.name),
    checks.map((c) => c.status),
  );
}

/** P1: a verification record as an evidence bundle. */
export function verificationBundle(record: MutationVerificationRecord, raw: ProvenanceRef, ctx: VerificationContext = {}): EvidenceBundle {
  const id = record.verification_id;
  const facts: FactSpec[] = [
    { kind: 'mutation-id', value: record.mutation_id },
    { kind: 'proposal-fingerprint', value: record.proposal_fingerprint },
    { kind: 'root-fingerprint', value: record.root_fingerprint },
    { kind: 'status', value: record.status },
    { kind: 'changed-paths', value: record.changed_paths },
    { kind: 'check-statuses', value: checkStatuses(record.checks) },
  ];
  if (record.candidate_tree) facts.push({ kind: 'candidate-tree', value: record.candidate_tree });
  const extraInputs = [
    ...(ctx.proposal ? [{ name: 'proposal', provenance: ctx.proposal }] : []),
    ...(ctx.patch ? [{ name: 'patch', provenance: ctx.patch }] : []),
    { name: 'checks', provenance: rawRef('check-list', `${raw.source}#checks`, checkList(record.checks)) },
  ];
  return assembleBundle({
    bundleId: `evidence:${id}`,
    phase: record.phase,
    prefix: id,
    subject: { mutation_id: record.mutation_id, proposal_fingerprint: record.proposal_fingerprint, root_fingerprint: record.root_fingerprint },
    raw,
    extraInputs,
    summary: `P1 verification ${id} of ${record.mutation_id}: ${record.status} (${record.reason})`,
    observedAt: record.timestamp,
    facts,
    claim: { name: 'verification', text: P1_CLAIMS[record.status], keyFacts: ['status', 'check-statuses'], limits: P1_LIMITS },
  });
}

/** What the promote command knows besides its record: the P1 record it relied on, if any. */
export interface PromotionContext {
  verification?: MutationVerificationRecord | undefined;
  /** Provenance of that P1 record (normally `rawRef('mutation-verification-record', '<journal>#<id>', record)`). */
  verificationRaw?: ProvenanceRef | undefined;
}

/** P2: a promotion record as an evidence bundle, with root, proposal, target and VM-status comparisons. */
export function promotionBundle(record: MutationPromotionRecord, raw: ProvenanceRef, ctx: PromotionContext = {}): EvidenceBundle {
  const id = record.promotion_id;
  const vms = vmChecks(record.checks);
  const facts: FactSpec[] = [
    { kind: 'mutation-id', value: record.mutation_id },
    { kind: 'proposal-fingerprint', value: record.proposal_fingerprint },
    { kind: 'promotion-root-fingerprint', value: record.promotion_root_fingerprint },
    { kind: 'verified-root-fingerprint', value: record.verified_root_fingerprint ?? null },
    { kind: 'verification-id', value: record.verification_id ?? null },
    { kind: 'target-configuration', value: record.target_configuration },
    { kind: 'status', value: record.status },
    { kind: 'changed-paths', value: record.changed_paths },
    { kind: 'check-statuses', value: checkStatuses(record.checks) },
  ];
  if (vms.some((c) => c.out_paths?.length)) {
    facts.push({ kind: 'vm-check-out-paths', value: keyedMap(vms.map((c) => c.name), vms.map((c) => c.out_paths ?? [])) });
  }
  const p1 = ctx.verification;
  const p1Raw = p1 ? (ctx.verificationRaw ?? rawRef('mutation-verification-record', `mutation-results.jsonl#${p1.verification_id}`, p1)) : undefined;
  const extraInputs = p1Raw ? [{ name: 'verification', provenance: p1Raw }] : [];
  const comparisons = [
    compareRoots(record.verified_root_fingerprint, record.promotion_root_fingerprint),
    compareProposals(p1?.proposal_fingerprint, record.proposal_fingerprint),
    compareTargetPrefix(record.target_configuration, record.checks),
    compareVmStatuses(record.checks),
  ];
  return assembleBundle({
    bundleId: `evidence:${id}`,
    phase: record.phase,
    prefix: id,
    subject: {
      mutation_id: record.mutation_id,
      proposal_fingerprint: record.proposal_fingerprint,
      root_fingerprint: record.promotion_root_fingerprint,
    },
    raw,
    extraInputs,
    summary: `P2 promotion ${id} of ${record.mutation_id} to ${record.target_configuration}: ${record.status} (${record.reason})`,
    observedAt: record.timestamp,
    facts,
    comparisons,
    claim: {
      name: 'promotion',
      text: P2_CLAIMS[record.status],
      keyFacts: ['status', 'promotion-root-fingerprint'],
      limits: P2_LIMITS,
    },
  });
}
