import { newId, nowRfc3339, sha256 } from '@autopoietic/core/canonical';
import { AosError } from '@autopoietic/core/cli-kit';
import { Handoff, SCHEMA_VERSION, type HandoffFact } from '@autopoietic/core/schemas';
import { deriveClaims, summaryOf, uncertainties } from './derive.js';
import type { History } from './history.js';
import { historyFacts, type DetailBudget } from './history-facts.js';
import { mutationFacts, type MutationContext } from './mutation-facts.js';
import { mapStrings, RefBook, redactor, type Places, type TieredFact } from './refs.js';
import { stateFacts, undeclaredInGoal, type ObservedState } from './state-facts.js';

/**
 * Builds the hand-off (docs/evolve.md): facts from the self-state, the earlier attempts and the
 * subject mutation; claims, open questions and the summary derived from the facts it keeps; and
 * the size bound. When the document is larger than `maxBytes`, it sheds detail in a fixed order
 * (pain points and memory health, then the rest of the genome, then shorter log tails, then the
 * `autopoietic.*` organs, then shorter tails and patches, then older attempts, then tails and
 * patches altogether) and lists everything it left out under Limits. What the goal names, the
 * host identity and the latest outcome are never dropped.
 */
export interface HandoffInput {
  goal: string;
  subject: Handoff['subject'];
  maxBytes: number;
  places: Places;
  /** Other spellings of the genome root (its realpath) to keep out of the document. */
  aliases?: string[];
  observed?: ObservedState | undefined;
  history: History;
  mutation?: MutationContext | undefined;
  lineageSource: string;
  resultsSource: string;
  /** Digest of the attempt ledger's head (backs "no earlier attempt"). */
  lineageDigest: string;
  limits: string[];
  handoffId?: string;
  createdAt?: string;
}

interface Budget extends DetailBudget {
  maxTier: number;
  keep: number;
}

const FULL: Budget = { tailBytes: 8192, patchBytes: 16384, maxTier: 4, keep: Number.POSITIVE_INFINITY };
type Step = { drop: number } | { tailBytes: number; patchBytes: number };
const STEPS: Step[] = [{ drop: 4 }, { drop: 3 }, { tailBytes: 2048, patchBytes: 8192 }, { drop: 2 }, { tailBytes: 512, patchBytes: 2048 }, { drop: 1 }, { tailBytes: 0, patchBytes: 0 }];
export const DEFAULT_HANDOFF_BYTES = 64 * 1024;
/** The largest bound a hand-off may be given (--max-bytes, evolve's --handoff-max-bytes): far more than a generator prompt holds. */
export const MAX_HANDOFF_BYTES = 64 * 1024 * 1024;

export function buildHandoff(input: HandoffInput): Handoff {
  const fixed = { handoff_id: input.handoffId ?? newId('hof'), created_at: input.createdAt ?? nowRfc3339() };
  const attempt = (b: Budget) => assemble(input, b, fixed);
  let budget = FULL;
  let best = attempt(budget);
  if (best.size <= input.maxBytes) return best.doc;
  for (const step of STEPS) {
    if ('tailBytes' in step) {
      budget = { ...budget, tailBytes: step.tailBytes, patchBytes: step.patchBytes };
      best = attempt(budget);
      if (best.size <= input.maxBytes) return best.doc;
      continue;
    }
    // Keep as many facts of this tier as fit: binary search on how many (in their order).
    let lo = 0;
    let hi = best.tierCounts[step.drop] ?? 0;
    let found: ReturnType<typeof attempt> | undefined;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const r = attempt({ ...budget, maxTier: step.drop, keep: mid });
      if (r.size <= input.maxBytes) {
        found = r;
        lo = mid + 1;
      } else hi = mid;
    }
    if (found) return found.doc;
    budget = { ...budget, maxTier: step.drop - 1, keep: Number.POSITIVE_INFINITY };
    best = attempt(budget);
    if (best.size <= input.maxBytes) return best.doc;
  }
  throw new AosError('handoff-too-small', `--max-bytes ${input.maxBytes} is too small: the essential hand-off (goal, identity, the latest outcome) needs ${best.size} bytes`, {
    exit: 2,
    hint: `Allow at least ${best.size} bytes (the default is ${DEFAULT_HANDOFF_BYTES}).`,
  });
}

function assemble(input: HandoffInput, budget: Budget, fixed: { handoff_id: string; created_at: string }) {
  const book = new RefBook(input.places);
  const goalRef = book.add('handoff-input', 'request:goal', sha256(input.goal), 'the goal as given');
  const all: TieredFact[] = [
    ...(input.observed ? stateFacts(input.observed, input.goal, book) : []),
    ...historyFacts(input.history.items, book, budget, input.lineageSource, input.resultsSource),
    ...(input.mutation ? mutationFacts(input.mutation, book, budget) : []),
  ];
  const tierCounts: Record<number, number> = {};
  for (const t of all) tierCounts[t.tier] = (tierCounts[t.tier] ?? 0) + 1;
  const kept: TieredFact[] = [];
  const dropped = new Map<string, number>();
  const seenInTier: Record<number, number> = {};
  for (const t of [...all].sort((a, b) => a.tier - b.tier)) {
    const n = (seenInTier[t.tier] ?? 0) + 1;
    seenInTier[t.tier] = n;
    if (t.tier < budget.maxTier || (t.tier === budget.maxTier && n <= budget.keep)) kept.push(t);
    else dropped.set(t.group, (dropped.get(t.group) ?? 0) + 1);
  }
  const facts: HandoffFact[] = kept.map((t) => t.fact);
  const goalFacts = new Set(kept.filter((t) => t.tier === 0).map((t) => t.fact.fact_id));
  const stateRef = input.observed ? book.all().find((r) => r.kind === 'self-state')?.ref_id : undefined;
  const noHistoryRef = input.history.items.length === 0 && !input.mutation ? book.add('ledger-record', input.lineageSource, input.lineageDigest, 'the attempt ledger (no attempt carried)') : undefined;
  const claims = deriveClaims(facts, goalFacts);
  const open = uncertainties({ undeclared: input.observed ? undeclaredInGoal(input.observed, input.goal) : [], stateRef, noHistoryRef });
  const summary = summaryOf(input.goal, facts, goalRef);
  const used = new Set([...facts.flatMap((f) => f.sources), ...claims.flatMap((c) => c.backing), ...open.flatMap((u) => u.backing), ...summary.backing]);
  const doc: Handoff = {
    schema_version: SCHEMA_VERSION,
    ...fixed,
    goal: input.goal,
    subject: input.subject,
    summary,
    canonical_facts: facts,
    evidence_refs: book.all().filter((r) => used.has(r.ref_id)),
    claims,
    limits: [...input.limits, ...omissionLimits(dropped, budget, input)],
    open_uncertainty: open,
    max_bytes: input.maxBytes,
  };
  const redacted = mapStrings(doc, redactor(input.places, input.aliases ?? []));
  const parsed = Handoff.safeParse(redacted);
  if (!parsed.success) {
    throw new AosError('handoff-invalid', `internal error: the hand-off does not satisfy its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { hint: 'Report this as a bug.' });
  }
  return { doc: parsed.data, size: Buffer.byteLength(JSON.stringify(parsed.data)), tierCounts };
}

function omissionLimits(dropped: Map<string, number>, budget: Budget, input: HandoffInput): string[] {
  const out: string[] = [];
  if (dropped.size) {
    const what = [...dropped].map(([group, n]) => `${n} ${group}${n === 1 ? '' : 's'}`).join(', ');
    out.push(`Left out to stay within ${input.maxBytes} bytes: ${what}.`);
  }
  if (budget.tailBytes < FULL.tailBytes) {
    out.push(budget.tailBytes === 0 ? 'Check output tails left out to stay within the size bound; the full logs are the check-log refs.' : `Check output tails cut to their last ${budget.tailBytes} bytes; the full logs are the check-log refs.`);
  }
  if (budget.patchBytes < FULL.patchBytes) out.push(budget.patchBytes === 0 ? 'Earlier patches left out; they are the patch refs.' : `Earlier patches cut to ${budget.patchBytes} characters.`);
  if (input.history.omitted > 0) out.push(`${input.history.omitted} older ancestor attempt(s) not carried; only the nearest ${input.history.items.length} are.`);
  return out;
}
