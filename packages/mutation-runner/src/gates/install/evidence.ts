import { existsSync } from 'node:fs';
import { AosError } from '@autopoietic/core/cli-kit';
import { canonicalJson } from '@autopoietic/core/canonical';
import type { EffectRecord, GenerationRecord, MutationPromotionRecord, MutationVerificationRecord } from '@autopoietic/core/schemas';
import { underivedPlanPart } from './derivation.js';
import { loadEvidenceRecords } from '../../pipeline/evidence-ledger.js';
import { parseJsonLines, withoutChain } from './ledger-seed.js';
import { ofPlan, type LoadedPlan } from './plan-file.js';
import { selectPromotion, selectVerification, validatePromotion, validateSeed } from './rules.js';
import { EFFECT_TYPES } from './records.js';
import { SEED_SOURCES } from './seeds.js';

/**
 * install-apply trusts nothing in the plan file it did not check against the ledgers: the plan
 * must come from a promotion that is still in the promotion ledger and still passes the P3
 * rules, its P1/P2 seeds must be byte-for-byte those records, and its planned generation must
 * have been recorded (`install-plan --record`), so the lineage it extends really exists.
 */

export interface EvidenceLedgers {
  promotions: string;
  results: string;
  generations: string;
}

export interface Evidence {
  promotion: MutationPromotionRecord;
  verification: MutationVerificationRecord;
  generations: GenerationRecord[];
}

/** Loads the promotion and the verification a plan or selector names, and applies the P3 rules. */
export async function loadEvidence(
  ledgers: Pick<EvidenceLedgers, 'promotions' | 'results'>,
  selector: { promotionId?: string | undefined; mutationId?: string | undefined },
): Promise<Omit<Evidence, 'generations'>> {
  const promotions = (await loadEvidenceRecords(requireLedger(ledgers.promotions, 'promotion'), 'mutation-promotion', 'promotion')) as MutationPromotionRecord[];
  const promotion = selectPromotion(promotions, selector, ledgers.promotions);
  validatePromotion(promotion);
  const results = (await loadEvidenceRecords(requireLedger(ledgers.results, 'verification'), 'mutation-result', 'verification')) as MutationVerificationRecord[];
  const verification = selectVerification(results, promotion, ledgers.results);
  validateSeed(verification, promotion);
  return { promotion, verification };
}

/** A missing evidence ledger is an error that names it (an empty list would only say "no match"). */
function requireLedger(file: string, what: string): string {
  if (!existsSync(file)) {
    throw new AosError('ledger-missing', `${what} ledger ${file} does not exist`, {
      hint: `Pass the ${what} ledger explicitly or the --memory-dir that holds it (verify and promote write there).`,
    });
  }
  return file;
}

function sameRecord(a: object, b: object): boolean {
  return canonicalJson(withoutChain(a)) === canonicalJson(withoutChain(b));
}

function seededRecord(loaded: LoadedPlan, source: string): object | undefined {
  const i = loaded.plan.seed_manifest.files.findIndex((f) => f.source === source);
  const bytes = loaded.bytes[i];
  if (bytes === undefined) return undefined;
  const lines = parseJsonLines(bytes.toString('utf8'), `plan seed ${source}`);
  const first = lines[0]?.value;
  return lines.length === 1 && typeof first === 'object' && first !== null ? first : undefined;
}

function stale(what: string, ledger: string, hint: string): AosError {
  return new AosError('plan-evidence-mismatch', `the plan's ${what} does not match ${ledger}`, { hint });
}

/** Re-checks a plan against the ledgers before anything is written. */
export async function recheckPlanEvidence(loaded: LoadedPlan, ledgers: EvidenceLedgers): Promise<Evidence> {
  const m = loaded.plan.seed_manifest;
  const { promotion, verification } = await loadEvidence(ledgers, { promotionId: m.promotion_id, mutationId: m.mutation_id });
  const replan = 'Plan again with `mutation-runner install-plan --record` from the current ledgers.';
  const p2 = seededRecord(loaded, SEED_SOURCES.promotion);
  if (!p2 || !sameRecord(p2, promotion)) throw stale(`P2 seed (promotion ${promotion.promotion_id})`, ledgers.promotions, replan);
  const p1 = seededRecord(loaded, SEED_SOURCES.verification);
  if (!p1 || !sameRecord(p1, verification)) throw stale(`P1 seed (verification ${verification.verification_id})`, ledgers.results, replan);
  const g = loaded.plan.generation;
  const lineage = seededRecord(loaded, SEED_SOURCES.generation);
  if (!lineage || !sameRecord(lineage, g)) throw stale('lineage seed', 'its own generation record', replan);
  if (g.verification_id !== verification.verification_id || g.target_configuration !== promotion.target_configuration) {
    throw stale('generation record links', ledgers.promotions, replan);
  }
  const underived = underivedPlanPart(loaded.plan, promotion, verification);
  if (underived) {
    throw new AosError('plan-evidence-mismatch', `the plan is not the one promotion ${promotion.promotion_id} (${ledgers.promotions}) gives: ${underived}`, {
      hint: `Install only plans printed by install-plan, unmodified. ${replan}`,
    });
  }
  const generations = (await loadInstallLedger(ledgers.generations, 'generation')) as GenerationRecord[];
  if (!generations.some((r) => r.lineage_status === 'planned' && sameRecord(r, g))) {
    throw new AosError('plan-not-recorded', `planned generation ${g.generation} (promotion ${g.promotion_id}) is not recorded in ${ledgers.generations}`, {
      hint: 'Record the plan first: rerun `mutation-runner install-plan` with the same flags plus --record, or pass the --memory-dir that holds it.',
    });
  }
  return { promotion, verification, generations };
}

/**
 * The generation or effect ledger, whose records say what was planned, applied and reverted: read
 * with its integrity check, as the P1/P2 evidence is. Read alone, a line put in by hand (breaking
 * the hash chain) passed for the `planned` record install-apply requires, and an edited or
 * removed `installed` one let a plan be applied twice; install-revert takes from it the files to
 * remove or restore.
 */
export function loadInstallLedger<N extends 'generation' | 'effect'>(file: string, schema: N) {
  return loadEvidenceRecords(file, schema, schema);
}

/** The latest installed/failed/reverted record for a plan (any of its digests), if any. */
export function latestApplyState(generations: readonly GenerationRecord[], planDigests: readonly string[]): GenerationRecord | undefined {
  return [...generations].reverse().find((r) => ofPlan(r.plan_digest, planDigests) && r.lineage_status !== 'planned');
}

/**
 * The apply_id of this plan's latest install-apply whose effects were journaled but whose outcome
 * (an installed, failed or reverted generation naming it) never was: the run was killed, or the
 * memory directory filled up before its generation record. Its files may be in the target.
 */
export function unrecordedApply(effects: readonly EffectRecord[], generations: readonly GenerationRecord[], planDigests: readonly string[]): string | undefined {
  const writes = effects.filter((e) => e.type === EFFECT_TYPES.write && ofPlan(e.metadata?.plan_digest, planDigests));
  const applyId = writes.at(-1)?.metadata?.apply_id;
  if (applyId === undefined) return undefined;
  const closed = generations.some((g) => ofPlan(g.plan_digest, planDigests) && g.lineage_status !== 'planned' && g.metadata?.apply_id === applyId);
  return closed ? undefined : applyId;
}
