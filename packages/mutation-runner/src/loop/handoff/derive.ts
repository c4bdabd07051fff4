import type { HandoffClaim, HandoffFact, HandoffUncertainty } from '@autopoietic/core/schemas';
import { firstErrorLine, type FailingCheck } from './history-facts.js';

/**
 * Derived text, made only from the facts the hand-off still carries, so every sentence names
 * what it rests on: claims about the goal's options, the host and each earlier outcome, and the
 * summary. Deterministic templates, no free text.
 */
type V = Record<string, unknown>;

const val = (f: HandoffFact) => f.value as V;
const show = (x: unknown) => JSON.stringify(x);

export function deriveClaims(facts: readonly HandoffFact[], goalFacts: ReadonlySet<string>): HandoffClaim[] {
  const claims: HandoffClaim[] = [];
  const claim = (id: string, text: string, backing: string[]) => claims.push({ claim_id: `claim:${id}`, claim: text, quality: 'derived', backing });
  for (const f of facts) {
    const v = val(f);
    if (f.kind === 'host-identity') claim('identity', `This host is ${show(v.host)} (roles: ${(v.roles as string[]).join(', ') || 'none'}), identified from its ${v.source}.`, [f.fact_id]);
    if (f.kind === 'option-setting' && goalFacts.has(f.fact_id)) {
      const value = v.literal === null ? 'a value that is not a literal' : show(v.literal);
      const hosts = (v.hosts as string[]).length ? ` for host(s) ${(v.hosts as string[]).join(', ')}` : '';
      claim(`setting:${v.path}@${v.file}:${v.line}`, `${v.file}:${v.line} sets ${v.path} to ${value}${hosts}${v.conditional ? ' (under a condition)' : ''}.`, [f.fact_id]);
    }
    if (f.kind === 'option-declaration' && goalFacts.has(f.fact_id)) {
      claim(`option:${v.path}@${v.file}`, `${v.path} is declared in ${v.file}:${v.line} with type ${v.type ?? 'unknown'} and default ${v.default ?? 'none'}.`, [f.fact_id]);
    }
    if (f.kind === 'attempt-feedback') claim(`attempt:${v.attempt_id}`, outcomeText(`Attempt #${v.attempt_number} (${v.attempt_id})`, `${v.verdict} at stage ${v.stage}`, v), [f.fact_id]);
    if (f.kind === 'verification-outcome') claim(`verification:${v.verification_id}`, outcomeText(`P1 ${v.verification_id}`, String(v.status), v), [f.fact_id]);
  }
  const latest = latestOutcome(facts, 'attempt-feedback') ?? latestOutcome(facts, 'verification-outcome');
  const check = latest ? (val(latest).failing_checks as FailingCheck[])[0] : undefined;
  const line = check ? firstErrorLine(check) : undefined;
  if (latest && check && line) claim('latest-error', `The latest failing check, ${check.name}, reported: ${line}`, [latest.fact_id]);
  return claims;
}

/**
 * The newest outcome of a kind: the first one in the document. The builder orders facts by
 * importance, and the newest attempt (or P1 record) is the only one of tier 0, so it comes
 * before the older ones; their own order (oldest first for attempts, newest first for P1
 * records) says nothing about which is the latest.
 */
function latestOutcome(facts: readonly HandoffFact[], kind: 'attempt-feedback' | 'verification-outcome'): HandoffFact | undefined {
  return facts.find((f) => f.kind === kind);
}

function outcomeText(who: string, outcome: string, v: V): string {
  const failing = (v.failing_checks as FailingCheck[]).map((c) => `${c.name} (${c.status})`);
  return `${who} ended ${outcome}: ${v.reason}${failing.length ? `; checks not passed: ${failing.join(', ')}` : ''}.`;
}

export function summaryOf(goal: string, facts: readonly HandoffFact[], goalRef: string): { text: string; backing: string[] } {
  const backing = [goalRef];
  const parts = [`Goal: ${goal}.`];
  const identity = facts.find((f) => f.kind === 'host-identity');
  if (identity) {
    backing.push(identity.fact_id);
    parts.push(`Host ${show(val(identity).host)}.`);
  }
  const attempts = facts.filter((f) => f.kind === 'attempt-feedback');
  const last = latestOutcome(facts, 'attempt-feedback');
  if (last) {
    backing.push(last.fact_id);
    const v = val(last);
    parts.push(`${attempts.length} earlier attempt(s) carried; the latest (#${v.attempt_number}) was ${v.verdict}: ${v.reason}.`);
  } else parts.push('No earlier attempt is carried.');
  const proposal = facts.find((f) => f.kind === 'proposal');
  if (proposal) {
    backing.push(proposal.fact_id);
    parts.push(`Subject: mutation ${val(proposal).mutation_id}, changing ${(val(proposal).changed_paths as string[]).join(', ')}.`);
  }
  return { text: parts.join(' '), backing };
}

export interface UncertaintyInputs {
  undeclared: string[];
  stateRef: string | undefined;
  noHistoryRef: string | undefined;
}

export function uncertainties(u: UncertaintyInputs): HandoffUncertainty[] {
  const out: HandoffUncertainty[] = [];
  if (u.stateRef) {
    for (const path of u.undeclared) {
      out.push({ question: `No module of the genome declares ${path}: does the option exist (perhaps from a flake input), or must a module declare it first?`, backing: [u.stateRef] });
    }
  }
  if (u.noHistoryRef) out.push({ question: 'No earlier attempt is carried for this goal, so there is no verifier feedback yet: will the checks accept the change?', backing: [u.noHistoryRef] });
  return out;
}
