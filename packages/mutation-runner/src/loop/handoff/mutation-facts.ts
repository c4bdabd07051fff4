import { digestCanonical, sha256 } from '@autopoietic/core/canonical';
import type { StoredRecord } from '@autopoietic/core/ledger';
import type { EvidenceBundle, MutationProposal } from '@autopoietic/core/schemas';
import { checkLogRefs, failingChecks, type DetailBudget } from './history-facts.js';
import type { RefBook, TieredFact } from './refs.js';

/**
 * Facts for a hand-off about an existing mutation: its proposal and patch, every P1 and P2
 * record made for it (newest first in importance), and the claims of evidence bundles about it.
 */
export interface MutationContext {
  proposal: MutationProposal;
  proposalPath: string;
  proposalBytes: Buffer;
  patch: { text: string; path: string } | undefined;
  verifications: StoredRecord<'mutation-result'>[];
  promotions: StoredRecord<'mutation-promotion'>[];
  bundles: { path: string; bundle: EvidenceBundle }[];
  resultsSource: string;
  promotionsSource: string;
}

export function mutationFacts(m: MutationContext, book: RefBook, budget: DetailBudget): TieredFact[] {
  const proposalRef = book.add('proposal', book.where(m.proposalPath), sha256(m.proposalBytes), `proposal ${m.proposal.mutation_id}`);
  const sources = [proposalRef];
  if (m.patch) sources.push(book.add('patch', book.where(m.patch.path), sha256(m.patch.text), `patch of ${m.proposal.mutation_id}`));
  const p = m.proposal;
  const value: Record<string, unknown> = { mutation_id: p.mutation_id, goal: p.goal, phase: p.phase, changed_paths: p.changed_paths, expected_checks: p.expected_checks.map((c) => [c.command, ...(c.args ?? [])].join(' ')) };
  if (m.patch && budget.patchBytes > 0) value.patch = m.patch.text.length <= budget.patchBytes ? m.patch.text : `${m.patch.text.slice(0, budget.patchBytes)}\n…[patch cut]`;
  const out: TieredFact[] = [{ tier: 0, group: 'proposal', fact: { fact_id: `fact:proposal:${p.mutation_id}`, kind: 'proposal', value: value as never, quality: 'observed', sources } }];
  const newestFirst = [...m.verifications].reverse();
  newestFirst.forEach((v, i) => {
    const refs = [book.add('ledger-record', `${m.resultsSource}#seq=${v.chain.seq}`, digestCanonical(v), `P1 ${v.verification_id}: ${v.status}`), ...checkLogRefs(v.checks, book)];
    out.push({
      tier: i === 0 ? 0 : 1,
      group: 'P1 record',
      fact: {
        fact_id: `fact:verification:${v.verification_id}`,
        kind: 'verification-outcome',
        value: { verification_id: v.verification_id, timestamp: v.timestamp, status: v.status, reason: v.reason, proposal_fingerprint: v.proposal_fingerprint, failing_checks: failingChecks(v.checks, budget) } as never,
        quality: 'observed',
        sources: refs,
      },
    });
  });
  for (const r of [...m.promotions].reverse()) {
    const ref = book.add('ledger-record', `${m.promotionsSource}#seq=${r.chain.seq}`, digestCanonical(r), `P2 ${r.promotion_id}: ${r.status}`);
    out.push({
      tier: 1,
      group: 'P2 record',
      fact: { fact_id: `fact:promotion:${r.promotion_id}`, kind: 'promotion-outcome', value: { promotion_id: r.promotion_id, status: r.status, reason: r.reason, target_configuration: r.target_configuration, failing_checks: failingChecks(r.checks, budget) } as never, quality: 'observed', sources: [ref] },
    });
  }
  for (const { path, bundle } of m.bundles) {
    const ref = book.add('evidence-bundle', book.where(path), digestCanonical(bundle), `${bundle.bundle_id} (${bundle.phase})`);
    for (const c of bundle.claims ?? []) {
      out.push({ tier: 1, group: 'evidence-bundle claim', fact: { fact_id: `fact:bundle:${bundle.bundle_id}:${c.claim_id}`, kind: 'evidence-claim', value: { bundle_id: bundle.bundle_id, phase: bundle.phase, claim: c.claim, quality: c.quality, limits: c.limits }, quality: c.quality, sources: [ref] } });
    }
  }
  return out;
}
