import { boundTail } from '@autopoietic/core/adapters';
import { digestCanonical, sha256 } from '@autopoietic/core/canonical';
import type { CheckResult } from '@autopoietic/core/schemas';
import type { HistoryItem } from './history.js';
import type { RefBook, TieredFact } from './refs.js';

/**
 * Facts about earlier attempts: the feedback a generator learns from. One `attempt-feedback`
 * fact per attempt: its verdict, where it ended and why, the checks that did not pass with the
 * tails of their output, and the patch it proposed. Tails and patches are cut to the budget the
 * size bound sets; the full logs stay referenced by digest.
 */
export interface DetailBudget {
  tailBytes: number;
  patchBytes: number;
}

export interface FailingCheck {
  name: string;
  status: string;
  exit_code: number | null;
  reason?: string;
  stdout_tail: string;
  stderr_tail: string;
}

export function failingChecks(checks: readonly CheckResult[], budget: DetailBudget): FailingCheck[] {
  return checks
    .filter((c) => c.status !== 'passed')
    .map((c) => ({
      name: c.name,
      status: c.status,
      exit_code: c.exit_code,
      ...(c.reason ? { reason: c.reason } : {}),
      stdout_tail: cut(c.stdout, budget.tailBytes),
      stderr_tail: cut(c.stderr, budget.tailBytes),
    }));
}

/** Refs of the full logs of the checks that did not pass. */
export function checkLogRefs(checks: readonly CheckResult[], book: RefBook): string[] {
  const ids: string[] = [];
  for (const c of checks.filter((x) => x.status !== 'passed')) {
    for (const log of [c.stdout_log, c.stderr_log]) {
      if (log) ids.push(book.add('check-log', book.where(log.path), log.sha256, `${c.name}: ${log.bytes} bytes`));
    }
  }
  return ids;
}

export function cut(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  return boundTail(text, bytes);
}

export function historyFacts(items: readonly HistoryItem[], book: RefBook, budget: DetailBudget, lineageSource: string, resultsSource: string): TieredFact[] {
  return items.map((item, i) => {
    const a = item.attempt;
    const sources = [book.add('ledger-record', `${lineageSource}#seq=${a.chain.seq}`, digestCanonical(a), `attempt ${a.attempt_id}`)];
    const v = item.verification;
    if (v) sources.push(book.add('ledger-record', `${resultsSource}#seq=${v.chain.seq}`, digestCanonical(v), `P1 ${v.verification_id}: ${v.status}`));
    if (v) sources.push(...checkLogRefs(v.checks, book));
    if (item.patch) sources.push(book.add('patch', book.where(item.patch.path), sha256(item.patch.text), `patch of ${a.mutation_id ?? a.attempt_id}`));
    const value: Record<string, unknown> = {
      attempt_id: a.attempt_id,
      attempt_number: a.attempt_number,
      // Where the attempt is in lineage.jsonl: the order attempts were made in, across runs
      // (attempt_number starts again at 1 in each run, and clocks can go back).
      lineage_seq: a.chain.seq,
      run_id: a.run_id,
      verdict: a.verdict,
      stage: a.stage,
      reason: a.reason,
      score: { passed: a.score.passed, total: a.score.total },
      failing_checks: v ? failingChecks(v.checks, budget) : [],
    };
    if (a.mutation_id) value.mutation_id = a.mutation_id;
    if (item.patch && budget.patchBytes > 0) value.patch = item.patch.text.length <= budget.patchBytes ? item.patch.text : `${item.patch.text.slice(0, budget.patchBytes)}\n…[patch cut: ${item.patch.text.length} characters in all]`;
    if (item.generatorStderrTail && budget.tailBytes > 0) value.generator_stderr_tail = cut(item.generatorStderrTail, budget.tailBytes);
    const newest = i === items.length - 1;
    return { tier: newest ? 0 : 1, group: 'earlier attempt', fact: { fact_id: `fact:attempt:${a.attempt_id}`, kind: 'attempt-feedback', value: value as never, quality: 'observed', sources } };
  });
}

/** The first line of a failing check's output that reads like an error (for a claim). */
export function firstErrorLine(check: FailingCheck): string | undefined {
  const lines = `${check.stderr_tail}\n${check.stdout_tail}`.split('\n').map((l) => l.trim());
  return lines.find((l) => /\berror\b|failed|wrong type|not of type|does not exist/i.test(l) && l.length > 0);
}
