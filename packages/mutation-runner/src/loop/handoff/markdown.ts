import type { Handoff, HandoffFact } from '@autopoietic/core/schemas';

/**
 * The hand-off as Markdown, for a person or a chat-style model: the same six sections, every
 * claim followed by the ids it rests on. Log tails and patches are fenced verbatim.
 */
export function renderMarkdown(h: Handoff): string {
  const out: string[] = [`# Hand-off: ${inline(h.goal)}`, '', `\`${h.handoff_id}\` · ${h.created_at} · subject: ${subjectText(h)}`, ''];
  out.push('## Summary', '', `${inline(h.summary.text)} ${backed(h.summary.backing)}`, '');
  out.push('## Canonical facts', '');
  for (const f of h.canonical_facts) out.push(...factLines(f));
  out.push('', '## Evidence refs', '');
  for (const r of h.evidence_refs) out.push(`- \`${r.ref_id}\` (${r.kind}) ${inline(r.source)} \`${r.digest}\`${r.summary ? ` — ${inline(r.summary)}` : ''}`);
  out.push('', '## Claims', '');
  for (const c of h.claims) out.push(`- ${inline(c.claim)} ${backed(c.backing)}`);
  if (h.claims.length === 0) out.push('- (none)');
  out.push('', '## Limits', '');
  for (const l of h.limits) out.push(`- ${inline(l)}`);
  out.push('', '## Open uncertainty', '');
  for (const u of h.open_uncertainty) out.push(`- ${inline(u.question)} ${backed(u.backing)}`);
  if (h.open_uncertainty.length === 0) out.push('- (none)');
  return `${out.join('\n')}\n`;
}

function subjectText(h: Handoff): string {
  const s = h.subject;
  if (s.kind === 'mutation') return `mutation ${s.mutation_id}`;
  return s.attempt_id ? `attempt ${s.attempt_id}${s.parent_attempt_id ? ` (parent ${s.parent_attempt_id})` : ''}` : 'goal';
}

function backed(ids: string[]): string {
  return `[${ids.map((i) => `\`${i}\``).join(', ')}]`;
}

function factLines(f: HandoffFact): string[] {
  const head = `- \`${f.fact_id}\` **${f.kind}** (${f.quality}) ← ${f.sources.map((s) => `\`${s}\``).join(', ')}`;
  if (f.kind !== 'attempt-feedback' && f.kind !== 'verification-outcome' && f.kind !== 'proposal') return [head, `  ${code(JSON.stringify(f.value))}`];
  const v = f.value as Record<string, unknown>;
  const lines = [head];
  for (const [k, x] of Object.entries(v)) {
    if (k === 'failing_checks' || k === 'patch' || k === 'generator_stderr_tail') continue;
    lines.push(`  - ${k}: ${inline(typeof x === 'string' ? x : JSON.stringify(x))}`);
  }
  for (const c of (v.failing_checks as { name: string; status: string; exit_code: number | null; stderr_tail: string; stdout_tail: string }[] | undefined) ?? []) {
    lines.push(`  - check ${inline(c.name)}: ${c.status} (exit ${c.exit_code ?? 'none'})`);
    if (c.stderr_tail) lines.push(...fenced(c.stderr_tail, 'text'));
    if (c.stdout_tail) lines.push(...fenced(c.stdout_tail, 'text'));
  }
  if (typeof v.generator_stderr_tail === 'string') lines.push('  - generator stderr:', ...fenced(v.generator_stderr_tail, 'text'));
  if (typeof v.patch === 'string') lines.push('  - patch:', ...fenced(v.patch, 'diff'));
  return lines;
}

/** Markdown's line endings: a lone CR ends a line too (CommonMark), as progress output writes it. */
const LINE_END = /\r\n|\r|\n/;

/**
 * Free text (a goal, a reason, a claim) on one line: a line break in it would start a heading,
 * a list item or a section of its own, outside the item it belongs to; it is shown as `\n`.
 */
export function inline(text: string): string {
  return text.split(LINE_END).join('\\n');
}

/** An inline code span that a backtick in the text cannot close early (CommonMark's rule). */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A fenced block that cannot be closed early, or left by a line at column 0, by the text inside it. */
export function fenced(text: string, lang: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const lines = text.split(LINE_END);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return [`    ${fence}${lang}`, ...lines.map((l) => `    ${l}`), `    ${fence}`];
}
