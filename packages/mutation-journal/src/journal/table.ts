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

/** The cells of one record's row: only these are kept per record, not the record (200,000 records held 580 MB). */
export function tableCells(kind: LedgerKind, record: Record<string, unknown>): string[] {
  return columnsOf(kind).map((c) => cell(c === 'seq' ? (record.chain as { seq?: unknown } | undefined)?.seq : record[c]));
}

// Columns are measured in terminal cells (string-width), not UTF-16 units: a goal in Chinese or
// with an emoji takes two cells per character, and a combining accent none, so padding by
// `length` pushed every later column of such a row out of line.
export function renderTable(kind: LedgerKind, rows: readonly string[][]): string {
  const cols = columnsOf(kind);
  // A loop, not Math.max(...column): spread into arguments, a column of 200,000 rows overflowed the stack.
  const widths = cols.map((c) => c.length);
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i]!, stringWidth(row[i]!));
  }
  const line = (cells: string[]): string =>
    cells
      .map((v, i) => (i === cells.length - 1 ? v : v + ' '.repeat(widths[i]! - stringWidth(v))))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...rows.map(line)].join('\n');
}

function columnsOf(kind: LedgerKind): string[] {
  return ['seq', ...(COLUMNS[kind] ?? FALLBACK)];
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
