/**
 * What the generator learns from the hand-off: the outcome of earlier attempts. The evolve loop
 * puts each one in `canonical_facts` as a fact of kind `attempt-feedback` (docs/evolve.md):
 * `{ attempt_id, attempt_number, lineage_seq, verdict, reason, patch, failing_checks: [{ name,
 * status, exit_code, stdout_tail, stderr_tail }] }`.
 */

/**
 * @returns {Array<Record<string, any>>} the feedback facts' values, oldest first: by `lineage_seq`
 * (the order they were recorded in, across runs; attempt_number starts again in each run), else
 * by attempt_number (a hand-off from before lineage_seq)
 */
export function attemptFeedback(handoff) {
  const facts = Array.isArray(handoff?.canonical_facts) ? handoff.canonical_facts : [];
  return facts
    .filter((f) => f && f.kind === 'attempt-feedback' && f.value && typeof f.value === 'object')
    .map((f) => f.value)
    .sort((x, y) => (x.lineage_seq ?? x.attempt_number ?? 0) - (y.lineage_seq ?? y.attempt_number ?? 0));
}

/**
 * The type a failed check said the option needs, from the evaluator's messages:
 * `has a value of the wrong type: expected string` (the example genome's module system) or
 * NixOS's `is not of type \`boolean'`.
 * @returns {'string' | 'bool' | 'int' | undefined}
 */
export function expectedKind(feedback) {
  for (const check of feedback.failing_checks ?? []) {
    const text = `${check.stderr_tail ?? ''}\n${check.stdout_tail ?? ''}`;
    const m = /wrong type: expected ([^.\n]+)/.exec(text) ?? /is not of type [`']([^'`]+)['`]/.exec(text);
    if (!m) continue;
    const t = m[1].toLowerCase();
    if (/bool/.test(t)) return 'bool';
    if (/int/.test(t)) return 'int';
    if (/str|one of|enum/.test(t)) return 'string';
  }
  return undefined;
}
