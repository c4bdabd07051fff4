import { describe, expect, it } from 'vitest';
import { LEDGERS } from '@autopoietic/core/schemas';
import { buildFilter, parseSince } from './list-filter.js';
import { renderTable } from './table.js';
import { LEDGER_KINDS } from './targets.js';

describe('list filters', () => {
  const recs = [
    { mutation_id: 'a', status: 'pending', timestamp: '2026-01-01T00:00:00Z' },
    { mutation_id: 'b', status: 'accepted', timestamp: '2026-01-02T12:00:00+02:00' },
    { mutation_id: 'a', status: 'accepted', timestamp: '2026-01-03T00:00:00.5Z' },
  ];
  const pick = (flags: object) => recs.filter(buildFilter('mutations', flags)).map((r) => `${r.mutation_id}:${r.status}`);

  it('combine --mutation-id, --status and --since (compared as instants, not strings)', () => {
    expect(pick({})).toHaveLength(3);
    expect(pick({ mutationId: 'a' })).toEqual(['a:pending', 'a:accepted']);
    expect(pick({ status: 'accepted', since: '2026-01-02T10:00:00Z' })).toEqual(['b:accepted', 'a:accepted']);
    expect(pick({ since: '2026-01-02T10:00:01Z' })).toEqual(['a:accepted']);
    expect(pick({ since: '2026-01-03' })).toEqual(['a:accepted']);
  });

  it('refuse a blank --mutation-id (an unset "$ID"), which no record has, instead of listing nothing', () => {
    for (const blank of ['', '  ']) expect(() => buildFilter('mutations', { mutationId: blank })).toThrow(/--mutation-id must not be blank/);
  });

  it('read lineage_status for generations and skip organ lines without a time', () => {
    expect([{ lineage_status: 'planned' }, { lineage_status: 'failed' }].filter(buildFilter('generations', { status: 'failed' }))).toHaveLength(1);
    expect([{ name: 'x' }, { name: 'y', recorded_at: '2026-05-01T00:00:00Z' }].filter(buildFilter('organs', { since: '2026-01-01' }))).toEqual([{ name: 'y', recorded_at: '2026-05-01T00:00:00Z' }]);
    expect([{ name: 'z', recorded_at: 'yesterday' }].filter(buildFilter('organs', { since: '2026-01-01' })), 'a time that does not parse is not since anything').toEqual([]);
  });

  it('parse --since as a date or RFC 3339, and refuse anything else', () => {
    expect(parseSince('2026-01-02').toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(parseSince('2026-01-02T03:04:05+01:00').toISOString()).toBe('2026-01-02T02:04:05.000Z');
    for (const bad of ['2026-13-01', 'today', '2026-01-02 03:04:05', '']) expect(() => parseSince(bad)).toThrow(/--since/);
  });

  it('cover every ledger kind in the help text and the table', () => {
    expect(LEDGER_KINDS.sort()).toEqual(Object.keys(LEDGERS).sort());
    for (const kind of LEDGER_KINDS) expect(renderTable(kind, []).startsWith('SEQ')).toBe(true);
  });
});
