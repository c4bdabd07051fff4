import stringWidth from 'string-width';
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
/** The widest a cell is printed, in terminal columns. */
const MAX_CELL = 60;

// Columns are measured in terminal cells (string-width), not UTF-16 units: a goal in Chinese or
// with an emoji takes two cells per character, and a combining accent none, so padding by
// `length` pushed every later column of such a row out of line.
export function renderTable(kind: LedgerKind, records: Array<Record<string, unknown>>): string {
  const cols = ['seq', ...(COLUMNS[kind] ?? FALLBACK)];
  const rows = records.map((r) => cols.map((c) => cell(c === 'seq' ? (r.chain as { seq?: unknown } | undefined)?.seq : r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => stringWidth(row[i]!))));
  const line = (cells: string[]): string =>
    cells
      .map((v, i) => (i === cells.length - 1 ? v : v + ' '.repeat(widths[i]! - stringWidth(v))))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...rows.map(line)].join('\n');
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '-';
  const s = terminalText((typeof v === 'string' ? v : JSON.stringify(v)).replace(/[\r\n\t]+/g, ' '));
  return stringWidth(s) <= MAX_CELL ? s : `${fitWidth(s, MAX_CELL - 1)}…`;
}

/** The longest start of `s`, in whole graphemes (an emoji or an accented letter is never cut), that fits `width` cells. */
function fitWidth(s: string, width: number): string {
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const w = stringWidth(segment);
    if (used + w > width) break;
    out += segment;
    used += w;
  }
  return out;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
