import { posix } from 'node:path';
import { AosError, usageError } from '@autopoietic/core/cli-kit';
import { ownParentError } from '@autopoietic/core/vocab';
import type { MutationPromotionRecord, MutationVerificationRecord } from '@autopoietic/core/schemas';
import { IDENTITY_PATH } from './seeds.js';

/**
 * Pure selection and validation rules of install-plan (design inventory 3.6): which promotion and
 * which verification record a plan is built from, and whether that evidence may enter P3 lineage.
 * install-apply re-runs the same rules against the ledgers (evidence.ts), so there is one copy.
 */

export interface PromotionSelector {
  promotionId?: string | undefined;
  mutationId?: string | undefined;
}

export function describeSelector(sel: PromotionSelector): string {
  const parts: string[] = [];
  if (sel.promotionId !== undefined) parts.push(`promotion_id=${sel.promotionId}`);
  if (sel.mutationId !== undefined) parts.push(`mutation_id=${sel.mutationId}`);
  return parts.join(' AND ');
}

/** The one promotion record matching every given selector (AND). Zero or several matches are errors. */
export function selectPromotion<P extends Pick<MutationPromotionRecord, 'promotion_id' | 'mutation_id'>>(
  records: readonly P[],
  sel: PromotionSelector,
  ledger: string,
): P {
  if (sel.promotionId === undefined && sel.mutationId === undefined) {
    throw usageError('selector-missing', 'install-plan needs --promotion-id or --mutation-id (or both)', 'Name the promotion to install, e.g. --promotion-id pro-....');
  }
  const matches = records.filter(
    (r) => (sel.promotionId === undefined || r.promotion_id === sel.promotionId) && (sel.mutationId === undefined || r.mutation_id === sel.mutationId),
  );
  const first = matches[0];
  if (first === undefined) {
    throw new AosError('promotion-not-found', `no matching promotion evidence found for ${describeSelector(sel)} in ${ledger}`, {
      hint: 'Run `mutation-runner promote` for this mutation first, or check the selector and --promotion-journal / --memory-dir.',
    });
  }
  if (matches.length > 1) {
    const ids = matches.map((m) => m.promotion_id).join(', ');
    const duplicated = sel.promotionId !== undefined;
    throw new AosError(
      'promotion-ambiguous',
      `multiple promotion records matched selector ${describeSelector(sel)}; rerun with a unique --promotion-id (matched: ${ids})`,
      {
        hint: duplicated
          ? `The ledger ${ledger} holds the promotion id ${sel.promotionId} more than once; run \`mutation-journal ledger verify\` on it and resolve the duplicate.`
          : 'Pass --promotion-id to pick one of the matched records.',
      },
    );
  }
  return first;
}

/** Evidence problems are gate errors (exit 1): the flags were fine, the ledgers do not allow it. */
function evidenceError(code: string, message: string, hint: string): AosError {
  return new AosError(code, message, { hint });
}

/** A promotion may enter P3 lineage only when it is promoted, bound to P1 and backed by passing VM checks. */
export function validatePromotion(p: MutationPromotionRecord): void {
  const id = p.promotion_id;
  if (p.status !== 'promoted') {
    throw evidenceError('promotion-not-promoted', `install-plan requires promoted P2 evidence; promotion ${id} is ${p.status} (${p.reason})`, 'Promote the mutation with `mutation-runner promote` and plan from the promoted record.');
  }
  if (!p.verification_id) {
    throw evidenceError('promotion-unbound', `promotion ${id} is missing verification_id: it is not bound to P1 evidence`, 'Re-run `mutation-runner promote`; a promoted record always names its P1 verification.');
  }
  if (!p.verified_root_fingerprint?.startsWith('sha256:')) {
    throw evidenceError('promotion-unbound', `promotion ${id} is missing verified_root_fingerprint`, 'Re-run `mutation-runner promote`; a promoted record carries the P1 root fingerprint.');
  }
  if (p.checks.length === 0 || !p.checks.some((c) => c.name.startsWith('vm-check:'))) {
    throw evidenceError('promotion-no-vm-check', `promotion ${id} is missing VM check evidence (no vm-check:* check)`, 'Promote with at least one --vm-check so the mutation was exercised in a VM check.');
  }
  const failing = p.checks.filter((c) => c.status !== 'passed');
  if (failing.length > 0) {
    throw evidenceError('promotion-checks-failed', `promotion ${id} has non-passing checks: ${failing.map((c) => `${c.name} (${c.status})`).join(', ')}`, 'Only a promotion whose checks all passed can be installed.');
  }
  if (p.promotion_root_fingerprint.startsWith('sha256:') && p.promotion_root_fingerprint !== p.verified_root_fingerprint) {
    throw evidenceError('promotion-stale', `promotion ${id}: promotion_root_fingerprint differs from verified_root_fingerprint`, 'The genome changed between P1 and P2; verify and promote again.');
  }
}

/** The one verification record the promotion names (same verification_id and mutation_id). */
export function selectVerification<V extends Pick<MutationVerificationRecord, 'verification_id' | 'mutation_id'>>(
  records: readonly V[],
  p: Pick<MutationPromotionRecord, 'verification_id' | 'mutation_id' | 'promotion_id'>,
  ledger: string,
): V {
  const matches = records.filter((r) => r.verification_id === p.verification_id && r.mutation_id === p.mutation_id);
  const first = matches[0];
  if (first === undefined) {
    throw evidenceError('verification-not-found', `no P1 verification record ${p.verification_id} for mutation ${p.mutation_id} (named by promotion ${p.promotion_id}) in ${ledger}`, 'Point --verification-journal (or --memory-dir) at the ledger verify wrote to.');
  }
  if (matches.length > 1) {
    throw evidenceError('verification-ambiguous', `multiple verification records matched verification_id ${p.verification_id} in ${ledger}`, `Run \`mutation-journal ledger verify\` on ${ledger} and resolve the duplicate.`);
  }
  return first;
}

/** The P1 seed must be verified, fully passing and the very evidence the promotion was bound to. */
export function validateSeed(v: MutationVerificationRecord, p: MutationPromotionRecord): void {
  const id = v.verification_id;
  if (v.status !== 'verified') {
    throw evidenceError('verification-not-verified', `P1 verification ${id} is ${v.status}, not verified`, 'Only verified P1 evidence can seed an install.');
  }
  const failing = v.checks.filter((c) => c.status !== 'passed');
  if (failing.length > 0) {
    throw evidenceError('verification-checks-failed', `P1 verification ${id} has non-passing checks: ${failing.map((c) => `${c.name} (${c.status})`).join(', ')}`, 'Verify the mutation again; every P1 check must pass.');
  }
  if (v.proposal_fingerprint !== p.proposal_fingerprint) {
    throw evidenceError('verification-mismatch', `P1 verification ${id} proposal fingerprint ${v.proposal_fingerprint} does not match promotion ${p.promotion_id} (${p.proposal_fingerprint})`, 'The proposal changed between P1 and P2; verify and promote the same version.');
  }
  if (v.root_fingerprint !== p.verified_root_fingerprint) {
    throw evidenceError('verification-mismatch', `P1 verification ${id} root fingerprint does not match the verified root of promotion ${p.promotion_id}`, 'The promotion is bound to a different P1 run; verify and promote again.');
  }
}

/**
 * Flag values install-plan checks before it reads anything (usage errors, exit 2). The installed
 * memory dir, which may come from the host policy, is checked once known (checkInstalledDir).
 */
export function validatePlanArgs(args: {
  promotionId?: string | undefined;
  mutationId?: string | undefined;
  targetRoot: string;
  parentGeneration: string;
  resultingGeneration: string;
}): void {
  if (!args.targetRoot.startsWith('/')) {
    throw usageError('target-root-relative', `--target-root must be an absolute path (got ${JSON.stringify(args.targetRoot)})`, 'Pass the mount point of the installed system, e.g. --target-root /mnt.');
  }
  for (const [flag, value] of [['--parent-generation', args.parentGeneration], ['--resulting-generation', args.resultingGeneration]] as const) {
    if (!/\S/.test(value)) throw usageError('generation-label-blank', `${flag} must not be blank`, 'Give a generation label such as gen-child.');
  }
  // It planned (and with --record journaled) a generation that descends from itself.
  const ownParent = ownParentError(
    { parent: '--parent-generation', generation: '--resulting-generation' },
    { parent: args.parentGeneration, generation: args.resultingGeneration },
    'Give --parent-generation the label of the generation the install descends from (the one installed now), and --resulting-generation a new label.',
  );
  if (ownParent) throw ownParent;
  // A blank selector matched no record: exit 1 "no matching promotion evidence for promotion_id=",
  // as if the ledger lacked it, when the flag's value was what was missing.
  for (const [flag, value] of [['--promotion-id', args.promotionId], ['--mutation-id', args.mutationId]] as const) {
    if (value !== undefined && !/\S/.test(value)) {
      throw usageError('flag-blank', `${flag} must not be blank`, 'Give the id that promote printed (promotion_id or mutation_id), or leave the flag out.');
    }
  }
}

/**
 * An absolute, normalized directory inside the installed system (no `.`/`..` components) that can
 * hold the seed ledgers: not the identity seed file nor under it, or the plan would ask for both a
 * file and a directory at one path, which install-apply refuses.
 */
export function checkInstalledDir(dir: string, from: string): void {
  const parts = dir.split('/');
  if (!dir.startsWith('/') || parts.some((p) => p === '.' || p === '..')) {
    throw usageError('installed-path-invalid', `${from} must be an absolute path without . or .. components (got ${JSON.stringify(dir)})`, 'For example /var/lib/autopoietic.');
  }
  const normal = posix.normalize(`${dir}/`);
  if (normal.startsWith(`${IDENTITY_PATH}/`)) {
    throw usageError('installed-path-invalid', `${from} ${dir} would put the seed ledgers at or under the identity seed ${IDENTITY_PATH}, which is a file`, 'Pick a directory of its own, e.g. /var/lib/autopoietic.');
  }
}
