import { describe, expect, it } from 'vitest';
import type { EffectRecord } from '@autopoietic/core/schemas';
import { earlierRevert, resumeStep } from './revert-resume.js';
import type { RevertStep } from './revert-steps.js';

// The continuation rule of install-revert on records alone; the e2e tests run it on real files.

function effect(id: string, type: string, metadata: Record<string, string>): EffectRecord {
  return { schema_version: '0.1.0', effect_id: id, timestamp: '2026-01-01T00:00:00.000Z', mutation_id: 'mut-1', type, target: '/t/etc/a', reversible: true, metadata };
}

const write = effect('eff-w', 'seed-file-write', { apply_id: 'ins-1', plan_digest: 'sha256:p', prior_state: 'absent' });
const removal = (extra: Record<string, string> = {}) =>
  effect('eff-r', 'seed-file-remove', { apply_id: 'ins-1', plan_digest: 'sha256:p', revert_id: 'rev-1', compensates: 'eff-w', write_path: '/t/etc/a', ...extra });

describe('earlierRevert', () => {
  it('takes the first run\'s revert id and the records of this apply and plan only', () => {
    const other = effect('eff-x', 'seed-file-remove', { apply_id: 'ins-0', plan_digest: 'sha256:p', revert_id: 'rev-0', compensates: 'eff-old' });
    const r = earlierRevert([other, write, removal()], 'ins-1', ['sha256:p']);
    expect(r.revertId).toBe('rev-1');
    expect([...r.byApplied.keys()]).toEqual(['eff-w']);
    expect(earlierRevert([write], 'ins-1', ['sha256:p'])).toEqual({ revertId: undefined, byApplied: new Map() });
  });

  it('ignores records of another plan under the same apply id, and keeps the first revert id when runs journaled several', () => {
    const otherPlan = effect('eff-p', 'seed-file-remove', { apply_id: 'ins-1', plan_digest: 'sha256:q', revert_id: 'rev-0', compensates: 'eff-w' });
    expect(earlierRevert([otherPlan, write], 'ins-1', ['sha256:p'])).toEqual({ revertId: undefined, byApplied: new Map() });
    // Runs of an older mutation-runner each took a new revert id: the first one names the revert.
    const later = effect('eff-r2', 'seed-file-remove', { apply_id: 'ins-1', plan_digest: 'sha256:p', revert_id: 'rev-2', compensates: 'eff-w2' });
    expect(earlierRevert([write, removal(), later], 'ins-1', ['sha256:p']).revertId).toBe('rev-1');
  });
});

describe('resumeStep', () => {
  const remove: RevertStep = { kind: 'remove', applied: write, writePath: '/t/etc/a' };

  it('leaves a step with no earlier record as it is', () => {
    expect(resumeStep(remove, undefined)).toBe(remove);
  });

  it('calls a file already in its compensated state compensated, by the earlier record', () => {
    expect(resumeStep({ kind: 'noop', applied: write, why: 'gone' }, removal())).toMatchObject({ kind: 'compensated', earlier: { effect_id: 'eff-r' } });
  });

  it('performs a step still to do under the earlier record', () => {
    expect(resumeStep(remove, removal())).toMatchObject({ kind: 'remove', earlier: { effect_id: 'eff-r' } });
    const kept = removal({ forced_backup_path: '/t/etc/a.b', forced_backup_sha256: 'sha256:c' });
    expect(resumeStep({ ...remove, changed: 'sha256:c' }, kept)).toMatchObject({ kind: 'remove', changed: 'sha256:c', earlier: { effect_id: 'eff-r' } });
  });

  it('keeps a step blocked for its own reason, whatever the earlier record says', () => {
    const blocked: RevertStep = { kind: 'blocked', applied: write, reason: '/t/etc/a now resolves to /t/x, not /t/etc/a as at apply time' };
    expect(resumeStep(blocked, removal())).toBe(blocked);
  });

  it('performs a forced step under its record when the file holds the applied content again (nothing left to keep aside)', () => {
    const kept = removal({ forced_backup_path: '/t/etc/a.b', forced_backup_sha256: 'sha256:c' });
    expect(resumeStep(remove, kept)).toMatchObject({ kind: 'remove', earlier: { effect_id: 'eff-r' } });
  });

  it('refuses a file changed since the record was journaled, or a record of another action or path', () => {
    expect(resumeStep({ ...remove, changed: 'sha256:d' }, removal())).toMatchObject({ kind: 'blocked', reason: expect.stringContaining('eff-r') });
    const kept = removal({ forced_backup_path: '/t/etc/a.b', forced_backup_sha256: 'sha256:c' });
    expect(resumeStep({ ...remove, changed: 'sha256:d' }, kept)).toMatchObject({ kind: 'blocked', reason: expect.stringContaining('kept in /t/etc/a.b') });
    expect(resumeStep(remove, removal({ write_path: '/t/etc/b' }))).toMatchObject({ kind: 'blocked' });
    expect(resumeStep({ ...remove, kind: 'restore', backup: '/x' }, removal())).toMatchObject({ kind: 'blocked' });
  });
});
