import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@autopoietic/core/canonical';
import { loadRecords, verifyLedger } from '@autopoietic/core/ledger';
import { tempDir } from '../../../tests/support/tmp.js';
import { policyDir } from './fixtures/install/evidence.js';
import { listTree, mr, recordedPlan } from './fixtures/install/run.js';

// install-revert through the built bin: conflicts, --force, idempotence, preconditions.

async function applied(dir: string) {
  const setup = await recordedPlan(dir);
  const r = mr(dir, ['install-apply', '--plan', setup.planFile, '--yes', '--memory-dir', setup.ev.memory]);
  expect(r.code, r.stderr).toBe(0);
  return { ...setup, apply: r.json() };
}

const revertArgs = (planFile: string, memory: string, extra: string[] = []) => ['install-revert', '--plan', planFile, '--yes', '--memory-dir', memory, ...extra];

describe('install-revert', () => {
  it('refuses when a target file changed since the apply; --force reverts and keeps the changed content', async () => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await applied(dir);
    const identity = plan.seed_manifest.files[0]!.target_path;
    writeFileSync(identity, 'edited by hand\n');
    const effectsBefore = readFileSync(ev.effects, 'utf8');
    const refused = mr(dir, revertArgs(planFile, ev.memory));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('error[revert-conflict]');
    expect(refused.stderr).toContain('changed since install-apply');
    expect(refused.stderr).toMatch(/^hint: Inspect the listed files\. Pass --force to revert the changed ones anyway \(their content is kept as a backup\)\.$/m);
    expect(listTree(target)).toHaveLength(5);
    expect(readFileSync(ev.effects, 'utf8')).toBe(effectsBefore);

    const forced = mr(dir, revertArgs(planFile, ev.memory, ['--force']));
    expect(forced.code, forced.stderr).toBe(0);
    const removal = forced.json().effects.find((e: { target: string }) => e.target === identity);
    expect(removal.metadata.forced_backup_sha256).toBe(sha256('edited by hand\n'));
    expect(readFileSync(removal.metadata.forced_backup_path, 'utf8')).toBe('edited by hand\n');
    expect(listTree(target)).toEqual([removal.metadata.forced_backup_path.slice(target.length + 1)]);
    expect((await verifyLedger(ev.effects, 'effect')).status).toBe('ok');
  });

  it('after an apply killed between two mkdirs, removes the one directory it made', async () => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await applied(dir);
    for (const f of plan.seed_manifest.files) rmSync(f.target_path);
    rmSync(join(target, 'var'), { recursive: true });
    rmSync(join(target, 'etc/autopoietic'), { recursive: true }); // target/etc made, etc/autopoietic not yet
    const keep = (file: string, n: number) => writeFileSync(file, `${readFileSync(file, 'utf8').split('\n').slice(0, n).join('\n')}\n`);
    keep(ev.effects, 1);
    keep(ev.generations, 1);

    const r = mr(dir, revertArgs(planFile, ev.memory));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(target)).toEqual([]);
  });

  it('finishes a revert that stopped half-way: already-undone files need nothing', async () => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await applied(dir);
    rmSync(plan.seed_manifest.files[4]!.target_path); // as if a previous revert removed it and then crashed
    const r = mr(dir, revertArgs(planFile, ev.memory));
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.effects).toHaveLength(4);
    expect(out.unchanged).toEqual([{ target: plan.seed_manifest.files[4]!.target_path, why: 'the created file is already gone' }]);
    expect(listTree(target)).toEqual([]);
  });

  it('after an apply killed between creating directories and renaming a file in, removes those directories and the temp file', async () => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await applied(dir);
    // The state a SIGKILL at the second seed's rename leaves: identity.json written, the
    // /var/lib/autopoietic directories made, a temp file beside the never-renamed seed, two
    // write-ahead effects journaled and no outcome generation record.
    for (const f of plan.seed_manifest.files.slice(1)) rmSync(f.target_path);
    const temp = join(dirname(plan.seed_manifest.files[1]!.target_path), '.mutation-results.jsonl.tmp-4242-0123456789ab');
    writeFileSync(temp, 'partial');
    const keep = (file: string, n: number) => writeFileSync(file, `${readFileSync(file, 'utf8').split('\n').slice(0, n).join('\n')}\n`);
    keep(ev.effects, 2);
    keep(ev.generations, 1);

    const r = mr(dir, revertArgs(planFile, ev.memory));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().status).toBe('reverted');
    expect(readdirSync(target)).toEqual([]); // nothing left of the apply, not even empty directories
    expect((await verifyLedger(ev.effects, 'effect')).status).toBe('ok');
  });

  it('refuses to restore from a missing backup, even with --force', async () => {
    const dir = tempDir();
    const { ev, planFile, plan } = await recordedPlan(dir);
    const identity = plan.seed_manifest.files[0]!.target_path;
    mkdirSync(dirname(identity), { recursive: true });
    writeFileSync(identity, 'old\n');
    const apply = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--force', '--memory-dir', ev.memory]);
    expect(apply.code, apply.stderr).toBe(0);
    rmSync(apply.json().effects[0].metadata.backup_path);
    const r = mr(dir, revertArgs(planFile, ev.memory, ['--force']));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is missing');
    expect(readFileSync(identity, 'utf8')).toBe(plan.seed_manifest.files[0]!.content);
  });

  it('needs an applied plan, --yes and mode mutate-live', async () => {
    const dir = tempDir();
    const { ev, planFile } = await recordedPlan(dir);
    const notApplied = mr(dir, revertArgs(planFile, ev.memory));
    expect(notApplied.code).toBe(1);
    expect(notApplied.stderr).toContain('error[plan-not-applied]');
    expect(mr(dir, ['install-revert', '--plan', planFile, '--memory-dir', ev.memory]).code).toBe(2);
    const observe = mr(dir, revertArgs(planFile, ev.memory), { AUTOPOIETIC_ETC_DIR: policyDir(join(dir, 'etc'), 'mutate-vm') });
    expect(observe.code).toBe(1);
    expect(observe.stderr).toContain('error[mode-forbidden]');
    expect(existsSync(ev.effects)).toBe(false);
  });

  it('links every compensation to the apply effect it undoes', async () => {
    const dir = tempDir();
    const { ev, planFile, apply } = await applied(dir);
    expect(mr(dir, revertArgs(planFile, ev.memory)).code).toBe(0);
    const effects = await loadRecords(ev.effects, 'effect');
    const writes = effects.filter((e) => e.type === 'seed-file-write').map((e) => e.effect_id);
    const undone = effects.filter((e) => e.type === 'seed-file-remove').map((e) => e.metadata?.compensates);
    expect(new Set(undone)).toEqual(new Set(writes));
    expect(effects.every((e) => e.metadata?.apply_id === apply.apply_id)).toBe(true);
  });
});
