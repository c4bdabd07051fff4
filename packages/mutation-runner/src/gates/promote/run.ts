import { join } from 'node:path';
import { describeWithHint } from '@autopoietic/core/cli-kit';
import { newId, unavailable } from '@autopoietic/core/canonical';
import { prepareSidecar, promotionBundle, rawRef, writeSidecar } from '@autopoietic/core/evidence';
import { bundleAfterRecord, type BundleAfterRecord } from '../bundle-after-record.js';
import { appendRecord, checkLedgerFile, ledgerPath, type StoredRecord } from '@autopoietic/core/ledger';
import { loadEvidenceRecords } from '../../pipeline/evidence-ledger.js';
import { gateContext, type GateFlags } from '../../pipeline/context.js';
import { prepareProposal, type PreparedProposal } from '../../pipeline/prepare.js';
import { planCandidate } from '../../pipeline/candidate.js';
import { bindVerification } from './binding.js';
import { promotionRecord, type PromoteDraft, type PromotionFlags } from './record.js';
import { replayInCandidate } from './replay.js';
import { targetPrefixProblem } from './vm-checks.js';

/**
 * P2 promote (docs/verify.md): bind the proposal to its P1 evidence, replay it into a fresh
 * candidate, re-run its expected checks and build the VM checks. Every outcome after the mode
 * check is journaled.
 */
export interface PromoteOptions extends GateFlags, PromotionFlags {
  proposal: string;
  vmChecks: string[];
  journal?: string | undefined;
  verificationJournal?: string | undefined;
  evidenceBundle?: string | undefined;
}

export interface PromoteOutcome extends BundleAfterRecord {
  record: StoredRecord<'mutation-promotion'>;
  journal: string;
}

export async function promoteProposal(opts: PromoteOptions): Promise<PromoteOutcome> {
  const t0 = performance.now();
  const ctx = gateContext(opts, 'mutate-vm', 'promote');
  const where = { root: ctx.root, memoryDir: opts.memoryDir, etcDir: opts.etcDir, cwd: ctx.cwd };
  const journal = ledgerPath('promotions', opts.journal, where);
  const verificationJournal = ledgerPath('results', opts.verificationJournal, where);
  // Before any work: a device or directory could never take (or give) the records.
  for (const ledger of [journal, verificationJournal]) checkLedgerFile(ledger);
  const id = newId('pro');
  const prepared = prepareProposal(opts.proposal, { cwd: ctx.cwd, protectedRules: ctx.policy.protectedRules });
  const planned = planCandidate(ctx.root, ctx.workDir, ctx.cwd);
  const patchPath = prepared.ok ? prepared.patch.path : prepared.patchPath;
  const sidecar = prepareSidecar(opts.evidenceBundle, {
    inputs: [journal, verificationJournal, prepared.path, ...(patchPath ? [patchPath] : [])],
    forbiddenDirs: planned.ok ? [planned.paths.container] : [],
    cwd: ctx.cwd,
  });
  let draft: PromoteDraft;
  let p1: StoredRecord<'mutation-result'> | undefined;
  if (!prepared.ok) {
    draft = { status: prepared.status, reason: prepared.reason, proposalFingerprint: prepared.fingerprint, promotionRoot: unavailable('validation-rejected'), checks: [] };
  } else {
    const bound = await bindP1(prepared, verificationJournal, opts);
    p1 = bound.p1;
    if (bound.draft) draft = bound.draft;
    else if (!planned.ok) draft = { ...bound.base, status: 'error', reason: planned.reason, promotionRoot: unavailable('candidate-not-built'), checks: [] };
    else draft = await replayInCandidate(ctx, prepared, bound.p1!, planned.paths, { ...opts, journals: [journal, verificationJournal], logDir: join(ctx.memoryDir, 'logs', id) });
  }
  const identity = prepared.ok ? { mutation_id: prepared.proposal.mutation_id, goal: prepared.proposal.goal, phase: prepared.proposal.phase } : prepared.identity;
  const record = promotionRecord({ id, identity, proposal: prepared.proposal, flags: opts, draft, durationMs: performance.now() - t0 });
  const stored = await appendRecord(journal, 'mutation-promotion', record);
  if (!sidecar) return { record: stored, journal };
  const raw = rawRef('mutation-promotion-record', `${journal}#${id}`, stored);
  const verificationRaw = p1 ? rawRef('mutation-verification-record', `${verificationJournal}#${p1.verification_id}`, p1) : undefined;
  return { record: stored, journal, ...bundleAfterRecord(() => writeSidecar(sidecar, promotionBundle(stored, raw, { verification: p1, verificationRaw }))) };
}

/**
 * The P1 record this promotion rests on. Returns a finished draft when there is none to rest on
 * (unreadable journal, no evidence, a changed proposal, not verified, a VM check outside the
 * target), otherwise the record and the draft fields it fixes.
 */
async function bindP1(
  prepared: PreparedProposal,
  journal: string,
  opts: PromoteOptions,
): Promise<{ p1?: StoredRecord<'mutation-result'>; draft?: PromoteDraft; base: Pick<PromoteDraft, 'proposalFingerprint' | 'verificationId' | 'verifiedRoot'> }> {
  const fp = prepared.fingerprint;
  let records: StoredRecord<'mutation-result'>[];
  try {
    records = await loadEvidenceRecords(journal, 'mutation-result', 'verification');
  } catch (e) {
    const draft: PromoteDraft = { status: 'error', reason: `failed to read P1 verification evidence: ${describeWithHint(e)}`, proposalFingerprint: fp, promotionRoot: unavailable('verification-journal-error'), checks: [] };
    return { draft, base: { proposalFingerprint: fp } };
  }
  const binding = bindVerification(records, prepared.proposal.mutation_id, fp, journal);
  const p1 = binding.ok ? binding.verification : binding.verification;
  const base = { proposalFingerprint: fp, verificationId: p1?.verification_id, verifiedRoot: p1?.root_fingerprint };
  if (!binding.ok) return { p1, base, draft: { ...base, status: 'rejected', reason: binding.reason, promotionRoot: binding.promotionRoot, checks: [] } };
  const prefix = targetPrefixProblem(opts.vmChecks, opts.targetConfiguration);
  if (prefix) return { p1, base, draft: { ...base, status: 'rejected', reason: prefix, promotionRoot: unavailable('target-mismatch'), checks: [] } };
  return { p1, base };
}
