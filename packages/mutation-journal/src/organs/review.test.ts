import { OrganReviewOutput } from '@autopoietic/core/schemas';
import { describe, expect, it } from 'vitest';
import { foldRegistry, type OrganLine } from './history.js';
import { measureOrgans, type MeasureInputs } from './measure.js';
import { reviewOrgans } from './review.js';

const NOW = '2026-06-01T00:00:00.000Z';
const daysAgo = (d: number) => new Date(Date.parse(NOW) - d * 86_400_000).toISOString();
let n = 0;
const line = (o: Partial<OrganLine> & { name: string }): OrganLine => ({
  schema_version: '0.1.0', organ_id: `org-${o.name}-${n++}`, recorded_at: daysAgo(1), event: 'add', type: 'cli', source: `src/${o.name}`, purpose: 'p', ...o,
});
const review = (lines: OrganLine[], opts: { days?: number; measure?: MeasureInputs } = {}) => {
  const registry = foldRegistry(lines);
  const out = reviewOrgans({
    registry, source: '/m/organs.jsonl', reviewedAt: NOW, staleAfterDays: opts.days ?? 90, registryStatus: `loaded:${lines.length}`,
    ...(opts.measure ? { measured: { measures: measureOrgans(registry.organs, opts.measure), from: {}, statuses: { promotions: 'loaded:1' } } } : {}),
  });
  expect(OrganReviewOutput.safeParse(out).success).toBe(true);
  return out;
};
const find = (out: ReturnType<typeof review>, name: string) => out.findings.find((f) => f.name === name)!;

describe('reviewOrgans: reference rules', () => {
  it('groups by explicit decay_status and leaves an unset organ unknown', () => {
    const out = review([line({ name: 'a', decay_status: 'active', related_goals: ['g'] }), line({ name: 'c', decay_status: 'candidate' }), line({ name: 'u', related_goals: ['g'] })]);
    expect([out.active, out.candidates, out.unknown]).toEqual([['a'], ['c'], ['u']]);
    expect(find(out, 'a')).toMatchObject({ status: 'active', reason: 'explicit decay_status', evidence: { declared_decay_status: 'active' } });
    expect(find(out, 'u').reason).toBe('insufficient review evidence');
    expect(out.total_organs).toBe(3);
  });

  it('flags current organs with the same name (any case) as duplicates, over explicit statuses', () => {
    const out = review([line({ name: 'dup', source: 'one', decay_status: 'active' }), line({ name: 'DUP', source: 'two' })]);
    expect(out.duplicate).toEqual(['dup', 'DUP']);
    expect(out.findings.map((f) => f.reason)).toEqual(['duplicate organ name', 'duplicate organ name']);
  });

  it('classifies failure_count > 0 as failed, usage_count 0 as stale, no goals as candidate', () => {
    const out = review([line({ name: 'f', failure_count: 2 }), line({ name: 's', usage_count: 0 }), line({ name: 'c' })]);
    expect([find(out, 'f').reason, find(out, 's').reason, find(out, 'c').reason]).toEqual([
      'failure_count is greater than zero', 'usage_count is zero', 'no related goals recorded',
    ]);
    expect([out.failed, out.stale, out.candidates]).toEqual([['f'], ['s'], ['c']]);
  });
});

describe('reviewOrgans: history', () => {
  it('does not call an organ updated twice a duplicate, nor a retired organ that shared a source', () => {
    const a = line({ name: 'a', source: 'shared' });
    const old = line({ name: 'old', source: 'shared' });
    const out = review([
      a, { ...a, event: 'update', usage_count: 3 }, { ...a, event: 'update', usage_count: 4, related_goals: ['g'] },
      old, { ...old, event: 'retire', retired: true, retired_reason: 'merged into a' },
    ]);
    expect(out.duplicate).toEqual([]);
    expect(out.retired).toEqual(['old']);
    expect(find(out, 'old')).toMatchObject({ status: 'retired', reason: 'organ retired', evidence: { retired_reason: 'merged into a' } });
    expect(find(out, 'a').evidence).toMatchObject({ versions: '3', usage_count: '4' });
    expect(out.total_organs).toBe(2);
  });

  it('flags two module organs of one source as duplicates, not the services and timers that file sets', () => {
    const out = review([
      line({ name: 'mod', type: 'nixos-module', source: './modules/x.nix' }),
      line({ name: 'hm-mod', type: 'home-manager-module', source: 'modules/x.nix' }),
      line({ name: 'svc', type: 'systemd-service', source: 'modules/x.nix' }),
      line({ name: 'svc.timer', type: 'systemd-timer', source: 'modules/x.nix' }),
      line({ name: 'other', type: 'systemd-service', source: 'modules/x.nix' }),
    ]);
    expect(out.findings.map((f) => [f.name, f.status === 'duplicate' ? f.reason : 'not a duplicate'])).toEqual([
      ['mod', 'duplicate organ source'],
      ['hm-mod', 'duplicate organ source'],
      ['svc', 'not a duplicate'],
      ['svc.timer', 'not a duplicate'],
      ['other', 'not a duplicate'],
    ]);
    expect(find(out, 'mod').evidence.duplicate_of).toMatch(/^org-hm-mod-/);
    expect(find(out, 'svc').evidence.duplicate_of).toBeUndefined();
  });
});

describe('reviewOrgans: time-based staleness', () => {
  it('marks an organ stale when it was last touched before the cutoff', () => {
    const lines = [line({ name: 'fresh', recorded_at: daysAgo(89), related_goals: ['g'] }), line({ name: 'old', recorded_at: daysAgo(91), related_goals: ['g'] })];
    const out = review(lines);
    expect(out.stale).toEqual(['old']);
    expect(find(out, 'old')).toMatchObject({ reason: 'not touched within 90 days', evidence: { last_touched: daysAgo(91), last_touched_by: 'registry:add' } });
    expect(review(lines, { days: 30 }).stale).toEqual(['fresh', 'old']);
    expect(review(lines, { days: 30 }).stale_after_days).toBe(30);
  });

  it('counts an update or a measured touch as a touch, and reports organs without any time', () => {
    const o = line({ name: 'o', recorded_at: daysAgo(200) });
    expect(review([o, { ...o, event: 'update', recorded_at: daysAgo(3) }]).stale).toEqual([]);
    const measured = review([o], { measure: { verifications: [{ verification_id: 'ver-x', timestamp: daysAgo(5), status: 'verified', changed_paths: ['src/o/a.nix'] }], promotions: [], generations: [] } });
    expect(find(measured, 'o').evidence).toMatchObject({ last_touched_by: 'verification:ver-x' });
    expect(measured.stale).toEqual([]);
    const { recorded_at: _, ...untimed } = line({ name: 'legacy' });
    expect(review([untimed]).limits).toContain('1 current organ(s) have no recorded time, so time-based staleness could not be judged for them');
  });

  it('names organs touched after the review (a wrong clock) in limits: they cannot turn stale by time', () => {
    const ahead = line({ name: 'ahead', recorded_at: daysAgo(-400) });
    const skewed = line({ name: 'skewed', recorded_at: daysAgo(-0.5) }); // hosts a few hours apart: nothing to say
    const old = line({ name: 'old', recorded_at: daysAgo(400) });
    const out = review([ahead, { ...ahead, event: 'update', recorded_at: daysAgo(200) }, skewed, old, { ...line({ name: 'gone', recorded_at: daysAgo(-9) }), retired: true }]);
    expect(out.stale).toEqual(['old']);
    expect(find(out, 'ahead').evidence.last_touched).toBe(daysAgo(-400));
    expect(out.limits).toContain(
      '1 current organ(s) were last touched more than a day after reviewed_at ("ahead"): the clock of this host or of the one that wrote those records is wrong, so time-based staleness could not be judged for them',
    );
    expect(review([skewed, old]).limits?.join('\n')).not.toContain('after reviewed_at');
  });
});

describe('reviewOrgans: measured evidence', () => {
  const organs = [line({ name: 'used', related_goals: ['g'], recorded_at: daysAgo(300) }), line({ name: 'broken', decay_status: 'active' }), line({ name: 'declared-idle', usage_count: 0 })];
  const measure: MeasureInputs = {
    verifications: [{ verification_id: 'ver-1', timestamp: daysAgo(2), status: 'rejected', changed_paths: ['src/broken/default.nix'] }],
    promotions: [{ promotion_id: 'pro-1', timestamp: daysAgo(10), mutation_id: 'mut-1', status: 'promoted', changed_paths: [], changed_organs: ['used', 'declared-idle'] }],
    generations: [{ timestamp: daysAgo(9), lineage_status: 'installed', generation: 'gen-1', mutation_id: 'mut-1', changed_organs: ['used'] }],
  };
  const out = review(organs, { measure });

  it('makes active reachable by measured use and failed by a failing latest change', () => {
    expect(find(out, 'used')).toMatchObject({ status: 'active', reason: 'measured use within 90 days' });
    expect(find(out, 'broken')).toMatchObject({ status: 'failed', reason: 'latest measured change failed' });
    expect(find(out, 'declared-idle').status).not.toBe('stale');
  });

  it('puts both the declared and the measured figures in the evidence', () => {
    expect(find(out, 'used').evidence).toMatchObject({
      usage_count: 'unset', failure_count: 'unset', measured_usage_count: '1', measured_promotions: '1', measured_generations: '1',
      measured_failure_count: '0', last_used: daysAgo(9),
    });
    expect(find(out, 'declared-idle').evidence).toMatchObject({ usage_count: '0', measured_usage_count: '1' });
    expect(find(out, 'broken').evidence).toMatchObject({ measured_failure_count: '1', measured_failed_verifications: '1', declared_decay_status: 'active' });
  });

  it('does not call an organ active for a measured use older than stale-after days, when a recent registry update keeps it from stale', () => {
    const o = line({ name: 'old-use', related_goals: ['g'], recorded_at: daysAgo(300) });
    const old: MeasureInputs = { verifications: [], promotions: [{ promotion_id: 'pro-old', timestamp: daysAgo(200), mutation_id: 'mut-old', status: 'promoted', changed_paths: [], changed_organs: ['old-use'] }], generations: [] };
    const r = review([o, { ...o, event: 'update', recorded_at: daysAgo(3) }], { measure: old });
    expect(find(r, 'old-use')).toMatchObject({ status: 'unknown', reason: 'insufficient review evidence', evidence: { last_used: daysAgo(200), last_touched: daysAgo(3) } });
  });

  it('says when usage was not measured', () => {
    expect(review(organs).limits?.[0]).toMatch(/^usage and failures are declared, not measured/);
  });
});

it('emits the groups in the documented order with lowercase statuses', () => {
  const out = review([line({ name: 'x' })]);
  expect(Object.keys(out)).toEqual([
    'schema_version', 'reviewed_at', 'source', 'total_organs', 'findings',
    'active', 'candidates', 'stale', 'duplicate', 'failed', 'unknown', 'retired', 'stale_after_days', 'source_statuses', 'limits',
  ]);
  expect(JSON.stringify(out)).not.toMatch(/"(Active|Candidate|Stale|Duplicate|Failed|Unknown|Retired)"/);
});
