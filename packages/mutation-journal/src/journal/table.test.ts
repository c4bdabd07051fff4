import { describe, expect, it } from 'vitest';
import { renderTable, tableCells } from './table.js';

describe('list --format table', () => {
  it('renders 200,000 rows: the column widths are not taken with Math.max(...column), which overflowed the stack', () => {
    const record = (i: number) => ({ chain: { seq: i }, timestamp: '2026-01-01T00:00:00.000Z', mutation_id: `mut-${i}`, status: 'pending', phase: 'p', goal: 'g' });
    const rows = Array.from({ length: 200_000 }, (_, i) => tableCells('mutations', record(i + 1)));
    const lines = renderTable('mutations', rows).split('\n');
    expect(lines).toHaveLength(200_001);
    expect(lines[0]).toBe('SEQ     TIMESTAMP                 MUTATION_ID  STATUS   PHASE  GOAL');
    expect(lines[200_000]).toBe('200000  2026-01-01T00:00:00.000Z  mut-200000   pending  p      g');
  });
});
