import type { MutationVerificationRecord } from '@autopoietic/core/schemas';

/**
 * Which P1 record a promotion rests on (pure). The evidence is the LATEST verification record
 * with the same mutation_id AND the same proposal fingerprint: a newer run of a different
 * proposal version (rejected or not) does not hide a verified run of this version, while a newer
 * rejected run of this same version does. Every way of not finding usable evidence has its own
 * precise reason; the root comparison comes later, once the candidate is built.
 */
export type BindingFailure = 'no-evidence' | 'proposal-changed' | 'not-verified';

export type Binding<R extends MutationVerificationRecord> =
  | { ok: true; verification: R }
  | { ok: false; kind: BindingFailure; reason: string; verification?: R; promotionRoot: string };

export function bindVerification<R extends MutationVerificationRecord>(records: readonly R[], mutationId: string, fingerprint: string, journal: string): Binding<R> {
  const same = records.filter((r) => r.mutation_id === mutationId);
  if (same.length === 0) {
    return { ok: false, kind: 'no-evidence', reason: `no P1 verification evidence found for mutation ${mutationId} in ${journal}`, promotionRoot: 'unavailable:no-verification-evidence' };
  }
  const matching = same.filter((r) => r.proposal_fingerprint === fingerprint);
  if (matching.length === 0) {
    const latest = same[same.length - 1]!;
    return {
      ok: false,
      kind: 'proposal-changed',
      reason: `P1 verification evidence does not match the current proposal fingerprint: the latest verification ${latest.verification_id} of mutation ${mutationId} checked proposal ${latest.proposal_fingerprint}, the proposal is now ${fingerprint}; verify this version first`,
      verification: latest,
      promotionRoot: 'unavailable:fingerprint-mismatch',
    };
  }
  const latest = matching[matching.length - 1]!;
  if (latest.status !== 'verified') {
    return {
      ok: false,
      kind: 'not-verified',
      reason: `P1 verification ${latest.verification_id} is not verified (status ${latest.status}: ${latest.reason})`,
      verification: latest,
      promotionRoot: 'unavailable:not-verified',
    };
  }
  return { ok: true, verification: latest };
}

/** The root the candidate was built from must be the one P1 verified. */
export function rootMismatch(verification: MutationVerificationRecord, current: string): string | undefined {
  if (verification.root_fingerprint === current) return undefined;
  return `root fingerprint does not match P1 verification ${verification.verification_id}: it verified root ${verification.root_fingerprint}, the genome is now ${current}; verify again`;
}
