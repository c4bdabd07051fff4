import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { daysAgo, generation, journal, organLine, promotion, snapshot, verification } from './organ-fixtures.js';

const add = (mem: string, name: string, ...extra: string[]) => {
  const r = journal(['add', '--name', name, '--type', 'nixos-module', '--source', `modules/${name}.nix`, '--purpose', 'p', ...extra], mem);
  expect(r.code, r.stderr).toBe(0);
  return r.json();
};
const reviewOf = (mem: string, ...args: string[]) => {
  const before = snapshot(mem);
  const r = journal(['review', ...args], mem);
  expect(r.code, r.stderr).toBe(0);
  // review is read-only: every file of the memory dir is byte-for-byte the same, and none is new
  expect(snapshot(mem)).toEqual(before);
  return r.json();
};
const finding = (out: { findings: { name: string }[] }, name: string) => out.findings.find((f) => f.name === name) as any;

describe('organ review (reference P4 tests)', () => {
  it('groups by decay status without writing', () => {
    const mem = tempDir();
    add(mem, 'a', '--decay-status', 'active');
    add(mem, 'c', '--decay-status', 'candidate');
    add(mem, 'u', '--related-goal', 'g');
    const out = reviewOf(mem);
    expect([out.active, out.candidates, out.unknown]).toEqual([['a'], ['c'], ['u']]);
    expect(finding(out, 'u').reason).toBe('insufficient review evidence');
  });

  it('detects duplicate names without a manual status', async () => {
    const mem = tempDir();
    // two organs with one name can only come from lines written outside `organ add` (a merge, the reference tool)
    await organLine(mem, { name: 'dup', source: 'one' });
    await organLine(mem, { name: 'dup', source: 'two' });
    const out = reviewOf(mem);
    expect(out.duplicate).toEqual(['dup', 'dup']);
    expect(out.findings.map((f: { reason: string }) => f.reason)).toEqual(['duplicate organ name', 'duplicate organ name']);
  });

  it('detects failure_count > 0 and zero usage without a manual status', () => {
    const mem = tempDir();
    add(mem, 'f', '--failure-count', '2');
    add(mem, 's', '--usage-count', '0');
    const out = reviewOf(mem);
    expect(out.failed).toEqual(['f']);
    expect(finding(out, 'f').reason).toBe('failure_count is greater than zero');
    expect(out.stale).toEqual(['s']);
    expect(finding(out, 's').reason).toBe('usage_count is zero');
  });
});

describe('organ review with history', () => {
  it('flags duplicates among current organs only and puts retired organs under their own heading', () => {
    const mem = tempDir();
    add(mem, 'a');
    journal(['update', 'a', '--usage-count', '3'], mem);
    journal(['update', 'a', '--related-goal', 'g'], mem);
    // One module file registered twice (a duplicate), and the service and timer it sets (organs of their own).
    expect(journal(['add', '--name', 'b', '--type', 'nixos-module', '--source', 'modules/shared.nix', '--purpose', 'p'], mem).code).toBe(0);
    expect(journal(['add', '--name', 'c', '--type', 'nixos-module', '--source', './modules/shared.nix', '--purpose', 'p'], mem).code).toBe(0);
    expect(journal(['add', '--name', 'shared-job', '--type', 'systemd-service', '--source', 'modules/shared.nix', '--purpose', 'p'], mem).code).toBe(0);
    expect(journal(['add', '--name', 'shared-job.timer', '--type', 'systemd-timer', '--source', 'modules/shared.nix', '--purpose', 'p'], mem).code).toBe(0);
    add(mem, 'gone');
    journal(['add', '--name', 'gone-twin', '--type', 'cli', '--source', 'modules/gone.nix', '--purpose', 'p'], mem);
    journal(['retire', 'gone', '--reason', 'replaced by gone-twin'], mem);
    const out = reviewOf(mem);
    expect(out.duplicate).toEqual(['b', 'c']);
    expect(finding(out, 'b').reason).toBe('duplicate organ source');
    expect(finding(out, 'shared-job').status).not.toBe('duplicate');
    expect(finding(out, 'shared-job.timer').status).not.toBe('duplicate');
    expect(finding(out, 'a')).toMatchObject({ status: 'unknown', evidence: { versions: '3', usage_count: '3' } });
    expect(finding(out, 'gone-twin').status).not.toBe('duplicate');
    expect(out.retired).toEqual(['gone']);
    expect(finding(out, 'gone')).toMatchObject({ status: 'retired', evidence: { retired_reason: 'replaced by gone-twin' } });
    for (const group of ['active', 'candidates', 'stale', 'duplicate', 'failed', 'unknown']) expect(out[group]).not.toContain('gone');
  });
});

describe('time-based staleness', () => {
  it('marks organs not touched within --stale-after days (default 90) as stale', async () => {
    const mem = tempDir();
    await organLine(mem, { organ_id: 'org-fresh', event: 'add', name: 'fresh', recorded_at: daysAgo(89), related_goals: ['g'] });
    await organLine(mem, { organ_id: 'org-old', event: 'add', name: 'old', recorded_at: daysAgo(91), related_goals: ['g'] });
    await organLine(mem, { organ_id: 'org-touched', event: 'add', name: 'touched', recorded_at: daysAgo(400), related_goals: ['g'] });
    await verification(mem, { id: 'ver-1', status: 'verified', paths: ['src/touched/default.nix'], at: daysAgo(10) });
    const out = reviewOf(mem);
    expect(out.stale_after_days).toBe(90);
    expect(out.stale).toEqual(['old', 'touched']);
    expect(finding(out, 'old').reason).toBe('not touched within 90 days');
    const measured = reviewOf(mem, '--measure');
    expect(measured.stale).toEqual(['old']);
    expect(finding(measured, 'touched').evidence.last_touched_by).toBe('verification:ver-1');
    expect(reviewOf(mem, '--stale-after', '30').stale).toEqual(['fresh', 'old', 'touched']);
  });
});

describe('organ review --measure', () => {
  it('counts promotions, installed generations and failing verifications from the ledgers', async () => {
    const mem = tempDir();
    add(mem, 'identity', '--usage-count', '7', '--failure-count', '0', '--related-goal', 'g');
    add(mem, 'broken', '--decay-status', 'active');
    add(mem, 'quiet', '--related-goal', 'g');
    await promotion(mem, { id: 'pro-1', status: 'promoted', organs: ['identity'], paths: ['modules/identity.nix'], mutation: 'mut-1' });
    await promotion(mem, { id: 'pro-2', status: 'rejected', organs: ['identity'], paths: [], at: daysAgo(3) });
    await promotion(mem, { id: 'pro-3', status: 'promoted', organs: ['IDENTITY'], paths: [], mutation: 'mut-3', at: daysAgo(2) });
    await generation(mem, { label: 'gen-1', status: 'installed', organs: ['identity'], mutation: 'mut-1' });
    await generation(mem, { label: 'gen-2', status: 'planned', organs: ['identity', 'quiet'] });
    await generation(mem, { label: 'gen-3', status: 'failed', organs: ['identity', 'quiet'] });
    await verification(mem, { id: 'ver-1', status: 'verified', paths: ['modules/broken.nix'], at: daysAgo(5) });
    await verification(mem, { id: 'ver-2', status: 'rejected', paths: ['modules/broken.nix'], at: daysAgo(4) });
    await verification(mem, { id: 'ver-3', status: 'error', paths: ['modules/broken.nix', 'modules/identity.nix'], at: daysAgo(3) });
    const out = reviewOf(mem, '--measure');
    expect(finding(out, 'identity')).toMatchObject({
      status: 'active', reason: 'measured use within 90 days',
      evidence: {
        usage_count: '7', failure_count: '0', measured_usage_count: '2', measured_promotions: '2', measured_generations: '1',
        measured_failure_count: '2', measured_failed_verifications: '1', measured_failed_promotions: '1',
      },
    });
    expect(finding(out, 'broken')).toMatchObject({ status: 'failed', reason: 'latest measured change failed', evidence: { measured_failed_verifications: '2', declared_decay_status: 'active' } });
    expect(finding(out, 'quiet').evidence).toMatchObject({ measured_usage_count: '0', measured_generations: '0', last_used: 'never' });
    expect(out.source_statuses).toEqual({ registry: 'loaded:3', promotions: 'loaded:3', generations: 'loaded:3', verifications: 'loaded:3' });
    expect(Object.keys(out.measured_from)).toEqual(['promotions', 'generations', 'verifications']);
  });

  it('reports missing ledgers as limits', () => {
    const mem = tempDir();
    add(mem, 'x');
    const out = reviewOf(mem, '--measure');
    expect(out.source_statuses.promotions).toBe('missing:treated-as-empty');
    expect(out.limits).toContain('verifications source was missing and was treated as empty, so measured counts can be too low');
  });

  it('fails with file:line on a malformed ledger line, and still writes nothing', async () => {
    const mem = tempDir();
    add(mem, 'x');
    const { appendFileSync } = await import('node:fs');
    appendFileSync(`${mem}/organs.jsonl`, '{"not":"a record"}\n');
    const before = snapshot(mem);
    const r = journal(['review'], mem);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${mem}/organs.jsonl:2`);
    expect(snapshot(mem)).toEqual(before);
  });
});

describe('a torn last line (an append that never completed)', () => {
  it('is named in the output of review and suggest, and refused by the bare JSON arrays of organ list and list', async () => {
    const mem = tempDir();
    add(mem, 'a');
    await promotion(mem, { id: 'p1', status: 'promoted', organs: ['a'] });
    const registry = join(mem, 'organs.jsonl');
    const promotions = join(mem, 'mutation-promotions.jsonl');
    for (const f of [registry, promotions]) writeFileSync(f, '{"schema_version":"0.1.0","torn', { flag: 'a' });
    const note = (f: string) => `${f}: line 2, a torn final line (an append that never completed), was skipped; quarantine it with \`mutation-journal ledger repair --path ${f}\``;

    const review = reviewOf(mem, '--measure');
    expect(review.source_statuses).toMatchObject({ registry: 'loaded:1;skipped:torn-tail@2', promotions: 'loaded:1;skipped:torn-tail@2' });
    expect(review.limits.slice(0, 2)).toEqual([note(registry), note(promotions)]);
    const suggest = journal(['suggest'], mem);
    expect(suggest.code, suggest.stderr).toBe(0);
    expect(suggest.json().source_statuses.registry).toBe('loaded:1;skipped:torn-tail@2');
    expect(suggest.json().limits.slice(0, 2)).toEqual([note(registry), note(promotions)]);

    for (const r of [journal(['list'], mem), runCli('mutation-journal', ['list', 'organs', '--memory-dir', mem])]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error[ledger-torn-tail]: ${registry}:2: the last line is incomplete`);
      expect(r.stderr).toContain(`mutation-journal ledger repair --path ${registry}`);
    }
    // an intact registry: no note, and the status is the plain count
    const clean = tempDir();
    add(clean, 'a');
    expect(reviewOf(clean).source_statuses).toEqual({ registry: 'loaded:1' });
  });
});
