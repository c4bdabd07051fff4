import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, digestCanonical, sha256 } from '@autopoietic/core/canonical';
import { appendRecord, loadRecords, verifyLedger } from '@autopoietic/core/ledger';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { planInstall } from '../src/gates/install/plan.js';
import type { InstallPlanOutput } from '@autopoietic/core/schemas';
import { FIXTURE_PLAN, planArgs, policyDir, writeEvidence } from './fixtures/install/evidence.js';
import { listTree, makeUnwritable, mr, mrAsync, recordedPlan } from './fixtures/install/run.js';

// install-apply and its round trip with install-verify and install-revert, through the built bin.

type PlanDoc = InstallPlanOutput;

/** Puts a seed file in the target by hand, with the planned content and `mode` (whatever the umask). */
function placeSeed(seed: PlanDoc['seed_manifest']['files'][number], mode: number): void {
  mkdirSync(dirname(seed.target_path), { recursive: true });
  writeFileSync(seed.target_path, seed.content);
  chmodSync(seed.target_path, mode);
}

describe('install-apply', () => {
  it('round trip: apply, verify all matched, revert, verify all missing; every ledger verifies', async () => {
    const dir = tempDir();
    const { ev, target, planFile, plan } = await recordedPlan(dir);
    const apply = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(apply.code, apply.stderr).toBe(0);
    const out = apply.json();
    expect(out.lineage_status).toBe('installed');
    expect(out.verify.all_matched).toBe(true);
    expect(out.effects).toHaveLength(5);
    for (const [i, e] of out.effects.entries()) {
      expect(e).toMatchObject({
        type: 'seed-file-write',
        target: plan.seed_manifest.files[i]!.target_path,
        reversible: true,
        verified_by: 'mutation-runner install-verify',
        risk: 'medium',
        metadata: { prior_state: 'absent', plan_digest: out.plan_digest, apply_id: out.apply_id },
      });
      expect(e.compensation).toContain('install-revert removes');
    }
    expect(out.generation).toMatchObject({ lineage_status: 'installed', generation: 'gen-child', plan_digest: out.plan_digest, promotion_id: plan.generation.promotion_id, verification_id: plan.generation.verification_id });
    for (const f of plan.seed_manifest.files) expect(readFileSync(f.target_path, 'utf8')).toBe(f.content);
    // The seeded memory directory is a valid set of ledgers for the installed system's own tools.
    const seeded = runCli('mutation-journal', ['ledger', 'verify', '--all', '--memory-dir', join(target, 'var/lib/autopoietic')], { cwd: dir });
    expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
    const present = seeded.json().ledgers.filter((l: { exists: boolean }) => l.exists);
    expect(present.map((l: { path: string; status: string }) => [l.path.split('/').at(-1), l.status]).sort()).toEqual(
      ['effects.jsonl', 'generations.jsonl', 'mutation-promotions.jsonl', 'mutation-results.jsonl'].map((f) => [f, 'ok']),
    );

    const verified = mr(dir, ['install-verify', '--plan', planFile]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json().all_matched).toBe(true);

    const revert = mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(revert.code, revert.stderr).toBe(0);
    const rev = revert.json();
    expect(rev.status).toBe('reverted');
    expect(rev.effects.map((e: { type: string }) => e.type)).toEqual(Array(5).fill('seed-file-remove'));
    expect(rev.generation).toMatchObject({ lineage_status: 'reverted', plan_digest: out.plan_digest });
    expect(listTree(target)).toEqual([]);
    expect(readdirSync(target)).toEqual([]); // the directories install-apply created are gone too

    const after = mr(dir, ['install-verify', '--plan', planFile]);
    expect(after.code).toBe(1);
    expect(after.json().files.map((f: { status: string }) => f.status)).toEqual(Array(5).fill('missing'));

    const again = mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().status).toBe('already-reverted');

    for (const [file, schema] of [[ev.effects, 'effect'], [ev.generations, 'generation'], [ev.promotions, 'mutation-promotion'], [ev.results, 'mutation-result']] as const) {
      expect((await verifyLedger(file, schema)).status, file).toBe('ok');
    }
    const operator = runCli('mutation-journal', ['ledger', 'verify', '--all', '--memory-dir', ev.memory], { cwd: dir });
    expect(operator.code, operator.stdout + operator.stderr).toBe(0);
    const lineage = (await loadRecords(ev.generations, 'generation')).map((g) => g.lineage_status);
    expect(lineage).toEqual(['planned', 'installed', 'reverted']);
    expect((await loadRecords(ev.effects, 'effect')).map((e) => e.type)).toEqual([...Array(5).fill('seed-file-write'), ...Array(5).fill('seed-file-remove')]);
  });

  it('is refused in observe-only mode, and journals nothing', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    const etc = policyDir(join(dir, 'etc'), 'observe-only');
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory], { AUTOPOIETIC_ETC_DIR: etc });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[mode-forbidden]');
    expect(r.stderr).toContain('mutate-live');
    expect(listTree(target)).toEqual([]);
    expect(existsSync(ev.effects)).toBe(false);
    const ok = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory], { AUTOPOIETIC_ETC_DIR: policyDir(join(dir, 'etc2'), 'mutate-live') });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('refuses to overwrite a changed file without --force, and writes nothing at all', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    const identity = join(target, 'etc/autopoietic/identity.json');
    mkdirSync(dirname(identity), { recursive: true });
    writeFileSync(identity, '{"host":"hand-written"}\n');
    const generationsBefore = readFileSync(ev.generations, 'utf8');
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[target-conflict]');
    expect(r.stderr).toContain('--force');
    expect(listTree(target)).toEqual(['etc/autopoietic/identity.json']);
    expect(readFileSync(identity, 'utf8')).toBe('{"host":"hand-written"}\n');
    expect(existsSync(ev.effects)).toBe(false);
    expect(readFileSync(ev.generations, 'utf8')).toBe(generationsBefore);
  });

  it('with --force keeps the old file as a recorded backup, and revert restores it', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    const identity = join(target, 'etc/autopoietic/identity.json');
    mkdirSync(dirname(identity), { recursive: true });
    const old = '{"host":"hand-written"}\n';
    writeFileSync(identity, old);
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--force', '--memory-dir', ev.memory]);
    expect(r.code, r.stderr).toBe(0);
    const effect = r.json().effects[0];
    expect(effect.metadata).toMatchObject({ prior_state: 'replaced', backup_sha256: sha256(old), prior_sha256: sha256(old) });
    expect(effect.risk).toBe('high');
    expect(readFileSync(effect.metadata.backup_path, 'utf8')).toBe(old);
    expect(dirname(effect.metadata.backup_path)).toBe(dirname(identity));

    const rev = mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(rev.code, rev.stderr).toBe(0);
    expect(rev.json().effects[4]).toMatchObject({ type: 'seed-file-restore', metadata: { restored_from: effect.metadata.backup_path, compensates: effect.effect_id } });
    expect(readFileSync(identity, 'utf8')).toBe(old);
    expect(listTree(target)).toEqual(['etc/autopoietic/identity.json']);
  });

  it('leaves a file that already holds the planned content alone, and revert keeps it', async () => {
    const dir = tempDir();
    const { ev, target, planFile, plan } = await recordedPlan(dir);
    const seed = plan.seed_manifest.files[0]!;
    placeSeed(seed, 0o644);
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().effects[0].metadata.prior_state).toBe('identical');
    expect(mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]).code).toBe(0);
    expect(listTree(target)).toEqual(['etc/autopoietic/identity.json']);
  });

  // It counted as installed ('identical'), left alone; install-verify, which compares modes, then failed the apply.
  it('treats the planned content with another mode as a different file: refused without --force, replaced with it', async () => {
    const dir = tempDir();
    const { ev, planFile, plan } = await recordedPlan(dir);
    const seed = plan.seed_manifest.files[0]!;
    placeSeed(seed, 0o666);
    const refused = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${seed.target_path}: exists with the planned content but mode 0666, not the plan's 0644; --force replaces it and keeps a backup`);
    const forced = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--force', '--memory-dir', ev.memory]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json().effects[0].metadata).toMatchObject({ prior_state: 'replaced', prior_sha256: seed.content_sha256 });
    expect(forced.json().verify.files[0]).toMatchObject({ status: 'matched', actual_mode: '0644' });
    expect(statSync(seed.target_path).mode & 0o7777).toBe(0o644);
  });

  // install-verify judges owners (ADR 0025): a seed another user owns is not installed, so apply must not leave it as it is.
  it("treats the planned content and mode owned by another user as a different file: refused without --force, replaced with it", async () => {
    const dir = tempDir();
    const { ev, planFile, plan } = await recordedPlan(dir);
    const seed = plan.seed_manifest.files[0]!;
    placeSeed(seed, 0o644);
    // Only root can give a file to another user; as another user, this user's own seed (it owns
    // the target root too) is installed: the other test above leaves it alone.
    if (process.getuid!() !== 0) return;
    chownSync(seed.target_path, 65534, 65534);
    const refused = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${seed.target_path}: exists with the planned content and mode, but it is owned by uid 65534, not by root, which owns the target root: that user can rewrite it`);
    const forced = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--force', '--memory-dir', ev.memory]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json().effects[0].metadata).toMatchObject({ prior_state: 'replaced', prior_sha256: seed.content_sha256 });
    expect(forced.json().verify.files[0]).toMatchObject({ status: 'matched', actual_uid: 0, allowed_uids: [0] });
    expect(statSync(seed.target_path).uid).toBe(0);
  });

  it('records a failed generation when a write fails part-way; revert undoes what was written', async () => {
    const dir = tempDir();
    const { ev, target, planFile } = await recordedPlan(dir);
    const memory = join(target, 'var/lib/autopoietic');
    mkdirSync(memory, { recursive: true });
    const undo = makeUnwritable(memory);
    let r: ReturnType<typeof mr>;
    try {
      r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    } finally {
      undo();
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('install-apply failed');
    const out = r.json();
    expect(out.lineage_status).toBe('failed');
    expect(out.error).toContain('mutation-results.jsonl');
    expect(out.generation).toMatchObject({ lineage_status: 'failed', activation_result: 'seed-write-failed', plan_digest: out.plan_digest });
    // identity.json was written; the attempt at mutation-results.jsonl was journaled before it failed
    expect(out.effects.map((e: { metadata: { installed_path: string } }) => e.metadata.installed_path)).toEqual(['/etc/autopoietic/identity.json', '/var/lib/autopoietic/mutation-results.jsonl']);
    expect(out.verify.files.map((f: { status: string }) => f.status)).toEqual(['matched', 'missing', 'missing', 'missing', 'missing']);
    expect(listTree(target)).toEqual(['etc/autopoietic/identity.json']);

    const rev = mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(rev.code, rev.stderr).toBe(0);
    expect(rev.json().effects).toHaveLength(1);
    expect(listTree(target)).toEqual([]);
    expect((await loadRecords(ev.generations, 'generation')).map((g) => g.lineage_status)).toEqual(['planned', 'failed', 'reverted']);
  });

  it('creates missing parent directories 0755 and seed files with the plan\'s mode whatever the umask; install-verify then matches them all', async () => {
    const dir = tempDir();
    const { ev, target, planFile, plan } = await recordedPlan(dir);
    const bin = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');
    const underUmask = (umask: string, args: string[]) =>
      spawnSync('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, bin, ...args], { cwd: dir, env: testEnv(), encoding: 'utf8' });
    const r = underUmask('077', ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verify.all_matched).toBe(true);
    for (const d of ['etc', 'etc/autopoietic', 'var', 'var/lib', 'var/lib/autopoietic']) expect((statSync(join(target, d)).mode & 0o777).toString(8), d).toBe('755');
    for (const f of plan.seed_manifest.files) expect((statSync(f.target_path).mode & 0o7777).toString(8).padStart(4, '0'), f.installed_path).toBe(f.mode);
    const verified = underUmask('000', ['install-verify', '--plan', planFile]);
    expect(verified.status, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout).files.map((f: { actual_mode: string }) => f.actual_mode)).toEqual(Array(5).fill('0644'));
  });

  it('needs --yes (usage error) and a recorded plan', async () => {
    const dir = tempDir();
    const { ev, planFile, target } = await recordedPlan(dir, undefined, false);
    const noYes = mr(dir, ['install-apply', '--plan', planFile, '--memory-dir', ev.memory]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('--yes');
    const unrecorded = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(unrecorded.code).toBe(1);
    expect(unrecorded.stderr).toContain('error[plan-not-recorded]');
    expect(listTree(target)).toEqual([]);
  });

  // Each seeded record is compared on its own: a check dropped for one of them lets an edited
  // P1 record (or lineage record) into the installed system's ledgers.
  it.each([
    ['P2 seed', "the plan's P2 seed (promotion", 2],
    ['P1 seed', "the plan's P1 seed (verification", 1],
    ['lineage seed', "the plan's lineage seed does not match its own generation record", 3],
  ] as const)('refuses a plan whose %s no longer matches the ledgers', async (_seed, message, index) => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await recordedPlan(dir);
    const seed = plan.seed_manifest.files[index]!;
    seed.content = `${JSON.stringify({ ...JSON.parse(seed.content), reason: 'tampered' })}\n`;
    seed.content_sha256 = sha256(seed.content);
    writeFileSync(planFile, JSON.stringify(plan));
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[plan-evidence-mismatch]: ${message}`);
    expect(listTree(target)).toEqual([]);
    expect(existsSync(ev.effects)).toBe(false);
  });

  // The P1/P2/lineage seeds matching the ledgers is not enough: every seed (path, content,
  // effect) must be the one install-plan derives from them, or an edited plan installs anything.
  it.each([
    ['an extra seed file', (plan: PlanDoc, target: string) => {
      const content = 'ALL ALL=(ALL) NOPASSWD: ALL\n';
      const f = structuredClone(plan.seed_manifest.files[0]!);
      Object.assign(f, { installed_path: '/etc/sudoers.d/evil', target_path: join(target, 'etc/sudoers.d/evil'), content, content_sha256: sha256(content) });
      plan.seed_manifest.files.push(f);
    }],
    ['an edited identity seed', (plan: PlanDoc) => {
      const f = plan.seed_manifest.files[0]!;
      f.content = '{"host":"evil","roles":["autopoietic","installed-seed"]}\n';
      f.content_sha256 = sha256(f.content);
    }],
    ['a P1 seed moved to another path', (plan: PlanDoc, target: string) => {
      const f = plan.seed_manifest.files[1]!;
      Object.assign(f, { installed_path: '/etc/profile', target_path: join(target, 'etc/profile') });
    }],
    ['a dropped seed file', (plan: PlanDoc) => {
      plan.seed_manifest.files.pop();
    }],
  ])('refuses a plan with %s that the evidence does not give, and writes nothing', async (_what, edit) => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await recordedPlan(dir);
    edit(plan as PlanDoc, target);
    writeFileSync(planFile, JSON.stringify(plan));
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[plan-evidence-mismatch]');
    expect(r.stderr).toContain('seed');
    expect(listTree(target)).toEqual([]);
    expect(existsSync(ev.effects)).toBe(false);
    expect((await loadRecords(ev.generations, 'generation')).map((g) => g.lineage_status)).toEqual(['planned']);
  });

  it('refuses a plan recorded before install-plan refused a generation that is its own parent (exit 2, nothing written); verify still reads it', async () => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await recordedPlan(dir);
    // As an older install-plan --record wrote it: parent and resulting generation the same label.
    const generation = { ...plan.generation, parent_generation: plan.generation.generation };
    await appendRecord(ev.generations, 'generation', generation);
    writeFileSync(planFile, JSON.stringify({ ...plan, generation }));
    const effectsBefore = existsSync(ev.effects) ? readFileSync(ev.effects, 'utf8') : '';
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(
      `error[generation-own-parent]: plan ${planFile}: its generation "gen-child" is also its parent_generation: a generation cannot be its own parent\n` +
        'hint: Plan the install again (install-plan --parent-generation <the generation installed now> --resulting-generation <a new label> --record), and apply that plan.\n',
    );
    expect(listTree(target)).toEqual([]);
    expect(existsSync(ev.effects) ? readFileSync(ev.effects, 'utf8') : '').toBe(effectsBefore);
    const verified = mr(dir, ['install-verify', '--plan', planFile]);
    expect(verified.stderr).not.toContain('generation-own-parent');
    expect(verified.json().all_matched).toBe(false); // nothing installed: every seed missing
  });

  it('refuses a plan naming another identity host even when that planned generation was recorded too', async () => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await recordedPlan(dir);
    // The generation, its lineage seed and the identity seed all say "evil", hashes fixed up, and
    // that generation appended to the ledger (as the operator's generation tool could).
    const generation = { ...plan.generation, metadata: { ...plan.generation.metadata, identity_host: 'evil' } };
    const seeds = plan.seed_manifest.files;
    seeds[0]!.content = '{"host":"evil","roles":["autopoietic","installed-seed"]}\n';
    seeds[3]!.content = `${canonicalJson({ ...generation, chain: { seq: 1, prev: sha256('') } })}\n`;
    for (const f of [seeds[0]!, seeds[3]!]) f.content_sha256 = sha256(f.content);
    await appendRecord(ev.generations, 'generation', generation);
    writeFileSync(planFile, JSON.stringify({ ...plan, generation }));
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toContain('error[plan-evidence-mismatch]');
    expect(r.stderr).toContain('planned generation: metadata is not what promotion');
    expect(listTree(target)).toEqual([]);
  });

  // Read without the integrity check, a planned record pasted from another ledger passed for the
  // recorded plan install-apply requires, and install-revert took its files from a ledger missing
  // a record.
  it('refuses a generation or effect ledger whose hash chain is broken (exit 1), and changes nothing in the target', async () => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await recordedPlan(dir, undefined, false);
    await planInstall({ ...FIXTURE_PLAN, resultingGeneration: 'gen-other', memoryDir: ev.memory, targetRoot: join(dir, 'other'), record: true, etcDir: join(dir, 'no-etc'), cwd: dir });
    writeFileSync(ev.generations, `${canonicalJson({ ...plan.generation, chain: { seq: 1, prev: sha256('') } })}\n`, { flag: 'a' });
    const pasted = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(pasted.code, pasted.stdout).toBe(1);
    expect(pasted.stdout).toBe('');
    expect(pasted.stderr).toContain(`error[evidence-ledger-broken]: generation ledger ${ev.generations} fails its integrity check (${ev.generations}:`);
    expect(listTree(target)).toEqual([]);
    expect(existsSync(ev.effects)).toBe(false);
    const before = readFileSync(ev.generations, 'utf8');
    const record = mr(dir, planArgs(ev, join(dir, 'third'), ['--record']));
    expect(record.code, record.stdout).toBe(1);
    expect(record.stdout).toBe('');
    expect(record.stderr).toContain(`error[evidence-ledger-broken]: generation ledger ${ev.generations} fails its integrity check`);
    expect(readFileSync(ev.generations, 'utf8')).toBe(before);

    const other = tempDir();
    const applied = await recordedPlan(other);
    expect(mr(other, ['install-apply', '--plan', applied.planFile, '--yes', '--memory-dir', applied.ev.memory]).code).toBe(0);
    const installed = listTree(applied.target);
    // The first write's record removed: revert undid the other four, left that file in the
    // target and reported the apply reverted.
    const lines = readFileSync(applied.ev.effects, 'utf8').trimEnd().split('\n');
    writeFileSync(applied.ev.effects, `${lines.slice(1).join('\n')}\n`);
    const revert = mr(other, ['install-revert', '--plan', applied.planFile, '--yes', '--memory-dir', applied.ev.memory]);
    expect(revert.code, revert.stdout).toBe(1);
    expect(revert.stdout).toBe('');
    expect(revert.stderr).toContain(`error[evidence-ledger-broken]: effect ledger ${applied.ev.effects} fails its integrity check (${applied.ev.effects}:1:`);
    expect(listTree(applied.target)).toEqual(installed);
  });

  // A torn last line refuses appends: install-apply wrote and journaled every seed file, then could
  // not record its outcome ("install-outcome-unrecorded", with a hint about free space), and
  // install-revert undid every file, then could not record that it had.
  it('refuses, before any write, a generation ledger with a torn last line (apply and revert); after a repair both run', async () => {
    const dir = tempDir();
    const { ev, planFile, target } = await recordedPlan(dir);
    const torn = '{"schema_version":"0.1.0","effect_id":"eff-torn"';
    const repair = (file: string) => expect(runCli('mutation-journal', ['ledger', 'repair', '--path', file]).code).toBe(0);
    writeFileSync(ev.generations, torn, { flag: 'a' });
    const apply = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(apply.code, apply.stdout).toBe(1);
    expect(apply.stdout).toBe('');
    expect(apply.stderr).toContain(`error[ledger-torn-tail]: ledger ${ev.generations} ends with an incomplete line`);
    expect(listTree(target)).toEqual([]);
    expect(existsSync(ev.effects)).toBe(false);
    repair(ev.generations);
    const again = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(again.code, again.stderr).toBe(0);

    const installed = listTree(target);
    const effects = readFileSync(ev.effects, 'utf8');
    writeFileSync(ev.generations, torn, { flag: 'a' });
    const revert = mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(revert.code, revert.stdout).toBe(1);
    expect(revert.stdout).toBe('');
    expect(revert.stderr).toContain(`error[ledger-torn-tail]: ledger ${ev.generations} ends with an incomplete line`);
    expect(listTree(target)).toEqual(installed);
    expect(readFileSync(ev.effects, 'utf8')).toBe(effects); // no compensation journaled
    repair(ev.generations);
    const reverted = mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(reverted.code, reverted.stderr).toBe(0);
    expect(listTree(target)).toEqual([]);
  });

  it('refuses to apply a plan twice until it is reverted', async () => {
    const dir = tempDir();
    const { ev, planFile } = await recordedPlan(dir);
    const args = ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory];
    expect(mr(dir, args).code).toBe(0);
    const twice = mr(dir, args);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('error[plan-already-applied]');
    expect(mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]).code).toBe(0);
    const third = mr(dir, args);
    expect(third.code, third.stderr).toBe(0);
    expect(third.json().lineage_status).toBe('installed');
  });

  it('knows a plan planned again with the same flags (a new generated_at) as the applied one: refuses it, and reverts with it', async () => {
    const dir = tempDir();
    const { ev, target, planFile, plan } = await recordedPlan(dir);
    const applied = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(applied.code, applied.stderr).toBe(0);
    // The operator runs the documented install-plan command again, into another file (or over the first).
    const again = mr(dir, [...planArgs(ev, target, ['--record', '--etc-dir', join(dir, 'no-etc')])]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().seed_manifest.generated_at).not.toBe(plan.seed_manifest.generated_at);
    const planAgain = join(dir, 'plan-again.json');
    writeFileSync(planAgain, again.stdout);
    const twice = mr(dir, ['install-apply', '--plan', planAgain, '--yes', '--memory-dir', ev.memory]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('error[plan-already-applied]');
    const revert = mr(dir, ['install-revert', '--plan', planAgain, '--yes', '--memory-dir', ev.memory]);
    expect(revert.code, revert.stderr).toBe(0);
    expect(revert.json()).toMatchObject({ status: 'reverted', apply_id: applied.json().apply_id, plan_digest: applied.json().plan_digest });
    expect(listTree(target)).toEqual([]);
  });

  it('still finds the records of an apply that linked them by the digest of the whole plan file (before generated_at was left out)', async () => {
    const dir = tempDir();
    const { ev, target, planFile, plan } = await recordedPlan(dir);
    const applied = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(applied.code, applied.stderr).toBe(0);
    // Rewrite the apply's records as the earlier install-apply wrote them: through the ledger, so they chain.
    const whole = digestCanonical(plan);
    expect(whole).not.toBe(applied.json().plan_digest);
    for (const [file, kind] of [[ev.generations, 'generation'], [ev.effects, 'effect']] as const) {
      const records = await loadRecords(file, kind);
      rmSync(file);
      for (const { chain: _chain, ...r } of records) {
        const old = JSON.parse(JSON.stringify(r).replaceAll(applied.json().plan_digest, whole));
        await appendRecord(file, kind, old);
      }
    }
    const twice = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('error[plan-already-applied]');
    const revert = mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(revert.code, revert.stderr).toBe(0);
    expect(revert.json()).toMatchObject({ status: 'reverted', apply_id: applied.json().apply_id });
    expect(listTree(target)).toEqual([]);
  });

  it('after apply, revert and an apply whose outcome was lost, refuses on the latest apply, not the first one', async () => {
    const dir = tempDir();
    const { ev, planFile } = await recordedPlan(dir);
    const args = ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory];
    expect(mr(dir, args).code).toBe(0);
    expect(mr(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]).code).toBe(0);
    const second = mr(dir, args);
    expect(second.code, second.stderr).toBe(0);
    // The second apply's outcome never reached the ledger (killed before it): its effects did.
    const generations = readFileSync(ev.generations, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(generations.at(-1)!)).toMatchObject({ lineage_status: 'installed', metadata: { apply_id: second.json().apply_id } });
    writeFileSync(ev.generations, `${generations.slice(0, -1).join('\n')}\n`);
    const again = mr(dir, args);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`error[plan-apply-unrecorded]: plan ${planFile} has an install-apply (${second.json().apply_id})`);
  });

  it('refuses seeds that would overwrite the ledgers it reads (--memory-dir inside the target, where the seeds go), even with --force, and writes nothing', async () => {
    const dir = tempDir();
    const { ev, planFile, plan, target } = await recordedPlan(dir);
    const installed = join(target, dirname(plan.seed_manifest.files[1]!.installed_path));
    mkdirSync(installed, { recursive: true });
    for (const f of readdirSync(ev.memory).filter((f) => f.endsWith('.jsonl'))) writeFileSync(join(installed, f), readFileSync(join(ev.memory, f)));
    const before = listTree(target).map((f) => [f, readFileSync(join(target, f), 'utf8')]);
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--force', '--memory-dir', installed]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toContain('error[target-conflict]');
    expect(r.stderr).not.toContain('exists with different content');
    expect(r.stderr).toContain(`would overwrite ${join(installed, 'generations.jsonl')}, which install-apply reads or journals into`);
    expect(listTree(target).map((f) => [f, readFileSync(join(target, f), 'utf8')])).toEqual(before);
  });

  it('runs concurrent applies and reverts of one memory dir one at a time: one apply installs, the others are refused', async () => {
    const dir = tempDir();
    const { ev, planFile } = await recordedPlan(dir);
    const args = ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory];
    const runs = await Promise.all(Array.from({ length: 4 }, () => mrAsync(dir, args)));
    expect(runs.map((r) => r.code).sort(), runs.map((r) => r.stderr).join('\n')).toEqual([0, 1, 1, 1]);
    for (const r of runs.filter((x) => x.code === 1)) expect(r.stderr).toContain('error[plan-already-applied]');
    const outcomes = ((await loadRecords(ev.generations, 'generation')) as { lineage_status: string }[]).map((g) => g.lineage_status);
    expect(outcomes).toEqual(['planned', 'installed']);
    expect(await loadRecords(ev.effects, 'effect')).toHaveLength(5);
    // A revert racing an apply: whichever goes first, the ledgers tell one consistent story.
    const [revert, apply] = await Promise.all([mrAsync(dir, ['install-revert', '--plan', planFile, '--yes', '--memory-dir', ev.memory]), mrAsync(dir, args)]);
    expect(revert.code, revert.stderr).toBe(0);
    const last = ((await loadRecords(ev.generations, 'generation')) as { lineage_status: string }[]).at(-1)!.lineage_status;
    expect(last).toBe(apply.code === 0 ? 'installed' : 'reverted');
    const verified = mr(dir, ['install-verify', '--plan', planFile]);
    expect(verified.code).toBe(last === 'installed' ? 0 : 1);
  });

  it('refuses a target root of / without --allow-live-root, before writing anything', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const plan = await planInstall({ ...FIXTURE_PLAN, memoryDir: ev.memory, targetRoot: '/', installedMemoryDir: join(dir, 'installed'), record: true, etcDir: join(dir, 'no-etc'), cwd: dir });
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const r = mr(dir, ['install-apply', '--plan', planFile, '--yes', '--memory-dir', ev.memory]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--allow-live-root');
    expect(existsSync(join(dir, 'installed'))).toBe(false);
    expect(existsSync(ev.effects)).toBe(false);
    expect(mr(dir, ['install-apply', '--help']).stdout).toContain('--allow-live-root');
  });
});
