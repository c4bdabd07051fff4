import type { CommandRecord, DemoSummary, ItemResult, StepResult } from './types.js';

/**
 * Proposal text (goals, reasons, check output) reaches these lines; a hostile proposal could
 * carry terminal escape sequences, so control characters other than newline are shown as `?`.
 */
export function clean(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?');
}

/** Readable lines for one finished step: a header line, then its items and evidence, indented. */
export function renderStep(step: StepResult, total: number): string {
  const mark = step.outcome === 'ok' ? 'ok  ' : step.outcome === 'skipped' ? 'SKIP' : 'FAIL';
  const lines = [`[${step.n}/${total}] ${mark} ${step.phase} ${step.title}: ${step.status}`, `       ${step.reason}`];
  for (const item of step.items) lines.push(renderItem(item));
  for (const e of step.evidence) lines.push(`       evidence: ${e}`);
  return clean(lines.join('\n'));
}

function renderItem(item: ItemResult): string {
  const mark = item.ok ? '+' : '!';
  const expected = item.expected && item.expected !== item.status ? ` (expected ${item.expected})` : '';
  const lines = [`     ${mark} ${item.label}: ${item.status}${expected} — ${item.reason}`];
  for (const e of item.evidence) lines.push(`         evidence: ${e}`);
  return lines.join('\n');
}

export function renderCommand(c: CommandRecord): string {
  const quoted = c.argv.map((a) => (/^[\w./:=@,+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  return clean(`       $ ${quoted.join(' ')}   # exit ${c.exit}, ${c.ms} ms`);
}

export function renderHeader(genome: string, summary: Pick<DemoSummary, 'genome_copy' | 'memory_dir'>, target: string): string {
  return [
    'Autopoietic OS pipeline demo',
    `  genome:  ${genome}`,
    `  copy:    ${summary.genome_copy} (a fresh git repository; target configuration ${target})`,
    `  memory:  ${summary.memory_dir}`,
    '',
  ].join('\n');
}

export function renderFooter(s: DemoSummary): string {
  const failed = s.steps.filter((x) => x.outcome !== 'ok');
  const lines = [
    '',
    failed.length === 0
      ? `All ${s.steps.length} steps did what they should (${(s.ms / 1000).toFixed(1)} s).`
      : `${failed.length} of ${s.steps.length} steps did not do what they should: ${failed.map((x) => `${x.n} (${x.outcome})`).join(', ')}.`,
    `Memory directory: ${s.memory_dir}`,
    '  ledgers:',
    ...s.ledgers.map((l) => `    ${l}`),
    '  evidence:',
    ...s.evidence.map((e) => `    ${e}`),
    s.kept
      ? `Scratch directory kept: ${s.scratch_dir} (remove it with: rm -rf ${s.scratch_dir}; or run with --clean)`
      : `Scratch directory ${s.scratch_dir} was removed (--clean); run without --clean to inspect these files.`,
  ];
  return clean(lines.join('\n'));
}
