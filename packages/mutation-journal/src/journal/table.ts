import { terminalText } from '@autopoietic/core/cli-kit';
import type { LedgerKind } from '@autopoietic/core/schemas';

/** `list --format table`: a few columns per kind, for people; JSON stays the complete form. */
const COLUMNS: Partial<Record<LedgerKind, string[]>> = {
  mutations: ['timestamp', 'mutation_id', 'status', 'phase', 'goal'],
  effects: ['timestamp', 'effect_id', 'mutation_id', 'type', 'risk', 'reversible', 'target'],
  generations: ['timestamp', 'generation', 'lineage_status', 'parent_generation', 'mutation_id', 'goal'],
  results: ['timestamp', 'verification_id', 'mutation_id', 'status', 'reason'],
  promotions: ['timestamp', 'promotion_id', 'mutation_id', 'status', 'reason'],
  organs: ['recorded_at', 'name', 'type', 'event', 'decay_status', 'source'],
  lineage: ['timestamp', 'attempt_id', 'attempt_number', 'verdict', 'stage', 'mutation_id', 'reason'],
};
const FALLBACK = ['timestamp', 'mutation_id'];
const MAX_CELL = 60;

export function renderTable(kind: LedgerKind, records: Array<Record<string, unknown>>): string {
  const cols = ['seq', ...(COLUMNS[kind] ?? FALLBACK)];
  const rows = records.map((r) => cols.map((c) => cell(c === 'seq' ? (r.chain as { seq?: unknown } | undefined)?.seq : r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((v, i) => (i === cells.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...rows.map(line)].join('\n');
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '-';
  const s = terminalText((typeof v === 'string' ? v : JSON.stringify(v)).replace(/[\r\n\t]+/g, ' '));
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}
