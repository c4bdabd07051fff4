import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@autopoietic/core/canonical';
import { loadRecords, verifyLedger } from '@autopoietic/core/ledger';
import type { EffectRecord, GenerationRecord } from '@autopoietic/core/schemas';
import { tempDir } from '../../../tests/support/tmp.js';
import { listTree, makeUnwritable, mr, recordedPlan } from './fixtures/install/run.js';

// install-revert stopped by a step the target refuses, then run again once the cause is fixed:
// the retry continues the same revert (one revert_id), and the effects ledger ends up with
// exactly one compensation per applied write, whatever the number of runs.

const COMPENSATIONS = new Set(['seed-file-remove', 'seed-file-restore']);

async function compensations(effects: string): Promise<EffectRecord[]> {
  return ((await loadRecords(effects, 'effect')) as EffectRecord[]).filter((e) => COMPENSATIONS.has(e.type));
}

/** Runs `run` while `dir` refuses changes (makeUnwritable by default), undone afterwards. */
function whileUnwritable(dir: string, run: () => ReturnType<typeof mr>, undoWith = makeUnwritable): ReturnType<typeof mr> {
  const undo = undoWith(dir);
  try {
    return run();
  } finally {
    undo();
  }
}

async function appliedPlan(dir: string, applyFlags: string[] = []) {
  const setup = await recordedPlan(dir);
  const r = mr(dir, ['install-apply', '--plan', setup.planFile, '--yes', ...applyFlags, '--memory-dir', setup.ev.memory]);
  expect(r.code, r.stderr).toBe(0);
  return { ...setup, revertArgs: (extra: string[] = []) => ['install-revert', '--plan', setup.planFile, '--yes', ...extra, '--memory-dir', setup.ev.memory] };
}

describe('install-revert run again after a step the target refused', () => {
  it('continues the same revert: one compensation per applied write, and the output says which were done earlier', async () => {
    const dir = tempDir();
    const { ev, plan, target, revertArgs } = await appliedPlan(dir);
    // Revert goes backwards: the four /var/lib seeds are removed first, then identity.json's
    // directory refuses the unlink.
    const identity = plan.seed_manifest.files[0]!.target_path;
    const stopped = whileUnwritable(dirname(identity), () => mr(dir, revertArgs()));
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('error[revert-step-failed]');
    expect(stopped.stderr).toContain('4 compensation(s) before it are done');
    const revertId = /install-revert (rev-\S+) could not/.exec(stopped.stderr)?.[1];
    expect(revertId).toBeDefined();
    expect(listTree(target)).toEqual(['etc/autopoietic/identity.json']);
    const firstRun = await compensations(ev.effects);
    expect(firstRun).toHaveLength(5); // the refused one was journaled before it was tried

    // Refused again: the four an earlier run did still count as done before it.
    const stillStopped = whileUnwritable(dirname(identity), () => mr(dir, revertArgs()));
    expect(stillStopped.code).toBe(1);
    expect(stillStopped.stderr).toContain(`install-revert ${revertId} could not remove`);
    expect(stillStopped.stderr).toContain('4 compensation(s) before it are done');
    expect(await compensations(ev.effects)).toEqual(firstRun);

    const again = mr(dir, revertArgs());
    expect(again.code, again.stderr).toBe(0);
    const out = again.json();
    expect(out.status).toBe('reverted');
    expect(out.revert_id).toBe(revertId);
    expect(out.effects).toEqual([]); // nothing new to journal: the earlier record describes the removal
    const identityRecord = firstRun.find((e) => e.target === identity)!;
    expect(out.compensated).toEqual([{ target: identity, effect_id: identityRecord.effect_id }]);
    expect(out.already_compensated.map((c: { target: string }) => c.target).sort()).toEqual(plan.seed_manifest.files.slice(1).map((f) => f.target_path).sort());
    expect(out.unchanged).toEqual([]);
    expect(listTree(target)).toEqual([]);

    const all = await compensations(ev.effects);
    expect(all).toEqual(firstRun);
    const writes = ((await loadRecords(ev.effects, 'effect')) as EffectRecord[]).filter((e) => e.type === 'seed-file-write');
    expect(all.map((e) => e.metadata?.compensates).sort()).toEqual(writes.map((e) => e.effect_id).sort());
    expect(new Set(all.map((e) => e.metadata?.revert_id))).toEqual(new Set([revertId]));
    const generations = (await loadRecords(ev.generations, 'generation')) as GenerationRecord[];
    expect(generations.map((g) => g.lineage_status)).toEqual(['planned', 'installed', 'reverted']);
    expect(generations[2]!.metadata).toMatchObject({ revert_id: revertId, compensations: '5' });
    expect((await verifyLedger(ev.effects, 'effect')).status).toBe('ok');

    const third = mr(dir, revertArgs());
    expect(third.code, third.stderr).toBe(0);
    expect(third.json()).toMatchObject({ status: 'already-reverted', revert_id: revertId, effects: [] });
  });

  // Taking the backup link while the unlink fails needs an append-only directory: chattr +a, root only.
  it.runIf(process.getuid?.() === 0)('finishes a --force revert whose changed content was already kept aside, without a second record or backup', async () => {
    const dir = tempDir();
    const { ev, plan, target, revertArgs } = await appliedPlan(dir);
    const identity = plan.seed_manifest.files[0]!.target_path;
    writeFileSync(identity, 'edited by hand\n');
    // An append-only directory takes the backup link (a new entry) but refuses the unlink.
    const appendOnly = (d: string) => {
      execFileSync('chattr', ['+a', d]);
      return () => execFileSync('chattr', ['-a', d]);
    };
    const stopped = whileUnwritable(dirname(identity), () => mr(dir, revertArgs(['--force'])), appendOnly);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('error[revert-step-failed]');
    const [record] = (await compensations(ev.effects)).filter((e) => e.target === identity);
    const aside = record!.metadata!.forced_backup_path!;
    expect(readFileSync(aside, 'utf8')).toBe('edited by hand\n');

    const again = mr(dir, revertArgs(['--force']));
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().compensated).toEqual([{ target: identity, effect_id: record!.effect_id }]);
    expect(existsSync(identity)).toBe(false);
    expect(listTree(target)).toEqual([aside.slice(target.length + 1)]);
    expect(readFileSync(aside, 'utf8')).toBe('edited by hand\n');
    expect((await compensations(ev.effects)).filter((e) => e.target === identity)).toHaveLength(1);
    expect(record!.metadata!.forced_backup_sha256).toBe(sha256('edited by hand\n'));
  });

  it.runIf(process.getuid?.() === 0)('does not take a symlink planted where the changed content was kept for the kept content', async () => {
    const dir = tempDir();
    const { plan, revertArgs } = await appliedPlan(dir);
    const identity = plan.seed_manifest.files[0]!.target_path;
    writeFileSync(identity, 'edited by hand\n');
    const appendOnly = (d: string) => {
      execFileSync('chattr', ['+a', d]);
      return () => execFileSync('chattr', ['-a', d]);
    };
    expect(whileUnwritable(dirname(identity), () => mr(dir, revertArgs(['--force'])), appendOnly).code).toBe(1);
    const aside = readdirSync(dirname(identity)).find((n) => n.includes('.autopoietic-revert-backup-'))!;
    // The hard link replaced by a symlink to the file: it resolves to the same inode, yet holds nothing.
    rmSync(join(dirname(identity), aside));
    symlinkSync(identity, join(dirname(identity), aside));

    const again = mr(dir, revertArgs(['--force']));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error[revert-step-failed]');
    expect(readFileSync(identity, 'utf8')).toBe('edited by hand\n');
  });

  it('refuses, naming the earlier record, when a file changed again after its compensation was journaled', async () => {
    const dir = tempDir();
    const { ev, plan, revertArgs } = await appliedPlan(dir);
    const identity = plan.seed_manifest.files[0]!.target_path;
    const stopped = whileUnwritable(dirname(identity), () => mr(dir, revertArgs()));
    expect(stopped.code).toBe(1);
    writeFileSync(identity, 'edited between the runs\n');
    const before = readFileSync(ev.effects, 'utf8');
    const record = (await compensations(ev.effects)).find((e) => e.target === identity)!;

    const forced = mr(dir, revertArgs(['--force']));
    expect(forced.code).toBe(1);
    expect(forced.stdout).toBe('');
    expect(forced.stderr).toContain('error[revert-conflict]');
    // --force cannot help here, and the hint does not offer it.
    expect(forced.stderr).toMatch(/^hint: Inspect the listed files\. --force does not override these: put back the content they name, or finish those files by hand\.$/m);
    expect(forced.stderr).toContain(record.effect_id);
    expect(readFileSync(ev.effects, 'utf8')).toBe(before);
    expect(readFileSync(identity, 'utf8')).toBe('edited between the runs\n');
  });
});
