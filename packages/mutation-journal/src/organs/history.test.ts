import { describe, expect, it } from 'vitest';
import { currentOrgans, findCurrent, foldRegistry, retiredOrgans, type OrganLine } from './history.js';

const base = { schema_version: '0.1.0' as const, type: 'cli' as const, purpose: 'p' };
const line = (o: Partial<OrganLine> & { name: string; source?: string }): OrganLine => ({ ...base, source: `src/${o.name}`, ...o });

describe('foldRegistry', () => {
  it('makes the latest version of an organ its current state', () => {
    const reg = foldRegistry([
      line({ organ_id: 'org-a', event: 'add', name: 'a', usage_count: 1 }),
      line({ organ_id: 'org-b', event: 'add', name: 'b' }),
      line({ organ_id: 'org-a', event: 'update', name: 'a', usage_count: 5 }),
    ]);
    expect(reg.organs.map((o) => [o.id, o.versions.length, o.latest.usage_count])).toEqual([
      ['org-a', 2, 5],
      ['org-b', 1, undefined],
    ]);
    expect(reg.lines).toBe(3);
  });

  it('treats id-less add lines as separate organs and id-less updates as versions of the newest current one', () => {
    const reg = foldRegistry([
      line({ name: 'x', source: 'one' }),
      line({ name: 'X', source: 'two' }),
      line({ name: 'x', event: 'update', source: 'two', purpose: 'changed' }),
    ]);
    expect(reg.organs.map((o) => [o.id, o.latest.purpose])).toEqual([
      ['line:1', 'p'],
      ['line:2', 'changed'],
    ]);
  });

  it('moves a retired organ out of the current ones and lets the name be registered again', () => {
    const reg = foldRegistry([
      line({ organ_id: 'org-1', event: 'add', name: 'tool' }),
      line({ organ_id: 'org-2', event: 'add', name: 'gone' }),
      line({ organ_id: 'org-1', event: 'retire', name: 'tool', retired: true, retired_reason: 'replaced' }),
      line({ organ_id: 'org-3', event: 'add', name: 'Tool' }),
      line({ organ_id: 'org-2', event: 'retire', name: 'gone', retired: true, retired_reason: 'unused' }),
    ]);
    expect(currentOrgans(reg).map((o) => o.id)).toEqual(['org-3']);
    // org-1's name is taken again by org-3, so only org-2 stands under "retired".
    expect(retiredOrgans(reg).map((o) => o.id)).toEqual(['org-2']);
  });
});

describe('findCurrent', () => {
  const reg = foldRegistry([
    line({ organ_id: 'org-1', event: 'add', name: 'dup', source: 'a' }),
    line({ organ_id: 'org-2', event: 'add', name: 'DUP', source: 'b' }),
    line({ organ_id: 'org-3', event: 'add', name: 'old' }),
    line({ organ_id: 'org-3', event: 'retire', name: 'old', retired: true, retired_reason: 'r' }),
    line({ organ_id: 'org-4', event: 'add', name: 'Hello' }),
  ]);

  it('matches names without case', () => {
    expect(findCurrent(reg, 'hello').id).toBe('org-4');
  });

  it('refuses an ambiguous name unless an id picks one', () => {
    expect(() => findCurrent(reg, 'dup')).toThrow(expect.objectContaining({ code: 'organ-ambiguous', exit: 2 }));
    expect(findCurrent(reg, 'dup', 'org-2').latest.source).toBe('b');
  });

  it('refuses unknown and retired names with exit 2', () => {
    expect(() => findCurrent(reg, 'nope')).toThrow(expect.objectContaining({ code: 'organ-unknown', exit: 2, message: 'no organ named "nope" is registered' }));
    expect(() => findCurrent(reg, 'old')).toThrow(expect.objectContaining({ code: 'organ-unknown', message: 'organ "old" is retired' }));
    expect(() => findCurrent(reg, 'hello', 'org-9')).toThrow(expect.objectContaining({ code: 'organ-unknown' }));
  });
});
