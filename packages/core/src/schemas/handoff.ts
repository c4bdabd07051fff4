import { z } from 'zod';
import { SchemaVersion, Sha256, Timestamp } from './common.js';
import { DataQuality } from './evidence.js';

/**
 * The AI hand-off: what a generator (a person, an LLM command line, the shipped rule-based
 * generator) is given to propose the next mutation. The shape is the reference design's:
 * Summary, Canonical facts, Evidence refs, Claims, Limits, Open uncertainty (docs/evolve.md).
 *
 * The backing rule is part of the schema: every fact names the evidence it was read from, and
 * every piece of derived text (the summary, each claim, each open question) names the facts or
 * evidence it rests on. An id that does not exist in the document makes it invalid.
 */
export const EVIDENCE_REF_KINDS = ['genome-file', 'self-state', 'ledger-record', 'evidence-bundle', 'check-log', 'proposal', 'patch', 'handoff-input'] as const;

export const HandoffEvidenceRef = z.strictObject({
  ref_id: z.string().regex(/\S/),
  kind: z.enum(EVIDENCE_REF_KINDS),
  /** Where it is: a path (relative to the genome root for genome files), `<ledger file>#seq=<n>`, ... */
  source: z.string(),
  /** sha256 of the bytes (files, logs) or of the canonical JSON (records). */
  digest: Sha256,
  summary: z.string().optional(),
});
export type HandoffEvidenceRef = z.infer<typeof HandoffEvidenceRef>;

export const HandoffFact = z.strictObject({
  fact_id: z.string().regex(/\S/),
  kind: z.string(),
  value: z.json(),
  quality: DataQuality,
  /** The evidence refs this fact was read from. */
  sources: z.array(z.string()).min(1),
});
export type HandoffFact = z.infer<typeof HandoffFact>;

export const HandoffClaim = z.strictObject({
  claim_id: z.string().regex(/\S/),
  claim: z.string(),
  quality: DataQuality,
  /** Fact ids or evidence ref ids. */
  backing: z.array(z.string()).min(1),
});
export type HandoffClaim = z.infer<typeof HandoffClaim>;

export const HandoffUncertainty = z.strictObject({
  question: z.string(),
  backing: z.array(z.string()).min(1),
});
export type HandoffUncertainty = z.infer<typeof HandoffUncertainty>;

export const HandoffSubject = z.strictObject({
  kind: z.enum(['goal', 'mutation']),
  mutation_id: z.string().optional(),
  run_id: z.string().optional(),
  attempt_id: z.string().optional(),
  parent_attempt_id: z.string().nullable().optional(),
  attempt_number: z.int().min(1).optional(),
});

export const Handoff = z
  .strictObject({
    schema_version: SchemaVersion,
    handoff_id: z.string(),
    created_at: Timestamp,
    goal: z.string().regex(/\S/, 'must not be blank'),
    subject: HandoffSubject,
    summary: z.strictObject({ text: z.string(), backing: z.array(z.string()).min(1) }),
    canonical_facts: z.array(HandoffFact),
    evidence_refs: z.array(HandoffEvidenceRef),
    claims: z.array(HandoffClaim),
    /** What this document does not cover, including everything left out to respect `max_bytes`. */
    limits: z.array(z.string()),
    open_uncertainty: z.array(HandoffUncertainty),
    /** The size bound the document was built under (its compact JSON is at most this many bytes). */
    max_bytes: z.int().min(1),
  })
  .superRefine((h, ctx) => {
    const refs = uniqueIds(h.evidence_refs.map((r) => r.ref_id), ['evidence_refs'], ctx);
    const facts = uniqueIds(h.canonical_facts.map((f) => f.fact_id), ['canonical_facts'], ctx);
    const known = new Set([...refs, ...facts]);
    for (const [i, f] of h.canonical_facts.entries()) requireIds(f.sources, refs, ['canonical_facts', i, 'sources'], ctx);
    for (const [i, c] of h.claims.entries()) requireIds(c.backing, known, ['claims', i, 'backing'], ctx);
    for (const [i, u] of h.open_uncertainty.entries()) requireIds(u.backing, known, ['open_uncertainty', i, 'backing'], ctx);
    requireIds(h.summary.backing, known, ['summary', 'backing'], ctx);
    uniqueIds(h.claims.map((c) => c.claim_id), ['claims'], ctx);
  });
export type Handoff = z.infer<typeof Handoff>;

function uniqueIds(ids: string[], path: (string | number)[], ctx: z.RefinementCtx): Set<string> {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path, message: `duplicate id ${JSON.stringify(id)}` });
    seen.add(id);
  }
  return seen;
}

function requireIds(ids: string[], known: Set<string>, path: (string | number)[], ctx: z.RefinementCtx): void {
  for (const id of ids) {
    if (!known.has(id)) ctx.addIssue({ code: 'custom', path, message: `backing id ${JSON.stringify(id)} names no fact or evidence ref of this hand-off` });
  }
}
