import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRecord, loadRecords, verifyLedger } from '@autopoietic/core/ledger';
import type { GenerationRecord } from '@autopoietic/core/schemas';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { planDigest } from '../src/gates/install/plan-file.js';
import { listTree, makeUnwritable, mr, recordedPlan } from './fixtures/install/run.js';

// P3 under write failures that hit the memory directory (a full disk), made without root or
// mounts: RLIMIT_FSIZE (`prlimit --fsize`). Node ignores SIGXFSZ, so a write past the limit
// fails with EFBIG (or comes back short), exactly as a full disk's ENOSPC would.

const BIN = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');

function mrLimited(dir: string, maxFileBytes: number, args: string[]) {
  const r = spawnSync('prlimit', [`--fsize=${maxFileBytes}`, process.execPath, BIN, ...args], { cwd: dir, env: testEnv(), encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Pads the generation ledger with other plans' records until it is the largest file the apply
 * touches, so that a file-size limit of its current size fails only its next append: the effect
 * records and the seed files all stay below it.
 */
async function padGenerations(file: string, atLeast: number): Promise<number> {
  const [planned] = (await loadRecords(file, 'generation')) as GenerationRecord[];
  for (let i = 0; statSync(file).size < atLeast; i++) await appendRecord(file, 'generation', { ...planned!, generation: `gen-other-${i}` });
  return statSync(file).size;
}

describe('install-apply when its outcome cannot be recorded (memory dir full)', () => {
  it('says the seed files were written; a re-run refuses until install-revert has undone that apply', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    const limit = await padGenerations(ev.generations, 16 * 1024);
    const args = ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory];

    const full = mrLimited(dir, limit, args);
    expect(full.code, full.stderr).toBe(1);
    expect(full.stderr).toContain('error[install-outcome-unrecorded]');
    expect(full.stderr).toContain('EFBIG');
    expect(full.stderr).toContain('install-revert');
    expect(listTree(target)).toHaveLength(5); // the seeds were written, and journaled
    const effects = readFileSync(ev.effects, 'utf8');
    expect(effects.trim().split('\n')).toHaveLength(5);
    expect(statSync(ev.generations).size).toBe(limit); // nothing half-written

    // Space is back: a second apply would journal the files as 'identical', and install-revert
    // (which undoes the latest apply) would then leave the first apply's files in place.
    const again = mr(dir, args);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('error[plan-apply-unrecorded]');
    expect(again.stderr).toContain('install-revert');
    expect(readFileSync(ev.effects, 'utf8')).toBe(effects);

    const revert = mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(revert.code, revert.stderr).toBe(0);
    expect(revert.json().effects).toHaveLength(5);
    expect(listTree(target)).toEqual([]);

    const last = mr(dir, args);
    expect(last.code, last.stderr).toBe(0);
    expect(last.json().lineage_status).toBe('installed');
    expect(listTree(target)).toHaveLength(5);
    for (const [file, schema] of [[ev.effects, 'effect'], [ev.generations, 'generation']] as const) expect((await verifyLedger(file, schema)).status).toBe('ok');
  });
});

describe('install-apply when the memory dir is full before its first effect record', () => {
  it('says that nothing was written (no revert to run); the apply succeeds once there is room', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    const generations = readFileSync(ev.generations);
    const args = ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory];
    // Below the first effect line and the generation ledger, above the lock owner records.
    const full = mrLimited(dir, 500, args);
    expect(full.code, full.stderr).toBe(1);
    expect(full.stderr).toContain('error[install-outcome-unrecorded]');
    expect(full.stderr).toContain('wrote nothing into the target');
    expect(full.stderr).not.toContain('install-revert');
    // The effect ledger refused its first record (a short write at the limit): no outcome is recorded either.
    expect(full.stderr).toMatch(/recorded no outcome: short write to \S+effects\.jsonl/);
    expect(listTree(target)).toEqual([]);
    expect(readFileSync(ev.generations)).toEqual(generations);

    const again = mr(dir, args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().lineage_status).toBe('installed');
  });
});

describe('install-apply when the effect ledger refuses its first record (a torn last line)', () => {
  it('records no failed outcome, which would leave the plan applied with nothing to revert; applies after ledger repair', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    writeFileSync(ev.effects, '{"schema_version":"0.1.0","effect_id":"eff-torn'); // an append killed mid-line
    const generations = readFileSync(ev.generations);
    const args = ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory];
    const torn = mr(dir, args);
    expect(torn.code, torn.stderr).toBe(1);
    expect(torn.stdout).toBe('');
    expect(torn.stderr).toMatch(/^error\[install-outcome-unrecorded\]: install-apply \S+ wrote nothing into the target, and recorded no outcome: .*incomplete line/m);
    expect(torn.stderr).toContain(`hint: Fix what the error names (free space; a torn last line: \`mutation-journal ledger repair --path ${ev.effects}\`), then apply again: there is nothing to revert.`);
    expect(listTree(target)).toEqual([]);
    expect(readFileSync(ev.generations)).toEqual(generations);

    const repair = runCli('mutation-journal', ['ledger', 'repair', '--path', ev.effects], { cwd: dir });
    expect(repair.code, repair.stderr).toBe(0);
    const again = mr(dir, args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().lineage_status).toBe('installed');
  });

  it('applies over the failed outcome an earlier install-apply recorded for such a run (no effects: nothing to revert)', async () => {
    const dir = tempDir();
    const { ev, target, planFile, plan } = await recordedPlan(dir);
    const [planned] = (await loadRecords(ev.generations, 'generation')) as GenerationRecord[];
    const { chain: _chain, ...base } = planned!;
    const applyId = 'ins-20260101-000000-00000000000000000000000000000000';
    await appendRecord(ev.generations, 'generation', {
      ...base, lineage_status: 'failed', activation_result: 'seed-write-failed', plan_digest: planDigest(plan),
      metadata: { ...base.metadata, apply_id: applyId, files_matched: '0/5', lineage_check: 'missing', failure: 'ledger effects.jsonl ends with an incomplete line' },
    });
    const args = ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory];
    const applied = mr(dir, args);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.json().lineage_status).toBe('installed');
    expect(listTree(target)).toHaveLength(5);
    // A failed apply that did journal its writes still keeps the plan applied.
    expect(mr(dir, args).stderr).toContain('error[plan-already-applied]');
  });
});

describe('install-revert when the target refuses a change (read-only)', () => {
  it('stops with an error naming the file and the cause, not error[internal]; a re-run after the fix finishes the revert', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    const args = ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory];
    expect(mr(dir, args).code).toBe(0);
    const revertArgs = ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory];
    const undo = makeUnwritable(join(target, 'var/lib/autopoietic'));
    let r: ReturnType<typeof mr>;
    try {
      r = mr(dir, revertArgs);
    } finally {
      undo();
    }
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('error[internal]');
    expect(r.stderr).toContain('error[revert-step-failed]');
    expect(r.stderr).toContain(join(target, 'var/lib/autopoietic/effects.jsonl'));
    expect(r.stderr).toMatch(/EPERM|EACCES/);
    expect(r.stderr).toContain('run install-revert again');
    expect(listTree(target)).toHaveLength(5);

    const again = mr(dir, revertArgs);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().status).toBe('reverted');
    expect(listTree(target)).toEqual([]);
    expect((await loadRecords(ev.generations, 'generation')).map((g) => g.lineage_status)).toEqual(['planned', 'installed', 'reverted']);
  });
});

describe('install-apply when the target refuses a write (read-only)', () => {
  it('says what to do next: the failed generation is recorded, so install-revert comes before another apply', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    const undo = makeUnwritable(target);
    let r: ReturnType<typeof mr>;
    try {
      r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    } finally {
      undo();
    }
    expect(r.code).toBe(1);
    expect(r.json().lineage_status).toBe('failed');
    expect(r.stderr).toMatch(/install-apply failed: .*(EPERM|EACCES)/);
    // The next step is a hint line, as every error's is.
    expect(r.stderr).toMatch(/^install-apply failed: .*\nhint: The failed generation is recorded: run `mutation-runner install-revert --plan \S+ --yes`/m);
    expect(r.stderr).toContain(`install-revert --plan ${planFile} --yes`);
    const again = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(again.stderr).toContain('error[plan-already-applied]');
  });
});
