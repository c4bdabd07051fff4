import { existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@autopoietic/core/canonical';
import type { EffectRecord, InstallSeedFilePlan } from '@autopoietic/core/schemas';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { performStep, planRevertStep } from './revert-steps.js';

// Revert decisions on real files, for states an apply can leave behind when it stops half-way.

function seed(root: string, content: string): InstallSeedFilePlan {
  return {
    installed_path: '/etc/seed.json',
    target_path: join(root, 'etc/seed.json'),
    source: 'test',
    content_sha256: sha256(content),
    content_encoding: 'utf8',
    content,
    effect: { type: 'planned-seed-file-write', target: join(root, 'etc/seed.json'), reversible: true, compensation: 'c', verified_by: 'v', risk: 'medium' },
  };
}

function replacedEffect(target: string, backup: string, old: string): EffectRecord {
  return {
    schema_version: '0.1.0',
    effect_id: 'eff-1',
    timestamp: '2026-01-01T00:00:00.000Z',
    mutation_id: 'mut-1',
    type: 'seed-file-write',
    target,
    reversible: true,
    metadata: { prior_state: 'replaced', prior_sha256: sha256(old), backup_path: backup, backup_sha256: sha256(old), apply_id: 'ins-1', installed_path: '/etc/seed.json' },
  };
}

describe('planRevertStep after an interrupted replace', () => {
  it('drops a backup that is still a second link of the untouched old file', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc'));
    const target = join(root, 'etc/seed.json');
    const backup = `${target}.autopoietic-backup-ins-1`;
    writeFileSync(target, 'old\n');
    linkSync(target, backup); // install-apply took the backup, then stopped before the rename
    const step = planRevertStep(root, seed(root, 'planned\n'), replacedEffect(target, backup, 'old\n'));
    expect(step).toMatchObject({ kind: 'restore', changed: undefined });
    performStep(step as Extract<typeof step, { kind: 'restore' }>);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    expect(existsSync(backup)).toBe(false);
  });

  it('restores the backup over the planned content', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc'));
    const target = join(root, 'etc/seed.json');
    const backup = `${target}.autopoietic-backup-ins-1`;
    writeFileSync(backup, 'old\n');
    writeFileSync(target, 'planned\n');
    const step = planRevertStep(root, seed(root, 'planned\n'), replacedEffect(target, backup, 'old\n'));
    expect(step.kind).toBe('restore');
    performStep(step as Extract<typeof step, { kind: 'restore' }>);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    expect(existsSync(backup)).toBe(false);
    expect(planRevertStep(root, seed(root, 'planned\n'), replacedEffect(target, backup, 'old\n')).kind).toBe('noop');
  });

  it('calls other content a change', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc'));
    const target = join(root, 'etc/seed.json');
    const backup = `${target}.autopoietic-backup-ins-1`;
    writeFileSync(backup, 'old\n');
    writeFileSync(target, 'edited\n');
    expect(planRevertStep(root, seed(root, 'planned\n'), replacedEffect(target, backup, 'old\n'))).toMatchObject({ kind: 'restore', changed: sha256('edited\n') });
  });
});
